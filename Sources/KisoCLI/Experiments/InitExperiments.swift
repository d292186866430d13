import ArgumentParser
import Foundation
import Kiso
import KisoNN
import KisoPlot

/// `kiso experiment init-histograms`: activation distributions for each initialisation and
/// activation function (figures 6-10 to 6-14).
public struct InitHistogramsExperiment: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "init-histograms",
        abstract: "Chapter 6: histograms of 5 layers' activations for std 1, std 0.01, Xavier and He with sigmoid, ReLU and tanh (figures 6-10…6-14).",
        discussion: "1000 random inputs of 100 features through 5 layers of 100 nodes, as weight_init_activation_histogram.py. Writes init-<activation>-<init>.svg (12 files), each with 5 histograms of 30 bins."
    )

    @OptionGroup var figures: FigureOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Seed of the inputs and weights.")
    var seed: UInt64 = 0

    public init() {}

    static let inits: [(name: String, file: String, value: WeightInit)] = [
        ("std=1", "std1", .std(1)), ("std=0.01", "std0.01", .std(0.01)), ("Xavier", "xavier", .xavier), ("He", "he", .he),
    ]

    public func execute(_ console: Console) throws {
        output.configure(console)
        var summary = JSONSummary()
        for activation in ActivationKind.allCases {
            // tanh's outputs lie in −1…1; sigmoid's and ReLU's interesting part in 0…1 (the book's range).
            let range: ClosedRange<Double> = activation == .tanh ? -1...1 : 0...1
            for initialisation in Self.inits {
                let layers = WeightInitExperiments.activations(activation: activation, weightInit: initialisation.value, seed: seed)
                var figure = Figure(width: 1100, height: 260, rows: 1, columns: layers.count)
                figure.title = "\(activation.rawValue), \(initialisation.name)"
                var counts: [[Int]] = []
                for (i, a) in layers.enumerated() {
                    let histogram = Histogram(a, bins: 30, range: range)
                    counts.append(histogram.counts)
                    var axes = Axes(title: "\(i + 1)-layer")
                    axes.histogram(histogram)
                    if i > 0 { axes.yLabel = nil }
                    figure[0, i] = axes
                }
                let name = "init-\(activation.rawValue)-\(initialisation.file).svg"
                try figures.write(figure, as: name, console: console)
                let means = layers.map { String(format: "%.3f", $0.mean()) }.joined(separator: " ")
                let stds = layers.map { String(format: "%.3f", $0.std()) }.joined(separator: " ")
                console.line("  layer means \(means); standard deviations \(stds)")
                summary["\(activation.rawValue)-\(initialisation.file)"] = counts
            }
        }
        if output.json { console.line(summary.render()) }
    }
}

/// `kiso experiment init-mnist`: std 0.01 vs Xavier vs He training a 5-layer network (figure 6-15).
public struct InitDataExperiment: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "init-mnist",
        abstract: "Chapter 6: std=0.01, Xavier and He initialisation training a 5-layer ReLU network (figure 6-15).",
        discussion: "Hidden layers 4 × 100, SGD lr 0.01, batch 128, 2000 iterations on the same batches; std=0.01 stays at 2.30 and He learns fastest. Writes init-mnist.svg."
    )

    @OptionGroup var options: ExperimentOptions

    @OptionGroup var run: LossComparisonRunOptions

    public init() {}

    public func execute(_ console: Console) throws {
        options.output.configure(console)
        let train = try options.trainingSet(limit: run.trainLimit, console: console)
        let bar = ProgressBar(console: console, label: "initialisations", total: run.iterations)
        let results = WeightInitExperiments.compareOnData(xTrain: train.images, tTrain: train.labels, iterations: run.iterations,
                                                          seed: options.seed, onIteration: { bar.update($0 + 1) })
        bar.finish()
        let names = ["std=0.01", "Xavier", "He"]
        let runs = zip(names, results).map { (label: $0, losses: $1.losses) }
        printEvery100(runs.map { ($0.label, $0.losses) }, console: console)
        try options.figures.write(smoothedLossFigure(runs, title: "Weight initialisation on \(train.count) training images", yMax: 2.5),
                                  as: "init-mnist.svg", console: console)
        if options.output.json {
            var summary = JSONSummary()
            for run in runs { summary[run.label] = run.losses }
            console.line(summary.render())
        }
    }
}
