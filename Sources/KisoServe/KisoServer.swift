import Foundation
import Hummingbird
import Logging

/// The `kiso serve` web application: the drawing page and its JSON API over served models,
/// and the training view when a run is published.
///
/// Routes: `GET /` (and `/app.js`, `/style.css`), `GET /api/models`, `POST /api/predict`,
/// `GET /api/training/events` (Server-Sent Events). Errors are `{"error": "…"}` with 400, 404,
/// 405, 413 or 415.
public struct KisoServer: Sendable {
    /// The largest request body read, in bytes (1 MiB); larger ones are answered 413.
    public static let maximumBodySize = 1 << 20

    /// The models offered, the first being the default.
    public let models: [ServedModel]
    /// The training run streamed to the training view, if any.
    public let training: TrainingEventStream?
    let page: PageAssets

    /// A server for `models` (names must differ) and, optionally, a training run.
    /// - Throws: ``ServeError`` when the page's files are missing or two models share a name.
    public init(models: [ServedModel], training: TrainingEventStream? = nil) throws {
        let names = models.map(\.name)
        if let repeated = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw ServeError(.internalServerError, "two models are called \(repeated); give the weights files different names")
        }
        self.models = models
        self.training = training
        page = try PageAssets.load()
    }

    /// The router with every route and the JSON error answers.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        var methods: [String: [HTTPRequest.Method]] = [
            "/api/models": [.get], "/api/predict": [.post], "/api/training/events": [.get],
        ]
        for path in page.files.keys { methods[path] = [.get] }
        router.add(middleware: JSONErrorMiddleware(methods: methods))
        for (path, file) in page.files {
            router.get(RouterPath(path)) { _, _ in
                Response(status: .ok, headers: [.contentType: file.contentType, .cacheControl: "no-cache"],
                         body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
            }
        }
        router.get("/api/models") { _, _ in try JSONResponse.encode(ModelList(self)) }
        router.post("/api/predict") { request, context in try await predict(request, context: context) }
        router.get("/api/training/events") { _, _ in try trainingEvents() }
        return router
    }

    /// An application listening on `host`:`port` (0: any free port), calling `onRunning` with
    /// the port once it listens, and logging warnings and errors (to standard error). Run it
    /// with `runService()`, which stops cleanly on SIGINT or SIGTERM.
    public func application(host: String, port: Int,
                            onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        var logger = Logger(label: "kiso serve")
        logger.logLevel = .warning
        return Application(router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "kiso"),
                           onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
                           logger: logger)
    }

    /// Serves on `host`:`port` until SIGINT or SIGTERM, then returns after the open requests
    /// are answered; calls `onRunning` with the port once it listens.
    /// - Throws: when the server cannot start (e.g. the port is taken).
    public func run(host: String, port: Int, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await application(host: host, port: port, onRunning: onRunning).runService()
    }

    // MARK: Routes

    /// `POST /api/predict[?model=NAME][&activations=1]`.
    private func predict(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let name = request.uri.queryParameters["model"].map(String.init)
        guard let model = name.map({ name in models.first { $0.name == name } }) ?? models.first else {
            if let name { throw ServeError(.notFound, "no model is called \(name)") }
            throw ServeError(.notFound, "no model is served")
        }
        let contentType = request.headers[.contentType] ?? ""
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maximumBodySize {
            throw ServeError(.contentTooLarge, "the body is \(length) bytes; at most \(Self.maximumBodySize) are accepted")
        }
        // A body sent without a length (chunked) stops being read at the limit: 413 (JSONErrorMiddleware).
        let buffer = try await request.body.collect(upTo: Self.maximumBodySize)
        let pixels = try PredictionInput.decode(body: Array(buffer.readableBytesView), contentType: contentType)
        let flag = request.uri.queryParameters["activations"].map(String.init)
        let prediction = await model.predict(pixels: pixels, activations: flag == "1" || flag == "true")
        return try JSONResponse.encode(prediction)
    }

    /// `GET /api/training/events`: the run's events as `text/event-stream`.
    private func trainingEvents() throws -> Response {
        guard let training else { throw ServeError(.notFound, "no training run is being served") }
        let chunks = training.subscribe().map { ByteBuffer(string: $0.serverSentEvent) }
        return Response(status: .ok,
                        headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                        body: ResponseBody(asyncSequence: chunks))
    }
}

/// The answer of `GET /api/models`.
struct ModelList: Encodable {
    struct Entry: Encodable {
        var name: String
        var dataset: String?
        var accuracy: Float?
        var input: ServedModel.InputLayout
        var labels: [String]
        var convolutional: Bool
    }

    var models: [Entry]
    /// The title of the training run, when one is served.
    var training: String?

    init(_ server: KisoServer) {
        models = server.models.map {
            Entry(name: $0.name, dataset: $0.dataset, accuracy: $0.accuracy, input: $0.layout, labels: $0.classLabels,
                  convolutional: $0.isConvolutional)
        }
        training = server.training?.title
    }
}
