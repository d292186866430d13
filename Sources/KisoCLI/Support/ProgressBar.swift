import Foundation

/// A progress display for a loop of known length.
///
/// On a terminal it redraws one line in place (bar, count, iterations per second, ETA and
/// the running loss); otherwise it writes a plain line every 10 % or every 10 seconds,
/// whichever comes first, so redirected logs stay readable. Silent under `--quiet`.
public final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let console: Console
    private let label: String
    private let total: Int
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var lastPlainPercent = -1
    private var lastPlainLine = Date()
    private var finished = false
    private let countsBytes: Bool
    private let plainInterval: TimeInterval

    /// A progress display for `total` steps, each line starting with `label`; with
    /// `countsBytes` the steps are bytes, shown in megabytes and MB/s.
    public init(console: Console, label: String, total: Int, countsBytes: Bool = false,
                plainInterval: TimeInterval = 2) {
        self.plainInterval = plainInterval
        self.console = console
        self.label = label
        self.total = max(total, 1)
        self.countsBytes = countsBytes
    }

    /// Reports that `done` of the `total` steps are complete; `detail` (e.g. `"loss 0.312"`)
    /// is appended to the line.
    public func update(_ done: Int, detail: String = "") {
        lock.lock()
        defer { lock.unlock() }
        guard !console.quiet, !finished else { return }
        let now = Date()
        if console.isTerminal {
            guard done >= total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
            lastDraw = now
            console.progress("\r" + render(done, detail: detail, now: now, bar: true) + "\u{1B}[K")
        } else {
            let percent = done * 100 / total
            let decile = percent / 10
            let sinceLast = now.timeIntervalSince(lastPlainLine)
            let due = (decile > lastPlainPercent / 10 && sinceLast >= plainInterval) || sinceLast >= 10
            guard due, done > 0 else { return }
            lastPlainPercent = percent
            lastPlainLine = now
            console.progress(render(done, detail: detail, now: now, bar: false) + "\n")
        }
    }

    /// Ends the display (moves to a new line on a terminal).
    public func finish() {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return }
        finished = true
        if console.isTerminal && !console.quiet { console.progress("\n") }
    }

    /// The text of one progress line.
    func render(_ done: Int, detail: String, now: Date, bar: Bool) -> String {
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        var parts = [label]
        if bar {
            let width = 24
            let filled = min(width, done * width / total)
            parts.append("[" + String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled) + "]")
        }
        if countsBytes {
            parts.append(String(format: "%.1f/%.1f MB", Double(done) / 1e6, Double(total) / 1e6))
            parts.append(String(format: "%.1f MB/s", rate / 1e6))
        } else {
            parts.append("\(done)/\(total)")
            parts.append(String(format: "%.1f it/s", rate))
        }
        parts.append("ETA " + Self.duration(remaining))
        if !detail.isEmpty { parts.append(detail) }
        return parts.joined(separator: " ")
    }

    /// `seconds` as `m:ss` (or `h:mm:ss` past an hour).
    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) }
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
