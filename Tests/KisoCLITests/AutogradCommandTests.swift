import Foundation
import KisoData
import Testing

@Suite struct AutogradCommandTests {
    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("kiso-autograd-\(UUID())")
    }

    @Test func newtonJSONListsTheIteratesConvergingToOne() throws {
        let out = Self.folder()
        defer { try? FileManager.default.removeItem(at: out) }
        let run = runKiso(["autograd", "newton", "--json", "--out", out.path])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.hasPrefix("0 variable(2.0)\n1 variable(1.4545455)\n"))
        let x = try #require(try run.jsonSummary()["x"] as? [Double])
        let expected = [2.0, 1.4545454545454546, 1.1510467893775467, 1.0253259289766978, 1.0009084519430513, 1.0000012353089454]
        for (value, reference) in zip(x, expected) { #expect(abs(value - reference) < 4e-7) }
        #expect(x.last == 1)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("newton.svg").path))
    }

    @Test func tanhGraphWritesDOTWithDeZerosNodeCount() throws {
        let out = Self.folder()
        defer { try? FileManager.default.removeItem(at: out) }
        let run = runKiso(["autograd", "tanh-graph", "--order", "6", "--out", out.path, "--json"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(try run.jsonSummary()["nodes"] as? Int == 690)
        let dot = try String(contentsOf: out.appendingPathComponent("tanh.dot"), encoding: .utf8)
        #expect(dot.contains("label=\"gx6\""))
    }

    @Test func spiralReachesNinetyPercentAndWritesItsFigure() throws {
        let out = Self.folder()
        defer { try? FileManager.default.removeItem(at: out) }
        let run = runKiso(["autograd", "spiral", "--out", out.path, "--json"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("epoch 300, loss "))
        #expect(try #require(try run.jsonSummary()["accuracy"] as? Double) >= 0.9)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("spiral.svg").path))
    }

    @Test func badFlagsAreOneLineErrors() {
        for arguments in [["autograd", "tanh-graph", "--order", "0"], ["autograd", "spiral", "--lr", "-1"],
                          ["autograd", "rosenbrock", "--iterations", "0"],
                          ["autograd", "spiral", "--save", "/nonexistent-folder/spiral.safetensors"]] {
            let run = runKiso(arguments)
            #expect(run.status == 1)
            #expect(run.standardError.hasPrefix("Error: ") && run.standardError.split(separator: "\n").count == 1)
        }
    }

    @Test func trainAutogradMatchesTheHandWrittenLayers() throws {
        let data = SyntheticData(trainCount: 100, testCount: 50)
        let plain = runKiso(TrainCommandTests.trainArguments(data, ["--model", "two-layer", "--epochs", "2", "--json"]))
        let auto = runKiso(TrainCommandTests.trainArguments(data, ["--model", "two-layer", "--epochs", "2", "--json", "--autograd"]))
        #expect(plain.status == 0 && auto.status == 0, "\(auto.standardError)")
        let (a, b) = (try plain.jsonSummary(), try auto.jsonSummary())
        #expect(a["test_accuracy"] as? Double == b["test_accuracy"] as? Double)
        #expect(abs((a["loss"] as? Double ?? 0) - (b["loss"] as? Double ?? 1)) < 1e-4)
    }

    @Test func trainAutogradRefusesConvolutionalNetworks() {
        let data = SyntheticData(trainCount: 100, testCount: 50)
        let run = runKiso(TrainCommandTests.trainArguments(data, ["--model", "simple-convnet", "--autograd"]))
        #expect(run.status == 1)
        #expect(run.standardError.contains("--autograd trains the fully connected networks"))
    }
}
