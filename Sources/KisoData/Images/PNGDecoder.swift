/// Reads the chunks of a PNG file and reconstructs its pixels.
struct PNGDecoder {
    private let data: [UInt8]
    private var width = 0, height = 0, bitDepth = 0, colorType = 0
    private var palette: [UInt8] = []          // RGB triples
    private var paletteAlpha: [UInt8] = []     // tRNS for palette images
    private var compressed: [UInt8] = []

    init(_ data: [UInt8]) { self.data = data }

    /// Samples per pixel of each colour type: gray 1, RGB 3, palette 1, gray+alpha 2, RGBA 4.
    private var samplesPerPixel: Int { [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colorType]! }

    consuming func image(background: UInt8) throws(PNGError) -> Image {
        try readChunks()
        let bitsPerPixel = samplesPerPixel * bitDepth
        let rowBytes = (width * bitsPerPixel + 7) / 8
        let expected = height * (rowBytes + 1)
        let raw: [UInt8]
        do {
            raw = try Zlib.inflate(compressed, format: .zlib, expectedSize: expected, limit: expected + 1)
        } catch .outputTooLarge {
            throw PNGError(.imageDataSize(expected: expected, actual: nil))
        } catch {
            throw PNGError(.compressedData(error))
        }
        guard raw.count == expected else { throw PNGError(.imageDataSize(expected: expected, actual: raw.count)) }
        let rows = try unfilter(raw, rowBytes: rowBytes, bytesPerPixel: max(1, bitsPerPixel / 8))
        return try convert(rows, rowBytes: rowBytes, background: background)
    }

    private mutating func readChunks() throws(PNGError) {
        guard !data.isEmpty else { throw PNGError(.empty) }
        guard data.count >= 8, Array(data[0..<8]) == PNG.signature else {
            throw PNGError(data.count < 8 && Array(PNG.signature.prefix(data.count)) == data ? .truncated(chunk: nil) : .notPNG)
        }
        var offset = 8
        var sawHeader = false, sawData = false
        while true {
            guard data.count - offset >= 8 else { throw PNGError(offset == data.count ? .missingEnd : .truncated(chunk: nil)) }
            let length = Int(bigEndian32(at: offset))
            let type = String(decoding: data[(offset + 4)..<(offset + 8)], as: UTF8.self)
            guard length <= Int(Int32.max), data.count - offset - 12 >= length else { throw PNGError(.truncated(chunk: type)) }
            let body = (offset + 8)..<(offset + 8 + length)
            let stored = bigEndian32(at: body.upperBound)
            let computed = data.withUnsafeBytes { Zlib.crc32(UnsafeRawBufferPointer(rebasing: $0[(offset + 4)..<body.upperBound])) }
            guard stored == computed else { throw PNGError(.crcMismatch(chunk: type)) }
            offset = body.upperBound + 4
            if !sawHeader {
                guard type == "IHDR", length == 13 else { throw PNGError(.missingHeader) }
                try readHeader(at: body.lowerBound)
                sawHeader = true
                continue
            }
            switch type {
            case "IDAT":
                compressed += data[body]
                sawData = true
            case "PLTE":
                guard length % 3 == 0, (3...768).contains(length) else { throw PNGError(.badPalette) }
                palette = Array(data[body])
            case "tRNS":
                if colorType == 3 { paletteAlpha = Array(data[body]) }
            case "IEND":
                guard sawData else { throw PNGError(.noImageData) }
                if colorType == 3 && palette.isEmpty { throw PNGError(.badPalette) }
                return
            case "IHDR":
                throw PNGError(.badHeader("a second IHDR chunk"))
            default:
                // Ancillary chunks (lowercase first letter) are skipped; unknown critical ones are refused.
                if let first = type.utf8.first, first & 0x20 == 0 { throw PNGError(.unknownCriticalChunk(type)) }
            }
        }
    }

