import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// How far a download has got: for a progress bar.
public struct DownloadProgress: Sendable {
    /// The file being fetched.
    public var file: String
    /// The URL being fetched.
    public var url: String
    /// Bytes received so far.
    public var received: Int
    /// The expected total (from the catalogue or the server), when known.
    public var total: Int?
}

/// Downloads a published file from a list of mirrors, tried in order, into a directory:
/// streams the body into a temporary file beside the destination while computing its SHA-256,
/// stops a body longer than the published size, and renames the temporary file into place only
/// when the digest matches — so a failed or corrupt download never leaves a file behind.
public struct Downloader: Sendable {
    /// Base URLs to use instead of a data set's own mirrors (e.g. a local server in tests).
    public var mirrors: [String]?
    /// Seconds without any data after which a request fails.
    public var timeout: TimeInterval
    /// Called as data arrives (from a background thread).
    public var progress: (@Sendable (DownloadProgress) -> Void)?

    /// A downloader using the data sets' mirrors unless `mirrors` overrides them.
    public init(mirrors: [String]? = nil, timeout: TimeInterval = 60,
                progress: (@Sendable (DownloadProgress) -> Void)? = nil) {
        self.mirrors = mirrors
        self.timeout = timeout
        self.progress = progress
    }

    /// Fetches `file` from the first of `mirrors` (base URLs; the file name is appended) that serves
    /// it with the right SHA-256, and stores it as `directory/file.name`.
    /// - Returns: the stored file's URL.
    /// - Throws: `DownloadError` listing each mirror tried and why it failed (HTTP status, network
    ///   error, size or checksum mismatch, a directory that cannot be written).
    public func download(_ file: RemoteFile, from mirrors: [String], into directory: URL) throws(DownloadError) -> URL {
        var attempts: [DownloadError.Attempt] = []
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw DownloadError(file: file.name, attempts: [.init(url: directory.path, failure: .cannotWrite(error.localizedDescription))])
        }
        let destination = directory.appendingPathComponent(file.name)
        for base in mirrors {
            let url = base.hasSuffix("/") ? base + file.name : base + "/" + file.name
            let temporary = directory.appendingPathComponent(".\(file.name).\(UUID().uuidString).partial")
            do throws(DownloadError.Failure) {
                let digest = try fetch(url, file: file, to: temporary)
                guard digest == file.sha256 else { throw DownloadError.Failure.checksumMismatch(expected: file.sha256, actual: digest) }
                guard rename(temporary.path, destination.path) == 0 else {
                    throw DownloadError.Failure.cannotWrite("cannot rename into \(destination.path): \(String(cString: strerror(errno)))")
                }
                return destination
            } catch {
                try? FileManager.default.removeItem(at: temporary)
                attempts.append(.init(url: url, failure: error))
            }
        }
        throw DownloadError(file: file.name, attempts: attempts)
    }

    /// Streams `url` into `temporary` and returns the body's SHA-256 (hex).
    private func fetch(_ url: String, file: RemoteFile, to temporary: URL) throws(DownloadError.Failure) -> String {
        guard let requestURL = URL(string: url) else { throw .network("not a URL: \(url)") }
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary.path) else {
            throw .cannotWrite("cannot create \(temporary.path)")
        }
        defer { try? handle.close() }
        let receiver = BodyReceiver(handle: handle, file: file, url: url, progress: progress)
        var request = URLRequest(url: requestURL)
        request.timeoutInterval = timeout
        let session = URLSession(configuration: .ephemeral, delegate: receiver, delegateQueue: nil)
        session.dataTask(with: request).resume()
        receiver.done.wait()
        session.finishTasksAndInvalidate()
        return try receiver.result()
    }
}

/// Receives one response body: checks the status, writes and hashes the data, enforces the size.
private final class BodyReceiver: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private let handle: FileHandle
    private let file: RemoteFile
    private let url: String
    private let progress: (@Sendable (DownloadProgress) -> Void)?
    private var sha = SHA256()
    private var received = 0
    private var total: Int?
    private var failure: DownloadError.Failure?

    init(handle: FileHandle, file: RemoteFile, url: String, progress: (@Sendable (DownloadProgress) -> Void)?) {
        self.handle = handle
        self.file = file
        self.url = url
        self.progress = progress
        total = file.size
    }

    func result() throws(DownloadError.Failure) -> String {
        lock.lock()
        defer { lock.unlock() }
        if let failure { throw failure }
        if let size = file.size, received != size { throw .sizeMismatch(expected: size, actual: received) }
        return sha.finalize().hex
    }

    private func fail(_ reason: DownloadError.Failure) {
        lock.lock()
        if failure == nil { failure = reason }
        lock.unlock()
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        let status = (response as? HTTPURLResponse)?.statusCode ?? 200
        guard status == 200 else {
            fail(.httpStatus(status))
            completionHandler(.cancel)
            return
        }
        lock.lock()
        if total == nil, response.expectedContentLength > 0 { total = Int(response.expectedContentLength) }
        lock.unlock()
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        received += data.count
        let tooLarge = file.size.map { received > $0 } ?? false
        if !tooLarge { sha.update(data) }
        let report = DownloadProgress(file: file.name, url: url, received: received, total: total)
        lock.unlock()
        if tooLarge {
            fail(.sizeMismatch(expected: file.size ?? 0, actual: report.received))
            dataTask.cancel()
            return
        }
        do {
            try handle.write(contentsOf: data)
        } catch {
            fail(.cannotWrite(error.localizedDescription))
            dataTask.cancel()
            return
        }
        progress?(report)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if let error { fail(.network(error.localizedDescription)) }
        done.signal()
    }
}

/// Why a file could not be downloaded from any mirror.
public struct DownloadError: Error, Equatable, CustomStringConvertible {
    /// Why one mirror failed.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The server answered with this HTTP status instead of 200.
        case httpStatus(Int)
        /// The body's SHA-256 differs from the published one: a corrupt or different file.
        case checksumMismatch(expected: String, actual: String)
        /// The body's length differs from the published size.
        case sizeMismatch(expected: Int, actual: Int)
        /// The connection failed (the system's reason), e.g. no network.
        case network(String)
        /// The file cannot be written into the cache directory.
        case cannotWrite(String)

        public var description: String {
            switch self {
            case let .httpStatus(code): return "HTTP status \(code)"
            case let .checksumMismatch(expected, actual):
                return "checksum mismatch: SHA-256 \(actual), expected \(expected) (corrupt or altered download, discarded)"
            case let .sizeMismatch(expected, actual):
                return "size mismatch: received \(actual) bytes, expected \(expected) (discarded)"
            case let .network(reason): return "network error: \(reason)"
            case let .cannotWrite(reason): return "cannot write: \(reason)"
            }
        }
    }

    /// One mirror tried and why it failed.
    public struct Attempt: Equatable, Sendable {
        /// The full URL requested.
        public var url: String
        /// Why it failed.
        public var failure: Failure
    }

    /// The file that could not be downloaded.
    public var file: String
    /// Each mirror tried, in order.
    public var attempts: [Attempt]

    /// One "url: reason" line per attempt.
    public var attemptLines: [String] { attempts.map { "\($0.url): \($0.failure)" } }

    public var description: String {
        "could not download \(file):\n" + attemptLines.map { "  - \($0)" }.joined(separator: "\n")
    }
}
