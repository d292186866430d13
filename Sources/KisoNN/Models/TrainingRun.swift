import Foundation
import Kiso
import KisoData

/// An interrupted training run, as a resumable checkpoint keeps it: the trainer's settings,
/// which data it trained on, and its complete state (weights, optimizer slots, random
/// generators, batch order, epoch and iteration, histories). A ``Trainer`` built over the
/// same data with ``configuration`` and given ``state`` through ``Trainer/restore(_:)`` ends
/// with exactly the weights of an uninterrupted run.
public struct TrainingRun: Sendable {
    /// The trainer's settings.
    public var configuration: TrainerConfiguration
    /// The data it trains on.
    public var data: TrainingData
    /// Everything that changes while training.
    public var state: TrainerState

    /// A run of these parts.
    public init(configuration: TrainerConfiguration, data: TrainingData, state: TrainerState) {
        self.configuration = configuration
        self.data = data
        self.state = state
    }

    /// The JSON part (the same fields as earlier Kiso versions wrote, so their checkpoints resume).
    struct Record: Codable {
        var dataset: String
        var trainLimit: Int?
        var testLimit: Int?
        var trainer: TrainerConfiguration
        var progress: TrainerState.Progress?
    }

    var record: Record {
        Record(dataset: data.dataset.rawValue, trainLimit: data.trainLimit, testLimit: data.testLimit,
               trainer: configuration, progress: state.progress)
    }

    /// The run a checkpoint's `kiso.trainer` JSON and tensors describe; `nil` when the JSON
    /// holds settings but no progress (a weights file).
    /// - Throws: ``ModelError`` for JSON that is not such a record or an unknown data set.
    init?(recordJSON text: String, optimizer: [String: Tensor], network: [String: Tensor], file: String) throws {
        let record: Record
        do { record = try JSONDecoder().decode(Record.self, from: Data(text.utf8)) } catch {
            throw ModelError("\(file): its training state is not readable: \(error)")
        }
        guard let progress = record.progress else { return nil }
        guard let dataset = DatasetName(rawValue: record.dataset) else {
            throw ModelError("\(file): its training state names an unknown data set '\(record.dataset)'")
        }
        configuration = record.trainer
        data = TrainingData(dataset: dataset, trainLimit: record.trainLimit, testLimit: record.testLimit)
        state = TrainerState(network: network, optimizer: OptimizerState(tensors: optimizer, step: progress.optimizerStep),
                             progress: progress)
    }
}

/// Which data a run trains on: a data set and how many of its images.
public struct TrainingData: Sendable, Equatable {
    /// The data set.
    public var dataset: DatasetName
    /// Only the first N training images (all when `nil`).
    public var trainLimit: Int?
    /// Only the first N test images (all when `nil`).
    public var testLimit: Int?

    /// A description of the data.
    public init(dataset: DatasetName, trainLimit: Int? = nil, testLimit: Int? = nil) {
        self.dataset = dataset
        self.trainLimit = trainLimit
        self.testLimit = testLimit
    }
}

extension Trainer {
    /// This trainer's run now (a deep snapshot), over `data`, to save as a resumable checkpoint.
    public func run(on data: TrainingData) -> TrainingRun {
        TrainingRun(configuration: configuration, data: data, state: state)
    }

    /// Saves the network and this run's whole state to `url` (see ``ModelCheckpoint``), so
    /// that `ModelCheckpoint.load(from:)` gives it back in ``SavedModel/training``.
    /// - Throws: ``ModelError``.
    public func saveCheckpoint(to url: URL, data: TrainingData) throws {
        try ModelCheckpoint.save(network, to: url, dataset: data.dataset, training: run(on: data))
    }
}
