import Foundation

/// Why a model or array file could not be read or written: the file's name, a `reason`
/// to match on, and a sentence for people.
///
/// ```
/// model.safetensors: tensor 'W1' declares shape [784, 50] (156800 bytes as F32) but its offsets span 1000 bytes
/// weights.pkl: the pickle names os.system, which Kiso does not load (only NumPy arrays are allowed)
/// ```
///
/// Every parser in KisoData throws this for bad input — never a crash, a hang or an
/// allocation the file's real size does not justify.
public struct FileFormatError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The kind of problem, for code that reacts to it (tests, the CLI's exit code).
    public enum Reason: String, Equatable, Sendable {
        /// No file at the path.
        case fileNotFound
        /// The path is a directory.
        case isDirectory
        /// The operating system refused to read or write the file.
        case ioError
        /// The file has no bytes.
        case empty
        /// The file ends before the structure it declares.
        case truncated
        /// The file does not start with the format's magic bytes.
        case badMagic
        /// A version of the format that Kiso does not read.
        case unsupportedVersion
        /// A header that does not parse or lacks required fields.
        case malformedHeader
        /// A header or entry larger than the format's safety limit.
        case tooLarge
        /// An element type Kiso does not read or write.
        case unsupportedDType
        /// A feature of the format Kiso does not read (Fortran order, encryption, …).
        case unsupportedFeature
        /// Data offsets that point outside the file.
        case offsetsOutOfRange
        /// Two tensors or archive members share bytes, or bytes lie unused between them.
        case badLayout
        /// The byte length of the data disagrees with dtype × shape.
        case sizeMismatch
        /// The same tensor name appears twice.
        case duplicateName
        /// A pickle names a Python global outside Kiso's whitelist.
        case forbiddenGlobal
        /// A pickle opcode Kiso does not execute.
        case unsupportedOpcode
        /// A pickle or archive exceeds a structural limit (stack depth, memo size, entry count).
        case limitExceeded
        /// The file is well formed but does not hold what was asked for (e.g. a pickle of a list).
        case unexpectedContent
        /// A compressed member or checksum is wrong.
        case corrupt
    }

    /// The file's name (last path component), or a label for in-memory data.
    public var file: String
    /// What went wrong, as a category.
    public var reason: Reason
    /// What went wrong, in words (without the file name).
    public var detail: String

    /// An error about `file` with `reason` and `detail`.
    public init(_ reason: Reason, _ detail: String, file: String) {
        self.reason = reason
        self.detail = detail
        self.file = file
    }

    /// `"<file>: <detail>"`.
    public var description: String { "\(file): \(detail)" }
    /// Same as `description`, for `localizedDescription`.
    public var errorDescription: String? { description }

    /// This error, reported against another file name (readers of nested formats use it).
    func renamed(_ name: String) -> FileFormatError { FileFormatError(reason, detail, file: name) }
}

/// `text` from an untrusted file made safe for an error message: control characters
/// escaped, and cut to `limit` characters with "…" so a hostile name cannot flood a terminal.
func printable(_ text: String, limit: Int = 80) -> String {
    var out = ""
    for (i, u) in text.unicodeScalars.enumerated() {
        if i == limit { return out + "…" }
        out += u.properties.generalCategory == .control || u.value == 0xFFFD ? u.escaped(asASCII: true) : String(u)
    }
    return out
}
