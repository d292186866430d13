import ArgumentParser
import Foundation
import Kiso
import KisoData
import KisoNN

/// `kiso gradient-check`: backpropagation against numerical gradients (chapter 5's
/// gradient_check.py, chapter 6's batch-norm check).
public struct GradientCheckCommand: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "gradient-check",
        abstract: "Chapters 5–7: compare backpropagation with numerical gradients, parameter by parameter.",
        discussion: """
            two-layer: TwoLayerNet 784-50-10 on 3 training images, as the book's ch05 gradient_check.py. \
            multi-layer-extend: MultiLayerNetExtend 784-100-100-10 with batch normalization on 1 image (ch06). \
            simple-convnet: a small SimpleConvNet (1×10×10 input, 10 filters 3×3, hidden 10) on one random image, as ch07. \
            Prints the mean absolute difference per parameter. Numerical gradients use h = 1e-2: in float32 the \
            book's h = 1e-4 leaves rounding errors near 1e-3 (the book computes in float64 and gets ~1e-10).
            """
    )

    @Option(help: "two-layer, multi-layer-extend or simple-convnet.")
    var model: ModelKind = .twoLayer

    @OptionGroup var datasetOptions: DatasetOptions

    @Option(help: "How many training images to check on (the book: 3; 1 for batch normalization).")
    var samples: Int?

    @Option(help: "Hidden layer size of two-layer (the book: 50).")
    var hidden = 50

    @Option(help: "Step h of the central differences (float32 needs more than the book's 1e-4).")
    var h: Float = 1e-2

    @Option(help: "Seed of the initial weights.")
    var seed: UInt64 = 42

    @OptionGroup var output: OutputOptions

    public init() {}

    public func validate() throws {
        guard [.twoLayer, .multiLayerExtend, .simpleConvNet].contains(model) else {
            throw ValidationError("--model must be two-layer, multi-layer-extend or simple-convnet for gradient-check, got \(model.rawValue)")
        }
        guard hidden > 0 else { throw ValidationError("--hidden must be positive, got \(hidden)") }
        guard h > 0 && h.isFinite else { throw ValidationError("--h must be a positive number, got \(h)") }
        if let samples, !(1...100).contains(samples) { throw ValidationError("--samples must be between 1 and 100, got \(samples)") }
    }

    /// The network to check and its inputs and labels.
    private func checkedNetwork(count: Int, console: Console) throws -> (Network, Tensor, ClassLabels) {
        if model == .simpleConvNet {
            // The book's ch07 gradient_check.py: random 10×10 images, label 1.
            var rng = RandomGenerator(seed: seed)
            let x = Tensor.rand([count, 1, 10, 10], using: &rng)
            let t = ClassLabels(repeatElement(1, count: count))
            let network: Network
            do {
                network = try SimpleConvNet(inputShape: [1, 10, 10], filterCount: 10, filterSize: 3, hiddenSize: 10,
                                            outputSize: 10, weightInitStd: 0.01, seed: seed)
            } catch { throw KisoError("\(error)") }
            console.info("Checking simple-convnet (1×10×10, 10 filters 3×3, hidden 10) on \(count) random image(s)…")
            return (network, x, t)
        }
        let dataset = try datasetOptions.resolved(for: .train, console: console)
        let train = try datasetOptions.load(dataset, split: .train, flatten: true, limit: count, console: console)
        let network: Network = model == .twoLayer
            ? TwoLayerNet(inputSize: 784, hiddenSize: hidden, outputSize: 10, seed: seed)
            : MultiLayerNetExtend(inputSize: 784, hiddenSizes: [100, 100], outputSize: 10, useBatchnorm: true, seed: seed)
        console.info("Checking \(model.rawValue) on \(count) \(dataset) training image(s)…")
        return (network, train.images, train.labels)
    }

    public func execute(_ console: Console) throws {
        output.configure(console)
        let count = samples ?? (model == .twoLayer ? 3 : 1)
        let (network, x, t) = try checkedNetwork(count: count, console: console)
        let generators = network.randomGenerators
        let numerical = network.numericalGradient(x, t, h: h)
        network.randomGenerators = generators
        network.gradient(x, t)
        var differences: [String: Double] = [:]
        for (name, parameter) in network.parameters {
            guard let numeric = numerical[name] else { continue }
            let diff = abs(parameter.gradient - numeric).mean()
            differences[name] = Double(diff)
            console.line("\(name):\(String(format: "%.3g", Double(diff)))")
        }
        if output.json {
            var summary = JSONSummary()
            summary["model"] = model.rawValue
            summary["mean_abs_difference"] = differences
            console.line(summary.render())
        }
    }
}
