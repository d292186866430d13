import Foundation
import Kiso
import KisoPlot
import Testing

/// The two snippets of the KisoPlot overview page (Sources/KisoPlot/KisoPlot.docc/KisoPlot.md),
/// run as written (into a temporary folder), so the page cannot drift from the API.
@Suite struct OverviewSnippetTests {
    @Test func lineChartSnippetWritesAnSVG() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiso-plot-overview-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("activations.svg")

        let xs = (-50...50).map { Double($0) / 10 }
        var figure = Figure(width: 640, height: 480)
        figure[0, 0].line(x: xs, y: xs.map { 1 / (1 + exp(-$0)) }, label: "sigmoid")
        figure[0, 0].line(x: xs, y: xs.map { max(0, $0) }, label: "ReLU", style: .dashed)
        figure[0, 0].yLimits = -0.1...1.1
        try figure.write(to: url)

        let svg = try String(contentsOf: url, encoding: .utf8)
        #expect(svg.hasPrefix("<svg") || svg.hasPrefix("<?xml"))
        #expect(svg.contains("sigmoid") && svg.contains("ReLU"))
    }

    @Test func imageGridSnippetWritesAPNG() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiso-plot-overview-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("filters.png")

        var rng = RandomGenerator(seed: 0)
        let filters = Tensor.randn([30, 1, 5, 5], using: &rng)   // e.g. a convolution's W1
        var grid = ImageGrid(columns: 10, scale: 2)
        grid.normalization = .minMax
        grid.invert = true
        grid.add(batch: filters)
        try grid.write(to: url)

        let bytes = try [UInt8](Data(contentsOf: url))
        #expect(grid.count == 30)
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))   // the PNG signature
    }
}
