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
    /// The training inputs and the test inputs evaluated after each epoch: float32 tensors
    /// [N, …], or byte-backed ones (`ByteTensor`) whose batches are converted when drawn.
    public let xTrain: any MiniBatchSource, xTest: any MiniBatchSource
    /// The class of each training and each test sample.
    public let tTrain: ClassLabels, tTest: ClassLabels

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
    /// Polled before every iteration; returning `true` ends ``train()`` cleanly (after
    /// ``onInterrupt``), with ``TrainingResult/stopped`` set.
    public var shouldStop: (() -> Bool)?
    /// Called once when ``shouldStop`` has ended the run, before ``train()`` returns: the place
    /// to save a checkpoint (``state`` is complete and consistent then). An error it throws
    /// is thrown by ``train()``.
    public var onInterrupt: ((Trainer) throws -> Void)?
    /// Called once, at the first iteration whose loss is NaN or ±∞.
    public var onDivergence: ((DivergenceReport) -> Void)?
    /// Whether a diverging run stops (``train()`` and ``step()`` throw
    /// ``TrainingError/nonFiniteLoss(iteration:loss:learningRate:)``), or goes on to the end
    /// recording NaN losses and chance-level accuracies, as the book's experiments do.
    public var stopsOnDivergence = true
    /// Set for data-parallel training: this process computes only its share of each global
    /// mini-batch and of each evaluation, and `dataParallel` combines the results.
    public var dataParallel: (any DataParallelCoordinator)?
    /// The first iteration whose loss was not finite, if any.
    public private(set) var divergedAtIteration: Int?

    private var generator: RandomGenerator
    private var epochOrder: [Int] = []

    /// A trainer of `network` on (`xTrain`, `tTrain`), evaluating on (`xTest`, `tTest`).
    /// Inputs are float32 tensors [N, …] or `ByteTensor`s (a quarter of the memory; each
    /// mini-batch is converted to float32 when drawn, equal to the float32 tensor's rows).
    /// Each sample has its class in `tTrain` or `tTest`.
    /// - Throws: ``TrainingError/invalidSetup(_:)`` when the data sets are empty or their
    ///   sample counts disagree, or the batch size or epochs are not positive.
    public init(network: Network, xTrain: some MiniBatchSource, tTrain: ClassLabels, xTest: some MiniBatchSource,
                tTest: ClassLabels, configuration: TrainerConfiguration = TrainerConfiguration()) throws {
        let trainSize = xTrain.sampleCount
        guard trainSize > 0, tTrain.count == trainSize else {
            throw TrainingError.invalidSetup("training inputs \(Self.shape(of: xTrain)) and \(tTrain.count) labels must be non-empty with equal sample counts")
        }
        guard xTest.sampleCount == tTest.count else {
            throw TrainingError.invalidSetup("test inputs \(Self.shape(of: xTest)) and \(tTest.count) labels must have equal sample counts")
        }
        guard configuration.miniBatchSize > 0, configuration.epochs > 0, (configuration.iterations ?? 1) > 0 else {
            throw TrainingError.invalidSetup("mini-batch size \(configuration.miniBatchSize), epochs \(configuration.epochs) and iterations must be positive")
        }
        // Batches drawn with replacement may be larger than the data, as the book's np.random.choice allows.
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

    /// ``init(network:xTrain:tTrain:xTest:tTest:configuration:)-(_,_,ClassLabels,_,ClassLabels,_)``
    /// with the book's targets: one-hot rows `[N, classes]` or label indices `[N]` as floats,
    /// converted once by `ClassLabels(targets:samples:)`.
    /// - Precondition: each target is one of these forms.
    /// - Throws: ``TrainingError/invalidSetup(_:)``, as the labels' initializer.
    public convenience init(network: Network, xTrain: some MiniBatchSource, tTrain: Tensor, xTest: some MiniBatchSource,
                            tTest: Tensor, configuration: TrainerConfiguration = TrainerConfiguration()) throws {
        try self.init(network: network, xTrain: xTrain, tTrain: ClassLabels(targets: tTrain), xTest: xTest,
                      tTest: ClassLabels(targets: tTest), configuration: configuration)
    }

    /// The shape of a data set, `[N] + sampleShape`, for messages.
    private static func shape(of x: some MiniBatchSource) -> [Int] { [x.sampleCount] + x.sampleShape }

    /// Images per forward pass when measuring accuracy: the mini-batch size, at least 100 —
    /// so evaluating needs no more activation memory than a training step (and the inputs
    /// are converted batch by batch when they are bytes).
    public var evaluationBatchSize: Int { Swift.max(configuration.miniBatchSize, 100) }

    /// The epochs of the run (rounded up when `iterations` is set).
    public var totalEpochs: Int { (maxIterations + iterationsPerEpoch - 1) / iterationsPerEpoch }

    /// The indices of the next mini-batch.
    private func nextBatchIndices() -> [Int] {
        let n = xTrain.sampleCount, b = configuration.miniBatchSize
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
    /// epoch's end. Data-parallel, this rank computes its slice of the batch and the recorded
    /// loss is the global batch's.
    /// - Returns: the recorded loss.
    /// - Throws: ``TrainingError/nonFiniteLoss(iteration:loss:learningRate:)`` if the loss is
    ///   NaN or ±∞ and ``stopsOnDivergence`` is set; the coordinator's errors.
    @discardableResult
    public func step() throws -> Float {
        let indices = nextBatchIndices()
        var loss: Float
        if let parallel = dataParallel {
            let share = DataParallelShare.range(of: indices.count, rank: parallel.rank, worldSize: parallel.worldSize)
            let local = Array(indices[share]), weight = Float(share.count) / Float(indices.count)
            let xBatch = xTrain.batch(local), tBatch = tTrain[local]
            parallel.beginStep(localWeight: weight)
            network.setTrainingSlice(BatchSlice(range: share, globalCount: indices.count))
            loss = network.gradient(xBatch, tBatch, onParameterGradient: parallel.parameterGradientReady)
            network.setTrainingSlice(nil)
            loss = try parallel.finishGradientReduction(localLoss: loss * weight)
            try parallel.applyUpdate(optimizer, to: network.parameters)
            if configuration.recordsLossWithExtraForward {
                loss = network.loss(xBatch, tBatch, training: false)
                loss = Float(try parallel.sum([Double(loss) * Double(weight)])[0])
            }
        } else {
            let xBatch = xTrain.batch(indices), tBatch = tTrain[indices]
            loss = network.gradient(xBatch, tBatch)
            optimizer.update(network.parameters)
            if configuration.recordsLossWithExtraForward { loss = network.loss(xBatch, tBatch, training: false) }
        }
        iteration += 1
        if !loss.isFinite && divergedAtIteration == nil {
            divergedAtIteration = iteration
            onDivergence?(DivergenceReport(iteration: iteration, loss: loss, learningRate: optimizer.learningRate))
            if stopsOnDivergence {
                throw TrainingError.nonFiniteLoss(iteration: iteration, loss: loss, learningRate: optimizer.learningRate)
            }
        }
        history.trainLossList.append(loss)
        onProgress?(TrainingProgress(iteration: iteration, totalIterations: maxIterations, epoch: epoch, loss: loss))
        if iteration % iterationsPerEpoch == 0 { try evaluateEpoch() }
        return loss
    }

    private func evaluateEpoch() throws {
        epoch += 1
        try synchronizeOptimizerState()
        if configuration.evaluationSampleCount == 0 { return }
        let limit = configuration.evaluationSampleCount ?? Int.max
        let trainAcc = try accuracy(xTrain, tTrain, samples: Swift.min(limit, xTrain.sampleCount))
        let testAcc = try accuracy(xTest, tTest, samples: Swift.min(limit, xTest.sampleCount))
        history.trainAccList.append(trainAcc)
        history.testAccList.append(testAcc)
        onEpoch?(EpochReport(epoch: epoch, totalEpochs: totalEpochs, trainAccuracy: trainAcc, testAccuracy: testAcc))
    }

    /// The accuracy on the first `samples` samples; data-parallel, each rank counts its share
    /// and the counts are summed.
    private func accuracy(_ x: any MiniBatchSource, _ labels: ClassLabels, samples: Int) throws -> Float {
        guard let parallel = dataParallel, samples > 0 else {
            return network.accuracy(x, labels, samples: samples, batchSize: evaluationBatchSize)
        }
        let share = DataParallelShare.range(of: samples, rank: parallel.rank, worldSize: parallel.worldSize)
        let correct = network.correctCount(x, labels, range: share, batchSize: evaluationBatchSize)
        return Float(try parallel.sum([Double(correct)])[0] / Double(samples))
    }

    /// Runs the remaining iterations (all of them, or those left after ``restore(_:)``),
    /// then measures the accuracy on the whole test set. Data-parallel, rank 0's initial
    /// weights are first given to every rank (unless resuming).
    /// - Throws: ``TrainingError/nonFiniteLoss(iteration:loss:learningRate:)`` if training
    ///   diverges and ``stopsOnDivergence`` is set; what ``onInterrupt`` throws.
    @discardableResult
    public func train() throws -> TrainingResult {
        if let parallel = dataParallel, iteration == 0 { try parallel.synchronizeInitialState(network) }
        while iteration < maxIterations {
            if shouldStop?() == true {
                try synchronizeOptimizerState()
                try onInterrupt?(self)
                return TrainingResult(history: history, finalTestAccuracy: nil, stopped: true, iterations: iteration,
                                      divergedAtIteration: divergedAtIteration)
            }
            try step()
        }
        try synchronizeOptimizerState()
        let finalAccuracy = try accuracy(xTest, tTest, samples: xTest.sampleCount)
        return TrainingResult(history: history, finalTestAccuracy: finalAccuracy, stopped: false,
                              iterations: iteration, divergedAtIteration: divergedAtIteration)
    }

    /// Data-parallel, makes the optimizer's state whole on every rank (see
    /// ``DataParallelCoordinator/synchronizeOptimizerState(_:parameters:)``): a collective, so
    /// every rank calls it at the same iteration. ``train()`` does so at the end of every epoch,
    /// before ``onInterrupt`` and when it ends, so ``state`` is whole in the callbacks and after
    /// training; call it before reading ``state`` between other ``step()``s. Nothing to do
    /// when training alone.
    /// - Throws: the coordinator's errors.
    public func synchronizeOptimizerState() throws {
        try dataParallel?.synchronizeOptimizerState(optimizer, parameters: network.parameters)
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