    private mutating func readHeader(at o: Int) throws(PNGError) {
        width = Int(bigEndian32(at: o))
        height = Int(bigEndian32(at: o + 4))
        bitDepth = Int(data[o + 8])
        colorType = Int(data[o + 9])
        guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw PNGError(.badHeader("size \(width)×\(height)"))
        }
        let allowed: [Int: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        guard let depths = allowed[colorType] else { throw PNGError(.badHeader("colour type \(colorType)")) }
        guard depths.contains(bitDepth) else { throw PNGError(.badHeader("bit depth \(bitDepth) for colour type \(colorType)")) }
        guard data[o + 10] == 0 else { throw PNGError(.badHeader("compression method \(data[o + 10])")) }
        guard data[o + 11] == 0 else { throw PNGError(.badHeader("filter method \(data[o + 11])")) }
        switch data[o + 12] {
        case 0: break
        case 1: throw PNGError(.interlaced)
        default: throw PNGError(.badHeader("interlace method \(data[o + 12])"))
        }
        guard width * height <= PNG.maximumPixels else { throw PNGError(.tooLarge(width: width, height: height)) }
    }

    private func bigEndian32(at o: Int) -> UInt32 {
        UInt32(data[o]) << 24 | UInt32(data[o + 1]) << 16 | UInt32(data[o + 2]) << 8 | UInt32(data[o + 3])
    }

    /// Undoes each row's filter; returns `height × rowBytes` bytes.
    private func unfilter(_ raw: [UInt8], rowBytes: Int, bytesPerPixel bpp: Int) throws(PNGError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: height * rowBytes)
        for y in 0..<height {
            let type = raw[y * (rowBytes + 1)]
            guard type <= 4 else { throw PNGError(.badFilter(row: y, type: type)) }
            let src = y * (rowBytes + 1) + 1, dst = y * rowBytes, up = dst - rowBytes
            for i in 0..<rowBytes {
                let a = i >= bpp ? out[dst + i - bpp] : 0
                let b = y > 0 ? out[up + i] : 0
                let c = (i >= bpp && y > 0) ? out[up + i - bpp] : 0
                out[dst + i] = raw[src + i] &+ PNGFilter.predictor(type, a: a, b: b, c: c)
            }
        }
        return out
    }

    /// Turns unfiltered rows into an 8-bit gray or RGB image, compositing alpha over `background`.
    private func convert(_ rows: [UInt8], rowBytes: Int, background: UInt8) throws(PNGError) -> Image {
        // Sample s (0-based, in a row) scaled to 0…255.
        func sample(_ y: Int, _ s: Int) -> UInt8 {
            let base = y * rowBytes
            switch bitDepth {
            case 8: return rows[base + s]
            case 16: return rows[base + 2 * s]
            default:
                let bit = s * bitDepth
                let value = (rows[base + bit / 8] >> (8 - bitDepth - bit % 8)) & UInt8((1 << bitDepth) - 1)
                return colorType == 3 ? value : UInt8(Int(value) * 255 / ((1 << bitDepth) - 1))
            }
        }
        func over(_ v: UInt8, _ alpha: UInt8) -> UInt8 {
            let a = Int(alpha)
            let mixed: Int = Int(v) * a + Int(background) * (255 - a)
            return UInt8((mixed + 127) / 255)
        }
        let gray = colorType == 0 || colorType == 4
        var image = Image(width: width, height: height, channels: gray ? 1 : 3)
        let colours = palette.count / 3
        for y in 0..<height {
            for x in 0..<width {
                let p = (y * width + x) * image.channels
                switch colorType {
                case 0: image.pixels[p] = sample(y, x)
                case 4: image.pixels[p] = over(sample(y, 2 * x), sample(y, 2 * x + 1))
                case 2: for c in 0..<3 { image.pixels[p + c] = sample(y, 3 * x + c) }
                case 6:
                    let alpha = sample(y, 4 * x + 3)
                    for c in 0..<3 { image.pixels[p + c] = over(sample(y, 4 * x + c), alpha) }
                default:
                    let index = Int(sample(y, x))
                    guard index < colours else { throw PNGError(.paletteIndexOutOfRange(index: index, paletteSize: colours)) }
                    let alpha = index < paletteAlpha.count ? paletteAlpha[index] : 255
                    for c in 0..<3 { image.pixels[p + c] = over(palette[3 * index + c], alpha) }
                }
            }
        }
        return image
    }
}
