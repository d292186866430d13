import Kiso
import KisoData

/// The consistency checks of decoded values. Each stops the program (a crash for libFuzzer)
/// when a value breaks an invariant the parser promises.
enum FuzzCheck {
    /// Stops the program with `message`; libFuzzer keeps the input as a crash.
    static func fail(_ message: String) -> Never {
        fatalError("fuzz check failed: \(message)")
    }

    /// A tensor's element count is the product of its shape.
    static func shape(_ tensor: Tensor, _ what: String) {
        var n = 1
        for d in tensor.shape {
            guard d >= 0 else { fail("\(what): negative axis in \(tensor.shape)") }
            n = n.multipliedReportingOverflow(by: d).partialValue
        }
        guard n == tensor.count, tensor.scalars.count == n else { fail("\(what): shape \(tensor.shape) but \(tensor.count) elements") }
    }

    /// Equal shapes and bit-identical elements (any NaN equals any NaN).
    static func same(_ a: Tensor, _ b: Tensor, _ what: String) {
        guard a.shape == b.shape else { fail("\(what): shape \(a.shape) became \(b.shape)") }
        for (x, y) in zip(a.scalars, b.scalars) where x.bitPattern != y.bitPattern && !(x.isNaN && y.isNaN) {
            fail("\(what): element \(x) became \(y)")
        }
    }

    /// IDX: the payload holds `count` elements of the element type, and re-encoding gives the
    /// same header and payload.
    static func idx(_ idx: IDX) {
        guard idx.shape.count <= IDX.maximumDimensions, idx.shape.allSatisfy({ $0 >= 0 }),
              idx.payload.count == idx.count * idx.elementType.size else {
            fail("idx: shape \(idx.shape) of \(idx.elementType) with \(idx.payload.count) payload bytes")
        }
        guard idx.floatElements().count == idx.count else { fail("idx: floatElements() count differs from \(idx.count)") }
        guard let again = try? IDX.parse(IDX.encode(elementType: idx.elementType, shape: idx.shape, payload: idx.payload)),
              again.elementType == idx.elementType, again.shape == idx.shape, again.payload == idx.payload else {
            fail("idx: re-encoding does not decode to the same file")
        }
    }

    /// A file of named tensors: every tensor's shape matches its elements, every dtype names a
    /// tensor, and `reencode` (the format's encoder then decoder) gives the same tensors and
    /// metadata.
    static func tensorFile(_ file: TensorFile, _ format: String, reencode: (TensorFile) throws -> TensorFile) {
        for (name, tensor) in file.tensors { shape(tensor, "\(format) '\(name)'") }
        for name in file.dtypes.keys where !file.tensors.contains(name) { fail("\(format): dtype for missing tensor '\(name)'") }
        let again: TensorFile
        do { again = try reencode(file) } catch { fail("\(format): re-encoding does not decode: \(error)") }
        guard again.tensors.names == file.tensors.names else { fail("\(format): names \(file.tensors.names) became \(again.tensors.names)") }
        guard again.metadata == file.metadata else { fail("\(format): metadata changed in re-encoding") }
        for (name, tensor) in file.tensors { same(tensor, again.tensors[name]!, "\(format) '\(name)'") }
    }

    /// `.npy`: the shape matches the elements, and writing in the same dtype (float32 when the
    /// dtype is not writable) decodes to the same tensor.
    static func npy(_ tensor: Tensor, _ dtype: DType) {
        shape(tensor, "npy")
        let written = dtype.isWritable ? dtype : .float32
        guard let (again, againType) = try? NPY.decode(NPY.encode(tensor, dtype: written)), againType == written else {
            fail("npy: re-encoding as \(written) does not decode")
        }
        same(tensor, again, "npy")
    }

    /// PNG: 1 or 3 channels, `width × height × channels` pixels, and re-encoding decodes to the
    /// same image.
    static func image(_ image: Image) {
        guard image.channels == 1 || image.channels == 3, image.width > 0, image.height > 0,
              image.pixels.count == image.width * image.height * image.channels else {
            fail("png: \(image.width)×\(image.height)×\(image.channels) with \(image.pixels.count) pixels")
        }
        guard let again = try? PNG.decode(PNG.encode(image)), again == image else { fail("png: re-encoding does not decode to the same image") }
    }
}
