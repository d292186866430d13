import Testing
import Kiso
import KisoNN

@Suite struct TrainerTests {
    /// A small separable problem: 3 Gaussian blobs in 4-d.
    static func blobs(_ n: Int, seed: UInt64) -> (Tensor, ClassLabels) {
        var rng = RandomGenerator(seed: seed)
        let centers: [[Float]] = [[2, 0, 0, 1], [0, 2, 1, 0], [-1, -1, 2, 2]]
        var rows: [[Float]] = [], labels: [Int] = []
        for _ in 0..<n {
            let c = rng.nextInt(below: 3)
            rows.append(centers[c].map { $0 + Float(rng.nextNormal()) * 0.5 })
            labels.append(c)
        }
        return (Tensor(rows), ClassLabels(labels))
    }

    static func makeTrainer(_ config: TrainerConfiguration, dropout: Bool = true) throws -> Trainer {
        let (x, t) = blobs(200, seed: 1), (xt, tt) = blobs(60, seed: 2)
        let net = MultiLayerNetExtend(inputSize: 4, hiddenSizes: [8, 8], outputSize: 3, useDropout: dropout,
                                      dropoutRatio: 0.2, useBatchnorm: true, seed: 3)
        return try Trainer(network: net, xTrain: x, tTrain: t, xTest: xt, tTest: tt, configuration: config)
    }

    @Test func lossFallsAndAccuracyIsRecordedEachEpoch() throws {
        let config = TrainerConfiguration(epochs: 10, miniBatchSize: 20, optimizer: OptimizerSettings(kind: .adam, learningRate: 0.01))
        let trainer = try Self.makeTrainer(config, dropout: false)
        var progressCalls = 0, epochCalls = 0
        trainer.onProgress = { p in progressCalls += 1; #expect(p.totalIterations == 100) }
        trainer.onEpoch = { _ in epochCalls += 1 }
        let result = try trainer.train()
        #expect(progressCalls == 100 && epochCalls == 10)
        #expect(result.history.trainLossList.count == 100)
        #expect(result.history.trainAccList.count == 10 && result.history.testAccList.count == 10)
        let first = result.history.trainLossList.prefix(10).reduce(0, +) / 10
        let last = result.history.trainLossList.suffix(10).reduce(0, +) / 10
        #expect(last < first * 0.5)
        #expect(try #require(result.finalTestAccuracy) > 0.9)
    }

    @Test func stopAndResumeEqualsUninterrupted() throws {
        for sampling in TrainerConfiguration.Sampling.allCases {
            let config = TrainerConfiguration(epochs: 3, miniBatchSize: 32, optimizer: OptimizerSettings(kind: .momentum, learningRate: 0.05),
                                              sampling: sampling, recordsLossWithExtraForward: true, seed: 42)
            let full = try Self.makeTrainer(config)
            try full.train()

            let first = try Self.makeTrainer(config)
            var polls = 0
            first.shouldStop = { polls += 1; return polls > 7 }       // stops after 7 iterations, mid-epoch
            let partial = try first.train()
            #expect(partial.stopped && partial.iterations == 7)
            let saved = first.state

            let resumed = try Self.makeTrainer(config)      // a fresh process: new network and optimizer
            try resumed.restore(saved)
            let result = try resumed.train()
            #expect(result.iterations == full.maxIterations)
            #expect(resumed.history == full.history, "\(sampling)")
            for (name, value) in full.network.stateDict {
                #expect(resumed.network.stateDict[name]!.scalars == value.scalars, "\(sampling) \(name)")
            }
        }
    }

    @Test func evaluationSampleAndIterationOverride() throws {
        // 200 samples / batch 20 = 10 iterations per epoch; 25 iterations → 2 evaluations.
        var config = TrainerConfiguration(epochs: 99, miniBatchSize: 20, evaluationSampleCount: 30, iterations: 25)
        let sampled = try Self.makeTrainer(config)
        var reports: [EpochReport] = []
        sampled.onEpoch = { reports.append($0) }
        let result = try sampled.train()
        #expect(result.iterations == 25 && sampled.totalEpochs == 3)
        #expect(reports.map(\.epoch) == [1, 2])
        // Accuracy on the first 30 samples is a multiple of 1/30.
        #expect(reports.allSatisfy { abs(($0.trainAccuracy * 30).rounded() - $0.trainAccuracy * 30) < 1e-4 })
        config.evaluationSampleCount = 0
        let silent = try Self.makeTrainer(config)
        #expect(try silent.train().history.trainAccList.isEmpty)
    }

    @Test func restoreRejectsAForeignState() throws {
        let a = try Self.makeTrainer(TrainerConfiguration(epochs: 1, miniBatchSize: 20, optimizer: OptimizerSettings(kind: .adam)))
        let b = try Self.makeTrainer(TrainerConfiguration(epochs: 1, miniBatchSize: 20, optimizer: OptimizerSettings(kind: .sgd)))
        #expect(throws: TrainingError.self) { try b.restore(a.state) }
    }

    @Test func divergingLossStopsWithAClearError() throws {
        let (x, t) = Self.blobs(50, seed: 1)
        let net = MultiLayerNet(inputSize: 4, hiddenSizes: [8], outputSize: 3, weightInit: .std(10), seed: 1)
        let config = TrainerConfiguration(epochs: 50, miniBatchSize: 10, optimizer: OptimizerSettings(kind: .sgd, learningRate: 1e30))
        let trainer = try Trainer(network: net, xTrain: x, tTrain: t, xTest: x, tTest: t, configuration: config)
        do {
            try trainer.train()
            Issue.record("expected divergence")
        } catch let error as TrainingError {
            #expect("\(error)".contains("smaller learning rate"))
        }
    }

    @Test func invalidSetupIsAnError() {
        #expect(throws: TrainingError.self) {
            try Trainer(network: SimpleNet(), xTrain: Tensor.zeros([3, 2]), tTrain: [0, 1], xTest: Tensor.zeros([1, 2]), tTest: [0])
        }
        #expect(throws: TrainingError.self) {
            try Trainer(network: SimpleNet(), xTrain: Tensor.zeros([2, 2]), tTrain: [0, 1], xTest: Tensor.zeros([1, 2]), tTest: [])
        }
        // The book's float targets go through the same checks.
        #expect(throws: TrainingError.self) {
            try Trainer(network: SimpleNet(), xTrain: Tensor.zeros([3, 2]), tTrain: Tensor([0, 1]),
                        xTest: Tensor.zeros([1, 2]), tTest: Tensor([0]))
        }
    }
}
