import Kiso
import KisoNN

/// One of the first book's fully connected networks (`TwoLayerNet`, `MultiLayerNet`, the
/// three-layer network) whose forward and backward passes run through autograd instead of
/// its hand-written layers: `kiso train --autograd`.
///
/// It shares the wrapped network's `Parameter` objects, so the Trainer, the optimizers and
/// the checkpoints see the same `W1`, `b1`, … as without autograd. The loss is
/// `softmaxCrossEntropy(x·W1 + b1 → activation → … → x·WL + bL) + ½λ Σ‖Wi‖²`, the book's.
public final class AutogradNetwork: Network {
    /// The hand-written network whose parameters are trained.
    public let base: any Network
    private let activation: Activation
    private let layerCount: Int
    private let weightDecayLambda: Float

    /// Wraps `network`.
    /// - Throws: ``AutogradNetworkError`` for a network autograd does not rebuild here:
    ///   convolutional ones, batch normalization or dropout (those have their own functions,
    ///   but not this adapter).
    public init(wrapping network: any Network) throws {
        guard let configuration = network.configuration, configuration.convolution == nil else {
            throw AutogradNetworkError(description: "--autograd trains the fully connected networks (two-layer, three-layer, multi-layer), not this one")
        }
        guard !configuration.useBatchnorm, !configuration.useDropout else {
            throw AutogradNetworkError(description: "--autograd does not yet train networks with batch normalization or dropout")
        }
        guard let activation = Activation(rawValue: configuration.activation.rawValue) else {
            throw AutogradNetworkError(description: "--autograd has no \(configuration.activation.rawValue) activation")
        }
        base = network
        self.activation = activation
        layerCount = configuration.hiddenSizes.count + 1
        weightDecayLambda = configuration.weightDecayLambda
        let expected = (1...layerCount).flatMap { ["W\($0)", "b\($0)"] }
        guard network.parameters.map(\.name) == expected else {
            throw AutogradNetworkError(description: "--autograd expects parameters \(expected), the network has \(network.parameters.map(\.name))")
        }
    }

    public var parameters: [(name: String, parameter: Parameter)] { base.parameters }
    public var configuration: NetworkConfiguration? { base.configuration }

    /// The scores for batch `x` as a graph over `variables` (W1, b1, W2, …).
    private func scores(_ x: Tensor, _ variables: [Variable]) -> Variable {
        var y = Variable(x.ndim == 2 ? x : x.reshaped([x.shape[0], -1]))
        y.requiresGrad = false   // the images: the first layer's ∂x is not computed
        for i in 0..<layerCount {
            y = linear(y, variables[2 * i], variables[2 * i + 1])
            if i < layerCount - 1 { y = activation(y) }
        }
        return y
    }

    /// The loss of batch `x` against `t` as a graph over `variables`.
    private func lossGraph(_ x: Tensor, _ t: Tensor, _ variables: [Variable]) -> Variable {
        let y = scores(x, variables)
        var loss = softmaxCrossEntropy(y, classLabels(t, predictions: y.data, operation: "AutogradNetwork"))
        if weightDecayLambda != 0 {
            for i in 0..<layerCount { loss = loss + 0.5 * weightDecayLambda * sum(variables[2 * i] ** 2) }
        }
        return loss
    }

    /// Scores for `x`, through autograd's functions without recording a graph.
    public func predict(_ x: Tensor, training: Bool) -> Tensor {
        withNoGrad { scores(x, parameters.map { Variable($0.parameter.value) }).data }
    }

    public func loss(_ x: Tensor, _ t: Tensor, training: Bool) -> Float {
        withNoGrad { lossGraph(x, t, parameters.map { Variable($0.parameter.value) }).data.scalar }
    }

    /// Backward through autograd; each parameter's `gradient` is set to its variable's grad.
    @discardableResult
    public func gradient(_ x: Tensor, _ t: Tensor) -> Float {
        let held = parameters
        let variables = held.map { Variable($0.parameter.value) }
        let loss = lossGraph(x, t, variables)
        loss.backward()
        for (entry, variable) in zip(held, variables) {
            entry.parameter.gradient = variable.grad?.data ?? Tensor.zeros(like: entry.parameter.value)
        }
        return loss.data.scalar
    }
}

/// A network that ``AutogradNetwork`` cannot train.
public struct AutogradNetworkError: Error, CustomStringConvertible {
    /// Why, in one line.
    public let description: String
}
