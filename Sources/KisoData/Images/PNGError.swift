/// Why a PNG file could not be read; `description` is the message for the user.
public struct PNGError: Error, Equatable, CustomStringConvertible {
    /// What is wrong.
    public enum Reason: Equatable, Sendable {
        /// No file at the path.
        case notFound
        /// The path names a directory.
        case isDirectory
        /// The file cannot be read (the system's reason) or written.
        case io(String)
        /// The data has no bytes.
        case empty
        /// The first 8 bytes are not the PNG signature.
        case notPNG
        /// The data ends inside a chunk (`chunk`, or the signature / a chunk header when nil).
        case truncated(chunk: String?)
        /// A chunk's CRC-32 differs from the one computed over its type and data.
        case crcMismatch(chunk: String)
        /// The first chunk is not IHDR, or IHDR has the wrong length.
        case missingHeader
        /// IHDR holds an invalid or unsupported field (which, and its value).
        case badHeader(String)
        /// The image is Adam7-interlaced, which Kiso does not decode.
        case interlaced
        /// The declared size is larger than Kiso accepts (`PNG.maximumPixels`).
        case tooLarge(width: Int, height: Int)
        /// A palette image without a PLTE chunk, or a PLTE chunk of the wrong length.
        case badPalette
        /// A pixel's palette index is past the palette's end.
        case paletteIndexOutOfRange(index: Int, paletteSize: Int)
        /// There is no IDAT chunk.
        case noImageData
        /// The IDAT stream does not inflate.
        case compressedData(ZlibError)
        /// The inflated data holds a different number of bytes than the size and format need.
        case imageDataSize(expected: Int, actual: Int?)
        /// A row starts with a filter type other than 0…4.
        case badFilter(row: Int, type: UInt8)
        /// A critical chunk Kiso does not know (its type).
        case unknownCriticalChunk(String)
        /// The file ends without IEND.
        case missingEnd
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

    func at(_ path: String) -> PNGError { PNGError(reason, path: self.path ?? path) }

    public var description: String {
        let subject = path.map { "PNG file \($0)" } ?? "PNG data"
        switch reason {
        case .notFound: return "\(subject) does not exist"
        case .isDirectory: return "\(subject) is a directory, not a file"
        case let .io(why): return "\(subject): \(why)"
        case .empty: return "\(subject) is empty (0 bytes)"
        case .notPNG: return "\(subject) is not a PNG image (its first 8 bytes are not the PNG signature)"
        case let .truncated(chunk):
            return "\(subject) is truncated" + (chunk.map { " inside its \($0) chunk" } ?? "")
        case let .crcMismatch(chunk): return "\(subject) is corrupt: the CRC of its \(chunk) chunk does not match"
        case .missingHeader: return "\(subject) is corrupt: it does not start with a valid IHDR chunk"
        case let .badHeader(what): return "\(subject) has an invalid header: \(what)"
        case .interlaced:
            return "\(subject) is interlaced (Adam7), which is not supported; save it without interlacing"
        case let .tooLarge(width, height):
            return "\(subject) is \(width)×\(height) pixels, larger than the \(PNG.maximumPixels) pixels Kiso reads"
        case .badPalette: return "\(subject) is corrupt: its palette (PLTE) is missing or malformed"
        case let .paletteIndexOutOfRange(index, size):
            return "\(subject) is corrupt: palette index \(index) is past its \(size) colours"
        case .noImageData: return "\(subject) has no image data (IDAT chunk)"
        case let .compressedData(error): return "\(subject): its image data cannot be decompressed: \(error)"
        case let .imageDataSize(expected, actual):
            return "\(subject) is corrupt: its image data holds \(actual.map(String.init) ?? "more than \(expected)") bytes, expected \(expected)"
        case let .badFilter(row, type): return "\(subject) is corrupt: row \(row) has filter type \(type) (expected 0…4)"
        case let .unknownCriticalChunk(type): return "\(subject) has a critical chunk \(type) that Kiso does not know"
        case .missingEnd: return "\(subject) is truncated: it ends without an IEND chunk"
        }
    }
}
