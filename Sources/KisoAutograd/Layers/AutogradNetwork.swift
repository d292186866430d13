import Kiso
import KisoNN

/// One of the first book's fully connected networks (`TwoLayerNet`, `MultiLayerNet`,
/// `MultiLayerNetExtend`, the three-layer network) whose forward and backward passes run
/// through autograd instead of its hand-written layers: `kiso train --autograd`.
///
/// It shares the wrapped network's `Parameter` objects, buffers and dropout generators, so
/// the Trainer, the optimizers and the checkpoints see the same `W1`, `b1`, `gamma1`, … as
/// without autograd. Each hidden layer is `linear → [batchNorm] → activation → [dropout]`, and
/// the loss is `softmaxCrossEntropy(scores) + ½λ Σ‖Wi‖²`, the book's.
public final class AutogradNetwork: Network {
    /// The hand-written network whose parameters are trained.
    public let base: any Network
    private let activation: Activation
    private let layerCount: Int
    private let configuration_: NetworkConfiguration

    /// Wraps `network`.
    /// - Throws: ``AutogradNetworkError`` for a network this adapter does not rebuild (the
    ///   convolutional ones) or whose parameters are not the book's names.
    public init(wrapping network: any Network) throws {
        guard let configuration = network.configuration, configuration.convolution == nil else {
            throw AutogradNetworkError(description: "--autograd trains the fully connected networks (two-layer, three-layer, multi-layer, multi-layer-extend), not this one")
        }
        guard let activation = Activation(rawValue: configuration.activation.rawValue) else {
            throw AutogradNetworkError(description: "--autograd has no \(configuration.activation.rawValue) activation")
        }
        base = network
        self.activation = activation
        layerCount = configuration.hiddenSizes.count + 1
        configuration_ = configuration
        let names = Set(network.parameters.map(\.name))
        let expected = (1...layerCount).flatMap { i in
            ["W\(i)", "b\(i)"] + (configuration.useBatchnorm && i < layerCount ? ["gamma\(i)", "beta\(i)"] : [])
        }
        guard names == Set(expected) else {
            throw AutogradNetworkError(description: "--autograd expects parameters \(expected), the network has \(network.parameters.map(\.name))")
        }
    }

    public var parameters: [(name: String, parameter: Parameter)] { base.parameters }
    public var buffers: [(name: String, parameter: Parameter)] { base.buffers }
    public var randomGenerators: [RandomGenerator] {
        get { base.randomGenerators }
        set { base.randomGenerators = newValue }
    }
    public var configuration: NetworkConfiguration? { configuration_ }

    /// The scores for batch `x` as a graph over `variables` (by the book's names). In
    /// training, batch normalization updates the running statistics and dropout draws masks
    /// from the wrapped network's generators, one per hidden layer, as its layers do.
    private func scores(_ x: Tensor, _ variables: [String: Variable], training: Bool) -> Variable {
        let config = configuration_
        let running = Dictionary(uniqueKeysWithValues: base.buffers.map { ($0.name, $0.parameter) })
        var generators = config.useDropout ? base.randomGenerators : []
        defer { if config.useDropout && training { base.randomGenerators = generators } }
        var y = Variable(x.ndim == 2 ? x : x.reshaped([x.shape[0], -1]))
        y.requiresGrad = false   // the images: the first layer's ∂x is not computed
        for i in 1...layerCount {
            y = linear(y, variables["W\(i)"]!, variables["b\(i)"]!)
            guard i < layerCount else { break }
            if config.useBatchnorm, let mean = running["running_mean\(i)"], let variance = running["running_var\(i)"] {
                let (gamma, beta) = (variables["gamma\(i)"]!, variables["beta\(i)"]!)
                if training {
                    let step = batchNorm(y, gamma: gamma, beta: beta)
                    let m: Float = 0.9   // the book's momentum
                    mean.value = mean.value * m + step.mean * (1 - m)
                    variance.value = variance.value * m + step.variance * (1 - m)
                    y = step.y
                } else {
                    y = batchNorm(y, gamma: gamma, beta: beta, mean: mean.value, variance: variance.value)
                }
            }
            y = activation(y)
            if config.useDropout {
                y = dropout(y, ratio: config.dropoutRatio, training: training, generator: &generators[i - 1])
            }
        }
        return y
    }

    /// The loss of batch `x` against its `labels` as a graph over `variables`.
    private func lossGraph(_ x: Tensor, _ labels: ClassLabels, _ variables: [String: Variable], training: Bool) -> Variable {
        var loss = softmaxCrossEntropy(scores(x, variables, training: training), labels)
        let lambda = configuration_.weightDecayLambda
        if lambda != 0 {
            for i in 1...layerCount { loss = loss + 0.5 * lambda * sum(variables["W\(i)"]! ** 2) }
        }
        return loss
    }

    /// A variable for each parameter's current value, by name.
    private func variables() -> [String: Variable] {
        Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, Variable($0.parameter.value)) })
    }

    /// Scores for `x`, through autograd's functions without recording a graph.
    public func predict(_ x: Tensor, training: Bool) -> Tensor {
        withNoGrad { scores(x, variables(), training: training).data }
    }

    public func loss(_ x: Tensor, _ labels: ClassLabels, training: Bool) -> Float {
        withNoGrad { lossGraph(x, labels, variables(), training: training).data.scalar }
    }

    /// Backward through autograd; each parameter's `gradient` is set to its variable's grad.
    @discardableResult
    public func gradient(_ x: Tensor, _ labels: ClassLabels) -> Float {
        let held = variables()
        let loss = lossGraph(x, labels, held, training: true)
        loss.backward()
        for (name, parameter) in parameters {
            parameter.gradient = held[name]?.grad?.data ?? Tensor.zeros(like: parameter.value)
        }
        return loss.data.scalar
    }
}

/// A network that ``AutogradNetwork`` cannot train.
public struct AutogradNetworkError: Error, CustomStringConvertible {
    /// Why, in one line.
    public let description: String
}
