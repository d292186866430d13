import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps the input being parsed in a shared memory-mapped file, so when the parser crashes
/// (trap, segfault, out of memory, watchdog abort) the input survives in the page cache for
/// the runner script to keep — without a write system call per execution.
///
/// Layout: bytes 0–7 the input length, 8–15 the execution counter (read by the watchdog),
/// then the input.
final class CrashRecorder: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let capacity: Int

    /// Maps `path` with room for inputs of `maxLength` bytes.
    init(path: String, maxLength: Int) {
        capacity = 16 + maxLength
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0, ftruncate(fd, off_t(capacity)) == 0,
              let p = mmap(nil, capacity, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), p != MAP_FAILED else {
            fatalError("kiso-fuzz: cannot map \(path)")
        }
        close(fd)
        base = p
    }

    /// Stores `bytes` as the current input (before parsing it).
    func record(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { src in
            if let s = src.baseAddress { (base + 16).copyMemory(from: s, byteCount: min(src.count, capacity - 16)) }
        }
        base.storeBytes(of: UInt64(bytes.count), as: UInt64.self)
    }

    /// Counts one finished execution.
    func tick() {
        base.storeBytes(of: base.load(fromByteOffset: 8, as: UInt64.self) &+ 1, toByteOffset: 8, as: UInt64.self)
    }

    /// Executions so far.
    var executions: UInt64 { base.load(fromByteOffset: 8, as: UInt64.self) }

    /// Marks a clean finish: no input is pending.
    func clear() { base.storeBytes(of: UInt64(0), as: UInt64.self) }

    /// The input recorded in the file at `path` (what a crashed run was parsing).
    static func pendingInput(at path: String) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: path), data.count >= 16 else { return nil }
        let bytes = [UInt8](data)
        let n = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard n > 0, 16 + n <= bytes.count else { return nil }
        return Array(bytes[16..<(16 + n)])
    }
}
