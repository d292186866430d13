import Kiso

/// The book's `Trainer`: trains a network with mini-batches and an optimizer, recording
/// the loss of each iteration and the train/test accuracy after each epoch.
///
/// Seeded and reproducible; its whole progress (``state``) can be taken at any iteration and
/// restored into a fresh trainer over the same data and configuration, after which training
/// continues exactly as if never interrupted. Accuracy is evaluated after the *last*
/// iteration of each epoch (the book evaluates after the first), so entry i of the lists is
/// the accuracy after i + 1 full epochs.
public final class Trainer {
    /// The network being trained.
    public let network: Network
    /// The optimizer built from ``TrainerConfiguration/optimizer``.
    public let optimizer: Optimizer
    /// The run's settings.
    public let configuration: TrainerConfiguration
    /// The training inputs and targets, and the test inputs and targets evaluated after each epoch.
    public let xTrain: Tensor, tTrain: Tensor, xTest: Tensor, tTest: Tensor

    /// Iterations per epoch, `max(trainSize / miniBatchSize, 1)`.
    public let iterationsPerEpoch: Int
    /// Total iterations of the run.
    public let maxIterations: Int
    /// Iterations completed.
    public private(set) var iteration = 0
    /// Epochs completed.
    public private(set) var epoch = 0
    /// The lists recorded so far.
    public private(set) var history = TrainingHistory()

    /// Called after every iteration.
    public var onProgress: ((TrainingProgress) -> Void)?
    /// Called after each epoch's evaluation.
    public var onEpoch: ((EpochReport) -> Void)?
    /// Polled before every iteration; returning `true` ends ``train()`` cleanly.
    public var shouldStop: (() -> Bool)?

    private var generator: RandomGenerator
    private var epochOrder: [Int] = []

    /// A trainer of `network` on (`xTrain`, `tTrain`), evaluating on (`xTest`, `tTest`).
    /// Targets are one-hot rows or label indices.
    /// - Throws: ``TrainingError/invalidSetup(_:)`` when the data sets are empty or their
    ///   sample counts disagree, or the batch size or epochs are not positive.
    public init(network: Network, xTrain: Tensor, tTrain: Tensor, xTest: Tensor, tTest: Tensor,
                configuration: TrainerConfiguration = TrainerConfiguration()) throws {
        let trainSize = xTrain.ndim > 0 ? xTrain.shape[0] : 0
        guard trainSize > 0, tTrain.ndim > 0, tTrain.shape[0] == trainSize else {
            throw TrainingError.invalidSetup("training inputs \(xTrain.shape) and targets \(tTrain.shape) must be non-empty with equal sample counts")
        }
        guard xTest.ndim > 0, tTest.ndim > 0, xTest.shape[0] == tTest.shape[0] else {
            throw TrainingError.invalidSetup("test inputs \(xTest.shape) and targets \(tTest.shape) must have equal sample counts")
        }
        guard configuration.miniBatchSize > 0, configuration.epochs > 0, (configuration.iterations ?? 1) > 0 else {
            throw TrainingError.invalidSetup("mini-batch size \(configuration.miniBatchSize), epochs \(configuration.epochs) and iterations must be positive")
        }
        if configuration.sampling == .shuffledEpochs && configuration.miniBatchSize > trainSize {
            throw TrainingError.invalidSetup("a shuffled epoch of \(trainSize) samples holds no full batch of \(configuration.miniBatchSize)")
        }
        self.network = network
        self.optimizer = configuration.optimizer.makeOptimizer()
        self.configuration = configuration
        self.xTrain = xTrain
        self.tTrain = tTrain
        self.xTest = xTest
        self.tTest = tTest
        iterationsPerEpoch = Swift.max(trainSize / configuration.miniBatchSize, 1)
        maxIterations = configuration.iterations ?? configuration.epochs * iterationsPerEpoch
        generator = RandomGenerator(seed: configuration.seed)
    }

    /// The epochs of the run (rounded up when `iterations` is set).
    public var totalEpochs: Int { (maxIterations + iterationsPerEpoch - 1) / iterationsPerEpoch }

    /// The indices of the next mini-batch.
    private func nextBatchIndices() -> [Int] {
        let n = xTrain.shape[0], b = configuration.miniBatchSize
        switch configuration.sampling {
        case .withReplacement:
            return generator.choice(n, b)
        case .shuffledEpochs:
            let k = iteration % iterationsPerEpoch
            if k == 0 || epochOrder.isEmpty { epochOrder = generator.permutation(n) }
            return Array(epochOrder[(k * b)..<((k + 1) * b)])
        }
    }

    /// One iteration: draw a batch, backprop, update, record the loss; evaluates at an
    /// epoch's end.
    /// - Returns: the recorded loss.
    /// - Throws: ``TrainingError/nonFiniteLoss(iteration:loss:learningRate:)`` if the loss is NaN or ±∞.
    @discardableResult
    public func step() throws -> Float {
        let indices = nextBatchIndices()
        let xBatch = xTrain[indices], tBatch = tTrain[indices]
        var loss = network.gradient(xBatch, tBatch)
        optimizer.update(network.parameters)
        if configuration.recordsLossWithExtraForward { loss = network.loss(xBatch, tBatch, training: false) }
        iteration += 1
        guard loss.isFinite else {
            throw TrainingError.nonFiniteLoss(iteration: iteration, loss: loss, learningRate: optimizer.learningRate)
        }
        history.trainLossList.append(loss)
        onProgress?(TrainingProgress(iteration: iteration, totalIterations: maxIterations, epoch: epoch, loss: loss))
        if iteration % iterationsPerEpoch == 0 { evaluateEpoch() }
        return loss
    }

    private func evaluateEpoch() {
        epoch += 1
        if configuration.evaluationSampleCount == 0 { return }
        var (x, t, xt, tt) = (xTrain, tTrain, xTest, tTest)
        if let n = configuration.evaluationSampleCount {
            x = xTrain[0..<Swift.min(n, xTrain.shape[0])]; t = tTrain[0..<x.shape[0]]
            xt = xTest[0..<Swift.min(n, xTest.shape[0])]; tt = tTest[0..<xt.shape[0]]
        }
        let trainAcc = network.accuracy(x, t), testAcc = network.accuracy(xt, tt)
        history.trainAccList.append(trainAcc)
        history.testAccList.append(testAcc)
        onEpoch?(EpochReport(epoch: epoch, totalEpochs: totalEpochs, trainAccuracy: trainAcc, testAccuracy: testAcc))
    }

    /// Runs the remaining iterations (all of them, or those left after ``restore(_:)``),
    /// then measures the accuracy on the whole test set.
    /// - Throws: ``TrainingError/nonFiniteLoss(iteration:loss:learningRate:)`` if training diverges.
    @discardableResult
    public func train() throws -> TrainingResult {
        while iteration < maxIterations {
            if shouldStop?() == true {
                return TrainingResult(history: history, finalTestAccuracy: nil, stopped: true, iterations: iteration)
            }
            try step()
        }
        return TrainingResult(history: history, finalTestAccuracy: network.accuracy(xTest, tTest), stopped: false,
                              iterations: iteration)
    }

    var samplerGenerator: RandomGenerator { generator }
    var currentEpochOrder: [Int] { epochOrder }

    func restoreProgress(iteration: Int, epoch: Int, history: TrainingHistory, generator: RandomGenerator, epochOrder: [Int]) {
        self.iteration = iteration
        self.epoch = epoch
        self.history = history
        self.generator = generator
        self.epochOrder = epochOrder
    }
}
