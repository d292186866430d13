import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 (ephemeral port) for download tests: answers each GET
/// with the route's status and body and closes the connection. It serves at most
/// `maxConnections` requests and stops by itself after `lifetime` seconds, so a test that
/// forgets to stop it cannot hang.
final class LocalHTTPServer: @unchecked Sendable {
    struct Response {
        var status: Int
        var body: [UInt8]
    }

    let port: UInt16
    private let listener: Int32
    private let routes: [String: Response]
    private let lock = NSLock()
    private var stopped = false
    private var requested: [String] = []
    private let finished = DispatchSemaphore(value: 0)

    /// The base URL, e.g. `http://127.0.0.1:41234/`.
    var baseURL: String { "http://127.0.0.1:\(port)/" }

    /// The paths requested so far, in order.
    var requestedPaths: [String] { lock.lock(); defer { lock.unlock() }; return requested }

    init(routes: [String: Response], maxConnections: Int = 32, lifetime: TimeInterval = 20) throws {
        self.routes = routes
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let deadline = Date().addingTimeInterval(lifetime)
        Thread.detachNewThread { [self] in
            serve(maxConnections: maxConnections, deadline: deadline)
            finished.signal()
        }
    }

    /// Stops serving and waits for the server thread to end.
    func stop() {
        lock.lock()
        let wasStopped = stopped
        stopped = true
        lock.unlock()
        if !wasStopped { finished.wait() }
    }

    deinit { close(listener) }

    private var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }

    private func serve(maxConnections: Int, deadline: Date) {
        var served = 0
        while served < maxConnections, !isStopped, Date() < deadline {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            served += 1
            handle(client)
            close(client)
        }
        lock.lock()
        stopped = true
        lock.unlock()
    }

    private func handle(_ client: Int32) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        #if canImport(Darwin)
        var one: Int32 = 1
        setsockopt(client, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while request.count < 16384, !request.ends(with: [13, 10, 13, 10]) {
            let n = recv(client, &buffer, buffer.count, 0)
            guard n > 0 else { break }
            request += buffer[0..<n]
        }
        let firstLine = String(decoding: request.prefix { $0 != 13 }, as: UTF8.self).split(separator: " ")
        let path = firstLine.count >= 2 ? String(firstLine[1]) : "/"
        lock.lock()
        requested.append(path)
        lock.unlock()
        let response = routes[path] ?? Response(status: 404, body: Array("not found\n".utf8))
        let reason = response.status == 200 ? "OK" : response.status == 404 ? "Not Found" : "Error"
        let head = "HTTP/1.1 \(response.status) \(reason)\r\nContent-Length: \(response.body.count)\r\n"
            + "Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
        sendAll(client, Array(head.utf8) + response.body)
    }

    // A client that hangs up early must not kill the test process with SIGPIPE.
    #if canImport(Glibc)
    private static let noSignal = Int32(MSG_NOSIGNAL)
    #else
    private static let noSignal: Int32 = 0
    #endif

    private func sendAll(_ client: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Self.noSignal) }
            guard n > 0 else { return }
            offset += n
        }
    }
}

private extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
