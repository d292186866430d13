import ArgumentParser
import Foundation
import Kiso
import KisoNN
import KisoPlot

/// `kiso experiment optimizers-2d`: the four optimizers' paths on f(x, y) = x²/20 + y² (figure 6-8).
public struct OptimizersTrajectoryExperiment: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "optimizers-2d",
        abstract: "Chapter 6: SGD, Momentum, AdaGrad and Adam minimising x²/20 + y² from (−7, 2), 30 steps, over the contours (figure 6-8).",
        discussion: "Learning rates as in the book's optimizer_compare_naive.py: SGD 0.95, Momentum 0.1, AdaGrad 1.5, Adam 0.3. Writes optimizers-2d.svg."
    )

    @OptionGroup var figures: FigureOptions
    @OptionGroup var output: OutputOptions

    public init() {}

    public func execute(_ console: Console) throws {
        output.configure(console)
        let paths = OptimizerComparison.trajectories()
        var figure = Figure(width: 900, height: 700, rows: 2, columns: 2)
        var summary = JSONSummary()
        for (i, run) in paths.enumerated() {
            let name = Self.bookName(run.kind)
            var axes = Axes(title: name, xLabel: "x", yLabel: "y")
            axes.contour(x: -10...10, y: -5...5, resolution: 101) { x, y in
                Double(OptimizerComparison.bowl(Float(x), Float(y)))
            }
            axes.line(x: run.path.map(\.x), y: run.path.map(\.y), color: Color(hex: 0xFF0000), marker: .circle, markerSize: 5)
            axes.scatter(x: [0.0], y: [0.0], color: Color(hex: 0x000000), marker: .plus, size: 9)
            axes.xLimits = -10...10
            axes.yLimits = -10...10
            axes.legend = .hidden
            figure[i / 2, i % 2] = axes
            let end = run.path.last!
            console.line(String(format: "%@: after %d steps at (%.6f, %.6f), f = %.6g", name, run.path.count - 1,
                                end.x, end.y, OptimizerComparison.bowl(end.x, end.y)))
            summary[run.kind.rawValue] = run.path.map { [Double($0.x), Double($0.y)] }
        }
        try figures.write(figure, as: "optimizers-2d.svg", console: console)
        if output.json { console.line(summary.render()) }
    }

    /// The book's spelling of an optimizer's name.
    static func bookName(_ kind: OptimizerKind) -> String {
        switch kind {
        case .sgd: return "SGD"
        case .momentum: return "Momentum"
        case .nesterov: return "Nesterov"
        case .adagrad: return "AdaGrad"
        case .rmsprop: return "RMSprop"
        case .adam: return "Adam"
        }
    }
}

/// `kiso experiment optimizers-mnist`: the optimizers training a 5-layer network (figure 6-9).
public struct OptimizersDataExperiment: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "optimizers-mnist",
        abstract: "Chapter 6: SGD, Momentum, AdaGrad and Adam training a 5-layer ReLU network on the same batches (figure 6-9).",
        discussion: "Hidden layers 4 × 100, batch 128, 2000 iterations, the book's default learning rates; prints the losses every 100 iterations and writes optimizers-mnist.svg."
    )

    @OptionGroup var options: ExperimentOptions

    @OptionGroup var run: LossComparisonRunOptions

    public init() {}

    public func execute(_ console: Console) throws {
        options.output.configure(console)
        let train = try options.trainingSet(limit: run.trainLimit, console: console)
        let bar = ProgressBar(console: console, label: "optimizers", total: run.iterations)
        let results = OptimizerComparison.onData(xTrain: train.images, tTrain: train.labels, iterations: run.iterations,
                                                 seed: options.seed, onIteration: { bar.update($0 + 1) })
        bar.finish()
        printEvery100(results.map { (OptimizersTrajectoryExperiment.bookName($0.kind), $0.losses) }, console: console)
        let runs = results.map { (label: OptimizersTrajectoryExperiment.bookName($0.kind), losses: $0.losses) }
        try options.figures.write(smoothedLossFigure(runs, title: "Optimizers on \(train.count) training images", yMax: 1),
                                  as: "optimizers-mnist.svg", console: console)
        if options.output.json {
            var summary = JSONSummary()
            for (label, losses) in runs { summary[label] = losses }
            console.line(summary.render())
        }
    }
}

/// The book's log: `===========iteration:N===========` and each run's loss, every 100 iterations.
func printEvery100(_ runs: [(String, [Float])], console: Console) {
    let count = runs.map(\.1.count).min() ?? 0
    for i in stride(from: 0, to: count, by: 100) {
        console.line("===========iteration:\(i)===========")
        for (name, losses) in runs { console.line("\(name):\(losses[i])") }
    }
}
