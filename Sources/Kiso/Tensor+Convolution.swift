// The 2-d convolution of chapter 7 and its gradients, as tensor operations. How they are
// computed (kernel, threads, scratch memory) is decided here, not by the layers that use them.

/// The 2-d convolution (cross-correlation) of a batch of images with FN filters:
///
///     out[n, f, oh, ow] = b[f] + Σ_{c,i,j} W[f, c, i, j] · x[n, c, oh·S + i − P, ow·S + j − P]
///
/// with zeros outside the image (padding P on every side), optionally followed by a ReLU.
/// Input `x` [N, C, H, W], `weight` [FN, C, FH, FW], `bias` [FN] (zeros when `nil`) → output
/// [N, FN, OH, OW] with OH = ⌊(H + 2P − FH) / S⌋ + 1 (likewise OW), as in the book and PyTorch.
///
/// The images are split into one group per thread, which the threads claim as they go, and
/// each group goes through the fastest kernel for the sizes:
/// - 3×3 filters, stride 1, pad ≤ 2, at least 8 channels and filters (DeepConvNet after its
///   first layer): Winograd F(4×4, 3×3) or F(2×2, 3×3), ``Kernels/WinogradConvolution``;
/// - other square filters with stride 1 and pad ≤ FH − 1 (SimpleConvNet, DeepConvNet's first
///   layer): register-tiled direct convolution, ``Kernels/DirectConvolution``;
/// - otherwise: ``Kernels/im2col(_:_:into:)`` into a (C·FH·FW)×(OH·OW) matrix, then one
///   sgemm `W · col` per image.
/// All write the output in NCHW order directly; scratch memory is reused across calls.
///
/// - Parameter fusedRelu: return max(out, 0), applied while the output is written (the ReLU that
///   follows a convolution in the book's networks, at no extra pass over memory).
/// - Precondition: `x` is [N, C, H, W], `weight` [FN, C, FH, FW], `bias` [FN]; stride > 0, pad ≥ 0.
/// - Throws: ``ConvolutionShapeError`` when the filter is larger than the padded input.
public func conv2d(_ x: Tensor, _ weight: Tensor, _ bias: Tensor? = nil, stride: Int = 1, pad: Int = 0,
                   fusedRelu: Bool = false) throws(ConvolutionShapeError) -> Tensor {
    let plan = try ConvolutionPlan(x.shape, weight.shape, stride: stride, pad: pad, operation: "conv2d")
    let fn = plan.filters
    let bias = bias ?? Tensor.zeros([fn])
    kisoPrecondition(bias.shape == [fn], "conv2d: bias shape \(bias.shape) does not match \(fn) filters (W \(weight.shape))")
    return ScratchPool.shared.withWorkspaces { scratch, packed, _ in
        plan.prepare(weight, adjoint: false, scratch: scratch, packed: packed)
        return Tensor(shape: plan.outputShape, unsafeUninitialized: { out in
            x.withUnsafeBufferPointer { px in weight.withUnsafeBufferPointer { pw in bias.withUnsafeBufferPointer { pb in
                let (px, pw, pb, po) = (px.baseAddress!, pw.baseAddress!, pb.baseAddress!, out.baseAddress!)
                Kernels.parallelParts(plan.groups, participants: plan.threads) { group, thread in
                    plan.forward(images: plan.images(ofGroup: group), px, filters: pw, packed: packed.buffer(0), bias: pb,
                                 relu: fusedRelu, output: po, scratch: scratch.buffer(thread))
                }
            } } }
        })
    }
}

