import Kiso

/// The six networks of the book that Kiso builds, trains, saves and loads, by the names the
/// `kiso` tool uses (`two-layer`, `simple-convnet`, …). This is the one list of model names:
/// the command line, the experiments, the benchmarks and the checkpoints all use it.
///
/// ```swift
/// let network = try ModelKind.simpleConvNet.makeNetwork(seed: 42)          // fresh, book's sizes
/// let wider = try ModelKind.twoLayer.makeNetwork(ModelOptions(hidden: [100]), seed: 1)
/// ```
public enum ModelKind: String, CaseIterable, Sendable, Codable {
    /// Chapter 3's 784-50-100-10 sigmoid network (the one `sample_weight.pkl` holds).
    case threeLayer = "three-layer"
    /// Chapter 4/5's TwoLayerNet, 784-50-10 with ReLU.
    case twoLayer = "two-layer"
    /// Chapter 6's MultiLayerNet (any hidden sizes, ReLU, He initialisation, weight decay).
    case multiLayer = "multi-layer"
    /// Chapter 6's MultiLayerNetExtend (adds batch normalization and dropout).
    case multiLayerExtend = "multi-layer-extend"
    /// Chapter 7's SimpleConvNet: conv 30×5×5 – ReLU – pool – affine 100 – ReLU – affine 10.
    case simpleConvNet = "simple-convnet"
    /// Chapter 8's DeepConvNet: six 3×3 convolutions, three pools, dropout.
    case deepConvNet = "deep-convnet"

    /// Whether the network takes images shaped `[N, C, H, W]` rather than rows `[N, features]`.
    public var takesImages: Bool { self == .simpleConvNet || self == .deepConvNet }

    /// The class name of the book's Python code (`TwoLayerNet`, `SimpleConvNet`, …).
    public var bookClassName: String {
        switch self {
        case .threeLayer: "ThreeLayerNet"
        case .twoLayer: "TwoLayerNet"
        case .multiLayer: "MultiLayerNet"
        case .multiLayerExtend: "MultiLayerNetExtend"
        case .simpleConvNet: "SimpleConvNet"
        case .deepConvNet: "DeepConvNet"
        }
    }

    /// The kind named `name`: a command-line name (`two-layer`), the book's class name
    /// (`TwoLayerNet`) or the configuration names of earlier Kiso files (`twoLayerNet`).
    public init?(name: String) {
        if let kind = ModelKind(rawValue: name) { self = kind; return }
        let legacy: [String: ModelKind] = ["twoLayerNet": .twoLayer, "multiLayerNet": .multiLayer,
                                           "multiLayerNetExtend": .multiLayerExtend, "simpleConvNet": .simpleConvNet,
                                           "deepConvNet": .deepConvNet, "threeLayerNet": .threeLayer]
        if let kind = legacy[name] ?? ModelKind.allCases.first(where: { $0.bookClassName == name }) {
            self = kind
        } else {
            return nil
        }
    }

    /// Decodes any name ``init(name:)`` accepts, so files of earlier Kiso versions still load.
    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let kind = ModelKind(name: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "unknown model '\(name)'"))
        }
        self = kind
    }

    /// The network this kind's name stands for, with fresh weights drawn from `seed`.
    /// - Throws: ``ModelError`` when `options` do not fit this kind.
    public func makeNetwork(_ options: ModelOptions = ModelOptions(), seed: UInt64) throws -> any Network {
        try configuration(options).makeNetwork(seed: seed)
    }
}

/// The architecture choices a user can make for a ``ModelKind`` (the `--hidden`,
/// `--weight-decay`, `--batchnorm` and `--dropout` options of `kiso train`); `nil` and
/// `false` mean the book's choice.
public struct ModelOptions: Sendable, Equatable {
    /// Hidden layer sizes (fully connected networks), or the hidden affine layer's size (one
    /// value, convolutional networks).
    public var hidden: [Int]?
    /// λ of L2 weight decay (multi-layer networks only).
    public var weightDecay: Float
    /// Batch normalization after each hidden affine layer (multi-layer-extend only).
    public var batchnorm: Bool
    /// The dropout ratio after each hidden layer (multi-layer-extend only).
    public var dropout: Float?

    /// Options; the defaults are the book's network.
    public init(hidden: [Int]? = nil, weightDecay: Float = 0, batchnorm: Bool = false, dropout: Float? = nil) {
        self.hidden = hidden
        self.weightDecay = weightDecay
        self.batchnorm = batchnorm
        self.dropout = dropout
    }
}

/// A model that cannot be built, saved or loaded as asked; the description is one sentence
/// for the user.
public struct ModelError: Error, CustomStringConvertible, Equatable {
    /// What went wrong.
    public let description: String
    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
