import Testing
import Kiso
import KisoNN

@Suite struct ConvolutionTests {
    /// The book's figure 7-3/7-6 example: a 4×4 input and a 3×3 filter.
    static let bookInput = Tensor([[[[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]]]])
    static let bookFilter = Tensor([[[[2, 0, 1], [0, 1, 2], [1, 0, 2]]]])

    @Test func bookFourByFourExample() {
        let conv = Convolution(W: Self.bookFilter, b: Tensor([0]))
        let out = conv.forward(Self.bookInput, training: false)
        #expect(out.shape == [1, 1, 2, 2])
        #expect(out.scalars == [15, 16, 6, 15])
    }

    @Test func bookExampleWithBiasPaddingAndStride() {
        // Bias 3 is added to every output (book figure 7-5: [[18, 19], [9, 18]]).
        let withBias = Convolution(W: Self.bookFilter, b: Tensor([3])).forward(Self.bookInput, training: false)
        #expect(withBias.scalars == [18, 19, 9, 18])
        // Padding 1 keeps the 4×4 size (book figure 7-6).
        let padded = Convolution(W: Self.bookFilter, b: Tensor([0]), pad: 1).forward(Self.bookInput, training: false)
        #expect(padded.shape == [1, 1, 4, 4])
        #expect(padded.scalars == [7, 12, 10, 2, 4, 15, 16, 10, 10, 6, 15, 6, 8, 10, 4, 3])
        // Stride 3 with padding 1 keeps positions 0 and 3 of the padded result.
        let strided = Convolution(W: Self.bookFilter, b: Tensor([0]), stride: 3, pad: 1).forward(Self.bookInput, training: false)
        #expect(strided.scalars == [7, 2, 8, 3])
    }

    // (channels, size, filters, filter size, stride, pad): the direct kernels (stride 1) and the
    // im2col path (stride 2), including SimpleConvNet's and DeepConvNet's layer shapes.
    @Test(arguments: [(3, 7, 5, 3, 1, 0), (3, 7, 5, 3, 2, 1), (3, 7, 5, 3, 1, 2), (1, 28, 30, 5, 1, 0), (32, 14, 32, 3, 1, 2), (16, 8, 64, 3, 1, 1)])
    func matchesTheBookIm2colAlgorithm(channels c: Int, size: Int, filters fn: Int, filterSize f: Int, stride: Int, pad: Int) throws {
        // The book computes im2col(x) · W.reshape(FN, −1)ᵀ + b, then reshapes and transposes
        // to NCHW. Same products summed in a different order: float32 sums of K = C·F·F ≤ 289
        // terms agree to about √K·2⁻²⁴·Σ|w·x| (random-walk rounding), far below 1e-5 of the
        // output scale for these standard-normal inputs.
        var rng = RandomGenerator(seed: UInt64(c * 100 + size))
        let x = Tensor.randn([2, c, size, size], using: &rng)
        let w = Tensor.randn([fn, c, f, f], using: &rng), b = Tensor.randn([fn], using: &rng)
        let out = Convolution(W: w, b: b, stride: stride, pad: pad).forward(x, training: false)
        let oh = try ConvolutionGeometry.outputSize(input: size, filter: f, stride: stride, pad: pad)
        let col = try im2col(x, filterHeight: f, filterWidth: f, stride: stride, pad: pad)
        let book = (matmul(col, w.reshaped(fn, c * f * f), transposeB: true) + b).reshaped(2, oh, oh, fn).transposed(0, 3, 1, 2)
        #expect(out.shape == book.shape)
        let scale = book.scalars.map(abs).max()!
        let error = zip(out.scalars, book.scalars).map { abs($0 - $1) }.max()!
        #expect(error <= 1e-5 * scale)
    }

