import Foundation
import Kiso
import KisoData
import KisoNN
import KisoServe
import Testing

/// `kiso serve` and `kiso train --serve`: the command-line side (the routes are tested in KisoServeTests).
@Suite struct ServeCommandTests {
    @Test func serveWithoutWeightsIsOneErrorLine() {
        let run = runKiso(["serve"])
        #expect(run.status == 1)
        #expect(run.standardError == "Error: give at least one --weights file to serve\n")
    }

    @Test func aMissingWeightsFileIsOneErrorLine() {
        let run = runKiso(["serve", "--weights", "/nonexistent/w.safetensors"])
        #expect(run.status == 1)
        #expect(run.standardError == "Error: weights file /nonexistent/w.safetensors does not exist\n")
    }

    @Test func aPortOutOfRangeIsRefused() {
        let run = runKiso(["serve", "--weights", "w.pkl", "--port", "70000"])
        #expect(run.status == 1)
        #expect(run.standardError.contains("--port must be between 0 and 65535"))
    }

    @Test func trainServesItsTrainingViewUntilTheRunEnds() throws {
        let data = SyntheticData(trainCount: 100, testCount: 50)
        let run = runKiso(["train", "--data", data.root.path, "--dataset", "mnist", "--train-limit", "100",
                           "--test-limit", "50", "--batch-size", "20", "--model", "two-layer", "--epochs", "1",
                           "--serve", "0"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("Training view on http://127.0.0.1:"))
        #expect(run.standardOutput.contains("Test accuracy"))
    }

    @Test(.enabled(if: sharedData != nil, "needs ../shared/data/book-weights"))
    func theServerPredictsAPNGExactlyAsKisoPredictDoes() async throws {
        let weights = try #require(sharedData).appendingPathComponent("book-weights/simple_convnet_params.pkl")
        var picture = Image(width: 90, height: 120, fill: 250)  // a dark 4 on light paper
        for y in 20..<70 { for x in 20..<26 { picture[x, y] = 10 } }
        for x in 20..<70 { for y in 64..<70 { picture[x, y] = 10 } }
        for y in 20..<110 { for x in 56..<62 { picture[x, y] = 10 } }
        let png = temporaryFolder().appendingPathComponent("four.png")
        try PNG.write(picture, to: png)

        let run = runKiso(["predict", "--weights", weights.path, "--top", "10", "--json", png.path])
        #expect(run.status == 0, "\(run.standardError)")
        let images = try #require(try run.jsonSummary()["images"] as? [[String: Any]])
        let ranked = try #require(images.first?["predictions"] as? [[String: Any]])
        var predicted = [Float](repeating: -1, count: 10)
        for entry in ranked { predicted[try #require(entry["class"] as? Int)] = Float(try #require(entry["probability"] as? Double)) }

        let saved = try ModelCheckpoint.load(from: weights, kind: nil)
        let model = ServedModel(name: "book", network: saved.network, layout: .images, classLabels: DatasetName.mnist.classNames)
        let pixels = try PredictionInput.decode(body: Array(try Data(contentsOf: png)), contentType: "image/png")
        let served = await model.predict(pixels: pixels)
        // Same preparation, same network, same arithmetic: the same floats (printed as doubles exactly).
        #expect(served.probabilities == predicted)
        #expect(served.class == ranked.first?["class"] as? Int)
    }
}
