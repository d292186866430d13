import Foundation
import Kiso
import KisoNN
import Testing
import KisoAutograd

/// Each hand-written layer of the first book (chapters 5–7) against the same computation
/// through autograd, and both against central differences. A layer's backward gets a random
/// upstream gradient `dout`; autograd gets the scalar `Σ y · dout`, whose gradient is the same.
@Suite struct BookLayersAgainstAutogradTests {
    static func random(_ shape: [Int], seed: UInt64, awayFromZero: Bool = false) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        let t = Tensor.randn(shape, using: &generator)
        // Kinks (ReLU at 0) spoil central differences: keep |x| ≥ 0.1 where asked.
        return awayFromZero ? t.map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 } : t
    }

    /// ∂(Σ f(x)·dout)/∂x by central differences in float32, h = 1e-2: the error of the
    /// difference is ~h²·|f‴|/6 ≈ 1e-5 for these smooth functions; rounding ~ε·|f|/h ≈ 1e-5.
    static func numerical(_ f: (Tensor) -> Tensor, at x: Tensor, dout: Tensor) -> Tensor {
        var point = x
        return numericalGradient({ (f($0) * dout).sum() }, &point, h: 1e-2)
    }

    static func close(_ a: Tensor, _ b: Tensor, _ tolerance: Float = 2e-3) -> Bool {
        a.shape == b.shape && zip(a.scalars, b.scalars).allSatisfy { abs($0 - $1) <= tolerance * (1 + abs($1)) }
    }

    /// Autograd's gradients of `Σ f(inputs)·dout` with respect to each input.
    static func autograd(_ f: ([Variable]) -> Variable, _ inputs: [Tensor], dout: Tensor) -> [Tensor] {
        let variables = inputs.map { Variable($0) }
        sum(f(variables) * Variable(dout)).backward()
        return variables.map { $0.grad!.data }
    }

    @Test func affineMatchesLinear() {
        let (x, w, b) = (Self.random([4, 5], seed: 1), Self.random([5, 3], seed: 2), Self.random([3], seed: 3))
        let dout = Self.random([4, 3], seed: 4)
        let layer = Affine(W: w, b: b)
        _ = layer.forward(x, training: true)
        let dx = layer.backward(dout)
        let grads = Self.autograd({ linear($0[0], $0[1], $0[2]) }, [x, w, b], dout: dout)
        #expect(Self.close(grads[0], dx) && Self.close(grads[1], layer.W.gradient) && Self.close(grads[2], layer.b.gradient))
        #expect(Self.close(dx, Self.numerical({ Affine(W: w, b: b).forward($0, training: true) }, at: x, dout: dout)))
        #expect(Self.close(grads[1], Self.numerical({ Affine(W: $0, b: b).forward(x, training: true) }, at: w, dout: dout)))
    }

    @Test func reluAndSigmoidMatchTheirFunctions() {
        let x = Self.random([3, 4], seed: 5, awayFromZero: true), dout = Self.random([3, 4], seed: 6)
        let pairs: [(Layer, (Variable) -> Variable)] = [(Relu(), relu), (KisoNN.Sigmoid(), KisoAutograd.sigmoid)]
        for (layer, function) in pairs {
            _ = layer.forward(x, training: true)
            let dx = layer.backward(dout)
            let grad = Self.autograd({ function($0[0]) }, [x], dout: dout)[0]
            #expect(Self.close(grad, dx))
            #expect(Self.close(dx, Self.numerical({ layer.forward($0, training: true) }, at: x, dout: dout)))
        }
    }

    @Test func softmaxWithLossMatchesSoftmaxCrossEntropy() {
        let x = Self.random([4, 5], seed: 7), labels: ClassLabels = [0, 3, 1, 4]
        let layer = SoftmaxWithLoss()
        let loss = layer.forward(x, labels)
        let dx = layer.backward()
        let v = Variable(x)
        let autoLoss = softmaxCrossEntropy(v, labels)
        autoLoss.backward()
        #expect(abs(autoLoss.data.scalar - loss) < 1e-5)   // the layer adds 1e-7 inside its log
        #expect(Self.close(v.grad!.data, dx, 1e-5))
        var point = x
        let numeric = numericalGradient({ SoftmaxWithLoss().forward($0, labels) }, &point, h: 1e-2)
        #expect(Self.close(dx, numeric))
    }

    @Test func batchNormalizationMatchesBatchNorm() {
        let x = Self.random([6, 4], seed: 8), dout = Self.random([6, 4], seed: 9)
        let (gamma, beta) = (Self.random([4], seed: 10), Self.random([4], seed: 11))
        let layer = BatchNormalization(gamma: gamma, beta: beta)
        let y = layer.forward(x, training: true)
        let dx = layer.backward(dout)
        let grads = Self.autograd({ batchNorm($0[0], gamma: $0[1], beta: $0[2]).y }, [x, gamma, beta], dout: dout)
        let autoY = withNoGrad { batchNorm(Variable(x), gamma: Variable(gamma), beta: Variable(beta)).y.data }
        #expect(Self.close(autoY, y, 1e-4))
        #expect(Self.close(grads[0], dx) && Self.close(grads[1], layer.gamma.gradient) && Self.close(grads[2], layer.beta.gradient))
        let numeric = Self.numerical({ BatchNormalization(gamma: gamma, beta: beta).forward($0, training: true) }, at: x, dout: dout)
        #expect(Self.close(dx, numeric, 5e-3))
    }

    @Test func dropoutWithTheLayersMaskMatchesTheLayer() {
        let x = Self.random([3, 5], seed: 12), dout = Self.random([3, 5], seed: 13)
        let layer = KisoNN.Dropout(ratio: 0.5, seed: 14)
        let y = layer.forward(x, training: true)
        let dx = layer.backward(dout)
        let mask = layer.mask!
        let grad = Self.autograd({ dropout($0[0], mask: mask) }, [x], dout: dout)[0]
        #expect(Self.close(grad, dx, 0))
        // The generator form draws the layer's masks in the layer's order.
        var generator = RandomGenerator(seed: 14)
        let same = withNoGrad { dropout(Variable(x), ratio: 0.5, training: true, generator: &generator).data }
        #expect(same.scalars == y.scalars)
        #expect(Self.close(dx, Self.numerical({ $0 * mask }, at: x, dout: dout)))
    }

    @Test func meanAndBroadcastGradientsSumBackToTheOperandShapes() {
        // y = x [2, 3] + b [3] then mean: ∂b = column sums / 6 = 1/3 each; ∂x = 1/6.
        let x = Variable(Self.random([2, 3], seed: 15)), b = Variable(Self.random([3], seed: 16))
        let y = mean(x + b)
        y.backward()
        #expect(b.grad!.data.scalars.allSatisfy { abs($0 - 1.0 / 3) < 1e-6 })
        #expect(x.grad!.data.scalars.allSatisfy { abs($0 - 1.0 / 6) < 1e-6 })
    }

    @Test func shapeFunctionsMatchNumericalGradients() {
        let x = Self.random([3, 4], seed: 17)
        let dout = Self.random([2, 6], seed: 18)
        let f: (Variable) -> Variable = { v in
            reshape(transpose(getItem(exp(v), [2, 0, 2]) * 0.5, axes: [1, 0]), [2, 6])
        }
        let grad = Self.autograd({ f($0[0]) }, [x], dout: dout)[0]
        let numeric = Self.numerical({ t in withNoGrad { f(Variable(t)).data } }, at: x, dout: dout)
        #expect(Self.close(grad, numeric))
    }

    @Test func matmulWithTransposesMatchesNumericalGradients() {
        let a = Self.random([3, 4], seed: 19), b = Self.random([5, 3], seed: 20), dout = Self.random([4, 5], seed: 21)
        let grads = Self.autograd({ matmul($0[0], $0[1], transposeA: true, transposeB: true) }, [a, b], dout: dout)
        let da = Self.numerical({ Kiso.matmul($0, b, transposeA: true, transposeB: true) }, at: a, dout: dout)
        let db = Self.numerical({ Kiso.matmul(a, $0, transposeA: true, transposeB: true) }, at: b, dout: dout)
        #expect(Self.close(grads[0], da) && Self.close(grads[1], db))
    }

    @Test func softmaxAndDivisionMatchNumericalGradients() {
        let x = Self.random([2, 4], seed: 22), dout = Self.random([2, 4], seed: 23)
        let f: (Variable) -> Variable = { v in softmax(v) / (sigmoid(v) + 1) - log(sigmoid(v)) + cos(v) }
        let grad = Self.autograd({ f($0[0]) }, [x], dout: dout)[0]
        let numeric = Self.numerical({ t in withNoGrad { f(Variable(t)).data } }, at: x, dout: dout)
        #expect(Self.close(grad, numeric))
    }
}

