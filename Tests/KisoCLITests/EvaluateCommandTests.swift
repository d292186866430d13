import Foundation
import KisoData
import Testing

/// The shared data folder (`../shared/data` beside the package, or `$KISO_SHARED_DATA`), when present.
let sharedData: URL? = {
    if let path = ProcessInfo.processInfo.environment["KISO_SHARED_DATA"], !path.isEmpty {
        return URL(fileURLWithPath: path)
    }
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/KisoCLITests/file → package root
    let candidate = url.deletingLastPathComponent().appendingPathComponent("shared/data")
    return FileManager.default.fileExists(atPath: candidate.path) ? candidate : nil
}()

@Suite struct EvaluateCommandTests {
    /// Weights of a two-layer network trained for one epoch on synthetic data.
    static func trainedWeights(_ data: SyntheticData) throws -> URL {
        let weights = temporaryFolder().appendingPathComponent("two.safetensors")
        let run = runKiso(["train", "--data", data.root.path, "--dataset", "fashion-mnist", "--model", "two-layer",
                           "--train-limit", "100", "--test-limit", "50", "--batch-size", "20", "--epochs", "1",
                           "--quiet", "--save", weights.path])
        guard run.status == 0 else { throw KisoRunFailure(run: run) }
        return weights
    }

    @Test func jsonHasAccuracyPerClassAndTheConfusionMatrix() throws {
        let data = SyntheticData(trainCount: 100, testCount: 50)
        let weights = try Self.trainedWeights(data)
        let run = runKiso(["evaluate", "--weights", weights.path, "--data", data.root.path, "--json"])
        #expect(run.status == 0, "\(run.standardError)")
        let summary = try run.jsonSummary()
        let confusion = try #require(summary["confusion"] as? [[Int]])
        #expect(confusion.count == 10 && confusion.allSatisfy { $0.count == 10 })
        #expect(confusion.joined().reduce(0, +) == 50)
        #expect((summary["per_class"] as? [Double])?.count == 10)
        let accuracy = try #require(summary["accuracy"] as? Double)
        let diagonal = (0..<10).map { confusion[$0][$0] }.reduce(0, +)
        #expect(abs(accuracy - Double(diagonal) / 50) < 1e-12)
        #expect(summary["seconds"] is Double)
        // The file remembers its data set: Fashion-MNIST's class names are printed.
        #expect(summary["dataset"] as? String == "fashion-mnist")
        #expect(run.standardOutput.contains("Ankle boot"))
    }

    @Test func float16NeedsAConvolutionalNetwork() throws {
        let data = SyntheticData(trainCount: 100, testCount: 50)
        let weights = try Self.trainedWeights(data)
        let run = runKiso(["evaluate", "--weights", weights.path, "--data", data.root.path, "--float16"])
        #expect(run.status == 1)
        #expect(run.standardError.contains("--float16"))
    }

    @Test func wrongModelForTheWeightsIsOneLineError() throws {
        let data = SyntheticData(trainCount: 100, testCount: 50)
        let weights = try Self.trainedWeights(data)
        let run = runKiso(["evaluate", "--weights", weights.path, "--model", "simple-convnet"])
        #expect(run.status == 1)
        #expect(run.standardError == "Error: \(weights.lastPathComponent) holds a two-layer network, not a simple-convnet\n")
    }

    @Test func weightsThatDoNotFitTheModelAreRefused() throws {
        let file = temporaryFolder().appendingPathComponent("odd.npz")
        try Checkpoint.save(["W1": .zeros([784, 7]), "b1": .zeros([7]), "W2": .zeros([7, 10])], to: file)
        let run = runKiso(["evaluate", "--weights", file.path, "--model", "two-layer"])
        #expect(run.status == 1)
        #expect(run.standardError.contains("does not fit two-layer"))
        #expect(run.standardError.split(separator: "\n").count == 1)
    }

    @Test func missingWeightsFileExitsOne() throws {
        let run = try runKisoBinary(["evaluate", "--weights", "/nonexistent/w.safetensors"])
        #expect(run.status == 1)
        #expect(run.standardError == "Error: weights file /nonexistent/w.safetensors does not exist\n")
    }

    @Test(.enabled(if: sharedData != nil, "needs ../shared/data"))
    func bookSampleWeightsScore0_9352OnMNIST() throws {
        let root = try #require(sharedData)
        let run = runKiso(["evaluate", "--weights", root.appendingPathComponent("book-weights/sample_weight.pkl").path,
                           "--data", root.path, "--dataset", "mnist", "--json"])
        #expect(run.status == 0, "\(run.standardError)")
        let summary = try run.jsonSummary()
        #expect(summary["model"] as? String == "three-layer")
        #expect(summary["accuracy"] as? Double == 0.9352)  // the book's figure, 9352 of 10 000
    }

    @Test func predictRanksClassesOfAPNG() throws {
        let data = SyntheticData(trainCount: 100, testCount: 50)
        let weights = try Self.trainedWeights(data)
        let png = temporaryFolder().appendingPathComponent("digit.png")
        #expect(runKiso(["show", "--dataset", "mnist", "--data", data.root.path, "--out", png.path]).status == 0)
        let run = runKiso(["predict", "--weights", weights.path, "--top", "2", "--json", png.path])
        #expect(run.status == 0, "\(run.standardError)")
        let summary = try run.jsonSummary()
        let images = try #require(summary["images"] as? [[String: Any]])
        let predictions = try #require(images.first?["predictions"] as? [[String: Any]])
        #expect(predictions.count == 2)
        let p = predictions.compactMap { $0["probability"] as? Double }
        #expect(p.count == 2 && p[0] >= p[1] && p[0] <= 1)
    }

    @Test func predictWithoutImagesIsAnError() {
        let run = runKiso(["predict", "--weights", "w.safetensors"])
        #expect(run.status == 1)
        #expect(run.standardError.hasPrefix("Error: "))
    }
}

/// A `kiso` run that should have succeeded.
struct KisoRunFailure: Error, CustomStringConvertible {
    let run: KisoRun
    var description: String { "kiso exited \(run.status): \(run.standardError)" }
}
