import Testing
import Kiso
import KisoNN

/// Backprop vs central differences for every layer. L = Σ out ⊙ w (w fixed random), so
/// backward(w) must equal ∂L/∂x. The numerical side uses h = 1e-2 with L summed in Double:
/// for layers linear in the perturbed value (Affine, Dropout, ReLU away from 0) the estimate
/// is exact up to float32 rounding of the outputs (~1e-7·|L|/h ≈ 1e-6); for smooth ones
/// (Sigmoid, BatchNormalization, softmax) the truncation error h²·|L'''|/6 adds ~1e-5.
/// Tolerances below are set from those two terms.
@Suite struct LayerGradientTests {
    static func check(_ layer: Layer, input: Tensor, training: Bool = true, tolerance: Double,
                      prepare: () -> Void = {}) -> Double {
        var rng = RandomGenerator(seed: 7)
        prepare()
        let out = layer.forward(input, training: training)
        let w = Tensor.randn(out.shape, using: &rng)
        let dx = layer.backward(w)
        var x = input
        let numeric = GradientCheck.numerical(&x) { x in
            prepare()
            return GradientCheck.weightedSum(layer.forward(x, training: training), w)
        }
        var worst = GradientCheck.meanAbsDifference(dx, numeric)
        #expect(worst <= tolerance, "∂x: mean |Δ| = \(worst)")
        // Parameters: recompute the analytic gradients at the original input first.
        prepare()
        _ = layer.forward(input, training: training)
        _ = layer.backward(w)
        for (name, p) in layer.parameters {
            let analytic = p.gradient
            var value = p.value
            let numeric = GradientCheck.numerical(&value) { v in
                p.value = v
                prepare()
                return GradientCheck.weightedSum(layer.forward(input, training: training), w)
            }
            p.value = value
            let d = GradientCheck.meanAbsDifference(analytic, numeric)
            #expect(d <= tolerance, "∂\(name): mean |Δ| = \(d)")
            worst = max(worst, d)
        }
        return worst
    }

    /// Values at least 0.05 away from zero, so ReLU's kink is never within h.
    static func awayFromZero(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return Tensor.randn(shape, using: &rng).map { $0 >= 0 ? $0 + 0.05 : $0 - 0.05 }
    }

    @Test func relu() {
        _ = Self.check(Relu(), input: Self.awayFromZero([4, 5], seed: 1), tolerance: 1e-5)
    }

    @Test func sigmoid() {
        var rng = RandomGenerator(seed: 2)
        _ = Self.check(Sigmoid(), input: Tensor.randn([4, 5], using: &rng), tolerance: 2e-5)
    }

    @Test func tanhLayer() {
        var rng = RandomGenerator(seed: 3)
        _ = Self.check(Tanh(), input: Tensor.randn([3, 4], using: &rng), tolerance: 5e-5)
    }

    @Test func affine2D() {
        var rng = RandomGenerator(seed: 4)
        let layer = Affine(W: Tensor.randn([5, 3], using: &rng), b: Tensor.randn([3], using: &rng))
        _ = Self.check(layer, input: Tensor.randn([4, 5], using: &rng), tolerance: 1e-5)
    }

    @Test func affineFlattensAndRestoresNDInput() {
        var rng = RandomGenerator(seed: 5)
        let layer = Affine(W: Tensor.randn([12, 3], using: &rng), b: Tensor.zeros([3]))
        let x = Tensor.randn([2, 3, 2, 2], using: &rng)
        let out = layer.forward(x, training: true)
        #expect(out.shape == [2, 3])
        #expect(layer.backward(Tensor.ones([2, 3])).shape == [2, 3, 2, 2])
        _ = Self.check(layer, input: x, tolerance: 1e-5)
    }

    @Test func affineComputesTheBooksFormula() {
        let layer = Affine(W: Tensor([[1, 2], [3, 4]]), b: Tensor([10, 20]))
        #expect(layer.forward(Tensor([[1, 1]]), training: false).scalars == [14, 26])
        let dx = layer.backward(Tensor([[1, 0]]))
        #expect(dx.scalars == [1, 3])                       // dout · Wᵀ
        #expect(layer.W.gradient.scalars == [1, 0, 1, 0])   // xᵀ · dout
        #expect(layer.b.gradient.scalars == [1, 0])
    }

    @Test func batchNormalizationTraining() {
        var rng = RandomGenerator(seed: 6)
        let layer = BatchNormalization(gamma: Tensor.randn([4], using: &rng) + 1, beta: Tensor.randn([4], using: &rng))
        // The layer's running statistics change on each training call but do not affect
        // the training-mode output, so repeated forwards are consistent.
        let d = Self.check(layer, input: Tensor.randn([5, 4], using: &rng) * 2 + 1, tolerance: 5e-5)
        print("BatchNormalization gradient check, mean |Δ| =", d)
    }

