import Kiso
import KisoNN

/// Numerical checks shared by the layer and network tests.
enum GradientCheck {
    /// L = Σ out ⊙ weights accumulated in Double; its gradient with respect to `out` is
    /// `weights`, so a layer's `backward(weights)` is ∂L/∂x.
    static func weightedSum(_ out: Tensor, _ weights: Tensor) -> Double {
        precondition(out.shape == weights.shape, "weightedSum: \(out.shape) vs \(weights.shape)")
        return zip(out.scalars, weights.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Central differences of `loss` (returning Double) with respect to each element of
    /// `x` (the library's `numericalGradient`, with the checks' h = 1e-2); `x` is restored.
    static func numerical(_ x: inout Tensor, h: Float = 1e-2, _ loss: (Tensor) -> Double) -> Tensor {
        numericalGradient(loss, &x, h: h)
    }

    /// Mean |a − b| over the elements (the book's gradient-check figure).
    static func meanAbsDifference(_ a: Tensor, _ b: Tensor) -> Double {
        precondition(a.shape == b.shape, "meanAbsDifference: \(a.shape) vs \(b.shape)")
        let s = zip(a.scalars, b.scalars).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) }
        return s / Double(max(a.count, 1))
    }

    /// max |a − b| / max(max |b|, 1e-3): the error relative to the gradient's scale.
    static func relativeError(_ a: Tensor, _ b: Tensor) -> Double {
        let scale = max(b.scalars.map { abs(Double($0)) }.max() ?? 0, 1e-3)
        return zip(a.scalars, b.scalars).map { abs(Double($0) - Double($1)) }.max().map { $0 / scale } ?? 0
    }
}

/// `a` and `b` agree element-wise within `tolerance`.
func close(_ a: [Float], _ b: [Double], _ tolerance: Double) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs(Double($0) - $1) <= tolerance }
}
