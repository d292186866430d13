import Testing
import Kiso
import KisoNN

/// A `Trainer` fed `ByteTensor` inputs trains exactly as one fed their float32 copy.
@Suite struct ByteDataTrainerTests {
    /// `n` 8-pixel "images" of 3 classes: class c is bright on pixels 2c, 2c + 1, plus noise.
    static func bytes(_ n: Int, seed: UInt64) -> (ByteTensor, ClassLabels) {
        var rng = RandomGenerator(seed: seed)
        var pixels: [UInt8] = [], labels: [Int] = []
        for _ in 0..<n {
            let c = rng.nextInt(below: 3)
            for p in 0..<8 { pixels.append(UInt8((p / 2 == c ? 180 : 0) + rng.nextInt(below: 70))) }
            labels.append(c)
        }
        return (ByteTensor(shape: [n, 8], bytes: pixels, scale: 1 / 255), ClassLabels(labels))
    }

    static func network() -> MultiLayerNetExtend {
        MultiLayerNetExtend(inputSize: 8, hiddenSizes: [10], outputSize: 3, useDropout: true, dropoutRatio: 0.1,
                            useBatchnorm: false, seed: 5)
    }

    @Test func byteInputsGiveTheHistoryAndWeightsOfFloatInputs() throws {
        let (x, t) = Self.bytes(120, seed: 1), (xt, tt) = Self.bytes(50, seed: 2)
        for sampling in TrainerConfiguration.Sampling.allCases {
            let config = TrainerConfiguration(epochs: 3, miniBatchSize: 20, optimizer: OptimizerSettings(kind: .adam, learningRate: 0.01),
                                              sampling: sampling, evaluationSampleCount: 40, seed: 9)
            let fromBytes = try Trainer(network: Self.network(), xTrain: x, tTrain: t, xTest: xt, tTest: tt, configuration: config)
            let fromFloats = try Trainer(network: Self.network(), xTrain: x.floats(), tTrain: t, xTest: xt.floats(), tTest: tt,
                                         configuration: config)
            let a = try fromBytes.train(), b = try fromFloats.train()
            // Same batches bit for bit (ByteTensor's batches equal the float rows), so every
            // loss, accuracy and weight is identical, not merely close.
            #expect(a.history == b.history, "\(sampling)")
            #expect(a.finalTestAccuracy == b.finalTestAccuracy)
            #expect(a.history.trainAccList.count == 3 && a.history.trainLossList.count == 18)
            for ((name, p), (_, q)) in zip(fromBytes.network.parameters, fromFloats.network.parameters) {
                #expect(p.value.scalars == q.value.scalars, "\(name)")
            }
            #expect(fromBytes.xTrain.sampleCount == 120 && fromBytes.xTest.sampleShape == [8])
        }
    }

    @Test func mismatchedByteSetIsAnError() {
        let (x, _) = Self.bytes(10, seed: 1)
        #expect(throws: TrainingError.self) {
            try Trainer(network: Self.network(), xTrain: x, tTrain: [0, 1], xTest: x, tTest: ClassLabels(repeatElement(0, count: 10)))
        }
    }
}
