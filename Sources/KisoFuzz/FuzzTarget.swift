import Kiso
import KisoData

/// A parser that reads untrusted bytes, as a libFuzzer target (Scripts/fuzz.sh builds one
/// binary per case): `check` runs the parser's public decode function on the input, which must
/// return or throw, and checks that a value it returns is consistent.
public enum FuzzTarget: String, CaseIterable, LibFuzzerTarget {
    case idx, safetensors, npy, npz, pickle, png

    /// Runs the parser on `bytes`. An error thrown by the parser is a correct outcome; a
    /// decoded value that is inconsistent (element counts that do not match shapes, or a
    /// re-encoding that does not decode to the same values) stops the program with
    /// `FuzzCheck.fail`, which libFuzzer records as a crash.
    public func check(_ bytes: [UInt8]) {
        switch self {
        case .idx: if let idx = try? IDX.parse(bytes) { FuzzCheck.idx(idx) }
        case .safetensors:
            if let file = try? SafeTensors.decode(bytes, file: "fuzz") {
                FuzzCheck.tensorFile(file, "safetensors") { try SafeTensors.decode(SafeTensors.encode($0.tensors, metadata: $0.metadata)) }
            }
        case .npy: if let (tensor, dtype) = try? NPY.decode(bytes, file: "fuzz") { FuzzCheck.npy(tensor, dtype) }
        case .npz:
            // As for PNG: the input as it is, and with its members' CRC-32s repaired.
            let repaired = ZipEntries.withRepairedCRCs(bytes)
            for input in repaired == bytes ? [bytes] : [bytes, repaired] {
                if let file = try? NPZ.decode(input, file: "fuzz") {
                    FuzzCheck.tensorFile(file, "npz") { try NPZ.decode(NPZ.encode($0.tensors, metadata: $0.metadata)) }
                }
            }
        case .pickle:
            if let file = try? BookPickle.decode(bytes, file: "fuzz") {
                FuzzCheck.tensorFile(file, "pickle") { try BookPickle.decode(BookPickle.encode($0.tensors, metadata: $0.metadata)) }
            }
        case .png:
            if let image = try? PNG.decode(bytes) { FuzzCheck.image(image) }
            // Mutations almost always break a chunk's CRC, which the decoder checks first; the
            // same input with its CRCs repaired reaches the code behind the check.
            let repaired = PNGChunks.withRepairedCRCs(bytes)
            if repaired != bytes, let image = try? PNG.decode(repaired) { FuzzCheck.image(image) }
        }
    }

    /// Small valid inputs written by Kiso's own encoders: the seed corpus (Fuzz/corpus/NAME).
    public var seeds: [[UInt8]] {
        let small = Tensor(shape: [2, 3], scalars: [0.5, -1, 2, 0, 3.25, -0.125])
        let tensors: NamedTensors = ["W1": small, "b1": Tensor([1, 2, 3]), "s": Tensor(7), "e": Tensor(shape: [0, 2], scalars: [])]
        switch self {
        case .idx:
            return [
                IDX.encode(elementType: .uint8, shape: [2, 3, 3], payload: Array(0..<18)),
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
            return [BookPickle.encode(tensors, metadata: ["kiso.model": "TwoLayerNet"]), BookPickle.encode(["W": small], dtype: .float64)]
        case .png:
            var gray = Image(width: 3, height: 2, channels: 1)
            gray.pixels = [0, 50, 100, 150, 200, 250]
            var rgb = Image(width: 2, height: 2, channels: 3)
            rgb.pixels = Array(0..<12).map { $0 * 20 }
            return [PNG.encode(gray), PNG.encode(rgb, level: 0)]
                + [(3, 8), (3, 2), (0, 1), (0, 16), (4, 8), (6, 8), (6, 16), (2, 16)].map { PNGChunks.seed(colorType: $0.0, bitDepth: $0.1) }
        }
    }
}
