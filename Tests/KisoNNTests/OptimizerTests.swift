import Foundation
import Testing
import Kiso
import KisoNN

/// One (or two) steps of each optimizer on W = [1, −2] with gradient g = [0.5, 0.25],
/// against values computed by hand from the book's update rules. Results near 1–2 carry
/// float32 rounding of a few ulps (ulp ≈ 2.4e-7 there), hence 1e-6.
@Suite struct OptimizerTests {
    static func run(_ optimizer: Optimizer, steps: Int = 1) -> [Float] {
        let p = Parameter(Tensor([1, -2]))
        p.gradient = Tensor([0.5, 0.25])
        for _ in 0..<steps { optimizer.update([("W1", p)]) }
        return p.value.scalars
    }

    @Test func sgd() {
        // W − 0.01·g
        #expect(close(Self.run(SGD()), [0.995, -2.0025], 1e-6))
    }

    @Test func momentum() {
        // v1 = −0.01·g = (−0.005, −0.0025); v2 = 0.9·v1 − 0.01·g = (−0.0095, −0.00475)
        #expect(close(Self.run(Momentum(), steps: 2), [1 - 0.005 - 0.0095, -2 - 0.0025 - 0.00475], 1e-6))
    }

    @Test func nesterov() {
        // v = −0.01·g; W += 0.81·v − 1.9·0.01·g = (−0.01355, −0.006775)
        #expect(close(Self.run(Nesterov()), [0.98645, -2.006775], 1e-6))
    }

    @Test func adaGrad() {
        // h = g²; W −= 0.01·g/(|g| + 1e-7) ≈ 0.01·sign(g)
        #expect(close(Self.run(AdaGrad()), [0.99, -2.01], 1e-6))
    }

    @Test func rmsprop() {
        // h = 0.01·g² → √h = 0.1·|g|; W −= 0.01·g/(0.1·|g|) = 0.1·sign(g)
        #expect(close(Self.run(RMSprop()), [0.9, -2.1], 1e-6))
    }

    @Test func adam() {
        // Step 1: lr_t = 0.001·√0.001/0.1; m = 0.1·g, v = 0.001·g², m/√v = √10·sign(g);
        // lr_t·√10 = 0.001, Adam's well-known first step of lr·sign(g).
        #expect(close(Self.run(Adam()), [0.999, -2.001], 1e-6))
        // Step 2 with the same g: m = 0.19·g, v = 0.001999·g², lr_t = 0.001·√0.001999/0.19.
        let lr2 = 0.001 * 0.001999.squareRoot() / 0.19
        let step2 = lr2 * 0.19 / 0.001999.squareRoot()
        #expect(close(Self.run(Adam(), steps: 2), [0.999 - step2, -2.001 - step2], 1e-6))
    }

    @Test func adamOnALongParameterMatchesTheScalarRule() {
        // 37 elements: Adam updates eight at a time and the last five one by one. Both must
        // follow the rule above with the same float32 operations in the same order, so the
        // result equals this scalar replay exactly (elementwise: no sums to reorder).
        var rng = RandomGenerator(seed: 8)
        let start = Tensor.randn([37], using: &rng), gradients = (0..<3).map { _ in Tensor.randn([37], using: &rng) }
        let p = Parameter(start), adam = Adam()
        var (w, m, v) = (start.scalars, [Float](repeating: 0, count: 37), [Float](repeating: 0, count: 37))
        for (step, g) in gradients.enumerated() {
            p.gradient = g
            adam.update([("W1", p)])
            let t = Double(step + 1)
            let (lr, beta1, beta2) = (Double(Float(0.001)), Double(Float(0.9)), Double(Float(0.999)))
            let lrT = Float(lr * (1 - pow(beta2, t)).squareRoot() / (1 - pow(beta1, t)))
            for i in 0..<37 {
                m[i] += (1 - Float(0.9)) * (g.scalars[i] - m[i])
                v[i] += (1 - Float(0.999)) * (g.scalars[i] * g.scalars[i] - v[i])
                w[i] -= lrT * m[i] / (v[i].squareRoot() + 1e-7)
            }
        }
        #expect(p.value.scalars == w)
    }

    @Test func makeOptimizerByNameWithTheBooksDefaults() throws {
        #expect(try makeOptimizer(name: "SGD").learningRate == 0.01)
        #expect(try makeOptimizer(name: "adam").learningRate == 0.001)
        #expect(try makeOptimizer(name: "rmsprpo").kind == .rmsprop)
        #expect(try makeOptimizer(name: "momentum", learningRate: 0.1).learningRate == 0.1)
        #expect(throws: OptimizerStateError.self) { try makeOptimizer(name: "lbfgs") }
    }

