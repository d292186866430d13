import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Crash-safe file replacement: the bytes go to a temporary file in the destination's
/// folder, are flushed to disk (`fsync`), and the temporary file is renamed over the
/// destination — so readers see either the old file or the complete new one, and a crash
/// mid-save never destroys the previous checkpoint.
public enum AtomicFile {
    /// Writes `bytes` to `url` atomically. On failure the temporary file is removed and the
    /// previous file (if any) is untouched.
    /// - Throws: `FileFormatError(.ioError)` (or `.isDirectory` when `url` is a folder).
    public static func write(_ bytes: [UInt8], to url: URL) throws {
        let name = url.lastPathComponent
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw FileFormatError(.isDirectory, "is a directory; cannot write a file there (\(url.path))", file: name)
        }
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        func failure(_ what: String) -> FileFormatError {
            FileFormatError(.ioError, "cannot be written: \(what) failed (\(String(cString: strerror(errno))))", file: name)
        }
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw failure("creating a temporary file in \(folder.path)") }
        var closed = false
        do {
            defer { if !closed { close(fd) } }
            try bytes.withUnsafeBytes { raw in
                var done = 0
                while done < raw.count {
                    let n = posixWrite(fd, raw.baseAddress! + done, raw.count - done)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw failure("writing")
                    }
                    done += n
                }
            }
            guard fsync(fd) == 0 else { throw failure("fsync") }
            closed = true
            guard close(fd) == 0 else { throw failure("closing") }
            guard rename(temporary.path, url.path) == 0 else { throw failure("renaming the temporary file") }
        } catch {
            unlink(temporary.path)
            throw error
        }
        // Make the rename itself durable; a failure here leaves a complete file, so ignore it.
        let dir = open(folder.path, O_RDONLY)
        if dir >= 0 { _ = fsync(dir); close(dir) }
    }
}

/// POSIX `write(2)`, named apart from `AtomicFile.write`.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
