// Max pooling (chapter 7) and its gradient as tensor operations.

/// Which input element won each window of a ``maxPool2d(_:height:width:stride:pad:)`` call:
/// what its backward pass needs.
public struct MaxPoolWinners: Sendable {
    /// The shape of the pooled input, [N, C, H, W].
    public let inputShape: [Int]
    /// The window sizes on one H×W plane (`channels` is 1).
    public let geometry: ConvolutionGeometry
    /// For each output element (NCHW order), the index h·W + w of the winner within its plane,
    /// or −1 when the maximum was a padding zero.
    public let indices: [Int32]
}

/// Max pooling: the largest value of each `height`×`width` window, moved with `stride` over
/// each channel of the zero-padded input,
///
///     out[n, c, oh, ow] = max_{i,j} x[n, c, oh·S + i − P, ow·S + j − P]
///
/// Input [N, C, H, W] → output [N, C, OH, OW], OH = ⌊(H + 2P − height) / S⌋ + 1 (likewise OW).
/// As in the book, the padding is zeros and takes part in the maximum; on a tie the first
/// element in row-major window order wins (NumPy's `argmax`). Planes are split between the
/// threads; the book's 2×2, stride-2 windows run vectorised kernels.
/// - Returns: the maxima and the winners, for ``maxPool2dBackward(_:winners:)``.
/// - Precondition: `x` is 4-d; window sizes and stride are positive, pad ≥ 0.
/// - Throws: ``ConvolutionShapeError`` when the window is larger than the padded input.
public func maxPool2d(_ x: Tensor, height: Int, width: Int, stride: Int, pad: Int = 0) throws(ConvolutionShapeError)
    -> (output: Tensor, winners: MaxPoolWinners) {
    kisoPrecondition(x.ndim == 4, "maxPool2d: input must be 4-d [N, C, H, W], got shape \(x.shape)")
    let g = try ConvolutionGeometry(channels: 1, height: x.shape[2], width: x.shape[3],
                                    filterHeight: height, filterWidth: width, stride: stride, pad: pad)
    let (planes, positions, planeSize) = (x.shape[0] * x.shape[1], g.outputPositions, g.height * g.width)
    var indices: [Int32] = []
    let out = Tensor(shape: [x.shape[0], x.shape[1], g.outputHeight, g.outputWidth], unsafeUninitialized: { out in
        indices = [Int32](unsafeUninitializedCapacity: out.count) { pa, initialized in
            x.withUnsafeBufferPointer { px in
                let (px, po, pa) = (px.baseAddress!, out.baseAddress!, pa.baseAddress!)
                Kernels.parallelFor(planes, grain: poolingGrain(planeSize)) { range in
                    let first = range.lowerBound
                    if Kernels.isMaxPool2x2(g) {
                        Kernels.maxPool2x2(px + first * planeSize, planes: range.count, height: g.height, width: g.width,
                                           output: po + first * positions, argmax: pa + first * positions)
                        return
                    }
                    for plane in range {
                        Kernels.maxPool(px + plane * planeSize, g, output: po + plane * positions, argmax: pa + plane * positions)
                    }
                }
            }
            initialized = out.count
        }
    })
    return (out, MaxPoolWinners(inputShape: x.shape, geometry: g, indices: indices))
}

/// The gradient of ``maxPool2d(_:height:width:stride:pad:)``: each element of `dout`
/// ([N, C, OH, OW]) added to the input element that won its window, zero elsewhere (a window
/// won by the padding passes nothing on).
/// - Returns: ∂L/∂x, shape [N, C, H, W].
/// - Precondition: `dout` has the shape of the pooled output.
public func maxPool2dBackward(_ dout: Tensor, winners: MaxPoolWinners) -> Tensor {
    let (shape, g) = (winners.inputShape, winners.geometry)
    kisoPrecondition(dout.shape == [shape[0], shape[1], g.outputHeight, g.outputWidth],
                     "maxPool2dBackward: dout has shape \(dout.shape), the pooled output was [\(shape[0]), \(shape[1]), \(g.outputHeight), \(g.outputWidth)]")
    let (planes, positions, planeSize) = (shape[0] * shape[1], g.outputPositions, g.height * g.width)
    return Tensor(shape: shape, unsafeUninitialized: { dx in
        dout.withUnsafeBufferPointer { pd in
            winners.indices.withUnsafeBufferPointer { pa in
                let (pd, pdx, pa) = (pd.baseAddress!, dx.baseAddress!, pa.baseAddress!)
                Kernels.parallelFor(planes, grain: poolingGrain(planeSize)) { range in
                    let first = range.lowerBound
                    if Kernels.isMaxPool2x2(g) {   // writes every element, no zeroing needed
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
private func poolingGrain(_ planeSize: Int) -> Int { Swift.max(1, 16_384 / Swift.max(planeSize, 1)) }
