import Kiso

/// The output layer of the book's classifiers: softmax followed by the cross-entropy error,
///
///     y = softmax(x),   L = −(1/N) Σ_n log(y[n, t_n] + 1e-7),
///
/// whose backward pass is the famously simple `∂L/∂x = (y − t) / N`.
///
/// Scores `x` are [N, K]; targets `t` are one-hot [N, K] or label indices [N] (floats). Not a
/// ``Layer``: its forward takes the targets too and returns the scalar loss.
public final class SoftmaxWithLoss {
    /// The softmax output of the last forward pass, [N, K].
    public private(set) var y: Tensor?
    private var labels: [Int] = []

    /// An output layer with no forward pass run yet (``y`` is `nil`).
    public init() {}

    /// The mean cross-entropy of `softmax(x)` against `t`.
    /// - Precondition: `x` is [N, K]; `t` is one-hot [N, K] or N labels in `0..<K`.
    public func forward(_ x: Tensor, _ t: Tensor) -> Float {
        kisoPrecondition(x.ndim == 2, "SoftmaxWithLoss.forward: scores must be [N, K], got \(x.shape)")
        let probabilities = softmax(x)
        labels = classLabels(t, predictions: probabilities, operation: "SoftmaxWithLoss.forward")
        y = probabilities
        return crossEntropyError(probabilities, labels: labels)
    }

    /// `dout · (y − t) / N`, shape [N, K] (`dout` is ∂L_total/∂L, 1 by default).
    public func backward(_ dout: Float = 1) -> Tensor {
        guard let y else { fatalError("SoftmaxWithLoss.backward: called before forward") }
        let (n, k) = (y.shape[0], y.shape[1])
        return (y - Tensor.oneHot(labels, classes: k)) * (dout / Float(n))
    }
}
