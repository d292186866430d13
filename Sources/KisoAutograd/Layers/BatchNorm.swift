import Kiso

/// Batch normalization as a module (the first book's `BatchNormalization`): in training
/// the batch statistics normalise `x` [N, D] and update the running averages
/// `running ← momentum·running + (1 − momentum)·batch`; in evaluation the running ones do.
/// γ starts at 1, β at 0; the running statistics at 0, as in the book.
public final class BatchNorm: Module {
    /// Scale γ and shift β, [D].
    public let gamma: Variable, beta: Variable
    /// The running mean and variance, [D] (saved, not learned).
    public let runningMean: Variable, runningVar: Variable
    /// The weight of the old running value (0.9).
    public let momentum: Float

    /// A layer over `featureCount` features.
    public init(featureCount: Int, momentum: Float = 0.9) {
        gamma = Variable(Tensor.ones([featureCount]), name: "gamma")
        beta = Variable(Tensor.zeros([featureCount]), name: "beta")
        runningMean = Variable(Tensor.zeros([featureCount]), name: "running_mean")
        runningVar = Variable(Tensor.zeros([featureCount]), name: "running_var")
        self.momentum = momentum
    }

    override public var ownParameters: [(name: String, variable: Variable)] { [("gamma", gamma), ("beta", beta)] }
    override public var buffers: [(name: String, variable: Variable)] {
        [("running_mean", runningMean), ("running_var", runningVar)]
    }

    override public func forward(_ x: Variable) -> Variable {
        let flat = x.ndim == 2 ? x : reshape(x, [x.shape[0], x.count / Swift.max(x.shape[0], 1)])
        guard isTraining else {
            return reshape(batchNorm(flat, gamma: gamma, beta: beta, mean: runningMean.data, variance: runningVar.data), x.shape)
        }
        let (y, mean, variance) = batchNorm(flat, gamma: gamma, beta: beta)
        let m = momentum
        runningMean.data = runningMean.data * m + mean * (1 - m)
        runningVar.data = runningVar.data * m + variance * (1 - m)
        return reshape(y, x.shape)
    }
}
