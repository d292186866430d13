import Foundation

// Element-wise arithmetic with NumPy broadcasting. Every binary operation goes through
// `Tensor.broadcasting`, which has fast paths for equal shapes, a scalar side and a
// trailing-axis broadcast (bias rows), and a general strided path for the rest.

extension Tensor {
    /// Applies `f` to each element.
    @inlinable
    public func map(_ f: (Float) -> Float) -> Tensor {
        Tensor(shape: shape, unsafeUninitialized: { out in
            withUnsafeBufferPointer { src in for i in 0..<src.count { out[i] = f(src[i]) } }
        })
    }

    /// Combines `a` and `b` element by element after broadcasting them to a common shape.
    /// - Precondition: the shapes broadcast (NumPy rules); the message names `operation`.
    @inlinable
    public static func broadcasting(_ a: Tensor, _ b: Tensor, operation: String, _ f: (Float, Float) -> Float) -> Tensor {
        if a.shape == b.shape {
            return Tensor(shape: a.shape, unsafeUninitialized: { out in
                a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in
                    for i in 0..<out.count { out[i] = f(pa[i], pb[i]) }
                } }
            })
        }
        let shape = Shape.broadcastOrFail(a.shape, b.shape, operation: operation)
        if b.count == 1 && shape == a.shape {
            let s = b.storage.pointer[0]
            return Tensor(shape: shape, unsafeUninitialized: { out in
                a.withUnsafeBufferPointer { pa in for i in 0..<out.count { out[i] = f(pa[i], s) } }
            })
        }
        if a.count == 1 && shape == b.shape {
            let s = a.storage.pointer[0]
            return Tensor(shape: shape, unsafeUninitialized: { out in
                b.withUnsafeBufferPointer { pb in for i in 0..<out.count { out[i] = f(s, pb[i]) } }
            })
        }
        return Tensor(shape: shape, unsafeUninitialized: { out in
            BroadcastLoop.run(shape: shape, a: a, b: b) { offsetA, strideA, offsetB, strideB, outOffset, n in
                a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in
                    var ia = offsetA, ib = offsetB
                    for j in 0..<n {
                        out[outOffset + j] = f(pa[ia], pb[ib])
                        ia += strideA; ib += strideB
                    }
                } }
            }
        })
    }

    /// Applies `f(self[i], other[i])` in place, broadcasting `other` to this tensor's shape.
    /// - Precondition: `other` broadcasts to `shape` without enlarging it.
    @inlinable
    public mutating func updateBroadcasting(_ other: Tensor, operation: String, _ f: (Float, Float) -> Float) {
        let result = Shape.broadcastOrFail(shape, other.shape, operation: operation)
        kisoPrecondition(result == shape, "\(operation): in-place result must keep shape \(shape), but broadcasting with \(other.shape) gives \(result)")
        makeUnique()
        let p = storage.pointer
        if other.shape == shape {
            other.withUnsafeBufferPointer { q in for i in 0..<count { p[i] = f(p[i], q[i]) } }
        } else if other.count == 1 {
            let s = other.storage.pointer[0]
            for i in 0..<count { p[i] = f(p[i], s) }
        } else {
            let me = self
            BroadcastLoop.run(shape: shape, a: me, b: other) { _, _, offsetB, strideB, outOffset, n in
                other.withUnsafeBufferPointer { q in
                    var ib = offsetB
                    for j in 0..<n { p[outOffset + j] = f(p[outOffset + j], q[ib]); ib += strideB }
                }
            }
        }
    }

    /// This tensor broadcast (copied) to `targetShape`.
    public func broadcast(to targetShape: [Int]) -> Tensor {
        let s = Shape.broadcastOrFail(shape, targetShape, operation: "broadcast(to:)")
        kisoPrecondition(s == targetShape, "broadcast(to:): shape \(shape) cannot be broadcast to \(targetShape)")
        if shape == targetShape { return self }
        return Tensor.broadcasting(self, Tensor.zeros(targetShape), operation: "broadcast(to:)") { x, _ in x }
    }
}

