import Foundation
import Kiso
import KisoData

/// Saving a network with what rebuilds it, and loading it back without being told what it is.
///
/// A file holds the network's state dictionary (parameters and buffers such as batch
/// normalization's running statistics) and three metadata entries: `kiso.model` (the
/// ``ModelKind`` name), `kiso.config` (its ``NetworkConfiguration`` as JSON) and, when known,
/// `kiso.dataset`. A resumable checkpoint also holds the training state (see
/// ``TrainingRun``). The format follows the extension: `.safetensors`, `.npz` or `.pkl`
/// (the book's pickled dict; the metadata are `str` entries its loader ignores). The book's
/// own pickles name no model: their network is recognised from the tensors' names and shapes.
///
/// ```swift
/// try ModelCheckpoint.save(network, to: URL(fileURLWithPath: "convnet.safetensors"), dataset: .fashionMNIST)
/// let saved = try ModelCheckpoint.load(from: URL(fileURLWithPath: "convnet.safetensors"))
/// print(saved.kind, saved.network.accuracy(xTest, tTest))
/// ```
public enum ModelCheckpoint {
    /// Metadata key of the ``ModelKind`` name.
    public static let kindKey = "kiso.model"
    /// Metadata key of the ``NetworkConfiguration`` JSON.
    public static let configurationKey = "kiso.config"
    /// Metadata key of the data set the network learnt (`mnist`, `fashion-mnist`).
    public static let datasetKey = "kiso.dataset"
    /// Metadata key of a resumable run's settings and progress (JSON).
    static let trainingKey = "kiso.trainer"
    /// Prefix of the optimizer's slot tensors in a resumable checkpoint.
    static let optimizerPrefix = "optimizer."

    /// Saves `network` (which must describe itself: ``Network/configuration``) to `url`,
    /// atomically (an interrupted save leaves the previous file), with the data set it
    /// learnt and, for a resumable checkpoint, the training run.
    /// - Throws: ``ModelError`` when the network has no configuration, the extension names a
    ///   format that cannot hold a network (`.npy`), or the file cannot be written.
    public static func save(_ network: any Network, to url: URL, dataset: DatasetName? = nil,
                            training: TrainingRun? = nil) throws {
        try checkDestination(url)
        guard let configuration = network.configuration else {
            throw ModelError("this network does not describe itself (it has no configuration), so it cannot be saved to be rebuilt")
        }
        var tensors = NamedTensors()
        for (name, tensor) in network.stateDict.sorted(by: { $0.key < $1.key }) { tensors[name] = tensor }
        var metadata = [kindKey: configuration.kind.rawValue, configurationKey: try json(configuration)]
        if let dataset { metadata[datasetKey] = dataset.rawValue }
        if let training {
            for (name, tensor) in training.state.optimizer.tensors.sorted(by: { $0.key < $1.key }) {
                tensors[optimizerPrefix + name] = tensor
            }
            metadata[trainingKey] = try json(training.record)
        }
        do {
            try Checkpoint.save(tensors, metadata: metadata, to: url)
        } catch {
            throw ModelError("cannot save \(url.path): \(error)")
        }
    }

    /// Refuses, before any work is done, a destination that ``save(_:to:dataset:training:)``
    /// could not write: an extension of a format that holds one array (`.npy`), a folder that
    /// does not exist or cannot be written, a path that is a folder.
    /// - Throws: ``ModelError`` saying why.
    public static func checkDestination(_ url: URL) throws {
        if Checkpoint.Format(url: url) == .npy {
            throw ModelError("a .npy file holds one array, not a network; save as .safetensors, .npz or .pkl (\(url.path))")
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            throw ModelError("\(url.path) is a folder; give a file name such as \(url.appendingPathComponent("model.safetensors").path)")
        }
        let folder = url.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw ModelError("cannot save \(url.path): the folder \(folder.path) does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: folder.path) else {
            throw ModelError("cannot save \(url.path): the folder \(folder.path) is not writable")
        }
    }

