import Foundation
import Testing
import Kiso
import KisoData

/// Loading the real files in ../shared/data (skipped when absent).
@Suite struct MNISTRealDataTests {
    static let shared = DataIOFixtures.sharedData

    private func locator(_ cache: URL) -> DatasetLocator {
        DataIOFixtures.offlineLocator(data: Self.shared, cache: cache)
    }

    @Test(.enabled(if: DataIOFixtures.hasShared("mnist/t10k-images-idx3-ubyte.gz")))
    func mnistTestSplitLoads() throws {
        let cache = DataIOFixtures.temporaryDirectory()
        defer { DataIOFixtures.cleanUp(cache) }
        let test = try MNIST.load(split: .test, locator: locator(cache))
        #expect(test.images.shape == [10000, 784])
        #expect(test.labels.count == 10000)
        #expect(Array(test.labels.prefix(5)) == [7, 2, 1, 0, 4])
        #expect(Set(test.labels) == Set(0...9))
        let pixels = test.images.scalars
        #expect(pixels.min() == 0 && pixels.max() == 1)
        // The first test digit (a 7) has ink: some pixels at full intensity 255/255.
        #expect(pixels[0..<784].contains(1))
    }

    @Test(.enabled(if: DataIOFixtures.hasShared("mnist/t10k-images-idx3-ubyte.gz")))
    func optionsGiveTheBooksShapes() throws {
        let cache = DataIOFixtures.temporaryDirectory()
        defer { DataIOFixtures.cleanUp(cache) }
        let test = try MNIST.load(split: .test, normalize: false, flatten: false, locator: locator(cache))
        #expect(test.images.shape == [10000, 1, 28, 28])
        #expect(test.images.scalars.max() == 255)
        let t = test.labels.oneHot(classes: MNIST.classCount)   // the book's one_hot_label=True
        #expect(t.shape == [10000, 10])
        #expect(Array(t.scalars[0..<10]) == [0, 0, 0, 0, 0, 0, 0, 1, 0, 0])   // label 7
        #expect(t.sum() == 10000)
        #expect(ClassLabels(targets: t) == test.labels)
    }

    @Test(.enabled(if: DataIOFixtures.hasShared("mnist/train-labels-idx1-ubyte.gz")))
    func trainLabelsLoadWithoutTrainImages() throws {
        let cache = DataIOFixtures.temporaryDirectory()
        defer { DataIOFixtures.cleanUp(cache) }
        let labels = try MNIST.loadLabels(split: .train, locator: locator(cache))
        #expect(labels.count == 60000)
        #expect(Array(labels.prefix(5)) == [5, 0, 4, 1, 9])   // the well-known first training labels
    }

    @Test(.enabled(if: DataIOFixtures.hasShared("mnist/t10k-images-idx3-ubyte.gz")
                   && !DataIOFixtures.hasShared("mnist/train-images-idx3-ubyte.gz")))
    func missingTrainImagesGiveANotFoundErrorListingEveryPlace() throws {
        let cache = DataIOFixtures.temporaryDirectory()
        defer { DataIOFixtures.cleanUp(cache) }
        do {
            _ = try MNIST.load(split: .train, locator: locator(cache))
            Issue.record("loading MNIST train images must fail: the file is absent")
        } catch {
            guard case let .notFound(dataset, file, searched, downloads, fix) = error else {
                Issue.record("expected notFound, got \(error)")
                return
            }
            #expect(dataset == .mnist && file == "train-images-idx3-ubyte.gz")
            #expect(searched.count == 4)   // --data/mnist, --data, KISO_DATA (not set), user cache
            #expect(downloads.isEmpty)
            #expect(fix.contains("--data"))
            let message = "\(error)"
            #expect(message.contains("train-images-idx3-ubyte.gz was not found"))
            #expect(message.contains(cache.appendingPathComponent("mnist").path))
        }
    }

    @Test(.enabled(if: DataIOFixtures.hasShared("fashion-mnist/train-images-idx3-ubyte.gz")))
    func fashionTrainSplitLoads() throws {
        let cache = DataIOFixtures.temporaryDirectory()
        defer { DataIOFixtures.cleanUp(cache) }
        let train = try FashionMNIST.load(split: .train, locator: locator(cache))
        #expect(train.images.shape == [60000, 784])
        #expect(train.labels.count == 60000)
        #expect(train.classNames[0] == "T-shirt/top" && train.classNames[9] == "Ankle boot")
        // Fashion-MNIST is balanced: 6000 training images per class.
        var perClass = [Int](repeating: 0, count: 10)
        for label in train.labels { perClass[label] += 1 }
        #expect(perClass == [Int](repeating: 6000, count: 10))
    }
}

