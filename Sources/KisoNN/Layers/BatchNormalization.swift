import Foundation
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

    private var normalized: Tensor?      // x̂, [N, D]
    private var inverseStd: [Float] = [] // 1/√(σ² + ε), [D]
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
        let n = x.shape[0]
        inputShape = x.shape
        var mean = [Float](repeating: 0, count: d), invStd = [Float](repeating: 0, count: d)
        if training {
            kisoPrecondition(n > 0, "BatchNormalization.forward: empty batch")
            var sum = [Double](repeating: 0, count: d), sq = [Double](repeating: 0, count: d)
            x.withUnsafeBufferPointer { p in
                for r in 0..<n { for j in 0..<d { sum[j] += Double(p[r * d + j]) } }
                for j in 0..<d { mean[j] = Float(sum[j] / Double(n)) }
                for r in 0..<n { for j in 0..<d { let c = Double(p[r * d + j] - mean[j]); sq[j] += c * c } }
            }
            let variance = sq.map { Float($0 / Double(n)) }
            for j in 0..<d { invStd[j] = 1 / (variance[j] + Self.epsilon).squareRoot() }
            let m = momentum
            runningMean.value.withUnsafeMutableBufferPointer { rm in for j in 0..<d { rm[j] = m * rm[j] + (1 - m) * mean[j] } }
            runningVar.value.withUnsafeMutableBufferPointer { rv in for j in 0..<d { rv[j] = m * rv[j] + (1 - m) * variance[j] } }
        } else {
            mean = runningMean.value.scalars
            invStd = runningVar.value.scalars.map { 1 / ($0 + Self.epsilon).squareRoot() }
        }
        let xn = Tensor(shape: [n, d], unsafeUninitialized: { out in
            x.withUnsafeBufferPointer { p in
                for r in 0..<n { for j in 0..<d { out[r * d + j] = (p[r * d + j] - mean[j]) * invStd[j] } }
            }
        })
        normalized = xn
        inverseStd = invStd
        let g = gamma.value.scalars, b = beta.value.scalars
        return Tensor(shape: x.shape, unsafeUninitialized: { out in
            xn.withUnsafeBufferPointer { p in
                for r in 0..<n { for j in 0..<d { out[r * d + j] = g[j] * p[r * d + j] + b[j] } }
            }
        })
    }

    /// Fills γ's and β's gradients; returns ∂L/∂x in the input's shape. Uses the batch
    /// statistics of the last forward pass (call it in training mode first).
    public func backward(_ dout: Tensor) -> Tensor {
        guard let xn = normalized else { fatalError("BatchNormalization.backward: called before forward") }
        let (n, d) = (xn.shape[0], xn.shape[1])
        kisoPrecondition(dout.count == n * d && dout.shape[0] == n,
                         "BatchNormalization.backward: dout has shape \(dout.shape), the output was \(inputShape)")
        var dgamma = [Double](repeating: 0, count: d), dbeta = [Double](repeating: 0, count: d)
        xn.withUnsafeBufferPointer { px in
            dout.withUnsafeBufferPointer { pd in
                for r in 0..<n {
                    for j in 0..<d {
                        dbeta[j] += Double(pd[r * d + j])
                        dgamma[j] += Double(pd[r * d + j] * px[r * d + j])
                    }
                }
            }
        }
        gamma.gradient = Tensor(shape: [d], scalars: dgamma.map(Float.init))
        beta.gradient = Tensor(shape: [d], scalars: dbeta.map(Float.init))
        // With ∂x̂ = γ·dout: mean_n ∂x̂ = γ·Σdout/N and mean_n(∂x̂·x̂) = γ·∂γ/N.
        let g = gamma.value.scalars, invStd = inverseStd
        let meanDxn = (0..<d).map { Float(Double(g[$0]) * dbeta[$0] / Double(n)) }
        let meanDxnXn = (0..<d).map { Float(Double(g[$0]) * dgamma[$0] / Double(n)) }
        return Tensor(shape: inputShape, unsafeUninitialized: { out in
            xn.withUnsafeBufferPointer { px in
                dout.withUnsafeBufferPointer { pd in
                    for r in 0..<n {
                        for j in 0..<d {
                            let i = r * d + j
                            out[i] = invStd[j] * (g[j] * pd[i] - meanDxn[j] - px[i] * meanDxnXn[j])
                        }
                    }
                }
            }
        })
    }
}