/// Chapter 7's layers against autograd's conv2d and max pooling (the same tensor operations
/// underneath, reached through different code), and both against central differences.
@Suite struct ConvolutionLayersAgainstAutogradTests {
    typealias Support = BookLayersAgainstAutogradTests

    @Test func convolutionMatchesConv2d() throws {
        let x = Support.random([2, 3, 6, 5], seed: 30), w = Support.random([4, 3, 3, 3], seed: 31)
        let b = Support.random([4], seed: 32)
        let layer = Convolution(W: w, b: b, stride: 2, pad: 1)
        let y = layer.forward(x, training: true)
        let dout = Support.random(y.shape, seed: 33)
        let dx = layer.backward(dout)
        let grads = Support.autograd({ try! conv2d($0[0], $0[1], $0[2], stride: 2, pad: 1) }, [x, w, b], dout: dout)
        #expect(Support.close(grads[0], dx) && Support.close(grads[1], layer.W.gradient) && Support.close(grads[2], layer.b.gradient))
        let numeric = Support.numerical({ try! Kiso.conv2d($0, w, b, stride: 2, pad: 1) }, at: x, dout: dout)
        #expect(Support.close(dx, numeric))
        let numericW = Support.numerical({ try! Kiso.conv2d(x, $0, b, stride: 2, pad: 1) }, at: w, dout: dout)
        #expect(Support.close(grads[1], numericW))
    }

