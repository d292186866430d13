import Kiso

/// A learnable tensor and the gradient of the loss with respect to it.
///
/// A reference type so that optimizers update the value in place (no copy of the
/// buffer) and networks can expose the same object under the book's names (`W1`, `b1`, …).
public final class Parameter {
    /// The parameter's value, e.g. an affine weight of shape `[in, out]`.
    public var value: Tensor
    /// The gradient written by the last backward pass; same shape as `value`.
    public var gradient: Tensor

    /// A parameter holding `value`, with a zero gradient.
    public init(_ value: Tensor) {
        self.value = value
        gradient = Tensor.zeros(like: value)
    }
}

/// A layer of the book: `forward` computes the output and caches what `backward` needs;
/// `backward` takes ∂L/∂out, stores ∂L/∂parameter in each parameter's `gradient`, and
/// returns ∂L/∂in.
public protocol Layer: AnyObject {
    /// The output for input `x`. `training` selects train-mode behaviour (dropout masks,
    /// batch statistics); inference passes `false`.
    func forward(_ x: Tensor, training: Bool) -> Tensor
    /// ∂L/∂x for upstream gradient `dout` (shaped like the last output); fills the
    /// parameters' gradients.
    func backward(_ dout: Tensor) -> Tensor
    /// The learnable parameters by the layer's own names (`W`, `b`, `gamma`, `beta`), in a
    /// fixed order; empty for layers without parameters.
    var parameters: [(name: String, parameter: Parameter)] { get }
    /// State that is not learned by gradients but belongs in a checkpoint (batch
    /// normalization's `running_mean` / `running_var`), by the layer's own names. Only the
    /// `value` of each holder is meaningful. Empty by default.
    var buffers: [(name: String, parameter: Parameter)] { get }
}

extension Layer {
    public var parameters: [(name: String, parameter: Parameter)] { [] }
    public var buffers: [(name: String, parameter: Parameter)] { [] }
}
