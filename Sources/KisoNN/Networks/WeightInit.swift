import Foundation
import Kiso

/// How the book's networks draw initial weights: `W = scale · randn(fanIn, fanOut)`.
///
/// Written as text like the book's `weight_init_std` argument: a number (the standard
/// deviation itself), `"sigmoid"`/`"xavier"` (Xavier, scale √(1/n)) or `"relu"`/`"he"`
/// (He, scale √(2/n)), where n is the number of nodes in the previous layer.
public enum WeightInit: Sendable, Equatable, Codable, CustomStringConvertible {
    /// A fixed standard deviation, e.g. 0.01.
    case std(Float)
    /// Xavier (Glorot) initialisation, std √(1/n), for sigmoid and tanh.
    case xavier
    /// He initialisation, std √(2/n), for ReLU.
    case he

    /// The standard deviation for a layer whose previous layer has `fanIn` nodes.
    public func scale(fanIn: Int) -> Float {
        switch self {
        case .std(let s): s
        case .xavier: Float((1 / Double(fanIn)).squareRoot())
        case .he: Float((2 / Double(fanIn)).squareRoot())
        }
    }

    /// Parses the book's spellings (`"relu"`, `"he"`, `"sigmoid"`, `"xavier"`, or a number).
    /// - Throws: ``NetworkStateError`` for any other text.
    public init(_ text: String) throws {
        switch text.lowercased() {
        case "relu", "he": self = .he
        case "sigmoid", "xavier": self = .xavier
        default:
            guard let s = Float(text), s.isFinite, s >= 0 else {
                throw NetworkStateError(description: "unknown weight initialisation '\(text)'; use a number, 'xavier'/'sigmoid' or 'he'/'relu'")
            }
            self = .std(s)
        }
    }

    public var description: String {
        switch self {
        case .std(let s): "\(s)"
        case .xavier: "xavier"
        case .he: "he"
        }
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    /// A weight matrix [fanIn, fanOut] drawn with this initialisation.
    public func weights(_ fanIn: Int, _ fanOut: Int, using rng: inout RandomGenerator) -> Tensor {
        Tensor.randn([fanIn, fanOut], using: &rng) * scale(fanIn: fanIn)
    }
}

/// The hidden-layer activation of a network.
public enum ActivationKind: String, Sendable, Codable, CaseIterable {
    /// ReLU (``Relu``), the logistic sigmoid (``Sigmoid``) or tanh (``Tanh``).
    case relu, sigmoid, tanh

    /// A new layer computing this activation.
    public func makeLayer() -> Layer {
        switch self {
        case .relu: Relu()
        case .sigmoid: Sigmoid()
        case .tanh: Tanh()
        }
    }

    /// The activation applied to a tensor.
    public func apply(_ x: Tensor) -> Tensor {
        switch self {
        case .relu: Kiso.relu(x)
        case .sigmoid: Kiso.sigmoid(x)
        case .tanh: Kiso.tanh(x)
        }
    }
}
