import ArgumentParser
import Foundation
import KisoAutograd
import KisoNN

/// `kiso autograd spiral`: a two-layer MLP classifies the three-arm spiral.
public struct SpiralCommand: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "spiral",
        abstract: "Step 48: a 2-10-3 sigmoid MLP learns the spiral data set (SGD lr 1, batch 30, 300 epochs).",
        discussion: "Prints `epoch N, loss L` as DeZero does and writes spiral.svg (the decision regions); --json gives the training accuracy."
    )

    @Option(help: "Number of epochs.")
    var epochs = 300

    @Option(help: "Learning rate.")
    var lr: Float = 1

    @Option(help: "Hidden units.")
    var hidden = 10

    @Option(help: "Seed of the initial weights and the batch order.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Save the trained model (.safetensors, .npz or .pkl).", valueName: "file"))
    var save: String?

    @OptionGroup var figures: FigureOptions
    @OptionGroup var output: OutputOptions

    public init() {}

    public func validate() throws {
        try requirePositive(epochs, "--epochs")
        try requirePositive(hidden, "--hidden")
        try requirePositiveRate(lr, "--lr")
        // Refused now rather than after the training: a destination that cannot be written.
        if let save {
            do { try ModelCheckpoint.checkDestination(URL(fileURLWithPath: save)) } catch let error as ModelError {
                throw ValidationError("--save: \(error.description)")
            }
        }
    }

    public func execute(_ console: Console) throws {
        output.configure(console)
        var setup = SpiralTraining()
        setup.epochs = epochs
        setup.learningRate = lr
        setup.hiddenSize = hidden
        setup.seed = seed
        let result = setup.run { epoch, loss in console.line("epoch \(epoch), loss \(String(format: "%.2f", loss))") }
        console.line("accuracy \(String(format: "%.4f", result.accuracy)) (training set)")
        try figures.write(ExperimentFigures.spiral(result), as: "spiral.svg", console: console)
        if let save {
            let url = URL(fileURLWithPath: save)
            do { try result.model.save(to: url) } catch { throw KisoError("cannot save \(save): \(error)") }
            console.line("saved \(url.path)")
        }
        if output.json {
            var summary = JSONSummary()
            summary["accuracy"] = result.accuracy
            summary["loss"] = result.losses.last
            summary["epochs"] = epochs
            console.line(summary.render())
        }
    }
}
