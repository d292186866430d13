import Kiso
import KisoNN

/// Numerical gradients for the convolution-family tests.
enum ConvGradientCheck {
    /// L = Σ out ⊙ weights, summed in Double. With these fixed weights ∂L/∂out = weights, so a
    /// layer's backward(weights) is ∂L/∂x.
    static func weightedSum(_ out: Tensor, _ weights: Tensor) -> Double {
        precondition(out.shape == weights.shape, "weightedSum: \(out.shape) vs \(weights.shape)")
        return zip(out.scalars, weights.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Central differences of `loss` for every element v of `parameter.value` (the library's
    /// `numericalGradient`, which divides by the difference float32 actually applied, so a
    /// loss that is linear in v gives its exact slope up to the loss's own rounding).
    static func numerical(_ parameter: Parameter, h: Float, loss: () -> Double) -> [Double] {
        var value = parameter.value
        let grad = numericalGradient({ v in
            parameter.value = v
            return loss()
        }, &value, h: h)
        parameter.value = value
        return grad.scalars.map(Double.init)
    }

    /// max_i |analytic_i − numeric_i| / max(max_i |numeric_i|, floor): the error relative to
    /// the gradient's scale (`floor` keeps an all-zero gradient from dividing by zero).
    static func relativeError(_ analytic: Tensor, _ numeric: [Double], floor: Double = 1e-3) -> Double {
        precondition(analytic.count == numeric.count, "relativeError: \(analytic.count) vs \(numeric.count) values")
        let scale = max(numeric.map(abs).max() ?? 0, floor)
        return zip(analytic.scalars, numeric).map { abs(Double($0) - $1) }.max().map { $0 / scale } ?? 0
    }

    /// Distinct values (a shuffled grid with step 0.1, offset 0.05 from every multiple of 0.1,
    /// so none is within 0.05 of another or of a padding zero): max pooling has no near-ties.
    static func distinctValues(_ shape: [Int], using rng: inout RandomGenerator) -> Tensor {
        let n = shape.reduce(1, *)
        let order = rng.permutation(n)
        return Tensor(shape: shape, scalars: order.map { Float($0 - n / 2) * 0.1 + 0.05 })
    }
}
