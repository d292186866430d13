import Kiso

/// The book's two-layer network: Affine1 → activation → Affine2 → SoftmaxWithLoss, with
/// parameters `W1` [input, hidden], `b1`, `W2` [hidden, output], `b2`; weights drawn as
/// `weightInitStd · randn`, biases zero.
///
/// Chapter 5's version uses ReLU (the default); chapter 4's version is the same network
/// with `activation: .sigmoid` (the book computes its gradient with the same formulas,
/// and by ``Network/numericalGradient(_:_:h:)-(Tensor,Tensor,_)``).
public final class TwoLayerNet: Network {
    private let chain = LayerChain()
    public let configuration: NetworkConfiguration?

    /// A network `inputSize`–`hiddenSize`–`outputSize` (the book: 784–50–10, std 0.01),
    /// initialised from `seed`.
    public init(inputSize: Int, hiddenSize: Int, outputSize: Int, weightInitStd: Float = 0.01,
                activation: ActivationKind = .relu, seed: UInt64 = 0) {
        var rng = RandomGenerator(seed: seed)
        let affine1 = Affine(W: Tensor.randn([inputSize, hiddenSize], using: &rng) * weightInitStd, b: Tensor.zeros([hiddenSize]))
        affine1.computesInputGradient = false
        chain.append(affine1, index: 1)
        chain.append(activation.makeLayer(), index: 1)
        chain.append(Affine(W: Tensor.randn([hiddenSize, outputSize], using: &rng) * weightInitStd, b: Tensor.zeros([outputSize])), index: 2)
        configuration = NetworkConfiguration(kind: .twoLayer, inputSize: inputSize, hiddenSizes: [hiddenSize],
                                             outputSize: outputSize, activation: activation, weightInit: .std(weightInitStd))
    }

    public var parameters: [(name: String, parameter: Parameter)] { chain.parameters }
    /// Scores [N, output] for x [N, input].
    public func predict(_ x: Tensor, training: Bool) -> Tensor { chain.predict(x, training: training) }
    public func loss(_ x: Tensor, _ labels: ClassLabels, training: Bool) -> Float { chain.loss(x, labels, training: training) }
    @discardableResult
    public func gradient(_ x: Tensor, _ labels: ClassLabels) -> Float { chain.gradient(x, labels) }
    @discardableResult
    public func gradient(_ x: Tensor, _ labels: ClassLabels, onParameterGradient: ((String, Parameter) -> Void)?) -> Float {
        chain.gradient(x, labels, onParameterGradient: onParameterGradient)
    }
}

/// Chapter 4's `simpleNet`: one weight matrix `W` [2, 3] (standard normal), scores
/// `x · W`, loss `crossEntropyError(softmax(x · W), t)`. Accepts a single sample [2] or a
/// batch [N, 2].
public final class SimpleNet: Network {
    /// The weights, [2, 3] (`W`).
    public let W: Parameter
    private let lastLayer = SoftmaxWithLoss()

    /// Weights drawn from `randn(2, 3)` with `seed`, or the given `W`.
    public init(W: Tensor? = nil, seed: UInt64 = 0) {
        var rng = RandomGenerator(seed: seed)
        let w = W ?? Tensor.randn([2, 3], using: &rng)
        kisoPrecondition(w.shape == [2, 3], "SimpleNet: W must be [2, 3], got \(w.shape)")
        self.W = Parameter(w)
    }

    public var parameters: [(name: String, parameter: Parameter)] { [("W", W)] }

    private func rows(_ x: Tensor) -> Tensor { x.ndim == 1 ? x.reshaped([1, -1]) : x }

    /// `x · W`, shape [3] for one sample or [N, 3].
    public func predict(_ x: Tensor, training: Bool) -> Tensor { matmul(x, W.value) }

    public func loss(_ x: Tensor, _ labels: ClassLabels, training: Bool) -> Float {
        lastLayer.forward(matmul(rows(x), W.value), labels)
    }

    /// ∂L/∂W = xᵀ · (y − t)/N.
    @discardableResult
    public func gradient(_ x: Tensor, _ labels: ClassLabels) -> Float {
        let loss = self.loss(x, labels, training: true)
        W.gradient = matmul(rows(x), lastLayer.backward(), transposeA: true)
        return loss
    }
}
