import HTTPTypes
import Hummingbird

/// A request the server refuses: the HTTP status (400, 404, 405, 413, 415) and the one-line
/// reason it sends back as `{"error": "…"}`.
public struct ServeError: Error, Equatable, CustomStringConvertible, HTTPResponseError {
    /// The status code of the answer.
    public let status: HTTPResponse.Status
    /// What was wrong, for the client.
    public let message: String

    /// A refusal with `status` and `message`.
    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status.code): \(message)" }

    /// The answer `{"error": message}` with this status.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONResponse.error(message, status: status)
    }
}
