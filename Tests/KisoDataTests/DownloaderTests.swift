import Foundation
import Testing
import KisoData

/// Downloads against a local server on 127.0.0.1 started by each test — never the internet.
@Suite struct DownloaderTests {
    static let content = Zlib.deflate(DataIOFixtures.idxLabels([7, 2, 1, 0, 4]), format: .gzip)
    static let file = RemoteFile(name: "t10k-labels-idx1-ubyte.gz", size: content.count,
                                 sha256: SHA256.hash(content).hex)

    private func leftovers(in directory: URL) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    }

    @Test func firstMirror404ThenSecondMirrorWorks() throws {
        let server = try LocalHTTPServer(routes: ["/good/\(Self.file.name)": .init(status: 200, body: Self.content)])
        defer { server.stop() }
        let cache = DataIOFixtures.temporaryDirectory()
        defer { DataIOFixtures.cleanUp(cache) }
        let received = ProgressLog()
        let downloader = Downloader(timeout: 5, progress: { received.append($0.received) })
        let stored = try downloader.download(Self.file, from: [server.baseURL + "missing/", server.baseURL + "good"],
                                             into: cache.appendingPathComponent("mnist"))
        #expect(stored.path == cache.appendingPathComponent("mnist/\(Self.file.name)").path)
        #expect(try Data(contentsOf: stored) == Data(Self.content))
        #expect(server.requestedPaths == ["/missing/\(Self.file.name)", "/good/\(Self.file.name)"])
        #expect(received.last == Self.content.count)
        // Only the renamed file remains: no temporary file.
        #expect(leftovers(in: cache.appendingPathComponent("mnist")) == [Self.file.name])
    }

    @Test func checksumMismatchIsReportedAndLeavesNoFile() throws {
        var corrupted = Self.content
        corrupted[corrupted.count / 2] ^= 0xFF
        let server = try LocalHTTPServer(routes: ["/bad/\(Self.file.name)": .init(status: 200, body: corrupted)])
        defer { server.stop() }
        let cache = DataIOFixtures.temporaryDirectory()
        defer { DataIOFixtures.cleanUp(cache) }
        do {
            _ = try Downloader(timeout: 5).download(Self.file, from: [server.baseURL + "bad/", server.baseURL + "gone/"], into: cache)
            Issue.record("a corrupted body must be rejected")
        } catch {
            #expect(error.attempts.count == 2)
            #expect(error.attempts[0].failure == .checksumMismatch(expected: Self.file.sha256, actual: SHA256.hash(corrupted).hex))
            #expect(error.attempts[1].failure == .httpStatus(404))
            #expect("\(error)".contains("checksum mismatch"))
        }
        #expect(leftovers(in: cache).isEmpty)
    }

    @Test func overlongBodyAndRefusedConnectionAreReported() throws {
        let server = try LocalHTTPServer(routes: ["/long/\(Self.file.name)": .init(status: 200, body: Self.content + [0, 0, 0])])
        defer { server.stop() }
        let cache = DataIOFixtures.temporaryDirectory()
        defer { DataIOFixtures.cleanUp(cache) }
        // Port 9 (discard) on 127.0.0.1: nothing listens there, the connection is refused.
        do {
            _ = try Downloader(timeout: 5).download(Self.file, from: ["http://127.0.0.1:9/", server.baseURL + "long/"], into: cache)
            Issue.record("must fail")
        } catch {
            guard case .network = error.attempts[0].failure else {
                Issue.record("expected a network error, got \(error.attempts[0].failure)")
                return
            }
            guard case .sizeMismatch(expected: Self.content.count, actual: _) = error.attempts[1].failure else {
                Issue.record("expected a size mismatch, got \(error.attempts[1].failure)")
                return
            }
        }
        #expect(leftovers(in: cache).isEmpty)
    }

    @Test func locatorDownloadsIntoTheCacheThenFindsItThere() throws {
        let server = try LocalHTTPServer(routes: ["/m/\(Self.file.name)": .init(status: 200, body: Self.content)])
        defer { server.stop() }
        let cache = DataIOFixtures.temporaryDirectory()
        defer { DataIOFixtures.cleanUp(cache) }
        let locator = DatasetLocator(environment: [:], cacheRoot: cache, searchesSystemDirectories: false,
                                     downloader: Downloader(mirrors: [server.baseURL + "m/"], timeout: 5))
        let first = try locator.locate(Self.file, of: .mnist)
        #expect(first.path == cache.appendingPathComponent("mnist/\(Self.file.name)").path)
        let second = try locator.locate(Self.file, of: .mnist)
        #expect(second == first)
        #expect(server.requestedPaths.count == 1)   // the second lookup found the cached file
        #expect(try MNIST.readLabels(first) == [7, 2, 1, 0, 4])
    }

    @Test func locatorReportsEveryFailedMirror() throws {
        let server = try LocalHTTPServer(routes: [:])
        defer { server.stop() }
        let cache = DataIOFixtures.temporaryDirectory()
        defer { DataIOFixtures.cleanUp(cache) }
        let locator = DatasetLocator(environment: [:], cacheRoot: cache, searchesSystemDirectories: false,
                                     downloader: Downloader(mirrors: [server.baseURL + "a/", server.baseURL + "b/"], timeout: 5))
        do {
            _ = try locator.locate(Self.file, of: .mnist)
            Issue.record("must fail")
        } catch {
            let message = "\(error)"
            #expect(message.contains("Downloading failed:"))
            #expect(message.contains("\(server.baseURL)a/\(Self.file.name): HTTP status 404"))
            #expect(message.contains("\(server.baseURL)b/\(Self.file.name): HTTP status 404"))
        }
        #expect(leftovers(in: cache.appendingPathComponent("mnist")).isEmpty)
    }
}

/// Collects progress reports from the download thread.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int] = []
    func append(_ value: Int) { lock.lock(); values.append(value); lock.unlock() }
    var last: Int? { lock.lock(); defer { lock.unlock() }; return values.last }
}
