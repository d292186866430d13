import Kiso

/// The ReLU layer: `out = max(0, x)`; backward passes `dout` where `x > 0` and 0 elsewhere.
/// Any shape in, the same shape out.
public final class Relu: Layer {
    private var out: Tensor?

    /// A ReLU layer (no parameters).
    public init() {}

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let y = x.map { $0 > 0 ? $0 : 0 }
        out = y
        return y
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
        kisoPrecondition(dout.shape == out.shape, "Relu.backward: dout has shape \(dout.shape), the output was \(out.shape)")
        return Tensor.broadcasting(dout, out, operation: "Relu.backward") { d, y in y > 0 ? d : 0 }
    }
}

/// The sigmoid layer: `y = 1 / (1 + e^(−x))`; backward `dx = dout · (1 − y) · y`.
/// Any shape in, the same shape out.
public final class Sigmoid: Layer {
    private var out: Tensor?

    /// A sigmoid layer (no parameters).
    public init() {}

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let y = sigmoid(x)
        out = y
        return y
    }

    public func backward(_ dout: Tensor) -> Tensor {
        guard let out else { fatalError("Sigmoid.backward: called before forward") }
        kisoPrecondition(dout.shape == out.shape, "Sigmoid.backward: dout has shape \(dout.shape), the output was \(out.shape)")
        return Tensor.broadcasting(dout, out, operation: "Sigmoid.backward") { d, y in d * (1 - y) * y }
    }
}

/// The tanh layer (used by chapter 6's activation experiments): `y = tanh x`; backward
/// `dx = dout · (1 − y²)`. Any shape in, the same shape out.
public final class Tanh: Layer {
    private var out: Tensor?

    /// A tanh layer (no parameters).
    public init() {}

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let y = tanh(x)
        out = y
        return y
    }

    public func backward(_ dout: Tensor) -> Tensor {
        guard let out else { fatalError("Tanh.backward: called before forward") }
        kisoPrecondition(dout.shape == out.shape, "Tanh.backward: dout has shape \(dout.shape), the output was \(out.shape)")
        return Tensor.broadcasting(dout, out, operation: "Tanh.backward") { d, y in d * (1 - y * y) }
    }
}