/// The gradients of ``conv2d(_:_:_:stride:pad:fusedRelu:)`` from the upstream gradient `dout`
/// ([N, FN, OH, OW]) at input `x` and filters `weight`:
///
///     ∂L/∂W = Σ_n dout_n · col_nᵀ,   ∂L/∂b[f] = Σ_{n,oh,ow} dout[n, f, oh, ow],
///     ∂L/∂x_n = col2im(Wᵀ · dout_n)
///
/// (col_n the im2col matrix of image n; on the direct and Winograd paths ∂L/∂x is the
/// convolution of the padded `dout` with the flipped filters). After a fused ReLU, pass the
/// gradient already masked by the ReLU's backward.
/// - Parameter inputGradient: whether to compute ∂L/∂x; a network's first layer skips it (a third
///   of the work), and `input` is then `nil`.
/// - Returns: ∂L/∂x [N, C, H, W], ∂L/∂W [FN, C, FH, FW] and ∂L/∂b [FN].
/// - Precondition: the shapes are those of a ``conv2d(_:_:_:stride:pad:fusedRelu:)`` call and its output.
/// - Throws: ``ConvolutionShapeError`` when the filter is larger than the padded input.
public func conv2dBackward(_ dout: Tensor, input x: Tensor, weight: Tensor, stride: Int = 1, pad: Int = 0,
                           inputGradient: Bool = true) throws(ConvolutionShapeError)
    -> (input: Tensor?, weight: Tensor, bias: Tensor) {
    let plan = try ConvolutionPlan(x.shape, weight.shape, stride: stride, pad: pad, operation: "conv2dBackward")
    kisoPrecondition(dout.shape == plan.outputShape,
                     "conv2dBackward: dout has shape \(dout.shape), the convolution's output is \(plan.outputShape)")
    let (fn, k) = (plan.filters, plan.geometry.patchSize)
    return ScratchPool.shared.withWorkspaces { scratch, packed, partials in
        plan.prepare(weight, adjoint: true, scratch: scratch, packed: packed)
        // Per group of images: its ∂W, then its ∂b, added up in group order whichever thread ran
        // which group, so that the sums do not depend on the timing of the threads.
        partials.reserve(slots: plan.groups, count: fn * k + fn)
        var dx = inputGradient ? Tensor(shape: x.shape, unsafeUninitialized: { _ in }) : nil
        x.withUnsafeBufferPointer { px in weight.withUnsafeBufferPointer { pw in dout.withUnsafeBufferPointer { pd in
            dx.withUnsafeMutableBaseAddress { pdx in
                let (px, pw, pd) = (px.baseAddress!, pw.baseAddress!, pd.baseAddress!)
                Kernels.parallelParts(plan.groups, participants: plan.threads) { group, thread in
                    let dW = partials.buffer(group)
                    dW.update(repeating: 0, count: fn * k + fn)
                    plan.backward(images: plan.images(ofGroup: group), px, dout: pd, filters: pw, packed: packed.buffer(0),
                                  filterGradient: dW, biasGradient: dW + fn * k, inputGradient: pdx, scratch: scratch.buffer(thread))
                }
            }
        } } }
        return (dx, partials.sum(slots: plan.groups, range: 0..<(fn * k), shape: weight.shape),
                partials.sum(slots: plan.groups, range: (fn * k)..<(fn * k + fn), shape: [fn]))
    }
}

/// One convolution's sizes, kernel and thread split (see ``conv2d(_:_:_:stride:pad:fusedRelu:)``).
struct ConvolutionPlan {
    /// How the convolution is computed.
    enum Method { case winograd, direct, im2col }

    /// Groups of images per thread that the threads claim. More groups would let a thread that
    /// runs alone take over more of a delayed one's share, at the cost of a kernel call on fewer
    /// images and, in the backward pass, a partial ∂W per group (at most 64·64·9 floats, 147 KB,
    /// in the book's networks). Measured on a noisy 2-core Zen 3 EPYC, whole-process epochs
    /// alternating: 4 groups per thread ran DeepConvNet 0.92–1.07× as long as 1 (6 pairs, no
    /// steady difference) with 1.5–2 MB more peak RSS, SimpleConvNet level: one per thread stays.
    static let groupsPerThread = 1

    let geometry: ConvolutionGeometry
    /// Images and filters; threads that run the groups (each with its own scratch), and groups.
    let images: Int, filters: Int, threads: Int, groups: Int
    let method: Method

    init(_ inputShape: [Int], _ weightShape: [Int], stride: Int, pad: Int, operation: String) throws(ConvolutionShapeError) {
        kisoPrecondition(weightShape.count == 4, "\(operation): filters must be 4-d [FN, C, FH, FW], got shape \(weightShape)")
        kisoPrecondition(inputShape.count == 4 && inputShape[1] == weightShape[1],
                         "\(operation): input shape \(inputShape) must be [N, \(weightShape[1]), H, W] for filters \(weightShape)")
        geometry = try ConvolutionGeometry(channels: inputShape[1], height: inputShape[2], width: inputShape[3],
                                           filterHeight: weightShape[2], filterWidth: weightShape[3], stride: stride, pad: pad)
        (images, filters) = (inputShape[0], weightShape[0])
        threads = Swift.max(1, Swift.min(Kernels.maxThreads, images))   // one image at least per thread
        groups = threads == 1 ? 1 : Swift.min(images, threads * Self.groupsPerThread)
        if Kernels.WinogradConvolution.supports(geometry, filters: filters) {
            method = .winograd
        } else if Kernels.DirectConvolution.supports(geometry) {
            method = .direct
        } else {
            method = .im2col
        }
    }

