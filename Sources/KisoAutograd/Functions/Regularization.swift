import Kiso

// Dropout and batch normalization (chapter 6 of the first book), built from the
// differentiable operations above so that their gradients come for free.

/// `x · mask`: dropout with a given mask of 0s and 1s (the first book's non-inverted form;
/// at test time multiply by `1 − ratio` instead). `∂x = gy · mask`.
/// - Precondition: `mask` has `x`'s shape.
public func dropout(_ x: Variable, mask: Tensor) -> Variable {
    kisoPrecondition(mask.shape == x.shape, "dropout: mask \(mask.shape) does not match input \(x.shape)")
    return x * Variable(mask)
}

/// Dropout as the first book's `Dropout` layer does it: in training each element is kept
/// where a uniform draw from `generator` exceeds `ratio` (drawn in row-major order, as the
/// layer draws them), and zeroed elsewhere; at test time `x · (1 − ratio)`.
public func dropout(_ x: Variable, ratio: Float, training: Bool, generator: inout RandomGenerator) -> Variable {
    guard training else { return x * (1 - ratio) }
    let r = Double(ratio)
    let mask = Tensor(shape: x.shape, unsafeUninitialized: { out in
        for i in 0..<out.count { out[i] = generator.nextUniform() > r ? 1 : 0 }
    })
    return dropout(x, mask: mask)
}

/// Batch normalization over the first axis of `x` [N, D] with the batch's own statistics:
///
///     μ = mean_n x,  σ² = mean_n (x − μ)²,  y = γ · (x − μ) / √(σ² + ε) + β
///
/// γ and β are [D]. Returns `y` and the batch mean and variance (as tensors, for the
/// running averages). The gradient is that of this expression, which is the first book's
/// closed form.
public func batchNorm(_ x: Variable, gamma: Variable, beta: Variable, epsilon: Float = 1e-6)
    -> (y: Variable, mean: Tensor, variance: Tensor) {
    kisoPrecondition(x.ndim == 2 && gamma.shape == [x.shape[1]] && beta.shape == gamma.shape,
                     "batchNorm: input \(x.shape) needs gamma and beta of shape [\(x.ndim == 2 ? x.shape[1] : 0)], got \(gamma.shape), \(beta.shape)")
    let mu = mean(x, axes: [0], keepDims: true)
    let centered = x - mu
    let variance = mean(centered * centered, axes: [0], keepDims: true)
    let normalized = centered / (variance + epsilon) ** 0.5
    return (gamma * normalized + beta, mu.data.reshaped([x.shape[1]]), variance.data.reshaped([x.shape[1]]))
}

/// Batch normalization at test time: `γ · (x − mean) / √(variance + ε) + β` with fixed
/// statistics (tensors [D]).
public func batchNorm(_ x: Variable, gamma: Variable, beta: Variable, mean: Tensor, variance: Tensor,
                      epsilon: Float = 1e-6) -> Variable {
    let scale = Variable(1 / sqrt(variance + epsilon))
    return gamma * ((x - Variable(mean)) * scale) + beta
}
