import Foundation
import Kiso

// The losses of the sequel: mean squared error (step 42) and softmax cross-entropy (step 47).

/// `L = Σ (x0 − x1)² / N`, N the length of the first axis (DeZero's
/// `mean_squared_error`; the first book's `½ Σ` differs by the factor); `∂x0 = gy · 2(x0 − x1)/N`,
/// `∂x1 = −∂x0`.
public final class MeanSquaredError: Function {
    override public func forward(_ xs: [Tensor]) -> [Tensor] {
        let diff = xs[0] - xs[1]
        let n = Swift.max(diff.ndim == 0 ? 1 : diff.shape[0], 1)
        return [Tensor((diff * diff).sum() / Float(n))]
    }
    override public func backward(_ gys: [Variable]) -> [Variable?] {
        let (x0, x1) = (inputs[0], inputs[1])
        let n = Swift.max(x0.ndim == 0 ? 1 : x0.shape[0], 1)
        let gx0 = gys[0] * (x0 - x1) * (2 / Float(n))
        return [gx0, -gx0]
    }
}

/// Softmax followed by the cross-entropy with integer labels, averaged over the batch:
/// `L = −(1/N) Σ_n log softmax(x)[n, t_n]`, computed as `x − logsumexp(x)` so it never
/// takes the log of 0; `∂x = gy · (softmax(x) − onehot(t)) / N`. `x` is [N, K].
public final class SoftmaxCrossEntropy: Function {
    /// The class of each row, in `0..<K`.
    public let labels: ClassLabels
    /// The loss against `labels`.
    public init(labels: ClassLabels) { self.labels = labels }
    override public func forward(_ xs: [Tensor]) -> [Tensor] {
        let x = xs[0]
        kisoPrecondition(x.ndim == 2 && x.shape[0] == labels.count,
                         "softmaxCrossEntropy: scores \(x.shape) for \(labels.count) labels; scores must be [N, K]")
        let k = x.shape[1]
        labels.check(classes: k, operation: "softmaxCrossEntropy")
        let total = x.withUnsafeBufferPointer { p in
            labels.indices.reduce(0.0) { sum, n in
                let row = p[(n * k)..<(n * k + k)]
                let top = Double(row.max() ?? 0)
                let logSum = top + Foundation.log(row.reduce(0.0) { $0 + Foundation.exp(Double($1) - top) })
                return sum + logSum - Double(p[n * k + labels[n]])
            }
        }
        return [Tensor(Float(total / Double(Swift.max(labels.count, 1))))]
    }
    override public func backward(_ gys: [Variable]) -> [Variable?] {
        let x = inputs[0]
        let (n, k) = (x.shape[0], x.shape[1])
        return [(softmax(x) - Variable(labels.oneHot(classes: k))) * (gys[0] / Float(n))]
    }
}

/// The mean squared error `Σ (x0 − x1)² / N` (DeZero's definition).
public func meanSquaredError(_ x0: Variable, _ x1: Variable) -> Variable { MeanSquaredError()(x0, x1) }

/// The softmax cross-entropy of scores `x` [N, K] against integer `labels` (N of them).
public func softmaxCrossEntropy(_ x: Variable, _ labels: ClassLabels) -> Variable { SoftmaxCrossEntropy(labels: labels)(x) }

/// The fraction of rows of `y` [N, K] whose largest score is at `labels[n]` (not differentiable).
public func accuracy(_ y: Variable, _ labels: ClassLabels) -> Float {
    let predicted = y.data.argmax(axis: 1)
    let correct = zip(predicted, labels).filter { $0 == $1 }.count
    return Float(correct) / Float(Swift.max(labels.count, 1))
}
