import ArgumentParser
import Foundation
import Kiso
import KisoData
import KisoDistributed
import KisoNN
import KisoPlot

/// One run of `kiso train`: loads the data, trains with progress output, handles Ctrl-C and
/// divergence, and reports, saves and plots the result.
struct TrainingSession {
    let command: TrainCommand
    let setup: TrainingSetup
    let console: Console
    /// The MPI job when training data-parallel (`--distributed`).
    var job: DistributedJob? = nil

    /// Whether this process reports and writes files: always, except on ranks other than 0.
    private var isReporter: Bool { (job?.rank ?? 0) == 0 }

    func run() throws {
        let data = setup.data, dataset = data.dataset
        let flatten = !setup.model.takesImages
        // Images stay bytes (47 MB rather than 188 MB for 60 000); the trainer converts each batch.
        let train = try command.datasetOptions.loadBytes(dataset, split: .train, flatten: flatten, limit: data.trainLimit, console: console)
        let test = try command.datasetOptions.loadBytes(dataset, split: .test, flatten: flatten, limit: data.testLimit, console: console)

        guard setup.trainer.miniBatchSize <= train.count else {
            throw KisoError("the batch of \(setup.trainer.miniBatchSize) images is larger than the training set of \(train.count); give a --batch-size of at most \(train.count)")
        }
        let trainer: Trainer
        do {
            trainer = try Trainer(network: setup.network, xTrain: train.images, tTrain: train.labels,
                                  xTest: test.images, tTest: test.labels, configuration: setup.trainer)
            if let state = setup.resumeState { try trainer.restore(state) }
        } catch {
            throw KisoError("\(error)")
        }
        // Listen to Ctrl-C from here on: the header below tells the user training has begun.
        let interrupt = InterruptFlag()
        trainer.dataParallel = job?.coordinator(for: setup.network, localStopRequest: { interrupt.isRaised })
        interrupt.install(signals: job == nil ? [SIGINT] : [SIGINT, SIGUSR1])
        defer { interrupt.uninstall() }
        let settings = setup.trainer
        let lr = settings.optimizer.learningRate ?? settings.optimizer.kind.defaultLearningRate
        console.info("Training \(setup.model.rawValue) on \(dataset) (\(train.count) training, \(test.count) test images): "
                     + "\(settings.optimizer.kind.rawValue) lr \(lr), batch \(settings.miniBatchSize), "
                     + "\(trainer.totalEpochs) epoch\(trainer.totalEpochs == 1 ? "" : "s") = \(trainer.maxIterations) iterations, seed \(settings.seed)")
        if setup.resumeState != nil {
            console.info("Resuming at iteration \(trainer.iteration) (epoch \(trainer.epoch)).")
        }

        let stopAfter = command.stopAfter
        trainer.shouldStop = { [unowned trainer] in
            if let stopAfter, trainer.iteration >= stopAfter {
                interrupt.raise()
                return true
            }
            // Data-parallel, every rank stops at the same iteration, the one after any rank
            // was interrupted (the ranks learn it with the step's last gradient bucket).
            return job.map(\.stopRequested) ?? interrupt.isRaised
        }
        let display = EpochDisplay(console: console, trainer: trainer)
        let killAfter = job.flatMap { $0.rank == $0.worldSize - 1 ? command.killLastRankAfter : nil }
        trainer.onProgress = { progress in
            display.progress(progress)
            if let killAfter, progress.iteration >= killAfter { kill(getpid(), SIGKILL) }
        }
        trainer.onEpoch = { [unowned trainer] report in
            display.epochEnded(report)
            if let every = command.checkpointEvery, report.epoch % every == 0, isReporter {
                do {
                    try writeCheckpoint(trainer)
                } catch {
                    console.errorLine("Warning: could not write the checkpoint after epoch \(report.epoch): \(error)")
                }
            }
        }
        trainer.onDivergence = { _ in display.abandon() }
        trainer.onInterrupt = { trainer in
            display.abandon()
            try saveInterrupted(trainer)
        }
        let view = try (isReporter ? command.serve : nil).map { try TrainingView(port: $0, title: "\(setup.model.rawValue) on \(dataset)", following: trainer, console: console) }
        defer { view?.finish() }

        let start = Date()
        let result: TrainingResult
        do {
            result = try trainer.train()
        } catch let error as TrainingError {
            display.abandon()
            throw KisoError("\(error)")
        }
        display.abandon()
        let seconds = Date().timeIntervalSince(start)
        if let folder = command.rankWeights, let job {
            try save(trainer.network, to: URL(fileURLWithPath: folder).appendingPathComponent("rank-\(job.rank).safetensors"),
                     dataset: dataset)
        }
        if result.stopped { throw ExitCode(130) }
        try report(result, trainer: trainer, dataset: dataset, testCount: test.count, seconds: seconds)
    }

