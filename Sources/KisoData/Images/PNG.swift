import Foundation

/// PNG files (ISO/IEC 15948): write 8-bit gray and RGB `Image`s, read non-interlaced PNGs of every
/// colour type and bit depth, with chunk CRCs and sizes checked.
///
/// ```swift
/// try PNG.write(digit, to: URL(fileURLWithPath: "digit.png"))
/// let mine = try PNG.read(contentsOf: URL(fileURLWithPath: "my-digit.png"))
/// ```
public enum PNG {
    /// The 8-byte signature every PNG file starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The most pixels a decoded image may have (2^26, e.g. 8192×8192): larger headers are refused
    /// before anything is allocated.
    public static let maximumPixels = 1 << 26

    /// Encodes `image` as a PNG: 8-bit gray (colour type 0) or RGB (colour type 2), each row with the
    /// filter (0…4) whose output has the smallest sum of absolute values (the usual heuristic),
    /// deflated by zlib at `level` 0…9.
    public static func encode(_ image: Image, level: Int = 6) -> [UInt8] {
        let stride = image.width * image.channels
        var filtered: [UInt8] = []
        filtered.reserveCapacity(image.height * (stride + 1))
        image.pixels.withUnsafeBufferPointer { pixels in
            let zeros = [UInt8](repeating: 0, count: stride)
            zeros.withUnsafeBufferPointer { zeroRow in
                var candidate = [UInt8](repeating: 0, count: stride)
                var best = [UInt8](repeating: 0, count: stride)
                for y in 0..<image.height {
                    let row = UnsafeBufferPointer(rebasing: pixels[y * stride..<(y + 1) * stride])
                    let above = y == 0 ? zeroRow : UnsafeBufferPointer(rebasing: pixels[(y - 1) * stride..<y * stride])
                    var bestType: UInt8 = 0
                    var bestCost = Int.max
                    for type: UInt8 in 0...4 {
                        var cost = 0
                        for i in 0..<stride {
                            let a = i >= image.channels ? row[i - image.channels] : 0
                            let c = i >= image.channels ? above[i - image.channels] : 0
                            let v = row[i] &- PNGFilter.predictor(type, a: a, b: above[i], c: c)
                            candidate[i] = v
                            cost += Int(Int8(bitPattern: v).magnitude)
                        }
                        if cost < bestCost { bestCost = cost; bestType = type; swap(&best, &candidate) }
                    }
                    filtered.append(bestType)
                    filtered += best
                }
            }
        }
        var header: [UInt8] = []
        appendBigEndian(UInt32(image.width), to: &header)
        appendBigEndian(UInt32(image.height), to: &header)
        header += [8, image.channels == 1 ? 0 : 2, 0, 0, 0]
        var file = signature
        appendChunk("IHDR", header, to: &file)
        appendChunk("IDAT", Zlib.deflate(filtered, format: .zlib, level: level), to: &file)
        appendChunk("IEND", [], to: &file)
        return file
    }

    /// Writes `image` as a PNG file at `url` (replacing it atomically).
    /// - Throws: `PNGError` with reason `.io` when the file cannot be written.
    public static func write(_ image: Image, to url: URL, level: Int = 6) throws(PNGError) {
        do {
            try Data(encode(image, level: level)).write(to: url, options: .atomic)
        } catch {
            throw PNGError(.io("cannot be written: \(error.localizedDescription)"), path: url.path)
        }
    }

    /// Reads the PNG file at `url`; see `decode` for what is accepted.
    /// - Throws: `PNGError` with `path` set.
    public static func read(contentsOf url: URL, background: UInt8 = 255) throws(PNGError) -> Image {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw PNGError(.notFound, path: url.path)
        }
        guard !isDirectory.boolValue else { throw PNGError(.isDirectory, path: url.path) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw PNGError(.io("cannot be read: \(error.localizedDescription)"), path: url.path)
        }
        do { return try decode(data, background: background) } catch { throw error.at(url.path) }
    }

    /// Decodes a non-interlaced PNG of any colour type (gray, RGB, palette, gray+alpha, RGBA) and
    /// bit depth (1, 2, 4, 8, 16) into an 8-bit `Image`: gray types give 1 channel, the others 3.
    /// Alpha (an alpha channel or a palette's tRNS) is composited over `background` (white by default);
    /// 16-bit samples keep their high byte.
    /// - Throws: `PNGError`: not a PNG, truncated, a CRC mismatch, a bad or too large header,
    ///   interlacing (not supported), a bad palette or filter, image data of the wrong size.
    public static func decode<Bytes: ContiguousBytes>(_ bytes: Bytes, background: UInt8 = 255) throws(PNGError) -> Image {
        let data = bytes.withUnsafeBytes { Array($0) }
        return try PNGDecoder(data).image(background: background)
    }

    static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to file: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        appendBigEndian(UInt32(data.count), to: &file)
        file += typeBytes
        file += data
        appendBigEndian(Zlib.crc32(data, initial: Zlib.crc32(typeBytes)), to: &file)
    }
}

/// The five PNG filter predictors (ISO/IEC 15948 §9.2): for the byte x, with a the byte one pixel
/// left, b the byte above, c the byte above-left.
enum PNGFilter {
    @inline(__always)
    static func predictor(_ type: UInt8, a: UInt8, b: UInt8, c: UInt8) -> UInt8 {
        switch type {
        case 1: return a                                                 // Sub
        case 2: return b                                                 // Up
        case 3: return UInt8((UInt16(a) + UInt16(b)) / 2)                // Average
        case 4: return paeth(a, b, c)                                    // Paeth
        default: return 0                                                // None
        }
    }

    /// The Paeth predictor: of a, b, c, the one closest to p = a + b − c (ties: a, then b).
    @inline(__always)
    static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }
}
