import Testing
import Kiso

@Suite struct BroadcastingTests {
    @Test func bookChapterOneBroadcasting() {
        let a = Tensor([[1, 2], [3, 4]])
        #expect((a * 10).scalars == [10, 20, 30, 40])
        #expect((a * Tensor([10, 20])).scalars == [10, 40, 30, 80])
        #expect((a * Tensor([[10, 20], [30, 40]])).scalars == [10, 40, 90, 160])
    }

    @Test func columnAndRowBroadcastToGrid() {
        let col = Tensor([[1], [2], [3]])          // 3×1
        let row = Tensor([10, 20])                 // 2
        let sum = col + row
        #expect(sum.shape == [3, 2])
        #expect(sum.scalars == [11, 21, 12, 22, 13, 23])
    }

    @Test func middleAxisBroadcast() {
        let x = Tensor.arange(12).reshaped(2, 3, 2)
        let y = Tensor([[100], [200], [300]])      // 3×1 against 2×3×2
        let z = x + y
        #expect(z.shape == [2, 3, 2])
        #expect(z[1, 2, 1] == 11 + 300)
        #expect(z[0, 0, 1] == 1 + 100)
    }

    @Test func inPlaceUpdatesKeepShape() {
        var w = Tensor([[1, 2], [3, 4]])
        w -= Tensor([1, 1])
        w *= 2
        #expect(w.scalars == [0, 2, 4, 6])
    }

    @Test func comparisonMasksAndWhere() {
        let x = Tensor([-1, 0, 2])
        #expect((x .> 0).scalars == [0, 0, 1])
        #expect(`where`(x .> 0, x, Tensor(0)).scalars == [0, 0, 2])
    }

    @Test func copyOnWriteKeepsValueSemantics() {
        let a = Tensor([1, 2, 3])
        var b = a
        b[0] = 9
        #expect(a.scalars == [1, 2, 3])
        #expect(b.scalars == [9, 2, 3])
    }
}

@Suite struct ShapeTests {
    @Test func reshapeInfersMinusOne() {
        #expect(Tensor.arange(12).reshaped(-1, 4).shape == [3, 4])
    }

    @Test func transposePermutesAxes() {
        let x = Tensor.arange(24).reshaped(2, 3, 4)
        let t = x.transposed(2, 0, 1)
        #expect(t.shape == [4, 2, 3])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { #expect(t[k, i, j] == x[i, j, k]) } } }
        #expect(Tensor([[1, 2, 3], [4, 5, 6]]).T.scalars == [1, 4, 2, 5, 3, 6])
    }

    @Test func broadcastShapeMessageNamesBothShapes() {
        #expect(Shape.broadcast([2, 3], [4]) == nil)
        #expect(Shape.broadcast([5, 1, 3], [4, 1]) == [5, 4, 3])
    }

    @Test func misuseStopsWithBothShapes() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor([[1, 2, 3]]) + Tensor([1, 2])
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("[1, 3]") && message.contains("[2]"))
        }
    }
}

@Suite struct ReductionTests {
    @Test func sumMeanMaxAlongAxesWithKeepDims() {
        let x = Tensor([[1, 5, 3], [4, 2, 6]])
        #expect(x.sum(axis: 0).scalars == [5, 7, 9])
        #expect(x.sum(axis: 1, keepDims: true).shape == [2, 1])
        #expect(x.max(axis: 1).scalars == [5, 6])
        #expect(x.min(axis: 0).scalars == [1, 2, 3])
        #expect(x.mean(axis: -1).scalars == [3, 4])
        #expect(x.argmax(axis: 1) == [1, 2])
        #expect(x.argmax() == 5)
        #expect(x.sum() == 21)
        #expect(Swift.abs(Tensor([1, 2, 3, 4]).variance() - 1.25) < 1e-6)
    }
}

@Suite struct IndexingTests {
    @Test func gatherRowsLikeBatchMask() {
        let x = Tensor.arange(6).reshaped(3, 2)
        #expect(x[[2, 0, 2]].scalars == [4, 5, 0, 1, 4, 5])
        #expect(x[1..<3].scalars == [2, 3, 4, 5])
    }

