import Foundation
import Testing

@Suite struct DataCommandTests {
    @Test func infoReportsEachFileWithItsExampleCount() throws {
        let data = SyntheticData(trainCount: 20, testCount: 10)
        let run = runKiso(["data", "info", "--dataset", "mnist", "--data", data.root.path, "--json"])
        #expect(run.status == 0)
        let summary = try run.jsonSummary()
        let entries = try #require(summary["mnist"] as? [[String: Any]])
        #expect(entries.count == 4)
        #expect(entries.map { $0["examples"] as? Int } == [20, 20, 10, 10])
        #expect(entries.allSatisfy { ($0["sha256"] as? String)?.count == 64 })
    }

    @Test func fetchFindsLocalFilesWithoutDownloading() {
        let data = SyntheticData(trainCount: 10, testCount: 10)
        let run = runKiso(["data", "fetch", "fashion-mnist", "--data", data.root.path])
        #expect(run.status == 0)
        #expect(run.standardOutput.contains(data.root.appendingPathComponent("fashion-mnist/t10k-labels-idx1-ubyte").path))
    }

    @Test func unknownDatasetIsOneLineError() {
        let run = runKiso(["data", "fetch", "cifar"])
        #expect(run.status == 1)
        #expect(run.standardError.hasPrefix("Error: "))
        #expect(run.standardError.contains("cifar"))
        #expect(run.standardError.split(separator: "\n").count == 1)
    }
}
