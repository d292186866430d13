import Kiso

/// The book's max-pooling layer: the largest value of each `poolHeight`×`poolWidth` window,
/// moved with `stride` over each channel of the (zero-padded) input.
///
///     out[n, c, oh, ow] = max_{i,j} x[n, c, oh·S + i − P, ow·S + j − P]
///
/// Input [N, C, H, W] → output [N, C, OH, OW], OH = (H + 2P − PH)/S + 1 (likewise OW). As in
/// the book, padding is zeros and takes part in the maximum. The backward pass routes each
/// upstream gradient to the input element that won its window (the first one on a tie, like
/// NumPy's `argmax`). Works plane by plane on NCHW data, split between the threads, with the
/// winners' indices kept in a buffer reused across calls; the book's 2×2 / stride 2 case runs
/// vectorised kernels (`Kernels.maxPool2x2(_:planes:height:width:output:argmax:)`).
public final class Pooling: Layer {
    /// Window height and width.
    public let poolHeight: Int, poolWidth: Int
    /// Step between windows, and zero padding on each side.
    public let stride: Int, pad: Int

    private var argmax: [Int32] = []
    private var geometry: ConvolutionGeometry?
    private var inputShape: [Int] = []

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
    /// - Throws: `ConvolutionShapeError` when the output size is not a whole number.
    public func geometry(forInputShape inputShape: [Int]) throws(ConvolutionShapeError) -> ConvolutionGeometry {
        kisoPrecondition(inputShape.count == 4, "Pooling: input must be 4-d [N, C, H, W], got shape \(inputShape)")
        return try ConvolutionGeometry(channels: 1, height: inputShape[2], width: inputShape[3],
                                       filterHeight: poolHeight, filterWidth: poolWidth, stride: stride, pad: pad)
    }

    /// The window maxima, shape [N, C, OH, OW] for x of shape [N, C, H, W].
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let g: ConvolutionGeometry
        do { g = try geometry(forInputShape: x.shape) } catch { fatalError("Pooling.forward: input \(x.shape), window \(poolHeight)×\(poolWidth): \(error)") }
        let planes = x.shape[0] * x.shape[1], positions = g.outputPositions, planeSize = g.height * g.width
        if argmax.count != planes * positions { argmax = [Int32](repeating: 0, count: planes * positions) }
        let out = Tensor(shape: [x.shape[0], x.shape[1], g.outputHeight, g.outputWidth], unsafeUninitialized: { out in
            x.withUnsafeBufferPointer { px in
                argmax.withUnsafeMutableBufferPointer { pa in
                    let (px, po, pa) = (px.baseAddress!, out.baseAddress!, pa.baseAddress!)
                    Kernels.parallelFor(planes, grain: Self.grain(planeSize)) { range in
                        if Kernels.isMaxPool2x2(g) {
                            let first = range.lowerBound
                            Kernels.maxPool2x2(px + first * planeSize, planes: range.count, height: g.height, width: g.width,
                                               output: po + first * positions, argmax: pa + first * positions)
                            return
                        }
                        for plane in range {
                            Kernels.maxPool(px + plane * planeSize, g, output: po + plane * positions,
                                            argmax: pa + plane * positions)
                        }
                    }
                }
            }
        })
        geometry = g
        inputShape = x.shape
        return out
    }

    /// ∂L/∂x, shape [N, C, H, W]: each element of `dout` ([N, C, OH, OW]) added to the
    /// input element that won its window; zero elsewhere.
    public func backward(_ dout: Tensor) -> Tensor {
        guard let g = geometry else { fatalError("Pooling.backward: called before forward") }
        let shape = inputShape
        kisoPrecondition(dout.shape == [shape[0], shape[1], g.outputHeight, g.outputWidth],
                         "Pooling.backward: dout has shape \(dout.shape), the forward output was [\(shape[0]), \(shape[1]), \(g.outputHeight), \(g.outputWidth)]")
        let planes = shape[0] * shape[1], positions = g.outputPositions, planeSize = g.height * g.width
        return Tensor(shape: shape, unsafeUninitialized: { dx in
            dout.withUnsafeBufferPointer { pd in
                argmax.withUnsafeBufferPointer { pa in
                    let (pd, pdx, pa) = (pd.baseAddress!, dx.baseAddress!, pa.baseAddress!)
                    Kernels.parallelFor(planes, grain: Self.grain(planeSize)) { range in
                        if Kernels.isMaxPool2x2(g) {
                            let first = range.lowerBound
                            Kernels.maxPool2x2Backward(pd + first * positions, argmax: pa + first * positions, planes: range.count,
                                                       height: g.height, width: g.width, into: pdx + first * planeSize)
                            return
                        }
                        for plane in range {
                            let target = pdx + plane * planeSize
                            target.update(repeating: 0, count: planeSize)
                            Kernels.maxPoolBackward(pd + plane * positions, argmax: pa + plane * positions,
                                                    positions: positions, addingInto: target)
                        }
                    }
                }
            }
        })
    }

    /// Planes per thread worth a second thread: about 16 K elements.
    private static func grain(_ planeSize: Int) -> Int { Swift.max(1, 16_384 / Swift.max(planeSize, 1)) }
}
