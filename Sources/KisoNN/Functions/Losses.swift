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

/// The `delta` added inside the logarithm of ``crossEntropyError(_:_:)`` so that
/// `log(0)` never happens (the book's 1e-7).
public let crossEntropyDelta: Double = 1e-7

/// Cross-entropy error averaged over the batch, `E = −(1/N) Σ_n log(y[n, t_n] + 1e-7)`.
///
/// `y` holds probabilities: shape [K] (one sample) or [N, K]. `t` is either one-hot
/// (same shape as `y`; the class is its argmax, as in the book) or label indices (shape
/// [N], or [] / [1] for one sample) stored as floats.
/// - Precondition: the shapes fit one of these forms; labels are in `0..<K`.
public func crossEntropyError(_ y: Tensor, _ t: Tensor) -> Float {
    crossEntropyError(y, labels: classLabels(t, predictions: y, operation: "crossEntropyError"))
}

/// Cross-entropy error averaged over the batch, `E = −(1/N) Σ_n log(y[n, labels[n]] + 1e-7)`,
/// for probabilities `y` ([K] or [N, K]) and integer class labels (N of them).
/// - Precondition: one label per row of `y`, each in `0..<K`.
public func crossEntropyError(_ y: Tensor, labels: [Int]) -> Float {
    let k = y.shape[y.ndim - 1]
    kisoPrecondition(labels.count * k == y.count && labels.allSatisfy { (0..<k).contains($0) },
                     "crossEntropyError: \(labels.count) labels in 0..<\(k) do not fit predictions \(y.shape)")
    return y.withUnsafeBufferPointer { py in
        var s = 0.0
        for (n, label) in labels.enumerated() {
            s += Foundation.log(Double(py[n * k + label]) + crossEntropyDelta)
        }
        return Float(-s / Double(labels.count))
    }
}

/// The class index of each row of target `t` for predictions `y` ([K] or [N, K]): the
/// argmax of one-hot rows, or the label values themselves.
/// - Precondition: `t` is one-hot shaped like `y`, or holds N integer labels in `0..<K`.
public func classLabels(_ t: Tensor, predictions y: Tensor, operation: String) -> [Int] {
    kisoPrecondition(y.ndim == 1 || y.ndim == 2, "\(operation): predictions must be [K] or [N, K], got \(y.shape)")
    let k = y.shape[y.ndim - 1]
    let n = y.ndim == 1 ? 1 : y.shape[0]
    if t.count == y.count && t.count != n {
        return t.reshaped([n, k]).argmax(axis: 1)
    }
    kisoPrecondition(t.count == n, "\(operation): targets of shape \(t.shape) fit neither one-hot \(y.shape) nor \(n) labels")
    return t.withUnsafeBufferPointer { p in
        p.map { v in
            let label = Int(v)
            kisoPrecondition(Float(label) == v && label >= 0 && label < k,
                             "\(operation): label \(v) is not a class index in 0..<\(k)")
            return label
        }
    }
}
