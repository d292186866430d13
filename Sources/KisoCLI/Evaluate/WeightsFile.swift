import Foundation
import Kiso
import KisoData
import KisoNN

/// A network loaded from a weights file: `kiso train --save` output (.safetensors, .npz)
/// or the book's pickles (`sample_weight.pkl`, `simple_convnet_params.pkl`).
struct WeightsFile {
    var network: Network
    var model: ModelName
    /// The data set the network was trained on, when the file says.
    var dataset: DatasetName?

    /// Loads `path`, building the network its metadata names (or `model`, or the one its
    /// tensors reveal) and loading the weights into it.
    /// - Throws: ``KisoError`` for a missing or corrupt file, or weights that do not fit the network.
    init(path: String, model: ModelName?) throws {
        let url = URL(fileURLWithPath: path)
        let file = try TrainingCheckpoint.read(url)
        let tensors = TrainingCheckpoint.split(file.tensors).network
        (network, self.model) = try ModelFactory.rebuild(metadata: file.metadata, tensors: tensors, model: model)
        // Kiso's own files hold every buffer; the book's pickles hold parameters only.
        let strict = file.metadata["kiso.model"] != nil
        do {
            try network.load(stateDict: tensors, strict: strict)
        } catch {
            throw KisoError("\(url.lastPathComponent) does not fit \(self.model.rawValue): \(error)")
        }
        dataset = file.metadata["kiso.dataset"].flatMap(DatasetName.init(rawValue:))
    }
}
