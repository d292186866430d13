import ArgumentParser
import Dispatch
import Foundation
import Kiso
import KisoData
import KisoNN

/// `kiso bench two-layer`: the book's chapter 5 training loop — TwoLayerNet 784-50-10 (ReLU,
/// std 0.01), SGD lr 0.1, batch 100 drawn with replacement, 10 000 iterations — timing the
/// training alone, then the accuracy on the whole test set.
public struct TwoLayerBenchmark: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "two-layer",
        abstract: "Train the book's TwoLayerNet (ch. 5) and report training seconds and test accuracy."
    )

    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Training iterations.")
    var iterations = 10_000
    @Option(help: "Mini-batch size.")
    var batchSize = 100
    @Option(help: "SGD learning rate.")
    var learningRate: Float = 0.1
    @Option(help: "Hidden layer size.")
    var hidden = 50
    @Option(help: "Seed of the weights and the batches.")
    var seed: UInt64 = 1
    @Flag(help: "Record the loss with an extra forward pass after each update, like the book's Trainer.")
    var extraForward = false

    public init() {}

    public func execute(_ console: Console) throws {
        output.configure(console)
        let name = dataset.dataset ?? .fashionMNIST
        // Images stay bytes (47 MB, not 188 MB); each mini-batch is converted to float32 when drawn.
        let train = try dataset.loadBytes(name, split: .train, flatten: true, console: console)
        let test = try dataset.loadBytes(name, split: .test, flatten: true, console: console)
        let net = try ModelKind.twoLayer.makeNetwork(ModelOptions(hidden: [hidden]), seed: seed)
        let config = TrainerConfiguration(miniBatchSize: batchSize, optimizer: OptimizerSettings(kind: .sgd, learningRate: learningRate),
                                          evaluationSampleCount: 0, recordsLossWithExtraForward: extraForward,
                                          iterations: iterations, seed: seed)
        let trainer = try Trainer(network: net, xTrain: train.images, tTrain: train.labels,
                                  xTest: test.images, tTest: test.labels, configuration: config)
        console.info("\(name): TwoLayerNet 784-\(hidden)-10, SGD lr \(learningRate), batch \(batchSize), \(iterations) iterations, \(Kernels.maxThreads) threads, loss \(extraForward ? "from an extra forward pass (book)" : "from the backprop pass")")
        let start = DispatchTime.now().uptimeNanoseconds, cpuStart = Self.cpuSeconds()
        while trainer.iteration < trainer.maxIterations { try trainer.step() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let cpuSeconds = Self.cpuSeconds() - cpuStart
        let testAccuracy = net.accuracy(test.images, test.labels)
        let trainAccuracy = net.accuracy(train.images, train.labels)
        let finalLoss = trainer.history.trainLossList.suffix(100).reduce(0, +) / Float(min(100, trainer.history.trainLossList.count))
        if output.json {
            var s = JSONSummary()
            s["dataset"] = name.rawValue
            s["iterations"] = iterations
            s["train_seconds"] = seconds
            s["train_cpu_seconds"] = cpuSeconds
            s["ms_per_iteration"] = seconds * 1000 / Double(iterations)
            s["test_accuracy"] = testAccuracy
            s["train_accuracy"] = trainAccuracy
            s["final_loss"] = finalLoss
            s["threads"] = Kernels.maxThreads
            s["extra_forward"] = extraForward
            console.line(s.render())
        } else {
            console.line(String(format: "training: %.3f s (%.3f ms/iteration), %.3f s of CPU time", seconds,
                                seconds * 1000 / Double(iterations), cpuSeconds))
            console.line(String(format: "test accuracy: %.4f   train accuracy: %.4f   mean loss of the last 100 iterations: %.4f",
                                testAccuracy, trainAccuracy, finalLoss))
        }
    }

    /// CPU time used by the process so far (all threads), in seconds: on a shared machine
    /// it shows the work done apart from the time spent waiting for a core.
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