    @Test func padConcatenateStack() {
        let x = Tensor([[1, 2], [3, 4]])
        let p = x.padded([(1, 0), (0, 1)])
        #expect(p.shape == [3, 3])
        #expect(p.scalars == [0, 0, 0, 1, 2, 0, 3, 4, 0])
        #expect(Tensor.concatenate([x, x], axis: 1).scalars == [1, 2, 1, 2, 3, 4, 3, 4])
        #expect(Tensor.stack([x, x]).shape == [2, 2, 2])
    }
}

@Suite struct MatmulTests {
    /// The reference: a double-precision triple loop.
    static func naive(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for p in 0..<k { c[i * n + j] += Double(a[i * k + p]) * Double(b[p * n + j]) } } }
        return c
    }

    @Test(arguments: [(1, 1, 1), (7, 13, 5), (33, 65, 17), (100, 784, 50), (64, 3, 129)])
    func matchesDoublePrecisionLoop(shape: (Int, Int, Int)) {
        let (m, k, n) = shape
        var rng = RandomGenerator(seed: 7)
        let a = Tensor.randn([m, k], using: &rng), b = Tensor.randn([k, n], using: &rng)
        let expected = Self.naive(a.scalars, b.scalars, m: m, k: k, n: n)
        // float32 accumulation of k products of N(0,1) values: error grows like √k·ε.
        let tolerance = 1e-5 * Double(k).squareRoot() * 4
        let checks: [Tensor] = [
            matmul(a, b),
            matmul(a.T, b, transposeA: true),
            matmul(a, b.T, transposeB: true),
            matmul(a.T, b.T, transposeA: true, transposeB: true),
        ]
        for c in checks {
            #expect(c.shape == [m, n])
            let worst = zip(c.scalars, expected).map { Swift.abs(Double($0) - $1) }.max() ?? 0
            #expect(worst < tolerance)
        }
        var acc = matmul(a, b)
        matmul(a, b, into: &acc, accumulate: true)
        let worst = zip(acc.scalars, expected).map { Swift.abs(Double($0) - 2 * $1) }.max() ?? 0
        #expect(worst < 2 * tolerance)
    }

    @Test func oneDimensionalDotFollowsNumPy() {
        let v = Tensor([1, 2, 3])
        #expect(dot(v, v).shape == [])
        #expect(dot(v, v).scalar == 14)
        let m = Tensor([[1, 0, 0], [0, 2, 0]])
        #expect(dot(m, v).scalars == [1, 4])
        #expect(dot(Tensor([1, 1]), m).scalars == [1, 2, 0])
    }
}

@Suite struct RandomTests {
    @Test func sameSeedSameNumbers() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42)
        #expect(Tensor.randn([5], using: &a).scalars == Tensor.randn([5], using: &b).scalars)
    }

    @Test func normalMomentsAreStandard() {
        var rng = RandomGenerator(seed: 1)
        let x = Tensor.randn([100_000], using: &rng)
        // Standard error of the mean is 1/√n ≈ 0.003; allow 5 of them.
        #expect(Swift.abs(x.mean()) < 0.016)
        #expect(Swift.abs(x.std() - 1) < 0.016)
        let u = Tensor.rand([100_000], using: &rng)
        #expect(Swift.abs(u.mean() - 0.5) < 0.005)
        #expect(u.min() >= 0 && u.max() < 1)
    }

    @Test func permutationIsAPermutation() {
        var rng = RandomGenerator(seed: 3)
        let p = rng.permutation(1000)
        #expect(p.sorted() == Array(0..<1000))
        #expect(p != Array(0..<1000))
        #expect(rng.choice(10, 1000).allSatisfy { (0..<10).contains($0) })
    }
}

@Suite struct ConversionTests {
    @Test func float16RoundTripIsExactForRepresentableValues() {
        let x = Tensor([0, 1, -2, 0.5, 65504, 6.1035156e-05, 5.9604645e-08])
        let back = Tensor(shape: x.shape, float16Bits: x.float16Bits)
        #expect(back.scalars == x.scalars)
        #expect(Tensor([1e6]).roundedToFloat16().scalars == [Float.infinity])
        #expect(Tensor([0.1]).roundedToFloat16().scalars == [0.099975586])
    }

    @Test func printsLikeNumPy() {
        #expect(Tensor([[10, 40], [30, 80]]).description == "[[10. 40.]\n [30. 80.]]")
        #expect(Tensor([0.01821127, 0.24519181, 0.73659691]).description == "[0.01821127 0.24519181 0.7365969 ]")
        #expect(Tensor([0.5, 0.25]).description == "[0.5  0.25]")
    }
}
