import Foundation
import KisoCLI
import KisoData
import Testing

#if MPI
private let builtWithMPI = true
#else
private let builtWithMPI = false
#endif

/// `mpirun -np N kiso train --distributed` on loopback against one process with the same global
/// batch. Runs only in a build with the trait `MPI` (`bash .ci/mpi.sh`, or
/// `swift test --traits MPI --filter Distributed` with Open MPI installed).
@Suite(.enabled(if: builtWithMPI, "built without the MPI trait; run bash .ci/mpi.sh (swift test --traits MPI) to test data-parallel training"))
struct DistributedTrainingTests {
    /// SimpleConvNet, and a fully connected network with dropout (batch normalization uses each
    /// rank's own statistics, so it is not expected to match as closely); a batch of
    /// 50, which 4 ranks share unevenly (12, 13, 12, 13).
    static let models: [[String]] = [
        ["--model", "simple-convnet", "--epochs", "2"],
        ["--model", "multi-layer-extend", "--hidden", "32,32", "--dropout", "0.2", "--optimizer", "adam", "--epochs", "3"],
    ]

    static func arguments(_ data: SyntheticData, _ model: [String]) -> [String] {
        ["train", "--data", data.root.path, "--dataset", "mnist", "--train-limit", "400", "--test-limit", "100",
         "--batch-size", "50", "--seed", "3", "--json", "--quiet"] + model
    }

    @Test(arguments: models)
    func ranksReproduceTheOneProcessRun(model: [String]) throws {
        let data = SyntheticData(trainCount: 400, testCount: 100)
        let single = try runKisoBinary(Self.arguments(data, model))
        #expect(single.status == 0, "\(single.standardError)")
        let reference = try single.jsonSummary()
        let referenceLoss = try #require(reference["loss"] as? Double)
        let referenceAccuracy = try #require(reference["test_accuracy"] as? Double)
        for ranks in [2, 4] {
            let folder = temporaryFolder()
            let saved = folder.appendingPathComponent("weights.safetensors")
            let run = try runMPI(ranks: ranks, Self.arguments(data, model) + [
                "--distributed", "--save", saved.path, "--rank-weights", folder.path])
            #expect(run.status == 0, "\(ranks) ranks: \(run.standardError)")
            let summary = try run.jsonSummary()
            #expect(summary["ranks"] as? Int == ranks)
            let loss = try #require(summary["loss"] as? Double)
            let accuracy = try #require(summary["test_accuracy"] as? Double)
            #expect(abs(loss - referenceLoss) <= 0.02 * referenceLoss, "\(ranks) ranks: loss \(loss) vs \(referenceLoss)")
            #expect(abs(accuracy - referenceAccuracy) <= 0.01, "\(ranks) ranks: accuracy \(accuracy) vs \(referenceAccuracy)")
            // Only rank 0 prints: one JSON line.
            #expect(run.standardOutput.split(separator: "\n").filter { $0.hasPrefix("{") }.count == 1)
            // Every rank ends with the same weights, to the bit.
            let rankFiles = try (0..<ranks).map { try Data(contentsOf: folder.appendingPathComponent("rank-\($0).safetensors")) }
            #expect(rankFiles.allSatisfy { $0 == rankFiles[0] }, "\(ranks) ranks: the ranks' weights differ")
            // Rank 0's saved file evaluates to the accuracy it printed.
            let evaluation = runKiso(["evaluate", "--weights", saved.path, "--data", data.root.path, "--dataset", "mnist",
                                      "--test-limit", "100", "--json"])
            #expect(evaluation.status == 0, "\(evaluation.standardError)")
            let evaluated = try #require(try evaluation.jsonSummary()["accuracy"] as? Double)
            #expect(abs(evaluated - accuracy) < 1e-6, "\(ranks) ranks: saved weights give \(evaluated), printed \(accuracy)")
        }
    }

    @Test func aKilledRankEndsTheJobWithAnErrorWithinAMinute() throws {
        let data = SyntheticData(trainCount: 400, testCount: 100)
        let start = Date()
        let run = try runMPI(ranks: 2, Self.arguments(data, ["--model", "two-layer", "--epochs", "1000"]) + [
            "--distributed", "--kill-last-rank-after", "5"])
        let seconds = Date().timeIntervalSince(start)
        #expect(run.status != 0)
        #expect(seconds < 60, "the job took \(seconds) s to end")
    }

