import Foundation
import KisoData
import Testing

@Suite struct TrainCommandTests {
    /// A few iterations of a small network on synthetic data.
    static func trainArguments(_ data: SyntheticData, _ extra: [String]) -> [String] {
        ["train", "--data", data.root.path, "--dataset", "mnist", "--train-limit", "100", "--test-limit", "50",
         "--batch-size", "20", "--quiet"] + extra
    }

    @Test func jsonSummaryHasTheResultsAndPerEpochLists() throws {
        let data = SyntheticData(trainCount: 100, testCount: 50)
        let run = runKiso(Self.trainArguments(data, ["--model", "two-layer", "--epochs", "2", "--json"]))
        #expect(run.status == 0, "\(run.standardError)")
        let summary = try run.jsonSummary()
        for key in ["test_accuracy", "train_accuracy", "loss", "seconds", "peak_memory_mb", "seed",
                    "train_accuracy_per_epoch", "test_accuracy_per_epoch", "loss_per_epoch"] {
            #expect(summary[key] != nil, "missing \(key)")
        }
        #expect((summary["test_accuracy_per_epoch"] as? [Double])?.count == 2)
        #expect(summary["iterations"] as? Int == 10)  // 2 epochs × 100 / 20
        #expect(summary["seed"] as? Int == 42)
    }

    @Test func samplingChoosesHowBatchesAreDrawn() throws {
        let data = SyntheticData(trainCount: 100, testCount: 50)
        var finalLosses: [String: Double] = [:]
        for sampling in ["replacement", "shuffled"] {
            let run = runKiso(Self.trainArguments(data, ["--model", "two-layer", "--epochs", "2", "--sampling", sampling, "--json"]))
            #expect(run.status == 0, "\(run.standardError)")
            let summary = try run.jsonSummary()
            #expect(summary["sampling"] as? String == sampling)
            #expect(summary["iterations"] as? Int == 10)
            finalLosses[sampling] = summary["loss"] as? Double
        }
        // Same seed, other batches: the runs differ.
        #expect(finalLosses["replacement"] != nil && finalLosses["replacement"] != finalLosses["shuffled"])
    }

    @Test func plotHasALossCurveAndTwoAccuracyCurves() throws {
        let data = SyntheticData(trainCount: 100, testCount: 50)
        let plot = temporaryFolder().appendingPathComponent("curves.svg")
        let run = runKiso(Self.trainArguments(data, ["--model", "two-layer", "--epochs", "3", "--plot", plot.path]))
        #expect(run.status == 0, "\(run.standardError)")
        let svg = try ParsedSVG(String(contentsOf: plot, encoding: .utf8))
        #expect(svg.elements("g", class: "axes").count == 2)
        #expect(svg.elements(class: "series line").count == 3)
    }

    @Test func resumingAfterAnInterruptGivesTheWeightsOfAnUninterruptedRun() throws {
        let data = SyntheticData(trainCount: 100, testCount: 50)
        let folder = temporaryFolder()
        let whole = folder.appendingPathComponent("whole.safetensors")
        let parts = folder.appendingPathComponent("parts.safetensors")
        // Dropout, batch norm and Adam: every kind of state a resume must restore.
        let model = ["--model", "multi-layer-extend", "--hidden", "16,16", "--dropout", "0.2", "--batchnorm",
                     "--optimizer", "adam", "--epochs", "3", "--seed", "7"]
        #expect(runKiso(Self.trainArguments(data, model + ["--save", whole.path])).status == 0)

        let interrupted = runKiso(Self.trainArguments(data, model + ["--save", parts.path, "--stop-after", "7"]))
        #expect(interrupted.status == 130)
        #expect(interrupted.standardError.contains("Interrupted at iteration 7 of 15"))
        #expect(interrupted.standardError.contains("kiso train --resume \(parts.path)"))

        let resumed = runKiso(["train", "--resume", parts.path, "--data", data.root.path, "--save", parts.path, "--quiet"])
        #expect(resumed.status == 0, "\(resumed.standardError)")

        let a = try Checkpoint.load(from: whole), b = try Checkpoint.load(from: parts)
        #expect(a.tensors.names.sorted() == b.tensors.names.sorted())
        for (name, tensor) in a.tensors {
            #expect(b.tensors[name]?.scalars == tensor.scalars, "\(name) differs")
        }
    }

    @Test func absurdLearningRateStopsWithAHint() {
        let data = SyntheticData(trainCount: 100, testCount: 50)
        let run = runKiso(Self.trainArguments(data, ["--model", "multi-layer", "--hidden", "32", "--epochs", "2",
                                                     "--lr", "1e30"]))
        #expect(run.status == 1)
        #expect(run.standardError.hasPrefix("Error: "))
        #expect(run.standardError.contains("smaller learning rate"))
        #expect(run.standardError.split(separator: "\n").count == 1)
    }

