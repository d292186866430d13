import Foundation
import KisoCLI
import Testing

/// `kiso bench kernels` as a user and the side-by-side script run it: a separate process, small
/// shapes (the timings are not checked, only that they are there and sane).
@Suite struct KernelsBenchCommandTests {
    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    static func jsonObject(_ line: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw KisoError("not a JSON object: \(line)")
        }
        return object
    }

    @Test func jsonReportHasEveryShapeAndThreadCount() throws {
        let run = try runKisoBinary(["bench", "kernels", "--json", "--repeats", "1", "--shapes", "40x30x20,7x5x3"])
        #expect(run.status == 0, "\(run.standardError)")
        let report = try run.jsonSummary()
        let rows = try #require(report["sgemm"] as? [[String: Any]])
        let threadCounts = Set(rows.compactMap { $0["threads"] as? Int })
        #expect(threadCounts.contains(1))
        #expect(rows.count == 2 * threadCounts.count)
        for row in rows { #expect((row["gflops"] as? Double).map { $0 > 0 && $0.isFinite } == true, "\(row)") }
        #expect((report["path"] as? String).map { !$0.isEmpty } == true)
    }

    @Test(arguments: [
        ("10x20", "bad shape '10x20'"), ("10xax20x30", "bad shape '10xax20x30'"), ("0x5x5", "bad shape '0x5x5'"),
        ("100000000x100000x10", "would hold more than"), ("5x5x5,", "bad shape"),
    ])
    func badShapesAreOneClearLine(shape: String, message: String) throws {
        let run = try runKisoBinary(["bench", "kernels", "--repeats", "1", "--shapes", shape])
        #expect(run.status != 0)
        #expect(run.standardError.contains(message), "\(run.standardError)")
        #expect(Self.lines(run.standardError).count == 1, "\(run.standardError)")
        #expect(!run.standardOutput.contains("GFLOPS"))
    }

    @Test func samplesFromStdinAnswersEveryLineAndSurvivesBadOnes() throws {
        let requests = ["40x30x20 1", "oops", "40x30x20 2", "12x0x4 1", "40x30x20 0", "  9x8x7 \t 1  ", "100000x100000x100000 1", "40x30x20 1"]
        let run = try runKisoBinary(["bench", "kernels", "--samples-from-stdin"], input: requests.joined(separator: "\n") + "\n")
        #expect(run.status == 0, "\(run.standardError)")
        let answers = try Self.lines(run.standardOutput).map(Self.jsonObject)
        try #require(answers.count == requests.count, "\(run.standardOutput)")
        let failed = [1, 3, 4, 6]
        for (index, answer) in answers.enumerated() {
            if failed.contains(index) {
                #expect((answer["error"] as? String).map { $0.contains("bad") } == true, "\(requests[index]): \(answer)")
                #expect(answer["seconds"] == nil)
            } else {
                #expect(answer["error"] == nil, "\(requests[index]): \(answer)")
                #expect((answer["seconds"] as? Double).map { $0 > 0 && $0.isFinite } == true, "\(answer)")
                #expect((answer["gflops"] as? Double).map { $0 > 0 && $0.isFinite } == true, "\(answer)")
            }
        }
        #expect(answers[2]["threads"] as? Int == 2)
        #expect(answers[5]["m"] as? Int == 9 && answers[5]["k"] as? Int == 8 && answers[5]["n"] as? Int == 7)
    }

    @Test func samplesFromStdinRefusesTableOptions() throws {
        let run = try runKisoBinary(["bench", "kernels", "--samples-from-stdin", "--shapes", "4x4x4"], input: "")
        #expect(run.status != 0)
        #expect(run.standardError.contains("--samples-from-stdin reads its shapes from standard input"), "\(run.standardError)")
    }

    @Test func anUnknownPathIsOneClearLine() throws {
        let run = try runKisoBinary(["bench", "kernels", "--repeats", "1", "--path", "sse9"])
        #expect(run.status != 0)
        #expect(run.standardError.contains("unknown path 'sse9'"), "\(run.standardError)")
    }
}
