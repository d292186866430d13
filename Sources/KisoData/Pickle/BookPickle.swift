import Foundation
import Kiso

/// The book's weight files: Python pickles of a dict of NumPy arrays, such as
/// `sample_weight.pkl` (`W1` [784, 50], `b1` [50], … as float32) and the `params.pkl`
/// that `save_params` writes.
///
/// Reading runs a restricted unpickler that understands only what such files contain —
/// NumPy's `_reconstruct`/`ndarray`/`dtype` (from `numpy.core` or NumPy 2's `numpy._core`),
/// protocol 5's `_frombuffer`, `_codecs.encode` and `collections.OrderedDict` — modelled
/// as data and never executed. Any other global or opcode is an error naming it.
///
/// ```swift
/// let weights = try BookPickle.read(from: url).tensors
/// let w1 = weights["W1"]!        // [784, 50]
/// ```
public enum BookPickle {
    /// Reads the pickle at `url` as named float32 tensors (the file's dtypes in `dtypes`).
    /// - Throws: `FileFormatError`, e.g. `.forbiddenGlobal` for `os.system`.
    public static func read(from url: URL) throws -> TensorFile {
        try decode(FileIO.read(url), file: url.lastPathComponent)
    }

    /// Parses pickle bytes holding a dict of NumPy arrays; `file` names them in errors.
    /// - Throws: `FileFormatError` for anything but a dict from string keys to numeric arrays.
    public static func decode(_ bytes: [UInt8], file: String = "pickle data") throws -> TensorFile {
        guard !bytes.isEmpty else { throw FileFormatError(.empty, "the file is empty", file: file) }
        guard bytes[0] == 0x80 else {
            throw FileFormatError(.badMagic,
                                  "not a binary pickle (it does not start with the PROTO opcode 0x80; Kiso reads protocol 2 or later)",
                                  file: file)
        }
        var machine = PickleMachine(bytes, file: file)
        defer { machine.releaseContainers() }   // after the arrays are read: frees self-containing containers
        let result = try machine.run()
        guard case let .dict(dict) = result else {
            throw FileFormatError(.unexpectedContent, "the pickle holds \(result.kind), not a dict of NumPy arrays", file: file)
        }
        var tensors = NamedTensors()
        var dtypes: [String: DType] = [:]
        var metadata: [String: String] = [:]
        // An array object stored under several keys decodes once (tensors share storage); distinct
        // arrays may not together hold more data than the file, or memo references to one bytes
        // object could make a small file allocate without bound.
        var decoded: [ObjectIdentifier: (Tensor, DType)] = [:]
        var dataBytes = 0
        for (key, value) in dict.items {
            let name: String
            switch key {
            case let .string(s): name = s
            case let .bytes(b): name = String(decoding: b, as: UTF8.self)   // Python 2 str keys
            default: throw FileFormatError(.unexpectedContent, "the dict has a key that is \(key.kind), not a string", file: file)
            }
            if case let .string(text) = value {
                metadata[name] = text   // Kiso's metadata entries (str values), which the book's loader ignores
                continue
            }
            guard case let .array(array) = value else {
                throw FileFormatError(.unexpectedContent, "'\(printable(name))' is \(value.kind), not a NumPy array", file: file)
            }
            let (tensor, dtype): (Tensor, DType)
            if let done = decoded[ObjectIdentifier(array)] {
                (tensor, dtype) = done
            } else {
                dataBytes += array.data?.count ?? 0
                guard dataBytes <= bytes.count else {
                    throw FileFormatError(.limitExceeded, "the arrays hold more data than the file itself (one buffer used by many arrays)", file: file)
                }
                (tensor, dtype) = try NumPyModel.tensor(array, name: name, file: file)
                decoded[ObjectIdentifier(array)] = (tensor, dtype)
            }
            tensors[name] = tensor       // a repeated key replaces the value, as in Python
            dtypes[name] = dtype
        }
        return TensorFile(tensors: tensors, metadata: metadata, dtypes: dtypes)
    }

