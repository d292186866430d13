import ArgumentParser
import Foundation

/// The `kiso` command: every experiment of "Deep Learning from Scratch" from the shell.
public struct KisoCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kiso",
        abstract: "Deep Learning from Scratch, in Swift: train, evaluate and explore the book's networks.",
        subcommands: [
            TrainCommand.self,
            EvaluateCommand.self,
            PredictCommand.self,
            ShowCommand.self,
            GatesCommand.self,
            FunctionsCommand.self,
            GradientCommand.self,
            GraphCommand.self,
            GradientCheckCommand.self,
            ExperimentCommand.self,
            DataCommand.self,
            BenchCommand.self,
            ServeCommand.self,
            AutogradCommand.self,
        ]
    )

    public init() {}

    /// Parses `arguments` (without the program name), runs the chosen command on `console`
    /// and returns the process exit status: 0 on success (and for `--help`), 1 for every
    /// error a user can cause — printed as one line `Error: <message>` — and the status of
    /// an explicit `ExitCode` otherwise (130 after an interrupted run).
    public static func run(_ arguments: [String], console: Console) -> Int32 {
        do {
            var command = try parseAsRoot(attachingNegativeNumbers(arguments))
            if let consoleCommand = command as? any ConsoleCommand {
                try consoleCommand.execute(console)
            } else {
                try command.run()
            }
            return 0
        } catch let code as ExitCode {
            return code.rawValue
        } catch {
            if exitCode(for: error) == .success {
                console.line(fullMessage(for: error))
                return 0
            }
            let message = Self.message(for: error)
                .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: " ")
            console.errorLine("Error: " + message)
            return 1
        }
    }

    /// `--epochs -1` as `--epochs=-1`: a negative number after an option is its value (which
    /// the command then checks and explains), not an unknown option `-1`.
    static func attachingNegativeNumbers(_ arguments: [String]) -> [String] {
        var result: [String] = []
        for argument in arguments {
            if let previous = result.last, previous.hasPrefix("--"), !previous.contains("="),
               argument.count > 1, argument.hasPrefix("-"), Double(argument) != nil || argument.lowercased() == "-inf" {
                result[result.count - 1] = previous + "=" + argument
            } else {
                result.append(argument)
            }
        }
        return result
    }

    /// The `kiso` executable's entry point: runs the command line of this process and exits.
    public static func main() -> Never {
        let status = run(Array(CommandLine.arguments.dropFirst()), console: .standard())
        terminateProcess(status)
    }
}

/// Ends the process with `status` (outside the command type, whose `exit(withError:)` would shadow the C function).
func terminateProcess(_ status: Int32) -> Never { exit(status) }
