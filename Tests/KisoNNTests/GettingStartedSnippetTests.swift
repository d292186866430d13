import Kiso
import KisoNN
import Testing

/// The code of the Getting Started article (Sources/KisoNN/KisoNN.docc/GettingStarted.md),
/// chapter by chapter, on tiny data, so the article cannot drift from the API. Each test body
/// is the article's snippet plus the `#expect`s that pin the values the article (and the
/// book) print. Float32 values are compared with tolerances of a few ulps of the printed
/// figures: every value here comes from fewer than ~100 float32 operations on numbers near 1,
/// so 1e-5 absolute covers the rounding (≈ 100 · 6e-8) with a wide margin.
@Suite struct GettingStartedSnippetTests {
    // MARK: Chapter 1 — arrays

    @Test func chapter1Arrays() {
        let a = Tensor([[1, 2], [3, 4]])
        let b = Tensor([10, 20])
        let scaled = a * b                       // broadcasting: [[10, 40], [30, 80]]
        let product = matmul(a, Tensor([[5, 6], [7, 8]]))   // [[19, 22], [43, 50]]
        let large = a .> 2                       // 1 where a > 2: [[0, 0], [1, 1]]
        let flat = a.flattened()                 // shape [4]

        #expect(scaled.scalars == [10, 40, 30, 80])
        #expect(product.scalars == [19, 22, 43, 50])
        #expect(large.scalars == [0, 0, 1, 1])
        #expect(flat.shape == [4])
        #expect(a.shape == [2, 2] && a.T.scalars == [1, 3, 2, 4])
        #expect(a.sum(axis: 0).scalars == [4, 6] && a.argmax(axis: 1) == [1, 1])
    }

    // MARK: Chapter 2 — perceptrons

    @Test func chapter2Perceptron() {
        let andTable = Perceptron.truthTable(AND)   // inputs (0,0), (1,0), (0,1), (1,1)
        let xorTable = Perceptron.truthTable(XOR)   // XOR = AND(NAND, OR): two layers
        let gate = Perceptron(weights: (0.5, 0.5), bias: -0.7)

        #expect(andTable == [0, 0, 0, 1])
        #expect(xorTable == [0, 1, 1, 0])
        #expect(gate == .and && gate(1, 1) == 1 && gate(1, 0) == 0)
    }

    // MARK: Chapter 3 — forward networks

    @Test func chapter3ForwardPass() {
        // The book's three-layer example network (init_network / forward).
        let x = Tensor([1.0, 0.5])
        let W1 = Tensor([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]), b1 = Tensor([0.1, 0.2, 0.3])
        let W2 = Tensor([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]), b2 = Tensor([0.1, 0.2])
        let W3 = Tensor([[0.1, 0.3], [0.2, 0.4]]), b3 = Tensor([0.1, 0.2])

        let z1 = sigmoid(matmul(x, W1) + b1)
        let z2 = sigmoid(matmul(z1, W2) + b2)
        let y = identityFunction(matmul(z2, W3) + b3)   // [0.31682708, 0.69627909]
        let p = softmax(Tensor([0.3, 2.9, 4.0]))        // [0.01821127, 0.24519181, 0.73659691]

        #expect(close(y.scalars, [0.31682708, 0.69627909], 1e-5))
        #expect(close(p.scalars, [0.01821127, 0.24519181, 0.73659691], 1e-5))
        #expect(stepFunction(Tensor([-1, 1, 2])).scalars == [0, 1, 1])
        #expect(relu(Tensor([-1, 1, 2])).scalars == [0, 1, 2])
    }

    @Test func chapter3SampleNetworkWithLoadedWeights() throws {
        // The inference network of sample_weight.pkl, fed a state dict (here: tiny sizes, and
        // weights of one's own; with the book's file they come from KisoData's BookPickle).
        let net = MultiLayerNet.sampleNetwork(inputSize: 4, hiddenSizes: [3, 2], outputSize: 2)
        var weights = net.stateDict                      // "W1", "b1", …, "b3"
        weights["W3"] = Tensor([[1, -1], [1, -1]])       // every sigmoid output > 0: class 0 wins
        try net.load(stateDict: weights)
        let x = Tensor([[0.0, 0.1, 0.2, 0.3], [1.0, 0.9, 0.8, 0.7]])
        let probabilities = net.probabilities(x)          // softmax of the scores, [2, 2]
        let accuracy = net.accuracy(x, [0, 0], batchSize: 100)

        #expect(weights.keys.sorted() == ["W1", "W2", "W3", "b1", "b2", "b3"])
        #expect(probabilities.shape == [2, 2] && probabilities.argmax(axis: 1) == [0, 0])
        #expect(accuracy == 1)
    }

    // MARK: Chapter 4 — learning from data