    /// [N, FN, OH, OW].
    var outputShape: [Int] { [images, filters, geometry.outputHeight, geometry.outputWidth] }
    /// Output elements of one image: FN·OH·OW.
    var outputSize: Int { filters * geometry.outputPositions }

    /// The images of group `g`, in 0..<groups: consecutive, as even as the count allows.
    func images(ofGroup g: Int) -> Range<Int> { (g * images / groups)..<((g + 1) * images / groups) }

    /// Packs `weight` for the kernel (the input gradient's flipped filters with `adjoint`) into
    /// `packed` and sizes each thread's `scratch`.
    func prepare(_ weight: Tensor, adjoint: Bool, scratch: Workspace, packed: Workspace) {
        let g = geometry
        switch method {
        case .winograd:
            packed.reserve(slots: 1, count: Kernels.WinogradConvolution.packedFiltersSize(filters: filters, g))
            weight.withUnsafeBufferPointer {
                Kernels.WinogradConvolution.packFilters($0.baseAddress!, filters: filters, g, adjoint: adjoint, into: packed.buffer(0))
            }
            scratch.reserve(slots: threads, count: Kernels.WinogradConvolution.scratchSize(filters: filters, g))
        case .direct:
            packed.reserve(slots: 1, count: Kernels.DirectConvolution.packedFiltersSize(filters: filters, g))
            weight.withUnsafeBufferPointer {
                Kernels.DirectConvolution.packFilters($0.baseAddress!, filters: filters, g, adjoint: adjoint, into: packed.buffer(0))
            }
            scratch.reserve(slots: threads, count: Kernels.DirectConvolution.scratchSize(filters: filters, g))
        case .im2col:
            packed.reserve(slots: 1, count: 0)
            scratch.reserve(slots: threads, count: g.isPointwise ? 1 : g.patchSize * g.outputPositions)
        }
    }

    /// The outputs of `range`'s images (pointers are to the whole batch).
    func forward(images range: Range<Int>, _ x: UnsafePointer<Float>, filters w: UnsafePointer<Float>,
                 packed: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, relu: Bool,
                 output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let g = geometry
        guard let first = range.first else { return }
        switch method {
        case .winograd:   // all of the thread's images in one call
            Kernels.WinogradConvolution.forward(x + first * g.imageSize, images: range.count, g, packedFilters: packed,
                                                bias: bias, filters: filters, relu: relu,
                                                output: output + first * outputSize, scratch: scratch)
        case .direct:
            for i in range {
                Kernels.DirectConvolution.forward(x + i * g.imageSize, g, packedFilters: packed, bias: bias, filters: filters,
                                                  relu: relu, output: output + i * outputSize, scratch: scratch)
            }
        case .im2col:
            for i in range {
                let o = output + i * outputSize
                im2colForward(x + i * g.imageSize, filters: w, bias: bias, output: o, columns: scratch)
                if relu { for j in 0..<outputSize where !(o[j] > 0) { o[j] = 0 } }
            }
        }
    }

    /// Adds the gradients of `range`'s images to `filterGradient` and `biasGradient`, and writes
    /// their input gradients when `inputGradient` (the whole batch's) is given.
    func backward(images range: Range<Int>, _ x: UnsafePointer<Float>, dout: UnsafePointer<Float>,
                  filters w: UnsafePointer<Float>, packed: UnsafeMutablePointer<Float>,
                  filterGradient dW: UnsafeMutablePointer<Float>, biasGradient db: UnsafeMutablePointer<Float>,
                  inputGradient dx: UnsafeMutablePointer<Float>?, scratch: UnsafeMutablePointer<Float>) {
        let g = geometry
        guard let first = range.first else { return }
        let (image, d, dxi) = (x + first * g.imageSize, dout + first * outputSize, dx.map { $0 + first * g.imageSize })
        switch method {   // all of the thread's images in one call (small planes are stacked)
        case .winograd:
            Kernels.WinogradConvolution.backward(image, dout: d, images: range.count, g, adjointFilters: packed, filters: filters,
                                                 filterGradient: dW, biasGradient: db, inputGradient: dxi, scratch: scratch)
        case .direct:
            Kernels.DirectConvolution.backward(image, dout: d, images: range.count, g, adjointFilters: packed, filters: filters,
                                               filterGradient: dW, biasGradient: db, inputGradient: dxi, scratch: scratch)
        case .im2col:
            for i in range {
                im2colBackward(x + i * g.imageSize, dout: dout + i * outputSize, filters: w, filterGradient: dW, biasGradient: db,
                               inputGradient: dx.map { $0 + i * g.imageSize }, columns: scratch)
            }
        }
    }

