import ArgumentParser
import Dispatch
import Foundation
import Kiso
import KisoData
import KisoNN

/// Options shared by the chapter 6 loss-curve comparisons.
struct LossComparisonOptions: ParsableArguments {
    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Training iterations.")
    var iterations = 2000
    @Option(help: "Mini-batch size.")
    var batchSize = 128
    @Option(help: "Print the loss every this many iterations.")
    var every = 100
    @Option(help: "Seed of the weights and the batches.")
    var seed: UInt64 = 0
    @Flag(help: "Record the loss with an extra forward pass after each update, like the book.")
    var extraForward = false

    func loadTrain(_ console: Console) throws -> LabeledImages {
        guard iterations > 0, batchSize > 0, every > 0 else { throw KisoError("--iterations, --batch-size and --every must be positive") }
        output.configure(console)
        let name = dataset.dataset ?? .fashionMNIST
        return try dataset.load(name, split: .train, flatten: true, console: console)
    }

    /// Prints the loss of iteration 0, every, 2·every, … for each curve, then the seconds taken.
    func report(_ curves: [(name: String, losses: [Float])], seconds: Double, console: Console) {
        let rows = Array(stride(from: 0, to: iterations, by: every))
        if output.json {
            var s = JSONSummary()
            s["iterations"] = rows
            s["loss"] = Dictionary(uniqueKeysWithValues: curves.map { c in (c.name, rows.map { i in c.losses[i] }) })
            s["seconds"] = seconds
            s["extra_forward"] = extraForward
            console.line(s.render())
            return
        }
        console.line("iteration" + curves.map { $0.name.leftPadded(10) }.joined())
        for i in rows {
            console.line(String(i).leftPadded(9) + curves.map { String(format: "%.4f", $0.losses[i]).leftPadded(10) }.joined())
        }
        console.line("mean of the last \(every):" + curves.map { c in
            String(format: "%.4f", c.losses.suffix(every).reduce(0, +) / Float(min(every, c.losses.count))).leftPadded(10)
        }.joined())
        console.line(String(format: "%.1f s, loss %@", seconds, extraForward ? "from an extra forward pass (book)" : "from the backprop pass"))
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}

/// `kiso bench optimizers`: the book's optimizer comparison on data — a 5-layer ReLU net
/// (hidden 4 × 100), batch 128, 2000 iterations, SGD / Momentum / AdaGrad / Adam with their
/// default learning rates and the same batches — printing the loss every 100 iterations.
public struct OptimizersBenchmark: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "optimizers",
        abstract: "The book's optimizer comparison (ch. 6): loss every 100 iterations for SGD, Momentum, AdaGrad, Adam."
    )
    @OptionGroup var options: LossComparisonOptions

    public init() {}

    public func execute(_ console: Console) throws {
        let train = try options.loadTrain(console)
        let bar = ProgressBar(console: console, label: "optimizers", total: options.iterations)
        let start = DispatchTime.now().uptimeNanoseconds
        let curves = OptimizerComparison.onData(xTrain: train.images, tTrain: train.labels, miniBatchSize: options.batchSize,
                                                iterations: options.iterations, recordsLossWithExtraForward: options.extraForward,
                                                seed: options.seed, onIteration: { bar.update($0) })
        bar.finish()
        options.report(curves.map { ($0.kind.rawValue, $0.losses) },
                       seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, console: console)
    }
}

/// `kiso bench init`: the book's weight-initialisation comparison on data — a 5-layer ReLU
/// net, SGD lr 0.01, batch 128, 2000 iterations, std 0.01 vs Xavier vs He, same batches —
/// printing the loss every 100 iterations.
public struct InitBenchmark: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "The book's weight-init comparison (ch. 6): loss every 100 iterations for std 0.01, Xavier, He."
    )
    @OptionGroup var options: LossComparisonOptions

    public init() {}

    public func execute(_ console: Console) throws {
        let train = try options.loadTrain(console)
        let bar = ProgressBar(console: console, label: "weight init", total: options.iterations)
        let start = DispatchTime.now().uptimeNanoseconds
        let curves = WeightInitExperiments.compareOnData(xTrain: train.images, tTrain: train.labels, miniBatchSize: options.batchSize,
                                                         iterations: options.iterations, recordsLossWithExtraForward: options.extraForward,
                                                         seed: options.seed, onIteration: { bar.update($0) })
        bar.finish()
        options.report(curves.map { ($0.weightInit.description, $0.losses) },
                       seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, console: console)
    }
}
