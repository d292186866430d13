import Kiso
import Foundation

/// An array read from an IDX file, the format of the MNIST and Fashion-MNIST files.
///
/// An IDX file is a 4-byte magic number `00 00 TT DD` (`TT` the element type, `DD` the number
/// of dimensions), `DD` big-endian 32-bit sizes, then the elements in row-major order, big-endian.
///
/// ```swift
/// let images = try IDX.read(contentsOf: URL(fileURLWithPath: "t10k-images-idx3-ubyte.gz"))
/// images.shape      // [10000, 28, 28]
/// ```
public struct IDX: Sendable {
    /// The element type named by the third magic byte: 0x08 unsigned byte, 0x09 signed byte,
    /// 0x0B 16-bit, 0x0C 32-bit integers, 0x0D 32-bit, 0x0E 64-bit IEEE floats (all big-endian).
    public enum ElementType: UInt8, Sendable {
        /// The IDX type codes: unsigned and signed bytes, big-endian 16/32-bit integers, 32/64-bit IEEE floats.
        case uint8 = 0x08, int8 = 0x09, int16 = 0x0B, int32 = 0x0C, float32 = 0x0D, float64 = 0x0E

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .uint8, .int8: return 1
            case .int16: return 2
            case .int32, .float32: return 4
            case .float64: return 8
            }
        }
    }

    /// The element type.
    public let elementType: ElementType
    /// The size of each dimension, outermost first.
    public let shape: [Int]
    /// The elements' bytes exactly as stored (big-endian), `shape.product × elementType.size` of them.
    public let payload: [UInt8]

    /// The number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// The most dimensions accepted; real files have 1 to 4.
    public static let maximumDimensions = 16

    /// Parses an IDX file's bytes, raw or gzip-compressed (recognised by the gzip magic 1F 8B).
    ///
    /// The header's sizes are checked against the data's length before anything is allocated;
    /// for gzip input the header is inflated first and the rest only up to the size it declares.
    /// - Throws: `IDXError` naming the problem: empty input, a bad magic number or element type,
    ///   a bad dimension count, a header or payload shorter or longer than declared, corrupt gzip.
    public static func parse<Bytes: ContiguousBytes>(_ bytes: Bytes) throws(IDXError) -> IDX {
        let isGzip = Zlib.isGzip(bytes)
        guard bytes.withUnsafeBytes({ $0.count }) > 0 else { throw IDXError(.empty) }
        guard isGzip else {
            return try withBytes(bytes) { raw throws(IDXError) in try parse(raw: raw) }
        }
        // Inflate just enough for the largest header, then everything it promises plus one byte
        // (to notice trailing data), never more.
        let header: Header
        do {
            let prefix = try Zlib.inflatePrefix(bytes, format: .gzip, count: 4 + 4 * maximumDimensions)
            header = try withBytes(prefix) { raw throws(IDXError) in try Header(raw, totalLength: nil) }
        } catch let error as ZlibError {
            throw IDXError(.gzip(error))
        } catch {
            throw error as! IDXError
        }
        var whole: [UInt8]
        do {
            whole = try Zlib.inflate(bytes, format: .gzip, expectedSize: header.fileLength, limit: header.fileLength + 1)
        } catch .outputTooLarge {
            throw IDXError(.trailingData(declared: header.fileLength, actual: nil))
        } catch {
            throw IDXError(.gzip(error))
        }
        let checked = try withBytes(whole) { raw throws(IDXError) in try Header(raw, totalLength: raw.count) }
        // Drop the header in place: the payload (47 MB for MNIST's training images) is not copied.
        whole.removeFirst(checked.headerLength)
        return IDX(elementType: checked.elementType, shape: checked.shape, payload: whole)
    }

    /// Reads and parses the IDX file at `url` (raw or `.gz`).
    /// - Throws: `IDXError` with `path` set: `.notFound`, `.isDirectory`, `.unreadable`, or any
    ///   problem `parse` reports.
    public static func read(contentsOf url: URL) throws(IDXError) -> IDX {
        let data = try readFile(url)
        do {
            return try parse(data)
        } catch {
            throw error.at(url.path)
        }
    }

    /// The file's bytes, or an `IDXError` naming why they cannot be read.
    static func readFile(_ url: URL) throws(IDXError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw IDXError(.notFound, path: url.path)
        }
        guard !isDirectory.boolValue else { throw IDXError(.isDirectory, path: url.path) }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw IDXError(.unreadable(error.localizedDescription), path: url.path)
        }
    }

    private static func parse(raw: UnsafeRawBufferPointer) throws(IDXError) -> IDX {
        let header = try Header(raw, totalLength: raw.count)
        let payload = Array(raw[header.headerLength..<header.fileLength])
        return IDX(elementType: header.elementType, shape: header.shape, payload: payload)
    }

    /// The elements as unsigned bytes, without copying conversions.
    /// - Throws: `IDXError.wrongElementType` unless the file holds `uint8`.
    public func uint8Elements() throws(IDXError) -> [UInt8] {
        guard elementType == .uint8 else { throw IDXError(.wrongElementType(expected: .uint8, found: elementType)) }
        return payload
    }

    /// The elements converted to `Float` (big-endian decoding of any element type), row-major.
    public func floatElements() -> [Float] {
        payload.withUnsafeBytes { raw -> [Float] in
            let n = count
            func word(_ i: Int, _ size: Int) -> UInt64 {
                var v: UInt64 = 0
                for b in 0..<size { v = v << 8 | UInt64(raw[i * size + b]) }
                return v
            }
            switch elementType {
            case .uint8: return raw.map { Float($0) }
            case .int8: return raw.map { Float(Int8(bitPattern: $0)) }
            case .int16: return (0..<n).map { Float(Int16(truncatingIfNeeded: word($0, 2))) }
            case .int32: return (0..<n).map { Float(Int32(truncatingIfNeeded: word($0, 4))) }
            case .float32: return (0..<n).map { Float(bitPattern: UInt32(truncatingIfNeeded: word($0, 4))) }
            case .float64: return (0..<n).map { Float(Double(bitPattern: word($0, 8))) }
            }
        }
    }

    /// Encodes `shape` and big-endian `payload` as an IDX file (raw, not compressed).
    /// - Precondition: `payload.count` equals the product of `shape` times the element size.
    public static func encode(elementType: ElementType, shape: [Int], payload: [UInt8]) -> [UInt8] {
        kisoPrecondition(payload.count == shape.reduce(1, *) * elementType.size,
                     "IDX.encode: \(payload.count) bytes do not fill shape \(shape) of \(elementType)")
        kisoPrecondition((1...maximumDimensions).contains(shape.count), "IDX.encode: \(shape.count) dimensions")
        var bytes: [UInt8] = [0, 0, elementType.rawValue, UInt8(shape.count)]
        for size in shape {
            kisoPrecondition(size >= 0 && size <= Int(UInt32.max), "IDX.encode: size \(size) does not fit 32 bits")
            bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: size >> $0) }
        }
        return bytes + payload
    }
}

