import ArgumentParser
import Foundation
import Kiso
import KisoData
import KisoNN

/// `kiso bench convnet`: trains the book's SimpleConvNet or DeepConvNet on Fashion-MNIST
/// (batch 100 drawn with replacement like the book's Trainer — or, with `--sampling shuffled`,
/// consecutive slices of a new permutation each epoch — Adam lr 0.001, 600 iterations per
/// epoch, no extra loss pass) and prints seconds per epoch, peak memory, the time to
/// classify the 10 000 test images, and the test accuracy in float32 and float16 storage.
/// The training and test images stay bytes (`MNIST.loadBytes`) and each batch is converted
/// to float32 when drawn, for training and for measuring the accuracy alike.
/// `Benchmarks/convnet_vs_pytorch.py` runs it next to the same network in PyTorch.
public struct ConvNetBenchmark: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "convnet",
        abstract: "Train SimpleConvNet or DeepConvNet on Fashion-MNIST; print s/epoch, peak RSS, inference time, accuracy."
    )

    @Option(help: "simple-convnet or deep-convnet.")
    var model: ModelKind = .simpleConvNet

    @Option(help: "Epochs of 600 iterations (60 000 images / batch 100).")
    var epochs = 1

    @Option(help: "Folder with the Fashion-MNIST IDX files (default: the usual search places).")
    var data: String?

    @Option(help: "Seed of the weights, the dropout masks and the mini-batches.")
    var seed: UInt64 = 42

    @Option(help: "Images per training batch.")
    var batchSize = 100

    @Option(help: "Iterations per epoch (default: training images / batch size, i.e. 600).")
    var iterations: Int?

    @Option(help: "Adam's learning rate.")
    var learningRate: Float = 0.001

    @Option(help: ArgumentHelp(SamplingOption.help))
    var sampling: SamplingOption = .replacement

    @Flag(help: "Also measure the test accuracy after every epoch (not timed).")
    var evaluateEachEpoch = false

    @Flag(help: "Skip the float16-storage accuracy.")
    var noHalf = false

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    public init() {}

    struct Report: Codable {
        let model: String, framework: String, epochs: Int, iterations_per_epoch: Int, batch_size: Int
        let seconds_per_epoch: [Double], loss_last_epoch: Double, test_accuracy_per_epoch: [Double]
        let inference_seconds: Double, test_accuracy: Double, test_accuracy_float16: Double?
        let peak_rss_mb: Double, threads: Int, kernel_path: String, sampling: String
    }

    public func run() throws {
        guard epochs > 0, batchSize > 0 else { throw ValidationError("epochs and batch size must be positive") }
        guard model.takesImages else { throw ValidationError("--model must be simple-convnet or deep-convnet, got \(model.rawValue)") }
        let locator = DatasetLocator(dataDirectory: data.map { URL(fileURLWithPath: $0) })
        let train = try MNIST.loadBytes(.fashionMNIST, split: .train, flatten: false, locator: locator)
        let test = try MNIST.loadBytes(.fashionMNIST, split: .test, flatten: false, locator: locator)
        guard let network = try model.makeNetwork(seed: seed) as? any ReducedPrecisionInference else {
            throw ValidationError("\(model.rawValue) has no reduced-precision inference")
        }
        let optimizer = Adam(learningRate: learningRate)
        var rng = RandomGenerator(seed: seed &+ 1000)
        let n = train.count, iterations = self.iterations ?? Swift.max(1, n / batchSize)
        var epochSeconds: [Double] = [], lastLoss = 0.0, epochAccuracies: [Double] = []
        let clock = ContinuousClock()
        var order: [Int] = [], next = 0   // shuffled sampling: this pass's order and the next unused place in it
        for epoch in 1...epochs {
            var lossSum = 0.0
            let start = clock.now
            for _ in 0..<iterations {
                let batch: [Int]
                switch sampling {
                case .replacement:
                    batch = (0..<batchSize).map { _ in rng.nextInt(below: n) }
                case .shuffled:
                    if next + batchSize > order.count {
                        guard batchSize <= n else { throw ValidationError("a batch of \(batchSize) is larger than the \(n) training images") }
                        (order, next) = (rng.permutation(n), 0)
                    }
                    batch = Array(order[next..<(next + batchSize)])
                    next += batchSize
                }
                lossSum += Double(network.gradient(train.images.batch(batch), train.labels[batch]))
                optimizer.update(network.parameters)
            }
            epochSeconds.append(Self.seconds(clock.now - start))
            lastLoss = lossSum / Double(iterations)
            var line = "epoch \(epoch): \(String(format: "%.2f", epochSeconds.last!)) s, mean loss \(String(format: "%.4f", lastLoss))"
            if evaluateEachEpoch {
                epochAccuracies.append(Double(network.accuracy(test.images, test.labels, batchSize: 100, storage: .float32)))
                line += String(format: ", test accuracy %.4f", epochAccuracies.last!)
            }
            if !json { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }   // unbuffered: progress shows in logs
        }
        let start = clock.now
        let accuracy = network.accuracy(test.images, test.labels, batchSize: 100, storage: .float32)
        let inference = Self.seconds(clock.now - start)
        let half = noHalf ? nil : network.accuracy(test.images, test.labels, batchSize: 100, storage: .float16)
        let report = Report(
            model: model.bookClassName, framework: "kiso", epochs: epochs,
            iterations_per_epoch: iterations, batch_size: batchSize, seconds_per_epoch: epochSeconds,
            loss_last_epoch: lastLoss, test_accuracy_per_epoch: epochAccuracies, inference_seconds: inference, test_accuracy: Double(accuracy),
            test_accuracy_float16: half.map(Double.init), peak_rss_mb: PeakMemory.megabytes() ?? 0,
            threads: Kernels.maxThreads, kernel_path: Kernels.dispatchPath.rawValue, sampling: sampling.rawValue)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print("\(report.model), Fashion-MNIST, batch \(batchSize) (\(sampling == .replacement ? "with replacement" : "shuffled epochs")), Adam \(learningRate), \(iterations) iterations/epoch, \(Kernels.maxThreads) threads, \(report.kernel_path)")
        print("seconds per epoch: \(epochSeconds.map { String(format: "%.2f", $0) }.joined(separator: ", ")) (best \(String(format: "%.2f", epochSeconds.min()!)))")
        print("peak RSS: \(String(format: "%.0f", report.peak_rss_mb)) MB")
        print("10k-image inference: \(String(format: "%.3f", inference)) s")
        print("test accuracy: \(String(format: "%.4f", accuracy)) (float32)" + (half.map { String(format: ", %.4f (float16 storage)", $0) } ?? ""))
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