/// The loader's checks, on small synthetic files.
@Suite struct MNISTLoaderTests {
    @Test func loadsSyntheticFilesFromTheDataDirectory() throws {
        let root = DataIOFixtures.temporaryDirectory()
        defer { DataIOFixtures.cleanUp(root) }
        let dir = root.appendingPathComponent("data/mnist")
        DataIOFixtures.write(Zlib.deflate(DataIOFixtures.idxImages(3), format: .gzip), to: dir.appendingPathComponent("t10k-images-idx3-ubyte.gz"))
        // Labels stored decompressed (without .gz) are found too.
        DataIOFixtures.write(DataIOFixtures.idxLabels([3, 1, 4]), to: dir.appendingPathComponent("t10k-labels-idx1-ubyte"))
        let test = try MNIST.load(split: .test, normalize: false,
                                  locator: DataIOFixtures.offlineLocator(data: root.appendingPathComponent("data"), cache: root))
        #expect(test.images.shape == [3, 784])
        #expect(test.images.scalars[784 + 5] == 6)   // image 1, pixel 5 = 1 + 5
        #expect(test.labels == [3, 1, 4])
    }

    @Test func imageAndLabelCountMismatchIsReported() throws {
        let dir = DataIOFixtures.temporaryDirectory()
        defer { DataIOFixtures.cleanUp(dir) }
        DataIOFixtures.write(DataIOFixtures.idxImages(3), to: dir.appendingPathComponent("t10k-images-idx3-ubyte"))
        DataIOFixtures.write(DataIOFixtures.idxLabels([3, 1]), to: dir.appendingPathComponent("t10k-labels-idx1-ubyte"))
        #expect {
            _ = try MNIST.load(split: .test, locator: DataIOFixtures.offlineLocator(data: dir, cache: dir))
        } throws: { error in
            guard case let .countMismatch(images, labels, _, _)? = error as? DatasetError else { return false }
            return images == 3 && labels == 2 && "\(error)".contains("3 images but")
        }
    }

    @Test func labelsAboveNineAndWrongShapesAreReported() {
        let dir = DataIOFixtures.temporaryDirectory()
        defer { DataIOFixtures.cleanUp(dir) }
        let labels = dir.appendingPathComponent("labels")
        DataIOFixtures.write(DataIOFixtures.idxLabels([1, 12]), to: labels)
        #expect(throws: DatasetError.labelOutOfRange(path: labels.path, index: 1, label: 12, classes: 10)) {
            _ = try MNIST.readLabels(labels)
        }
        let images = dir.appendingPathComponent("images")
        DataIOFixtures.write(DataIOFixtures.idxImages(2, side: 32), to: images)
        #expect { _ = try MNIST.readImages(images) } throws: { error in
            guard case .unexpectedShape(_, [2, 32, 32], _)? = error as? DatasetError else { return false }
            return true
        }
        // A label file where images are expected.
        #expect { _ = try MNIST.readImages(labels) } throws: { error in
            guard case .unexpectedShape(_, [2], _)? = error as? DatasetError else { return false }
            return true
        }
    }

    @Test func aDirectoryInPlaceOfAFileIsSkippedAndACorruptFileIsReported() throws {
        let dir = DataIOFixtures.temporaryDirectory()
        defer { DataIOFixtures.cleanUp(dir) }
        // A directory named like the file is not taken for it...
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("t10k-labels-idx1-ubyte.gz"), withIntermediateDirectories: true)
        #expect { _ = try MNIST.loadLabels(split: .test, locator: DataIOFixtures.offlineLocator(data: dir, cache: dir)) } throws: { error in
            if case .notFound? = error as? DatasetError { return true }
            return false
        }
        // ...and a truncated gzip file is reported as such, with its path.
        let gz = Zlib.deflate(DataIOFixtures.idxImages(5), format: .gzip)
        DataIOFixtures.write(Array(gz[..<(gz.count / 2)]), to: dir.appendingPathComponent("t10k-images-idx3-ubyte.gz"))
        #expect { _ = try MNIST.loadImages(split: .test, locator: DataIOFixtures.offlineLocator(data: dir, cache: dir)) } throws: { error in
            guard case let .file(idx)? = error as? DatasetError, case .gzip(.truncated) = idx.reason else { return false }
            return "\(error)".contains("t10k-images-idx3-ubyte.gz") && "\(error)".contains("truncated")
        }
        #expect { _ = try MNIST.readImages(dir) } throws: { error in
            guard case let .file(idx)? = error as? DatasetError else { return false }
            return idx.reason == .isDirectory
        }
    }
}
