import ArgumentParser
import Foundation
import Kiso
import KisoData
import KisoNN

/// `kiso evaluate`: test-set accuracy, per-class accuracy and the confusion matrix of a
/// weights file.
public struct EvaluateCommand: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Accuracy of trained weights on a test set, per class, with the confusion matrix.",
        discussion: """
            Reads kiso's own files (.safetensors, .npz, which name their network) and the book's pickles \
            (sample_weight.pkl → three-layer, simple_convnet_params.pkl → simple-convnet, recognised from their \
            tensors). Chapter 3's sample_weight.pkl gives 0.9352 on the MNIST test set.
            """
    )

    @Option(help: ArgumentHelp("The weights file (.safetensors, .npz or the book's .pkl).", valueName: "file"))
    var weights: String

    @Option(help: "The network, when the file does not say: \(ModelKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: ModelKind?

    @OptionGroup var datasetOptions: DatasetOptions

    @Flag(help: "Half-precision inference: weights and inputs rounded to float16.")
    var float16 = false

    @Option(help: ArgumentHelp("Use only the first N test images.", valueName: "n"))
    var testLimit: Int?

    @Option(help: "Images per forward pass.")
    var batchSize = 100

    @OptionGroup var output: OutputOptions

    public init() {}

    public func validate() throws {
        if let testLimit, testLimit <= 0 { throw ValidationError("--test-limit must be positive, got \(testLimit)") }
        if batchSize <= 0 { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
    }

    public func execute(_ console: Console) throws {
        output.configure(console)
        let loaded = try WeightsFile(path: weights, model: model)
        let dataset = try datasetOptions.dataset ?? loaded.dataset
            ?? datasetOptions.resolved(for: .test, console: console)
        let test = try datasetOptions.load(dataset, split: .test, flatten: !loaded.model.takesImages, limit: testLimit,
                                           console: console)
        let start = Date()
        let scores = try Self.scores(loaded.network, test.images, batchSize: batchSize, float16: float16)
        let seconds = Date().timeIntervalSince(start)
        let predicted = scores.argmax(axis: 1)
        let truth = test.labels
        let report = ConfusionReport(truth: truth, predicted: predicted, classNames: test.classNames)

        let precision = float16 ? "float16" : "float32"
        console.line("\(loaded.model.rawValue) from \(URL(fileURLWithPath: weights).lastPathComponent) on \(dataset) test set, \(precision):")
        console.line(String(format: "accuracy %.4f (%d of %d correct) in %.2f s", report.accuracy, report.correct,
                            truth.count, seconds))
        console.line("")
        for line in report.tableLines() { console.line(line) }
        if output.json {
            var summary = JSONSummary()
            summary["model"] = loaded.model.rawValue
            summary["dataset"] = dataset.rawValue
            summary["accuracy"] = report.accuracy
            summary["per_class"] = report.perClass
            summary["confusion"] = report.confusion
            summary["seconds"] = seconds
            summary["float16"] = float16
            summary["images"] = truth.count
            console.line(summary.render())
        }
    }
}

extension EvaluateCommand {
    /// Class scores of `x`, `batchSize` images at a time; with `float16`, weights and activations
    /// stored as half precision (the convolutional networks; chapter 8's experiment).
    static func scores(_ network: Network, _ x: Tensor, batchSize: Int, float16: Bool) throws -> Tensor {
        guard float16 else { return network.predict(x, batchSize: batchSize) }
        guard let reduced = network as? ReducedPrecisionInference else {
            throw KisoError("--float16 inference is available for simple-convnet and deep-convnet")
        }
        let n = x.shape[0]
        let parts = stride(from: 0, to: n, by: batchSize).map { start in
            reduced.predict(x[start..<min(start + batchSize, n)], storage: .float16)
        }
        return Tensor.concatenate(parts, axis: 0)
    }
}

/// Accuracy, per-class accuracy and the confusion matrix of a classification.
struct ConfusionReport {
    let classNames: [String]
    /// `confusion[true][predicted]` counts.
    let confusion: [[Int]]
    let correct: Int
    let accuracy: Double
    /// Correct fraction of each true class (0 for a class without examples).
    let perClass: [Double]

    init(truth: ClassLabels, predicted: [Int], classNames: [String]) {
        self.classNames = classNames
        var matrix = Array(repeating: Array(repeating: 0, count: classNames.count), count: classNames.count)
        for (t, p) in zip(truth, predicted) { matrix[t][p] += 1 }
        confusion = matrix
        correct = (0..<classNames.count).map { matrix[$0][$0] }.reduce(0, +)
        accuracy = truth.isEmpty ? 0 : Double(correct) / Double(truth.count)
        perClass = (0..<classNames.count).map { c in
            let total = matrix[c].reduce(0, +)
            return total == 0 ? 0 : Double(matrix[c][c]) / Double(total)
        }
    }

    /// The per-class accuracies and the confusion matrix (rows: true class, columns: predicted).
    func tableLines() -> [String] {
        let nameWidth = max(5, classNames.map(\.count).max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
        var lines = ["per-class accuracy and confusion matrix (rows: true class, columns: predicted class)"]
        lines.append(pad("class", nameWidth) + "  acc    " + (0..<classNames.count).map { pad(String($0), 5) }.joined())
        for (c, name) in classNames.enumerated() {
            lines.append(pad(name, nameWidth) + String(format: "  %.3f  ", perClass[c])
                         + confusion[c].map { pad(String($0), 5) }.joined())
        }
        return lines
    }
}
