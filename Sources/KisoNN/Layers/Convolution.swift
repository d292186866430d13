import Kiso

/// The book's convolution layer: FN filters of shape C×FH×FW, one bias per filter, moved
/// with `stride` over the zero-padded input.
///
///     out[n, f, oh, ow] = b[f] + Σ_{c,i,j} W[f, c, i, j] · x[n, c, oh·S + i − P, ow·S + j − P]
///
/// Input [N, C, H, W] → output [N, FN, OH, OW] with OH = (H + 2P − FH)/S + 1 (likewise OW).
///
/// Implemented for speed, image by image with the images split between the threads, each
/// thread with buffers reused across calls, and outputs written directly in NCHW order (none
/// of the book's full-size transposes):
/// - 3×3 filters, stride 1, pad ≤ 2, at least 8 channels and filters (DeepConvNet after its
///   first layer): `Kernels.WinogradConvolution`, 36 multiplies per 4×4 block of outputs
///   instead of 144 (16 per 2×2 block instead of 36 where the output is not a multiple of 4;
///   each thread passes all of its images at once);
/// - other stride-1 layers with pad ≤ FH − 1 (SimpleConvNet, DeepConvNet's first layer): `Kernels.DirectConvolution`,
///   register-tiled kernels that read shifted copies of the padded image, never building
///   im2col columns (the backward pass gets all of a thread's images in one call, so small
///   planes are stacked);
/// - otherwise: `Kernels.im2col(_:_:into:)` into a (C·FH·FW)×(OH·OW) buffer, then one sgemm
///   `W · col`.
///
/// Backward: ∂L/∂W = Σ_n dout_n · col_nᵀ,  ∂L/∂b[f] = Σ_{n,oh,ow} dout[n, f, oh, ow],
/// ∂L/∂x_n = col2im(Wᵀ · dout_n) — on the direct path the last one is the convolution of the
/// padded dout with the flipped filters.
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

    private var input: Tensor?
    private var geometry: ConvolutionGeometry?
    private let scratch = Workspace()          // per thread: im2col columns or the fast kernels' buffers
    private let packedFilters = Workspace()    // W in the fast kernels' order (Winograd: transformed)
    private let partialGradients = Workspace() // per thread: ∂W and ∂b of its images

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
    /// - Throws: `ConvolutionShapeError` when the output size is not a whole number.
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
        let g: ConvolutionGeometry
        do { g = try geometry(forInputShape: x.shape) } catch { fatalError("Convolution.forward: input \(x.shape), filters \(W.value.shape): \(error)") }
        let (n, fn) = (x.shape[0], W.value.shape[0])
        let threads = Self.threads(for: n)
        let method = Method(g, filters: fn)
        prepare(method, g, filters: fn, threads: threads, adjoint: false)
        let (scratch, packed, outputSize) = (scratch, packedFilters.buffer(0), fn * g.outputPositions)
        let out = Tensor(shape: [n, fn, g.outputHeight, g.outputWidth], unsafeUninitialized: { out in
            x.withUnsafeBufferPointer { px in
                W.value.withUnsafeBufferPointer { pw in
                    b.value.withUnsafeBufferPointer { pb in
                        let (px, pw, pb, po) = (px.baseAddress!, pw.baseAddress!, pb.baseAddress!, out.baseAddress!)
                        Kernels.parallelFor(threads) { slots in
                            for t in slots {
                                let images = (t * n / threads)..<((t + 1) * n / threads)
                                if method == .winograd {   // all of the thread's images in one call
                                    let i = images.lowerBound
                                    Kernels.WinogradConvolution.forward(px + i * g.imageSize, images: images.count, g, packedFilters: packed,
                                                                        bias: pb, filters: fn, relu: fusingRelu,
                                                                        output: po + i * outputSize, scratch: scratch.buffer(t))
                                    continue
                                }
                                for i in images {
                                    let (image, o) = (px + i * g.imageSize, po + i * outputSize)
                                    if method == .direct {
                                        Kernels.DirectConvolution.forward(image, g, packedFilters: packed, bias: pb, filters: fn,
                                                                          relu: fusingRelu, output: o, scratch: scratch.buffer(t))
                                        continue
                                    }
                                    Self.im2colForward(image, g, filters: pw, bias: pb, count: fn, output: o, columns: scratch.buffer(t))
                                    if fusingRelu {
                                        for j in 0..<outputSize where !(o[j] > 0) { o[j] = 0 }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        })
        input = x
        geometry = g
        return out
    }

    /// Fills `W.gradient` and `b.gradient` from `dout` ([N, FN, OH, OW]) and returns ∂L/∂x
    /// ([N, C, H, W]), or an empty tensor when ``computesInputGradient`` is off.
    public func backward(_ dout: Tensor) -> Tensor {
        guard let x = input, let g = geometry else { fatalError("Convolution.backward: called before forward") }
        let (n, fn, k) = (x.shape[0], W.value.shape[0], g.patchSize)
        kisoPrecondition(dout.shape == [n, fn, g.outputHeight, g.outputWidth],
                         "Convolution.backward: dout has shape \(dout.shape), the forward output was [\(n), \(fn), \(g.outputHeight), \(g.outputWidth)]")
        let wantsDx = computesInputGradient
        let threads = Self.threads(for: n)
        let method = Method(g, filters: fn)
        prepare(method, g, filters: fn, threads: threads, adjoint: true)
        partialGradients.reserve(slots: threads, count: fn * k + fn)
        for t in 0..<threads { partialGradients.buffer(t).update(repeating: 0, count: fn * k + fn) }
        let (scratch, partials, packed, outputSize) = (scratch, partialGradients, packedFilters.buffer(0), fn * g.outputPositions)
        var dx = wantsDx ? Tensor(shape: x.shape, unsafeUninitialized: { _ in }) : Tensor.zeros([0])
        dx.withUnsafeMutableBufferPointer { pdx in
            x.withUnsafeBufferPointer { px in
                W.value.withUnsafeBufferPointer { pw in
                    dout.withUnsafeBufferPointer { pd in
                        let (px, pw, pd, pdx) = (px.baseAddress!, pw.baseAddress!, pd.baseAddress!, wantsDx ? pdx.baseAddress : nil)
                        Kernels.parallelFor(threads) { slots in
                            for t in slots {
                                let images = (t * n / threads)..<((t + 1) * n / threads)
                                let (dW, db) = (partials.buffer(t), partials.buffer(t) + fn * k)
                                let i = images.lowerBound
                                switch method {   // all of the thread's images in one call (small planes are stacked)
                                case .winograd:
                                    Kernels.WinogradConvolution.backward(px + i * g.imageSize, dout: pd + i * outputSize, images: images.count, g,
                                                                         adjointFilters: packed, filters: fn, filterGradient: dW, biasGradient: db,
                                                                         inputGradient: pdx.map { $0 + i * g.imageSize }, scratch: scratch.buffer(t))
                                    continue
                                case .direct:
                                    Kernels.DirectConvolution.backward(px + i * g.imageSize, dout: pd + i * outputSize, images: images.count, g,
                                                                       adjointFilters: packed, filters: fn, filterGradient: dW, biasGradient: db,
                                                                       inputGradient: pdx.map { $0 + i * g.imageSize }, scratch: scratch.buffer(t))
                                    continue
                                case .im2col:
                                    break
                                }
                                for i in images {
                                    Self.im2colBackward(px + i * g.imageSize, dout: pd + i * outputSize, g, filters: pw, count: fn,
                                                        filterGradient: dW, biasGradient: db,
                                                        inputGradient: pdx.map { $0 + i * g.imageSize }, columns: scratch.buffer(t))
                                }
                            }
                        }
                    }
                }
            }
        }
        Self.sum(partials, slots: threads, count: fn * k, offset: 0, into: &W.gradient, shape: W.value.shape)
        Self.sum(partials, slots: threads, count: fn, offset: fn * k, into: &b.gradient, shape: b.value.shape)
        return dx
    }

    /// How a geometry is computed (see the type's documentation).
    private enum Method {
        case winograd, direct, im2col

        init(_ g: ConvolutionGeometry, filters: Int) {
            if Kernels.WinogradConvolution.supports(g, filters: filters) {
                self = .winograd
            } else if Kernels.DirectConvolution.supports(g) {
                self = .direct
            } else {
                self = .im2col
            }
        }
    }

    /// Packs W for `method` (the input gradient's filters with `adjoint`) into `packedFilters`
    /// and sizes each thread's scratch.
    private func prepare(_ method: Method, _ g: ConvolutionGeometry, filters fn: Int, threads: Int, adjoint: Bool) {
        switch method {
        case .winograd:
            packedFilters.reserve(slots: 1, count: Kernels.WinogradConvolution.packedFiltersSize(filters: fn, g))
            W.value.withUnsafeBufferPointer {
                Kernels.WinogradConvolution.packFilters($0.baseAddress!, filters: fn, g, adjoint: adjoint, into: packedFilters.buffer(0))
            }
            scratch.reserve(slots: threads, count: Kernels.WinogradConvolution.scratchSize(filters: fn, g))
        case .direct:
            packedFilters.reserve(slots: 1, count: Kernels.DirectConvolution.packedFiltersSize(filters: fn, g))
            W.value.withUnsafeBufferPointer {
                Kernels.DirectConvolution.packFilters($0.baseAddress!, filters: fn, g, adjoint: adjoint, into: packedFilters.buffer(0))
            }
            scratch.reserve(slots: threads, count: Kernels.DirectConvolution.scratchSize(filters: fn, g))
        case .im2col:
            packedFilters.reserve(slots: 1, count: 0)
            if !g.isPointwise { scratch.reserve(slots: threads, count: g.patchSize * g.outputPositions) }
        }
    }

    /// Threads for a batch of `n` images: one image at least per thread.
    private static func threads(for n: Int) -> Int { Swift.max(1, Swift.min(Kernels.maxThreads, n)) }

    /// One image by im2col + sgemm: out = W · col + b (the general path: any stride and padding).
    private static func im2colForward(_ image: UnsafePointer<Float>, _ g: ConvolutionGeometry, filters: UnsafePointer<Float>,
                                      bias: UnsafePointer<Float>, count fn: Int, output o: UnsafeMutablePointer<Float>,
                                      columns: UnsafeMutablePointer<Float>) {
        let (k, p) = (g.patchSize, g.outputPositions)
        var col = image
        if !g.isPointwise {
            Kernels.im2col(image, g, into: columns)
            col = UnsafePointer(columns)
        }
        for f in 0..<fn { (o + f * p).update(repeating: bias[f], count: p) }
        Kernels.sgemmOnCallingThread(transposeA: false, transposeB: false, m: fn, n: p, k: k,
                                     a: filters, lda: k, b: col, ldb: p, beta: 1, c: o, ldc: p)
    }

    /// One image's gradients by im2col + sgemm: dW += dout · colᵀ, db += row sums of dout,
    /// dx = col2im(Wᵀ · dout) when `inputGradient` is given.
    private static func im2colBackward(_ image: UnsafePointer<Float>, dout d: UnsafePointer<Float>, _ g: ConvolutionGeometry,
                                       filters: UnsafePointer<Float>, count fn: Int,
                                       filterGradient dW: UnsafeMutablePointer<Float>, biasGradient db: UnsafeMutablePointer<Float>,
                                       inputGradient dxi: UnsafeMutablePointer<Float>?, columns: UnsafeMutablePointer<Float>) {
        let (k, p) = (g.patchSize, g.outputPositions)
        var col = image
        if !g.isPointwise {
            Kernels.im2col(image, g, into: columns)
            col = UnsafePointer(columns)
        }
        Kernels.sgemmOnCallingThread(transposeA: false, transposeB: true, m: fn, n: k, k: p,
                                     a: d, lda: p, b: col, ldb: p, beta: 1, c: dW, ldc: k)
        for f in 0..<fn {
            var s: Float = 0
            for q in 0..<p { s += d[f * p + q] }
            db[f] += s
        }
        guard let dxi else { return }
        if g.isPointwise {
            Kernels.sgemmOnCallingThread(transposeA: true, transposeB: false, m: k, n: p, k: fn,
                                         a: filters, lda: k, b: d, ldb: p, beta: 0, c: dxi, ldc: p)
        } else {
            Kernels.sgemmOnCallingThread(transposeA: true, transposeB: false, m: k, n: p, k: fn,
                                         a: filters, lda: k, b: d, ldb: p, beta: 0, c: columns, ldc: p)
            dxi.update(repeating: 0, count: g.imageSize)
            Kernels.col2im(columns, g, addingInto: dxi)
        }
    }

    /// gradient = Σ_t partials[t][offset ..< offset + count], reusing the gradient's buffer.
    private static func sum(_ partials: Workspace, slots: Int, count: Int, offset: Int,
                            into gradient: inout Tensor, shape: [Int]) {
        if gradient.shape != shape { gradient = Tensor.zeros(shape) }
        gradient.withUnsafeMutableBufferPointer { g in
            let g = g.baseAddress!
            g.update(from: partials.buffer(0) + offset, count: count)
            for t in 1..<Swift.max(1, slots) {
                let src = partials.buffer(t) + offset
                for j in 0..<count { g[j] += src[j] }
            }
        }
    }
}

extension ConvolutionGeometry {
    /// A 1×1 window with stride 1 and no padding: the column matrix is the image itself.
    var isPointwise: Bool { filterHeight == 1 && filterWidth == 1 && stride == 1 && pad == 0 }
}
