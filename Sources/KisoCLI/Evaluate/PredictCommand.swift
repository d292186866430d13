import ArgumentParser
import Foundation
import Kiso
import KisoData
import KisoNN

/// `kiso predict`: classifies the user's own images with trained weights.
public struct PredictCommand: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Classify your own images (PNG, any size) with trained weights, printing the most likely classes.",
        discussion: """
            Each image is made to look like an MNIST digit: gray, light ink on black (inverted when the \
            background is light), cropped to the ink, scaled to fit 20×20 and centred in 28×28 by its centre of \
            mass. --plain only converts to gray and resizes to 28×28.
            """
    )

    @Option(help: ArgumentHelp("The weights file (.safetensors, .npz or the book's .pkl).", valueName: "file"))
    var weights: String

    @Option(help: "The network, when the file does not say: \(ModelKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: ModelKind?

    @Option(help: "Class names to print: mnist (digits) or fashion-mnist; default: what the weights were trained on.")
    var dataset: DatasetName?

    @Option(help: "How many of the most likely classes to print.")
    var top = 3

    @Flag(help: "Only convert to gray and resize to 28×28 (no inversion, cropping or centring).")
    var plain = false

    @Argument(help: ArgumentHelp("PNG images to classify.", valueName: "image.png"))
    var images: [String]

    @OptionGroup var output: OutputOptions

    public init() {}

    public func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one PNG image to classify") }
        guard (1...10).contains(top) else { throw ValidationError("--top must be between 1 and 10, got \(top)") }
    }

    public func execute(_ console: Console) throws {
        output.configure(console)
        let loaded = try WeightsFile(path: weights, model: model)
        let classNames = (dataset ?? loaded.dataset ?? .mnist).classNames
        var results: [[String: Any]] = []
        for path in images {
            let picture: Image
            do { picture = try PNG.read(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw KisoError("cannot read \(path): \(error)")
            }
            let digit = plain ? picture.grayscale().resized(width: 28, height: 28) : picture.mnistDigit()
            let pixels = digit.tensor()
            let x = loaded.model.takesImages ? pixels.reshaped([1, 1, 28, 28]) : pixels.reshaped([1, 784])
            let probabilities = loaded.network.probabilities(x).scalars
            let ranked = probabilities.enumerated().sorted { $0.element > $1.element }.prefix(top)
            let text = ranked.map { String(format: "%@ %.1f%%", classNames[$0.offset], Double($0.element) * 100) }
            console.line("\(path): " + text.joined(separator: ", "))
            results.append(["file": path, "predictions": ranked.map {
                ["class": $0.offset, "label": classNames[$0.offset], "probability": Double($0.element)] as [String: Any]
            }])
        }
        if output.json {
            var summary = JSONSummary()
            summary["model"] = loaded.model.rawValue
            summary["images"] = results
            console.line(summary.render())
        }
    }
}
