import Foundation
import KisoCLI
import KisoData
import KisoNN
import Testing

/// Every network through every file format, as a user runs them: `kiso train --save`, then
/// `kiso evaluate` on the saved file must print the accuracy training printed.
@Suite struct ModelMatrixTests {
    /// Each network with the options that give it every kind of saved state.
    static let models: [[String]] = [
        ["--model", "three-layer"], ["--model", "two-layer"], ["--model", "multi-layer", "--hidden", "20,20"],
        ["--model", "multi-layer-extend", "--hidden", "20,20", "--batchnorm", "--dropout", "0.2"],
        ["--model", "simple-convnet"], ["--model", "deep-convnet"],
    ]

    @Test(arguments: models, ["safetensors", "npz", "pkl"])
    func savedNetworkEvaluatesToTheAccuracyTrainingPrinted(model: [String], format: String) throws {
        let data = SyntheticData(trainCount: 60, testCount: 30)
        let file = temporaryFolder().appendingPathComponent("model.\(format)")
        let train = runKiso(["train", "--data", data.root.path, "--dataset", "mnist", "--epochs", "1", "--batch-size", "20",
                             "--save", file.path, "--json", "--quiet"] + model)
        #expect(train.status == 0, "\(train.standardError)")
        let trained = try #require(try train.jsonSummary()["test_accuracy"] as? Double)

        let evaluate = runKiso(["evaluate", "--weights", file.path, "--data", data.root.path, "--json", "--quiet"])
        #expect(evaluate.status == 0, "\(evaluate.standardError)")
        let evaluated = try #require(try evaluate.jsonSummary()["accuracy"] as? Double)
        // Both are (correct answers) / 30; training prints the float32 value, evaluate the double one.
        #expect((evaluated * 30).rounded() == (trained * 30).rounded(), "\(model) through .\(format)")

        // The library loads it back the same way, with no flag: kind and data set come from the file.
        let saved = try ModelCheckpoint.load(from: file)
        #expect(saved.kind.rawValue == model[1])
        #expect(saved.dataset == .mnist)
    }

    /// Ctrl-C (SIGINT to the real process) during a convolutional network's run, then the
    /// printed `--resume` command: the weights end bit for bit as an uninterrupted run's.
    @Test(arguments: [["--model", "simple-convnet", "--epochs", "60"], ["--model", "deep-convnet", "--epochs", "12"]])
    func ctrlCThenResumeEndsWithTheWeightsOfAnUninterruptedRun(model: [String]) throws {
        let data = SyntheticData(trainCount: 100, testCount: 20)
        let folder = temporaryFolder()
        let whole = folder.appendingPathComponent("whole.safetensors"), parts = folder.appendingPathComponent("parts.npz")
        let common = ["train", "--data", data.root.path, "--dataset", "mnist", "--batch-size", "10", "--seed", "3",
                      "--eval-samples", "10"] + model
        let uninterrupted = runKiso(common + ["--save", whole.path, "--quiet"])
        #expect(uninterrupted.status == 0, "\(uninterrupted.standardError)")

        let interrupted = try runKisoInterrupted(common + ["--save", parts.path], afterLineContaining: "Training \(model[1])")
        #expect(interrupted.status == 130, "\(interrupted.standardError)")
        let resume = try #require(interrupted.standardError.split(separator: "\n").first { $0.hasPrefix("Continue with: kiso ") })
        let arguments = resume.dropFirst("Continue with: kiso ".count).split(separator: " ").map(String.init)
        let resumed = runKiso(arguments + ["--quiet"])
        #expect(resumed.status == 0, "\(resumed.standardError)")

        let a = try Checkpoint.load(from: whole), b = try Checkpoint.load(from: parts)
        #expect(a.tensors.names.sorted() == b.tensors.names.sorted())
        for (name, tensor) in a.tensors {
            #expect(b.tensors[name]?.scalars == tensor.scalars, "\(name) differs")
        }
    }
}

/// Runs the real `kiso` process and sends it SIGINT as soon as a line of standard output
/// contains `marker` (training has begun then).
func runKisoInterrupted(_ arguments: [String], afterLineContaining marker: String) throws -> KisoRun {
    guard let executable = kisoExecutable() else { throw KisoError("kiso executable not found") }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    var seen = Data()
    while !String(decoding: seen, as: UTF8.self).contains(marker) {
        let chunk = out.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        seen.append(chunk)
    }
    kill(process.processIdentifier, SIGINT)
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    seen.append(out.fileHandleForReading.readDataToEndOfFile())
    process.waitUntilExit()
    return KisoRun(status: process.terminationStatus, standardOutput: String(decoding: seen, as: UTF8.self),
                   standardError: String(decoding: errData, as: UTF8.self))
}
