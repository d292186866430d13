import Foundation

/// Reading whole files with errors that say what is wrong with the path.
enum FileIO {
    /// The bytes of the file at `url`.
    /// - Throws: `FileFormatError` `.fileNotFound`, `.isDirectory`, `.empty` or `.ioError`.
    static func read(_ url: URL) throws -> [UInt8] {
        let name = url.lastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw FileFormatError(.fileNotFound, "no such file (\(url.path))", file: name)
        }
        guard !isDirectory.boolValue else {
            throw FileFormatError(.isDirectory, "is a directory, not a file (\(url.path))", file: name)
        }
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw FileFormatError(.ioError, "cannot be read: \(error.localizedDescription)", file: name)
        }
        guard !data.isEmpty else { throw FileFormatError(.empty, "the file is empty", file: name) }
        return [UInt8](data)
    }
}
