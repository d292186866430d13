/// A mistake a user can make on the command line (a bad flag value, a missing file, weights
/// that do not fit the model). Its description is one clear line; `kiso` prints it as
/// `Error: <line>` and exits with status 1.
public struct KisoError: Error, CustomStringConvertible, Equatable {
    /// The one-line message.
    public let description: String

    /// An error that reads `message`.
    public init(_ message: String) { description = message }
}
