import Kiso

/// The book's SimpleConvNet (chapter 7):
///
///     Conv1 − Relu1 − Pool1 − Affine1 − Relu2 − Affine2 − SoftmaxWithLoss
///
/// with `filterCount` filters of `filterSize`×`filterSize` (the book: 30 of 5×5, stride 1,
/// pad 0), 2×2 max pooling with stride 2, `hiddenSize` hidden units (100) and `outputSize`
/// classes (10). Parameters `W1` [FN, C, FS, FS], `b1` [FN], `W2` [FN·PH·PW, hidden], `b2`,
/// `W3` [hidden, output], `b3`; weights drawn as `weightInitStd · randn` (0.01), biases zero.
///
/// ```swift
/// let net = try SimpleConvNet()                     // input [N, 1, 28, 28]
/// let loss = net.gradient(xBatch, tBatch)           // fills every W…/b… gradient
/// let acc = net.accuracy(xTest, tTest, batchSize: 100)
/// ```
public final class SimpleConvNet: Network {
    let chain = LayerChain()
    /// The sizes this network was built with.
    public let convolutionConfiguration: ConvNetConfiguration
    /// The description a checkpoint stores to rebuild this network.
    public var configuration: NetworkConfiguration? { NetworkConfiguration(convolution: convolutionConfiguration) }

    /// A SimpleConvNet for images of shape `inputShape` ([C, H, W]), initialised from `seed`.
    /// - Throws: `ConvolutionShapeError` when the convolution or the 2×2 pooling does not fit
    ///   the image a whole number of times (e.g. an odd convolution output).
    public init(inputShape: [Int] = [1, 28, 28], filterCount: Int = 30, filterSize: Int = 5, pad: Int = 0,
                stride: Int = 1, hiddenSize: Int = 100, outputSize: Int = 10, weightInitStd: Float = 0.01,
                seed: UInt64 = 0) throws(ConvolutionShapeError) {
        kisoPrecondition(inputShape.count == 3, "SimpleConvNet: input shape must be [C, H, W], got \(inputShape)")
        kisoPrecondition(hiddenSize > 0 && outputSize > 0 && filterCount > 0,
                         "SimpleConvNet: filter count \(filterCount), hidden size \(hiddenSize) and output size \(outputSize) must be positive")
        let convolution = ConvolutionSpec(filterCount: filterCount, filterSize: filterSize, pad: pad, stride: stride)
        let (c, h, w) = (inputShape[0], inputShape[1], inputShape[2])
        let conv = try ConvolutionGeometry(channels: c, height: h, width: w, filterHeight: filterSize,
                                           filterWidth: filterSize, stride: stride, pad: pad)
        let pool = try ConvolutionGeometry(channels: filterCount, height: conv.outputHeight, width: conv.outputWidth,
                                           filterHeight: 2, filterWidth: 2, stride: 2)
        let poolOutputSize = filterCount * pool.outputPositions

        var rng = RandomGenerator(seed: seed)
        let conv1 = Convolution(W: Tensor.randn([filterCount, c, filterSize, filterSize], using: &rng) * weightInitStd,
                                b: Tensor.zeros([filterCount]), stride: stride, pad: pad)
        conv1.computesInputGradient = false   // nothing needs ∂L/∂images
        chain.append(conv1, index: 1)
        chain.append(Relu(), index: 1)
        chain.append(Pooling(poolHeight: 2, poolWidth: 2, stride: 2), index: 1)
        chain.append(Affine(W: Tensor.randn([poolOutputSize, hiddenSize], using: &rng) * weightInitStd,
                            b: Tensor.zeros([hiddenSize])), index: 2)
        chain.append(Relu(), index: 2)
        chain.append(Affine(W: Tensor.randn([hiddenSize, outputSize], using: &rng) * weightInitStd,
                            b: Tensor.zeros([outputSize])), index: 3)
        convolutionConfiguration = ConvNetConfiguration(
            kind: .simpleConvNet, inputShape: inputShape, convolutions: [convolution], hiddenSize: hiddenSize,
            outputSize: outputSize, weightInit: .std(weightInitStd), dropoutRatio: 0)
    }

    /// `W1`, `b1` (convolution), `W2`, `b2`, `W3`, `b3` (affine layers).
    public var parameters: [(name: String, parameter: Parameter)] { chain.parameters }
    /// The layers in order (Conv1, Relu1, Pool1, Affine1, Relu2, Affine2), for inspection.
    public var layers: [Layer] { chain.layers.map(\.layer) }

    /// Class scores [N, output] for images x [N, C, H, W].
    public func predict(_ x: Tensor, training: Bool) -> Tensor { chain.predict(x, training: training) }
    public func loss(_ x: Tensor, _ labels: ClassLabels, training: Bool) -> Float { chain.loss(x, labels, training: training) }
    @discardableResult
    public func gradient(_ x: Tensor, _ labels: ClassLabels) -> Float { chain.gradient(x, labels) }
    @discardableResult
    public func gradient(_ x: Tensor, _ labels: ClassLabels, onParameterGradient: ((String, Parameter) -> Void)?) -> Float {
        chain.gradient(x, labels, onParameterGradient: onParameterGradient)
    }
}