    @Test func resumingWithAnotherRankCountContinuesTheRun() throws {
        let data = SyntheticData(trainCount: 400, testCount: 100)
        let folder = temporaryFolder()
        let checkpoint = folder.appendingPathComponent("run.safetensors")
        let model = ["--model", "two-layer", "--epochs", "4"]
        let whole = try runKisoBinary(Self.arguments(data, model))
        #expect(whole.status == 0, "\(whole.standardError)")
        let first = try runMPI(ranks: 2, Self.arguments(data, model) + ["--distributed", "--save", checkpoint.path, "--stop-after", "10"])
        #expect(first.status == 130, "\(first.standardError)")
        let resumed = try runMPI(ranks: 4, ["train", "--resume", checkpoint.path, "--data", data.root.path, "--json", "--quiet",
                                            "--distributed"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        let loss = try #require(try resumed.jsonSummary()["loss"] as? Double)
        let reference = try #require(try whole.jsonSummary()["loss"] as? Double)
        #expect(abs(loss - reference) <= 0.02 * reference, "resumed loss \(loss) vs \(reference)")
    }

    /// Each rank updates only its part of every parameter and keeps only that part of Adam's
    /// moments up to date; the checkpoint rank 0 writes must hold every rank's part (the large
    /// SimpleConvNet weight is sent from its own tensor, the others through a shared bucket),
    /// matching the moments of the one-process run up to float rounding.
    @Test func theCheckpointHoldsTheWholeOptimizerState() throws {
        let data = SyntheticData(trainCount: 400, testCount: 100)
        let folder = temporaryFolder()
        let model = ["--model", "simple-convnet", "--epochs", "2", "--stop-after", "5"]
        let single = folder.appendingPathComponent("single.safetensors")
        let alone = try runKisoBinary(Self.arguments(data, model) + ["--save", single.path])
        #expect(alone.status == 130, "\(alone.standardError)")
        let reference = try Checkpoint.load(from: single).tensors
        let slots = reference.names.filter { $0.hasPrefix("optimizer.") }
        #expect(slots.count == 12, "\(reference.names)")   // m and v of 3 weights and 3 biases
        for ranks in [2, 4] {
            let saved = folder.appendingPathComponent("ranks-\(ranks).safetensors")
            let run = try runMPI(ranks: ranks, Self.arguments(data, model) + ["--distributed", "--save", saved.path])
            #expect(run.status == 130, "\(ranks) ranks: \(run.standardError)")
            let tensors = try Checkpoint.load(from: saved).tensors
            for name in slots {
                let expected = try #require(reference[name]).scalars
                let got = try #require(tensors[name], "\(ranks) ranks: no \(name)").scalars
                let scale = expected.map(abs).max() ?? 0
                let worst = zip(expected, got).map { abs($0 - $1) }.max() ?? 0
                #expect(got.count == expected.count && worst <= 1e-3 * scale,
                        "\(ranks) ranks: \(name) differs by up to \(worst) (largest value \(scale))")
            }
        }
    }

    @Test func checkpointEveryWritesAResumableCheckpoint() throws {
        let data = SyntheticData(trainCount: 400, testCount: 100)
        let checkpoint = temporaryFolder().appendingPathComponent("every.safetensors")
        let run = try runMPI(ranks: 2, Self.arguments(data, ["--model", "two-layer", "--epochs", "2"]) + [
            "--distributed", "--save", checkpoint.path, "--checkpoint-every", "1", "--stop-after", "12"])
        #expect(run.status == 130, "\(run.standardError)")
        #expect(FileManager.default.fileExists(atPath: checkpoint.path))
    }
}

/// Runs `mpirun -np ranks kiso arguments…` on loopback (as root too), at most 120 s.
func runMPI(ranks: Int, _ arguments: [String]) throws -> KisoRun {
    guard let executable = kisoExecutable() else { throw KisoError("kiso executable not found") }
    let mpirun = ["/usr/bin/mpirun", "/usr/local/bin/mpirun", "/opt/homebrew/bin/mpirun"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    guard let mpirun else { throw KisoError("mpirun not found: install Open MPI (see docs/DISTRIBUTED.md)") }
    return try runProcess(URL(fileURLWithPath: mpirun),
                          ["--oversubscribe", "--mca", "btl", "self,tcp", "--mca", "btl_tcp_if_include", "lo",
                           "-np", "\(ranks)", executable.path] + arguments,
                          environment: ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"], timeout: 120)
}

@Suite(.enabled(if: !builtWithMPI, "built with the MPI trait: --distributed works"))
struct DistributedWithoutMPITests {
    @Test func distributedSaysHowToBuildWithMPI() {
        let data = SyntheticData(trainCount: 100, testCount: 50)
        let run = runKiso(["train", "--data", data.root.path, "--dataset", "mnist", "--distributed", "--model", "two-layer"])
        #expect(run.status != 0)
        #expect(run.standardError.hasPrefix("Error: --distributed: this kiso was built without MPI"), "\(run.standardError)")
        #expect(run.standardError.contains("--traits MPI"))
    }
}