    @Test func chapter4LossesAndNumericalGradients() {
        let t = Tensor([0, 0, 1, 0, 0, 0, 0, 0, 0, 0])                  // one-hot: class 2
        let y = Tensor([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
        let mse = meanSquaredError(y, t)                                // 0.0975
        let cee = crossEntropyError(y, t)                               // 0.510825…

        let slope = numericalDiff({ 0.01 * $0 * $0 + 0.1 * $0 }, 5)     // ≈ 0.2
        var point = Tensor([3.0, 4.0])
        let grad = numericalGradient({ ($0 * $0).sum() }, &point)       // ≈ [6, 8]
        let (minimum, _) = gradientDescent({ ($0 * $0).sum() }, initX: Tensor([-3.0, 4.0]),
                                           learningRate: 0.1, stepNum: 100)   // ≈ [0, 0]

        #expect(abs(mse - 0.0975) < 1e-6)
        #expect(abs(cee - 0.510825) < 1e-5)
        #expect(abs(slope - 0.2) < 1e-9)   // Double central difference of a quadratic: exact up to rounding
        // float32 central differences with h = 1e-4 on values ≈ 25: rounding ≈ ε·25/1e-4 ≈ 0.015.
        #expect(close(grad.scalars, [6, 8], 0.05))
        #expect(close(minimum.scalars, [0, 0], 1e-6))
    }

    @Test func chapter4TwoLayerNetNumericalGradient() {
        let net = TwoLayerNet(inputSize: 4, hiddenSize: 5, outputSize: 3, activation: .sigmoid, seed: 1)
        let x = Tensor([[0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]])
        let t: ClassLabels = [0, 2]                                     // the class of each sample
        let grads = net.numericalGradient(x, t)                         // ["W1": [4, 5], "b1": [5], …]

        #expect(grads["W1"]?.shape == [4, 5] && grads["b2"]?.shape == [3])
        #expect(net.loss(x, t, training: false) > 0)
        // The book's one-hot rows are the same targets.
        #expect(net.numericalGradient(x, Tensor([[1, 0, 0], [0, 0, 1]]))["W1"]!.scalars == grads["W1"]!.scalars)
    }

    // MARK: Chapter 5 — backpropagation

    @Test func chapter5ComputationalGraph() {
        // Buying 2 apples at 100 with 10 % tax.
        let mulApple = MulLayer(), mulTax = MulLayer()
        let price = mulTax.forward(mulApple.forward(100, 2), 1.1)      // 220
        let (dApplePrice, dTax) = mulTax.backward(1)                    // 1.1, 200
        let (dApple, dAppleCount) = mulApple.backward(dApplePrice)      // 2.2, 110

        #expect(abs(price - 220) < 1e-9)
        #expect(abs(dApple - 2.2) < 1e-9 && abs(dAppleCount - 110) < 1e-9 && abs(dTax - 200) < 1e-9)
    }

    @Test func chapter5GradientCheck() {
        // ReLU has a kink at 0: central differences are only exact when no perturbation of
        // h = 1e-2 moves a hidden unit across it. With weights of std 0.5 (not the book's 0.01)
        // the hidden pre-activations (≈ 0.3) lie far from 0 compared with the ≈ 0.004 change
        // one perturbed weight makes, so the check measures backprop, not the kink.
        let net = TwoLayerNet(inputSize: 4, hiddenSize: 5, outputSize: 3, weightInitStd: 0.5, seed: 1)
        let x = Tensor([[0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]])
        let t: ClassLabels = [0, 2]
        let numerical = net.numericalGradient(x, t)
        net.gradient(x, t)                                              // backprop fills each gradient
        for (name, parameter) in net.parameters {
            let difference = (abs(parameter.gradient - numerical[name]!)).mean()
            // The book prints differences near 1e-10 in float64; in float32 with h = 1e-2 the
            // estimate's rounding (ε·|L|/h ≈ 6e-8 · 1.1 / 1e-2 ≈ 7e-6) dominates.
            #expect(difference < 1e-4, "\(name): \(difference)")
        }
    }

    @Test func chapter5Layers() {
        let affine = Affine(W: Tensor([[1, 0], [0, 1], [1, 1]]), b: Tensor([0, -5]))
        let relu = Relu()
        let lastLayer = SoftmaxWithLoss()
        let x = Tensor([[1, 2, 3]])                                     // [N = 1, 3]
        let scores = relu.forward(affine.forward(x, training: true), training: true)   // [[4, 0]]
        let loss = lastLayer.forward(scores, [0])                       // the sample's class: 0
        let dx = affine.backward(relu.backward(lastLayer.backward()))  // ∂L/∂x, [1, 3]

        #expect(scores.scalars == [4, 0])
        #expect(loss > 0 && dx.shape == [1, 3] && affine.W.gradient.shape == [3, 2])
    }

    // MARK: Chapter 6 — training techniques

    @Test func chapter6Optimizers() throws {
        let w = Parameter(Tensor([1.0, -2.0]))
        w.gradient = Tensor([0.5, -1.0])
        let optimizer: Optimizer = Adam(learningRate: 0.1)             // or SGD, Momentum, AdaGrad, RMSprop
        optimizer.update([("W", w)])                                   // the first Adam step moves each weight by ≈ lr

        let sgd = try makeOptimizer(name: "sgd", learningRate: 0.1)
        #expect(close(w.value.scalars, [0.9, -1.9], 1e-5))
        #expect(sgd.kind == .sgd && sgd.learningRate == 0.1)
    }

    @Test func chapter6TrainerOnTinyData() throws {
        // Two well separated classes in 2-d, 40 samples.
        var rng = RandomGenerator(seed: 7)
        let labels = ClassLabels((0..<40).map { $0 % 2 })
        let centres = labels.asTensor().reshaped([40, 1]) * Tensor([[4, 4]]) - 2    // (−2, −2) or (2, 2)
        let x = centres + Tensor.randn([40, 2], using: &rng) * 0.5

        let net = MultiLayerNetExtend(inputSize: 2, hiddenSizes: [8, 8], outputSize: 2,
                                      weightInit: .he, weightDecayLambda: 1e-4,
                                      useDropout: true, dropoutRatio: 0.1, useBatchnorm: true, seed: 1)
        let configuration = TrainerConfiguration(epochs: 5, miniBatchSize: 10,
                                                 optimizer: OptimizerSettings(kind: .adam, learningRate: 0.01))
        let trainer = try Trainer(network: net, xTrain: x, tTrain: labels, xTest: x, tTest: labels,
                                  configuration: configuration)
        let result = try trainer.train()
        // result.history.trainLossList: one loss per iteration; testAccList: one accuracy per epoch

        #expect(result.history.trainLossList.count == 20 && result.history.testAccList.count == 5)
        // Clusters 8σ apart are separable by a line; 20 Adam steps reach it (seeded, deterministic).
        #expect((result.finalTestAccuracy ?? 0) >= 0.95)
    }

    // MARK: Chapter 7 — convolutional networks

    @Test func chapter7ConvolutionAndPooling() throws {
        var rng = RandomGenerator(seed: 0)
        let x = Tensor.rand([1, 3, 7, 7], using: &rng)
        let columns = try im2col(x, filterHeight: 5, filterWidth: 5)           // [9, 75]

        let conv = Convolution(W: Tensor.randn([4, 3, 5, 5], using: &rng) * 0.01, b: Tensor.zeros([4]))
        let pool = Pooling(poolHeight: 2, poolWidth: 2, stride: 2)
        let y = conv.forward(Tensor.rand([2, 3, 8, 8], using: &rng), training: true)   // [2, 4, 4, 4]
        let pooled = pool.forward(y, training: true)                                  // [2, 4, 2, 2]
        let dx = conv.backward(pool.backward(Tensor.ones([2, 4, 2, 2])))              // [2, 3, 8, 8]

        #expect(columns.shape == [9, 75])
        #expect(y.shape == [2, 4, 4, 4] && pooled.shape == [2, 4, 2, 2] && dx.shape == [2, 3, 8, 8])
        #expect(conv.W.gradient.shape == [4, 3, 5, 5])
    }

    @Test func chapter7SimpleConvNet() throws {
        var rng = RandomGenerator(seed: 0)
        let net = try SimpleConvNet()             // the book's: 30 filters 5×5, hidden 100, 10 classes
        let images = Tensor.rand([2, 1, 28, 28], using: &rng)
        let loss = net.gradient(images, [3, 7])             // fills the gradients of W1 … b3
        let scores = net.predict(images, training: false)   // [2, 10]

        #expect(net.parameters.map(\.name) == ["W1", "b1", "W2", "b2", "W3", "b3"])
        #expect(loss.isFinite && scores.shape == [2, 10])
        #expect(net.parameter(named: "W1")!.gradient.shape == [30, 1, 5, 5])
    }

    // MARK: Chapter 8 — deep networks

    @Test func chapter8DeepConvNet() throws {
        var rng = RandomGenerator(seed: 0)
        let images = Tensor.rand([2, 1, 28, 28], using: &rng)
        let deep = try DeepConvNet()                               // six 3×3 convolutions, W1 … W8
        let scores = deep.predict(images, training: false)         // [2, 10]
        let half = deep.predict(images, storage: .float16)         // weights and activations stored as float16

        #expect(deep.parameters.count == 16 && scores.shape == [2, 10] && half.shape == [2, 10])
        // Each float16 rounding is off by at most 2⁻¹¹ ≈ 4.9e-4 relative; about 20 roundings (input,
        // weights, every layer's output) compound to well under 5 % of the scores' scale.
        let scale = abs(scores).max()
        #expect((abs(half - scores)).max() <= 0.05 * scale)
    }
}