    /// Writes `tensors` as the book's `params.pkl` (a pickled dict of NumPy arrays of
    /// `dtype`) to `url`, atomically. Python reads it with `pickle.load` under NumPy 1 or 2.
    /// `metadata` entries become `str` values of the same dict, which the book's loaders
    /// (they look up `W1`, `b1`, … by name) ignore.
    /// - Throws: `FileFormatError(.ioError)` when the file cannot be written;
    ///   `.unexpectedContent` when a metadata key is also a tensor's name.
    public static func write(_ tensors: NamedTensors, metadata: [String: String] = [:], dtype: DType = .float32,
                             to url: URL) throws {
        if let clash = metadata.keys.first(where: { tensors[$0] != nil }) {
            throw FileFormatError(.unexpectedContent, "the metadata key '\(clash)' is also a tensor's name", file: url.lastPathComponent)
        }
        try AtomicFile.write(encode(tensors, metadata: metadata, dtype: dtype), to: url)
    }

    /// The pickle bytes (protocol 3, as NumPy 1.x arrays pickle) of a dict of `tensors`
    /// stored as `dtype` (float16, float32 or float64), C order, little-endian, followed by
    /// the `metadata` as `str` values (sorted by key).
    public static func encode(_ tensors: NamedTensors, metadata: [String: String] = [:], dtype: DType = .float32) -> [UInt8] {
        kisoPrecondition(dtype.isWritable, "BookPickle.encode: Kiso writes f2, f4 or f8, not \(dtype)")
        var out: [UInt8] = [0x80, 3, UInt8(ascii: "}")]
        if !tensors.isEmpty || !metadata.isEmpty { out.append(UInt8(ascii: "(")) }
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { out += unicode(key) + unicode(value) }
        for (name, tensor) in tensors {
            out += unicode(name)
            out += global("numpy.core.multiarray", "_reconstruct") + global("numpy", "ndarray")
            out += integer(0) + [0x85] + [UInt8(ascii: "C"), 1, UInt8(ascii: "b")] + [0x87, UInt8(ascii: "R")]
            // State: (1, shape, dtype, is_fortran=False, data).
            out += [UInt8(ascii: "("), UInt8(ascii: "K"), 1]
            out += [UInt8(ascii: "(")] + tensor.shape.flatMap(integer) + [UInt8(ascii: "t")]
            out += global("numpy", "dtype") + unicode(dtype.numpyCode!) + integer(0) + integer(1) + [0x87, UInt8(ascii: "R")]
            out += [UInt8(ascii: "("), UInt8(ascii: "K"), 3] + unicode(dtype.byteSize == 1 ? "|" : "<")
            out += [UInt8(ascii: "N"), UInt8(ascii: "N"), UInt8(ascii: "N")] + integer(-1) + integer(-1) + integer(0)
            out += [UInt8(ascii: "t"), UInt8(ascii: "b")]
            out += [0x89]
            let data = dtype.encode(tensor)
            out += [UInt8(ascii: "B")] + littleEndian(UInt32(data.count)) + data
            out += [UInt8(ascii: "t"), UInt8(ascii: "b")]
        }
        if !tensors.isEmpty || !metadata.isEmpty { out.append(UInt8(ascii: "u")) }
        out.append(UInt8(ascii: "."))
        return out
    }

    private static func littleEndian(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

    private static func unicode(_ s: String) -> [UInt8] {
        let utf8 = Array(s.utf8)
        return [UInt8(ascii: "X")] + littleEndian(UInt32(utf8.count)) + utf8
    }

    private static func global(_ module: String, _ name: String) -> [UInt8] {
        [UInt8(ascii: "c")] + Array("\(module)\n\(name)\n".utf8)
    }

    /// BININT1, BININT2 or BININT — the shortest that holds `n` (shapes fit in 32 bits in practice;
    /// larger sizes use LONG1).
    private static func integer(_ n: Int) -> [UInt8] {
        if (0..<256).contains(n) { return [UInt8(ascii: "K"), UInt8(n)] }
        if (0..<65_536).contains(n) { return [UInt8(ascii: "M"), UInt8(n & 0xFF), UInt8(n >> 8)] }
        if let v = Int32(exactly: n) { return [UInt8(ascii: "J")] + littleEndian(UInt32(bitPattern: v)) }
        return [0x8A, 8] + withUnsafeBytes(of: Int64(n).littleEndian) { Array($0) }
    }
}
