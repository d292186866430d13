import Kiso

/// The fully connected layer: `out = x · W + b`.
///
/// Input [N, D] → output [N, M] with W [D, M] and b [M]. An N-d input [N, d1, d2, …] is
/// flattened to [N, d1·d2·…] and ∂L/∂x is returned in the original shape. Backward:
///
///     ∂L/∂x = dout · Wᵀ,   ∂L/∂W = xᵀ · dout,   ∂L/∂b = Σ_n dout[n]
///
/// The transposes are never materialised (sgemm with transpose flags).
public final class Affine: Layer {
    /// Weights, shape [D, M].
    public let W: Parameter
    /// Biases, shape [M].
    public let b: Parameter
    /// Whether ``backward(_:)`` computes ∂L/∂x. A network's first layer may turn it off
    /// (nothing consumes the gradient of the input data); `backward` then returns an
    /// empty tensor of shape [0].
    public var computesInputGradient = true

    private var x: Tensor?
    private var originalShape: [Int] = []

    /// A layer with weights `W` [D, M] and biases `b` [M].
    /// - Precondition: `W` is 2-d and `b` has shape [M].
    public init(W: Tensor, b: Tensor) {
        kisoPrecondition(W.ndim == 2, "Affine: weights must be 2-d [D, M], got shape \(W.shape)")
        kisoPrecondition(b.shape == [W.shape[1]], "Affine: bias shape \(b.shape) does not match weights \(W.shape)")
        self.W = Parameter(W)
        self.b = Parameter(b)
    }

    public var parameters: [(name: String, parameter: Parameter)] { [("W", W), ("b", b)] }

    /// `x · W + b`, shape [N, M].
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        kisoPrecondition(x.ndim >= 1, "Affine.forward: input must have a batch axis, got a 0-d tensor")
        originalShape = x.shape
        let x = x.ndim == 2 ? x : x.reshaped([x.shape[0], -1])
        kisoPrecondition(x.shape[1] == W.value.shape[0],
                         "Affine.forward: input \(originalShape) has \(x.shape[1]) features but W has shape \(W.value.shape)")
        self.x = x
        return matmul(x, W.value) + b.value
    }

    /// Fills `W.gradient` = xᵀ·dout and `b.gradient` = Σ_n dout[n]; returns dout·Wᵀ in the
    /// input's original shape (or an empty tensor if ``computesInputGradient`` is off).
    public func backward(_ dout: Tensor) -> Tensor {
        guard let x else { fatalError("Affine.backward: called before forward") }
        kisoPrecondition(dout.shape == [x.shape[0], W.value.shape[1]],
                         "Affine.backward: dout has shape \(dout.shape), the output was [\(x.shape[0]), \(W.value.shape[1])]")
        W.gradient = matmul(x, dout, transposeA: true)
        b.gradient = dout.sum(axis: 0)
        guard computesInputGradient else { return Tensor.zeros([0]) }
        return matmul(dout, W.value, transposeB: true).reshaped(originalShape)
    }
}
