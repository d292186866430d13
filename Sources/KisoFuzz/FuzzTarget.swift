import Kiso
import KisoData

/// A parser under fuzzing: how to run it on bytes, the valid files (written by Kiso) that
/// mutation starts from, format tokens worth inserting, and a fix-up that repairs checksums
/// after mutation so inputs get past CRC checks into the code behind them.
enum FuzzTarget: String, CaseIterable {
    case idx, safetensors, npy, npz, pickle, png

    /// Runs the parser on `bytes`. Returns a short signature of the outcome ("ok" or the error
    /// with digits removed); a new signature marks the input as interesting for the corpus.
    func run(_ bytes: [UInt8]) -> String {
        do {
            switch self {
            case .idx: _ = try IDX.parse(bytes)
            case .safetensors: _ = try SafeTensors.decode(bytes, file: "fuzz")
            case .npy: _ = try NPY.decode(bytes, file: "fuzz")
            case .npz: _ = try NPZ.decode(bytes, file: "fuzz")
            case .pickle: _ = try BookPickle.decode(bytes, file: "fuzz")
            case .png: _ = try PNG.decode(bytes)
            }
            return "ok"
        } catch let error as FileFormatError {
            return error.reason.rawValue + ": " + Self.shape(of: error.detail)
        } catch {
            return Self.shape(of: "\(error)")
        }
    }

    /// The first five plain words of an error message (ASCII letters only, outside quotes), so
    /// messages that differ only in sizes, names or garbage bytes count as one outcome.
    static func shape(of message: String) -> String {
        var words: [Substring] = [], quoted = false, current = ""
        for c in message + " " {
            if c == "'" { quoted.toggle() }
            if c == " " {
                if !current.isEmpty, current.allSatisfy({ $0.isASCII && $0.isLetter }) { words.append(Substring(current)) }
                current = ""
                if words.count == 5 { break }
            } else if !quoted {
                current.append(c)
            }
        }
        return words.joined(separator: " ")
    }

    /// Small valid inputs produced by Kiso's own writers.
    var seeds: [[UInt8]] {
        let small = Tensor(shape: [2, 3], scalars: [0.5, -1, 2, 0, 3.25, -0.125])
        let tensors: NamedTensors = ["W1": small, "b1": Tensor([1, 2, 3]), "s": Tensor(7), "e": Tensor(shape: [0, 2], scalars: [])]
        switch self {
        case .idx:
            return [
                IDX.encode(elementType: .uint8, shape: [2, 3, 3], payload: Array(0..<18)),
                IDX.encode(elementType: .uint8, shape: [5], payload: [1, 2, 3, 4, 5]),
                IDX.encode(elementType: .float32, shape: [2, 2], payload: Array(0..<16)),
                IDX.encode(elementType: .int16, shape: [3], payload: Array(0..<6)),
                Zlib.deflate(IDX.encode(elementType: .uint8, shape: [2, 4, 4], payload: Array(0..<32)), format: .gzip),
            ]
        case .safetensors:
            return [SafeTensors.encode(tensors, metadata: ["kiso.model": "TwoLayerNet"]),
                    SafeTensors.encode(["x": small], dtype: .float16), SafeTensors.encode(["y": small], dtype: .float64)]
        case .npy:
            return [NPY.encode(small), NPY.encode(Tensor(3)), NPY.encode(small, dtype: .float16), NPY.encode(Tensor([1, 2]), dtype: .float64)]
        case .npz:
            return [(try? NPZ.encode(tensors, metadata: ["k": "v"])) ?? [], (try? NPZ.encode(["a": small], compressed: true)) ?? []]
        case .pickle:
            return [BookPickle.encode(tensors), BookPickle.encode(["W": small], dtype: .float64)]
        case .png:
            var gray = Image(width: 3, height: 2, channels: 1)
            gray.pixels = [0, 50, 100, 150, 200, 250]
            var rgb = Image(width: 2, height: 2, channels: 3)
            rgb.pixels = Array(0..<12).map { $0 * 20 }
            return [PNG.encode(gray), PNG.encode(rgb, level: 0)]
                + [(3, 8), (3, 2), (0, 1), (0, 16), (4, 8), (6, 8), (6, 16), (2, 16)].map { PNGSeeds.file(colorType: $0.0, bitDepth: $0.1) }
        }
    }

