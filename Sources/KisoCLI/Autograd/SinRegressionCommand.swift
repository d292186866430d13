import ArgumentParser
import Foundation
import KisoAutograd

/// `kiso autograd sin-regression`: a 1-10-1 network fits a noisy sine.
public struct SinRegressionCommand: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sin-regression",
        abstract: "Steps 43-45: a 1-10-1 sigmoid MLP fits y = sin(2πx) + noise (lr 0.2, 10000 iterations).",
        discussion: "Prints the loss every 1000 iterations as DeZero does (`variable(0.8165…)`) and writes sin-regression.svg."
    )

    @Option(help: "Number of gradient-descent iterations.")
    var iterations = 10_000

    @Option(help: "Learning rate.")
    var lr: Float = 0.2

    @Option(help: "Seed of the data and the initial weights.")
    var seed: UInt64 = 0

    @OptionGroup var figures: FigureOptions
    @OptionGroup var output: OutputOptions

    public init() {}

    public func validate() throws {
        try requirePositive(iterations, "--iterations")
        try requirePositiveRate(lr, "--lr")
    }

    public func execute(_ console: Console) throws {
        output.configure(console)
        var setup = SinRegression()
        setup.iterations = iterations
        setup.learningRate = lr
        setup.seed = seed
        let result = setup.run { _, loss in console.line("\(loss)") }
        try figures.write(ExperimentFigures.sinRegression(result), as: "sin-regression.svg", console: console)
        if output.json {
            var summary = JSONSummary()
            summary["losses"] = result.reportedLosses
            console.line(summary.render())
        }
    }
}
