import Foundation
import Kiso
import KisoData

/// A module that is a whole network (DeZero's `Model`): saved and loaded in one line through
/// the library's checkpoint files (`.safetensors`, `.npz`, the book's `.pkl`; see
/// `Checkpoint`), each parameter and buffer under its name in ``Module/parameters``.
///
/// ```swift
/// let model = MLP(inputSize: 2, sizes: [10, 3], generator: &rng)
/// try model.save(to: URL(fileURLWithPath: "spiral.safetensors"))
/// try model.load(from: URL(fileURLWithPath: "spiral.safetensors"))
/// ```
open class Model: Module {
    /// Every tensor to save: parameters, then buffers.
    public var stateDict: NamedTensors {
        NamedTensors((parameters + buffers).map { (name: $0.name, tensor: $0.variable.data) })
    }

    /// Saves ``stateDict`` to `url` with `metadata`, atomically, in the format the extension names.
    /// - Throws: `FileFormatError` when the file cannot be written.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        try Checkpoint.save(stateDict, metadata: metadata, to: url)
    }

    /// Replaces every parameter and buffer by the tensor of the same name in `tensors`.
    /// Nothing is changed unless all of them are present with the right shapes.
    /// - Throws: ``ModelStateError`` naming the first missing or misshapen tensor.
    public func load(_ tensors: NamedTensors) throws {
        let targets = parameters + buffers
        for (name, variable) in targets {
            guard let tensor = tensors[name] else {
                throw ModelStateError(description: "the checkpoint has no tensor '\(name)' (it has \(tensors.names.joined(separator: ", ")))")
            }
            guard tensor.shape == variable.shape else {
                throw ModelStateError(description: "'\(name)' has shape \(tensor.shape) in the checkpoint but \(variable.shape) in the model")
            }
        }
        for (name, variable) in targets { variable.data = tensors[name]! }
    }

    /// Loads the checkpoint at `url` into this model (see ``load(_:)``).
    /// - Throws: `FileFormatError` for an unreadable file, ``ModelStateError`` when it does not fit.
    public func load(from url: URL) throws {
        try load(Checkpoint.load(from: url).tensors)
    }
}

/// A checkpoint that does not fit the model it is loaded into.
public struct ModelStateError: Error, CustomStringConvertible {
    /// Which tensor is missing or has the wrong shape.
    public let description: String
}
