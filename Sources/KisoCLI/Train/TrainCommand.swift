import ArgumentParser
import Foundation
import Kiso
import KisoAutograd
import KisoData
import KisoNN

/// `kiso train`: trains one of the book's networks on MNIST or Fashion-MNIST.
public struct TrainCommand: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one of the book's networks on MNIST or Fashion-MNIST (default: SimpleConvNet, as in chapter 7).",
        discussion: """
            Shows a progress bar per epoch (plain lines when the output is not a terminal), the train and test \
            accuracy after each epoch, and a final summary. Ctrl-C saves the training state and tells how to resume; \
            a diverging run (NaN or infinite loss) stops with a hint to lower the learning rate.

            Defaults follow the book: simple-convnet and deep-convnet use Adam (lr 0.001), the fully connected \
            networks SGD (two-layer and three-layer lr 0.1, multi-layer lr 0.01); batch 100; 20 epochs \
            (17 for two-layer, chapter 5's 10 000 iterations). Without --dataset, MNIST is used when its training \
            set is on this machine, else Fashion-MNIST when that is, else MNIST is downloaded.
            """
    )

    @Option(help: "The network: \(ModelKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: ModelKind?

    @OptionGroup var datasetOptions: DatasetOptions

    @Option(help: "Number of epochs (passes over the training set).")
    var epochs: Int?

    @Option(help: "Samples per mini-batch.")
    var batchSize: Int?

    @Option(help: ArgumentHelp(SamplingOption.help))
    var sampling: SamplingOption?

    @Option(help: "The update rule: \(OptimizerName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var optimizer: OptimizerName?

    @Option(help: "Learning rate.")
    var lr: Float?

    @Option(help: ArgumentHelp("L2 weight decay λ (multi-layer networks).", valueName: "λ"))
    var weightDecay: Float?

    @Flag(help: "Batch normalization after each hidden affine layer (multi-layer-extend).")
    var batchnorm = false

    @Option(help: ArgumentHelp("Dropout ratio after each hidden layer (multi-layer-extend).", valueName: "ratio"))
    var dropout: Float?

    @Option(help: ArgumentHelp("Hidden layer sizes, e.g. 100,100,100 (fully connected networks).", valueName: "sizes"))
    var hidden: String?

    @Option(help: "Seed of the initial weights, batch order and dropout masks.")
    var seed: UInt64?

    @Option(help: ArgumentHelp("Save the trained weights (.safetensors, .npz or .pkl).", valueName: "file"))
    var save: String?

    @Option(help: ArgumentHelp("Continue the run saved in this checkpoint (written on Ctrl-C).", valueName: "file"))
    var resume: String?

    @Option(help: ArgumentHelp("Write the loss and accuracy curves as an SVG chart.", valueName: "file.svg"))
    var plot: String?

    @Option(help: ArgumentHelp("Use only the first N training images.", valueName: "n"))
    var trainLimit: Int?

    @Option(help: ArgumentHelp("Use only the first N test images.", valueName: "n"))
    var testLimit: Int?

    @Option(help: ArgumentHelp("Measure each epoch's accuracies on the first N images (default: all; 1000 for the convnets, as the book).", valueName: "n"))
    var evalSamples: Int?

    @Flag(help: "Compute the gradients by automatic differentiation (KisoAutograd) instead of the hand-written layers (fully connected networks).")
    var autograd = false
    @Option(help: ArgumentHelp("Also write the resumable checkpoint every K epochs (where Ctrl-C writes it).", valueName: "K"))
    var checkpointEvery: Int?

    @Flag(help: "Train data-parallel as one rank of `mpirun -np N kiso train --distributed …` (needs a build with --traits MPI).")
    var distributed = false

    /// Simulates Ctrl-C after this many iterations (for tests of interrupt and resume).
    @Option(help: .hidden)
    var stopAfter: Int?

    /// Data-parallel tests: every rank writes its final weights to DIR/rank-R.safetensors.
    @Option(help: .hidden)
    var rankWeights: String?

    /// Data-parallel tests: the last rank kills itself (SIGKILL) after this many iterations.
    @Option(help: .hidden)
    var killLastRankAfter: Int?

    @OptionGroup var output: OutputOptions

    public init() {}

    public func validate() throws {
        for (name, value) in [("--epochs", epochs), ("--batch-size", batchSize), ("--train-limit", trainLimit),
                              ("--test-limit", testLimit), ("--eval-samples", evalSamples), ("--stop-after", stopAfter),
                              ("--checkpoint-every", checkpointEvery),
                              ("--kill-last-rank-after", killLastRankAfter)] {
            if let value, value <= 0 { throw ValidationError("\(name) must be positive, got \(value)") }
        }
        if let lr, !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be a positive number, got \(lr)") }
        if let weightDecay, !(weightDecay >= 0 && weightDecay.isFinite) {
            throw ValidationError("--weight-decay must be 0 or more, got \(weightDecay)")
        }
        if let dropout, !(dropout >= 0 && dropout < 1) { throw ValidationError("--dropout must be in [0, 1), got \(dropout)") }
        if let hidden { _ = try parseSizes(hidden, option: "--hidden") }
        if let plot {
            guard plot.lowercased().hasSuffix(".svg") else { throw ValidationError("--plot writes SVG; give a file ending in .svg, got \(plot)") }
            try checkWritable(plot, option: "--plot")
        }
        // Refused now rather than after the whole run: a file name that cannot be written.
        if let save {
            do { try ModelCheckpoint.checkDestination(URL(fileURLWithPath: save)) } catch let error as ModelError {
                throw ValidationError("--save: \(error.description)")
            }
        }
    }

    public func execute(_ console: Console) throws {
        output.configure(console)
        guard distributed else {
            try TrainingSession(command: self, setup: try setup(console: console), console: console).run()
            return
        }
        let rank = try DistributedRank.join(console: console)
        let setup = try setup(console: rank.console)
        try rank.check(batchSize: setup.trainer.miniBatchSize)
        try rank.run(TrainingSession(command: self, setup: setup, console: rank.console, job: rank.job))
    }

    /// The run to do: the one saved in `--resume`, or a new one from the options.
    private func setup(console: Console) throws -> TrainingSetup {
        try resume.map { try resumedSetup(URL(fileURLWithPath: $0), console: console) } ?? freshSetup(console: console)
    }

    /// The book's settings for `model` when the command line does not give them.
    static func defaults(for model: ModelKind) -> (epochs: Int, optimizer: OptimizerKind, lr: Float, evalSamples: Int?) {
        switch model {
        case .threeLayer: return (20, .sgd, 0.1, nil)
        case .twoLayer: return (17, .sgd, 0.1, nil)
        case .multiLayer, .multiLayerExtend: return (20, .sgd, 0.01, nil)
        case .simpleConvNet, .deepConvNet: return (20, .adam, 0.001, 1000)
        }
    }

    /// A new run from the command-line options.
    func freshSetup(console: Console) throws -> TrainingSetup {
        let model = self.model ?? .simpleConvNet
        let defaults = Self.defaults(for: model)
        let kind = optimizer.map { OptimizerKind(rawValue: $0.rawValue)! } ?? defaults.optimizer
        let seed = self.seed ?? 42
        let options = ModelOptions(hidden: try hidden.map { try parseSizes($0, option: "--hidden") },
                                   weightDecay: weightDecay ?? 0, batchnorm: batchnorm, dropout: dropout)
        var network: any Network
        do { network = try model.makeNetwork(options, seed: seed) } catch let error as ModelError {
            throw KisoError("--model \(model.rawValue): \(error.description)")
        }
        if autograd { network = try autogradNetwork(wrapping: network) }
        let dataset = try datasetOptions.resolved(for: .train, console: console)
        let trainer = TrainerConfiguration(
            epochs: epochs ?? defaults.epochs, miniBatchSize: batchSize ?? 100,
            optimizer: OptimizerSettings(kind: kind, learningRate: lr ?? (optimizer == nil ? defaults.lr : kind.defaultLearningRate)),
            sampling: (sampling ?? .replacement).trainerSampling, evaluationSampleCount: evalSamples ?? defaults.evalSamples,
            seed: seed)
        return TrainingSetup(model: model, network: network, trainer: trainer,
                             data: TrainingData(dataset: dataset, trainLimit: trainLimit, testLimit: testLimit), resumeState: nil)
    }

    /// The run saved in `url`, with its network, settings and progress.
    func resumedSetup(_ url: URL, console: Console) throws -> TrainingSetup {
        let saved: SavedModel
        do { saved = try ModelCheckpoint.load(from: url, kind: model) } catch let error as ModelError {
            throw KisoError(error.description)
        }
        guard let run = saved.training else {
            throw KisoError("\(url.path) holds weights only, not a training state to resume (it was not written by an interrupted kiso train)")
        }
        let ignored = [("--epochs", epochs != nil), ("--batch-size", batchSize != nil), ("--sampling", sampling != nil),
                       ("--optimizer", optimizer != nil),
                       ("--lr", lr != nil), ("--seed", seed != nil), ("--hidden", hidden != nil),
                       ("--train-limit", trainLimit != nil), ("--test-limit", testLimit != nil),
                       ("--dataset", datasetOptions.dataset != nil)].filter(\.1).map(\.0)
        if !ignored.isEmpty {
            console.info("Resuming with the settings saved in \(url.lastPathComponent); ignoring \(ignored.joined(separator: ", ")).")
        }
        let network = autograd ? try autogradNetwork(wrapping: saved.network) : saved.network
        return TrainingSetup(model: saved.kind, network: network, trainer: run.configuration, data: run.data,
                             resumeState: run.state)
    }

    /// Fails unless a file can be created at `path` (its folder exists and is writable).
    private func checkWritable(_ path: String, option: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue,
              FileManager.default.isWritableFile(atPath: folder) else {
            throw ValidationError("\(option): cannot write \(path): the folder \(folder) does not exist or is not writable")
        }
    }
}

/// Everything a training session starts from: a fresh network or a saved run.
struct TrainingSetup {
    var model: ModelKind
    var network: any Network
    var trainer: TrainerConfiguration
    var data: TrainingData
    var resumeState: TrainerState?
}