    /// Byte strings of the format worth inserting (keys, opcodes, magic numbers).
    var tokens: [[UInt8]] {
        let words: [String]
        switch self {
        case .idx: return [[0, 0, 8, 1], [0, 0, 0x0D, 2], [0, 0, 0x0E, 3], [0x1F, 0x8B], [0xFF, 0xFF, 0xFF, 0xFF]]
        case .safetensors:
            words = ["{", "}", "[", "]", ",", ":", "\"", "\\u0000", "\\ud800", "\"dtype\"", "\"shape\"", "\"data_offsets\"",
                     "\"__metadata__\"", "\"F32\"", "\"F16\"", "\"BF16\"", "\"I64\"", "\"BOOL\"", "[0,0]", "[]", "-1", "1e9", "1.5",
                     "18446744073709551615", "null", "true"]
        case .npy:
            words = ["{", "}", "(", ")", ",", "'", "'descr'", "'shape'", "'fortran_order'", "True", "False", "None", "'<f4'", "'>f8'",
                     "'|b1'", "'<i8'", "'<c8'", "[('a', '<f4')]", "99999999999999999999", "-1", "\n", "L"]
        case .npz:
            return [[0x50, 0x4B, 0x03, 0x04], [0x50, 0x4B, 0x01, 0x02], [0x50, 0x4B, 0x05, 0x06], [0x50, 0x4B, 0x06, 0x06],
                    [0x50, 0x4B, 0x06, 0x07], [0x01, 0x00, 0x10, 0x00], [0xFF, 0xFF, 0xFF, 0xFF], [8, 0], [0x93] + Array("NUMPY".utf8)]
        case .pickle:
            return [[0x80, 2], [0x80, 5], [0x95], [0x93], [0x94], Array("cnumpy\ndtype\n".utf8), Array("cos\nsystem\n".utf8),
                    Array("cnumpy.core.multiarray\n_reconstruct\n".utf8), Array("c_codecs\nencode\n".utf8),
                    Array("ccollections\nOrderedDict\n".utf8), [0x8C, 1, 0x61], [0x8C, 2, 0x66, 0x34], [0x8C, 1, 0x3C],
                    [0x28], [0x74], [0x85], [0x86], [0x87], [0x52], [0x62], [0x75], [0x73], [0x61], [0x65], [0x5D], [0x7D], [0x29],
                    [0x4E], [0x88], [0x89], [0x68, 0], [0x71, 0], [0x8A, 9], [0x96, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0], [0x2E]]
        case .png:
            words = ["IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "aBCD"]
        }
        return words.map { Array($0.utf8) }
    }

    /// Repairs what mutation broke but the parser checks first: PNG chunk CRCs.
    func fixUp(_ bytes: inout [UInt8]) {
        guard self == .png else { return }
        var offset = 8
        while offset + 12 <= bytes.count {
            let length = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let end = offset + 8 + length
            guard length >= 0, end + 4 <= bytes.count else { return }
            let crc = Zlib.crc32(Array(bytes[(offset + 4)..<end]))
            bytes.replaceSubrange(end..<(end + 4), with: [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)])
            offset = end + 4
        }
    }
}

/// PNG files of every colour type and bit depth, built chunk by chunk (Kiso's encoder writes
/// only 8-bit gray and RGB).
enum PNGSeeds {
    static func file(colorType: Int, bitDepth: Int) -> [UInt8] {
        let width = 3, height = 2
        let samples = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colorType]!
        let rowBytes = (width * samples * bitDepth + 7) / 8
        var raw: [UInt8] = []
        for y in 0..<height {
            raw.append(UInt8(y % 5))                                    // filter type per row: None, Sub, …
            raw += (0..<rowBytes).map { UInt8(truncatingIfNeeded: ($0 * 37 + y * 11) % (colorType == 3 ? 2 : 256)) }
        }
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        func chunk(_ type: String, _ data: [UInt8]) {
            let typeBytes = Array(type.utf8)
            out += be(UInt32(data.count)) + typeBytes + data + be(Zlib.crc32(typeBytes + data))
        }
        chunk("IHDR", be(UInt32(width)) + be(UInt32(height)) + [UInt8(bitDepth), UInt8(colorType), 0, 0, 0])
        if colorType == 3 {
            chunk("PLTE", [255, 0, 0, 0, 255, 0, 0, 0, 255])
            chunk("tRNS", [128])
        }
        chunk("IDAT", Zlib.deflate(raw, format: .zlib))
        chunk("IEND", [])
        return out
    }

    private static func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
}
