import Kiso

/// The ReLU layer: `out = max(0, x)`; backward passes `dout` where `x > 0` and 0 elsewhere.
/// Any shape in, the same shape out.
public final class Relu: Layer {
    private var out: Tensor?

    /// A ReLU layer (no parameters).
    public init() {}

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let y = Tensor(shape: x.shape, unsafeUninitialized: { y in
            x.withUnsafeBufferPointer { x in
                let n = y.count
                var i = 0
                if let py = y.baseAddress, let px = x.baseAddress {   // eight at a time: y = x > 0 ? x : 0
                    let zero = SIMD8<Float>(repeating: 0)
                    while i + 8 <= n {
                        let v = UnsafeRawPointer(px + i).loadUnaligned(as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(py + i).storeBytes(of: zero.replacing(with: v, where: v .> zero), as: SIMD8<Float>.self)
                        i += 8
                    }
                }
                for j in i..<n { y[j] = x[j] > 0 ? x[j] : 0 }
            }
        })
        out = y
        return y
    }

    /// Takes `y`, already max(x, 0) (a ReLU fused into the layer before it), as this layer's
    /// forward output, so that ``backward(_:)`` masks with it.
    func adoptForwardOutput(_ y: Tensor) -> Tensor {
        out = y
        return y
    }

    /// `dout · [x > 0]` (the mask is read from the cached output, which is > 0 exactly where x is).
    public func backward(_ dout: Tensor) -> Tensor {
        guard let out else { fatalError("Relu.backward: called before forward") }
        kisoPrecondition(dout.shape == out.shape, "Relu.backward: dout has shape \(dout.shape), the output was \(out.shape)")
        return Tensor(shape: dout.shape, unsafeUninitialized: { dx in
            dout.withUnsafeBufferPointer { d in
                out.withUnsafeBufferPointer { y in
                    let n = dx.count
                    var i = 0
                    if let (pdx, pd, py) = Self.bases(dx, d, y) {   // eight at a time: dx = y > 0 ? dout : 0
                        let zero = SIMD8<Float>(repeating: 0)
                        while i + 8 <= n {
                            let dv = UnsafeRawPointer(pd + i).loadUnaligned(as: SIMD8<Float>.self)
                            let yv = UnsafeRawPointer(py + i).loadUnaligned(as: SIMD8<Float>.self)
                            UnsafeMutableRawPointer(pdx + i).storeBytes(of: zero.replacing(with: dv, where: yv .> zero), as: SIMD8<Float>.self)
                            i += 8
                        }
                    }
                    for j in i..<n { dx[j] = y[j] > 0 ? d[j] : 0 }
                }
            }
        })
    }

    private static func bases(_ a: UnsafeMutableBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, _ c: UnsafeBufferPointer<Float>)
        -> (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>)? {
        guard let a = a.baseAddress, let b = b.baseAddress, let c = c.baseAddress else { return nil }
        return (a, b, c)
    }
}

/// The sigmoid layer: `y = 1 / (1 + e^(−x))`; backward `dx = dout · (1 − y) · y`.
/// Any shape in, the same shape out.
public final class Sigmoid: Layer {
    private var out: Tensor?

    /// A sigmoid layer (no parameters).
    public init() {}

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let y = sigmoid(x)
        out = y
        return y
    }

    public func backward(_ dout: Tensor) -> Tensor {
        guard let out else { fatalError("Sigmoid.backward: called before forward") }
        kisoPrecondition(dout.shape == out.shape, "Sigmoid.backward: dout has shape \(dout.shape), the output was \(out.shape)")
        return Tensor.broadcasting(dout, out, operation: "Sigmoid.backward") { d, y in d * (1 - y) * y }
    }
}

/// The tanh layer (used by chapter 6's activation experiments): `y = tanh x`; backward
/// `dx = dout · (1 − y²)`. Any shape in, the same shape out.
public final class Tanh: Layer {
    private var out: Tensor?

    /// A tanh layer (no parameters).
    public init() {}

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let y = tanh(x)
        out = y
        return y
    }

    public func backward(_ dout: Tensor) -> Tensor {
        guard let out else { fatalError("Tanh.backward: called before forward") }
        kisoPrecondition(dout.shape == out.shape, "Tanh.backward: dout has shape \(dout.shape), the output was \(out.shape)")
        return Tensor.broadcasting(dout, out, operation: "Tanh.backward") { d, y in d * (1 - y * y) }
    }
}
