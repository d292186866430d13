import Kiso

/// One convolution layer's hyper-parameters, like the book's `conv_param` dictionaries
/// (`filter_num`, `filter_size`, `pad`, `stride`).
public struct ConvolutionSpec: Codable, Sendable, Equatable {
    /// Number of filters FN (output channels).
    public var filterCount: Int
    /// Filter height and width (square filters, like the book's).
    public var filterSize: Int
    /// Zero padding on every side.
    public var pad: Int
    /// Step between filter positions.
    public var stride: Int

    /// A convolution of `filterCount` filters of `filterSize`×`filterSize`.
    public init(filterCount: Int, filterSize: Int, pad: Int = 0, stride: Int = 1) {
        self.filterCount = filterCount
        self.filterSize = filterSize
        self.pad = pad
        self.stride = stride
    }
}

/// A Codable description of a SimpleConvNet or DeepConvNet, enough to rebuild it (with
/// fresh weights) before loading a checkpoint's parameters into it.
public struct ConvNetConfiguration: Codable, Sendable, Equatable {
    /// The network class: ``ModelKind/simpleConvNet`` or ``ModelKind/deepConvNet``.
    public var kind: ModelKind
    /// One image's shape [C, H, W].
    public var inputShape: [Int]
    /// The convolutions: one for SimpleConvNet, six for DeepConvNet.
    public var convolutions: [ConvolutionSpec]
    /// Units of the hidden affine layer (the book: 100 for SimpleConvNet, 50 for DeepConvNet).
    public var hiddenSize: Int
    /// Classes (10).
    public var outputSize: Int
    /// SimpleConvNet: `.std(0.01)`; DeepConvNet: `.he`.
    public var weightInit: WeightInit
    /// DeepConvNet's dropout ratio (0 for SimpleConvNet, which has no dropout).
    public var dropoutRatio: Float

    /// A description with every field given.
    public init(kind: ModelKind, inputShape: [Int], convolutions: [ConvolutionSpec], hiddenSize: Int, outputSize: Int,
                weightInit: WeightInit, dropoutRatio: Float) {
        self.kind = kind
        self.inputShape = inputShape
        self.convolutions = convolutions
        self.hiddenSize = hiddenSize
        self.outputSize = outputSize
        self.weightInit = weightInit
        self.dropoutRatio = dropoutRatio
    }

    /// A new network of this description, initialised from `seed`.
    /// - Throws: ``NetworkStateError`` when the description does not make a valid network
    ///   (wrong number of convolutions, sizes that do not fit, a bad dropout ratio).
    public func makeNetwork(seed: UInt64 = 0) throws -> any Network {
        guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }), hiddenSize > 0, outputSize > 0,
              convolutions.allSatisfy({ $0.filterCount > 0 && $0.filterSize > 0 && $0.stride > 0 && $0.pad >= 0 }) else {
            throw NetworkStateError(description: "\(kind): invalid sizes: input \(inputShape), convolutions \(convolutions), hidden \(hiddenSize), output \(outputSize)")
        }
        do {
            switch kind {
            case .simpleConvNet:
                guard convolutions.count == 1, case .std(let std) = weightInit else {
                    throw NetworkStateError(description: "simpleConvNet needs one convolution and a numeric init std, got \(convolutions.count) and \(weightInit)")
                }
                let c = convolutions[0]
                return try SimpleConvNet(inputShape: inputShape, filterCount: c.filterCount, filterSize: c.filterSize, pad: c.pad,
                                         stride: c.stride, hiddenSize: hiddenSize, outputSize: outputSize, weightInitStd: std, seed: seed)
            case .threeLayer, .twoLayer, .multiLayer, .multiLayerExtend:
                throw NetworkStateError(description: "\(kind.rawValue) is not a convolutional network")
            case .deepConvNet:
                guard convolutions.count == 6, dropoutRatio >= 0, dropoutRatio < 1 else {
                    throw NetworkStateError(description: "deepConvNet needs six convolutions and a dropout ratio in [0, 1), got \(convolutions.count) and \(dropoutRatio)")
                }
                return try DeepConvNet(inputShape: inputShape, convolutions: convolutions, hiddenSize: hiddenSize,
                                       outputSize: outputSize, dropoutRatio: dropoutRatio, seed: seed)
            }
        } catch let error as ConvolutionShapeError {
            throw NetworkStateError(description: "\(kind) on input \(inputShape): \(error)")
        }
    }
}