    /// Loads the network saved at `url`: one written by ``save(_:to:dataset:training:)`` (in
    /// any format, earlier Kiso versions' files included), or the book's pickles
    /// (`sample_weight.pkl`, `simple_convnet_params.pkl`, `params.pkl`), recognised by their
    /// tensors. `kind` is checked against the file's, or chooses the network when the file
    /// does not say.
    /// - Throws: ``ModelError`` for a missing, unreadable or corrupt file, a file of another
    ///   kind than `kind`, or weights that do not fit the network.
    public static func load(from url: URL, kind: ModelKind? = nil) throws -> SavedModel {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ModelError("weights file \(url.path) does not exist")
        }
        let file: TensorFile
        do { file = try Checkpoint.load(from: url) } catch { throw ModelError("cannot read \(url.path): \(error)") }
        var weights: [String: Tensor] = [:], optimizer: [String: Tensor] = [:]
        for (name, tensor) in file.tensors {
            if name.hasPrefix(optimizerPrefix) { optimizer[String(name.dropFirst(optimizerPrefix.count))] = tensor }
            else { weights[name] = tensor }
        }
        let metadata = file.metadata
        let stated = try metadata[kindKey].map { text in
            guard let stated = ModelKind(name: text) else { throw ModelError("\(url.lastPathComponent) names an unknown model '\(text)'") }
            return stated
        }
        if let stated, let kind, stated != kind {
            throw ModelError("\(url.lastPathComponent) holds a \(stated.rawValue) network, not a \(kind.rawValue)")
        }
        guard let resolved = stated ?? kind ?? ModelKind.recognise(weights) else {
            let names = weights.keys.sorted().prefix(8).joined(separator: ", ")
            throw ModelError("cannot tell which network \(url.lastPathComponent) holds (tensors \(names)); name the model")
        }
        let configuration = try self.configuration(metadata[configurationKey], kind: resolved, weights: weights, file: url.lastPathComponent)
        let network: any Network
        do { network = try configuration.makeNetwork() } catch { throw ModelError("\(url.lastPathComponent): \(error)") }
        do {
            // Kiso's own files hold every buffer; the book's pickles hold parameters only.
            try network.load(stateDict: weights, strict: stated != nil)
        } catch {
            throw ModelError("\(url.lastPathComponent) does not fit \(resolved.rawValue): \(error)")
        }
        let training = try metadata[trainingKey].flatMap { text in
            try TrainingRun(recordJSON: text, optimizer: optimizer, network: weights, file: url.lastPathComponent)
        }
        return SavedModel(network: network, kind: resolved, configuration: configuration,
                          dataset: metadata[datasetKey].flatMap(DatasetName.init(rawValue:)), training: training)
    }

    /// The configuration the file states, else one fitted to the weights.
    private static func configuration(_ text: String?, kind: ModelKind, weights: [String: Tensor], file: String) throws -> NetworkConfiguration {
        guard let text else {
            do { return try kind.configuration(fittedTo: weights) } catch let error as ModelError {
                throw ModelError("\(file): \(error.description)")
            }
        }
        let configuration: NetworkConfiguration
        do {
            configuration = try JSONDecoder().decode(NetworkConfiguration.self, from: Data(text.utf8))
        } catch {
            throw ModelError("\(file): its kiso.config is not a network configuration: \(text.prefix(80))")
        }
        guard configuration.kind == kind else {
            throw ModelError("\(file): its kiso.config describes a \(configuration.kind.rawValue), its kiso.model says \(kind.rawValue)")
        }
        return configuration
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// A network loaded by ``ModelCheckpoint/load(from:kind:)``, with what the file said about it.
public struct SavedModel {
    /// The network, weights loaded, ready to predict or to train on.
    public let network: any Network
    /// Which of the book's networks it is.
    public let kind: ModelKind
    /// Its sizes and options.
    public let configuration: NetworkConfiguration
    /// The data set it learnt, when the file says.
    public let dataset: DatasetName?
    /// The interrupted run a resumable checkpoint holds; `nil` for a weights file.
    public let training: TrainingRun?
}

extension Network {
    /// Saves this network with what rebuilds it, in the format `url`'s extension names
    /// (`.safetensors`, `.npz`, `.pkl`); ``ModelCheckpoint/load(from:kind:)`` loads it back.
    /// - Throws: ``ModelError``.
    public func save(to url: URL, dataset: DatasetName? = nil) throws {
        try ModelCheckpoint.save(self, to: url, dataset: dataset)
    }
}
