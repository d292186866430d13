import Foundation
import Kiso

// The loss functions of chapter 4. Sums are accumulated in double precision so the
// float32 loss is correctly rounded from its inputs (this matters for numerical gradients).

/// Mean squared error, `E = ½ Σ_k (y_k − t_k)²`, over all elements (the book's
/// `mean_squared_error`, which sums rather than averages).
/// - Precondition: `y` and `t` have the same shape.
public func meanSquaredError(_ y: Tensor, _ t: Tensor) -> Float {
    kisoPrecondition(y.shape == t.shape, "meanSquaredError: y has shape \(y.shape) but t has shape \(t.shape)")
    return y.withUnsafeBufferPointer { py in
        t.withUnsafeBufferPointer { pt in
            var s = 0.0
            for i in 0..<py.count { let d = Double(py[i]) - Double(pt[i]); s += d * d }
            return Float(0.5 * s)
        }
    }
}

/// The `delta` added inside the logarithm of ``crossEntropyError(_:_:)-(Tensor,ClassLabels)`` so that
/// `log(0)` never happens (the book's 1e-7).
public let crossEntropyDelta: Double = 1e-7

/// Cross-entropy error averaged over the batch, `E = −(1/N) Σ_n log(y[n, t_n] + 1e-7)`, in
/// the book's form: `y` holds probabilities, shape [K] (one sample) or [N, K]; `t` is one-hot
/// (shaped like `y`) or label indices stored as floats ([N], or [1] for one sample), read
/// once by `ClassLabels(targets:samples:)`.
/// - Precondition: `y` is [K] or [N, K]; `t` is one of these forms; labels are in `0..<K`.
public func crossEntropyError(_ y: Tensor, _ t: Tensor) -> Float {
    kisoPrecondition(y.ndim == 1 || y.ndim == 2, "crossEntropyError: predictions must be [K] or [N, K], got \(y.shape)")
    return crossEntropyError(y, ClassLabels(targets: t, samples: y.ndim == 1 ? 1 : y.shape[0]))
}

/// Cross-entropy error averaged over the batch, `E = −(1/N) Σ_n log(y[n, labels[n]] + 1e-7)`,
/// for probabilities `y` ([K] or [N, K]) and integer class labels (N of them).
/// - Precondition: one label per row of `y`, each in `0..<K`.
public func crossEntropyError(_ y: Tensor, _ labels: ClassLabels) -> Float {
    let k = y.shape[y.ndim - 1]
    kisoPrecondition(labels.count * k == y.count, "crossEntropyError: \(labels.count) labels do not fit predictions \(y.shape)")
    labels.check(classes: k, operation: "crossEntropyError")
    return y.withUnsafeBufferPointer { py in
        var s = 0.0
        for (n, label) in labels.enumerated() {
            s += Foundation.log(Double(py[n * k + label]) + crossEntropyDelta)
        }
        return Float(-s / Double(labels.count))
    }
}
