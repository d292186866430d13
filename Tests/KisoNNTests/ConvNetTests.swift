import Foundation
import Testing
import Kiso
import KisoNN

@Suite struct ConvNetTests {
    @Test func simpleConvNetHasTheBookShapesAndNames() throws {
        let net = try SimpleConvNet()
        #expect(net.parameters.map(\.name) == ["W1", "b1", "W2", "b2", "W3", "b3"])
        #expect(net.parameter(named: "W1")?.value.shape == [30, 1, 5, 5])
        #expect(net.parameter(named: "W2")?.value.shape == [4320, 100])
        #expect(net.parameter(named: "W3")?.value.shape == [100, 10])
        var rng = RandomGenerator(seed: 1)
        #expect(net.predict(Tensor.rand([2, 1, 28, 28], using: &rng), training: false).shape == [2, 10])
    }

    @Test func deepConvNetHasTheBookShapesAndNames() throws {
        let net = try DeepConvNet()
        #expect(net.parameters.map(\.name) == (1...8).flatMap { ["W\($0)", "b\($0)"] })
        let shapes = net.parameters.filter { $0.name.hasPrefix("W") }.map(\.parameter.value.shape)
        #expect(shapes == [[16, 1, 3, 3], [16, 16, 3, 3], [32, 16, 3, 3], [32, 32, 3, 3],
                           [64, 32, 3, 3], [64, 64, 3, 3], [1024, 50], [50, 10]])
        // He initialisation: std √(2/n), n = 16·3·3 = 144 for W2 (65 536-sample estimate of a
        // std has relative error ≈ 1/√(2·2304) ≈ 1.5 %; 10 % is a safe bound).
        let w2 = net.parameter(named: "W2")!.value
        let std = w2.std()
        #expect(abs(std - (2.0 / 144).squareRoot()) < 0.1 * (2.0 / 144).squareRoot())
        var rng = RandomGenerator(seed: 1)
        #expect(net.predict(Tensor.rand([2, 1, 28, 28], using: &rng), training: false).shape == [2, 10])
    }

    @Test func fusedConvolutionReluGivesTheLayerByLayerResult() throws {
        // predict runs each Convolution + Relu pair as one pass (max(·, 0) applied as the
        // convolution writes its output); calling the layers one by one must give the very
        // same floats (the same sums, and max(·, 0) is exact), in training mode too, and the
        // Relu layers must still mask the backward pass (covered by the gradient checks below).
        let net = try DeepConvNet(seed: 4)
        var rng = RandomGenerator(seed: 2)
        let x = Tensor.randn([3, 1, 28, 28], using: &rng)
        let layerByLayer = net.layers.reduce(x) { $1.forward($0, training: false) }
        #expect(net.predict(x, training: false).scalars == layerByLayer.scalars)
        let simple = try SimpleConvNet(seed: 4)
        #expect(simple.predict(x, training: false).scalars == simple.layers.reduce(x) { $1.forward($0, training: false) }.scalars)
    }

    @Test func sizesThatDoNotFitAreClearErrors() {
        // A 5×5 filter does not fit a 4×4 image. (An odd size such as 27 fits: like the book's
        // layers, the convolution and pooling floor their output sizes, 27 → 23 → 11.)
        #expect(throws: ConvolutionShapeError.self) { try SimpleConvNet(inputShape: [1, 4, 4]) }
        #expect((try? SimpleConvNet(inputShape: [1, 27, 27])) != nil)
        let config = ConvNetConfiguration(kind: .simpleConvNet, inputShape: [1, 4, 4],
                                          convolutions: [ConvolutionSpec(filterCount: 30, filterSize: 5)],
                                          hiddenSize: 100, outputSize: 10, weightInit: .std(0.01), dropoutRatio: 0)
        #expect(throws: NetworkStateError.self) { try config.makeNetwork() }
    }

    @Test func configurationRebuildsTheSameNetwork() throws {
        let net = try DeepConvNet(seed: 3)
        let data = try JSONEncoder().encode(net.convolutionConfiguration)
        let decoded = try JSONDecoder().decode(ConvNetConfiguration.self, from: data)
        #expect(decoded == net.convolutionConfiguration)
        let rebuilt = try decoded.makeNetwork(seed: 3)
        #expect(rebuilt.parameters.map(\.name) == net.parameters.map(\.name))
        #expect(rebuilt.parameter(named: "W4")!.value.scalars == net.parameter(named: "W4")!.value.scalars)
    }

    // Gradient checks: backprop against central differences of the float32 loss (nn's
    // `numericalGradient`, which holds the dropout masks fixed). With h = 1e-3 the rounding of
    // the loss (≈ 2.3·2⁻²⁴ per evaluation) contributes ≈ 1.4e-4 absolute and the truncation
    // error h²·|L‴|/6 is far smaller. ReLU kinks and pooling near-ties closer than ~h to a
    // switch could add O(h) more, so inputs are continuous random values (ties have
    // probability 0). The biases are set to random values first: with the book's zero biases a
    // window lying wholly in the padding (DeepConvNet's pad 2), or reading only ReLU zeros, has
    // a pre-activation of exactly 0 — on the kink, where the one-sided derivative of backprop
    // and the central difference (½) legitimately differ. Tolerance: 3e-4 absolute + 2 % of
    // the largest gradient entry — loose enough for the rounding, tight enough to catch a
    // missing or misplaced term (an O(100 %) error).
    static func checkGradients(_ net: Network, _ x: Tensor, _ t: ClassLabels, seed: UInt64) {
        var rng = RandomGenerator(seed: seed)
        for (name, parameter) in net.parameters where name.hasPrefix("b") {
            parameter.value = Tensor.randn(parameter.value.shape, using: &rng) * 0.1
        }
        let generators = net.randomGenerators
        let numerical = net.numericalGradient(x, t, h: 1e-3)
        net.randomGenerators = generators
        net.gradient(x, t)
        for (name, parameter) in net.parameters {
            let n = numerical[name]!.scalars, a = parameter.gradient.scalars
            let scale = n.map(abs).max()!
            let error = zip(a, n).map { abs($0 - $1) }.max()!
            #expect(error <= 3e-4 + 0.02 * scale, "\(name): max error \(error), gradient scale \(scale)")
        }
    }

    @Test func simpleConvNetGradientMatchesNumericalGradient() throws {
        var rng = RandomGenerator(seed: 21)
        let net = try SimpleConvNet(inputShape: [2, 8, 8], filterCount: 3, filterSize: 3, hiddenSize: 6, outputSize: 4,
                                    weightInitStd: 0.3, seed: 5)
        Self.checkGradients(net, Tensor.rand([3, 2, 8, 8], using: &rng), [0, 3, 1], seed: 31)
    }

    @Test func deepConvNetGradientMatchesNumericalGradient() throws {
        // The book's structure with few filters on 12×12 images: 12 → 12 → pool 6 → 6 → 8 (pad 2)
        // → pool 4 → 4 → 4 → pool 2, so W7 is [4·2·2, 5].
        var rng = RandomGenerator(seed: 22)
        let convolutions = zip([2, 2, 3, 3, 4, 4], [1, 1, 1, 2, 1, 1]).map { ConvolutionSpec(filterCount: $0, filterSize: 3, pad: $1) }
        let net = try DeepConvNet(inputShape: [1, 12, 12], convolutions: convolutions, hiddenSize: 5, outputSize: 3, seed: 6)
        #expect(net.parameter(named: "W7")!.value.shape == [16, 5])
        Self.checkGradients(net, Tensor.rand([2, 1, 12, 12], using: &rng), [1, 2], seed: 32)
    }

    @Test func halfPrecisionStorageRoundsWeightsAndActivations() throws {
        let net = try SimpleConvNet(inputShape: [1, 8, 8], filterCount: 4, filterSize: 3, hiddenSize: 8, outputSize: 3,
                                    weightInitStd: 0.3, seed: 8)
        var rng = RandomGenerator(seed: 9)
        let x = Tensor.rand([5, 1, 8, 8], using: &rng)
        let full = net.predict(x, storage: .float32), half = net.predict(x, storage: .float16)
        #expect(full.scalars == net.predict(x, training: false).scalars)
        // Rounding to binary16 (11 significant bits) perturbs each value by ≤ 2⁻¹¹ relative:
        // the scores move, but by far less than their size.
        let difference = zip(full.scalars, half.scalars).map { abs($0 - $1) }.max()!
        #expect(difference > 0 && difference < 0.02 * full.scalars.map(abs).max()!)
        // The float32 weights are restored afterwards, and the scores are half-precision values.
        #expect(net.predict(x, storage: .float32).scalars == full.scalars)
        #expect(half.scalars == half.roundedToFloat16().scalars)
        let labels = ClassLabels(full.argmax(axis: 1))
        #expect(net.accuracy(x, labels, batchSize: 2, storage: .float32) == 1)
    }

    @Test func trainerTrainsASimpleConvNet() throws {
        // Two classes of 8×8 images: bright left half (0) or bright right half (1), plus noise.
        // Trivially separable, so a few dozen Adam steps must fit it.
        var rng = RandomGenerator(seed: 40)
        func images(_ n: Int) -> (Tensor, ClassLabels) {
            let labels = (0..<n).map { _ in rng.nextInt(below: 2) }
            var pixels: [Float] = []
            for label in labels {
                for _ in 0..<8 {
                    for column in 0..<8 { pixels.append(Float((column < 4) == (label == 0) ? 1 : 0) + Float(rng.nextNormal()) * 0.1) }
                }
            }
            return (Tensor(shape: [n, 1, 8, 8], scalars: pixels), ClassLabels(labels))
        }
        let (xTrain, tTrain) = images(200), (xTest, tTest) = images(50)
        let net = try SimpleConvNet(inputShape: [1, 8, 8], filterCount: 4, filterSize: 3, hiddenSize: 8, outputSize: 2,
                                    weightInitStd: 0.1, seed: 41)
        let configuration = TrainerConfiguration(epochs: 3, miniBatchSize: 20,
                                                 optimizer: OptimizerSettings(kind: .adam, learningRate: 0.01), seed: 42)
        let trainer = try Trainer(network: net, xTrain: xTrain, tTrain: tTrain, xTest: xTest, tTest: tTest,
                                  configuration: configuration)
        let result = try trainer.train()
        #expect(result.iterations == 30)
        #expect(try #require(result.finalTestAccuracy) >= 0.95)
    }
}