    // The layer is linear in W, b and x, so a central difference has no truncation error for
    // any h; h = 0.1 makes the float32 rounding of the forward pass (≈ 1e-6 relative per
    // output, 27-term dot products) negligible: expected error ≈ 1e-5 of the gradient scale.
    // 1e-3 leaves a wide margin, while a wrong index or a missing term is an O(1) error.
    @Test(arguments: [(1, 0), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2)])
    func gradientsMatchNumericalGradients(stride: Int, pad: Int) {
        var rng = RandomGenerator(seed: UInt64(10 * stride + pad))
        let conv = Convolution(W: Tensor.randn([4, 3, 3, 3], using: &rng), b: Tensor.randn([4], using: &rng),
                               stride: stride, pad: pad)
        let input = Parameter(Tensor.randn([2, 3, 8, 8], using: &rng))   // stride 2: (8 + 2P − 3)/2 floored
        let shape = conv.forward(input.value, training: true).shape
        let weights = Tensor.randn(shape, using: &rng)
        let loss = { ConvGradientCheck.weightedSum(conv.forward(input.value, training: true), weights) }

        _ = conv.forward(input.value, training: true)
        let dx = conv.backward(weights)
        let (dW, db) = (conv.W.gradient, conv.b.gradient)
        #expect(dx.shape == input.value.shape && dW.shape == [4, 3, 3, 3] && db.shape == [4])
        #expect(ConvGradientCheck.relativeError(dW, ConvGradientCheck.numerical(conv.W, h: 0.1, loss: loss)) < 1e-3)
        #expect(ConvGradientCheck.relativeError(db, ConvGradientCheck.numerical(conv.b, h: 0.1, loss: loss)) < 1e-3)
        #expect(ConvGradientCheck.relativeError(dx, ConvGradientCheck.numerical(input, h: 0.1, loss: loss)) < 1e-3)
    }

    // (batch, channels, height, width, filters, pad): odd shapes for the direct kernels — 5 and 13
    // filters leave partial 6-filter panels, most planes are not whole 16-position tiles, and
    // the backward pass stacks several images per kernel call (batch 19 of 5×5 planes gives
    // each of 2 threads two stacks) — against the book's im2col algorithm: out = col·Wᵀ + b,
    // dW = doutᵀ·col, db = Σ dout, dx = col2im(dout·W). The same products summed in another
    // order: float32 sums of at most N·OH·OW ≈ 19·49 terms (dW), FN·F·F ≤ 117 terms (dx) or
    // C·F·F ≤ 45 terms (out) agree to about √terms·2⁻²⁴ of Σ|terms| ≈ 1e-5 of the result's
    // scale; 1e-4 leaves a margin, and a wrong or missing term is an O(1) error.
    @Test(arguments: [(3, 2, 7, 7, 5, 0), (3, 5, 9, 9, 13, 1), (3, 2, 9, 7, 13, 2), (3, 5, 7, 9, 5, 1),
                      (19, 2, 5, 5, 5, 1), (19, 5, 5, 5, 13, 2), (4, 2, 28, 28, 5, 1)])
    func directKernelsMatchTheBookIm2colAlgorithm(batch n: Int, channels c: Int, height h: Int, width w: Int,
                                                   filters fn: Int, pad: Int) throws {
        try checkAgainstTheBookIm2colAlgorithm(batch: n, channels: c, height: h, width: w, filters: fn, pad: pad)
    }

    // (batch, channels, height, width, filters, pad): layers of ≥ 8 channels and filters, which
    // run on the Winograd kernels — F(4×4, 3×3) where the output size is a multiple of 4 (12×12,
    // 8×8, 16×16 with an input gradient of 14×14 on F(2×2)), F(2×2, 3×3) elsewhere: odd sizes
    // (a ragged last row or column of tiles), channel and filter counts that are not whole runs
    // of 16, pads 0–2, and batches that each thread processes in several blocks of images (25 of
    // 14×14 with 20 channels and 17 filters: 2 images per block). Same check and tolerance as
    // above: F(2×2)'s transforms have coefficients ±1 and ½, so the float32 results stay within a
    // few ulps of Σ|terms|; F(4×4)'s reach 8 and 1/24 and amplify rounding about tenfold, to
    // ≈ 1e-5 of the result's scale, still under 1e-4.
    @Test(arguments: [(3, 8, 7, 7, 8, 0), (3, 9, 9, 7, 13, 1), (2, 16, 8, 8, 32, 2), (25, 20, 14, 14, 17, 1),
                      (4, 32, 5, 6, 19, 2), (5, 64, 8, 8, 64, 1), (3, 16, 12, 12, 16, 1), (2, 8, 14, 14, 9, 2)])
    func winogradKernelsMatchTheBookIm2colAlgorithm(batch n: Int, channels c: Int, height h: Int, width w: Int,
                                                     filters fn: Int, pad: Int) throws {
        try checkAgainstTheBookIm2colAlgorithm(batch: n, channels: c, height: h, width: w, filters: fn, pad: pad)
    }

    /// A 3×3 Convolution's forward and backward against im2col, see the two tests above.
    private func checkAgainstTheBookIm2colAlgorithm(batch n: Int, channels c: Int, height h: Int, width w: Int,
                                                    filters fn: Int, pad: Int) throws {
        var rng = RandomGenerator(seed: UInt64(1000 * n + 100 * c + 10 * h + pad))
        let x = Tensor.randn([n, c, h, w], using: &rng)
        let conv = Convolution(W: Tensor.randn([fn, c, 3, 3], using: &rng), b: Tensor.randn([fn], using: &rng), pad: pad)
        let out = conv.forward(x, training: true)
        let dout = Tensor.randn(out.shape, using: &rng)
        let dx = conv.backward(dout)
        let (oh, ow) = (out.shape[2], out.shape[3])
        let col = try im2col(x, filterHeight: 3, filterWidth: 3, pad: pad)                     // [N·OH·OW, C·9]
        let d = dout.transposed(0, 2, 3, 1).reshaped(n * oh * ow, fn)                            // [N·OH·OW, FN]
        let bookDW = matmul(d, col, transposeA: true).reshaped(fn, c, 3, 3)
        let bookDB = d.sum(axis: 0)
        let bookDX = try col2im(matmul(d, conv.W.value.reshaped(fn, c * 9)), inputShape: x.shape,
                                filterHeight: 3, filterWidth: 3, pad: pad)
        let bookOut = (matmul(col, conv.W.value.reshaped(fn, c * 9), transposeB: true) + conv.b.value)
            .reshaped(n, oh, ow, fn).transposed(0, 3, 1, 2)
        for (got, want) in [(out, bookOut), (conv.W.gradient, bookDW), (conv.b.gradient, bookDB), (dx, bookDX)] {
            #expect(got.shape == want.shape)
            let scale = want.scalars.map(abs).max()!
            let error = zip(got.scalars, want.scalars).map { abs($0 - $1) }.max()!
            #expect(error <= 1e-4 * scale, "shape \(want.shape): error \(error), scale \(scale)")
        }
    }

    @Test func pointwiseFiltersUseTheImageAsItsOwnColumns() {
        // 1×1 filters with stride 1 and no padding skip im2col; same linearity argument as above.
        var rng = RandomGenerator(seed: 5)
        let conv = Convolution(W: Tensor.randn([3, 4, 1, 1], using: &rng), b: Tensor.randn([3], using: &rng))
        let input = Parameter(Tensor.randn([2, 4, 3, 5], using: &rng))
        let weights = Tensor.randn([2, 3, 3, 5], using: &rng)
        let out = conv.forward(input.value, training: true)
        // out[n, f, y, x] = b[f] + Σ_c W[f, c] x[n, c, y, x]
        let w = conv.W.value, b = conv.b.value, x = input.value
        for (n, f, y, xx) in [(0, 0, 0, 0), (1, 2, 2, 4), (0, 1, 1, 3)] {
            var s = Double(b[f])
            for c in 0..<4 { s += Double(w[f, c, 0, 0]) * Double(x[n, c, y, xx]) }
            #expect(abs(Double(out[n, f, y, xx]) - s) <= 1e-5 * max(1, abs(s)))
        }
        let loss = { ConvGradientCheck.weightedSum(conv.forward(input.value, training: true), weights) }
        _ = conv.forward(input.value, training: true)
        let dx = conv.backward(weights)
        #expect(ConvGradientCheck.relativeError(conv.W.gradient, ConvGradientCheck.numerical(conv.W, h: 0.1, loss: loss)) < 1e-3)
        #expect(ConvGradientCheck.relativeError(dx, ConvGradientCheck.numerical(input, h: 0.1, loss: loss)) < 1e-3)
    }

    @Test func firstLayerCanSkipTheInputGradient() {
        var rng = RandomGenerator(seed: 9)
        let w = Tensor.randn([2, 1, 3, 3], using: &rng), b = Tensor.randn([2], using: &rng)
        let x = Tensor.randn([3, 1, 6, 6], using: &rng), dout = Tensor.randn([3, 2, 4, 4], using: &rng)
        let full = Convolution(W: w, b: b), first = Convolution(W: w, b: b)
        first.computesInputGradient = false
        _ = full.forward(x, training: true)
        _ = first.forward(x, training: true)
        #expect(full.backward(dout).shape == [3, 1, 6, 6])
        #expect(first.backward(dout).shape == [0])
        #expect(first.W.gradient.scalars == full.W.gradient.scalars)
        #expect(first.b.gradient.scalars == full.b.gradient.scalars)
    }

    @Test func geometryFloorsTheOutputSize() throws {
        let conv = Convolution(W: Tensor.zeros([1, 1, 2, 2]), b: Tensor.zeros([1]), stride: 2)
        #expect(try conv.geometry(forInputShape: [1, 1, 5, 5]).outputHeight == 2)
        #expect(try conv.geometry(forInputShape: [1, 1, 6, 6]).outputHeight == 3)
        #expect(throws: ConvolutionShapeError.self) { try conv.geometry(forInputShape: [1, 1, 1, 1]) }
    }

    @Test func strideTwoDownsamplingFloorsLikeTheBook() {
        // 8×8 input, 3×3 filter, stride 2, pad 1: ⌊(8 + 2 − 3) / 2⌋ + 1 = 4 (the book and PyTorch).
        var rng = RandomGenerator(seed: 8)
        let conv = Convolution(W: Tensor.randn([2, 3, 3, 3], using: &rng), b: Tensor.randn([2], using: &rng), stride: 2, pad: 1)
        let out = conv.forward(Tensor.randn([2, 3, 8, 8], using: &rng), training: true)
        #expect(out.shape == [2, 2, 4, 4])
        #expect(conv.backward(Tensor.ones(out.shape)).shape == [2, 3, 8, 8])
    }
}
