import Hummingbird

/// A ``KisoServer`` running in the background (the training view of `kiso train --serve`): it
/// ignores signals, which stay with the caller, and runs until ``stop()``.
public final class BackgroundServer: Sendable {
    /// The port it listens on.
    public let port: Int
    private let task: Task<Void, any Error>

    init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    /// Stops listening, closes the open connections and waits until the server has stopped.
    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

extension KisoServer {
    /// Starts serving on `host`:`port` (0: any free port) in the background and returns once it
    /// listens.
    /// - Throws: the server's error when it cannot start (e.g. the port is taken).
    public func start(host: String, port: Int) async throws -> BackgroundServer {
        let (ports, announce) = AsyncStream.makeStream(of: Int.self)
        // Stopping is by cancellation, which Hummingbird logs as errors: only critical ones are shown.
        let application = application(host: host, port: port, logLevel: .critical) { port in
            announce.yield(port)
            announce.finish()
        }
        let task = Task {
            defer { announce.finish() }
            try await application.runService(gracefulShutdownSignals: [])
        }
        for await port in ports { return BackgroundServer(port: port, task: task) }
        try await task.value
        throw ServeError(.internalServerError, "the server stopped before it listened")
    }
}
