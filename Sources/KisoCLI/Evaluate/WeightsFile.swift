import Foundation
import Kiso
import KisoData
import KisoNN

/// A network loaded from a weights file for a command: `kiso train --save` output or the
/// book's pickles, through the library's ``ModelCheckpoint``, with its errors as one line.
struct WeightsFile {
    var network: any Network
    var model: ModelKind
    /// The data set the network was trained on, when the file says.
    var dataset: DatasetName?

    /// Loads `path`; `model` (from `--model`) is checked against the file's, or names the
    /// network when the file does not say.
    /// - Throws: ``KisoError`` for a missing or corrupt file, or weights that do not fit the network.
    init(path: String, model: ModelKind?) throws {
        let saved: SavedModel
        do { saved = try ModelCheckpoint.load(from: URL(fileURLWithPath: path), kind: model) } catch let error as ModelError {
            throw KisoError(error.description)
        }
        network = saved.network
        self.model = saved.kind
        dataset = saved.dataset
    }
}
