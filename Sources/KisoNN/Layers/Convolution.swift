import Kiso

/// The book's convolution layer: FN filters of shape C×FH×FW, one bias per filter, moved
/// with `stride` over the zero-padded input.
///
///     out[n, f, oh, ow] = b[f] + Σ_{c,i,j} W[f, c, i, j] · x[n, c, oh·S + i − P, ow·S + j − P]
///
/// Input [N, C, H, W] → output [N, FN, OH, OW] with OH = ⌊(H + 2P − FH)/S⌋ + 1 (likewise OW).
/// Backward: ∂L/∂W = Σ_n dout_n · col_nᵀ, ∂L/∂b = Σ dout over n, oh, ow, ∂L/∂x = col2im(Wᵀ · dout).
/// Both passes are the tensor operations `conv2d` and `conv2dBackward`, which choose the kernels.
public final class Convolution: Layer {
    /// Filters, shape [FN, C, FH, FW].
    public let W: Parameter
    /// Biases, shape [FN].
    public let b: Parameter
    /// Step between filter positions (both axes).
    public let stride: Int
    /// Zero padding added to each side of the input (both axes).
    public let pad: Int
    /// Whether ``backward(_:)`` computes ∂L/∂x. A network's first layer turns it off: nothing
    /// consumes the gradient of the input images, and skipping it saves a third of the
    /// layer's backward work. When `false`, `backward` returns an empty tensor of shape [0].
    public var computesInputGradient = true

    private var x: Tensor?

    /// A layer with filters `W` [FN, C, FH, FW] and biases `b` [FN].
    /// - Precondition: `W` is 4-d, `b` has shape [FN], `stride` > 0 and `pad` ≥ 0.
    public init(W: Tensor, b: Tensor, stride: Int = 1, pad: Int = 0) {
        kisoPrecondition(W.ndim == 4, "Convolution: filters must be 4-d [FN, C, FH, FW], got shape \(W.shape)")
        kisoPrecondition(b.shape == [W.shape[0]], "Convolution: bias shape \(b.shape) does not match \(W.shape[0]) filters (W \(W.shape))")
        kisoPrecondition(stride > 0 && pad >= 0, "Convolution: stride \(stride) must be > 0 and pad \(pad) ≥ 0")
        self.W = Parameter(W)
        self.b = Parameter(b)
        self.stride = stride
        self.pad = pad
    }

    public var parameters: [(name: String, parameter: Parameter)] { [("W", W), ("b", b)] }

    /// The geometry of this layer on an input of shape `inputShape` ([N, C, H, W]).
    /// - Throws: `ConvolutionShapeError` when the filter is larger than the padded input.
    public func geometry(forInputShape inputShape: [Int]) throws(ConvolutionShapeError) -> ConvolutionGeometry {
        kisoPrecondition(inputShape.count == 4 && inputShape[1] == W.value.shape[1],
                         "Convolution: input shape \(inputShape) must be [N, \(W.value.shape[1]), H, W] for filters \(W.value.shape)")
        return try ConvolutionGeometry(channels: inputShape[1], height: inputShape[2], width: inputShape[3],
                                       filterHeight: W.value.shape[2], filterWidth: W.value.shape[3], stride: stride, pad: pad)
    }

    /// out = W ⊛ x + b, shape [N, FN, OH, OW] for x of shape [N, C, H, W].
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        forward(x, training: training, fusingRelu: false)
    }

    /// ``forward(_:training:)``, or with `fusingRelu` max(W ⊛ x + b, 0): the ReLU that follows
    /// in a network applied while the output is written (`LayerChain` then hands the result to
    /// the `Relu` layer, whose backward pass is unchanged). The backward pass of this layer is
    /// the same either way: it receives the gradient after the ReLU's mask.
    func forward(_ x: Tensor, training: Bool, fusingRelu: Bool) -> Tensor {
        self.x = x
        do {
            return try conv2d(x, W.value, b.value, stride: stride, pad: pad, fusedRelu: fusingRelu)
        } catch {
            fatalError("Convolution.forward: input \(x.shape), filters \(W.value.shape): \(error)")
        }
    }

    /// Fills `W.gradient` and `b.gradient` from `dout` ([N, FN, OH, OW]) and returns ∂L/∂x
    /// ([N, C, H, W]), or an empty tensor when ``computesInputGradient`` is off.
    public func backward(_ dout: Tensor) -> Tensor {
        guard let x else { fatalError("Convolution.backward: called before forward") }
        do {
            let grads = try conv2dBackward(dout, input: x, weight: W.value, stride: stride, pad: pad,
                                           inputGradient: computesInputGradient)
            (W.gradient, b.gradient) = (grads.weight, grads.bias)
            return grads.input ?? Tensor.zeros([0])
        } catch {
            fatalError("Convolution.backward: input \(x.shape), filters \(W.value.shape): \(error)")
        }
    }
}
