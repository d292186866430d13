/// The book's `im2col`: unfolds a batch of images `x` of shape [N, C, H, W] into a matrix of
/// shape [N·OH·OW, C·FH·FW] whose row n·OH·OW + oh·OW + ow holds the FH×FW window (all
/// channels, channel-major) that the filter meets at output position (oh, ow) of image n,
/// with zeros for the padding. OH = ⌊(H + 2·pad − FH) / stride⌋ + 1, likewise OW.
///
/// The book's example: a 1×3×7×7 input with a 5×5 filter gives shape [9, 75]; 10×3×7×7 gives [90, 75].
/// (The convolution layers use a faster per-image layout, ``Kernels/im2col(_:_:into:)``.)
/// - Precondition: `x` is 4-d.
/// - Throws: ``ConvolutionShapeError`` when the filter is larger than the padded input or a size is invalid.
public func im2col(_ x: Tensor, filterHeight: Int, filterWidth: Int,
                   stride: Int = 1, pad: Int = 0) throws(ConvolutionShapeError) -> Tensor {
    kisoPrecondition(x.ndim == 4, "im2col: input must be 4-d [N, C, H, W], got shape \(x.shape)")
    let n = x.shape[0]
    let g = try ConvolutionGeometry(channels: x.shape[1], height: x.shape[2], width: x.shape[3],
                                    filterHeight: filterHeight, filterWidth: filterWidth, stride: stride, pad: pad)
    let (rows, k) = (g.outputPositions, g.patchSize)
    return ScratchPool.shared.withWorkspaces { scratch, _, _ in
        scratch.reserve(slots: 1, count: rows * k)
        return Tensor(shape: [n * rows, k], unsafeUninitialized: { out in
            x.withUnsafeBufferPointer { px in
                let channelMajor = scratch.buffer(0)
                for image in 0..<n {
                    Kernels.im2col(px.baseAddress! + image * g.imageSize, g, into: channelMajor)
                    Kernels.transpose(channelMajor, rows: k, columns: rows, into: out.baseAddress! + image * rows * k)
                }
            }
        })
    }
}

/// The book's `col2im`, the adjoint of ``im2col(_:filterHeight:filterWidth:stride:pad:)``:
/// takes a matrix `col` of shape [N·OH·OW, C·FH·FW] and adds every element back onto the
/// pixel of an [N, C, H, W] (= `inputShape`) tensor that im2col copied it from. Overlapping
/// windows accumulate; elements from the padding are dropped.
/// - Precondition: `inputShape` is 4-d and `col` has the shape im2col gives for it.
/// - Throws: ``ConvolutionShapeError`` when the filter is larger than the padded input or a size is invalid.
public func col2im(_ col: Tensor, inputShape: [Int], filterHeight: Int, filterWidth: Int,
                   stride: Int = 1, pad: Int = 0) throws(ConvolutionShapeError) -> Tensor {
    kisoPrecondition(inputShape.count == 4, "col2im: input shape must be 4-d [N, C, H, W], got \(inputShape)")
    let n = inputShape[0]
    let g = try ConvolutionGeometry(channels: inputShape[1], height: inputShape[2], width: inputShape[3],
                                    filterHeight: filterHeight, filterWidth: filterWidth, stride: stride, pad: pad)
    let (rows, k) = (g.outputPositions, g.patchSize)
    kisoPrecondition(col.shape == [n * rows, k],
                     "col2im: columns of shape \(col.shape) do not match input shape \(inputShape) (\(g)), expected [\(n * rows), \(k)]")
    var image = Tensor.zeros(inputShape)
    ScratchPool.shared.withWorkspaces { scratch, _, _ in
        scratch.reserve(slots: 1, count: rows * k)
        image.withUnsafeMutableBufferPointer { px in
            col.withUnsafeBufferPointer { pc in
                let channelMajor = scratch.buffer(0)
                for i in 0..<n {
                    Kernels.transpose(pc.baseAddress! + i * rows * k, rows: rows, columns: k, into: channelMajor)
                    Kernels.col2im(channelMajor, g, addingInto: px.baseAddress! + i * g.imageSize)
                }
            }
        }
    }
    return image
}
