import Hummingbird

/// Answers every failed request with `{"error": "…"}` and its status: the routes' own
/// ``ServeError``s, Hummingbird's errors (404, 413, …), 405 with `Allow` for a known path asked
/// with another method, and 500 for anything else. The server keeps serving after each.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The methods each known path answers.
    let methods: [String: [HTTPRequest.Method]]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ServeError {
            return JSONResponse.error(error.message, status: error.status)
        } catch let error as HTTPError {
            if error.status == .notFound, let allowed = methods[request.uri.path] {
                let list = allowed.map(\.rawValue).joined(separator: ", ")
                return JSONResponse.error("\(request.uri.path) answers \(list), not \(request.method.rawValue)",
                                          status: .methodNotAllowed, headers: [.allow: list])
            }
            let message = error.body ?? (error.status == .notFound ? "no such page: \(request.uri.path)" : error.status.reasonPhrase)
            return JSONResponse.error(message, status: error.status)
        } catch let error as any HTTPResponseError {
            let message = error.status == .contentTooLarge ? "the body is over \(KisoServer.maximumBodySize) bytes"
                : error.status.reasonPhrase
            return JSONResponse.error(message, status: error.status)
        } catch {
            context.logger.error("request \(request.method) \(request.uri.path) failed: \(error)")
            return JSONResponse.error("internal error: \(error)", status: .internalServerError)
        }
    }
}
