import Kiso

/// The element types Kiso reads from model files (NumPy's and safetensors' vocabularies).
///
/// Every type is converted to float32 on reading (`Tensor` is float32); integers above
/// 2²⁴ lose low bits. Writing supports the floating-point types only.
public enum DType: String, Sendable, CaseIterable, Equatable {
    /// IEEE half, bfloat16, single and double precision floats.
    case float16, bfloat16, float32, float64
    /// Signed integers of 8 to 64 bits.
    case int8, int16, int32, int64
    /// Unsigned integers of 8 to 64 bits.
    case uint8, uint16, uint32, uint64
    /// One byte per element, 0 or 1.
    case bool

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .int8, .uint8, .bool: return 1
        case .float16, .bfloat16, .int16, .uint16: return 2
        case .float32, .int32, .uint32: return 4
        case .float64, .int64, .uint64: return 8
        }
    }

    /// True for the types Kiso can write (float16, float32, float64).
    public var isWritable: Bool { self == .float16 || self == .float32 || self == .float64 }

    /// The safetensors name: `F16`, `BF16`, `F32`, `F64`, `I8` … `U64`, `BOOL`.
    public var safetensorsName: String {
        switch self {
        case .float16: return "F16"
        case .bfloat16: return "BF16"
        case .float32: return "F32"
        case .float64: return "F64"
        case .int8: return "I8"
        case .int16: return "I16"
        case .int32: return "I32"
        case .int64: return "I64"
        case .uint8: return "U8"
        case .uint16: return "U16"
        case .uint32: return "U32"
        case .uint64: return "U64"
        case .bool: return "BOOL"
        }
    }

    /// The type with safetensors name `name`, or `nil`.
    public init?(safetensorsName name: String) {
        guard let match = DType.allCases.first(where: { $0.safetensorsName == name }) else { return nil }
        self = match
    }

    /// NumPy's type code without byte order: `f2`, `f4`, `f8`, `i1` … `u8`, `b1`; `nil` for bfloat16.
    public var numpyCode: String? {
        switch self {
        case .float16: return "f2"
        case .bfloat16: return nil
        case .float32: return "f4"
        case .float64: return "f8"
        case .int8: return "i1"
        case .int16: return "i2"
        case .int32: return "i4"
        case .int64: return "i8"
        case .uint8: return "u1"
        case .uint16: return "u2"
        case .uint32: return "u4"
        case .uint64: return "u8"
        case .bool: return "b1"
        }
    }

    /// The type with NumPy code `code` (`f4`, `i8`, …, also `?` for bool), or `nil`.
    public init?(numpyCode code: String) {
        if code == "?" { self = .bool; return }
        guard let match = DType.allCases.first(where: { $0.numpyCode == code }) else { return nil }
        self = match
    }

    /// NumPy's `descr` string for this type stored little-endian: `<f4`, `|u1`, ….
    public var numpyDescr: String? {
        guard let code = numpyCode else { return nil }
        return (byteSize == 1 ? "|" : "<") + code
    }

    /// The codes Kiso understands, for error messages.
    static let supportedNumpyCodes = DType.allCases.compactMap(\.numpyCode).joined(separator: ", ")
    static let supportedSafetensorsNames = DType.allCases.map(\.safetensorsName).joined(separator: ", ")

    /// A float32 tensor of `shape` from `count × byteSize` bytes of this type at `raw`,
    /// big-endian when `bigEndian`. The caller has checked the byte length.
    func decode(_ raw: UnsafeRawBufferPointer, shape: [Int], bigEndian: Bool = false) -> Tensor {
        let n = shape.reduce(1, *)
        precondition(raw.count >= n * byteSize, "DType.decode: byte length checked by the caller")
        return Tensor(shape: shape) { out in
            switch self {
            case .float32:
                for i in 0..<n {
                    let bits = raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)
                    out[i] = Float(bitPattern: bigEndian ? bits.byteSwapped : bits.littleEndian)
                }
            case .float64:
                for i in 0..<n {
                    let bits = raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)
                    out[i] = Float(Double(bitPattern: bigEndian ? bits.byteSwapped : bits.littleEndian))
                }
            case .float16:
                for i in 0..<n { out[i] = Float16Conversion.float(fromBits: load(raw, i, UInt16.self, bigEndian)) }
            case .bfloat16:
                for i in 0..<n { out[i] = Float(bitPattern: UInt32(load(raw, i, UInt16.self, bigEndian)) << 16) }
            case .int8: for i in 0..<n { out[i] = Float(Int8(bitPattern: raw[i])) }
            case .uint8: for i in 0..<n { out[i] = Float(raw[i]) }
            case .bool: for i in 0..<n { out[i] = raw[i] != 0 ? 1 : 0 }
            case .int16: for i in 0..<n { out[i] = Float(Int16(bitPattern: load(raw, i, UInt16.self, bigEndian))) }
            case .uint16: for i in 0..<n { out[i] = Float(load(raw, i, UInt16.self, bigEndian)) }
            case .int32: for i in 0..<n { out[i] = Float(Int32(bitPattern: load(raw, i, UInt32.self, bigEndian))) }
            case .uint32: for i in 0..<n { out[i] = Float(load(raw, i, UInt32.self, bigEndian)) }
            case .int64: for i in 0..<n { out[i] = Float(Int64(bitPattern: load(raw, i, UInt64.self, bigEndian))) }
            case .uint64: for i in 0..<n { out[i] = Float(load(raw, i, UInt64.self, bigEndian)) }
            }
        }
    }

    /// The little-endian bytes of `tensor`'s elements in this (floating-point) type; float16
    /// rounds to nearest even, float64 widens exactly.
    func encode(_ tensor: Tensor) -> [UInt8] {
        kisoPrecondition(isWritable, "DType.encode: Kiso writes float16, float32 or float64, not \(self)")
        let n = tensor.count
        var bytes = [UInt8](repeating: 0, count: n * byteSize)
        tensor.withUnsafeBufferPointer { src in
            bytes.withUnsafeMutableBytes { out in
                switch self {
                case .float32:
                    for i in 0..<n { out.storeBytes(of: src[i].bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
                case .float64:
                    for i in 0..<n { out.storeBytes(of: Double(src[i]).bitPattern.littleEndian, toByteOffset: 8 * i, as: UInt64.self) }
                default:
                    for i in 0..<n {
                        out.storeBytes(of: Float16Conversion.bits(from: src[i]).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
                    }
                }
            }
        }
        return bytes
    }
}

@inline(__always)
private func load<T: FixedWidthInteger>(_ raw: UnsafeRawBufferPointer, _ i: Int, _: T.Type, _ bigEndian: Bool) -> T {
    let v = raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)
    return bigEndian ? T(bigEndian: v) : T(littleEndian: v)
}

/// Element counts and byte lengths computed from untrusted shapes without overflow.
enum ShapeArithmetic {
    /// The product of `shape`, or `nil` when a size is negative or the product of the non-zero
    /// sizes overflows — so even an empty tensor's strides can be computed without trapping.
    static func elementCount(_ shape: [Int]) -> Int? {
        var n = 1
        for size in shape {
            guard size >= 0 else { return nil }
            let (p, overflow) = n.multipliedReportingOverflow(by: Swift.max(size, 1))
            if overflow { return nil }
            n = p
        }
        return shape.contains(0) ? 0 : n
    }

    /// `elementCount(shape) × itemSize`, or `nil` on overflow.
    static func byteCount(_ shape: [Int], itemSize: Int) -> Int? {
        guard let n = elementCount(shape) else { return nil }
        let (b, overflow) = n.multipliedReportingOverflow(by: itemSize)
        return overflow ? nil : b
    }
}
