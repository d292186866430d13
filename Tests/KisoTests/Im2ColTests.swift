import Testing
import Kiso

@Suite struct Im2ColTests {
    @Test func bookShapes() throws {
        var rng = RandomGenerator(seed: 1)
        let x1 = Tensor.rand([1, 3, 7, 7], using: &rng)
        #expect(try im2col(x1, filterHeight: 5, filterWidth: 5).shape == [9, 75])
        let x2 = Tensor.rand([10, 3, 7, 7], using: &rng)
        #expect(try im2col(x2, filterHeight: 5, filterWidth: 5).shape == [90, 75])
    }

    @Test func rowsAreTheWindowsOfAHandExample() throws {
        // 3×3 image 0…8, 2×2 windows: the four windows read row by row.
        let x = Tensor.arange(9).reshaped(1, 1, 3, 3)
        let col = try im2col(x, filterHeight: 2, filterWidth: 2)
        #expect(col.shape == [4, 4])
        #expect(col.scalars == [0, 1, 3, 4, 1, 2, 4, 5, 3, 4, 6, 7, 4, 5, 7, 8])
    }

    @Test func paddingReadsZeros() throws {
        // 2×2 image [[1, 2], [3, 4]] padded by 1, 2×2 windows with stride 2: each window holds one pixel.
        let x = Tensor([[[[1, 2], [3, 4]]]])
        let col = try im2col(x, filterHeight: 2, filterWidth: 2, stride: 2, pad: 1)
        #expect(col.shape == [4, 4])
        #expect(col.scalars == [0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 4, 0, 0, 0])
    }

    @Test(arguments: [(1, 0), (1, 1), (2, 0), (2, 1), (2, 2), (3, 2)])
    func matchesTheDefinitionForEveryStrideAndPad(stride: Int, pad: Int) throws {
        var rng = RandomGenerator(seed: 7)
        let (n, c, h, w, fh, fw) = (2, 3, 7, 7, 3, 3)
        let x = Tensor.randn([n, c, h, w], using: &rng)
        let oh = (h + 2 * pad - fh) / stride + 1   // floored, as in the book: (3, 2) drops the last input row and column
        let col = try im2col(x, filterHeight: fh, filterWidth: fw, stride: stride, pad: pad)
        #expect(col.shape == [n * oh * oh, c * fh * fw])
        for image in 0..<n {
            for y in 0..<oh {
                for xo in 0..<oh {
                    for ch in 0..<c {
                        for i in 0..<fh {
                            for j in 0..<fw {
                                let (ih, iw) = (y * stride + i - pad, xo * stride + j - pad)
                                let expected: Float = (0..<h).contains(ih) && (0..<w).contains(iw) ? x[image, ch, ih, iw] : 0
                                #expect(col[(image * oh + y) * oh + xo, (ch * fh + i) * fw + j] == expected)
                            }
                        }
                    }
                }
            }
        }
    }

    @Test func col2imCountsHowManyWindowsCoverEachPixel() throws {
        let ones = Tensor.ones([4, 4])
        let coverage = try col2im(ones, inputShape: [1, 1, 3, 3], filterHeight: 2, filterWidth: 2)
        #expect(coverage.shape == [1, 1, 3, 3])
        #expect(coverage.scalars == [1, 2, 1, 2, 4, 2, 1, 2, 1])
    }

    @Test(arguments: [(1, 0), (1, 1), (2, 1), (1, 2)])
    func col2imIsTheAdjointOfIm2col(stride: Int, pad: Int) throws {
        // ⟨im2col(x), C⟩ = ⟨x, col2im(C)⟩. Both sides are summed in Double from exact float
        // products; the only float32 rounding is col2im's accumulation of ≤ FH·FW = 9 terms
        // per pixel (relative error ≤ 9·2⁻²⁴ ≈ 5e-7), so 1e-5 relative is a safe bound.
        var rng = RandomGenerator(seed: 3)
        let x = Tensor.randn([2, 2, 5, 5], using: &rng)
        let col = try im2col(x, filterHeight: 3, filterWidth: 3, stride: stride, pad: pad)
        let c = Tensor.randn(col.shape, using: &rng)
        let back = try col2im(c, inputShape: x.shape, filterHeight: 3, filterWidth: 3, stride: stride, pad: pad)
        let lhs = zip(col.scalars, c.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let rhs = zip(x.scalars, back.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(abs(lhs - rhs) <= 1e-5 * max(1, abs(lhs)))
    }

    @Test func outputSizeIsFlooredLikeTheBook() throws {
        // ⌊(5 + 0 − 2) / 2⌋ + 1 = 2: the last row and column are read by no window.
        let x = Tensor.arange(25).reshaped(1, 1, 5, 5)
        let col = try im2col(x, filterHeight: 2, filterWidth: 2, stride: 2)
        #expect(col.shape == [4, 4])
        #expect(col.scalars == [0, 1, 5, 6, 2, 3, 7, 8, 10, 11, 15, 16, 12, 13, 17, 18])
        #expect(try ConvolutionGeometry.outputSize(input: 8, filter: 3, stride: 2, pad: 1) == 4)
    }

    @Test func filterLargerThanInputIsAnError() {
        #expect(throws: ConvolutionShapeError.self) {
            try ConvolutionGeometry(channels: 1, height: 3, width: 3, filterHeight: 5, filterWidth: 5)
        }
    }

    @Test func outputSizeFormula() throws {
        // (28 + 2·0 − 5)/1 + 1 = 24 (SimpleConvNet); (14 + 2·2 − 3)/1 + 1 = 16 (DeepConvNet's 4th conv).
        #expect(try ConvolutionGeometry.outputSize(input: 28, filter: 5, stride: 1, pad: 0) == 24)
        #expect(try ConvolutionGeometry.outputSize(input: 14, filter: 3, stride: 1, pad: 2) == 16)
        #expect(try ConvolutionGeometry.outputSize(input: 7, filter: 3, stride: 2, pad: 1) == 4)
    }
}
