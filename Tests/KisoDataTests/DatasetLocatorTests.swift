import Foundation
import Testing
import KisoData

@Suite struct DatasetLocatorTests {
    let labelsFile = DatasetName.mnist.files(for: .test).labels

    @Test func searchOrderIsDataDirThenKisoDataThenCacheThenSystem() {
        let locator = DatasetLocator(dataDirectory: URL(fileURLWithPath: "/d"), environment: ["KISO_DATA": "/k"],
                                     cacheRoot: URL(fileURLWithPath: "/c"), downloader: nil)
        let places = locator.searchPlaces(for: .fashionMNIST).map { $0.directory?.path ?? "-" }
        #expect(places == ["/d/fashion-mnist", "/d", "/k/fashion-mnist", "/c/fashion-mnist", "/usr/share/datasets/fashion-mnist"])
        #expect(DatasetLocator(environment: [:], downloader: nil).searchPlaces(for: .mnist).map(\.label)
                == ["KISO_DATA", "user cache"])
    }

    @Test func cacheRootFollowsXDGAndHome() {
        #expect(DatasetLocator.defaultCacheRoot(environment: ["XDG_CACHE_HOME": "/x"]).path == "/x/kiso")
        #if os(macOS)
        #expect(DatasetLocator.defaultCacheRoot(environment: ["HOME": "/h"]).path == "/h/Library/Caches/kiso")
        #else
        #expect(DatasetLocator.defaultCacheRoot(environment: ["HOME": "/h"]).path == "/h/.cache/kiso")
        #endif
    }

    @Test func earlierPlacesWin() throws {
        let root = DataIOFixtures.temporaryDirectory()
        defer { DataIOFixtures.cleanUp(root) }
        let labels = DataIOFixtures.idxLabels([1])
        let inCache = root.appendingPathComponent("cache/mnist/t10k-labels-idx1-ubyte.gz")
        let inKisoData = root.appendingPathComponent("kd/mnist/t10k-labels-idx1-ubyte.gz")
        let inData = root.appendingPathComponent("explicit/t10k-labels-idx1-ubyte.gz")
        DataIOFixtures.write(labels, to: inCache)
        var locator = DataIOFixtures.offlineLocator(data: nil, cache: root.appendingPathComponent("cache"),
                                                    environment: ["KISO_DATA": root.appendingPathComponent("kd").path])
        #expect(try locator.locate(labelsFile, of: .mnist).path == inCache.path)
        DataIOFixtures.write(labels, to: inKisoData)
        #expect(try locator.locate(labelsFile, of: .mnist).path == inKisoData.path)
        DataIOFixtures.write(labels, to: inData)
        locator.dataDirectory = root.appendingPathComponent("explicit")
        #expect(try locator.locate(labelsFile, of: .mnist).path == inData.path)
    }

    @Test func offlineNotFoundSaysWhatWasTriedAndHowToFixIt() {
        let root = DataIOFixtures.temporaryDirectory()
        defer { DataIOFixtures.cleanUp(root) }
        // A downloader is configured but KISO_OFFLINE forbids using it: no network is touched.
        let locator = DatasetLocator(dataDirectory: root, environment: ["KISO_OFFLINE": "1"], cacheRoot: root,
                                     downloader: Downloader(mirrors: ["http://127.0.0.1:9/"]))
        #expect(!locator.downloadsAllowed)
        do {
            _ = try locator.locate(DatasetName.fashionMNIST.files(for: .test).images, of: .fashionMNIST)
            Issue.record("nothing is there: must throw")
        } catch {
            let message = "\(error)"
            #expect(message.contains("Fashion-MNIST file t10k-images-idx3-ubyte.gz was not found"))
            #expect(message.contains("KISO_DATA: not set"))
            #expect(message.contains("/usr/share/datasets/fashion-mnist") || FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist"))
            #expect(message.contains("sudo apt install dataset-fashion-mnist"))
            #expect(message.contains("Downloading was not tried"))
        }
    }

    @Test func catalogueHasFourFilesPerDatasetWithDigests() {
        for dataset in DatasetName.allCases {
            let files = DatasetSplit.allCases.flatMap { [dataset.files(for: $0).images, dataset.files(for: $0).labels] }
            #expect(Set(files.map(\.name)) == ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                                               "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"])
            #expect(files.allSatisfy { $0.sha256.count == 64 && $0.sha256.allSatisfy(\.isHexDigit) })
            #expect(dataset.mirrors.count >= 2)
            #expect(dataset.classNames.count == 10)
        }
    }
}

/// The local copies in ../shared/data are recompressed (different gzip headers) but hold the published data.
@Suite struct RemoteFileCheckTests {
    @Test(.enabled(if: DataIOFixtures.hasShared("mnist/t10k-labels-idx1-ubyte.gz")))
    func sharedCopiesHoldThePublishedContents() throws {
        let shared = try #require(DataIOFixtures.sharedData)
        // The test files and the label files (the 47 MB training images would make the test slow).
        let cases: [(DatasetName, RemoteFile)] = DatasetName.allCases.flatMap { name in
            [name.files(for: .test).images, name.files(for: .test).labels, name.files(for: .train).labels].map { (name, $0) }
        }
        for (name, file) in cases {
            let url = shared.appendingPathComponent("\(name.directoryName)/\(file.name)")
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            let bytes = try Data(contentsOf: url)
            let check = try file.check(bytes)
            #expect(check == .publishedFile || check == .publishedContents, "\(url.path)")
            // Stored decompressed, the same data is recognised too.
            #expect(try file.check(Zlib.gunzip(bytes)) == .publishedContents)
        }
    }

    @Test func aDifferentFileIsReportedWithItsDigests() throws {
        let file = DatasetName.mnist.files(for: .test).labels
        let fake = Zlib.deflate(DataIOFixtures.idxLabels([1, 2, 3]), format: .gzip)
        #expect(try file.check(fake) == .different(sha256: SHA256.hash(fake).hex,
                                                   contentSHA256: SHA256.hash(DataIOFixtures.idxLabels([1, 2, 3])).hex))
        let exact = RemoteFile(name: "x", sha256: SHA256.hash(fake).hex)
        #expect(try exact.check(fake) == .publishedFile)
    }
}
