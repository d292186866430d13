import ArgumentParser
import KisoAutograd

/// `kiso autograd newton`: Newton's method with the second derivative by double backprop.
public struct NewtonCommand: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "newton",
        abstract: "Step 33: minimise y = x⁴ − 2x² from x = 2 by Newton's method, y″ by double backprop.",
        discussion: "Prints each iterate as DeZero does (`0 variable(2.0)`), in float32, and writes newton.svg."
    )

    @Option(help: "Number of iterations.")
    var iterations = 10

    @OptionGroup var figures: FigureOptions
    @OptionGroup var output: OutputOptions

    public init() {}

    public func validate() throws {
        try requirePositive(iterations, "--iterations")
    }

    public func execute(_ console: Console) throws {
        output.configure(console)
        let iterates = NewtonMethod.iterates(iterations: iterations)
        for (i, x) in iterates.enumerated() { console.line("\(i) \(Variable(x))") }
        try figures.write(ExperimentFigures.newton(iterates: iterates), as: "newton.svg", console: console)
        if output.json {
            var summary = JSONSummary()
            summary["x"] = iterates
            console.line(summary.render())
        }
    }
}
