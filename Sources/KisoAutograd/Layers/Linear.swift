import Foundation
import Kiso

/// The fully connected layer `y = x · W + b` (DeZero's `L.Linear`, the first book's
/// `Affine`): x [N, D] → y [N, M], W [D, M], b [M]. An input of more axes is flattened to
/// [N, D] first.
///
/// W is drawn from N(0, 1/D) (DeZero's default, Xavier-like) unless given.
public final class Linear: Module {
    /// The weights, [D, M].
    public let W: Variable
    /// The biases, [M].
    public let b: Variable

    /// A layer from `inputSize` to `outputSize` features, weights drawn with `generator`
    /// scaled by `weightScale` (default √(1/D)).
    public init(_ inputSize: Int, _ outputSize: Int, weightScale: Float? = nil, generator: inout RandomGenerator) {
        let scale = weightScale ?? (1 / Float(inputSize)).squareRoot()
        W = Variable(Tensor.randn([inputSize, outputSize], using: &generator) * scale, name: "W")
        b = Variable(Tensor.zeros([outputSize]), name: "b")
    }

    /// A layer holding the given weights W [D, M] and biases b [M].
    /// - Precondition: the shapes fit.
    public init(W: Tensor, b: Tensor) {
        kisoPrecondition(W.ndim == 2 && b.shape == [W.shape[1]], "Linear: W \(W.shape) and b \(b.shape) do not fit")
        self.W = Variable(W, name: "W")
        self.b = Variable(b, name: "b")
    }

    override public var ownParameters: [(name: String, variable: Variable)] { [("W", W), ("b", b)] }

    /// `x · W + b`.
    override public func forward(_ x: Variable) -> Variable {
        let flat = x.ndim == 2 ? x : reshape(x, [x.shape[0], x.count / Swift.max(x.shape[0], 1)])
        return linear(flat, W, b)
    }
}
