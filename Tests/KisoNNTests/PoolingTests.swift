import Testing
import Kiso
import KisoNN

@Suite struct PoolingTests {
    @Test func bookTwoByTwoMaxPooling() {
        // Book figure 7-14: 2×2 max pooling with stride 2.
        let x = Tensor([[[[1, 2, 1, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 4, 0, 1]]]])
        let pool = Pooling(poolHeight: 2, poolWidth: 2, stride: 2)
        let out = pool.forward(x, training: true)
        #expect(out.shape == [1, 1, 2, 2])
        #expect(out.scalars == [2, 3, 4, 2])
        // The gradient goes to each window's winner only.
        let dx = pool.backward(Tensor([[[[10, 20], [30, 40]]]]))
        #expect(dx.scalars == [0, 10, 0, 0, 0, 0, 0, 20, 0, 0, 0, 40, 0, 30, 0, 0])
    }

    /// The fused ReLU + pooling gradient against the two layers' own backward passes, bit for bit:
    /// 2×2/stride 2 (the book's), overlapping 3×3/stride 1 windows (several windows add into one
    /// winner) and padded windows (a padding zero can win), on inputs with negatives, zeros and NaN.
    @Test(arguments: [(2, 2, 0), (3, 1, 0), (3, 2, 1)])
    func reluThenPoolingBackwardInOneStep(window: Int, stride: Int, pad: Int) {
        var generator = RandomGenerator(seed: UInt64(window * 10 + stride))
        var x = Tensor.randn([3, 4, 9, 9], using: &generator)
        x[0, 0, 0, 0] = .nan
        x[1, 2, 3, 3] = 0
        let relu = Relu(), pool = Pooling(poolHeight: window, poolWidth: window, stride: stride, pad: pad)
        let out = pool.forward(relu.forward(x, training: true), training: true)
        let dout = Tensor.randn(out.shape, using: &generator)
        let separate = relu.backward(pool.backward(dout)), fused = pool.backwardThroughRelu(dout)
        #expect(fused.shape == x.shape)
        #expect(fused.scalars.map(\.bitPattern) == separate.scalars.map(\.bitPattern))
        #expect(fused.scalars.contains { $0 != 0 } && fused.scalars.contains(0))
    }

    @Test func tiesGoToTheFirstElementLikeArgmax() {
        let pool = Pooling(poolHeight: 2, poolWidth: 2, stride: 2)
        _ = pool.forward(Tensor.ones([1, 1, 2, 2]), training: true)
        #expect(pool.backward(Tensor([[[[1]]]])).scalars == [1, 0, 0, 0])
    }

    @Test func paddingZerosTakePartInTheMaximum() {
        // As in the book (its im2col pads with zeros): on an all-negative 5×5 input, 3×3 windows
        // with stride 2 and pad 1 give 0 wherever a window reaches the padding; only the
        // centre window lies inside the image, and its maximum is x[1, 1] = −7.
        let x = (Tensor.arange(25) * -1 - 1).reshaped(1, 1, 5, 5)
        let pool = Pooling(poolHeight: 3, poolWidth: 3, stride: 2, pad: 1)
        let out = pool.forward(x, training: true)
        #expect(out.shape == [1, 1, 3, 3])
        #expect(out.scalars == [0, 0, 0, 0, -7, 0, 0, 0, 0])
        let dx = pool.backward(Tensor.ones([1, 1, 3, 3]))
        #expect(dx.sum() == 1 && dx[0, 0, 1, 1] == 1)
    }

    // Inputs are distinct with gaps ≥ 0.1 (and ≥ 0.05 from a padding zero), and h = 0.02, so
    // no window changes its winner: pooling is linear around these inputs and the central
    // difference (divided by the float step actually applied) is exact up to the Double sum's
    // rounding. 1e-6 is therefore a tight but safe bound.
    @Test(arguments: [(2, 2, 0), (2, 1, 0), (3, 2, 1), (3, 1, 2), (2, 2, 1), (3, 2, 2)])
    func gradientMatchesNumericalGradient(window: Int, stride: Int, pad: Int) throws {
        var rng = RandomGenerator(seed: UInt64(100 * window + 10 * stride + pad))
        let pool = Pooling(poolHeight: window, poolWidth: window, stride: stride, pad: pad)
        for size in [6, 7] {   // 7: floored output sizes, some input rows in no window
            let input = Parameter(ConvGradientCheck.distinctValues([2, 2, size, size], using: &rng))
            let weights = Tensor.randn(pool.forward(input.value, training: true).shape, using: &rng)
            let loss = { ConvGradientCheck.weightedSum(pool.forward(input.value, training: true), weights) }
            _ = pool.forward(input.value, training: true)
            let dx = pool.backward(weights)
            #expect(ConvGradientCheck.relativeError(dx, ConvGradientCheck.numerical(input, h: 0.02, loss: loss)) < 1e-6)
        }
    }

    @Test func outputKeepsBatchAndChannels() {
        var rng = RandomGenerator(seed: 2)
        let x = Tensor.randn([3, 4, 24, 24], using: &rng)
        let out = Pooling(poolHeight: 2, poolWidth: 2, stride: 2).forward(x, training: false)
        #expect(out.shape == [3, 4, 12, 12])
        // Spot-check one window against its definition.
        let expected = [x[2, 3, 10, 6], x[2, 3, 10, 7], x[2, 3, 11, 6], x[2, 3, 11, 7]].max()!
        #expect(out[2, 3, 5, 3] == expected)
    }

    @Test func vectorisedTwoByTwoMatchesTheGenericKernel() throws {
        // Small integers give many ties, which must go to the same (first) element as the
        // generic kernel's; 16×20 planes exercise full vectors and the scalar tail.
        var rng = RandomGenerator(seed: 4)
        let x = Tensor(shape: [2, 3, 16, 20], scalars: (0..<1920).map { _ in Float(rng.nextInt(below: 4)) })
        let dout = Tensor.randn([2, 3, 8, 10], using: &rng)
        let pool = Pooling(poolHeight: 2, poolWidth: 2, stride: 2)
        let out = pool.forward(x, training: true), dx = pool.backward(dout)
        let g = try ConvolutionGeometry(channels: 1, height: 16, width: 20, filterHeight: 2, filterWidth: 2, stride: 2)
        var expectedOut = [Float](repeating: 0, count: 480), expectedDx = [Float](repeating: 0, count: 1920)
        var argmax = [Int32](repeating: 0, count: 480)
        x.withUnsafeBufferPointer { px in
            dout.withUnsafeBufferPointer { pd in
                expectedOut.withUnsafeMutableBufferPointer { po in
                    expectedDx.withUnsafeMutableBufferPointer { pdx in
                        argmax.withUnsafeMutableBufferPointer { pa in
                            for plane in 0..<6 {
                                Kernels.maxPool(px.baseAddress! + plane * 320, g, output: po.baseAddress! + plane * 80,
                                                argmax: pa.baseAddress! + plane * 80)
                                Kernels.maxPoolBackward(pd.baseAddress! + plane * 80, argmax: pa.baseAddress! + plane * 80,
                                                        positions: 80, addingInto: pdx.baseAddress! + plane * 320)
                            }
                        }
                    }
                }
            }
        }
        #expect(out.scalars == expectedOut)
        #expect(dx.scalars == expectedDx)
    }
}
