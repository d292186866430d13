import ArgumentParser
import Foundation
import Kiso
import KisoData
import KisoNN
import KisoPlot

/// Writes `grid` as a PNG in the output folder and says so.
func writeGrid(_ grid: ImageGrid, as name: String, figures: FigureOptions, console: Console) throws {
    let url = try figures.folder().appendingPathComponent(name)
    do { try grid.write(to: url) } catch { throw KisoError("cannot write \(url.path): \(error)") }
    let image = grid.image()
    console.line("wrote \(url.path) (\(image.width)×\(image.height))")
}

/// `kiso experiment filters`: SimpleConvNet's first-layer filters before and after training,
/// and what the learnt filters see in one image (figures 7-24, 7-25).
public struct FiltersExperiment: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "filters",
        abstract: "Chapter 7: SimpleConvNet's 30 first-layer 5×5 filters before and after training, and their responses to one image.",
        discussion: """
            "After" uses --weights (e.g. the book's simple_convnet_params.pkl) or, without it, a SimpleConvNet trained \
            here for --iterations iterations (Adam, lr 0.001, batch 100). Writes filters-before.png, filters-after.png \
            (8 per row, dark = large, as the book's gray_r) and filter-responses.png (the first test image through each learnt filter).
            """
    )

    @OptionGroup var options: ExperimentOptions

    @Option(help: ArgumentHelp("SimpleConvNet weights to show (else train one here).", valueName: "file"))
    var weights: String?

    @Option(help: "Iterations to train when no --weights are given.")
    var iterations = 600

    @Option(help: ArgumentHelp("Use only the first N training images when training.", valueName: "n"))
    var trainLimit: Int?

    @Option(help: "Pixels per filter pixel in the PNGs.")
    var scale = 6

    public init() {}

    public func validate() throws {
        try requirePositive(iterations, "--iterations")
        try requirePositive(trainLimit, "--train-limit")
        guard (1...32).contains(scale) else { throw ValidationError("--scale must be between 1 and 32, got \(scale)") }
    }

    public func execute(_ console: Console) throws {
        options.output.configure(console)
        let fresh = try ModelKind.simpleConvNet.makeNetwork(seed: options.seed)
        let before = try Self.firstFilters(fresh)
        let after: Network
        if let weights {
            let loaded = try WeightsFile(path: weights, model: nil)
            guard loaded.model == .simpleConvNet else {
                throw KisoError("--weights must hold a simple-convnet, \(weights) holds a \(loaded.model.rawValue)")
            }
            after = loaded.network
        } else {
            after = try ModelKind.simpleConvNet.makeNetwork(seed: options.seed)
            let train = try options.trainingSet(limit: trainLimit, flatten: false, console: console)
            let batch = min(100, train.count)
            let configuration = TrainerConfiguration(epochs: 1, miniBatchSize: batch,
                                                     optimizer: OptimizerSettings(kind: .adam, learningRate: 0.001),
                                                     evaluationSampleCount: 100, iterations: iterations, seed: options.seed)
            let trainer: Trainer
            do {
                trainer = try Trainer(network: after, xTrain: train.images, tTrain: train.labels, xTest: train.images[0..<batch],
                                      tTest: train.labels[0..<batch], configuration: configuration)
            } catch { throw KisoError("\(error)") }
            let bar = ProgressBar(console: console, label: "training SimpleConvNet", total: iterations)
            trainer.onProgress = { bar.update($0.iteration, detail: String(format: "loss %.4f", $0.loss)) }
            do { try trainer.train() } catch { throw KisoError("\(error)") }
            bar.finish()
        }
        let learnt = try Self.firstFilters(after)
        for (name, filters) in [("filters-before.png", before), ("filters-after.png", learnt)] {
            var grid = ImageGrid(columns: 8, scale: scale, padding: 2)
            grid.normalization = .minMax
            grid.invert = true
            grid.add(batch: filters.W)
            try writeGrid(grid, as: name, figures: options.figures, console: console)
        }
        // One test image through each learnt filter (the book's apply_filter.py).
        let image = try options.testSet(limit: 1, flatten: false, console: console).images
        let responses = Convolution(W: learnt.W, b: learnt.b).forward(image, training: false)
        var grid = ImageGrid(columns: 8, scale: max(1, scale / 3), padding: 2)
        grid.normalization = .minMax
        grid.add(batch: responses.reshaped([responses.shape[1], responses.shape[2], responses.shape[3]]))
        try writeGrid(grid, as: "filter-responses.png", figures: options.figures, console: console)
        console.line("first-layer filters: \(learnt.W.shape); weight std before \(String(format: "%.4f", before.W.std())), after \(String(format: "%.4f", learnt.W.std()))")
    }

    /// The first convolution's weights [30, 1, 5, 5] and biases [30].
    static func firstFilters(_ network: Network) throws -> (W: Tensor, b: Tensor) {
        guard let w = network.parameter(named: "W1")?.value, w.ndim == 4, let b = network.parameter(named: "b1")?.value else {
            throw KisoError("the network has no convolution filters W1")
        }
        return (w, b)
    }
}

