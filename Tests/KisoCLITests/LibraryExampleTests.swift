import Foundation
import Kiso
import KisoData
import KisoNN
import Testing

/// The README's "Kiso as a library" example, on synthetic data, so that it keeps compiling and working.
@Suite struct LibraryExampleTests {
    @Test func readmeExampleTrainsAndSaves() throws {
        let data = SyntheticData(trainCount: 100, testCount: 20)
        let train = try MNIST.load(.fashionMNIST, split: .train, from: data.root)
        let test = try MNIST.load(.fashionMNIST, split: .test, from: data.root)
        let network = TwoLayerNet(inputSize: 784, hiddenSize: 50, outputSize: 10, seed: 1)
        let trainer = try Trainer(
            network: network, xTrain: train.images, tTrain: train.labels, xTest: test.images, tTest: test.labels,
            configuration: TrainerConfiguration(epochs: 5, miniBatchSize: 10,
                                                optimizer: OptimizerSettings(kind: .sgd, learningRate: 0.1)))
        var epochs = 0
        trainer.onEpoch = { _ in epochs += 1 }
        let result = try trainer.train()
        #expect(epochs == 5)
        // Ten classes told apart by the row of a bright bar: five epochs learn most of them.
        #expect((result.finalTestAccuracy ?? 0) > 0.5)
        var weights = NamedTensors()
        for (name, tensor) in network.stateDict { weights[name] = tensor }
        let url = temporaryFolder().appendingPathComponent("two.safetensors")
        try Checkpoint.save(weights, metadata: ["kiso.model": "two-layer"], to: url)
        // kiso evaluate rebuilds the network from the metadata and the weights' shapes.
        let run = runKiso(["evaluate", "--weights", url.path, "--data", data.root.path, "--dataset", "fashion-mnist", "--json"])
        #expect(run.status == 0, "\(run.standardError)")
        let printed = try #require(try run.jsonSummary()["accuracy"] as? Double)
        #expect(abs(printed - Double(result.finalTestAccuracy ?? -1)) < 1e-6)  // JSON holds the float32 value's shortest decimal
    }
}

/// The example program `Examples/TrainSimpleConvNet` (the README's library example), run as a
/// process on a small synthetic Fashion-MNIST folder: it trains, saves, loads back and
/// evaluates, and the loaded network scores what the trained one did.
@Suite struct LibraryExampleProgramTests {
    @Test func exampleProgramTrainsSavesAndLoadsBack() throws {
        let data = SyntheticData(trainCount: 200, testCount: 50)
        guard let kiso = kisoExecutable() else { Issue.record("build products not found"); return }
        let process = Process()
        process.executableURL = kiso.deletingLastPathComponent().appendingPathComponent("train-simple-convnet")
        process.arguments = [data.root.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        let last = try #require(text.split(separator: "\n").last)
        let numbers = last.split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { Double($0) }
        #expect(numbers.count == 2 && numbers[0] == numbers[1], "\(last)")
        #expect(last.hasSuffix("(simple-convnet)"))
    }
}
