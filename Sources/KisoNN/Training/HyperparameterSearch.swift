import Foundation
import Kiso

/// Random search over learning rate and weight decay (chapter 6): each trial samples
/// `lr = 10^U(lrExponents)` and `λ = 10^U(weightDecayExponents)` (the book: U(−6, −2) and
/// U(−8, −4)), trains a fresh ``MultiLayerNet`` with SGD, and records the validation accuracy
/// after each epoch.
public struct HyperparameterSearch: Sendable {
    /// One trial's sampled values and curves.
    public struct Trial: Sendable, Codable, Equatable {
        /// The sampled learning rate η.
        public let learningRate: Float
        /// The sampled weight-decay λ.
        public let weightDecay: Float
        /// Accuracy on the validation set after each epoch.
        public let validationAccuracies: [Float]
        /// Accuracy on the training set after each epoch.
        public let trainAccuracies: [Float]
        /// The last validation accuracy, by which trials are ranked.
        public var finalValidationAccuracy: Float { validationAccuracies.last ?? 0 }
    }

    /// The number of random trials (100).
    public var trials: Int = 100
    /// The range of the learning rate's base-10 exponent (−6 … −2).
    public var lrExponents: ClosedRange<Double> = -6 ... -2
    /// The range of the weight decay's base-10 exponent (−8 … −4).
    public var weightDecayExponents: ClosedRange<Double> = -8 ... -4
    /// The hidden layers of each trial's ``MultiLayerNet`` (six of 100).
    public var hiddenSizes: [Int] = [100, 100, 100, 100, 100, 100]
    /// Epochs per trial (50).
    public var epochs: Int = 50
    /// Samples per mini-batch (100).
    public var miniBatchSize: Int = 100
    /// Seed of the sampled values, the initial weights and the batches.
    public var seed: UInt64 = 0

    /// The book's settings: 100 trials, 6 hidden layers of 100, 50 epochs, batch 100.
    public init() {}

    /// Runs the search on training data (`xTrain` [N, D], its labels `tTrain`), evaluating on the
    /// validation data each epoch; the networks have one output per class of either set. `onTrial` reports each finished trial (index, trial).
    /// - Returns: the trials ranked best-first by final validation accuracy.
    /// - Throws: ``TrainingError`` when the data cannot be trained on.
    public func run(xTrain: Tensor, tTrain: ClassLabels, xValidation: Tensor, tValidation: ClassLabels,
                    onTrial: ((Int, Trial) -> Void)? = nil) throws -> [Trial] {
        var rng = RandomGenerator(seed: seed)
        let classes = Swift.max(tTrain.minimumClassCount, tValidation.minimumClassCount)
        var results: [Trial] = []
        for index in 0..<trials {
            let lr = Float(Foundation.pow(10, lrExponents.lowerBound + (lrExponents.upperBound - lrExponents.lowerBound) * rng.nextUniform()))
            let wd = Float(Foundation.pow(10, weightDecayExponents.lowerBound
                                          + (weightDecayExponents.upperBound - weightDecayExponents.lowerBound) * rng.nextUniform()))
            let net = MultiLayerNet(inputSize: xTrain.count / xTrain.shape[0], hiddenSizes: hiddenSizes, outputSize: classes,
                                    weightDecayLambda: wd, seed: rng.next())
            let config = TrainerConfiguration(epochs: epochs, miniBatchSize: miniBatchSize,
                                              optimizer: OptimizerSettings(kind: .sgd, learningRate: lr), seed: rng.next())
            let trainer = try Trainer(network: net, xTrain: xTrain, tTrain: tTrain, xTest: xValidation, tTest: tValidation,
                                      configuration: config)
            trainer.stopsOnDivergence = false   // a diverged trial is recorded at chance level, as in the book
            let history = try trainer.train().history
            let trial = Trial(learningRate: lr, weightDecay: wd, validationAccuracies: history.testAccList,
                              trainAccuracies: history.trainAccList)
            results.append(trial)
            onTrial?(index, trial)
        }
        return results.sorted { $0.finalValidationAccuracy > $1.finalValidationAccuracy }
    }
}
