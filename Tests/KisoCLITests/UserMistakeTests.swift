import Foundation
import KisoCLI
import KisoData
import Testing

/// What a person types wrong, and every experiment at several seeds and small sizes: each run
/// ends with status 0, or with one line `Error: …` and status 1 — never a trap or a hang.
@Suite struct UserMistakeTests {
    /// Status 0, or status 1 with exactly one line on standard error, starting `Error: `.
    static func expectCleanEnd(_ run: KisoRun, _ context: String) {
        if run.status == 0 { return }
        #expect(run.status == 1, "\(context): status \(run.status)")
        let lines = run.standardError.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1 && lines[0].hasPrefix("Error: "), "\(context): \(run.standardError)")
    }

    static let badTrainFlags: [[String]] = [
        ["--epochs", "0"], ["--epochs", "-3"], ["--batch-size", "0"], ["--batch-size", "1000000"],
        ["--lr", "nan"], ["--lr", "inf"], ["--lr", "-0.1"], ["--lr", "1e30", "--model", "multi-layer", "--epochs", "3"],
        ["--model", "multi-layer-extend", "--dropout", "1"], ["--model", "multi-layer-extend", "--dropout", "-0.2"],
        ["--hidden", "0"], ["--hidden", "10,,10"], ["--save", "/nonexistent-folder/m.safetensors"], ["--save", "m.npy"],
        ["--plot", "/nonexistent-folder/c.svg"], ["--plot", "curves.png"], ["--model", "nine-layer"],
        ["--weight-decay", "-1", "--model", "multi-layer"], ["--batchnorm"],
    ]

    @Test(arguments: badTrainFlags)
    func badTrainFlagIsOneErrorLine(flags: [String]) {
        let data = SyntheticData(trainCount: 40, testCount: 10)
        let run = runKiso(["train", "--data", data.root.path, "--dataset", "mnist", "--model", "two-layer", "--epochs", "1",
                           "--quiet"] + flags)
        #expect(run.status == 1, "\(flags) should be refused")
        Self.expectCleanEnd(run, "\(flags)")
    }

    @Test func corruptFilesAndWrongChoicesAreOneErrorLine() throws {
        let data = SyntheticData(trainCount: 40, testCount: 10)
        let folder = temporaryFolder()
        let weights = folder.appendingPathComponent("two.safetensors")
        #expect(runKiso(["train", "--data", data.root.path, "--dataset", "mnist", "--model", "two-layer", "--epochs", "1",
                         "--batch-size", "20", "--save", weights.path, "--quiet"]).status == 0)
        let corrupt = folder.appendingPathComponent("corrupt.safetensors")
        var bytes = try [UInt8](Data(contentsOf: weights))
        bytes.removeLast(bytes.count / 3)
        try Data(bytes).write(to: corrupt)
        let empty = folder.appendingPathComponent("empty.png"), notPNG = folder.appendingPathComponent("text.png")
        try Data().write(to: empty)
        try Data("not an image".utf8).write(to: notPNG)
        let runs: [[String]] = [
            ["train", "--resume", corrupt.path, "--data", data.root.path],
            ["train", "--resume", weights.path, "--data", data.root.path],
            ["evaluate", "--weights", weights.path, "--model", "deep-convnet", "--data", data.root.path],
            ["evaluate", "--weights", corrupt.path, "--data", data.root.path],
            ["predict", "--weights", weights.path, empty.path],
            ["predict", "--weights", weights.path, notPNG.path],
            ["show", "--data", data.root.path, "--dataset", "mnist", "--index", "10000", "--out", folder.appendingPathComponent("d.png").path],
            ["show", "--data", data.root.path, "--dataset", "mnist", "--index", "-1", "--out", folder.appendingPathComponent("d.png").path],
        ]
        for arguments in runs {
            let run = runKiso(arguments)
            #expect(run.status == 1, "\(arguments) should fail")
            Self.expectCleanEnd(run, "\(arguments)")
        }
    }

    /// Every `kiso experiment` at seeds 0–4 on small sizes.
    @Test(arguments: 0..<5)
    func everyExperimentEndsCleanlyAtSeed(seed: Int) throws {
        let data = SyntheticData(trainCount: 120, testCount: 40)
        let out = temporaryFolder()
        let common = ["--data", data.root.path, "--dataset", "mnist", "--out", out.path, "--seed", "\(seed)", "--quiet"]
        let weights = out.appendingPathComponent("convnet.safetensors")
        #expect(runKiso(["train", "--model", "simple-convnet", "--epochs", "1", "--batch-size", "40", "--save", weights.path]
                        + common.filter { $0 != "--out" && $0 != out.path }).status == 0)
        let experiments: [[String]] = [
            ["optimizers-2d", "--out", out.path, "--quiet"],
            ["optimizers-mnist", "--iterations", "5", "--train-limit", "100"] + common,
            ["init-histograms", "--out", out.path, "--seed", "\(seed)", "--quiet"],
            ["init-mnist", "--iterations", "5", "--train-limit", "100"] + common,
            ["batchnorm", "--epochs", "2", "--train-size", "100", "--scales", "3"] + common,
            ["overfit", "--epochs", "3", "--train-size", "100", "--test-limit", "40"] + common,
            ["weight-decay", "--epochs", "3", "--train-size", "100", "--test-limit", "40"] + common,
            ["dropout", "--epochs", "3", "--train-size", "100", "--test-limit", "40"] + common,
            ["hyperparameter-search", "--trials", "3", "--epochs", "2", "--train-size", "100", "--best", "2"] + common,
            ["filters", "--iterations", "2", "--train-limit", "40"] + common,
            ["misclassified", "--weights", weights.path, "--count", "5", "--test-limit", "40"] + common,
            ["half-float", "--weights", weights.path, "--test-limit", "40"] + common,
        ]
        for arguments in experiments {
            let run = runKiso(["experiment"] + arguments)
            #expect(run.status == 0, "\(arguments[0]) at seed \(seed): \(run.standardError)")
            Self.expectCleanEnd(run, "\(arguments[0]) at seed \(seed)")
        }
    }
}
