import ArgumentParser
import Foundation
import Kiso
import KisoNN
import KisoPlot

/// `kiso experiment hyperparameter-search`: random search of the learning rate and weight
/// decay on a validation split (figure 6-24).
public struct HyperparameterSearchExperiment: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "hyperparameter-search",
        abstract: "Chapter 6: random search of lr ∈ 10^U(−6,−2) and weight decay ∈ 10^U(−8,−4), ranked by validation accuracy (figure 6-24).",
        discussion: "500 training images, 20 % held out for validation, a 7-layer network per trial, 100 trials of 50 epochs, as hyperparameter_optimization.py. Prints every trial and the Best-N list; writes hyperparameter-search.svg (the best 20: validation solid, train dashed)."
    )

    @OptionGroup var options: ExperimentOptions

    @Option(help: "Number of random trials.")
    var trials = 100

    @Option(help: "Epochs per trial.")
    var epochs = 50

    @Option(help: "Training images before the validation split (the book: 500).")
    var trainSize = 500

    @Option(help: "How many of the best trials to list and draw.")
    var best = 20

    public init() {}

    public func validate() throws {
        try requirePositive(trials, "--trials")
        try requirePositive(epochs, "--epochs")
        try requirePositive(best, "--best")
        guard trainSize >= 10 else { throw ValidationError("--train-size must be at least 10, got \(trainSize)") }
    }

    public func execute(_ console: Console) throws {
        options.output.configure(console)
        let data = try options.trainingSet(limit: trainSize, console: console)
        var rng = RandomGenerator(seed: options.seed)
        let split = splitValidation(data.images, data.labels, fraction: 0.2, using: &rng)
        var search = HyperparameterSearch()
        search.trials = trials
        search.epochs = epochs
        search.seed = options.seed
        let ranked: [HyperparameterSearch.Trial]
        do {
            ranked = try search.run(xTrain: split.xTrain, tTrain: split.tTrain, xValidation: split.xValidation,
                                    tValidation: split.tValidation) { _, trial in
                console.line("val acc:\(trial.finalValidationAccuracy) | \(Self.key(trial))")
            }
        } catch { throw KisoError("\(error)") }

        console.line("=========== Hyper-Parameter Optimization Result ===========")
        let shown = Array(ranked.prefix(best))
        for (i, trial) in shown.enumerated() {
            console.line("Best-\(i + 1)(val acc:\(trial.finalValidationAccuracy)) | \(Self.key(trial))")
        }
        let columns = 5, rows = (shown.count + columns - 1) / columns
        var figure = Figure(width: 1000, height: Double(max(rows, 1)) * 190, rows: max(rows, 1), columns: columns)
        for (i, trial) in shown.enumerated() {
            var axes = Axes(title: "Best-\(i + 1)")
            let x = (0..<trial.validationAccuracies.count).map(Double.init)
            axes.line(x: x, y: trial.validationAccuracies, width: 1.5)
            axes.line(x: x, y: trial.trainAccuracies, style: .dashed, width: 1.5)
            axes.yLimits = 0...1
            figure[i / columns, i % columns] = axes
        }
        try options.figures.write(figure, as: "hyperparameter-search.svg", console: console)
        if options.output.json {
            var summary = JSONSummary()
            summary["ranked"] = ranked.map {
                ["learning_rate": Double($0.learningRate), "weight_decay": Double($0.weightDecay),
                 "validation_accuracy": Double($0.finalValidationAccuracy)] as [String: Any]
            }
            console.line(summary.render())
        }
    }

    /// The book's label of a trial: `lr:…, weight decay:…`.
    static func key(_ trial: HyperparameterSearch.Trial) -> String {
        "lr:\(trial.learningRate), weight decay:\(trial.weightDecay)"
    }
}
