import Kiso

/// The book's fully connected network of any depth (chapter 6):
///
///     (Affine_i → activation_i) for each hidden size → Affine_last → SoftmaxWithLoss
///
/// Parameters `W1`, `b1`, …, `W(L+1)`, `b(L+1)` for L hidden layers; weights drawn with
/// ``WeightInit`` (scale from the previous layer's size), biases zero. With
/// `weightDecayLambda` λ > 0 the loss gains `½·λ·Σ‖W_i‖²` and each `∂W_i` gains `λ·W_i`.
///
/// Chapter 3's inference network (784–50–100–10, sigmoid; `sample_weight.pkl` holds
/// its `W1`…`b3`) is ``sampleNetwork(inputSize:hiddenSizes:outputSize:seed:)``.
public final class MultiLayerNet: Network {
    private let chain = LayerChain()
    public internal(set) var configuration: NetworkConfiguration?

    /// A network `inputSize` → `hiddenSizes…` → `outputSize` (the book's defaults: ReLU,
    /// He initialisation `"relu"`, no weight decay), initialised from `seed`.
    public init(inputSize: Int, hiddenSizes: [Int], outputSize: Int, activation: ActivationKind = .relu,
                weightInit: WeightInit = .he, weightDecayLambda: Float = 0, seed: UInt64 = 0) {
        var rng = RandomGenerator(seed: seed)
        let sizes = [inputSize] + hiddenSizes + [outputSize]
        for i in 1..<sizes.count {
            let affine = Affine(W: weightInit.weights(sizes[i - 1], sizes[i], using: &rng), b: Tensor.zeros([sizes[i]]))
            affine.computesInputGradient = i > 1
            chain.append(affine, index: i)
            if i < sizes.count - 1 { chain.append(activation.makeLayer(), index: i) }
        }
        chain.weightDecayLambda = weightDecayLambda
        configuration = NetworkConfiguration(kind: .multiLayer, inputSize: inputSize, hiddenSizes: hiddenSizes,
                                             outputSize: outputSize, activation: activation, weightInit: weightInit,
                                             weightDecayLambda: weightDecayLambda)
    }

    /// Chapter 3's sample network: sigmoid hidden layers 50 and 100, parameters `W1`…`b3`,
    /// meant to receive the book's trained weights through ``Network/load(stateDict:strict:)``.
    /// Its scores are the book's `a3`; ``Network/probabilities(_:)`` adds the softmax.
    public static func sampleNetwork(inputSize: Int = 784, hiddenSizes: [Int] = [50, 100], outputSize: Int = 10,
                                     seed: UInt64 = 0) -> MultiLayerNet {
        let network = MultiLayerNet(inputSize: inputSize, hiddenSizes: hiddenSizes, outputSize: outputSize,
                                    activation: .sigmoid, weightInit: .std(0.01), seed: seed)
        network.configuration?.kind = .threeLayer
        return network
    }

    /// λ of the L2 weight decay.
    public var weightDecayLambda: Float { chain.weightDecayLambda }
    public var parameters: [(name: String, parameter: Parameter)] { chain.parameters }
    /// Scores [N, output] for x [N, input] (an N-d input is flattened per sample).
    public func predict(_ x: Tensor, training: Bool) -> Tensor { chain.predict(x, training: training) }
    public func loss(_ x: Tensor, _ labels: ClassLabels, training: Bool) -> Float { chain.loss(x, labels, training: training) }
    @discardableResult
    public func gradient(_ x: Tensor, _ labels: ClassLabels) -> Float { chain.gradient(x, labels) }
    @discardableResult
    public func gradient(_ x: Tensor, _ labels: ClassLabels, onParameterGradient: ((String, Parameter) -> Void)?) -> Float {
        chain.gradient(x, labels, onParameterGradient: onParameterGradient)
    }
}

/// ``MultiLayerNet`` with the chapter 6 extras: each hidden layer is
///
///     Affine_i → [BatchNormalization_i] → activation_i → [Dropout_i]
///
/// adding parameters `gamma_i`, `beta_i` (γ = 1, β = 0 initially) and buffers
/// `running_mean_i`, `running_var_i` with batch norm. Dropout layers draw masks from
/// generators seeded from `seed`; see ``Network/randomGenerators``.
public final class MultiLayerNetExtend: Network {
    private let chain = LayerChain()
    public let configuration: NetworkConfiguration?

    /// A network `inputSize` → `hiddenSizes…` → `outputSize` (the book's defaults: ReLU,
    /// He init, no weight decay, no dropout (ratio 0.5 when on), no batch norm).
    public init(inputSize: Int, hiddenSizes: [Int], outputSize: Int, activation: ActivationKind = .relu,
                weightInit: WeightInit = .he, weightDecayLambda: Float = 0,
                useDropout: Bool = false, dropoutRatio: Float = 0.5, useBatchnorm: Bool = false, seed: UInt64 = 0) {
        var rng = RandomGenerator(seed: seed)
        let sizes = [inputSize] + hiddenSizes + [outputSize]
        for i in 1..<sizes.count {
            let affine = Affine(W: weightInit.weights(sizes[i - 1], sizes[i], using: &rng), b: Tensor.zeros([sizes[i]]))
            affine.computesInputGradient = i > 1
            chain.append(affine, index: i)
            guard i < sizes.count - 1 else { break }
            if useBatchnorm { chain.append(BatchNormalization(featureCount: sizes[i]), index: i) }
            chain.append(activation.makeLayer(), index: i)
            if useDropout { chain.append(Dropout(ratio: dropoutRatio, seed: rng.next()), index: i) }
        }
        chain.weightDecayLambda = weightDecayLambda
        configuration = NetworkConfiguration(kind: .multiLayerExtend, inputSize: inputSize, hiddenSizes: hiddenSizes,
                                             outputSize: outputSize, activation: activation, weightInit: weightInit,
                                             weightDecayLambda: weightDecayLambda, useBatchnorm: useBatchnorm,
                                             useDropout: useDropout, dropoutRatio: dropoutRatio)
    }

    /// λ of the L2 weight decay.
    public var weightDecayLambda: Float { chain.weightDecayLambda }
    public var parameters: [(name: String, parameter: Parameter)] { chain.parameters }
    public var buffers: [(name: String, parameter: Parameter)] { chain.buffers }
    public var randomGenerators: [RandomGenerator] {
        get { chain.randomGenerators }
        set { chain.randomGenerators = newValue }
    }
    public func setTrainingSlice(_ slice: BatchSlice?) { chain.setTrainingSlice(slice) }
    /// Scores [N, output]; `training` selects batch statistics and dropout masks.
    public func predict(_ x: Tensor, training: Bool) -> Tensor { chain.predict(x, training: training) }
    public func loss(_ x: Tensor, _ labels: ClassLabels, training: Bool) -> Float { chain.loss(x, labels, training: training) }
    @discardableResult
    public func gradient(_ x: Tensor, _ labels: ClassLabels) -> Float { chain.gradient(x, labels) }
    @discardableResult
    public func gradient(_ x: Tensor, _ labels: ClassLabels, onParameterGradient: ((String, Parameter) -> Void)?) -> Float {
        chain.gradient(x, labels, onParameterGradient: onParameterGradient)
    }
}
