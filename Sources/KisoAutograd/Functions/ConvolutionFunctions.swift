import Kiso

// Convolution and max pooling (chapter 7; the sequel's steps 55–57) on the library's tensor
// operations `conv2d` / `conv2dBackward` and `maxPool2d` / `maxPool2dBackward`: the kernels are
// the ones the hand-written layers use, not copies.
//
// Their backward rules compute with tensors, so they give first derivatives only: asking for
// a graph of the backward pass (createGraph) through them stops with a message.

/// `y = conv2d(x, W) + b`: x [N, C, H, W], W [FN, C, FH, FW], b [FN] → y [N, FN, OH, OW];
/// backward by `conv2dBackward` (∂W = Σ_n dout_n · col_nᵀ, ∂b = Σ dout, ∂x = col2im(Wᵀ · dout)).
/// ∂x is skipped when nothing needs it (``Function/needsGradient(_:)``).
public final class Conv2dFunction: Function {
    /// The step of the window.
    public let stride: Int
    /// Zeros added on every side.
    public let pad: Int
    /// A convolution with `stride` and `pad` (shapes checked by ``conv2d(_:_:_:stride:pad:)``).
    public init(stride: Int, pad: Int) { self.stride = stride; self.pad = pad }

    override public func forward(_ xs: [Tensor]) -> [Tensor] {
        do { return [try Kiso.conv2d(xs[0], xs[1], xs.count > 2 ? xs[2] : nil, stride: stride, pad: pad)] } catch {
            fatalError("conv2d: \(error)")   // conv2d(_:_:_:stride:pad:) checks the sizes before applying
        }
    }

    override public func backward(_ gys: [Variable]) -> [Variable?] {
        kisoPrecondition(!Autograd.isBackpropEnabled, "conv2d: no second derivatives (backward with createGraph through a convolution)")
        let (x, W) = (inputs[0], inputs[1])
        do {
            let g = try conv2dBackward(gys[0].data, input: x.data, weight: W.data, stride: stride, pad: pad,
                                       inputGradient: needsGradient(0))
            let grads: [Variable?] = [g.input.map { Variable($0) }, Variable(g.weight)]
            return inputs.count > 2 ? grads + [Variable(g.bias)] : grads
        } catch {
            fatalError("conv2d backward: \(error)")   // the forward pass ran with these sizes
        }
    }
}

/// `y` = the maximum of each window of each channel (zero padding takes part, as in the
/// book): x [N, C, H, W] → [N, C, OH, OW]; ∂x routes each gradient to its window's winner
/// (`maxPool2dBackward`).
public final class MaxPool2dFunction: Function {
    /// The window's height and width.
    public let height: Int, width: Int
    /// The step of the window and the zeros added on every side.
    public let stride: Int, pad: Int
    private var winners: MaxPoolWinners?

    /// Max pooling over `height`×`width` windows (shapes checked by ``maxPool2d(_:size:stride:pad:)``).
    public init(height: Int, width: Int, stride: Int, pad: Int) {
        self.height = height; self.width = width; self.stride = stride; self.pad = pad
    }

    override public func forward(_ xs: [Tensor]) -> [Tensor] {
        do {
            let pooled = try Kiso.maxPool2d(xs[0], height: height, width: width, stride: stride, pad: pad)
            winners = pooled.winners
            return [pooled.output]
        } catch {
            fatalError("maxPool2d: \(error)")   // maxPool2d(_:size:stride:pad:) checks the sizes before applying
        }
    }

    override public func backward(_ gys: [Variable]) -> [Variable?] {
        kisoPrecondition(!Autograd.isBackpropEnabled, "maxPool2d: no second derivatives (backward with createGraph through a pooling)")
        return [Variable(maxPool2dBackward(gys[0].data, winners: winners!))]
    }
}

/// The convolution of `x` [N, C, H, W] with filters `W` [FN, C, FH, FW] plus `b` [FN].
/// - Throws: `ConvolutionShapeError` when the filter does not fit the padded input.
/// - Precondition: `x` is 4-d and its channels match `W`'s.
public func conv2d(_ x: Variable, _ W: Variable, _ b: Variable? = nil, stride: Int = 1, pad: Int = 0)
    throws(ConvolutionShapeError) -> Variable {
    kisoPrecondition(x.ndim == 4 && W.ndim == 4 && x.shape[1] == W.shape[1],
                     "conv2d: input \(x.shape) and filters \(W.shape) must be [N, C, H, W] and [FN, C, FH, FW]")
    _ = try ConvolutionGeometry(channels: x.shape[1], height: x.shape[2], width: x.shape[3],
                                filterHeight: W.shape[2], filterWidth: W.shape[3], stride: stride, pad: pad)
    let function = Conv2dFunction(stride: stride, pad: pad)
    return b.map { function(x, W, $0) } ?? function(x, W)
}

/// Max pooling of `x` [N, C, H, W] over `size`×`size` windows (the book's 2×2, stride 2 by default).
/// - Throws: `ConvolutionShapeError` when the window does not fit the padded input.
public func maxPool2d(_ x: Variable, size: Int = 2, stride: Int = 2, pad: Int = 0) throws(ConvolutionShapeError) -> Variable {
    kisoPrecondition(x.ndim == 4, "maxPool2d: input must be [N, C, H, W], got \(x.shape)")
    _ = try ConvolutionGeometry(channels: 1, height: x.shape[2], width: x.shape[3],
                                filterHeight: size, filterWidth: size, stride: stride, pad: pad)
    return MaxPool2dFunction(height: size, width: size, stride: stride, pad: pad)(x)
}
