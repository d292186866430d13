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
            Prints the mean absolute difference per parameter. Numerical gradients use h = 1e-2: in float32 the \
            book's h = 1e-4 leaves rounding errors near 1e-3 (the book computes in float64 and gets ~1e-10).
            """
    )

    @Option(help: "two-layer or multi-layer-extend.")
    var model: ModelName = .twoLayer

    @OptionGroup var datasetOptions: DatasetOptions

    @Option(help: "How many training images to check on (the book: 3; 1 for batch normalization).")
    var samples: Int?

    @Option(help: "Seed of the initial weights.")
    var seed: UInt64 = 42

    @OptionGroup var output: OutputOptions

    public init() {}

    public func validate() throws {
        guard model == .twoLayer || model == .multiLayerExtend else {
            throw ValidationError("--model must be two-layer or multi-layer-extend for gradient-check, got \(model.rawValue)")
        }
        if let samples, !(1...100).contains(samples) { throw ValidationError("--samples must be between 1 and 100, got \(samples)") }
    }

    public func execute(_ console: Console) throws {
        output.configure(console)
        let count = samples ?? (model == .twoLayer ? 3 : 1)
        let dataset = datasetOptions.resolved(for: .train, console: console)
        let train = try datasetOptions.load(dataset, split: .train, flatten: true, limit: count, console: console)
        let network: Network = model == .twoLayer
            ? TwoLayerNet(inputSize: 784, hiddenSize: 50, outputSize: 10, seed: seed)
            : MultiLayerNetExtend(inputSize: 784, hiddenSizes: [100, 100], outputSize: 10, useBatchnorm: true, seed: seed)
        console.info("Checking \(model.rawValue) on \(count) \(dataset) training image(s)…")
        let generators = network.randomGenerators
        let numerical = network.numericalGradient(train.images, train.labels)
        network.randomGenerators = generators
        network.gradient(train.images, train.labels)
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
