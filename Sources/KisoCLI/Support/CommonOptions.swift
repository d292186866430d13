import ArgumentParser

/// How results are shown: `--json` (one machine-readable object on the last line) and
/// `--quiet` (no progress output).
public struct OutputOptions: ParsableArguments {
    /// Print one JSON object with the results as the last line of standard output.
    @Flag(help: "Print the results as one JSON object on the last line.")
    var json = false

    /// Suppress progress bars and informational lines.
    @Flag(name: .shortAndLong, help: "No progress output; only results and errors.")
    var quiet = false

    /// The defaults: human-readable output with progress.
    public init() {}

    /// Applies `--quiet` to `console` (and `--json`, which implies quiet progress lines on
    /// standard output stay human-readable).
    public func configure(_ console: Console) {
        if quiet { console.quiet = true }
    }
}