    /// Where the resumable checkpoint goes (Ctrl-C, `--checkpoint-every`): the `--save` file,
    /// else `<model>-checkpoint.safetensors`.
    private var checkpointPath: String { command.save ?? "\(setup.model.rawValue)-checkpoint.safetensors" }

    /// Writes the full training state to ``checkpointPath``.
    private func writeCheckpoint(_ trainer: Trainer) throws {
        do { try trainer.saveCheckpoint(to: URL(fileURLWithPath: checkpointPath), data: setup.data) } catch let error as ModelError {
            throw KisoError(error.description)
        }
    }

    /// Saves `network`'s weights to `url`.
    private func save(_ network: any Network, to url: URL, dataset: DatasetName) throws {
        do { try network.save(to: url, dataset: dataset) } catch let error as ModelError {
            throw KisoError(error.description)
        }
    }

    /// Saves the full training state after Ctrl-C (rank 0 only) and says how to continue.
    private func saveInterrupted(_ trainer: Trainer) throws {
        guard isReporter else { return }
        let path = checkpointPath
        try writeCheckpoint(trainer)
        var resume = job.map { "mpirun -np \($0.worldSize) kiso train --distributed" } ?? "kiso train"
        resume += " --resume \(path)"
        if let data = command.datasetOptions.data { resume += " --data \(data)" }
        if command.save != nil { resume += " --save \(path)" }
        console.errorLine("Interrupted at iteration \(trainer.iteration) of \(trainer.maxIterations); saved the training state to \(path).")
        console.errorLine("Continue with: \(resume)")
    }

    /// Prints the summary, saves the weights, draws the curves and writes the JSON line.
    private func report(_ result: TrainingResult, trainer: Trainer, dataset: DatasetName, testCount: Int,
                        seconds: Double) throws {
        let history = result.history
        let testAccuracy = result.finalTestAccuracy ?? history.testAccList.last ?? 0
        let trainAccuracy = history.trainAccList.last ?? 0
        let lossPerEpoch = history.meanLossPerEpoch(iterationsPerEpoch: trainer.iterationsPerEpoch)
        let finalLoss = lossPerEpoch.last ?? history.trainLossList.last ?? .nan
        let memory = PeakMemory.megabytes()
        let rate = seconds > 0 ? Double(result.iterations) / seconds : 0
        console.line(String(format: "Test accuracy %.4f on %d images (train accuracy %.4f, loss %.4f).",
                            testAccuracy, testCount, trainAccuracy, finalLoss))
        console.line(String(format: "%d iterations in %.1f s (%.1f it/s), peak memory %.0f MB.",
                            result.iterations, seconds, rate, memory ?? 0))
        if let save = command.save, isReporter {
            try self.save(trainer.network, to: URL(fileURLWithPath: save), dataset: dataset)
            console.line("Saved the weights to \(save).")
        }
        if let plot = command.plot, isReporter {
            let url = URL(fileURLWithPath: plot)
            try writeSVG(Self.curves(history, lossPerEpoch: lossPerEpoch, title: "\(setup.model.rawValue) on \(dataset)"), to: url)
            console.line("Wrote the curves to \(plot).")
        }
        if command.output.json {
            var summary = JSONSummary()
            summary["model"] = setup.model.rawValue
            summary["dataset"] = dataset.rawValue
            summary["test_accuracy"] = testAccuracy
            summary["train_accuracy"] = trainAccuracy
            summary["loss"] = finalLoss
            summary["seconds"] = (seconds * 1000).rounded() / 1000
            summary["peak_memory_mb"] = ((memory ?? 0) * 10).rounded() / 10
            summary["seed"] = Int(trainer.configuration.seed)
            summary["iterations"] = result.iterations
            summary["epochs"] = trainer.epoch
            summary["batch_size"] = trainer.configuration.miniBatchSize
            summary["sampling"] = trainer.configuration.sampling == .withReplacement ? "replacement" : "shuffled"
            summary["optimizer"] = trainer.optimizer.kind.rawValue
            summary["learning_rate"] = trainer.optimizer.learningRate
            summary["train_accuracy_per_epoch"] = history.trainAccList
            summary["test_accuracy_per_epoch"] = history.testAccList
            summary["loss_per_epoch"] = lossPerEpoch
            if let job { summary["ranks"] = job.worldSize }
            console.line(summary.render())
        }
    }

