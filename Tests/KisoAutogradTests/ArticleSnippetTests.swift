import Foundation
import Kiso
import KisoNN
import Testing
import KisoAutograd

/// The code of the DocC article, run as written.
@Suite struct ArticleSnippetTests {
    @Test func overviewSecondDerivative() {
        let x = Variable(2)
        let y = x ** 4 - 2 * x ** 2
        y.backward(createGraph: true)
        let gx = x.grad!
        #expect(gx.data.scalar == 24)
        x.clearGrad()
        gx.backward()
        #expect("\(x.grad!)" == "variable(44.0)")
    }

    @Test func stageOneChainRule() {
        let x = Variable(0.5)
        let y = exp(tanh(x))
        y.backward()
        let t = Foundation.tanh(Float(0.5))
        #expect(abs(x.grad!.data.scalar - Foundation.exp(t) * (1 - t * t)) < 1e-6)
    }

    @Test func stageFiveSpiral() {
        let (x, labels) = Spiral.make()
        var rng = RandomGenerator(seed: 0)
        let model = MLP(inputSize: 2, sizes: [10, 3], generator: &rng)
        let optimizer = SGD(learningRate: 1)
        let loader = DataLoader(inputs: x, labels: labels, batchSize: 30)
        for _ in 0..<300 {
            for batch in loader {
                let loss = softmaxCrossEntropy(model(Variable(batch.x)), batch.labels)
                model.clearGrads()
                loss.backward()
                optimizer.update(model)
            }
        }
        let trained = withNoGrad { accuracy(model(Variable(x)), labels) }
        #expect(trained >= 0.9)
    }
}
