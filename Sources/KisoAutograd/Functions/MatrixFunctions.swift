import Kiso

// Matrix products (steps 37, 43): the library's GEMM, transposes passed as flags so that
// no transposed copy is made, forward or backward.

/// `y = op(a) · op(b)`, where op transposes when its flag says so. For `y = a · b` the
/// backward is `∂a = gy · bᵀ`, `∂b = aᵀ · gy`; the transposed forms follow by transposing
/// those, and each is again a `MatMul`, so they can be differentiated further.
public final class MatMul: Function {
    /// Whether the first operand enters transposed.
    public let transposeA: Bool
    /// Whether the second operand enters transposed.
    public let transposeB: Bool
    /// A product with the given transposes.
    public init(transposeA: Bool = false, transposeB: Bool = false) {
        self.transposeA = transposeA
        self.transposeB = transposeB
    }
    override public func forward(_ xs: [Tensor]) -> [Tensor] {
        [Kiso.matmul(xs[0], xs[1], transposeA: transposeA, transposeB: transposeB)]
    }
    override public func backward(_ gys: [Variable]) -> [Variable?] {
        let (a, b, gy) = (inputs[0], inputs[1], gys[0])
        switch (transposeA, transposeB) {
        case (false, false): return [matmul(gy, b, transposeB: true), matmul(a, gy, transposeA: true)]
        case (true, false): return [matmul(b, gy, transposeB: true), matmul(a, gy)]
        case (false, true): return [matmul(gy, b), matmul(gy, a, transposeA: true)]
        case (true, true): return [matmul(b, gy, transposeA: true, transposeB: true),
                                   matmul(gy, a, transposeA: true, transposeB: true)]
        }
    }
}

/// The fully connected layer's function, `y = x · W + b` (DeZero's `LinearFunction`);
/// `∂x = gy · Wᵀ`, `∂W = xᵀ · gy`, `∂b = Σ_n gy`. `x` is [N, D], `W` [D, M], `b` [M].
/// ∂x is skipped when nothing needs it (``Function/needsGradient(_:)``), as for a batch of images.
public final class LinearFunction: Function {
    override public func forward(_ xs: [Tensor]) -> [Tensor] {
        let y = Kiso.matmul(xs[0], xs[1])
        return [xs.count > 2 ? y + xs[2] : y]
    }
    override public func backward(_ gys: [Variable]) -> [Variable?] {
        let (x, W, gy) = (inputs[0], inputs[1], gys[0])
        var grads: [Variable?] = [needsGradient(0) ? matmul(gy, W, transposeB: true) : nil,
                                  matmul(x, gy, transposeA: true)]
        if inputs.count > 2 { grads.append(sumTo(gy, inputs[2].shape)) }
        return grads
    }
}

/// The matrix product `op(a) · op(b)` of 2-d variables.
public func matmul(_ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false) -> Variable {
    MatMul(transposeA: transposeA, transposeB: transposeB)(a, b)
}

/// `x · W + b` (without `b` when nil): x [N, D], W [D, M], b [M] → [N, M].
public func linear(_ x: Variable, _ W: Variable, _ b: Variable? = nil) -> Variable {
    if let b { return LinearFunction()(x, W, b) }
    return LinearFunction()(x, W)
}