/// `kiso experiment misclassified`: the test images a trained network gets wrong (figure 8-3).
public struct MisclassifiedExperiment: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "misclassified",
        abstract: "Chapter 8: a gallery of the test images a trained network misclassifies, captioned true→predicted (figure 8-3).",
        discussion: "Prints the book's {view index: (label, inference)} list and writes misclassified.png."
    )

    @OptionGroup var options: ExperimentOptions

    @Option(help: ArgumentHelp("Trained weights (.safetensors, .npz or the book's .pkl).", valueName: "file"))
    var weights: String

    @Option(help: "The network, when the file does not say.")
    var model: ModelKind?

    @Option(help: "How many misclassified images to show.")
    var count = 20

    @Option(help: ArgumentHelp("Use only the first N test images.", valueName: "n"))
    var testLimit: Int?

    public init() {}

    public func validate() throws {
        try requirePositive(count, "--count")
        try requirePositive(testLimit, "--test-limit")
    }

    public func execute(_ console: Console) throws {
        options.output.configure(console)
        let loaded = try WeightsFile(path: weights, model: model)
        let dataset = try options.datasetOptions.dataset ?? loaded.dataset
            ?? options.datasetOptions.resolved(for: .test, console: console)
        let test = try options.datasetOptions.load(dataset, split: .test, flatten: !loaded.model.takesImages,
                                                   limit: testLimit, console: console)
        let predicted = loaded.network.predict(test.images, batchSize: 100).argmax(axis: 1)
        let truth = test.labels
        let wrong = (0..<truth.count).filter { predicted[$0] != truth[$0] }
        let accuracy = Double(truth.count - wrong.count) / Double(max(truth.count, 1))
        console.line(String(format: "test accuracy:%.4f (%d of %d misclassified)", accuracy, wrong.count, truth.count))
        let shown = Array(wrong.prefix(count))
        console.line("======= misclassified result =======")
        console.line("{view index: (label, inference), ...}")
        console.line("{" + shown.enumerated().map { "\($0.offset + 1): (\(truth[$0.element]), \(predicted[$0.element]))" }
            .joined(separator: ", ") + "}")
        var grid = ImageGrid(columns: 5, scale: 3, padding: 4, captionScale: 1)
        grid.invert = true
        let images = test.images.reshaped([test.count, 28, 28])
        for index in shown {
            grid.add(images[[index]].reshaped([28, 28]), caption: "\(truth[index])>\(predicted[index])",
                     captionColor: Color(hex: 0xCC0000))
        }
        guard grid.count > 0 else {
            console.line("no misclassified images: nothing to draw")
            return
        }
        try writeGrid(grid, as: "misclassified.png", figures: options.figures, console: console)
        if options.output.json {
            var summary = JSONSummary()
            summary["accuracy"] = accuracy
            summary["misclassified"] = shown.map { ["index": $0, "label": truth[$0], "inference": predicted[$0]] }
            console.line(summary.render())
        }
    }
}

/// `kiso experiment half-float`: accuracy with weights and activations stored as float16.
public struct HalfFloatExperiment: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "half-float",
        abstract: "Chapter 8: test accuracy of a convolutional network in float32 and with float16 storage (the book: unchanged).",
        discussion: "As half_float_network.py: the same weights evaluated at full and at half precision."
    )

    @OptionGroup var options: ExperimentOptions

    @Option(help: ArgumentHelp("SimpleConvNet or DeepConvNet weights.", valueName: "file"))
    var weights: String

    @Option(help: ArgumentHelp("Use only the first N test images.", valueName: "n"))
    var testLimit: Int?

    public init() {}

    public func validate() throws { try requirePositive(testLimit, "--test-limit") }

    public func execute(_ console: Console) throws {
        options.output.configure(console)
        let loaded = try WeightsFile(path: weights, model: nil)
        guard loaded.network is ReducedPrecisionInference else {
            throw KisoError("half-float needs simple-convnet or deep-convnet weights; \(weights) holds \(loaded.model.rawValue)")
        }
        let dataset = try options.datasetOptions.dataset ?? loaded.dataset
            ?? options.datasetOptions.resolved(for: .test, console: console)
        let test = try options.datasetOptions.load(dataset, split: .test, flatten: false, limit: testLimit, console: console)
        var summary = JSONSummary()
        for float16 in [false, true] {
            console.line("calculate accuracy (\(float16 ? "float16" : "float32")) ... ")
            let scores = try EvaluateCommand.scores(loaded.network, test.images, batchSize: 100, float16: float16)
            let predicted = scores.argmax(axis: 1)
            let correct = zip(predicted, test.labels).filter { $0 == $1 }.count
            let accuracy = Double(correct) / Double(max(test.count, 1))
            console.line("test accuracy:\(accuracy)")
            summary[float16 ? "float16_accuracy" : "float32_accuracy"] = accuracy
        }
        if options.output.json { console.line(summary.render()) }
    }
}
