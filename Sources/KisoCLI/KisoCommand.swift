import ArgumentParser

/// The `kiso` command: every experiment of "Deep Learning from Scratch" from the shell.
public struct KisoCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kiso",
        abstract: "Deep Learning from Scratch, in Swift: train, evaluate and explore the book's networks.",
        subcommands: [
            BenchCommand.self,
        ]
    )

    public init() {}
}
