import Foundation
import Testing

@Suite struct BenchCommandTests {
    /// `kiso bench convnet` on a few synthetic images, as a separate process (it prints to stdout).
    static func convnet(_ data: SyntheticData, _ extra: [String]) throws -> KisoRun {
        try runKisoBinary(["bench", "convnet", "--model", "simple-convnet", "--data", data.root.appendingPathComponent("fashion-mnist").path,
                           "--batch-size", "20", "--no-half", "--json"] + extra)
    }

    @Test func samplingIsReportedAndShuffledEpochsRun() throws {
        let data = SyntheticData(trainCount: 100, testCount: 50)
        for sampling in ["replacement", "shuffled"] {
            let run = try Self.convnet(data, ["--epochs", "2", "--iterations", "7", "--sampling", sampling])
            #expect(run.status == 0, "\(run.standardError)")
            let summary = try run.jsonSummary()
            #expect(summary["sampling"] as? String == sampling)
            #expect(summary["iterations_per_epoch"] as? Int == 7)   // 7 of 5 batches per pass: shuffled sampling reshuffles mid-epoch
            #expect((summary["seconds_per_epoch"] as? [Double])?.count == 2)
            #expect((summary["test_accuracy"] as? Double).map { (0...1).contains($0) } == true)
        }
    }

    @Test func aShuffledBatchLargerThanTheDataIsAClearError() throws {
        let data = SyntheticData(trainCount: 100, testCount: 50)
        let run = try Self.convnet(data, ["--batch-size", "150", "--sampling", "shuffled"])
        #expect(run.status != 0)
        #expect(run.standardError.contains("a batch of 150 is larger than the 100 training images"), "\(run.standardError)")
    }
}
