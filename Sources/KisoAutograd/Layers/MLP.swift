import Kiso

/// The activation between the layers of an ``MLP``.
public enum Activation: String, CaseIterable, Sendable {
    /// `sigmoid` (DeZero's default for `MLP`), `relu` or `tanh`.
    case sigmoid, relu, tanh

    /// The activation applied to `x`.
    public func callAsFunction(_ x: Variable) -> Variable {
        switch self {
        case .sigmoid: KisoAutograd.sigmoid(x)
        case .relu: KisoAutograd.relu(x)
        case .tanh: KisoAutograd.tanh(x)
        }
    }
}

/// A multi-layer perceptron (DeZero's `MLP`, step 45): fully connected layers with an
/// activation between them and none after the last, e.g. `MLP(inputSize: 2, sizes: [10, 3])`.
///
/// Parameters are named as the first book's `MultiLayerNet` names them — `W1`, `b1`, `W2`, … —
/// so a saved MLP reads like the book's networks.
public final class MLP: Model {
    /// The layers, first to last.
    public let layers: [Linear]
    /// The activation between layers.
    public let activation: Activation

    /// An MLP from `inputSize` features through `sizes` (the last is the output size); weights
    /// N(0, 1/D) from `generator`, or N(0, `weightScale`²) when given.
    public init(inputSize: Int, sizes: [Int], activation: Activation = .sigmoid, weightScale: Float? = nil,
                generator: inout RandomGenerator) {
        var layers: [Linear] = []
        var d = inputSize
        for m in sizes {
            layers.append(Linear(d, m, weightScale: weightScale, generator: &generator))
            d = m
        }
        self.layers = layers
        self.activation = activation
    }

    override public var children: [(name: String, module: Module)] {
        layers.enumerated().map { ("l\($0.offset)", $0.element) }
    }

    /// `W1`, `b1`, `W2`, `b2`, …
    override public var parameters: [(name: String, variable: Variable)] {
        layers.enumerated().flatMap { i, layer in [("W\(i + 1)", layer.W), ("b\(i + 1)", layer.b)] }
    }

    override public func forward(_ x: Variable) -> Variable {
        var y = x
        for layer in layers.dropLast() { y = activation(layer(y)) }
        return layers.last.map { $0(y) } ?? y
    }
}
