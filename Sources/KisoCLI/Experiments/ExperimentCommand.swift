import ArgumentParser
import Foundation
import Kiso
import KisoData
import KisoPlot

/// `kiso experiment NAME`: the experiments of chapters 6–8, each printing what the book prints
/// and writing the book's figures.
public struct ExperimentCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Run the experiments of chapters 6–8 and write their figures (SVG charts, PNG image grids).",
        subcommands: [
            OptimizersTrajectoryExperiment.self, OptimizersDataExperiment.self,
            InitHistogramsExperiment.self, InitDataExperiment.self,
            BatchNormExperiment.self, OverfitExperiment.self, WeightDecayExperiment.self, DropoutExperiment.self,
            HyperparameterSearchExperiment.self,
            FiltersExperiment.self, MisclassifiedExperiment.self, HalfFloatExperiment.self,
        ]
    )

    public init() {}
}

/// The options every data experiment shares: where the data is, the seed, the output folder.
public struct ExperimentOptions: ParsableArguments {
    @OptionGroup var datasetOptions: DatasetOptions
    @OptionGroup var figures: FigureOptions

    /// Seed of the weights and batches.
    @Option(help: "Seed of the initial weights and the mini-batches.")
    var seed: UInt64 = 0

    @OptionGroup var output: OutputOptions

    public init() {}

    /// The training images (rows of 784 unless `flatten` is false) of the chosen data set,
    /// the first `limit` of them.
    func trainingSet(limit: Int?, flatten: Bool = true, console: Console) throws -> LabeledImages {
        let name = try datasetOptions.resolved(for: .train, console: console)
        return try datasetOptions.load(name, split: .train, flatten: flatten, limit: limit, console: console)
    }

    /// The test images of the data set used for training.
    func testSet(limit: Int?, flatten: Bool = true, console: Console) throws -> LabeledImages {
        let name = try datasetOptions.resolved(for: .train, console: console)
        return try datasetOptions.load(name, split: .test, flatten: flatten, limit: limit, console: console)
    }
}

/// Throws a ``KisoError`` when `value` is not positive.
func requirePositive(_ value: Int?, _ option: String) throws {
    if let value, value <= 0 { throw ValidationError("\(option) must be positive, got \(value)") }
}

/// Chapter 6's loss chart: each run's loss smoothed like the book's `smooth_curve`, one marker
/// every 100 iterations, y limited to `0…yMax`.
func smoothedLossFigure(_ runs: [(label: String, losses: [Float])], title: String, yMax: Double) -> Figure {
    var axes = Axes(title: title, xLabel: "iterations", yLabel: "loss")
    let markers: [Marker] = [.circle, .cross, .square, .diamond, .triangle, .plus]
    for (i, run) in runs.enumerated() {
        let smooth = smoothCurve(run.losses)
        axes.line(x: (0..<smooth.count).map(Double.init), y: smooth, label: run.label,
                  marker: markers[i % markers.count], markEvery: 100)
    }
    axes.yLimits = 0...yMax
    var figure = Figure()
    figure[0, 0] = axes
    return figure
}

/// Chapter 6's accuracy chart: train (circles) and test (squares) accuracy per epoch.
func accuracyFigure(train: [Float], test: [Float], title: String, testLabel: String = "test") -> Figure {
    var axes = Axes(title: title, xLabel: "epochs", yLabel: "accuracy")
    let epochs = (0..<train.count).map(Double.init)
    axes.line(x: epochs, y: train, label: "train", marker: .circle, markEvery: max(1, train.count / 20))
    axes.line(x: epochs, y: test, label: testLabel, marker: .square, markEvery: max(1, test.count / 20))
    axes.yLimits = 0...1
    axes.legend = .lowerRight
    var figure = Figure()
    figure[0, 0] = axes
    return figure
}
