import Foundation

extension Tensor {
    /// A 0-d tensor holding `value`.
    public init(_ value: Float) { self.init(shape: [], scalars: [value]) }

    /// A 1-d tensor of shape `[values.count]`.
    public init(_ values: [Float]) { self.init(shape: [values.count], scalars: values) }

    /// A 2-d tensor from rows of equal length.
    public init(_ rows: [[Float]]) {
        let cols = rows.first?.count ?? 0
        kisoPrecondition(rows.allSatisfy { $0.count == cols }, "Tensor([[Float]]): rows have different lengths \(rows.map(\.count))")
        self.init(shape: [rows.count, cols], scalars: rows.flatMap { $0 })
    }

    /// A 3-d tensor from equally shaped nested arrays.
    public init(_ planes: [[[Float]]]) {
        let inner = planes.map { Tensor($0) }
        self.init(stacking: inner, operation: "Tensor([[[Float]]])")
    }

    /// A 4-d tensor from equally shaped nested arrays.
    public init(_ blocks: [[[[Float]]]]) {
        let inner = blocks.map { Tensor($0) }
        self.init(stacking: inner, operation: "Tensor([[[[Float]]]])")
    }

    /// A tensor of `shape` from double-precision values (rounded to float32).
    public init(shape: [Int], doubles: [Double]) {
        self.init(shape: shape, scalars: doubles.map { Float($0) })
    }

    init(stacking parts: [Tensor], operation: String) {
        guard let first = parts.first else { self.init(shape: [0], scalars: []); return }
        kisoPrecondition(parts.allSatisfy { $0.shape == first.shape },
                     "\(operation): parts have different shapes \(parts.map(\.shape))")
        self.init(shape: [parts.count] + first.shape, unsafeUninitialized: { out in
            var offset = 0
            for part in parts {
                part.withUnsafeBufferPointer { src in
                    if src.count > 0 { (out.baseAddress! + offset).update(from: src.baseAddress!, count: src.count) }
                }
                offset += first.count
            }
        })
    }

    /// A tensor of `shape` filled with zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }
    /// A tensor of `shape` filled with ones.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 1) }
    /// A tensor of `shape` filled with `value`.
    public static func full(_ shape: [Int], _ value: Float) -> Tensor { Tensor(shape: shape, repeating: value) }
    /// Zeros shaped like `other`.
    public static func zeros(like other: Tensor) -> Tensor { Tensor(shape: other.shape, repeating: 0) }

    /// One-hot rows: shape [labels.count, classes], 1 at column `labels[n]` of row n, 0 elsewhere.
    /// - Precondition: every label is in `0..<classes`.
    public static func oneHot(_ labels: [Int], classes: Int) -> Tensor {
        ClassLabels(labels).oneHot(classes: classes)
    }

    /// `[start, start + step, …]` up to but excluding `end`, like `np.arange`.
    public static func arange(_ start: Float, _ end: Float, step: Float = 1) -> Tensor {
        kisoPrecondition(step != 0, "Tensor.arange: step must not be zero")
        let n = Swift.max(0, Int((Double(end - start) / Double(step)).rounded(.up)))
        return Tensor(shape: [n], unsafeUninitialized: { out in
            for i in 0..<n { out[i] = Float(Double(start) + Double(i) * Double(step)) }
        })
    }

    /// `[0, 1, …, end − 1]`.
    public static func arange(_ end: Int) -> Tensor { arange(0, Float(end)) }

    /// `count` evenly spaced values from `start` to `end` inclusive, like `np.linspace`.
    public static func linspace(_ start: Float, _ end: Float, count: Int) -> Tensor {
        kisoPrecondition(count >= 0, "Tensor.linspace: negative count \(count)")
        return Tensor(shape: [count], unsafeUninitialized: { out in
            let step = count > 1 ? (Double(end) - Double(start)) / Double(count - 1) : 0
            for i in 0..<count { out[i] = Float(Double(start) + Double(i) * step) }
            if count > 1 { out[count - 1] = end }
        })
    }

    /// The `n`×`n` identity matrix.
    public static func identity(_ n: Int) -> Tensor {
        var t = Tensor.zeros([n, n])
        t.withUnsafeMutableBufferPointer { p in for i in 0..<n { p[i * n + i] = 1 } }
        return t
    }
}

extension Tensor {
    /// The elements as double-precision values, row-major.
    public var doubles: [Double] { withUnsafeBufferPointer { $0.map(Double.init) } }

    /// The elements rounded to half precision, row-major (the storage of chapter 8's
    /// float16 inference). Values beyond ±65504 become ±infinity.
    public var float16Bits: [UInt16] { withUnsafeBufferPointer { $0.map(Float16Conversion.bits(from:)) } }

    /// A tensor of `shape` from half-precision bit patterns (IEEE 754 binary16).
    public init(shape: [Int], float16Bits bits: [UInt16]) {
        self.init(shape: shape, scalars: bits.map(Float16Conversion.float(fromBits:)))
    }

    /// This tensor with every element rounded to the nearest half-precision value, kept
    /// in float32 storage: what a float16 round trip does to the values.
    /// Same values as a round trip through ``Float16Conversion`` (NaN stays NaN), computed by
    /// ``Kernels/roundToFloat16(_:_:count:)``.
    public func roundedToFloat16() -> Tensor {
        Tensor(shape: shape, unsafeUninitialized: { out in
            withUnsafeBufferPointer { x in
                guard let source = x.baseAddress, let target = out.baseAddress else { return }
                Kernels.roundToFloat16(source, target, count: x.count)
            }
        })
    }
}

/// IEEE 754 binary16 ⇄ binary32 conversion in portable code (round to nearest even),
/// so the same bits come out on every platform.
public enum Float16Conversion {
    /// The binary16 bit pattern nearest to `value`.
    public static func bits(from value: Float) -> UInt16 {
        let x = value.bitPattern
        let sign = UInt16((x >> 16) & 0x8000)
        let exp = Int((x >> 23) & 0xFF)
        var mant = x & 0x7F_FFFF
        if exp == 0xFF { return sign | 0x7C00 | (mant != 0 ? 0x200 : 0) }   // inf / nan
        let e = exp - 127 + 15
        if e >= 0x1F { return sign | 0x7C00 }                                 // overflow → inf
        if e <= 0 {                                                          // subnormal half
            if e < -10 { return sign }
            mant |= 0x80_0000
            let shift = UInt32(14 - e)
            var half = mant >> shift
            let rem = mant & ((1 << shift) - 1)
            let halfway = UInt32(1) << (shift - 1)
            if rem > halfway || (rem == halfway && (half & 1) == 1) { half += 1 }
            return sign | UInt16(half)
        }
        var half = UInt32(e << 10) | (mant >> 13)
        let rem = mant & 0x1FFF
        if rem > 0x1000 || (rem == 0x1000 && (half & 1) == 1) { half += 1 }   // may carry into exponent: correct
        return sign | UInt16(truncatingIfNeeded: half)
    }

    /// The float32 value of the binary16 bit pattern `bits` (exact).
    public static func float(fromBits bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exp = UInt32((bits >> 10) & 0x1F)
        let mant = UInt32(bits & 0x3FF)
        if exp == 0 {
            if mant == 0 { return Float(bitPattern: sign) }
            let magnitude = Float(mant) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -magnitude : magnitude
        }
        if exp == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | (mant << 13)) }
        return Float(bitPattern: sign | ((exp + 112) << 23) | (mant << 13))
    }
}
