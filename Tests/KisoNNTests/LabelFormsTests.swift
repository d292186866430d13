import Testing
import Kiso
import KisoNN

/// Integer labels and the book's float targets (one-hot rows, float indices) are the same
/// labels once converted, so every loss, gradient and history they give is bit-identical.
@Suite struct LabelFormsTests {
    static func network() -> MultiLayerNetExtend {
        MultiLayerNetExtend(inputSize: 4, hiddenSizes: [6], outputSize: 3, weightDecayLambda: 0.01, useDropout: true,
                            dropoutRatio: 0.2, useBatchnorm: true, seed: 11)
    }

    @Test func trainerWithLabelsMatchesTrainerWithOneHotTargets() throws {
        let (x, t) = TrainerTests.blobs(60, seed: 1), (xt, tt) = TrainerTests.blobs(20, seed: 2)
        let config = TrainerConfiguration(epochs: 3, miniBatchSize: 10, optimizer: OptimizerSettings(kind: .adam, learningRate: 0.01),
                                          seed: 5)
        let fromLabels = try Trainer(network: Self.network(), xTrain: x, tTrain: t, xTest: xt, tTest: tt, configuration: config)
        let fromOneHot = try Trainer(network: Self.network(), xTrain: x, tTrain: t.oneHot(classes: 3), xTest: xt,
                                     tTest: tt.oneHot(classes: 3), configuration: config)
        let fromIndices = try Trainer(network: Self.network(), xTrain: x, tTrain: t.asTensor(), xTest: xt,
                                      tTest: tt.asTensor(), configuration: config)
        #expect(fromOneHot.tTrain == t && fromIndices.tTest == tt)
        let expected = try fromLabels.train()
        #expect(expected.history.trainLossList.count == 18)
        for trainer in [fromOneHot, fromIndices] {
            let result = try trainer.train()
            #expect(result.history == expected.history)
            #expect(result.finalTestAccuracy == expected.finalTestAccuracy)
            for ((name, p), (_, q)) in zip(trainer.network.parameters, fromLabels.network.parameters) {
                #expect(p.value.scalars == q.value.scalars, "\(name)")
            }
        }
    }

    @Test func networkGradientWithLabelsMatchesOneHotTargets() {
        let (x, t) = TrainerTests.blobs(8, seed: 3)
        let a = Self.network(), b = Self.network()
        let lossA = a.gradient(x, t), lossB = b.gradient(x, t.oneHot(classes: 3))
        #expect(lossA == lossB)
        for ((name, p), (_, q)) in zip(a.parameters, b.parameters) {
            #expect(p.gradient.scalars == q.gradient.scalars, "\(name)")
        }
        #expect(a.loss(x, t, training: false) == b.loss(x, t.asTensor(), training: false))
        #expect(a.correctCount(x, t, range: 2..<8) == a.correctCount(x, t.oneHot(classes: 3), range: 2..<8))
    }
}
