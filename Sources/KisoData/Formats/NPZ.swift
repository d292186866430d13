import Foundation
import Kiso

/// NumPy's `.npz` format: a zip archive whose members `name.npy` are `.npy` files —
/// stored (`np.savez`) or deflated (`np.savez_compressed`).
///
/// Kiso keeps string metadata in an extra member `__metadata__.json` (a JSON object of
/// strings), which `numpy.load` ignores unless asked for it by name.
public enum NPZ {
    /// The member holding Kiso's metadata.
    static let metadataMember = "__metadata__.json"

    /// Reads the `.npz` file at `url`: its arrays (named without `.npy`), converted to float32.
    /// - Throws: `FileFormatError` for a damaged archive or any member that is not a supported `.npy`.
    public static func read(from url: URL) throws -> TensorFile {
        try decode(FileIO.read(url), file: url.lastPathComponent)
    }

    /// Parses `.npz` bytes; `file` names them in errors.
    /// - Throws: `FileFormatError`; errors inside a member name it as `file/member.npy`.
    public static func decode(_ bytes: [UInt8], file: String = "npz data") throws -> TensorFile {
        guard !bytes.isEmpty else { throw FileFormatError(.empty, "the file is empty", file: file) }
        var tensors = NamedTensors()
        var dtypes: [String: DType] = [:]
        var metadata: [String: String] = [:]
        for (memberName, content) in try ZipArchive.read(bytes, file: file) {
            if memberName == metadataMember {
                metadata = try parseMetadata(content, file: file)
                continue
            }
            let name = memberName.hasSuffix(".npy") ? String(memberName.dropLast(4)) : memberName
            guard !tensors.contains(name) else {
                throw FileFormatError(.duplicateName, "the archive holds two arrays named '\(printable(name))'", file: file)
            }
            let (tensor, dtype) = try NPY.decode(content, file: "\(file)/\(printable(memberName))")
            tensors[name] = tensor
            dtypes[name] = dtype
        }
        return TensorFile(tensors: tensors, metadata: metadata, dtypes: dtypes)
    }

    /// Writes `tensors` as `name.npy` members (and `metadata`, when not empty) to `url`,
    /// atomically; deflated when `compressed` (like `np.savez_compressed`).
    /// - Throws: `FileFormatError(.ioError)` when the file cannot be written.
    public static func write(_ tensors: NamedTensors, metadata: [String: String] = [:], dtype: DType = .float32,
                             compressed: Bool = false, to url: URL) throws {
        try AtomicFile.write(encode(tensors, metadata: metadata, dtype: dtype, compressed: compressed, file: url.lastPathComponent), to: url)
    }

    /// The bytes of a `.npz` archive of `tensors` stored as `dtype`.
    /// - Throws: `FileFormatError(.tooLarge)` past the zip format's 4 GiB limit.
    public static func encode(_ tensors: NamedTensors, metadata: [String: String] = [:], dtype: DType = .float32,
                              compressed: Bool = false, file: String = "npz data") throws -> [UInt8] {
        var members: [ZipArchive.Member] = tensors.map { ($0.name + ".npy", NPY.encode($0.tensor, dtype: dtype)) }
        if !metadata.isEmpty {
            let json = JSON.object(metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
            members.append((metadataMember, Array(json.text.utf8)))
        }
        return try ZipArchive.write(members, compress: compressed, file: file)
    }

    private static func parseMetadata(_ content: [UInt8], file: String) throws -> [String: String] {
        guard let json = try? JSON.parse(content[...]), case let .object(pairs) = json else {
            throw FileFormatError(.malformedHeader, "\(metadataMember) is not a JSON object", file: file)
        }
        var metadata: [String: String] = [:]
        for (key, value) in pairs {
            guard case let .string(s) = value else {
                throw FileFormatError(.malformedHeader, "\(metadataMember) entry '\(printable(key))' is not a string", file: file)
            }
            metadata[key] = s
        }
        return metadata
    }
}
