import Foundation
import Kiso
import KisoData
import KisoNN

/// What `kiso train` needs besides the tensors to resume a run exactly: the run's settings
/// (data set, limits, trainer configuration) and the trainer's progress. Stored as JSON in
/// the checkpoint metadata under `kiso.trainer`.
struct RunRecord: Codable {
    var dataset: String
    var trainLimit: Int?
    var testLimit: Int?
    var trainer: TrainerConfiguration
    var progress: TrainerState.Progress?
}

/// Reading and writing `kiso train`'s files: weights (`--save`) and resumable checkpoints
/// (written on Ctrl-C), in any format `Checkpoint` knows (by extension).
enum TrainingCheckpoint {
    static let recordKey = "kiso.trainer"
    static let optimizerPrefix = "optimizer."

    /// Saves the network's weights with the metadata that names it and the data set it learnt
    /// (`kiso.dataset`), and, with `record`, the
    /// trainer state needed to resume). Atomic: an interrupted save keeps the old file.
    static func save(network: Network, model: ModelName, dataset: String, optimizer: OptimizerState? = nil,
                     record: RunRecord?, to url: URL) throws {
        var tensors = NamedTensors()
        for (name, tensor) in network.stateDict.sorted(by: { $0.key < $1.key }) { tensors[name] = tensor }
        if let optimizer {
            for (name, tensor) in optimizer.tensors.sorted(by: { $0.key < $1.key }) { tensors[optimizerPrefix + name] = tensor }
        }
        var metadata = ModelFactory.metadata(for: network, model: model)
        metadata["kiso.dataset"] = dataset
        if let record {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            metadata[recordKey] = String(decoding: try encoder.encode(record), as: UTF8.self)
        }
        do {
            try Checkpoint.save(tensors, metadata: metadata, to: url)
        } catch {
            throw KisoError("cannot save \(url.path): \(error)")
        }
    }

    /// The tensors and metadata of a weights file.
    /// - Throws: ``KisoError`` for a missing, unreadable or corrupt file.
    static func read(_ url: URL) throws -> TensorFile {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw KisoError("weights file \(url.path) does not exist")
        }
        do {
            return try Checkpoint.load(from: url)
        } catch {
            throw KisoError("cannot read \(url.path): \(error)")
        }
    }

    /// Splits a file's tensors into the network's and the optimizer's.
    static func split(_ tensors: NamedTensors) -> (network: [String: Tensor], optimizer: [String: Tensor]) {
        var network: [String: Tensor] = [:], optimizer: [String: Tensor] = [:]
        for (name, tensor) in tensors {
            if name.hasPrefix(optimizerPrefix) { optimizer[String(name.dropFirst(optimizerPrefix.count))] = tensor }
            else { network[name] = tensor }
        }
        return (network, optimizer)
    }

    /// The run record of a checkpoint written by an interrupted `kiso train`.
    /// - Throws: ``KisoError`` when the file holds weights only.
    static func record(in file: TensorFile, path: String) throws -> RunRecord {
        guard let text = file.metadata[recordKey],
              let record = try? JSONDecoder().decode(RunRecord.self, from: Data(text.utf8)),
              record.progress != nil else {
            throw KisoError("\(path) holds weights only, not a training state to resume (it was not written by an interrupted kiso train)")
        }
        return record
    }
}
