import Foundation
import Kiso

/// Saving and loading a network's tensors, in the format the file extension names:
///
/// | extension      | format                         | metadata | writes |
/// |----------------|--------------------------------|----------|--------|
/// | `.safetensors` | safetensors (the default)      | yes      | yes    |
/// | `.npz`         | zip of `.npy` (NumPy)          | yes      | yes    |
/// | `.pkl`         | the book's pickled dict        | yes (`str` entries of the dict) | yes |
/// | `.npy`         | one NumPy array                | no       | yes    |
///
/// A path with another extension is saved as safetensors and loaded by its first bytes.
/// Saving is atomic: a crash mid-save leaves the previous file intact.
///
/// ```swift
/// try Checkpoint.save(["W1": w1, "b1": b1], metadata: ["note": "first try"],
///                     to: URL(fileURLWithPath: "weights.safetensors"))
/// let file = try Checkpoint.load(from: url)   // file.tensors, file.metadata
/// ```
/// (To save a whole network with what rebuilds it, use KisoNN's `ModelCheckpoint`.)
public enum Checkpoint {
    /// The file formats a checkpoint can use.
    public enum Format: String, Sendable, CaseIterable {
        /// `.safetensors`, NumPy `.npz`, NumPy `.npy` or the book's `.pkl`.
        case safetensors, npz, npy, pickle

        /// The format for `url`'s extension; `nil` for an unknown extension.
        public init?(url: URL) {
            switch url.pathExtension.lowercased() {
            case "safetensors": self = .safetensors
            case "npz": self = .npz
            case "npy": self = .npy
            case "pkl", "pickle": self = .pickle
            default: return nil
            }
        }

        /// The format whose magic bytes begin `bytes`, or `nil`.
        init?(sniffing bytes: [UInt8]) {
            if bytes.starts(with: NPY.magic) { self = .npy }
            else if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) { self = .npz }
            else if bytes.first == 0x80 { self = .pickle }
            else if bytes.count >= 9, bytes[8] == UInt8(ascii: "{") { self = .safetensors }
            else { return nil }
        }
    }

    /// Saves `tensors` and `metadata` to `url` in the format its extension names (safetensors
    /// for unknown extensions), elements stored as `dtype`, atomically.
    ///
    /// `.npy` holds exactly one tensor and has no place for metadata, so non-empty metadata
    /// is an error there (the model kind would be lost silently otherwise).
    /// - Throws: `FileFormatError` (`.unexpectedContent` for those mismatches, `.ioError`).
    public static func save(_ tensors: NamedTensors, metadata: [String: String] = [:], dtype: DType = .float32, to url: URL) throws {
        let name = url.lastPathComponent
        let format = Format(url: url) ?? .safetensors
        if format == .npy && !metadata.isEmpty {
            throw FileFormatError(.unexpectedContent,
                                  "a .\(url.pathExtension) file cannot keep metadata (\(metadata.keys.sorted().joined(separator: ", "))); save as .safetensors or .npz",
                                  file: name)
        }
        switch format {
        case .safetensors: try SafeTensors.write(tensors, metadata: metadata, dtype: dtype, to: url)
        case .npz: try NPZ.write(tensors, metadata: metadata, dtype: dtype, to: url)
        case .pickle: try BookPickle.write(tensors, metadata: metadata, dtype: dtype, to: url)
        case .npy:
            guard tensors.count == 1, let only = tensors.entries.first else {
                throw FileFormatError(.unexpectedContent, "a .npy file holds one array, not \(tensors.count); save as .safetensors or .npz", file: name)
            }
            try NPY.write(only.tensor, dtype: dtype, to: url)
        }
    }

    /// Loads the tensors (float32) and metadata of the checkpoint at `url`, choosing the
    /// reader by extension or, for other extensions, by the file's first bytes. A `.npy`
    /// array is named after the file (`"W1"` for `W1.npy`).
    /// - Throws: `FileFormatError` naming the file and the problem.
    public static func load(from url: URL) throws -> TensorFile {
        let bytes = try FileIO.read(url)
        let name = url.lastPathComponent
        guard let format = Format(url: url) ?? Format(sniffing: bytes) else {
            throw FileFormatError(.badMagic, "is not a safetensors, .npz, .npy or pickle file", file: name)
        }
        return try decode(bytes, format: format, file: name, arrayName: url.deletingPathExtension().lastPathComponent)
    }

    /// Parses checkpoint `bytes` of `format`; a lone `.npy` array is called `arrayName`.
    /// - Throws: `FileFormatError`.
    public static func decode(_ bytes: [UInt8], format: Format, file: String = "checkpoint", arrayName: String = "array") throws -> TensorFile {
        switch format {
        case .safetensors: return try SafeTensors.decode(bytes, file: file)
        case .npz: return try NPZ.decode(bytes, file: file)
        case .pickle: return try BookPickle.decode(bytes, file: file)
        case .npy:
            let (tensor, dtype) = try NPY.decode(bytes, file: file)
            return TensorFile(tensors: [arrayName: tensor], dtypes: [arrayName: dtype])
        }
    }
}
