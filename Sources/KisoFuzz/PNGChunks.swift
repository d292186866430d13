import KisoData

/// PNG chunk surgery for fuzzing: repairing CRCs after mutation, and seed files of the colour
/// types and bit depths Kiso's encoder does not write.
enum PNGChunks {
    /// `bytes` with the CRC of every complete chunk after the 8-byte signature recomputed.
    static func withRepairedCRCs(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes, offset = 8
        while offset + 12 <= bytes.count {
            let length = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let end = offset + 8 + length
            guard end + 4 <= bytes.count else { break }
            bytes.replaceSubrange(end..<(end + 4), with: bigEndian(Zlib.crc32(Array(bytes[(offset + 4)..<end]))))
            offset = end + 4
        }
        return bytes
    }

    /// A 3×2 non-interlaced PNG of `colorType` and `bitDepth`, rows filtered None, Sub, ….
    static func seed(colorType: Int, bitDepth: Int) -> [UInt8] {
        let width = 3, height = 2
        let samples = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colorType]!
        let rowBytes = (width * samples * bitDepth + 7) / 8
        var raw: [UInt8] = []
        for y in 0..<height {
            raw.append(UInt8(y % 5))
            raw += (0..<rowBytes).map { UInt8(truncatingIfNeeded: ($0 * 37 + y * 11) % (colorType == 3 ? 2 : 256)) }
        }
        var out = PNG.signature
        func chunk(_ type: String, _ data: [UInt8]) {
            let typeBytes = Array(type.utf8)
            out += bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(Zlib.crc32(typeBytes + data))
        }
        chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [UInt8(bitDepth), UInt8(colorType), 0, 0, 0])
        if colorType == 3 {
            chunk("PLTE", [255, 0, 0, 0, 255, 0, 0, 0, 255])
            chunk("tRNS", [128])
        }
        chunk("IDAT", Zlib.deflate(raw, format: .zlib))
        chunk("IEND", [])
        return out
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
    }
}
