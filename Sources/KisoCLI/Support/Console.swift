import Foundation

/// Where a command writes: results to standard output, progress and errors to standard error.
///
/// Commands never call `print` directly, so tests can run them in-process and read what they
/// wrote (``Console/capturing()``), and `--quiet` silences progress in one place.
public final class Console: @unchecked Sendable {
    /// Whether standard error is a terminal: progress bars redraw in place only then;
    /// otherwise progress is written as plain periodic lines (readable in CI logs).
    public let isTerminal: Bool
    /// `--quiet`: no progress output and no informational lines; results and errors still appear.
    public var quiet = false

    private let writeOut: (String) -> Void
    private let writeErr: (String) -> Void
    private let lock = NSLock()
    private var capturedOut = ""
    private var capturedErr = ""

    /// A console over arbitrary sinks (`isTerminal` decides the progress style).
    public init(isTerminal: Bool, out: @escaping (String) -> Void, err: @escaping (String) -> Void) {
        self.isTerminal = isTerminal
        writeOut = out
        writeErr = err
    }

    /// The process's standard output and standard error.
    public static func standard() -> Console {
        Console(
            isTerminal: isatty(STDERR_FILENO) == 1,
            out: { FileHandle.standardOutput.write(Data($0.utf8)) },
            err: { FileHandle.standardError.write(Data($0.utf8)) })
    }

    /// A console that keeps everything written to it in memory (read ``standardOutput`` and
    /// ``standardError``); never a terminal.
    public static func capturing() -> Console {
        let console = Console(isTerminal: false, out: { _ in }, err: { _ in })
        console.capturing = true
        return console
    }

    private var capturing = false

    /// Everything written to standard output so far (captured consoles only).
    public var standardOutput: String { lock.withLock { capturedOut } }
    /// Everything written to standard error so far (captured consoles only).
    public var standardError: String { lock.withLock { capturedErr } }

    /// Writes `text` and a newline to standard output (results: always shown).
    public func line(_ text: String = "") { write(text + "\n", toError: false) }

    /// Writes an informational line to standard output unless `--quiet`.
    public func info(_ text: String) { if !quiet { line(text) } }

    /// Writes `text` and a newline to standard error (warnings, errors).
    public func errorLine(_ text: String) { write(text + "\n", toError: true) }

    /// Writes raw `text` to standard error unless `--quiet` (progress bars).
    public func progress(_ text: String) { if !quiet { write(text, toError: true) } }

    private func write(_ text: String, toError: Bool) {
        if capturing {
            lock.withLock {
                if toError { capturedErr += text } else { capturedOut += text }
            }
        } else if toError {
            writeErr(text)
        } else {
            writeOut(text)
        }
    }
}
