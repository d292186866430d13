/// A bounds-checked little-endian cursor over untrusted bytes. Every read checks the
/// remaining length first and throws `FileFormatError(.truncated)` naming what it was
/// reading, so parsers never index past the end.
struct ByteReader {
    let bytes: [UInt8]
    /// The index of the next byte to read.
    var offset: Int
    /// The file name used in errors.
    let file: String

    init(_ bytes: [UInt8], file: String, offset: Int = 0) {
        self.bytes = bytes
        self.file = file
        self.offset = offset
    }

    /// Bytes not yet read.
    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset >= bytes.count }

    /// Checks that `count` bytes remain for `what`.
    func require(_ count: Int, for what: String) throws {
        guard count >= 0, count <= remaining else {
            throw FileFormatError(.truncated,
                                  "the file ends while reading \(what): it needs \(count) bytes at offset \(offset) but only \(max(remaining, 0)) remain",
                                  file: file)
        }
    }

    mutating func u8(_ what: String) throws -> UInt8 {
        try require(1, for: what)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16(_ what: String) throws -> UInt16 { UInt16(truncatingIfNeeded: try integer(2, what)) }
    mutating func u32(_ what: String) throws -> UInt32 { UInt32(truncatingIfNeeded: try integer(4, what)) }
    mutating func u64(_ what: String) throws -> UInt64 { try integer(8, what) }

    /// A little-endian unsigned integer of `size` bytes.
    private mutating func integer(_ size: Int, _ what: String) throws -> UInt64 {
        try require(size, for: what)
        var v: UInt64 = 0
        for i in 0..<size { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += size
        return v
    }

    /// The next `count` bytes.
    mutating func take(_ count: Int, _ what: String) throws -> ArraySlice<UInt8> {
        try require(count, for: what)
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    /// The next `count` bytes as an index range into `bytes` (no copy).
    mutating func range(_ count: Int, _ what: String) throws -> Range<Int> {
        try require(count, for: what)
        defer { offset += count }
        return offset..<offset + count
    }
}
