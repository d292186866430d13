/// Why an IDX file could not be read; `description` is the message for the user.
public struct IDXError: Error, Equatable, CustomStringConvertible {
    /// What is wrong.
    public enum Reason: Equatable, Sendable {
        /// The file or data has no bytes.
        case empty
        /// No file at the path.
        case notFound
        /// The path names a directory, not a file.
        case isDirectory
        /// The file exists but cannot be read (the system's reason).
        case unreadable(String)
        /// The first two bytes are not zero: not an IDX file (the 4-byte magic found).
        case badMagic(UInt32)
        /// The element type byte is not one IDX defines.
        case unsupportedElementType(UInt8)
        /// The dimension count byte is 0 or larger than `IDX.maximumDimensions`.
        case badDimensionCount(Int)
        /// The data ends inside the header.
        case truncatedHeader(needed: Int, actual: Int)
        /// The sizes' product does not fit in memory addresses.
        case sizeOverflow([Int])
        /// The data is shorter than the header declares.
        case truncatedData(shape: [Int], declared: Int, actual: Int)
        /// The data is longer than the header declares (`actual` is nil when a gzip stream was cut off
        /// at `declared + 1` bytes rather than inflated completely).
        case trailingData(declared: Int, actual: Int?)
        /// The gzip layer is truncated or corrupt.
        case gzip(ZlibError)
        /// The elements are not of the type the caller needs.
        case wrongElementType(expected: IDX.ElementType, found: IDX.ElementType)
    }

    /// What is wrong.
    public let reason: Reason
    /// The file, when the data came from one.
    public let path: String?

    /// An error for `reason`, optionally about the file at `path`.
    public init(_ reason: Reason, path: String? = nil) {
        self.reason = reason
        self.path = path
    }

    /// The same error, about the file at `path`.
    func at(_ path: String) -> IDXError { IDXError(reason, path: self.path ?? path) }

    public var description: String {
        let subject = path.map { "IDX file \($0)" } ?? "IDX data"
        switch reason {
        case .empty:
            return "\(subject) is empty (0 bytes); delete it and download it again"
        case .notFound:
            return "\(subject) does not exist"
        case .isDirectory:
            return "\(subject) is a directory, not a file"
        case let .unreadable(why):
            return "\(subject) cannot be read: \(why)"
        case let .badMagic(magic):
            return "\(subject) is not an IDX file: its magic number is 0x\(hex(magic)), expected 0x0000TTDD "
                + "(e.g. 0x00000803 for images, 0x00000801 for labels)"
        case let .unsupportedElementType(code):
            return "\(subject) has an unknown element type 0x\(hex(UInt32(code), digits: 2)) "
                + "(IDX knows 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64)"
        case let .badDimensionCount(n):
            return "\(subject) declares \(n) dimensions; expected 1…\(IDX.maximumDimensions)"
        case let .truncatedHeader(needed, actual):
            return "\(subject) is truncated: its header needs \(needed) bytes but there are only \(actual)"
        case let .sizeOverflow(shape):
            return "\(subject) declares an impossible shape \(shape) (its size overflows)"
        case let .truncatedData(shape, declared, actual):
            return "\(subject) is truncated: its header declares shape \(shape), \(declared) bytes in all, "
                + "but it holds only \(actual) bytes; delete it and download it again"
        case let .trailingData(declared, actual):
            let found = actual.map { "\($0) bytes" } ?? "more bytes"
            return "\(subject) does not match its header: the header declares \(declared) bytes but the file holds \(found)"
        case let .gzip(error):
            return "\(subject) cannot be decompressed: \(error)"
        case let .wrongElementType(expected, found):
            return "\(subject) holds \(found) elements; expected \(expected)"
        }
    }

    private func hex(_ value: UInt32, digits: Int = 8) -> String {
        let s = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }
}
