import Kiso
import Foundation
import CZlib

/// A small Swift face over the system zlib: deflate, inflate (raw, zlib, gzip), CRC-32 and
/// Adler-32. Used for gzip-compressed IDX files, PNG image data and `.npz` archives.
///
/// ```swift
/// let packed = Zlib.deflate(bytes, format: .zlib)
/// let unpacked = try Zlib.inflate(packed, format: .zlib)
/// let crc = Zlib.crc32(bytes)
/// ```
public enum Zlib {
    /// The container around a deflate stream.
    public enum Format: Sendable {
        /// Bare deflate data (RFC 1951), as inside a ZIP/`.npz` entry.
        case raw
        /// A 2-byte zlib header and an Adler-32 trailer (RFC 1950), as in PNG `IDAT`.
        case zlib
        /// A gzip member (RFC 1952), as in `.gz` files. Concatenated members are inflated in turn.
        case gzip
        /// zlib or gzip, whichever the header says (inflate only).
        case automatic

        var windowBits: Int32 {
            switch self {
            case .raw: return -15
            case .zlib: return 15
            case .gzip: return 15 + 16
            case .automatic: return 15 + 32
            }
        }
    }

    /// The CRC-32 (ISO 3309 / ITU-T V.42, polynomial 0xEDB88320 reflected) of `bytes`, continuing
    /// from `initial` (the CRC of the bytes before, 0 to start). Equals `zlib.crc32` in Python.
    public static func crc32<Bytes: ContiguousBytes>(_ bytes: Bytes, initial: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { raw in crc32(raw, initial: initial) }
    }

