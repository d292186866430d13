import ArgumentParser

/// A `kiso` subcommand that writes through a ``Console``, so that tests can run it
/// in-process and read its output.
public protocol ConsoleCommand: ParsableCommand {
    /// Runs the command, writing results and progress to `console`; throws ``KisoError``
    /// for mistakes the user can fix.
    func execute(_ console: Console) throws
}

extension ConsoleCommand {
    /// Runs the command on the process's standard output and error.
    public func run() throws { try execute(Console.standard()) }
}