    @Test func stateRoundTripsExactly() throws {
        for kind in OptimizerKind.allCases {
            let a = OptimizerSettings(kind: kind).makeOptimizer()
            let p = Parameter(Tensor([1, -2])), q = Parameter(Tensor([1, -2]))
            p.gradient = Tensor([0.5, 0.25]); q.gradient = p.gradient
            a.update([("W1", p)]); a.update([("W1", p)])
            let b = OptimizerSettings(kind: kind).makeOptimizer()
            b.update([("W1", q)]); b.update([("W1", q)])
            // Continue `b` from `a`'s state: both must now move identically.
            try b.load(state: a.state)
            #expect(b.state.step == 2)
            a.update([("W1", p)]); b.update([("W1", q)])
            #expect(p.value.scalars == q.value.scalars, "\(kind)")
        }
        #expect(throws: OptimizerStateError.self) {
            try Adam().load(state: OptimizerState(tensors: ["h.W1": Tensor([1])], step: 1))
        }
    }

    /// A parameter large enough to be split over threads (40 000 elements) gets, element for
    /// element, exactly the update of each of its elements alone as a one-element parameter.
    @Test func largeParametersUpdateElementwiseWhateverTheSplit() {
        let n = 40_000
        var generator = RandomGenerator(seed: 5)
        let values = (0..<n).map { _ in Float(generator.nextNormal()) }
        let gradients = (0..<n).map { _ in Float(generator.nextNormal()) }
        let probes = [0, 1, 8191, 8192, 19_999, 20_000, 39_999]
        for kind in OptimizerKind.allCases {
            let big = Parameter(Tensor(values)); big.gradient = Tensor(gradients)
            let optimizer = OptimizerSettings(kind: kind).makeOptimizer()
            for _ in 0..<3 { optimizer.update([("W1", big)]) }
            for i in probes {
                let one = Parameter(Tensor([values[i]])); one.gradient = Tensor([gradients[i]])
                let reference = OptimizerSettings(kind: kind).makeOptimizer()
                for _ in 0..<3 { reference.update([("W1", one)]) }
                #expect(big.value.scalars[i] == one.value.scalars[0], "\(kind) element \(i)")
            }
        }
    }

    /// A data-parallel rank updates only its elements: split at 17 999 (across the threads' split
    /// of a large parameter) between two optimizers, two parameters' updates over three steps put
    /// together equal the whole update, to the bit, in values and state; the elements outside
    /// the range keep their values and their state.
    @Test func partialUpdatesTogetherEqualTheWholeUpdate() throws {
        let n = 40_000, cut = 17_999
        var generator = RandomGenerator(seed: 9)
        let values = (0..<n).map { _ in Float(generator.nextNormal()) }
        let gradients = (0..<n).map { _ in Float(generator.nextNormal()) }
        for kind in OptimizerKind.allCases {
            let whole = Parameter(Tensor(values)), bias = Parameter(Tensor([1, 2, 3]))
            let lower = Parameter(Tensor(values)), lowerBias = Parameter(Tensor([1, 2, 3]))
            let upper = Parameter(Tensor(values)), upperBias = Parameter(Tensor([1, 2, 3]))
            for p in [whole, lower, upper] { p.gradient = Tensor(gradients) }
            for p in [bias, lowerBias, upperBias] { p.gradient = Tensor([0.5, -0.25, 2]) }
            let all = OptimizerSettings(kind: kind).makeOptimizer()
            let first = OptimizerSettings(kind: kind).makeOptimizer(), second = OptimizerSettings(kind: kind).makeOptimizer()
            for _ in 0..<3 {
                all.update([("W1", whole), ("b1", bias)])
                first.update([("W1", lower), ("b1", lowerBias)], elements: [0..<cut, 0..<3])
                second.update([("W1", upper), ("b1", upperBias)], elements: [cut..<n, 3..<3])
            }
            let joined = Array(lower.value.scalars[..<cut] + upper.value.scalars[cut...])
            #expect(joined == whole.value.scalars, "\(kind)")
            #expect(lowerBias.value.scalars == bias.value.scalars && upperBias.value.scalars == [1, 2, 3], "\(kind)")
            #expect(Array(upper.value.scalars[..<cut]) == Array(values[..<cut]), "\(kind)")
            #expect(first.state.step == 3 && second.state.step == 3)
            for (name, tensor) in all.state.tensors where name.hasSuffix(".W1") {
                let a = try #require(first.state.tensors[name]).scalars, b = try #require(second.state.tensors[name]).scalars
                #expect(Array(a[..<cut] + b[cut...]) == tensor.scalars, "\(kind) \(name)")
                #expect(b[..<cut].allSatisfy { $0 == 0 }, "\(kind) \(name): state outside the range changed")
            }
        }
    }
}
