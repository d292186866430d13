import ArgumentParser
import Dispatch
import Foundation
import KisoData
import KisoNN
import KisoServe

/// `kiso serve`: a local web page to draw digits for trained networks, and its JSON API.
public struct ServeCommand: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a page to draw a digit and watch trained networks classify it, with a JSON API.",
        discussion: """
            Open the address it prints in a browser. API: POST /api/predict (a PNG, prepared like kiso predict, \
            or JSON {"pixels": [784 numbers in 0…1]}; ?model=NAME, ?activations=1), GET /api/models. \
            Ctrl-C stops it. See docs/SERVE.md.
            """
    )

    @Option(help: ArgumentHelp("A weights file to serve (.safetensors, .npz or the book's .pkl); repeat for a model picker.",
                               valueName: "file"))
    var weights: [String] = []

    @Option(help: "The network, for files that do not say: \(ModelName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: ModelName?

    @Option(help: "Class names: mnist (digits) or fashion-mnist; default: what each file was trained on.")
    var dataset: DatasetChoice?

    @Option(help: "The TCP port (0: any free port).")
    var port = 8080

    @Option(help: "The address to listen on. Anything but 127.0.0.1 or localhost opens the server to other machines.")
    var host = "127.0.0.1"

    public init() {}

    public func validate() throws {
        guard !weights.isEmpty else { throw ValidationError("give at least one --weights file to serve") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
    }

    public func execute(_ console: Console) throws {
        let copies = ProcessInfo.processInfo.activeProcessorCount
        var models: [ServedModel] = []
        for path in weights {
            models.append(try servedModel(path, name: uniqueName(for: path, among: models), copies: copies))
        }
        let server = try KisoServer(models: models)
        if !Self.isLoopback(host) {
            console.errorLine("Warning: listening on \(host): anyone who can reach this machine can use the server")
        }
        let names = models.map(\.name).joined(separator: ", ")
        let shownHost = Self.isLoopback(host) ? "127.0.0.1" : host
        try serve(server, host: host, port: port, console: console) { port in
            "Serving \(names) on http://\(shownHost):\(port)/ (Ctrl-C to stop)"
        }
    }

    /// The model in the weights file at `path`, loaded `copies` times so as many predictions run at once.
    private func servedModel(_ path: String, name: String, copies: Int) throws -> ServedModel {
        let first = try WeightsFile(path: path, model: model)
        var networks = [first.network]
        for _ in 1..<max(1, copies) { networks.append(try WeightsFile(path: path, model: model).network) }
        let dataset = dataset.map(DatasetOptions.name) ?? first.dataset ?? .mnist
        return ServedModel(name: name, networks: networks, layout: first.model.takesImages ? .images : .flat,
                           classLabels: dataset.classNames, dataset: dataset.rawValue)
    }

    /// The file's name without its extension, numbered when an earlier model has it.
    private func uniqueName(for path: String, among models: [ServedModel]) -> String {
        let base = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        var name = base, n = 2
        while models.contains(where: { $0.name == name }) { name = "\(base)-\(n)"; n += 1 }
        return name
    }

    /// Whether `host` only accepts connections from this machine.
    static func isLoopback(_ host: String) -> Bool {
        ["127.0.0.1", "localhost", "::1"].contains(host.lowercased()) || host.hasPrefix("127.")
    }
}

/// Runs `server` on `host`:`port` until SIGINT or SIGTERM, printing `banner(port)` once it
/// listens; blocks the calling thread.
/// - Throws: ``KisoError`` when the server cannot start (e.g. the port is taken).
func serve(_ server: KisoServer, host: String, port: Int, console: Console,
           banner: @escaping @Sendable (Int) -> String) throws {
    let done = DispatchSemaphore(value: 0)
    let failure = FailureBox()
    Task {
        do { try await server.run(host: host, port: port) { port in console.line(banner(port)) } } catch { failure.error = error }
        done.signal()
    }
    done.wait()
    if let error = failure.error { throw KisoError("the server stopped: \(error)") }
    console.line("Stopped.")
}

/// The error a background task ended with, read after it signalled.
private final class FailureBox: @unchecked Sendable {
    var error: (any Error)?
}
