import Kiso

/// Batch normalization (chapter 6). Each feature is normalised over the mini-batch, then
/// scaled and shifted by the learnable `gamma` and `beta`:
///
///     μ = mean_n x,  σ² = mean_n (x − μ)²,  x̂ = (x − μ) / √(σ² + ε),  out = γ·x̂ + β
///
/// with ε = 1e-6 (the book's `10e-7`). In training the batch statistics are used and the
/// running averages updated, `running ← momentum·running + (1 − momentum)·batch`; at test
/// time the running mean and variance replace the batch's. Input [N, D], or N-d
/// [N, d1, …] flattened to [N, d1·…] as in the book (so a conv output is normalised per
/// element, not per channel); the output has the input's shape. Backward (the book's graph):
///
///     ∂β = Σ dout,  ∂γ = Σ x̂·dout,  ∂x̂ = γ·dout,
///     ∂x = (1/σ)·(∂x̂ − mean_n ∂x̂ − x̂ · mean_n(∂x̂·x̂))
public final class BatchNormalization: Layer {
    /// Scale, shape [D] (ones initially in the book's networks).
    public let gamma: Parameter
    /// Shift, shape [D] (zeros initially).
    public let beta: Parameter
    /// The running mean used at test time, shape [D] (the book's `running_mean`).
    public let runningMean: Parameter
    /// The running variance used at test time, shape [D] (the book's `running_var`).
    public let runningVar: Parameter
    /// The weight of the old running value in each update (0.9).
    public let momentum: Float
    /// ε under the square root (1e-6, the book's `10e-7`).
    public static let epsilon: Float = 1e-6

    private var normalized: Tensor?         // x̂, [N, D]
    private var std = Tensor.zeros([0])     // √(σ² + ε), [D]
    private var inputShape: [Int] = []

    /// A layer with `gamma` and `beta` of shape [D]; running statistics start at zero (as
    /// in the book) unless given.
    /// - Precondition: `gamma` and `beta` are 1-d of the same shape; running statistics, if given, too.
    public init(gamma: Tensor, beta: Tensor, momentum: Float = 0.9, runningMean: Tensor? = nil, runningVar: Tensor? = nil) {
        kisoPrecondition(gamma.ndim == 1 && gamma.shape == beta.shape,
                         "BatchNormalization: gamma \(gamma.shape) and beta \(beta.shape) must be equal 1-d shapes")
        let mean = runningMean ?? Tensor.zeros(gamma.shape), variance = runningVar ?? Tensor.zeros(gamma.shape)
        kisoPrecondition(mean.shape == gamma.shape && variance.shape == gamma.shape,
                         "BatchNormalization: running mean \(mean.shape) / var \(variance.shape) must match gamma \(gamma.shape)")
        self.gamma = Parameter(gamma)
        self.beta = Parameter(beta)
        self.runningMean = Parameter(mean)
        self.runningVar = Parameter(variance)
        self.momentum = momentum
    }

    /// A layer over `featureCount` features with γ = 1, β = 0.
    public convenience init(featureCount: Int, momentum: Float = 0.9) {
        self.init(gamma: Tensor.ones([featureCount]), beta: Tensor.zeros([featureCount]), momentum: momentum)
    }

    public var parameters: [(name: String, parameter: Parameter)] { [("gamma", gamma), ("beta", beta)] }
    public var buffers: [(name: String, parameter: Parameter)] { [("running_mean", runningMean), ("running_var", runningVar)] }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let d = gamma.value.count
        kisoPrecondition(x.ndim >= 2 && x.count == x.shape[0] * d,
                         "BatchNormalization.forward: input \(x.shape) does not have \(d) features per sample (gamma \(gamma.value.shape))")
        inputShape = x.shape
        let x = x.reshaped([x.shape[0], d])
        if training {
            kisoPrecondition(x.shape[0] > 0, "BatchNormalization.forward: empty batch")
            let mu = x.mean(axis: 0)
            let xc = x - mu
            let variance = (xc * xc).mean(axis: 0)
            std = sqrt(variance + Self.epsilon)
            normalized = xc / std
            runningMean.value = momentum * runningMean.value + (1 - momentum) * mu
            runningVar.value = momentum * runningVar.value + (1 - momentum) * variance
        } else {
            std = sqrt(runningVar.value + Self.epsilon)
            normalized = (x - runningMean.value) / std
        }
        return (gamma.value * normalized! + beta.value).reshaped(inputShape)
    }

    /// Fills γ's and β's gradients; returns ∂L/∂x in the input's shape. Uses the statistics of
    /// the last forward pass (the batch's after a training pass).
    public func backward(_ dout: Tensor) -> Tensor {
        guard let xn = normalized else { fatalError("BatchNormalization.backward: called before forward") }
        kisoPrecondition(dout.count == xn.count && dout.shape.first == xn.shape[0],
                         "BatchNormalization.backward: dout has shape \(dout.shape), the output was \(inputShape)")
        let dout = dout.reshaped(xn.shape)
        beta.gradient = dout.sum(axis: 0)
        gamma.gradient = (xn * dout).sum(axis: 0)
        let dxn = gamma.value * dout
        return ((dxn - dxn.mean(axis: 0) - xn * (dxn * xn).mean(axis: 0)) / std).reshaped(inputShape)
    }
}
