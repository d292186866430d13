import Foundation
import Testing
import KisoCLI

@Suite struct SupportTests {
    @Test func jsonSummaryIsOneLineWithSortedKeysAndNullForNaN() throws {
        var summary = JSONSummary()
        summary["test_accuracy"] = Float(0.9352)
        summary["loss"] = Double.nan
        summary["per_epoch"] = [Float(0.5), Float(0.75)]
        let text = summary.render()
        #expect(!text.contains("\n"))
        #expect(text == #"{"loss":null,"per_epoch":[0.5,0.75],"test_accuracy":0.9352}"#)
    }

    @Test func plainProgressWritesAboutOneLinePerTenPercent() {
        let console = Console.capturing()
        let bar = ProgressBar(console: console, label: "epoch 1", total: 100, plainInterval: 0)
        for i in 1...100 { bar.update(i, detail: "loss 0.5") }
        bar.finish()
        let lines = console.standardError.split(separator: "\n")
        // One line when each decile is entered (10 %, 20 %, … 100 %); the 10-second clock
        // cannot fire in a loop this short.
        #expect(lines.count == 10)
        #expect(lines.last?.hasPrefix("epoch 1 100/100") == true)
        #expect(console.standardOutput.isEmpty)
    }

    @Test func quietSilencesProgress() {
        let console = Console.capturing()
        console.quiet = true
        let bar = ProgressBar(console: console, label: "x", total: 10)
        for i in 1...10 { bar.update(i) }
        #expect(console.standardError.isEmpty)
    }

    @Test func durationsReadAsMinutesAndSeconds() {
        #expect(ProgressBar.duration(75) == "1:15")
        #expect(ProgressBar.duration(3725) == "1:02:05")
    }

    @Test func peakMemoryIsPositive() throws {
        let megabytes = try #require(PeakMemory.megabytes())
        #expect(megabytes > 1)
    }

    @Test func unknownOptionExitsOneWithOneLine() {
        let run = runKiso(["--no-such-flag"])
        #expect(run.status == 1)
        #expect(run.standardError == "Error: Unknown option '--no-such-flag'\n")
    }

    @Test func helpExitsZero() {
        let run = runKiso(["--help"])
        #expect(run.status == 0)
        #expect(run.standardOutput.contains("USAGE: kiso"))
    }

    @Test func executableReportsBadArgumentsWithStatusOne() throws {
        let run = try runKisoBinary(["--no-such-flag"])
        #expect(run.status == 1)
        #expect(run.standardError.hasPrefix("Error: "))
        #expect(run.standardError.split(separator: "\n").count == 1)
    }
}
