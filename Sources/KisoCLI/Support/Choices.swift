import ArgumentParser
import Foundation

/// The networks `kiso` can build, by their command-line names.
public enum ModelName: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// Chapter 3's 784-50-100-10 sigmoid network (the one `sample_weight.pkl` holds).
    case threeLayer = "three-layer"
    /// Chapter 4/5's TwoLayerNet, 784-50-10 with ReLU (`--hidden` sets the 50).
    case twoLayer = "two-layer"
    /// Chapter 6's MultiLayerNet (any hidden sizes, ReLU, weight decay).
    case multiLayer = "multi-layer"
    /// Chapter 6's MultiLayerNetExtend (adds batch normalization and dropout).
    case multiLayerExtend = "multi-layer-extend"
    /// Chapter 7's SimpleConvNet: conv 30×5×5 – ReLU – pool – affine 100 – ReLU – affine 10.
    case simpleConvNet = "simple-convnet"
    /// Chapter 8's DeepConvNet: six 3×3 convolutions, three pools, dropout.
    case deepConvNet = "deep-convnet"

    /// Whether the network takes images shaped `[N, 1, 28, 28]` rather than rows of 784.
    public var takesImages: Bool { self == .simpleConvNet || self == .deepConvNet }
}

/// The optimizers of chapter 6, by their command-line names.
public enum OptimizerName: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// Stochastic gradient descent, W ← W − η·∂L/∂W.
    case sgd
    /// Momentum (α 0.9): v ← αv − η·∂L/∂W, W ← W + v.
    case momentum
    /// Nesterov's accelerated gradient (α 0.9).
    case nesterov
    /// AdaGrad: per-parameter learning rates η/√(h + 1e-7), h summing squared gradients.
    case adagrad
    /// RMSprop: AdaGrad with a decaying sum (0.99).
    case rmsprop
    /// Adam (β1 0.9, β2 0.999), bias-corrected as in the book.
    case adam
}

/// The data sets `kiso` reads.
public enum DatasetChoice: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// Handwritten digits.
    case mnist
    /// Zalando's clothing pictures in MNIST's format.
    case fashionMNIST = "fashion-mnist"
}

/// Parses a comma-separated list of positive integers such as `100,100,100`.
func parseSizes(_ text: String, option: String) throws -> [Int] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    let sizes = parts.map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !parts.isEmpty, sizes.allSatisfy({ ($0 ?? 0) > 0 }) else {
        throw KisoError("\(option) expects positive sizes separated by commas, such as 100,100; got '\(text)'")
    }
    return sizes.map { $0! }
}
