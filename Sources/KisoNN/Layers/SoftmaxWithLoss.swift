import Kiso

/// The output layer of the book's classifiers: softmax followed by the cross-entropy error,
///
///     y = softmax(x),   L = −(1/N) Σ_n log(y[n, t_n] + 1e-7),
///
/// whose backward pass is the famously simple `∂L/∂x = (y − t) / N`.
///
/// Scores `x` are [N, K]; the targets are `ClassLabels` (N of them), or in the book's form
/// one-hot rows [N, K] or label indices [N] stored as floats. Not a ``Layer``: its forward
/// takes the targets too and returns the scalar loss.
public final class SoftmaxWithLoss {
    /// The softmax output of the last forward pass, [N, K].
    public private(set) var y: Tensor?
    private var labels: ClassLabels = []

    /// An output layer with no forward pass run yet (``y`` is `nil`).
    public init() {}

    /// The mean cross-entropy of `softmax(x)` against `labels`.
    /// - Precondition: `x` is [N, K]; N labels, each in `0..<K`.
    public func forward(_ x: Tensor, _ labels: ClassLabels) -> Float {
        kisoPrecondition(x.ndim == 2, "SoftmaxWithLoss.forward: scores must be [N, K], got \(x.shape)")
        kisoPrecondition(labels.count == x.shape[0], "SoftmaxWithLoss.forward: \(labels.count) labels for scores \(x.shape)")
        let probabilities = softmax(x)
        self.labels = labels
        y = probabilities
        return crossEntropyError(probabilities, labels)
    }

    /// ``forward(_:_:)-(Tensor,ClassLabels)`` with the book's targets `t`: one-hot [N, K] or
    /// label indices [N] as floats (a single sample's one-hot row may be [K]).
    /// - Precondition: `x` is [N, K]; `t` is one of these forms with labels in `0..<K`.
    public func forward(_ x: Tensor, _ t: Tensor) -> Float {
        kisoPrecondition(x.ndim == 2, "SoftmaxWithLoss.forward: scores must be [N, K], got \(x.shape)")
        return forward(x, ClassLabels(targets: t, samples: x.shape[0]))
    }

    /// `dout · (y − t) / N`, shape [N, K] (`dout` is ∂L_total/∂L, 1 by default; `t` the
    /// labels' one-hot rows).
    public func backward(_ dout: Float = 1) -> Tensor {
        guard let y else { fatalError("SoftmaxWithLoss.backward: called before forward") }
        let (n, k) = (y.shape[0], y.shape[1])
        return (y - labels.oneHot(classes: k)) * (dout / Float(n))
    }
}
