import Kiso

/// The book's convolution layer: FN filters of shape C×FH×FW, one bias per filter, moved
/// with `stride` over the zero-padded input.
///
///     out[n, f, oh, ow] = b[f] + Σ_{c,i,j} W[f, c, i, j] · x[n, c, oh·S + i − P, ow·S + j − P]
///
/// Input [N, C, H, W] → output [N, FN, OH, OW] with OH = (H + 2P − FH)/S + 1 (likewise OW).
///
/// Each image is unfolded by ``Kernels/im2col(_:_:into:)`` into a column matrix of shape
/// (C·FH·FW) × (OH·OW) in a buffer reused across calls, and `W · col` (one sgemm) writes the
/// image's output directly in NCHW order — none of the book's full-size transposes. Images
/// are split between the threads. The backward pass recomputes each image's columns (cheaper
/// than keeping N of them) while they are in cache:
///
///     ∂L/∂W = Σ_n dout_n · col_nᵀ,   ∂L/∂b[f] = Σ_{n,oh,ow} dout[n, f, oh, ow],   ∂L/∂x_n = col2im(Wᵀ · dout_n)
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
    private let columns = Workspace()
    private let partialGradients = Workspace()

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
    /// - Throws: ``ConvolutionShapeError`` when the output size is not a whole number.
    public func geometry(forInputShape inputShape: [Int]) throws(ConvolutionShapeError) -> ConvolutionGeometry {
        kisoPrecondition(inputShape.count == 4 && inputShape[1] == W.value.shape[1],
                         "Convolution: input shape \(inputShape) must be [N, \(W.value.shape[1]), H, W] for filters \(W.value.shape)")
        return try ConvolutionGeometry(channels: inputShape[1], height: inputShape[2], width: inputShape[3],
                                       filterHeight: W.value.shape[2], filterWidth: W.value.shape[3], stride: stride, pad: pad)
    }

    /// out = W ⊛ x + b, shape [N, FN, OH, OW] for x of shape [N, C, H, W].
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let g: ConvolutionGeometry
        do { g = try geometry(forInputShape: x.shape) } catch { fatalError("Convolution.forward: input \(x.shape), filters \(W.value.shape): \(error)") }
        let (n, fn, k, p) = (x.shape[0], W.value.shape[0], g.patchSize, g.outputPositions)
        let pointwise = g.isPointwise
        let threads = Swift.max(1, Swift.min(Kernels.maxThreads, n))
        if !pointwise { columns.reserve(slots: threads, count: k * p) }
        let columns = columns
        let out = Tensor(shape: [n, fn, g.outputHeight, g.outputWidth], unsafeUninitialized: { out in
            x.withUnsafeBufferPointer { px in
                W.value.withUnsafeBufferPointer { pw in
                    b.value.withUnsafeBufferPointer { pb in
                        let (px, pw, pb, po) = (px.baseAddress!, pw.baseAddress!, pb.baseAddress!, out.baseAddress!)
                        Kernels.parallelFor(threads) { slots in
                            for t in slots {
                                for i in (t * n / threads)..<((t + 1) * n / threads) {
                                    let image = px + i * g.imageSize
                                    var col = image
                                    if !pointwise {
                                        Kernels.im2col(image, g, into: columns.buffer(t))
                                        col = UnsafePointer(columns.buffer(t))
                                    }
                                    let o = po + i * fn * p
                                    for f in 0..<fn { (o + f * p).update(repeating: pb[f], count: p) }
                                    Kernels.sgemm(transposeA: false, transposeB: false, m: fn, n: p, k: k,
                                                  a: pw, lda: k, b: col, ldb: p, beta: 1, c: o, ldc: p)
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
        let (n, fn, k, p) = (x.shape[0], W.value.shape[0], g.patchSize, g.outputPositions)
        kisoPrecondition(dout.shape == [n, fn, g.outputHeight, g.outputWidth],
                         "Convolution.backward: dout has shape \(dout.shape), the forward output was [\(n), \(fn), \(g.outputHeight), \(g.outputWidth)]")
        let pointwise = g.isPointwise, wantsDx = computesInputGradient
        let threads = Swift.max(1, Swift.min(Kernels.maxThreads, n))
        if !pointwise { columns.reserve(slots: threads, count: k * p) }
        partialGradients.reserve(slots: threads, count: fn * k + fn)
        let (columns, partials) = (columns, partialGradients)
        var dx = wantsDx ? Tensor(shape: x.shape, unsafeUninitialized: { _ in }) : Tensor.zeros([0])
        dx.withUnsafeMutableBufferPointer { pdx in
            x.withUnsafeBufferPointer { px in
                W.value.withUnsafeBufferPointer { pw in
                    dout.withUnsafeBufferPointer { pd in
                        let (px, pw, pd, pdx) = (px.baseAddress!, pw.baseAddress!, pd.baseAddress!, pdx.baseAddress)
                        Kernels.parallelFor(threads) { slots in
                            for t in slots {
                                let dW = partials.buffer(t), db = dW + fn * k
                                dW.update(repeating: 0, count: fn * k + fn)
                                for i in (t * n / threads)..<((t + 1) * n / threads) {
                                    let image = px + i * g.imageSize, d = pd + i * fn * p
                                    var col = image
                                    if !pointwise {
                                        Kernels.im2col(image, g, into: columns.buffer(t))
                                        col = UnsafePointer(columns.buffer(t))
                                    }
                                    // ∂W += dout_n · col_nᵀ   (FN × P)·(P × C·FH·FW)
                                    Kernels.sgemm(transposeA: false, transposeB: true, m: fn, n: k, k: p,
                                                  a: d, lda: p, b: col, ldb: p, beta: 1, c: dW, ldc: k)
                                    for f in 0..<fn {
                                        var s: Float = 0
                                        for q in 0..<p { s += d[f * p + q] }
                                        db[f] += s
                                    }
                                    guard wantsDx, let pdx else { continue }
                                    // ∂x_n = col2im(Wᵀ · dout_n)   (C·FH·FW × FN)·(FN × P)
                                    let dxi = pdx + i * g.imageSize
                                    if pointwise {
                                        Kernels.sgemm(transposeA: true, transposeB: false, m: k, n: p, k: fn,
                                                      a: pw, lda: k, b: d, ldb: p, beta: 0, c: dxi, ldc: p)
                                    } else {
                                        let dcol = columns.buffer(t)
                                        Kernels.sgemm(transposeA: true, transposeB: false, m: k, n: p, k: fn,
                                                      a: pw, lda: k, b: d, ldb: p, beta: 0, c: dcol, ldc: p)
                                        dxi.update(repeating: 0, count: g.imageSize)
                                        Kernels.col2im(dcol, g, addingInto: dxi)
                                    }
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
