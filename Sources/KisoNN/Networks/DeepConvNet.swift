import Kiso

/// The book's DeepConvNet (chapter 8), above 99 % on MNIST:
///
///     conv − relu − conv − relu − pool − conv − relu − conv − relu − pool −
///     conv − relu − conv − relu − pool − affine − relu − dropout − affine − dropout − softmax
///
/// Six 3×3 convolutions with 16, 16, 32, 32, 64, 64 filters, stride 1, pads 1, 1, 1, 2, 1, 1;
/// 2×2 max pooling with stride 2 after the 2nd, 4th and 6th; `hiddenSize` (50) hidden units;
/// the book's (non-inverted) Dropout with ratio 0.5 after both affine layers. Parameters
/// `W1`…`W6`/`b1`…`b6` (convolutions), `W7`/`b7`, `W8`/`b8` (affine). He initialisation: each
/// weight is `√(2 / n) · randn` with n the inputs of one output unit (C·3·3 for a
/// convolution, 64·4·4 and 50 for the affine layers), biases zero — the book's
/// `pre_node_nums` written generally.
public final class DeepConvNet: Network {
    /// The book's six convolutions.
    public static let bookConvolutions: [ConvolutionSpec] = [
        .init(filterCount: 16, filterSize: 3, pad: 1, stride: 1), .init(filterCount: 16, filterSize: 3, pad: 1, stride: 1),
        .init(filterCount: 32, filterSize: 3, pad: 1, stride: 1), .init(filterCount: 32, filterSize: 3, pad: 2, stride: 1),
        .init(filterCount: 64, filterSize: 3, pad: 1, stride: 1), .init(filterCount: 64, filterSize: 3, pad: 1, stride: 1),
    ]

    let chain = LayerChain()
    /// The sizes this network was built with.
    public let convolutionConfiguration: ConvNetConfiguration
    /// The description a checkpoint stores to rebuild this network.
    public var configuration: NetworkConfiguration? { NetworkConfiguration(convolution: convolutionConfiguration) }

    /// A DeepConvNet for images of shape `inputShape` ([C, H, W]), initialised from `seed`
    /// (the dropout layers' masks come from generators seeded from it too).
    /// - Precondition: exactly six convolutions.
    /// - Throws: `ConvolutionShapeError` when a convolution or pooling does not fit its
    ///   input a whole number of times.
    public init(inputShape: [Int] = [1, 28, 28], convolutions: [ConvolutionSpec] = DeepConvNet.bookConvolutions,
                hiddenSize: Int = 50, outputSize: Int = 10, dropoutRatio: Float = 0.5,
                seed: UInt64 = 0) throws(ConvolutionShapeError) {
        kisoPrecondition(inputShape.count == 3, "DeepConvNet: input shape must be [C, H, W], got \(inputShape)")
        kisoPrecondition(convolutions.count == 6, "DeepConvNet: needs 6 convolutions, got \(convolutions.count)")
        kisoPrecondition(hiddenSize > 0 && outputSize > 0, "DeepConvNet: hidden size \(hiddenSize) and output size \(outputSize) must be positive")
        var rng = RandomGenerator(seed: seed)
        var (channels, height, width) = (inputShape[0], inputShape[1], inputShape[2])
        for (index, spec) in convolutions.enumerated() {
            let g = try ConvolutionGeometry(channels: channels, height: height, width: width, filterHeight: spec.filterSize,
                                            filterWidth: spec.filterSize, stride: spec.stride, pad: spec.pad)
            let scale = WeightInit.he.scale(fanIn: g.patchSize)
            let conv = Convolution(W: Tensor.randn([spec.filterCount, channels, spec.filterSize, spec.filterSize], using: &rng) * scale,
                                   b: Tensor.zeros([spec.filterCount]), stride: spec.stride, pad: spec.pad)
            conv.computesInputGradient = index > 0
            chain.append(conv, index: index + 1)
            chain.append(Relu(), index: index + 1)
            (channels, height, width) = (spec.filterCount, g.outputHeight, g.outputWidth)
            if index % 2 == 1 {
                let pool = try ConvolutionGeometry(channels: channels, height: height, width: width,
                                                   filterHeight: 2, filterWidth: 2, stride: 2)
                chain.append(Pooling(poolHeight: 2, poolWidth: 2, stride: 2), index: index + 1)
                (height, width) = (pool.outputHeight, pool.outputWidth)
            }
        }
        let flattened = channels * height * width
        chain.append(Affine(W: Tensor.randn([flattened, hiddenSize], using: &rng) * WeightInit.he.scale(fanIn: flattened),
                            b: Tensor.zeros([hiddenSize])), index: 7)
        chain.append(Relu(), index: 7)
        chain.append(Dropout(ratio: dropoutRatio, seed: seed &+ 1), index: 7)
        chain.append(Affine(W: Tensor.randn([hiddenSize, outputSize], using: &rng) * WeightInit.he.scale(fanIn: hiddenSize),
                            b: Tensor.zeros([outputSize])), index: 8)
        chain.append(Dropout(ratio: dropoutRatio, seed: seed &+ 2), index: 8)
        convolutionConfiguration = ConvNetConfiguration(
            kind: .deepConvNet, inputShape: inputShape, convolutions: convolutions, hiddenSize: hiddenSize,
            outputSize: outputSize, weightInit: .he, dropoutRatio: dropoutRatio)
    }

    /// `W1`…`W8`, `b1`…`b8`, in layer order.
    public var parameters: [(name: String, parameter: Parameter)] { chain.parameters }
    /// The layers in order, for inspection.
    public var layers: [Layer] { chain.layers.map(\.layer) }
    /// The two dropout layers' generators (restoring them replays the same masks).
    public var randomGenerators: [RandomGenerator] {
        get { chain.randomGenerators }
        set { chain.randomGenerators = newValue }
    }
    public func setTrainingSlice(_ slice: BatchSlice?) { chain.setTrainingSlice(slice) }

    /// Class scores [N, output] for images x [N, C, H, W]; `training` turns on the dropout masks.
    public func predict(_ x: Tensor, training: Bool) -> Tensor { chain.predict(x, training: training) }
    public func loss(_ x: Tensor, _ labels: ClassLabels, training: Bool) -> Float { chain.loss(x, labels, training: training) }
    @discardableResult
    public func gradient(_ x: Tensor, _ labels: ClassLabels) -> Float { chain.gradient(x, labels) }
    @discardableResult
    public func gradient(_ x: Tensor, _ labels: ClassLabels, onParameterGradient: ((String, Parameter) -> Void)?) -> Float {
        chain.gradient(x, labels, onParameterGradient: onParameterGradient)
    }
}
