import Kiso
import Testing

/// The direct convolution kernels of the current dispatch path against index loops in double
/// precision: forward (with and without the fused ReLU), ∂W, ∂b and ∂x, for several images at
/// once (the backward call stacks small images), odd sizes, 3×3 and 5×5 filters and pads 0–2.
/// `KernelTests.everySupportedPathIsCorrect` runs it on every path this CPU supports, so the
/// portable instance (the one arm64 uses) is tested on x86-64 too. With `winograd`, the
/// Winograd kernels instead, on 3×3 cases: F(4×4, 3×3) where the output size is a multiple of 4
/// (28×28, 12×8, 8×12, 4×4; the last two with an input gradient on F(2×2)), F(2×2, 3×3)
/// elsewhere, with several blocks of images per call and channel counts that are not whole runs
/// of 16 (33 channels and 40 filters: products of whole groups of 12 rows and 32 columns, and the
/// rows and 16 columns left over). F(2×2)'s transforms only add and subtract (±1, ½); F(4×4)'s
/// coefficients reach 8 and 1/24 and amplify rounding by about 10× (errors ≈ 1e-5 of Σ|terms|
/// measured), still under the 1e-4 tolerance.
///
/// Tolerance: each output is a sum of at most C·F² ≤ 297 (forward), FN·F² ≤ 360 (∂x) or
/// N·OH·OW ≤ 1372 (∂W) products of values in [−1, 1]; float32 accumulation in another order
/// agrees with the double sum to about √terms·2⁻²⁴ of Σ|terms|, under 1e-5 of it. 1e-4 of
/// Σ|terms| leaves a margin; a missing or wrong term is an error of order 1.
func checkConvolutionKernels(winograd: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let cases: [(n: Int, c: Int, h: Int, w: Int, fn: Int, f: Int, pad: Int)] = winograd
        ? [(3, 2, 7, 7, 5, 3, 0), (3, 5, 9, 7, 13, 3, 1), (2, 3, 8, 8, 7, 3, 2), (7, 20, 14, 14, 17, 3, 1), (1, 1, 28, 28, 4, 3, 1),
           (3, 9, 12, 8, 11, 3, 1), (2, 6, 6, 10, 5, 3, 2), (4, 7, 6, 6, 3, 3, 0),
           (3, 33, 12, 12, 40, 3, 1)]
        : [(3, 2, 7, 7, 5, 3, 0), (3, 5, 9, 7, 13, 3, 1), (2, 3, 8, 8, 7, 3, 2), (3, 3, 9, 9, 5, 5, 2), (1, 1, 28, 28, 4, 5, 0)]
    var generator = RandomGenerator(seed: 77)
    for t in cases {
        let g = try ConvolutionGeometry(channels: t.c, height: t.h, width: t.w, filterHeight: t.f, filterWidth: t.f, pad: t.pad)
        let (oh, ow) = (g.outputHeight, g.outputWidth)
        func uniform(_ count: Int) -> [Float] { (0..<count).map { _ in Float(generator.nextUniform() * 2 - 1) } }
        let x = uniform(t.n * g.imageSize), w = uniform(t.fn * g.patchSize), b = uniform(t.fn)
        let dout = uniform(t.n * t.fn * oh * ow)
        func xAt(_ n: Int, _ c: Int, _ y: Int, _ xx: Int) -> Double {
            (y < 0 || y >= t.h || xx < 0 || xx >= t.w) ? 0 : Double(x[((n * t.c + c) * t.h + y) * t.w + xx])
        }
        func wAt(_ f: Int, _ c: Int, _ i: Int, _ j: Int) -> Double { Double(w[((f * t.c + c) * t.f + i) * t.f + j]) }

        // Reference sums (value and Σ|term| for the tolerance).
        var out = [(Double, Double)](repeating: (0, 0), count: t.n * t.fn * oh * ow)
        var dW = [(Double, Double)](repeating: (0, 0), count: t.fn * g.patchSize)
        var dx = [(Double, Double)](repeating: (0, 0), count: t.n * g.imageSize)
        for n in 0..<t.n { for f in 0..<t.fn { for y in 0..<oh { for xo in 0..<ow {
            let o = ((n * t.fn + f) * oh + y) * ow + xo, d = Double(dout[o])
            out[o] = (Double(b[f]), abs(Double(b[f])))
            for c in 0..<t.c { for i in 0..<t.f { for j in 0..<t.f {
                let (yy, xx) = (y + i - t.pad, xo + j - t.pad)
                let term = wAt(f, c, i, j) * xAt(n, c, yy, xx)
                out[o].0 += term; out[o].1 += abs(term)
                let k = ((f * t.c + c) * t.f + i) * t.f + j, gw = d * xAt(n, c, yy, xx)
                dW[k].0 += gw; dW[k].1 += abs(gw)
                if yy >= 0 && yy < t.h && xx >= 0 && xx < t.w {
                    let xi = ((n * t.c + c) * t.h + yy) * t.w + xx, gx = d * wAt(f, c, i, j)
                    dx[xi].0 += gx; dx[xi].1 += abs(gx)
                }
            } } }
        } } } }
        var db = [Double](repeating: 0, count: t.fn)
        for n in 0..<t.n { for f in 0..<t.fn { for q in 0..<(oh * ow) { db[f] += Double(dout[(n * t.fn + f) * oh * ow + q]) } } }

        // The kernels.
        var (got, gotRelu) = ([Float](repeating: .nan, count: out.count), [Float](repeating: .nan, count: out.count))
        var gotDW = [Float](repeating: 0, count: dW.count), gotDB = [Float](repeating: 0, count: t.fn)
        var gotDX = [Float](repeating: .nan, count: dx.count)
        if winograd {
            typealias K = Kernels.WinogradConvolution
            var packed = [Float](repeating: 0, count: K.packedFiltersSize(filters: t.fn, g)), adjoint = packed
            var scratch = [Float](repeating: .nan, count: K.scratchSize(filters: t.fn, g))   // NaN: every read must be written first
            K.packFilters(w, filters: t.fn, g, adjoint: false, into: &packed)
            K.packFilters(w, filters: t.fn, g, adjoint: true, into: &adjoint)
            K.forward(x, images: t.n, g, packedFilters: packed, bias: b, filters: t.fn, output: &got, scratch: &scratch)
            K.forward(x, images: t.n, g, packedFilters: packed, bias: b, filters: t.fn, relu: true, output: &gotRelu, scratch: &scratch)
            K.backward(x, dout: dout, images: t.n, g, adjointFilters: adjoint, filters: t.fn,
                       filterGradient: &gotDW, biasGradient: &gotDB, inputGradient: &gotDX, scratch: &scratch)
        } else {
            typealias K = Kernels.DirectConvolution
            var packed = [Float](repeating: 0, count: K.packedFiltersSize(filters: t.fn, g))
            var adjoint = packed   // the layer sizes both packings alike
            var scratch = [Float](repeating: 0, count: K.scratchSize(filters: t.fn, g))
            K.packFilters(w, filters: t.fn, g, adjoint: false, into: &packed)
            K.packFilters(w, filters: t.fn, g, adjoint: true, into: &adjoint)
            for n in 0..<t.n {
                let (xo, oo) = (n * g.imageSize, n * t.fn * oh * ow)
                x.withUnsafeBufferPointer { px in
                    got.withUnsafeMutableBufferPointer { po in
                        K.forward(px.baseAddress! + xo, g, packedFilters: packed, bias: b, filters: t.fn,
                                  output: po.baseAddress! + oo, scratch: &scratch)
                    }
                    gotRelu.withUnsafeMutableBufferPointer { po in
                        K.forward(px.baseAddress! + xo, g, packedFilters: packed, bias: b, filters: t.fn,
                                  relu: true, output: po.baseAddress! + oo, scratch: &scratch)
                    }
                }
            }
            K.backward(x, dout: dout, images: t.n, g, adjointFilters: adjoint, filters: t.fn,
                       filterGradient: &gotDW, biasGradient: &gotDB, inputGradient: &gotDX, scratch: &scratch)
        }

        let label = "\(winograd ? "Winograd" : "direct") \(Kernels.dispatchPath) n\(t.n) c\(t.c) \(t.h)×\(t.w) fn\(t.fn) f\(t.f) pad\(t.pad)"
        func worst(_ got: [Float], _ want: [(Double, Double)], relu: Bool = false) -> Double {
            zip(got, want).map { g, r in
                let value = relu ? Swift.max(r.0, 0) : r.0
                return abs(Double(g) - value) / (1e-4 * Swift.max(r.1, 1e-3))
            }.max() ?? 0
        }
        #expect(worst(got, out) <= 1, "forward \(label)", sourceLocation: sourceLocation)
        #expect(worst(gotRelu, out, relu: true) <= 1, "forward+ReLU \(label)", sourceLocation: sourceLocation)
        #expect(worst(gotDW, dW) <= 1, "∂W \(label)", sourceLocation: sourceLocation)
        #expect(worst(gotDX, dx) <= 1, "∂x \(label)", sourceLocation: sourceLocation)
        let dbError = zip(gotDB, db).map { abs(Double($0) - $1) }.max() ?? 0
        #expect(dbError <= 1e-4 * Double(t.n * oh * ow), "∂b \(label)", sourceLocation: sourceLocation)
    }
}