    /// The book's two charts: loss per iteration, and train/test accuracy per epoch.
    static func curves(_ history: TrainingHistory, lossPerEpoch: [Float], title: String) -> Figure {
        var figure = Figure(width: 1000, height: 420, rows: 1, columns: 2)
        figure.title = title
        var loss = Axes(title: "Training loss", xLabel: "iteration", yLabel: "loss")
        loss.line(history.trainLossList, label: "loss", width: 1)
        figure[0, 0] = loss
        var accuracy = Axes(title: "Accuracy", xLabel: "epochs", yLabel: "accuracy")
        let epochs = (1...max(history.trainAccList.count, 1)).map(Double.init).prefix(history.trainAccList.count)
        accuracy.line(x: Array(epochs), y: history.trainAccList, label: "train", marker: .circle)
        accuracy.line(x: Array(epochs), y: history.testAccList, label: "test", style: .dashed, marker: .square)
        accuracy.yLimits = 0...1
        accuracy.legend = .lowerRight
        figure[0, 1] = accuracy
        return figure
    }
}

/// The per-epoch progress bar and the accuracy line printed after each epoch.
final class EpochDisplay {
    private let console: Console
    private let iterationsPerEpoch: Int
    private let totalEpochs: Int
    private var bar: ProgressBar?
    private var epochLosses: [Float] = []

    init(console: Console, trainer: Trainer) {
        self.console = console
        iterationsPerEpoch = trainer.iterationsPerEpoch
        totalEpochs = trainer.totalEpochs
    }

    func progress(_ p: TrainingProgress) {
        let inEpoch = (p.iteration - 1) % iterationsPerEpoch + 1
        if bar == nil || inEpoch == 1 {
            bar?.finish()
            bar = ProgressBar(console: console, label: "epoch \(p.epoch + 1)/\(totalEpochs)", total: iterationsPerEpoch)
            epochLosses.removeAll(keepingCapacity: true)
        }
        epochLosses.append(p.loss)
        let running = epochLosses.reduce(0, +) / Float(epochLosses.count)
        bar?.update(inEpoch, detail: String(format: "loss %.4f", running))
    }

    func epochEnded(_ report: EpochReport) {
        abandon()
        let loss = epochLosses.isEmpty ? Float.nan : epochLosses.reduce(0, +) / Float(epochLosses.count)
        console.info(String(format: "epoch %d/%d: train acc %.4f, test acc %.4f, loss %.4f",
                            report.epoch, report.totalEpochs, report.trainAccuracy, report.testAccuracy, loss))
    }

    /// Ends the current bar, if any.
    func abandon() {
        bar?.finish()
        bar = nil
    }
}