    /// The CRC-32 of the bytes in `raw`, continuing from `initial`.
    public static func crc32(_ raw: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt32 {
        var crc = uLong(initial)
        var offset = 0
        while offset < raw.count {
            let n = min(raw.count - offset, Int(UInt32.max >> 1))
            crc = CZlib.crc32(crc, raw.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Bytef.self), uInt(n))
            offset += n
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// The Adler-32 checksum (RFC 1950) of `bytes`, continuing from `initial` (1 to start).
    public static func adler32<Bytes: ContiguousBytes>(_ bytes: Bytes, initial: UInt32 = 1) -> UInt32 {
        bytes.withUnsafeBytes { raw in
            var sum = uLong(initial)
            var offset = 0
            while offset < raw.count {
                let n = min(raw.count - offset, Int(UInt32.max >> 1))
                sum = CZlib.adler32(sum, raw.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Bytef.self), uInt(n))
                offset += n
            }
            return UInt32(truncatingIfNeeded: sum)
        }
    }

    /// Compresses `bytes` with deflate at `level` (0 = store … 9 = smallest; zlib's default is 6)
    /// in the container `format` (`.raw`, `.zlib` or `.gzip`; not `.automatic`).
    public static func deflate<Bytes: ContiguousBytes>(_ bytes: Bytes, format: Format = .zlib, level: Int = 6) -> [UInt8] {
        kisoPrecondition(format != .automatic, "Zlib.deflate: choose .raw, .zlib or .gzip, not .automatic")
        kisoPrecondition((0...9).contains(level), "Zlib.deflate: level \(level) is outside 0…9")
        return bytes.withUnsafeBytes { input -> [UInt8] in
            var stream = z_stream()
            let status = deflateInit2_(&stream, Int32(level), Z_DEFLATED, format.windowBits, 8,
                                       Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
            kisoPrecondition(status == Z_OK, "Zlib.deflate: deflateInit2 failed (\(status)), out of memory?")
            defer { deflateEnd(&stream) }
            var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(min(input.count, Int(UInt32.max))))) + 64)
            var produced = 0
            var consumed = 0
            while true {
                if produced == output.count { output += [UInt8](repeating: 0, count: max(output.count, 1 << 16)) }
                let inChunk = min(input.count - consumed, Int(UInt32.max >> 1))
                let outChunk = min(output.count - produced, Int(UInt32.max >> 1))
                let last = consumed + inChunk == input.count
                let result: Int32 = output.withUnsafeMutableBufferPointer { out in
                    stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.advanced(by: consumed)
                        .assumingMemoryBound(to: Bytef.self))
                    stream.avail_in = uInt(inChunk)
                    stream.next_out = out.baseAddress!.advanced(by: produced)
                    stream.avail_out = uInt(outChunk)
                    let r = CZlib.deflate(&stream, last ? Z_FINISH : Z_NO_FLUSH)
                    consumed += inChunk - Int(stream.avail_in)
                    produced += outChunk - Int(stream.avail_out)
                    return r
                }
                if result == Z_STREAM_END { break }
                kisoPrecondition(result == Z_OK || result == Z_BUF_ERROR, "Zlib.deflate: deflate failed (\(result))")
            }
            output.removeSubrange(produced...)
            return output
        }
    }

    /// Decompresses `bytes` (a complete stream in `format`) and returns the inflated bytes.
    ///
    /// - Parameters:
    ///   - bytes: the compressed stream.
    ///   - format: its framing: zlib, raw deflate, gzip, or detected automatically.
    ///   - expectedSize: a hint for the first allocation (e.g. a gzip ISIZE); it is capped, never trusted.
    ///   - limit: the most bytes the result may hold; inflating past it throws `.outputTooLarge`
    ///     instead of allocating without bound (a "zip bomb").
    /// - Throws: `ZlibError.empty` for no input, `.truncated` when the stream ends early,
    ///   `.corrupt` for bad headers, data or checksums, `.trailingData` for bytes after the end
    ///   (except a gzip member's following members, which are inflated too).
    public static func inflate<Bytes: ContiguousBytes>(_ bytes: Bytes, format: Format = .zlib,
                                                       expectedSize: Int? = nil, limit: Int = Int.max) throws(ZlibError) -> [UInt8] {
        let result: Result<[UInt8], ZlibError> = bytes.withUnsafeBytes { input in
            Result { () throws(ZlibError) in try inflate(raw: input, format: format, expectedSize: expectedSize, limit: limit) }
        }
        return try result.get()
    }

    /// Decompresses a gzip file's contents (one or more members), using the ISIZE trailer only as an
    /// allocation hint. Throws what `inflate` throws.
    public static func gunzip<Bytes: ContiguousBytes>(_ bytes: Bytes, limit: Int = Int.max) throws(ZlibError) -> [UInt8] {
        let hint: Int? = bytes.withUnsafeBytes { raw in
            guard raw.count >= 18 else { return nil }
            let t = raw.count - 4
            return Int(raw[t]) | Int(raw[t + 1]) << 8 | Int(raw[t + 2]) << 16 | Int(raw[t + 3]) << 24
        }
        return try inflate(bytes, format: .gzip, expectedSize: hint, limit: limit)
    }

    /// The first `count` bytes of what `bytes` inflates to (fewer if the stream ends sooner), without
    /// inflating the rest — e.g. to read a file header and check its sizes before a full inflate.
    /// Throws what `inflate` throws for a stream that is corrupt or cut off before `count` bytes.
    public static func inflatePrefix<Bytes: ContiguousBytes>(_ bytes: Bytes, format: Format = .zlib,
                                                             count: Int) throws(ZlibError) -> [UInt8] {
        let result: Result<[UInt8], ZlibError> = bytes.withUnsafeBytes { input in
            Result { () throws(ZlibError) in
                try inflate(raw: input, format: format, expectedSize: count, limit: max(count, 1), prefixOnly: true)
            }
        }
        return try result.get()
    }

    /// True when `bytes` start with the gzip magic number 1F 8B.
    public static func isGzip<Bytes: ContiguousBytes>(_ bytes: Bytes) -> Bool {
        bytes.withUnsafeBytes { $0.count >= 2 && $0[0] == 0x1F && $0[1] == 0x8B }
    }

    private static func inflate(raw input: UnsafeRawBufferPointer, format: Format,
                                expectedSize: Int?, limit: Int, prefixOnly: Bool = false) throws(ZlibError) -> [UInt8] {
        guard input.count > 0 else { throw .empty }
        var stream = z_stream()
        var status = inflateInit2_(&stream, format.windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw .corrupt("inflateInit2 failed (\(status))") }
        defer { inflateEnd(&stream) }

        // Start from the hint (capped at 64 MiB and at 1032× the input, deflate's best ratio) and double.
        let bestRatio = input.count > Int.max / 1032 ? Int.max : input.count * 1032
        var capacity = min(max(expectedSize ?? input.count * 4, 1024), 1 << 26, bestRatio, max(limit, 1))
        var output = [UInt8](repeating: 0, count: capacity)
        var produced = 0
        var consumed = 0
        while true {
            if produced == capacity {
                if prefixOnly && produced >= limit { return output }
                guard capacity < limit else { throw .outputTooLarge(limit: limit) }
                capacity = min(capacity > limit / 2 ? limit : capacity * 2, limit)
                output += [UInt8](repeating: 0, count: capacity - output.count)
            }
            let inChunk = min(input.count - consumed, Int(UInt32.max >> 1))
            let outChunk = min(capacity - produced, Int(UInt32.max >> 1))
            status = output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.advanced(by: consumed)
                    .assumingMemoryBound(to: Bytef.self))
                stream.avail_in = uInt(inChunk)
                stream.next_out = out.baseAddress!.advanced(by: produced)
                stream.avail_out = uInt(outChunk)
                let r = CZlib.inflate(&stream, Z_NO_FLUSH)
                consumed += inChunk - Int(stream.avail_in)
                produced += outChunk - Int(stream.avail_out)
                return r
            }
            switch status {
            case Z_STREAM_END:
                guard consumed < input.count else {
                    output.removeSubrange(produced...)
                    return output
                }
                // gzip files may hold several members one after the other.
                if format == .gzip || format == .automatic, input[consumed] == 0x1F {
                    inflateReset(&stream)
                    continue
                }
                throw .trailingData(count: input.count - consumed)
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress possible: either the output is full (grow it) or the input ran out.
                if produced == capacity { continue }
                throw .truncated(consumed: consumed, produced: produced)
            case Z_DATA_ERROR:
                throw .corrupt(stream.msg.map { String(cString: $0) } ?? "invalid deflate data")
            case Z_NEED_DICT:
                throw .corrupt("the stream needs a preset dictionary")
            case Z_MEM_ERROR:
                throw .corrupt("zlib ran out of memory")
            default:
                throw .corrupt("zlib error \(status)")
            }
        }
    }
}

/// Why `Zlib.inflate` could not decompress a stream.
public enum ZlibError: Error, Equatable, CustomStringConvertible {
    /// There were no bytes at all.
    case empty
    /// The input ended before the compressed stream did (a cut-off download or file).
    case truncated(consumed: Int, produced: Int)
    /// Bad header, bad deflate data or a checksum mismatch; zlib's own words.
    case corrupt(String)
    /// Bytes follow the end of the compressed stream.
    case trailingData(count: Int)
    /// The inflated data would exceed the caller's limit.
    case outputTooLarge(limit: Int)

    public var description: String {
        switch self {
        case .empty:
            return "the compressed data is empty"
        case let .truncated(consumed, produced):
            return "the compressed data is truncated: it ends after \(consumed) bytes (\(produced) bytes inflated) before the end of the stream"
        case let .corrupt(reason):
            return "the compressed data is corrupt: \(reason)"
        case let .trailingData(count):
            return "\(count) unexpected bytes follow the end of the compressed stream"
        case let .outputTooLarge(limit):
            return "the compressed data inflates to more than the allowed \(limit) bytes"
        }
    }
}
