import Foundation
import Kiso

/// NumPy's `.npy` format: the magic `\x93NUMPY`, a version (1.0, 2.0 or 3.0), a header
/// length (2 bytes in v1, 4 in v2/v3), a Python dict literal
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`, then the elements.
///
/// Kiso reads C-order arrays of `f2`, `f4`, `f8`, `i1`…`i8`, `u1`…`u8` and `b1` in either
/// byte order (converted to float32), and writes version 1.0 files, little-endian `<f4`
/// by default. Fortran order, structured dtypes and object arrays are rejected with a
/// `FileFormatError`.
public enum NPY {
    /// The magic bytes every `.npy` file starts with.
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    /// The largest header Kiso reads (NumPy's own default `max_header_size`).
    public static let maxHeaderSize = 10_000

    /// Reads the `.npy` file at `url` as a float32 tensor.
    /// - Throws: `FileFormatError` for missing, empty or malformed files and unsupported dtypes.
    public static func read(from url: URL) throws -> Tensor {
        try decode(FileIO.read(url), file: url.lastPathComponent).tensor
    }

    /// Parses `.npy` bytes: the tensor and the element type stored in the file.
    /// - Throws: `FileFormatError` naming `file` and the problem.
    public static func decode(_ bytes: [UInt8], file: String = "npy data") throws -> (tensor: Tensor, dtype: DType) {
        guard !bytes.isEmpty else { throw FileFormatError(.empty, "the file is empty", file: file) }
        var reader = ByteReader(bytes, file: file)
        guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
            throw FileFormatError(.badMagic, "not a .npy file (it does not start with \\x93NUMPY)", file: file)
        }
        reader.offset = magic.count
        let major = try reader.u8("the format version")
        _ = try reader.u8("the format version")
        let headerLength: Int
        switch major {
        case 1: headerLength = Int(try reader.u16("the header length"))
        case 2, 3: headerLength = Int(try reader.u32("the header length"))
        default: throw FileFormatError(.unsupportedVersion, ".npy format version \(major) is not supported (Kiso reads 1, 2 and 3)", file: file)
        }
        guard headerLength <= maxHeaderSize else {
            throw FileFormatError(.tooLarge, "the .npy header is \(headerLength) bytes, more than the limit of \(maxHeaderSize)", file: file)
        }
        let raw = try reader.take(headerLength, "the .npy header")
        // v1 and v2 headers are latin-1, v3 headers UTF-8.
        let text: String
        if major == 3 {
            guard let s = String(validating: raw, as: UTF8.self) else {
                throw FileFormatError(.malformedHeader, "the .npy header is not valid UTF-8", file: file)
            }
            text = s
        } else {
            text = String(String.UnicodeScalarView(raw.map { Unicode.Scalar($0) }))
        }
        let header = try NPYHeader.parse(text, file: file)
        let (dtype, bigEndian) = try parseDescr(header.descr, file: file)
        guard !header.fortranOrder else {
            throw FileFormatError(.unsupportedFeature,
                                  "the array is stored in Fortran order, which Kiso does not read (save it with np.ascontiguousarray)",
                                  file: file)
        }
        guard let needed = ShapeArithmetic.byteCount(header.shape, itemSize: dtype.byteSize) else {
            throw FileFormatError(.sizeMismatch, "the shape \(header.shape) is too large", file: file)
        }
        guard needed == reader.remaining else {
            let kind: FileFormatError.Reason = needed > reader.remaining ? .truncated : .sizeMismatch
            throw FileFormatError(kind,
                                  "the header declares shape \(header.shape) of \(printable(header.descr)) (\(needed) bytes) but \(reader.remaining) bytes of data follow",
                                  file: file)
        }
        let start = reader.offset
        let tensor = bytes.withUnsafeBytes { all in
            dtype.decode(UnsafeRawBufferPointer(rebasing: all[start...]), shape: header.shape, bigEndian: bigEndian)
        }
        return (tensor, dtype)
    }

    /// Writes `tensor` to `url` as a version 1.0 `.npy` file of `dtype`, atomically.
    /// - Throws: `FileFormatError(.ioError)` when the file cannot be written.
    public static func write(_ tensor: Tensor, dtype: DType = .float32, to url: URL) throws {
        try AtomicFile.write(encode(tensor, dtype: dtype), to: url)
    }

    /// The bytes of a version 1.0 `.npy` file holding `tensor` as `dtype` (float16, float32
    /// or float64, little-endian), byte for byte what `np.save` writes: the header is padded
    /// with spaces and a newline so the data starts at a multiple of 64 bytes.
    public static func encode(_ tensor: Tensor, dtype: DType = .float32) -> [UInt8] {
        kisoPrecondition(dtype.isWritable, "NPY.encode: Kiso writes f2, f4 or f8, not \(dtype)")
        var header = Array(NPYHeader(descr: dtype.numpyDescr!, fortranOrder: false, shape: tensor.shape).literal.utf8)
        // Like NumPy: room for the first axis to grow to 21 digits, then spaces to a multiple of 64, then '\n'.
        if let first = tensor.shape.first { header += [UInt8](repeating: UInt8(ascii: " "), count: 21 - String(first).count) }
        let padding = 64 - (magic.count + 4 + header.count + 1) % 64
        header += [UInt8](repeating: UInt8(ascii: " "), count: padding) + [0x0A]
        var out = magic + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)]
        out += header
        out += dtype.encode(tensor)
        return out
    }

    /// `'<f4'` → (.float32, little-endian). `|` and `=` mean no/native (little) byte order.
    static func parseDescr(_ descr: String, file: String) throws -> (DType, bigEndian: Bool) {
        var code = Substring(descr)
        var bigEndian = false
        if let first = code.first, "<>|=".contains(first) {
            bigEndian = first == ">"
            code = code.dropFirst()
        }
        guard let dtype = DType(numpyCode: String(code)) else {
            throw FileFormatError(.unsupportedDType,
                                  "dtype '\(printable(descr))' is not supported (Kiso reads \(DType.supportedNumpyCodes))",
                                  file: file)
        }
        return (dtype, bigEndian)
    }
}