    /// One image by im2col + sgemm: out = W · col + b (any stride and padding).
    private func im2colForward(_ image: UnsafePointer<Float>, filters w: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                               output o: UnsafeMutablePointer<Float>, columns: UnsafeMutablePointer<Float>) {
        let (k, p) = (geometry.patchSize, geometry.outputPositions)
        let col = columnMatrix(of: image, into: columns)
        for f in 0..<filters { (o + f * p).update(repeating: bias[f], count: p) }
        Kernels.sgemmOnCallingThread(transposeA: false, transposeB: false, m: filters, n: p, k: k,
                                     a: w, lda: k, b: col, ldb: p, beta: 1, c: o, ldc: p)
    }

    /// One image's gradients by im2col + sgemm: dW += dout · colᵀ, db += row sums of dout,
    /// dx = col2im(Wᵀ · dout) when `inputGradient` is given.
    private func im2colBackward(_ image: UnsafePointer<Float>, dout d: UnsafePointer<Float>, filters w: UnsafePointer<Float>,
                                filterGradient dW: UnsafeMutablePointer<Float>, biasGradient db: UnsafeMutablePointer<Float>,
                                inputGradient dxi: UnsafeMutablePointer<Float>?, columns: UnsafeMutablePointer<Float>) {
        let (g, k, p) = (geometry, geometry.patchSize, geometry.outputPositions)
        let col = columnMatrix(of: image, into: columns)
        Kernels.sgemmOnCallingThread(transposeA: false, transposeB: true, m: filters, n: k, k: p,
                                     a: d, lda: p, b: col, ldb: p, beta: 1, c: dW, ldc: k)
        for f in 0..<filters {
            var s: Float = 0
            for q in 0..<p { s += d[f * p + q] }
            db[f] += s
        }
        guard let dxi else { return }
        let target = g.isPointwise ? dxi : columns   // a 1×1 window's columns are the image itself
        Kernels.sgemmOnCallingThread(transposeA: true, transposeB: false, m: k, n: p, k: filters,
                                     a: w, lda: k, b: d, ldb: p, beta: 0, c: target, ldc: p)
        if !g.isPointwise {
            dxi.update(repeating: 0, count: g.imageSize)
            Kernels.col2im(columns, g, addingInto: dxi)
        }
    }

    /// The image's column matrix: `columns` filled by im2col, or the image itself for a 1×1 window.
    private func columnMatrix(of image: UnsafePointer<Float>, into columns: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        if geometry.isPointwise { return image }
        Kernels.im2col(image, geometry, into: columns)
        return UnsafePointer(columns)
    }
}

extension ConvolutionGeometry {
    /// A 1×1 window with stride 1 and no padding: the column matrix is the image itself.
    var isPointwise: Bool { filterHeight == 1 && filterWidth == 1 && stride == 1 && pad == 0 }
}

extension Workspace {
    /// Σ_t buffer(t)[range] over the first `slots` buffers, as a tensor of `shape`.
    func sum(slots: Int, range: Range<Int>, shape: [Int]) -> Tensor {
        Tensor(shape: shape, unsafeUninitialized: { out in
            let total = out.baseAddress!
            total.update(from: buffer(0) + range.lowerBound, count: range.count)
            for t in 1..<Swift.max(1, slots) {
                let part = buffer(t) + range.lowerBound
                for j in 0..<range.count { total[j] += part[j] }
            }
        })
    }
}

extension Optional where Wrapped == Tensor {
    /// Calls `body` with the tensor's first element's address, or `nil` when there is no tensor.
    mutating func withUnsafeMutableBaseAddress<R>(_ body: (UnsafeMutablePointer<Float>?) -> R) -> R {
        guard var tensor = self else { return body(nil) }
        self = nil   // keep the buffer uniquely referenced, so no copy is made
        defer { self = tensor }
        return tensor.withUnsafeMutableBufferPointer { body($0.baseAddress) }
    }
}
