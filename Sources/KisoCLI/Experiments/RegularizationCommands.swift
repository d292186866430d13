import ArgumentParser
import Foundation
import Kiso
import KisoNN
import KisoPlot

/// `kiso experiment batchnorm`: training with and without batch normalization for 16 weight
/// scales (figure 6-18).
public struct BatchNormExperiment: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "batchnorm",
        abstract: "Chapter 6: training accuracy with and without batch normalization for 16 initial weight scales (figure 6-18).",
        discussion: "A 6-layer ReLU network (hidden 5 × 100) on 1000 training images, SGD lr 0.01, batch 100, 20 epochs, per weight std in logspace(0, −4, 16). Writes batchnorm.svg, a 4×4 grid."
    )

    @OptionGroup var options: ExperimentOptions

    @Option(help: "Epochs per run.")
    var epochs = 20

    @Option(help: "Training images (the book: 1000).")
    var trainSize = 1000

    @Option(help: "How many of the 16 weight scales to run (the first ones, from std 1 down).")
    var scales = 16

    public init() {}

    public func validate() throws {
        try requirePositive(epochs, "--epochs")
        try requirePositive(trainSize, "--train-size")
        guard (1...16).contains(scales) else { throw ValidationError("--scales must be between 1 and 16, got \(scales)") }
    }

    public func execute(_ console: Console) throws {
        options.output.configure(console)
        let train = try options.trainingSet(limit: trainSize, console: console)
        let all = (0..<16).map { Float(Foundation.pow(10, -4 * Double($0) / 15)) }
        let bar = ProgressBar(console: console, label: "weight scales", total: scales, plainInterval: 0)
        let runs: [RegularizationExperiments.BatchNormRun]
        do {
            runs = try RegularizationExperiments.batchNormComparison(
                xTrain: train.images, tTrain: train.labels, scales: Array(all.prefix(scales)), epochs: epochs,
                seed: options.seed, onRun: { bar.update($0) })
        } catch { throw KisoError("\(error)") }
        bar.finish()
        var figure = Figure(width: 1000, height: 900, rows: 4, columns: 4)
        var summary = JSONSummary()
        for (i, run) in runs.enumerated() {
            console.line("============== \(i + 1)/16 ============== W std \(run.weightInitStd)")
            console.line(String(format: "final train acc: %.3f with batch norm, %.3f without",
                                run.withBatchNorm.last ?? 0, run.withoutBatchNorm.last ?? 0))
            var axes = Axes(title: String(format: "W:%.4g", run.weightInitStd))
            let x = (0..<run.withBatchNorm.count).map(Double.init)
            axes.line(x: x, y: run.withBatchNorm, label: i == 15 ? "Batch Normalization" : nil, width: 1.5)
            axes.line(x: x, y: run.withoutBatchNorm, label: i == 15 ? "Normal(without BatchNorm)" : nil, style: .dashed, width: 1.5)
            axes.yLimits = 0...1
            axes.legend = .lowerRight
            if i % 4 == 0 { axes.yLabel = "accuracy" }
            if i >= 12 { axes.xLabel = "epochs" }
            figure[i / 4, i % 4] = axes
            summary[String(run.weightInitStd)] = ["batchnorm": run.withBatchNorm, "normal": run.withoutBatchNorm]
        }
        try options.figures.write(figure, as: "batchnorm.svg", console: console)
        if options.output.json { console.line(summary.render()) }
    }
}

/// The shared body of the overfitting experiments (figures 6-20, 6-21, 6-23).
struct OverfittingRun {
    let options: ExperimentOptions
    let trainSize: Int
    let testLimit: Int?
    let epochs: Int
    let weightDecay: Float
    let dropout: Float?
    let file: String
    let title: String

