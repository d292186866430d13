import KisoData

/// Zip surgery for fuzzing `.npz` files: mutations almost always break a member's CRC-32, which
/// the reader checks before parsing the `.npy` inside.
enum ZipEntries {
    /// `bytes` with the CRC-32 of every central directory entry recomputed from its member's
    /// data (inflated first when deflated, up to 1 MiB), where the entry and its local header
    /// can be found; other bytes unchanged.
    static func withRepairedCRCs(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        var offset = 0
        while let entry = find([0x50, 0x4B, 0x01, 0x02], in: bytes, from: offset), entry + 46 <= bytes.count {
            offset = entry + 4
            let method = u16(bytes, entry + 10), compressed = u32(bytes, entry + 20), size = u32(bytes, entry + 24)
            let local = u32(bytes, entry + 42)
            guard local + 30 <= bytes.count, bytes[local..<(local + 4)].elementsEqual([0x50, 0x4B, 0x03, 0x04]) else { continue }
            let start = local + 30 + u16(bytes, local + 26) + u16(bytes, local + 28)
            guard start <= bytes.count, compressed <= bytes.count - start else { continue }
            let data = bytes[start..<(start + compressed)]
            let content: [UInt8]
            if method == 0 {
                content = Array(data)
            } else if method == 8, size <= 1 << 20, let inflated = try? Zlib.inflate(data, format: .raw, expectedSize: size, limit: size + 1) {
                content = inflated
            } else {
                continue
            }
            let crc = Zlib.crc32(content)
            bytes.replaceSubrange((entry + 16)..<(entry + 20),
                                  with: [UInt8(truncatingIfNeeded: crc), UInt8(truncatingIfNeeded: crc >> 8), UInt8(truncatingIfNeeded: crc >> 16), UInt8(crc >> 24)])
        }
        return bytes
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        return (start...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    private static func u16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
    private static func u32(_ b: [UInt8], _ i: Int) -> Int { u16(b, i) | u16(b, i + 2) << 16 }
}
