import Kiso

/// A Codable description of a network, enough to rebuild it (with fresh weights) before
/// loading a checkpoint's state dictionary into it. Convolutional networks keep their layer
/// sizes in ``convolution``.
public struct NetworkConfiguration: Codable, Sendable, Equatable {
    /// Which of the book's networks to build.
    public var kind: ModelKind
    /// Input features per sample (784 for flattened MNIST).
    public var inputSize: Int
    /// The hidden layers' sizes, first to last (one for ``TwoLayerNet``, none for ``SimpleNet``).
    public var hiddenSizes: [Int]
    /// Output classes.
    public var outputSize: Int
    /// The hidden layers' activation.
    public var activation: ActivationKind
    /// How the initial weights are drawn.
    public var weightInit: WeightInit
    /// λ of the L2 weight decay `½·λ·Σ‖W‖²` (0: none).
    public var weightDecayLambda: Float
    /// Batch normalization after each hidden affine layer (``MultiLayerNetExtend`` only).
    public var useBatchnorm: Bool
    /// Dropout after each hidden activation (``MultiLayerNetExtend`` only).
    public var useDropout: Bool
    /// The fraction of units dropout zeroes in training.
    public var dropoutRatio: Float

    /// A description with the book's defaults for everything not given (ReLU, He initialisation, no
    /// weight decay, no batch normalization, no dropout).
    public init(kind: ModelKind, inputSize: Int, hiddenSizes: [Int], outputSize: Int, activation: ActivationKind = .relu,
                weightInit: WeightInit = .he, weightDecayLambda: Float = 0, useBatchnorm: Bool = false,
                useDropout: Bool = false, dropoutRatio: Float = 0.5) {
        self.kind = kind
        self.inputSize = inputSize
        self.hiddenSizes = hiddenSizes
        self.outputSize = outputSize
        self.activation = activation
        self.weightInit = weightInit
        self.weightDecayLambda = weightDecayLambda
        self.useBatchnorm = useBatchnorm
        self.useDropout = useDropout
        self.dropoutRatio = dropoutRatio
    }

    /// SimpleConvNet's and DeepConvNet's description (image shape, convolutions, …); `nil`
    /// for the fully connected kinds.
    public var convolution: ConvNetConfiguration?

    /// The description of a SimpleConvNet or DeepConvNet: the fully connected fields mirror
    /// `convolution` (input size C·H·W, one hidden layer) for readers that only look at those.
    public init(convolution: ConvNetConfiguration) {
        self.init(kind: convolution.kind,
                  inputSize: convolution.inputShape.reduce(1, *), hiddenSizes: [convolution.hiddenSize],
                  outputSize: convolution.outputSize, activation: .relu, weightInit: convolution.weightInit,
                  useDropout: convolution.dropoutRatio > 0, dropoutRatio: convolution.dropoutRatio)
        self.convolution = convolution
    }

    /// A new network of this description, initialised from `seed`.
    /// - Throws: ``NetworkStateError`` when the sizes do not fit the kind (e.g. a
    ///   TwoLayerNet needs exactly one hidden size, a TwoLayerNet's init a number).
    public func makeNetwork(seed: UInt64 = 0) throws -> any Network {
        let sizes = [inputSize] + hiddenSizes + [outputSize]
        guard sizes.allSatisfy({ $0 > 0 }) else {
            throw NetworkStateError(description: "layer sizes \(sizes) must all be positive")
        }
        guard dropoutRatio >= 0 && dropoutRatio < 1 else {
            throw NetworkStateError(description: "dropout ratio \(dropoutRatio) must be in [0, 1)")
        }
        switch kind {
        case .threeLayer:
            let network = MultiLayerNet(inputSize: inputSize, hiddenSizes: hiddenSizes, outputSize: outputSize,
                                        activation: activation, weightInit: weightInit, seed: seed)
            network.configuration?.kind = .threeLayer
            return network
        case .twoLayer:
            guard hiddenSizes.count == 1, case .std(let std) = weightInit else {
                throw NetworkStateError(description: "two-layer needs one hidden size and a numeric init std, got \(hiddenSizes) and \(weightInit)")
            }
            return TwoLayerNet(inputSize: inputSize, hiddenSize: hiddenSizes[0], outputSize: outputSize,
                               weightInitStd: std, activation: activation, seed: seed)
        case .multiLayer:
            return MultiLayerNet(inputSize: inputSize, hiddenSizes: hiddenSizes, outputSize: outputSize, activation: activation,
                                 weightInit: weightInit, weightDecayLambda: weightDecayLambda, seed: seed)
        case .multiLayerExtend:
            return MultiLayerNetExtend(inputSize: inputSize, hiddenSizes: hiddenSizes, outputSize: outputSize,
                                       activation: activation, weightInit: weightInit, weightDecayLambda: weightDecayLambda,
                                       useDropout: useDropout, dropoutRatio: dropoutRatio, useBatchnorm: useBatchnorm, seed: seed)
        case .simpleConvNet, .deepConvNet:
            guard let convolution, convolution.kind == kind else {
                throw NetworkStateError(description: "\(kind) needs its convolution description (image shape and convolutions)")
            }
            return try convolution.makeNetwork(seed: seed)
        }
    }
}
