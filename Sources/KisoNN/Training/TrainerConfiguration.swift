import Kiso

/// The settings of a ``Trainer`` run (the book's `Trainer` arguments, plus Kiso's options).
public struct TrainerConfiguration: Codable, Sendable, Equatable {
    /// How mini-batches are drawn.
    public enum Sampling: String, Codable, Sendable, CaseIterable {
        /// Like the book: each batch is `miniBatchSize` random indices drawn with replacement
        /// (`np.random.choice(train_size, batch_size)`).
        case withReplacement
        /// Each epoch visits a fresh random permutation of the data in consecutive batches
        /// (the last partial batch is dropped).
        case shuffledEpochs
    }

    /// Number of epochs; one epoch is `max(trainSize / miniBatchSize, 1)` iterations.
    public var epochs: Int
    /// Samples per mini-batch.
    public var miniBatchSize: Int
    /// The optimizer and its hyper-parameters.
    public var optimizer: OptimizerSettings
    /// How batches are drawn.
    public var sampling: Sampling
    /// Evaluate each epoch on the first N training and test samples (the book's
    /// `evaluate_sample_num_per_epoch`), or on all of them when `nil`; 0 turns the per-epoch
    /// evaluation off (the accuracy lists stay empty).
    public var evaluationSampleCount: Int?
    /// Record the loss with an extra forward pass after each update (the book's Trainer,
    /// in inference mode); when `false`, the loss of the backprop forward pass (before the
    /// update) is recorded, saving a forward pass per iteration.
    public var recordsLossWithExtraForward: Bool
    /// When set, train for exactly this many iterations instead of `epochs` full epochs
    /// (e.g. the book's chapter 5 loop of 10 000 iterations).
    public var iterations: Int?
    /// Seed of the batch sampling.
    public var seed: UInt64

    /// The book's defaults: 20 epochs, batch 100, SGD lr 0.01, batches with replacement, no
    /// evaluation sample limit.
    public init(epochs: Int = 20, miniBatchSize: Int = 100, optimizer: OptimizerSettings = OptimizerSettings(kind: .sgd),
                sampling: Sampling = .withReplacement, evaluationSampleCount: Int? = nil,
                recordsLossWithExtraForward: Bool = false, iterations: Int? = nil, seed: UInt64 = 0) {
        self.epochs = epochs
        self.miniBatchSize = miniBatchSize
        self.optimizer = optimizer
        self.sampling = sampling
        self.evaluationSampleCount = evaluationSampleCount
        self.recordsLossWithExtraForward = recordsLossWithExtraForward
        self.iterations = iterations
        self.seed = seed
    }
}

/// What a training run recorded: the loss of every iteration and the accuracies after
/// each epoch (the book's `train_loss_list`, `train_acc_list`, `test_acc_list`).
public struct TrainingHistory: Codable, Sendable, Equatable {
    /// The loss of every iteration.
    public var trainLossList: [Float] = []
    /// The training accuracy after each epoch.
    public var trainAccList: [Float] = []
    /// The test accuracy after each epoch.
    public var testAccList: [Float] = []
    /// An empty history.
    public init() {}

    /// The mean loss of each epoch: of each consecutive run of `iterationsPerEpoch` entries of
    /// ``trainLossList`` (a last, partial epoch included).
    public func meanLossPerEpoch(iterationsPerEpoch: Int) -> [Float] {
        let every = Swift.max(iterationsPerEpoch, 1)
        return stride(from: 0, to: trainLossList.count, by: every).map { start in
            let chunk = trainLossList[start..<Swift.min(start + every, trainLossList.count)]
            return chunk.reduce(0, +) / Float(chunk.count)
        }
    }
}

/// One finished iteration, for progress bars.
public struct TrainingProgress: Sendable {
    /// Iterations completed so far (1-based) and in total.
    public let iteration: Int, totalIterations: Int
    /// Epochs completed so far (0 during the first epoch).
    public let epoch: Int
    /// The loss recorded for this iteration.
    public let loss: Float
}

/// The evaluation after an epoch.
public struct EpochReport: Sendable {
    /// The epoch just completed (1-based) and the total.
    public let epoch: Int, totalEpochs: Int
    /// The accuracies measured after the epoch (on the evaluation samples).
    public let trainAccuracy: Float, testAccuracy: Float
}

/// How a call to ``Trainer/train()`` ended.
public struct TrainingResult: Sendable {
    /// Everything the run recorded.
    public let history: TrainingHistory
    /// Accuracy on the whole test set at the end (`nil` when training was stopped early).
    public let finalTestAccuracy: Float?
    /// Whether ``Trainer/shouldStop`` ended the run before the last iteration.
    public let stopped: Bool
    /// Iterations completed.
    public let iterations: Int
    /// The first iteration whose loss was NaN or ±∞ (a run that went on diverged).
    public let divergedAtIteration: Int?
}

/// The first non-finite loss of a run, reported to ``Trainer/onDivergence``.
public struct DivergenceReport: Sendable, Equatable {
    /// The iteration (1-based) whose loss was NaN or ±∞.
    public let iteration: Int
    /// That loss.
    public let loss: Float
    /// The learning rate in use.
    public let learningRate: Float

    /// The book's advice, for messages: try a smaller learning rate.
    public var hint: String { "try a smaller learning rate than \(learningRate)" }
}

/// Errors a training run can raise.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// The loss became NaN or infinite.
    case nonFiniteLoss(iteration: Int, loss: Float, learningRate: Float)
    /// The data or settings cannot be used.
    case invalidSetup(String)
    /// A saved trainer state does not fit this trainer.
    case invalidState(String)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(iteration, loss, lr):
            "the loss became \(loss) at iteration \(iteration): training diverged; try a smaller learning rate than \(lr)"
        case let .invalidSetup(message): "cannot train: \(message)"
        case let .invalidState(message): "cannot resume: \(message)"
        }
    }
}
