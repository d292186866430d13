import Foundation
import Hummingbird
import HummingbirdTesting
import KisoServe
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The server on a real socket: what a client that sends too much sees, and parallel answers.
@Suite struct LiveServerTests {
    typealias F = ServeFixtures

    /// ``exchange(port:head:bodyBytes:)`` on a Dispatch thread, so that its blocking socket calls
    /// do not hold one of the few cooperative threads the server itself runs on.
    static func exchangeOffPool(port: Int, head: String, bodyBytes: Int) async throws -> (statusLine: String, sent: Int) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try exchange(port: port, head: head, bodyBytes: bodyBytes) })
            }
        }
    }

    /// Sends `head` and then `bodyBytes` zero bytes on a new connection to 127.0.0.1:`port`,
    /// stopping early when the server answers; returns the answer's first line and how many
    /// body bytes were sent before it came.
    static func exchange(port: Int, head: String, bodyBytes: Int) throws -> (statusLine: String, sent: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EBADF) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: 0, tv_usec: 20_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = Array(head.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        let chunk = [UInt8](repeating: 0, count: 16 * 1024)
        var sent = 0, answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if got > 0 { answer += buffer[0..<got] }
            if answer.contains(UInt8(ascii: "\n")) || got == 0 { break }
            if sent < bodyBytes {
                let n = chunk.withUnsafeBytes { send(fd, $0.baseAddress, min($0.count, bodyBytes - sent), Int32(MSG_NOSIGNAL)) }
                if n <= 0 { break }
                sent += n
            }
        }
        let line = String(decoding: answer, as: UTF8.self).split(separator: "\r\n").first.map(String.init) ?? ""
        return (line, sent)
    }

    @Test func a20MegabyteBodyIsRefusedBeforeItIsRead() async throws {
        let size = 20 << 20
        try await Application(router: F.server().router()).test(.live) { client in
            let port = try #require(client.port)
            let head = "POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: \(size)\r\n\r\n"
            let (statusLine, sent) = try await Self.exchangeOffPool(port: port, head: head, bodyBytes: size)
            #expect(statusLine.hasPrefix("HTTP/1.1 413 "), "\(statusLine)")
            // The answer came while at most a few socket buffers of the body had gone out.
            #expect(sent < 4 << 20, "sent \(sent) of \(size) bytes before the answer")
            // And the server lives on.
            let ok = try await client.execute(uri: "/api/predict", method: .post, headers: [.contentType: "image/png"],
                                              body: F.buffer(F.sevenPNG()))
            #expect(ok.status == .ok)
        }
    }

    @Test func concurrentClientsAllGetTheSameAnswer() async throws {
        try await Application(router: F.server().router()).test(.live) { client in
            let expected = try F.prediction(try await client.execute(
                uri: "/api/predict", method: .post, headers: [.contentType: "image/png"], body: F.buffer(F.sevenPNG())))
            let answers = try await withThrowingTaskGroup(of: Prediction.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        try F.prediction(try await client.execute(
                            uri: "/api/predict", method: .post, headers: [.contentType: "image/png"],
                            body: F.buffer(F.sevenPNG())))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.count == 16)
            // Same class everywhere; probabilities equal up to float32 rounding: with other work running, the
            // kernels may split a sum over a different number of threads (seen once in a full parallel test run).
            #expect(answers.allSatisfy { $0.class == expected.class && $0.input == expected.input })
            for answer in answers {
                for (p, q) in zip(answer.probabilities, expected.probabilities) { #expect(abs(p - q) <= 1e-5) }
            }
        }
    }
}

/// The training view's server: started in the background, stopped on request.
@Suite struct BackgroundServerTests {
    @Test func startListensAndStopCloses() async throws {
        let stream = TrainingEventStream(title: "run")
        let server = try await KisoServer(models: [], training: stream).start(host: "127.0.0.1", port: 0)
        #expect(server.port > 0)
        let head = "GET /api/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        let (statusLine, _) = try await LiveServerTests.exchangeOffPool(port: server.port, head: head, bodyBytes: 0)
        #expect(statusLine == "HTTP/1.1 200 OK")
        stream.finish()
        await server.stop()
        await #expect(throws: (any Error).self) { try await LiveServerTests.exchangeOffPool(port: server.port, head: head, bodyBytes: 0) }
    }
}
