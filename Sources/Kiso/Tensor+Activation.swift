// The activation functions' backward rules, beside ReLU itself (sigmoid and tanh are with the
// element-wise functions). Each takes the upstream gradient and the activation's own output.

/// ReLU, `max(0, x)` element-wise, any shape (SIMD, split between threads on large tensors).
/// NaN stays NaN, as in the book's `Relu` (so a diverging run shows in its loss).
public func relu(_ x: Tensor) -> Tensor { maximum(x, 0) }

/// The gradient of ``relu(_:)``: `dout · [y > 0]` element-wise, where `y` = relu(x) is the
/// forward output (it is > 0 exactly where x is). Same shape as `dout`.
/// - Precondition: `dout` and `y` have the same shape.
public func reluBackward(_ dout: Tensor, output y: Tensor) -> Tensor {
    kisoPrecondition(dout.shape == y.shape, "reluBackward: dout has shape \(dout.shape), the output was \(y.shape)")
    return Tensor(shape: dout.shape, unsafeUninitialized: { dx in
        dout.withUnsafeBufferPointer { d in
            y.withUnsafeBufferPointer { y in
                guard let (pdx, pd, py) = baseAddresses(dx, d, y) else { return }
                let (bx, bd, by) = (UnsafeSendableBox(pdx), UnsafeSendableBox(pd), UnsafeSendableBox(py))
                Kernels.parallelFor(dx.count, grain: Kernels.elementwiseGrain) { r in
                    maskPositive(bd.value + r.lowerBound, by.value + r.lowerBound, bx.value + r.lowerBound, count: r.count)
                }
            }
        }
    })
}

/// The gradient of ``sigmoid(_:)``: `dout · (1 − y) · y` for its output `y`. Same shape as `dout`.
/// - Precondition: `dout` and `y` have the same shape.
public func sigmoidBackward(_ dout: Tensor, output y: Tensor) -> Tensor {
    kisoPrecondition(dout.shape == y.shape, "sigmoidBackward: dout has shape \(dout.shape), the output was \(y.shape)")
    return Tensor.broadcasting(dout, y, operation: "sigmoidBackward") { d, y in d * (1 - y) * y }
}

/// The gradient of ``tanh(_:)``: `dout · (1 − y²)` for its output `y`. Same shape as `dout`.
/// - Precondition: `dout` and `y` have the same shape.
public func tanhBackward(_ dout: Tensor, output y: Tensor) -> Tensor {
    kisoPrecondition(dout.shape == y.shape, "tanhBackward: dout has shape \(dout.shape), the output was \(y.shape)")
    return Tensor.broadcasting(dout, y, operation: "tanhBackward") { d, y in d * (1 - y * y) }
}

/// `dx[i] = y[i] > 0 ? d[i] : 0`, eight at a time.
private func maskPositive(_ d: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count n: Int) {
    let zero = SIMD8<Float>(repeating: 0)
    var i = 0
    while i + 8 <= n {
        let dv = UnsafeRawPointer(d + i).loadUnaligned(as: SIMD8<Float>.self)
        let yv = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(dx + i).storeBytes(of: zero.replacing(with: dv, where: yv .> zero), as: SIMD8<Float>.self)
        i += 8
    }
    for j in i..<n { dx[j] = y[j] > 0 ? d[j] : 0 }
}

private func baseAddresses(_ a: UnsafeMutableBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, _ c: UnsafeBufferPointer<Float>)
    -> (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>)? {
    guard let a = a.baseAddress, let b = b.baseAddress, let c = c.baseAddress else { return nil }
    return (a, b, c)
}