    @Test func batchNormalizationOnNDInput() {
        var rng = RandomGenerator(seed: 8)
        let layer = BatchNormalization(featureCount: 6)
        let x = Tensor.randn([4, 2, 3], using: &rng)
        let y = layer.forward(x, training: true)
        #expect(y.shape == [4, 2, 3])
        // Each feature of the output has mean 0 and variance σ²/(σ² + 1e-6) ≈ 1.
        let flat = y.reshaped([4, 6])
        #expect(flat.mean(axis: 0).scalars.allSatisfy { abs($0) < 1e-6 })
        #expect(flat.variance(axis: 0).scalars.allSatisfy { abs($0 - 1) < 1e-4 })
        _ = Self.check(layer, input: x, tolerance: 5e-5)
    }

    @Test func batchNormalizationRunningStatistics() {
        let layer = BatchNormalization(featureCount: 2)
        let x = Tensor([[1, 10], [3, 30]])          // means (2, 20), variances (1, 100)
        _ = layer.forward(x, training: true)
        #expect(close(layer.runningMean.value.scalars, [0.2, 2.0], 1e-6))   // 0.9·0 + 0.1·mean
        #expect(close(layer.runningVar.value.scalars, [0.1, 10.0], 1e-5))
        // Test mode normalises with the running statistics: (x − 0.2)/√(0.1 + 1e-6).
        let y = layer.forward(Tensor([[1.2, 2.0]]), training: false)
        #expect(close(y.scalars, [1 / (0.1 + 1e-6).squareRoot(), 0], 1e-5))
        #expect(layer.buffers.map(\.name) == ["running_mean", "running_var"])
        #expect(layer.parameters.map(\.name) == ["gamma", "beta"])
    }

    @Test func dropoutWithAFixedMask() {
        let layer = Dropout(ratio: 0.5, seed: 11)
        let start = layer.generator
        let x = Self.awayFromZero([6, 5], seed: 9)
        // Resetting the generator before each forward replays the same mask.
        _ = Self.check(layer, input: x, tolerance: 1e-5, prepare: { layer.generator = start })
        let mask = layer.mask!
        let kept = mask.sum()
        #expect(kept > 5 && kept < 25)      // 30 draws at p = 0.5
        #expect(layer.forward(x, training: true).scalars != (x * mask).scalars)  // a new mask next time
    }

    @Test func dropoutMasksFollowTheGlobalSampleIndex() {
        // Data-parallel ranks computing rows 0..<3 and 3..<7 of a batch of 7 get the rows of
        // the mask one process draws for the whole batch, and their generators stay in step.
        let whole = Dropout(ratio: 0.5, seed: 5)
        let x = Self.awayFromZero([7, 4], seed: 3)
        _ = whole.forward(x, training: true)
        let expected = whole.mask!.scalars
        for (range, offset) in [(0..<3, 0), (3..<7, 12)] {
            let rank = Dropout(ratio: 0.5, seed: 5)
            rank.slice = BatchSlice(range: range, globalCount: 7)
            _ = rank.forward(x[Array(range)], training: true)
            #expect(rank.mask!.scalars == Array(expected[offset..<(offset + range.count * 4)]))
            #expect(rank.generator == whole.generator)
        }
    }

    @Test func dropoutScalesAtTestTime() {
        let layer = Dropout(ratio: 0.2)
        #expect(close(layer.forward(Tensor([1, 2]), training: false).scalars, [0.8, 1.6], 1e-7))
    }

    @Test func softmaxWithLossBackwardIsYMinusTOverN() {
        var rng = RandomGenerator(seed: 12)
        let x = Tensor.randn([3, 4], using: &rng)
        let labels: ClassLabels = [0, 3, 1]
        var oneHot = Tensor.zeros([3, 4])
        oneHot[0, 0] = 1; oneHot[1, 3] = 1; oneHot[2, 1] = 1
        let layer = SoftmaxWithLoss()
        let loss = layer.forward(x, labels)
        let dx = layer.backward()
        #expect(close(dx.scalars, ((softmax(x) - oneHot) / 3).doubles, 1e-7))
        #expect(abs(Double(loss) - Double(crossEntropyError(softmax(x), oneHot))) < 1e-7)
        var xv = x
        let numeric = GradientCheck.numerical(&xv) { Double(SoftmaxWithLoss().forward($0, labels)) }
        // The loss is a float32 rounding of a Double sum (error ~1e-7) over 2h = 2e-2: ~1e-5.
        #expect(GradientCheck.meanAbsDifference(dx, numeric) < 2e-5)
        // The book's targets — float label indices, one-hot rows — are the same labels.
        for t in [Tensor([0, 3, 1]), oneHot] {
            let book = SoftmaxWithLoss()
            #expect(book.forward(x, t) == loss)
            #expect(book.backward().scalars == dx.scalars)
        }
    }
}
