import ArgumentParser
import KisoAutograd

/// `kiso autograd rosenbrock`: gradient descent on the Rosenbrock function.
public struct RosenbrockCommand: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rosenbrock",
        abstract: "Step 28: gradient descent on the Rosenbrock function from (0, 2), lr 0.001.",
        discussion: "Prints x0 and x1 before each update, as DeZero does, and writes rosenbrock.svg (contours and path)."
    )

    @Option(help: "Number of iterations (DeZero: 1000; 10000 to reach (1, 1)).")
    var iterations = 1000

    @Option(help: "Learning rate.")
    var lr: Float = 0.001

    @OptionGroup var figures: FigureOptions
    @OptionGroup var output: OutputOptions

    public init() {}

    public func validate() throws {
        try requirePositive(iterations, "--iterations")
        try requirePositiveRate(lr, "--lr")
    }

    public func execute(_ console: Console) throws {
        output.configure(console)
        let path = Rosenbrock.descend(learningRate: lr, iterations: iterations)
        for point in path { console.line("\(Variable(point.x0)) \(Variable(point.x1))") }
        try figures.write(ExperimentFigures.rosenbrock(path: path), as: "rosenbrock.svg", console: console)
        if output.json, let last = path.last {
            var summary = JSONSummary()
            summary["x0"] = last.x0
            summary["x1"] = last.x1
            console.line(summary.render())
        }
    }
}
