import Kiso

/// The ReLU layer: `out = max(0, x)`; backward passes `dout` where `x > 0` and 0 elsewhere.
/// Any shape in, the same shape out.
public final class Relu: Layer {
    private var out: Tensor?

    /// A ReLU layer (no parameters).
    public init() {}

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        adoptForwardOutput(relu(x))
    }

    /// Takes `y`, already max(x, 0) (a ReLU fused into the layer before it), as this layer's
    /// forward output, so that ``backward(_:)`` masks with it.
    func adoptForwardOutput(_ y: Tensor) -> Tensor {
        out = y
        return y
    }

    /// `dout · [x > 0]` (the mask is read from the cached output, which is > 0 exactly where x is).
    public func backward(_ dout: Tensor) -> Tensor {
        guard let out else { fatalError("Relu.backward: called before forward") }
        return reluBackward(dout, output: out)
    }
}

/// The sigmoid layer: `y = 1 / (1 + e^(−x))`; backward `dx = dout · (1 − y) · y`.
/// Any shape in, the same shape out.
public final class Sigmoid: Layer {
    private var out: Tensor?

    /// A sigmoid layer (no parameters).
    public init() {}

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        out = sigmoid(x)
        return out!
    }

    public func backward(_ dout: Tensor) -> Tensor {
        guard let out else { fatalError("Sigmoid.backward: called before forward") }
        return sigmoidBackward(dout, output: out)
    }
}

/// The tanh layer (used by chapter 6's activation experiments): `y = tanh x`; backward
/// `dx = dout · (1 − y²)`. Any shape in, the same shape out.
public final class Tanh: Layer {
    private var out: Tensor?

    /// A tanh layer (no parameters).
    public init() {}

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        out = tanh(x)
        return out!
    }

    public func backward(_ dout: Tensor) -> Tensor {
        guard let out else { fatalError("Tanh.backward: called before forward") }
        return tanhBackward(dout, output: out)
    }
}
