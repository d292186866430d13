import Kiso

// The activation functions of the book's networks, as differentiable functions.

/// `y = 1 / (1 + e⁻ˣ)`; `∂x = gy · y · (1 − y)`.
public final class Sigmoid: Function {
    override public func forward(_ xs: [Tensor]) -> [Tensor] { [Kiso.sigmoid(xs[0])] }
    override public func backward(_ gys: [Variable]) -> [Variable?] {
        let y = outputs[0]
        return [gys[0] * y * (1 - y)]
    }
}

/// `y = max(0, x)`; `∂x = gy · [x > 0]`.
public final class ReLU: Function {
    override public func forward(_ xs: [Tensor]) -> [Tensor] { [maximum(xs[0], 0)] }
    override public func backward(_ gys: [Variable]) -> [Variable?] {
        [gys[0] * Variable(inputs[0].data .> 0)]
    }
}

/// `y = softmax(x)` along `axis`: `y_i = e^(x_i − max x) / Σ_j e^(x_j − max x)`;
/// `∂x = y·gy − y · Σ_axis (y·gy)`.
public final class Softmax: Function {
    /// The axis normalised over (the last by default).
    public let axis: Int
    /// A softmax over `axis`.
    public init(axis: Int = -1) { self.axis = axis }
    override public func forward(_ xs: [Tensor]) -> [Tensor] {
        let x = xs[0]
        let a = Shape.normalizeAxis(axis, ndim: x.ndim, operation: "Softmax")
        let e = exp(x - x.max(axis: a, keepDims: true))
        return [e / e.sum(axis: a, keepDims: true)]
    }
    override public func backward(_ gys: [Variable]) -> [Variable?] {
        let y = outputs[0]
        let gx = y * gys[0]
        return [gx - y * sum(gx, axes: [axis], keepDims: true)]
    }
}

/// The logistic sigmoid, element-wise.
public func sigmoid(_ x: Variable) -> Variable { Sigmoid()(x) }
/// `max(0, x)`, element-wise.
public func relu(_ x: Variable) -> Variable { ReLU()(x) }
/// The softmax of `x` along `axis` (the last by default).
public func softmax(_ x: Variable, axis: Int = -1) -> Variable { Softmax(axis: axis)(x) }
