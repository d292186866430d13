import Testing
import Kiso
import KisoNN

@Suite struct ExperimentTests {
    @Test func optimizerTrajectoriesOnTheBowl() {
        let paths = OptimizerComparison.trajectories()
        #expect(paths.map(\.kind) == [.sgd, .momentum, .adagrad, .adam])
        for (kind, path) in paths {
            #expect(path.count == 31)
            #expect(path[0].x == -7 && path[0].y == 2)
            let end = path.last!
            #expect(OptimizerComparison.bowl(end.x, end.y) < OptimizerComparison.bowl(-7, 2) / 10, "\(kind)")
        }
        // SGD's first step: (−7, 2) − 0.95·(−0.7, 4) = (−6.335, −1.8).
        #expect(abs(paths[0].path[1].x + 6.335) < 1e-5 && abs(paths[0].path[1].y + 1.8) < 1e-5)
    }

    @Test func activationHistogramsShowTheBooksShapes() {
        // Sigmoid with std 1: activations pile up at 0 and 1 (vanishing gradients).
        let saturated = WeightInitExperiments.activations(activation: .sigmoid, weightInit: .std(1))
        #expect(saturated.count == 5 && saturated[0].shape == [1000, 100])
        let h = WeightInitExperiments.histogram(saturated[4])
        #expect(h.reduce(0, +) == 100_000)
        #expect(Double(h[0] + h[29]) / 100_000 > 0.5)
        // Sigmoid with std 0.01: everything near 0.5 (no expressiveness).
        let collapsed = WeightInitExperiments.activations(activation: .sigmoid, weightInit: .std(0.01))[4]
        #expect(collapsed.max() < 0.55 && collapsed.min() > 0.45)
        // ReLU: He keeps the spread across layers; std 0.01 shrinks it ~100× per layer.
        let he = WeightInitExperiments.activations(activation: .relu, weightInit: .he)
        #expect(he[4].std() / he[0].std() > 0.3 && he[4].std() / he[0].std() < 3)
        let small = WeightInitExperiments.activations(activation: .relu, weightInit: .std(0.01))
        #expect(small[4].std() / small[0].std() < 1e-3)
    }

    @Test func histogramBinsAndRange() {
        #expect(WeightInitExperiments.histogram(Tensor([0, 0.1, 0.5, 0.99, 1, 1.5, -0.1]), bins: 2) == [2, 3])
    }

    @Test func initComparisonStd001StaysAtChanceWhileHeLearns() {
        let (x, t) = TrainerTests.blobs(300, seed: 5)
        let curves = WeightInitExperiments.compareOnData(xTrain: x, tTrain: t, hiddenSizes: [20, 20, 20, 20],
                                                         miniBatchSize: 32, iterations: 150, learningRate: 0.05)
        #expect(curves.map(\.weightInit) == [.std(0.01), .xavier, .he])
        let last = curves.map { c in c.losses.suffix(20).reduce(0, +) / 20 }
        #expect(abs(last[0] - 1.0986) < 0.02)      // ln 3: outputs ≈ 0, chance level
        #expect(last[2] < 0.5)
    }

    @Test func validationSplitShufflesAndPartitions() {
        var rng = RandomGenerator(seed: 1)
        let x = Tensor.arange(10).reshaped([10, 1]), t = ClassLabels(0..<10)
        let s = splitValidation(x, t, fraction: 0.2, using: &rng)
        #expect(s.xValidation.shape == [2, 1] && s.xTrain.shape == [8, 1])
        #expect(Set(s.xTrain.scalars + s.xValidation.scalars) == Set(x.scalars))
        #expect(s.tTrain.map(Float.init) == s.xTrain.scalars)   // rows stay paired
        #expect(s.tValidation.map(Float.init) == s.xValidation.scalars)
        #expect(s.xTrain.scalars + s.xValidation.scalars != x.scalars)
    }

    @Test func hyperparameterSearchRanksBestFirst() throws {
        let (x, t) = TrainerTests.blobs(100, seed: 3), (xv, tv) = TrainerTests.blobs(40, seed: 4)
        var search = HyperparameterSearch()
        search.trials = 4
        search.epochs = 2
        search.hiddenSizes = [10]
        search.miniBatchSize = 20
        var reported = 0
        let trials = try search.run(xTrain: x, tTrain: t, xValidation: xv, tValidation: tv, onTrial: { _, _ in reported += 1 })
        #expect(reported == 4 && trials.count == 4)
        #expect(zip(trials, trials.dropFirst()).allSatisfy { $0.finalValidationAccuracy >= $1.finalValidationAccuracy })
        for trial in trials {
            #expect(trial.validationAccuracies.count == 2)
            #expect(trial.learningRate >= 1e-6 && trial.learningRate <= 1e-2)
            #expect(trial.weightDecay >= 1e-8 && trial.weightDecay <= 1e-4)
        }
    }

    @Test func batchNormAndOverfittingRunsReportPerEpoch() throws {
        let (x, t) = TrainerTests.blobs(100, seed: 6), (xt, tt) = TrainerTests.blobs(40, seed: 7)
        let runs = try RegularizationExperiments.batchNormComparison(xTrain: x, tTrain: t, scales: [1, 0.01],
                                                                     hiddenSizes: [10, 10], epochs: 3, miniBatchSize: 20)
        #expect(runs.map(\.weightInitStd) == [1, 0.01])
        #expect(runs.allSatisfy { $0.withBatchNorm.count == 3 && $0.withoutBatchNorm.count == 3 })
        let history = try RegularizationExperiments.overfitting(xTrain: x, tTrain: t, xTest: xt, tTest: tt, weightDecayLambda: 0.1,
                                                                dropoutRatio: 0.2, epochs: 4, hiddenSizes: [10, 10], miniBatchSize: 20)
        #expect(history.trainAccList.count == 4 && history.testAccList.count == 4)
    }
}