    func run(_ console: Console) throws {
        options.output.configure(console)
        let train = try options.trainingSet(limit: trainSize, console: console)
        let test = try options.testSet(limit: testLimit, console: console)
        let history: TrainingHistory
        do {
            history = try RegularizationExperiments.overfitting(
                xTrain: train.images, tTrain: train.labels, xTest: test.images, tTest: test.labels,
                weightDecayLambda: weightDecay, dropoutRatio: dropout, epochs: epochs, seed: options.seed,
                onEpoch: { report in
                    console.info(String(format: "epoch:%d, train acc:%.4f, test acc:%.4f",
                                        report.epoch, report.trainAccuracy, report.testAccuracy))
                })
        } catch { throw KisoError("\(error)") }
        let gap = (history.trainAccList.last ?? 0) - (history.testAccList.last ?? 0)
        console.line(String(format: "final: train acc %.4f, test acc %.4f (gap %.4f)",
                            history.trainAccList.last ?? 0, history.testAccList.last ?? 0, gap))
        try options.figures.write(accuracyFigure(train: history.trainAccList, test: history.testAccList, title: title),
                                  as: file, console: console)
        if options.output.json {
            var summary = JSONSummary()
            summary["train_accuracy_per_epoch"] = history.trainAccList
            summary["test_accuracy_per_epoch"] = history.testAccList
            summary["train_accuracy"] = history.trainAccList.last ?? 0
            summary["test_accuracy"] = history.testAccList.last ?? 0
            console.line(summary.render())
        }
    }
}

/// Options of the overfitting experiments.
public struct OverfittingOptions: ParsableArguments {
    @Option(help: "Training images (the book: 300, to overfit).")
    var trainSize = 300

    @Option(help: ArgumentHelp("Use only the first N test images.", valueName: "n"))
    var testLimit: Int?

    @Option(help: "Epochs (the book: 201; 301 with dropout).")
    var epochs: Int?

    public init() {}

    public func validate() throws {
        try requirePositive(trainSize, "--train-size")
        try requirePositive(testLimit, "--test-limit")
        try requirePositive(epochs, "--epochs")
    }
}

/// `kiso experiment overfit`: a 7-layer network memorising 300 images (figure 6-20).
public struct OverfitExperiment: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "overfit",
        abstract: "Chapter 6: a 7-layer ReLU network overfitting 300 training images (figure 6-20).",
        discussion: "Hidden 6 × 100, SGD lr 0.01, batch 100, 201 epochs; prints each epoch's accuracies and writes overfit.svg."
    )

    @OptionGroup var options: ExperimentOptions
    @OptionGroup var sizes: OverfittingOptions

    public init() {}

    public func validate() throws { try sizes.validate() }

    public func execute(_ console: Console) throws {
        try OverfittingRun(options: options, trainSize: sizes.trainSize, testLimit: sizes.testLimit, epochs: sizes.epochs ?? 201,
                           weightDecay: 0, dropout: nil, file: "overfit.svg", title: "Overfitting: 300 training images").run(console)
    }
}

/// `kiso experiment weight-decay`: the same network with L2 weight decay λ = 0.1 (figure 6-21).
public struct WeightDecayExperiment: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "weight-decay",
        abstract: "Chapter 6: the overfitting network with weight decay λ = 0.1: a smaller train–test gap (figure 6-21).",
        discussion: "Writes weight-decay.svg."
    )

    @OptionGroup var options: ExperimentOptions
    @OptionGroup var sizes: OverfittingOptions

    @Option(help: ArgumentHelp("Weight decay λ.", valueName: "λ"))
    var lambda: Float = 0.1

    public init() {}

    public func validate() throws {
        try sizes.validate()
        guard lambda >= 0 && lambda.isFinite else { throw ValidationError("--lambda must be 0 or more, got \(lambda)") }
    }

    public func execute(_ console: Console) throws {
        try OverfittingRun(options: options, trainSize: sizes.trainSize, testLimit: sizes.testLimit, epochs: sizes.epochs ?? 201,
                           weightDecay: lambda, dropout: nil, file: "weight-decay.svg",
                           title: "Weight decay λ = \(lambda)").run(console)
    }
}

/// `kiso experiment dropout`: the same network with dropout (figure 6-23).
public struct DropoutExperiment: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "dropout",
        abstract: "Chapter 6: the overfitting network with dropout ratio 0.2 over 301 epochs (figure 6-23).",
        discussion: "Writes dropout.svg."
    )

    @OptionGroup var options: ExperimentOptions
    @OptionGroup var sizes: OverfittingOptions

    @Option(help: "Dropout ratio.")
    var ratio: Float = 0.2

    public init() {}

    public func validate() throws {
        try sizes.validate()
        guard ratio >= 0 && ratio < 1 else { throw ValidationError("--ratio must be in [0, 1), got \(ratio)") }
    }

    public func execute(_ console: Console) throws {
        try OverfittingRun(options: options, trainSize: sizes.trainSize, testLimit: sizes.testLimit, epochs: sizes.epochs ?? 301,
                           weightDecay: 0, dropout: ratio, file: "dropout.svg",
                           title: "Dropout ratio \(ratio)").run(console)
    }
}
