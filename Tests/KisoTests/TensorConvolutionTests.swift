import Testing
import Kiso

/// `conv2d`, `conv2dBackward`, `maxPool2d` and `maxPool2dBackward` against index loops in
/// double precision, on every kernel path (im2col: stride 2; direct: stride 1; Winograd: 3×3
/// with ≥ 8 channels and filters) and on sizes the stride does not divide, whose output is floored.
///
/// Tolerance: each result is a sum of at most C·FH·FW ≤ 72 (forward), FN·FH·FW ≤ 72 (∂x) or
/// N·OH·OW ≤ 98 (∂W, ∂b) products of standard-normal values; float32 accumulation in any order
/// agrees with the double sum to about √terms·2⁻²⁴·Σ|terms| (Winograd F(4×4) amplifies it about
/// tenfold), under 1e-5 of Σ|terms|. 1e-4 of Σ|terms| leaves a margin; a missing or misplaced
/// term is an error of order 1.
@Suite struct TensorConvolutionTests {
    /// (batch, channels, size, filters, filter size, stride, pad).
    /// Batches of 13 split into groups of images of uneven sizes (6 and 7 on two threads), on each path.
    @Test(arguments: [(2, 3, 8, 2, 3, 2, 1), (2, 3, 7, 4, 3, 2, 0), (2, 2, 9, 3, 3, 3, 1), (2, 2, 7, 3, 3, 1, 1),
                      (2, 8, 6, 8, 3, 1, 1), (1, 2, 6, 3, 1, 1, 0), (13, 3, 7, 4, 3, 2, 0), (13, 2, 7, 3, 3, 1, 1),
                      (13, 8, 6, 8, 3, 1, 1)])
    func conv2dAndItsGradientsMatchIndexLoops(batch n: Int, channels c: Int, size: Int, filters fn: Int, filterSize f: Int,
                                              stride: Int, pad: Int) throws {
        var rng = RandomGenerator(seed: UInt64(1000 * size + 100 * stride + 10 * pad + c))
        let x = Tensor.randn([n, c, size, size], using: &rng)
        let w = Tensor.randn([fn, c, f, f], using: &rng), b = Tensor.randn([fn], using: &rng)
        let o = (size + 2 * pad - f) / stride + 1   // floored
        let out = try conv2d(x, w, b, stride: stride, pad: pad)
        #expect(out.shape == [n, fn, o, o])
        let dout = Tensor.randn(out.shape, using: &rng)
        let grads = try conv2dBackward(dout, input: x, weight: w, stride: stride, pad: pad)

        var refOut = Reference(count: out.count), refDX = Reference(count: x.count)
        var refDW = Reference(count: w.count), refDB = Reference(count: fn)
        for i in 0..<n { for k in 0..<fn { for y in 0..<o { for xo in 0..<o {
            let index = ((i * fn + k) * o + y) * o + xo, d = Double(dout[i, k, y, xo])
            refOut.add(index, Double(b[k]))
            refDB.add(k, d)
            for ch in 0..<c { for p in 0..<f { for q in 0..<f {
                let (row, col) = (y * stride + p - pad, xo * stride + q - pad)
                guard (0..<size).contains(row) && (0..<size).contains(col) else { continue }
                refOut.add(index, Double(w[k, ch, p, q]) * Double(x[i, ch, row, col]))
                refDW.add(((k * c + ch) * f + p) * f + q, d * Double(x[i, ch, row, col]))
                refDX.add(((i * c + ch) * size + row) * size + col, d * Double(w[k, ch, p, q]))
            } } }
        } } } }
        refOut.expectClose(out, "out")
        refDX.expectClose(try #require(grads.input), "∂x")
        refDW.expectClose(grads.weight, "∂W")
        refDB.expectClose(grads.bias, "∂b")

        let fused = try conv2d(x, w, b, stride: stride, pad: pad, fusedRelu: true)
        #expect(fused.scalars == relu(out).scalars)
        let noInputGradient = try conv2dBackward(dout, input: x, weight: w, stride: stride, pad: pad, inputGradient: false)
        #expect(noInputGradient.input == nil)
        #expect(noInputGradient.weight.scalars == grads.weight.scalars)
    }

    /// The threads claim groups of images in a different order from call to call, and the
    /// gradients' per-group partial sums are added in group order: every call gives the same bits.
    @Test(arguments: [(8, 3, 1), (5, 5, 1), (8, 5, 2)])   // Winograd, direct, im2col (channels, filter size, stride)
    func gradientsAreTheSameBitsOnEveryCall(channels c: Int, filterSize f: Int, stride: Int) throws {
        var rng = RandomGenerator(seed: UInt64(c * 10 + f))
        let x = Tensor.randn([37, c, 12, 12], using: &rng), w = Tensor.randn([8, c, f, f], using: &rng)
        let dout = Tensor.randn(try conv2d(x, w, stride: stride, pad: 1).shape, using: &rng)
        let first = try conv2dBackward(dout, input: x, weight: w, stride: stride, pad: 1)
        for _ in 0..<20 {
            let again = try conv2dBackward(dout, input: x, weight: w, stride: stride, pad: 1)
            #expect(again.weight.scalars == first.weight.scalars)
            #expect(again.bias.scalars == first.bias.scalars)
            #expect(try #require(again.input).scalars == #require(first.input).scalars)
        }
    }

    @Test func conv2dWithoutBiasAddsNothing() throws {
        var rng = RandomGenerator(seed: 3)
        let x = Tensor.randn([1, 2, 5, 5], using: &rng), w = Tensor.randn([3, 2, 3, 3], using: &rng)
        #expect(try conv2d(x, w, stride: 2).scalars == conv2d(x, w, Tensor.zeros([3]), stride: 2).scalars)
    }

    @Test func filterLargerThanThePaddedInputThrows() {
        #expect(throws: ConvolutionShapeError.self) { try conv2d(Tensor.zeros([1, 1, 2, 2]), Tensor.zeros([1, 1, 5, 5])) }
        #expect(throws: ConvolutionShapeError.self) { try maxPool2d(Tensor.zeros([1, 1, 2, 2]), height: 3, width: 3, stride: 1) }
    }

    /// (size, window, stride, pad): the vectorised 2×2 kernel (even sizes), the general one, floored sizes.
    @Test(arguments: [(6, 2, 2, 0), (7, 2, 2, 0), (7, 3, 2, 1), (8, 3, 3, 0), (5, 2, 1, 1)])
    func maxPool2dMatchesAnIndexLoop(size: Int, window: Int, stride: Int, pad: Int) throws {
        var rng = RandomGenerator(seed: UInt64(100 * size + 10 * window + stride))
        let x = Tensor.randn([2, 3, size, size], using: &rng)
        let o = (size + 2 * pad - window) / stride + 1
        let (out, winners) = try maxPool2d(x, height: window, width: window, stride: stride, pad: pad)
        #expect(out.shape == [2, 3, o, o])
        let dout = Tensor.randn(out.shape, using: &rng)
        let dx = maxPool2dBackward(dout, winners: winners)
        var expectedDX = Tensor.zeros(x.shape)
        for i in 0..<2 { for ch in 0..<3 { for y in 0..<o { for xo in 0..<o {
            var best = -Float.infinity, at: (Int, Int)? = nil   // first maximum in window order; padding is 0
            for p in 0..<window { for q in 0..<window {
                let (row, col) = (y * stride + p - pad, xo * stride + q - pad)
                let inside = (0..<size).contains(row) && (0..<size).contains(col)
                let v = inside ? x[i, ch, row, col] : 0
                if v > best { (best, at) = (v, inside ? (row, col) : nil) }
            } }
            #expect(out[i, ch, y, xo] == best)
            if let at { expectedDX[i, ch, at.0, at.1] += dout[i, ch, y, xo] }
        } } } }
        #expect(dx.scalars == expectedDX.scalars)   // each input gets at most a few exact float sums, in the same order
    }

    @Test func reluAndItsBackwardMaskByTheOutput() {
        let x = Tensor((-20..<20).map { Float($0) / 4 }).reshaped(2, 20)
        let y = relu(x)
        #expect(y.scalars == x.scalars.map { max($0, 0) })
        let dout = Tensor.ones(x.shape) * 3
        #expect(reluBackward(dout, output: y).scalars == x.scalars.map { $0 > 0 ? 3 : 0 })
        #expect(sigmoidBackward(Tensor([2]), output: Tensor([0.25])).scalars == [2 * 0.75 * 0.25])
        #expect(tanhBackward(Tensor([2]), output: Tensor([0.5])).scalars == [2 * 0.75])
    }

    @Test func wideTransposedProductMatchesTheNarrowOne() {
        // aᵀ·b with a wider than b takes the (bᵀ·a)ᵀ route; the same 7-term sums, exact for small integers.
        let a = Tensor((0..<(7 * 30)).map { Float($0 % 11) - 5 }).reshaped(7, 30)
        let b = Tensor((0..<(7 * 4)).map { Float($0 % 7) - 3 }).reshaped(7, 4)
        #expect(matmul(a, b, transposeA: true).scalars == matmul(a.T, b).scalars)
    }

    @Test func oneHotRows() {
        #expect(Tensor.oneHot([2, 0], classes: 3).scalars == [0, 0, 1, 1, 0, 0])
    }
}

/// Double sums with Σ|terms| beside them, for the tolerance of float32 results.
private struct Reference {
    var value: [Double], magnitude: [Double]

    init(count: Int) { (value, magnitude) = ([Double](repeating: 0, count: count), [Double](repeating: 0, count: count)) }

    mutating func add(_ i: Int, _ term: Double) {
        value[i] += term
        magnitude[i] += Swift.abs(term)
    }

    func expectClose(_ got: Tensor, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(got.count == value.count, "\(name): \(got.count) values, expected \(value.count)", sourceLocation: sourceLocation)
        let worst = zip(got.scalars, zip(value, magnitude)).map { Swift.abs(Double($0) - $1.0) / Swift.max($1.1, 1e-30) }.max() ?? 0
        #expect(worst <= 1e-4, "\(name): error \(worst) of Σ|terms|", sourceLocation: sourceLocation)
    }
}