    @Test(arguments: [
        (["--epochs", "0"], "--epochs must be positive"),
        (["--lr=-1"], "--lr must be a positive number"),
        (["--dropout", "1.5"], "--dropout must be in [0, 1)"),
        (["--hidden", "10,x"], "--hidden expects positive sizes"),
        (["--model", "resnet"], "resnet"),
        (["--model", "two-layer", "--batchnorm"], "batch normalization and dropout need multi-layer-extend"),
        (["--plot", "curves.png"], "--plot writes SVG"),
    ])
    func badArgumentsExitOneWithOneLine(arguments: [String], message: String) {
        let run = runKiso(["train"] + arguments)
        #expect(run.status == 1)
        #expect(run.standardError.hasPrefix("Error: "))
        #expect(run.standardError.contains(message), "\(run.standardError)")
        #expect(run.standardError.split(separator: "\n").count == 1)
    }

    @Test func missingDataIsOneLineNamingTheFix() {
        let empty = temporaryFolder()
        let run = runKiso(["train", "--model", "two-layer", "--dataset", "fashion-mnist", "--data", empty.path, "--quiet"])
        // Found elsewhere on this machine (cache, KISO_DATA) is fine too; what matters is
        // that a failure is one line that says what to do.
        if run.status != 0 {
            #expect(run.status == 1)
            #expect(run.standardError.contains("was not found"))
            #expect(run.standardError.contains("To fix"))
            #expect(run.standardError.split(separator: "\n").count == 1)
        }
    }

    @Test func resumingFromAWeightsOnlyFileIsRefused() throws {
        let data = SyntheticData(trainCount: 100, testCount: 50)
        let weights = temporaryFolder().appendingPathComponent("w.safetensors")
        #expect(runKiso(Self.trainArguments(data, ["--model", "two-layer", "--epochs", "1", "--save", weights.path])).status == 0)
        let run = runKiso(["train", "--resume", weights.path, "--data", data.root.path])
        #expect(run.status == 1)
        #expect(run.standardError.contains("holds weights only"))
    }

    @Test func ctrlCInTheRealProcessSavesACheckpointAndExits130() throws {
        guard let executable = kisoExecutable() else { Issue.record("kiso executable not found"); return }
        let data = SyntheticData(trainCount: 100, testCount: 50)
        let checkpoint = temporaryFolder().appendingPathComponent("ctrl-c.safetensors")
        let process = Process()
        process.executableURL = executable
        process.arguments = ["train", "--data", data.root.path, "--dataset", "mnist", "--model", "two-layer",
                             "--epochs", "100000", "--batch-size", "20", "--save", checkpoint.path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // The header line is printed once Ctrl-C is being listened to.
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("Training two-layer") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        kill(process.processIdentifier, SIGINT)
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        _ = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 130)
        #expect(errText.contains("Continue with: kiso train --resume \(checkpoint.path)"))
        let saved = try Checkpoint.load(from: checkpoint)
        #expect(saved.metadata["kiso.trainer"] != nil)
        #expect(saved.tensors["W1"]?.shape == [784, 50])
    }
}

/// `--data DIR` holding Fashion-MNIST's files and no `--dataset`: the run says fashion-mnist.
@Suite struct DatasetIdentityCommandTests {
    static let fashion: URL? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/fashion-mnist")
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("train-labels-idx1-ubyte.gz").path) ? url : nil
    }()

    @Test(.enabled(if: fashion != nil, "needs ../shared/data/fashion-mnist"))
    func aFashionFolderIsReportedAsFashionMNIST() throws {
        let saved = temporaryFolder().appendingPathComponent("two.npz")
        let run = runKiso(["train", "--data", Self.fashion!.path, "--model", "two-layer", "--epochs", "1",
                           "--train-limit", "100", "--test-limit", "50", "--save", saved.path, "--json", "--quiet"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(try run.jsonSummary()["dataset"] as? String == "fashion-mnist")
        #expect(try Checkpoint.load(from: saved).metadata["kiso.dataset"] == "fashion-mnist")
        let wrong = runKiso(["train", "--data", Self.fashion!.path, "--dataset", "mnist", "--model", "two-layer", "--epochs", "1",
                             "--train-limit", "100", "--quiet"])
        #expect(wrong.status == 1)
        #expect(wrong.standardError.contains("holds Fashion-MNIST's files"))
    }
}