    @Test func poolingMatchesMaxPool2d() throws {
        // Distinct values 0.1 apart: no ties within a window, so central differences are exact.
        var generator = RandomGenerator(seed: 34)
        let x = Tensor(shape: [2, 3, 4, 4], scalars: generator.permutation(96).map { Float($0) * 0.1 - 4.8 })
        let layer = Pooling(poolHeight: 2, poolWidth: 2, stride: 2)
        let y = layer.forward(x, training: true)
        let dout = Support.random(y.shape, seed: 35)
        let dx = layer.backward(dout)
        let grad = Support.autograd({ try! maxPool2d($0[0], size: 2, stride: 2) }, [x], dout: dout)[0]
        #expect(Support.close(grad, dx, 0))
        let numeric = Support.numerical({ try! Kiso.maxPool2d($0, height: 2, width: 2, stride: 2).output }, at: x, dout: dout)
        #expect(Support.close(dx, numeric))
    }

    @Test func aFilterLargerThanTheInputIsAnError() {
        let x = Variable(Tensor.zeros([1, 1, 3, 3])), w = Variable(Tensor.zeros([1, 1, 5, 5]))
        #expect(throws: ConvolutionShapeError.self) { try conv2d(x, w) }
        #expect(throws: ConvolutionShapeError.self) { try maxPool2d(x, size: 4, stride: 1) }
    }

    @Test func aSmallConvNetLearnsThroughAutograd() throws {
        // conv 4×3×3 → ReLU → pool → linear: the loss on a fixed batch falls under Adam.
        var generator = RandomGenerator(seed: 36)
        let x = Tensor.randn([8, 1, 6, 6], using: &generator)
        let labels = ClassLabels((0..<8).map { $0 % 2 })
        let conv = Conv2d(1, 4, kernelSize: 3, pad: 1, generator: &generator)
        let fc = Linear(4 * 3 * 3, 2, generator: &generator)
        let optimizer = Adam(learningRate: 0.01)
        var losses: [Float] = []
        for _ in 0..<30 {
            let h = try maxPool2d(relu(conv(Variable(x))))
            let loss = softmaxCrossEntropy(fc(h), labels)
            conv.clearGrads(); fc.clearGrads()
            loss.backward()
            optimizer.update(conv.parameters.map { ("conv.\($0.name)", $0.variable) } + fc.parameters.map { ("fc.\($0.name)", $0.variable) })
            losses.append(loss.data.scalar)
        }
        #expect(losses.last! < 0.5 * losses.first!)
    }
}
