import Foundation
import Testing
import Kiso
import KisoNN

/// Backprop vs numerical gradients for every network, as in the book's gradient_check.py
/// (3 samples). Numerical gradients use h = 1e-2 in float32 (see
/// `Network.numericalGradient`): the loss (≈ 1–2.5) is rounded to float32 with error
/// ε·|L| ≈ 1.5e-7, which over 2h gives ~1e-5 per element, plus the h² truncation term.
/// The book's float64 differences are 1e-10…1e-7; the float32 equivalent bound on the mean
/// absolute difference is therefore 1e-5 … 5e-5, and the measured values are printed.
@Suite struct NetworkTests {
    static func data(inputs: Int, classes: Int, seed: UInt64) -> (Tensor, ClassLabels) {
        var rng = RandomGenerator(seed: seed)
        let x = Tensor.rand([3, inputs], using: &rng)
        let t = ClassLabels((0..<3).map { _ in rng.nextInt(below: classes) })
        return (x, t)
    }

    @discardableResult
    static func check(_ net: Network, _ x: Tensor, _ t: ClassLabels, tolerance: Double, label: String) -> [String: Double] {
        let generators = net.randomGenerators
        let numeric = net.numericalGradient(x, t)
        net.randomGenerators = generators
        net.gradient(x, t)
        var report: [String: Double] = [:]
        for (name, p) in net.parameters {
            let d = GradientCheck.meanAbsDifference(p.gradient, numeric[name]!)
            report[name] = d
            #expect(d <= tolerance, "\(label) \(name): mean |Δ| = \(d)")
        }
        print(label, report.sorted { $0.key < $1.key }.map { "\($0.key):\(String(format: "%.1e", $0.value))" }.joined(separator: " "))
        return report
    }

    @Test func simpleNet() {
        // The book's simpleNet example: x = [0.6, 0.9], label 2 — written t = [0, 0, 1] in the book.
        let net = SimpleNet(seed: 1)
        let x = Tensor([0.6, 0.9])
        Self.check(net, x, [2], tolerance: 2e-5, label: "simpleNet")
        #expect(net.predict(x, training: false).shape == [3])
        let fromOneHot = net.numericalGradient(x, Tensor([0, 0, 1])), fromLabel = net.numericalGradient(x, [2])
        #expect(net.loss(x, Tensor([0, 0, 1]), training: false) == net.loss(x, [2], training: false))
        #expect(fromOneHot["W"]!.scalars == fromLabel["W"]!.scalars)
    }

    @Test func twoLayerNetReluAndSigmoid() {
        let (x, t) = Self.data(inputs: 6, classes: 4, seed: 2)
        for activation in [ActivationKind.relu, .sigmoid] {
            let net = TwoLayerNet(inputSize: 6, hiddenSize: 5, outputSize: 4, weightInitStd: 0.5, activation: activation, seed: 3)
            Self.check(net, x, t, tolerance: 2e-5, label: "TwoLayerNet(\(activation))")
        }
        #expect(TwoLayerNet(inputSize: 6, hiddenSize: 5, outputSize: 4).parameters.map(\.name) == ["W1", "b1", "W2", "b2"])
    }

    @Test func multiLayerNetWithWeightDecay() {
        let (x, t) = Self.data(inputs: 5, classes: 3, seed: 4)
        let net = MultiLayerNet(inputSize: 5, hiddenSizes: [4, 4], outputSize: 3, activation: .sigmoid,
                                weightInit: .xavier, weightDecayLambda: 0.1, seed: 5)
        Self.check(net, x, t, tolerance: 3e-5, label: "MultiLayerNet(λ=0.1)")
        #expect(net.parameters.map(\.name) == ["W1", "b1", "W2", "b2", "W3", "b3"])
        // The decay term is ½λΣ‖W‖².
        let plain = MultiLayerNet(inputSize: 5, hiddenSizes: [4, 4], outputSize: 3, activation: .sigmoid, weightInit: .xavier, seed: 5)
        let decay = 0.05 * net.parameters.filter { $0.name.hasPrefix("W") }.map { Double(($0.parameter.value * $0.parameter.value).sum()) }.reduce(0, +)
        #expect(abs(Double(net.loss(x, t, training: false) - plain.loss(x, t, training: false)) - decay) < 1e-5)
    }