/// `bytes.withUnsafeBytes(body)` keeping `body`'s typed error.
func withBytes<Bytes: ContiguousBytes, R, E: Error>(_ bytes: Bytes,
                                                    _ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
    let result: Result<R, E> = bytes.withUnsafeBytes { raw in Result { () throws(E) in try body(raw) } }
    return try result.get()
}

/// The validated header of an IDX file.
struct Header {
    let elementType: IDX.ElementType
    let shape: [Int]
    let headerLength: Int
    /// Header plus payload, in bytes, as the header declares.
    let fileLength: Int

    /// Reads the header from `raw`; when `totalLength` is given, also checks the payload length.
    init(_ raw: UnsafeRawBufferPointer, totalLength: Int?) throws(IDXError) {
        guard raw.count > 0 else { throw IDXError(.empty) }
        guard raw.count >= 4 else { throw IDXError(.truncatedHeader(needed: 4, actual: raw.count)) }
        let magic = UInt32(raw[0]) << 24 | UInt32(raw[1]) << 16 | UInt32(raw[2]) << 8 | UInt32(raw[3])
        guard raw[0] == 0, raw[1] == 0 else { throw IDXError(.badMagic(magic)) }
        guard let type = IDX.ElementType(rawValue: raw[2]) else { throw IDXError(.unsupportedElementType(raw[2])) }
        let dimensions = Int(raw[3])
        guard (1...IDX.maximumDimensions).contains(dimensions) else { throw IDXError(.badDimensionCount(dimensions)) }
        let headerLength = 4 + 4 * dimensions
        guard raw.count >= headerLength else {
            throw IDXError(.truncatedHeader(needed: headerLength, actual: raw.count))
        }
        var shape: [Int] = []
        var payload = type.size
        var overflow = false
        for d in 0..<dimensions {
            let o = 4 + 4 * d
            let size = Int(raw[o]) << 24 | Int(raw[o + 1]) << 16 | Int(raw[o + 2]) << 8 | Int(raw[o + 3])
            shape.append(size)
            let (product, didOverflow) = payload.multipliedReportingOverflow(by: size)
            overflow = overflow || didOverflow
            payload = product
        }
        guard !overflow, payload <= Int.max - headerLength else { throw IDXError(.sizeOverflow(shape)) }
        elementType = type
        self.shape = shape
        self.headerLength = headerLength
        fileLength = headerLength + payload
        if let totalLength {
            guard totalLength >= fileLength else {
                throw IDXError(.truncatedData(shape: shape, declared: fileLength, actual: totalLength))
            }
            guard totalLength == fileLength else {
                throw IDXError(.trailingData(declared: fileLength, actual: totalLength))
            }
        }
    }
}