extension Tensor {
    /// `matrix + row` by the SIMD bias-row kernel when `row` is a vector (shape `[n]` or
    /// `[1, n]`) as long as the last axis of `matrix` (at least 2-d); nil otherwise.
    static func addingRow(_ matrix: Tensor, _ row: Tensor) -> Tensor? {
        guard matrix.ndim >= 2, let n = matrix.shape.last, n > 0, row.count == n,
              row.shape == [n] || row.shape == [1, n] else { return nil }
        return Tensor(shape: matrix.shape, unsafeUninitialized: { out in
            matrix.withUnsafeBufferPointer { pm in row.withUnsafeBufferPointer { pr in
                Kernels.addRow(pm.baseAddress!, row: pr.baseAddress!, out.baseAddress!, rows: pm.count / n, columns: n)
            } }
        })
    }
}

/// Walks a broadcast result row by row (all axes but the last), handing each row's
/// starting offsets and inner strides (0 or 1) in `a` and `b` to `body`.
@usableFromInline
enum BroadcastLoop {
    @usableFromInline
    static func run(shape: [Int], a: Tensor, b: Tensor,
                    _ body: (_ offsetA: Int, _ strideA: Int, _ offsetB: Int, _ strideB: Int, _ outOffset: Int, _ n: Int) -> Void) {
        let n = shape.count
        let total = shape.reduce(1, *)
        if total == 0 { return }
        if n == 0 { body(0, 0, 0, 0, 0, 1); return }
        let sa = stridesIn(shape: shape, operand: a.shape)
        let sb = stridesIn(shape: shape, operand: b.shape)
        let inner = shape[n - 1]
        var index = [Int](repeating: 0, count: n)
        var offA = 0, offB = 0, out = 0
        while out < total {
            body(offA, sa[n - 1], offB, sb[n - 1], out, inner)
            out += inner
            var axis = n - 2
            while axis >= 0 {
                index[axis] += 1
                offA += sa[axis]; offB += sb[axis]
                if index[axis] < shape[axis] { break }
                offA -= sa[axis] * shape[axis]; offB -= sb[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { break }
        }
    }

    /// Strides of `operand` laid against the broadcast `shape`: 0 on broadcast axes.
    static func stridesIn(shape: [Int], operand: [Int]) -> [Int] {
        let own = Shape.strides(operand)
        let pad = shape.count - operand.count
        return (0..<shape.count).map { axis in
            axis < pad || operand[axis - pad] == 1 ? 0 : own[axis - pad]
        }
    }
}

// MARK: - Operators

extension Tensor {
    /// Element-wise sum with broadcasting.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        if let sum = addingRow(a, b) ?? addingRow(b, a) { return sum }
        return broadcasting(a, b, operation: "+") { $0 + $1 }
    }
    /// Element-wise difference with broadcasting.
    public static func - (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b, operation: "-") { $0 - $1 } }
    /// Element-wise product with broadcasting.
    public static func * (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b, operation: "*") { $0 * $1 } }
    /// Element-wise quotient with broadcasting.
    public static func / (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b, operation: "/") { $0 / $1 } }

    /// `a + s` for every element of `a`; same shape as `a`.
    public static func + (a: Tensor, s: Float) -> Tensor { a.map { $0 + s } }
    /// `a − s` for every element of `a`; same shape as `a`.
    public static func - (a: Tensor, s: Float) -> Tensor { a.map { $0 - s } }
    /// `a · s` for every element of `a`; same shape as `a`.
    public static func * (a: Tensor, s: Float) -> Tensor { a.map { $0 * s } }
    /// `a / s` for every element of `a`; same shape as `a`.
    public static func / (a: Tensor, s: Float) -> Tensor { a.map { $0 / s } }
    /// `s + a` for every element of `a`; same shape as `a`.
    public static func + (s: Float, a: Tensor) -> Tensor { a.map { s + $0 } }
    /// `s − a` for every element of `a`; same shape as `a`.
    public static func - (s: Float, a: Tensor) -> Tensor { a.map { s - $0 } }
    /// `s · a` for every element of `a`; same shape as `a`.
    public static func * (s: Float, a: Tensor) -> Tensor { a.map { s * $0 } }
    /// `s / a` for every element of `a`; same shape as `a`.
    public static func / (s: Float, a: Tensor) -> Tensor { a.map { s / $0 } }

    /// Element-wise negation.
    public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }

    /// In-place sum; `b` must broadcast to `a`'s shape.
    public static func += (a: inout Tensor, b: Tensor) { a.updateBroadcasting(b, operation: "+=") { $0 + $1 } }
    /// In-place difference; `b` must broadcast to `a`'s shape.
    public static func -= (a: inout Tensor, b: Tensor) { a.updateBroadcasting(b, operation: "-=") { $0 - $1 } }
    /// In-place product; `b` must broadcast to `a`'s shape.
    public static func *= (a: inout Tensor, b: Tensor) { a.updateBroadcasting(b, operation: "*=") { $0 * $1 } }
    /// In-place quotient; `b` must broadcast to `a`'s shape.
    public static func /= (a: inout Tensor, b: Tensor) { a.updateBroadcasting(b, operation: "/=") { $0 / $1 } }
    /// Adds `s` to every element in place.
    public static func += (a: inout Tensor, s: Float) { a.updateEach { $0 + s } }
    /// Subtracts `s` from every element in place.
    public static func -= (a: inout Tensor, s: Float) { a.updateEach { $0 - s } }
    /// Multiplies every element by `s` in place.
    public static func *= (a: inout Tensor, s: Float) { a.updateEach { $0 * s } }
    /// Divides every element by `s` in place.
    public static func /= (a: inout Tensor, s: Float) { a.updateEach { $0 / s } }

    /// Replaces each element `x` with `f(x)`, in place.
    @inlinable
    public mutating func updateEach(_ f: (Float) -> Float) {
        withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = f(p[i]) } }
    }

    /// `self += alpha * x` in place (an axpy), the core of optimizer updates.
    /// - Precondition: equal shapes.
    public mutating func addScaled(_ x: Tensor, _ alpha: Float) {
        kisoPrecondition(x.shape == shape, "addScaled: shapes \(shape) and \(x.shape) differ")
        x.withUnsafeBufferPointer { q in
            withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] += alpha * q[i] } }
        }
    }

    // Comparisons give masks of 0 and 1.
    /// 1 where `a > b`, else 0 (broadcasting).
    public static func .> (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b, operation: ".>") { $0 > $1 ? 1 : 0 } }
    /// 1 where `a >= b`, else 0 (broadcasting).
    public static func .>= (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b, operation: ".>=") { $0 >= $1 ? 1 : 0 } }
    /// 1 where `a < b`, else 0 (broadcasting).
    public static func .< (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b, operation: ".<") { $0 < $1 ? 1 : 0 } }
    /// 1 where `a <= b`, else 0 (broadcasting).
    public static func .<= (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b, operation: ".<=") { $0 <= $1 ? 1 : 0 } }
    /// 1 where `a == b`, else 0 (broadcasting).
    public static func .== (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b, operation: ".==") { $0 == $1 ? 1 : 0 } }
    /// 1 where `a != b`, else 0 (broadcasting).
    public static func .!= (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b, operation: ".!=") { $0 != $1 ? 1 : 0 } }
    /// 1 where an element of `a` is greater than `s`, else 0; same shape as `a`.
    public static func .> (a: Tensor, s: Float) -> Tensor { a.map { $0 > s ? 1 : 0 } }
    /// 1 where an element of `a` is greater than or equal to `s`, else 0; same shape as `a`.
    public static func .>= (a: Tensor, s: Float) -> Tensor { a.map { $0 >= s ? 1 : 0 } }
    /// 1 where an element of `a` is less than `s`, else 0; same shape as `a`.
    public static func .< (a: Tensor, s: Float) -> Tensor { a.map { $0 < s ? 1 : 0 } }
    /// 1 where an element of `a` is less than or equal to `s`, else 0; same shape as `a`.
    public static func .<= (a: Tensor, s: Float) -> Tensor { a.map { $0 <= s ? 1 : 0 } }
    /// 1 where an element of `a` is equal to `s`, else 0; same shape as `a`.
    public static func .== (a: Tensor, s: Float) -> Tensor { a.map { $0 == s ? 1 : 0 } }
    /// 1 where an element of `a` is not equal to `s`, else 0; same shape as `a`.
    public static func .!= (a: Tensor, s: Float) -> Tensor { a.map { $0 != s ? 1 : 0 } }
}

