import Foundation
import Testing
import Kiso
import KisoNN

@Suite struct FunctionTests {
    // Float32 has a relative precision of 6e-8; softmax does one exp (≤ 1 ulp, or ~1e-7
    // relative for a SIMD polynomial), a sum and a division, so 5e-7 absolute on values
    // below 1 leaves room for those few roundings and nothing more.
    @Test func softmaxMatchesTheBook() {
        let y = softmax(Tensor([0.3, 2.9, 4.0]))
        #expect(close(y.scalars, [0.01821127, 0.24519181, 0.73659691], 5e-7))
        #expect(abs(y.sum() - 1) < 1e-6)
    }

    @Test func softmaxIsOverflowSafe() {
        // exp(1010) overflows float32; after subtracting the max: [1, e^-10, e^-20] / sum.
        let y = softmax(Tensor([1010, 1000, 990]))
        #expect(y.scalars.allSatisfy { $0.isFinite })
        let e10 = exp(-10.0), e20 = exp(-20.0), s = 1 + e10 + e20
        #expect(close(y.scalars, [1 / s, e10 / s, e20 / s], 1e-7))
    }

    @Test func softmaxWorksRowByRowOnBatches() {
        let y = softmax(Tensor([[0.3, 2.9, 4.0], [1010, 1000, 990]]))
        #expect(y.shape == [2, 3])
        #expect(close(y.row(0).scalars, [0.01821127, 0.24519181, 0.73659691], 5e-7))
        #expect(abs(y.row(1).sum() - 1) < 1e-6)
    }

    @Test func activationsAreElementwise() {
        let x = Tensor([-1, 0, 2])
        #expect(stepFunction(x).scalars == [0, 0, 1])
        #expect(relu(x).scalars == [0, 0, 2])
        #expect(identityFunction(x).scalars == [-1, 0, 2])
        #expect(close(sigmoid(x).scalars, [1 / (1 + exp(1.0)), 0.5, 1 / (1 + exp(-2.0))], 1e-7))
        #expect(close(tanh(x).scalars, [tanh(-1.0), 0, tanh(2.0)], 1e-7))
    }

    @Test func threeLayerExampleGivesTheBooksOutput() throws {
        let net = MultiLayerNet.sampleNetwork(inputSize: 2, hiddenSizes: [3, 2], outputSize: 2)
        try net.load(stateDict: [
            "W1": Tensor([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]), "b1": Tensor([0.1, 0.2, 0.3]),
            "W2": Tensor([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]), "b2": Tensor([0.1, 0.2]),
            "W3": Tensor([[0.1, 0.3], [0.2, 0.4]]), "b3": Tensor([0.1, 0.2]),
        ])
        // The book's output layer is the identity; ~15 float32 operations on values < 2
        // accumulate at most ~1e-6 of rounding.
        let y = net.predict(Tensor([[1.0, 0.5]]), training: false)
        #expect(close(y.scalars, [0.31682708, 0.69627909], 1e-6))
    }

    // The book's examples: the answer is class 2; y puts 0.6 on class 2 (and then on class 7).
    static let t = Tensor([0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
    static let yGood = Tensor([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
    static let yBad = Tensor([0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0])

    // Sums run in double from float32 inputs (each within 3e-8 relative of the decimal
    // value), so the results are within ~1e-7 of the book's float64 figures.
    @Test func meanSquaredErrorMatchesTheBook() {
        #expect(abs(Double(meanSquaredError(Self.yGood, Self.t)) - 0.0975) < 1e-7)
        #expect(abs(Double(meanSquaredError(Self.yBad, Self.t)) - 0.5975) < 1e-7)
    }

    @Test func crossEntropyMatchesTheBook() {
        #expect(abs(Double(crossEntropyError(Self.yGood, Self.t)) - 0.510825457099338) < 1e-7)
        #expect(abs(Double(crossEntropyError(Self.yBad, Self.t)) - 2.302584092994546) < 2e-7)
        // Label-index targets, as floats or integers, give the same values.
        #expect(crossEntropyError(Self.yGood, Tensor([2])) == crossEntropyError(Self.yGood, Self.t))
        #expect(crossEntropyError(Self.yGood, [2]) == crossEntropyError(Self.yGood, Self.t))
    }

    @Test func crossEntropyAveragesOverTheBatch() {
        let y = Tensor.stack([Self.yGood, Self.yBad])
        let oneHot = Tensor.stack([Self.t, Self.t])
        let expected = (0.510825457099338 + 2.302584092994546) / 2
        #expect(abs(Double(crossEntropyError(y, oneHot)) - expected) < 2e-7)
        #expect(crossEntropyError(y, Tensor([2, 2])) == crossEntropyError(y, oneHot))
        #expect(crossEntropyError(y, [2, 2]) == crossEntropyError(y, oneHot))
    }

    @Test func numericalDiffIsTheCentralDifference() {
        // The book's function 0.01x² + 0.1x: derivative 0.2 at x = 5 and 0.3 at x = 10.
        let f = { (x: Double) in 0.01 * x * x + 0.1 * x }
        #expect(abs(numericalDiff(f, 5) - 0.2) < 1e-9)
        #expect(abs(numericalDiff(f, 10) - 0.3) < 1e-9)
    }

    @Test func numericalGradientRestoresTheInput() {
        // f = x0² + x1²: the book's gradients at (3, 4), (0, 2), (3, 0) are 2x.
        let f = { (x: Tensor) in (x * x).sum() }
        // float32 rounding of f (|f| ≤ 25, ε|f| ≈ 1.5e-6) over 2h = 2e-4 bounds the error by ~1e-2.
        for point: [Float] in [[3, 4], [0, 2], [3, 0]] {
            var x = Tensor(point)
            let g = numericalGradient(f, &x)
            #expect(x.scalars == point)
            #expect(close(g.scalars, point.map { 2 * Double($0) }, 1e-2))
        }
        // Any shape: a 2×2 tensor.
        var m = Tensor([[1, -2], [0.5, 3]])
        let gm = numericalGradient(f, &m, h: 1e-2)
        #expect(gm.shape == [2, 2])
        #expect(close(gm.scalars, [2, -4, 1, 6], 1e-3))
    }

    @Test func gradientDescentReachesTheMinimum() {
        let f = { (x: Tensor) in (x * x).sum() }
        let (x, history) = gradientDescent(f, initX: Tensor([-3, 4]), learningRate: 0.1, stepNum: 100)
        #expect(history.count == 100)
        #expect(history[0].scalars == [-3, 4])
        #expect((x * x).sum().squareRoot() < 1e-2)
        // Too large a rate diverges, too small barely moves (the book's two cautionary cases).
        #expect(gradientDescent(f, initX: Tensor([-3, 4]), learningRate: 10, stepNum: 100).x.scalars.contains { abs($0) > 1e6 || !$0.isFinite })
        #expect(abs(gradientDescent(f, initX: Tensor([-3, 4]), learningRate: 1e-10, stepNum: 100).x.scalars[0] + 3) < 1e-3)
    }
}
