import Foundation

/// The process's peak resident memory ("high-water mark").
public enum PeakMemory {
    /// Peak resident set size in megabytes (10⁶ bytes): `VmHWM` from `/proc/self/status` on
    /// Linux, `ru_maxrss` from `getrusage` elsewhere; `nil` when neither is available.
    public static func megabytes() -> Double? {
        #if os(Linux)
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) {
            for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                if fields.count >= 2, let kilobytes = Double(fields[1]) {
                    return kilobytes * 1024 / 1_000_000
                }
            }
        }
        return nil
        #else
        var usage = rusage()
        guard getrusage(RUSAGE_SELF, &usage) == 0 else { return nil }
        return Double(usage.ru_maxrss) / 1_000_000  // bytes on macOS
        #endif
    }
}