// MARK: - Functions (NumPy names)

/// `e^x` element-wise (SIMD kernel).
public func exp(_ x: Tensor) -> Tensor {
    Tensor(shape: x.shape, unsafeUninitialized: { out in
        x.withUnsafeBufferPointer { Kernels.exp($0.baseAddress!, out.baseAddress!, count: $0.count) }
    })
}
/// Natural logarithm element-wise.
public func log(_ x: Tensor) -> Tensor { x.map { Foundation.log($0) } }
/// Square root element-wise.
public func sqrt(_ x: Tensor) -> Tensor { x.map { $0.squareRoot() } }
/// Hyperbolic tangent element-wise.
public func tanh(_ x: Tensor) -> Tensor { x.map { Foundation.tanh($0) } }
/// Absolute value element-wise.
public func abs(_ x: Tensor) -> Tensor { x.map { Swift.abs($0) } }
/// The logistic function `1 / (1 + e^(−x))` element-wise (SIMD kernel).
public func sigmoid(_ x: Tensor) -> Tensor {
    Tensor(shape: x.shape, unsafeUninitialized: { out in
        x.withUnsafeBufferPointer { Kernels.sigmoid($0.baseAddress!, out.baseAddress!, count: $0.count) }
    })
}
/// `x^p` element-wise.
public func pow(_ x: Tensor, _ p: Float) -> Tensor {
    if p == 2 { return x.map { $0 * $0 } }
    return x.map { Foundation.pow($0, p) }
}
/// `a^b` element-wise with broadcasting.
public func pow(_ a: Tensor, _ b: Tensor) -> Tensor { Tensor.broadcasting(a, b, operation: "pow") { Foundation.pow($0, $1) } }
/// The larger of `a` and `b` element-wise, with broadcasting.
public func maximum(_ a: Tensor, _ b: Tensor) -> Tensor { Tensor.broadcasting(a, b, operation: "maximum") { Swift.max($0, $1) } }
/// The smaller of `a` and `b` element-wise, with broadcasting.
public func minimum(_ a: Tensor, _ b: Tensor) -> Tensor { Tensor.broadcasting(a, b, operation: "minimum") { Swift.min($0, $1) } }
/// The larger of each element and `s` (e.g. ReLU is `maximum(x, 0)`).
public func maximum(_ a: Tensor, _ s: Float) -> Tensor {
    Tensor(shape: a.shape, unsafeUninitialized: { out in
        a.withUnsafeBufferPointer { Kernels.maximum($0.baseAddress!, s, out.baseAddress!, count: $0.count) }
    })
}
/// The smaller of each element and `s`.
public func minimum(_ a: Tensor, _ s: Float) -> Tensor { a.map { Swift.min($0, s) } }
/// Each element limited to `low...high`.
public func clip(_ x: Tensor, _ low: Float, _ high: Float) -> Tensor {
    kisoPrecondition(low <= high, "clip: lower bound \(low) is above upper bound \(high)")
    return x.map { Swift.min(Swift.max($0, low), high) }
}
/// `a` where `mask` is non-zero, else `b`, broadcasting all three like `np.where`.
public func `where`(_ mask: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
    let ab = Shape.broadcastOrFail(a.shape, b.shape, operation: "where")
    let shape = Shape.broadcastOrFail(mask.shape, ab, operation: "where")
    let m = mask.broadcast(to: shape), x = a.broadcast(to: shape), y = b.broadcast(to: shape)
    return Tensor(shape: shape, unsafeUninitialized: { out in
        m.withUnsafeBufferPointer { pm in x.withUnsafeBufferPointer { px in y.withUnsafeBufferPointer { py in
            for i in 0..<out.count { out[i] = pm[i] != 0 ? px[i] : py[i] }
        } } }
    })
}
