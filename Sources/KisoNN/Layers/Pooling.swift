import Kiso

/// The book's max-pooling layer: the largest value of each `poolHeight`×`poolWidth` window,
/// moved with `stride` over each channel of the (zero-padded) input.
///
///     out[n, c, oh, ow] = max_{i,j} x[n, c, oh·S + i − P, ow·S + j − P]
///
/// Input [N, C, H, W] → output [N, C, OH, OW], OH = ⌊(H + 2P − PH)/S⌋ + 1 (likewise OW). As in
/// the book, padding is zeros and takes part in the maximum. The backward pass routes each
/// upstream gradient to the input element that won its window (the first one on a tie, like
/// NumPy's `argmax`). Both passes are the tensor operations `maxPool2d` and `maxPool2dBackward`.
public final class Pooling: Layer {
    /// Window height and width.
    public let poolHeight: Int, poolWidth: Int
    /// Step between windows, and zero padding on each side.
    public let stride: Int, pad: Int

    private var winners: MaxPoolWinners?
    private var out: Tensor?

    /// A max-pooling layer with `poolHeight`×`poolWidth` windows (the book's defaults: stride 1, pad 0).
    /// - Precondition: window sizes and stride are positive, pad ≥ 0.
    public init(poolHeight: Int, poolWidth: Int, stride: Int = 1, pad: Int = 0) {
        kisoPrecondition(poolHeight > 0 && poolWidth > 0 && stride > 0 && pad >= 0,
                         "Pooling: window \(poolHeight)×\(poolWidth) and stride \(stride) must be positive, pad \(pad) ≥ 0")
        self.poolHeight = poolHeight
        self.poolWidth = poolWidth
        self.stride = stride
        self.pad = pad
    }

    /// The geometry of this layer on one plane of an input of shape `inputShape` ([N, C, H, W]).
    /// - Throws: `ConvolutionShapeError` when the window is larger than the padded input.
    public func geometry(forInputShape inputShape: [Int]) throws(ConvolutionShapeError) -> ConvolutionGeometry {
        kisoPrecondition(inputShape.count == 4, "Pooling: input must be 4-d [N, C, H, W], got shape \(inputShape)")
        return try ConvolutionGeometry(channels: 1, height: inputShape[2], width: inputShape[3],
                                       filterHeight: poolHeight, filterWidth: poolWidth, stride: stride, pad: pad)
    }

    /// The window maxima, shape [N, C, OH, OW] for x of shape [N, C, H, W].
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        do {
            let (out, winners) = try maxPool2d(x, height: poolHeight, width: poolWidth, stride: stride, pad: pad)
            self.winners = winners
            self.out = out
            return out
        } catch {
            fatalError("Pooling.forward: input \(x.shape), window \(poolHeight)×\(poolWidth): \(error)")
        }
    }

    /// ∂L/∂x, shape [N, C, H, W]: each element of `dout` ([N, C, OH, OW]) added to the
    /// input element that won its window; zero elsewhere.
    public func backward(_ dout: Tensor) -> Tensor {
        guard let winners else { fatalError("Pooling.backward: called before forward") }
        return maxPool2dBackward(dout, winners: winners)
    }

    /// ∂L/∂x of a ReLU followed by this pooling, for x the ReLU's input: the same tensor as
    /// `relu.backward(backward(dout))`, bit for bit, in a quarter of the memory traffic for 2×2
    /// windows. Each window's winner is one of the ReLU's outputs and the window's maximum is
    /// that output, so masking `dout` by [maximum > 0] (shape [N, C, OH, OW]) passes exactly the
    /// gradients the ReLU would pass at the winners ([N, C, H, W]).
    /// - Precondition: the last forward input was a ReLU's output (every element ≥ 0 or NaN).
    public func backwardThroughRelu(_ dout: Tensor) -> Tensor {
        guard let winners, let out else { fatalError("Pooling.backward: called before forward") }
        return maxPool2dBackward(reluBackward(dout, output: out), winners: winners)
    }
}