    // Ten standard-normal samples: batch normalisation divides by each feature's batch
    // std, and with the 3 samples in [0, 1) used above some stds are ~0.05, so a step of
    // h = 1e-2 in W1 is no longer small and the truncation error reaches 1e-3. With a
    // well-conditioned batch the float32 figures are back at ~1e-5. Dropout keeps one mask
    // (the generators are reset before every evaluation).
    @Test(arguments: [ActivationKind.sigmoid, .tanh, .relu])
    func multiLayerNetExtendWithBatchNormAndDropout(activation: ActivationKind) {
        var rng = RandomGenerator(seed: 6)
        let x = Tensor.randn([10, 5], using: &rng)
        let t = ClassLabels((0..<10).map { _ in rng.nextInt(below: 3) })
        let net = MultiLayerNetExtend(inputSize: 5, hiddenSizes: [6, 6], outputSize: 3, activation: activation,
                                      weightInit: .he, weightDecayLambda: 0.05, useDropout: true,
                                      dropoutRatio: 0.3, useBatchnorm: true, seed: 7)
        #expect(net.parameters.map(\.name) == ["W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2", "W3", "b3"])
        #expect(net.buffers.map(\.name) == ["running_mean1", "running_var1", "running_mean2", "running_var2"])
        #expect(net.randomGenerators.count == 2)
        Self.check(net, x, t, tolerance: 5e-5, label: "MultiLayerNetExtend(BN, dropout, λ, \(activation))")
    }

    @Test func stateDictRoundTripAndErrors() throws {
        let a = MultiLayerNetExtend(inputSize: 4, hiddenSizes: [3], outputSize: 2, useBatchnorm: true, seed: 1)
        let b = MultiLayerNetExtend(inputSize: 4, hiddenSizes: [3], outputSize: 2, useBatchnorm: true, seed: 2)
        let x = Tensor([[1, 2, 3, 4], [0, 1, 0, 1]])
        _ = a.predict(x, training: true)        // moves the running statistics
        try b.load(stateDict: a.stateDict)
        #expect(b.predict(x, training: false).scalars == a.predict(x, training: false).scalars)
        #expect(Set(a.stateDict.keys) == ["W1", "b1", "gamma1", "beta1", "running_mean1", "running_var1", "W2", "b2"])

        var missing = a.stateDict
        missing["W2"] = nil
        #expect(throws: NetworkStateError.self) { try b.load(stateDict: missing) }
        var wrong = a.stateDict
        wrong["b1"] = Tensor([1, 2])
        do { try b.load(stateDict: wrong); Issue.record("expected a shape error") } catch {
            #expect("\(error)".contains("'b1' has shape [2] but the network expects [3]"))
        }
        var extra = a.stateDict
        extra["W9"] = Tensor([1])
        #expect(throws: NetworkStateError.self) { try b.load(stateDict: extra) }
        var noBuffers = a.stateDict
        noBuffers["running_mean1"] = nil
        noBuffers["running_var1"] = nil
        try b.load(stateDict: noBuffers, strict: false)
    }

    @Test func configurationRebuildsEachKind() throws {
        let nets: [Network] = [
            TwoLayerNet(inputSize: 4, hiddenSize: 3, outputSize: 2, activation: .sigmoid),
            MultiLayerNet(inputSize: 4, hiddenSizes: [3, 3], outputSize: 2, weightDecayLambda: 0.1),
            MultiLayerNetExtend(inputSize: 4, hiddenSizes: [3], outputSize: 2, useDropout: true, useBatchnorm: true),
        ]
        for net in nets {
            let config = try #require(net.configuration)
            let json = try JSONEncoder().encode(config)
            let decoded = try JSONDecoder().decode(NetworkConfiguration.self, from: json)
            #expect(decoded == config)
            let rebuilt = try decoded.makeNetwork(seed: 99)
            try rebuilt.load(stateDict: net.stateDict)
            #expect(rebuilt.parameters.map(\.name) == net.parameters.map(\.name))
        }
        #expect(SimpleNet().configuration == nil)   // chapter 4's toy is not one of the saved models
        var bad = try #require(nets[0].configuration)
        bad.hiddenSizes = [3, 3]
        #expect(throws: NetworkStateError.self) { try bad.makeNetwork() }
    }

    @Test func weightInitScales() throws {
        #expect(WeightInit.he.scale(fanIn: 50) == Float((2.0 / 50).squareRoot()))
        #expect(WeightInit.xavier.scale(fanIn: 100) == 0.1)
        #expect(WeightInit.std(0.01).scale(fanIn: 7) == 0.01)
        #expect(try WeightInit("relu") == .he)
        #expect(try WeightInit("sigmoid") == .xavier)
        #expect(try WeightInit("0.01") == .std(0.01))
        #expect(throws: NetworkStateError.self) { try WeightInit("glorot") }
    }

    @Test func accuracyCountsArgmaxHits() {
        let net = SimpleNet(W: Tensor([[1, 0, 0], [0, 1, 0]]))
        let x = Tensor([[2, 1], [0, 3], [1, 5]])    // argmax 0, 1, 1
        #expect(net.accuracy(x, [0, 1, 2]) == 2.0 / 3)
        #expect(net.accuracy(x, Tensor([0, 1, 2])) == 2.0 / 3)                           // the book's float labels
        #expect(net.accuracy(x, ClassLabels([0, 1, 2]).oneHot(classes: 3)) == 2.0 / 3)   // and one-hot rows
        #expect(net.correctCount(x, [0, 1, 2], range: 1..<3) == 1)
    }
}
