import Foundation
import Testing
import KisoPlot

@Suite struct FigureTests {
    @Test func lineChartHasOneLabelledPathPerSeriesAndALegendEntryEach() throws {
        let svg = try ParsedSVG(Examples.activations().svg())
        let lines = svg.elements("path", class: "series line")
        #expect(lines.map { $0["data-label"] } == ["step", "sigmoid", "ReLU / 5", "tanh"])
        let entries = svg.elements("g", class: "legend-entry")
        #expect(entries.map { $0["data-label"] } == ["step", "sigmoid", "ReLU / 5", "tanh"])
        #expect(svg.elements("rect", class: "legend-box").count == 1)
        // Dashed, dotted and dash-dot lines carry a dash pattern; the solid one does not.
        #expect(lines.map { !$0["stroke-dasharray"].isEmpty } == [true, false, true, true])
        // Colours come from the cycle in order.
        #expect(lines.map { $0["stroke"] } == Color.cycle.prefix(4).map(\.svg))
    }

    @Test func textIsEscapedAndReadsBackUnchanged() throws {
        let svg = try ParsedSVG(Examples.activations().svg())
        #expect(svg.elements("text", class: "title").map { $0.stringValue ?? "" } == ["Activation functions <&>"])
        #expect(svg.elements("text", class: "axis-label").map { $0.stringValue ?? "" } == ["x", "y"])
    }

    @Test func linearTicksAreEvenlySpacedRoundNumbersInsideTheLimits() throws {
        var figure = Figure()
        figure[0, 0].line(x: [0.0, 7.3], y: [-0.013, 0.021])
        let svg = try ParsedSVG(figure.svg())
        for axis in ["x-axis", "y-axis"] {
            let group = try #require(svg.elements("g", class: axis).first)
            let values = ParsedSVG.descendants(of: group, "g", class: "tick").compactMap { Double($0["data-value"]) }
            #expect(values.count >= 3 && values.count <= 10, "\(axis): \(values)")
            let steps = zip(values.dropFirst(), values).map { $0 - $1 }
            let step = try #require(steps.first)
            // Differences of round decimals agree to far better than 1e-9 of the step.
            #expect(steps.allSatisfy { abs($0 - step) < step * 1e-9 })
            let mantissa = step / pow(10, floor(log10(step)))
            #expect([1.0, 2.0, 5.0].contains { abs($0 - mantissa) < 1e-9 }, "step \(step)")
        }
        let labels = svg.elements("text", class: "tick-label").map { $0.stringValue ?? "" }
        #expect(labels.contains("\u{2212}0.01") && labels.contains("0.02"), "\(labels)")
    }

    @Test func logAxisTicksArePowersOfTenWithMinorTicksBetween() throws {
        let svg = try ParsedSVG(Examples.losses().svg())
        let yAxis = try #require(svg.elements("g", class: "y-axis").first)
        let major = ParsedSVG.descendants(of: yAxis, "g", class: "tick").compactMap { Double($0["data-value"]) }
        #expect(major == [0.01, 0.1, 1])
        let minor = ParsedSVG.descendants(of: yAxis, "g", class: "minor-tick")
        #expect(minor.count > 8)
        // Labels read "10" with the exponent raised in a tspan.
        let labels = ParsedSVG.descendants(of: yAxis, "text", class: "tick-label").map { $0.stringValue ?? "" }
        #expect(labels == ["10\u{2212}2", "10\u{2212}1", "100"])
    }

    @Test func controlCharactersAreDroppedSoTheDocumentStaysWellFormed() throws {
        var figure = Figure()
        figure[0, 0].title = "a\u{1}b \"q\" 'r'"
        figure[0, 0].line(x: [1.0, 2], y: [1.0, 2], label: "x<y")
        let svg = try ParsedSVG(figure.svg())
        #expect(svg.elements("text", class: "title").map { $0.stringValue ?? "" } == ["ab \"q\" 'r'"])
        #expect(svg.elements("g", class: "legend-entry").map { $0["data-label"] } == ["x<y"])
    }

    @Test func logAxisWithinOneDecadeLabelsItsMinorTicks() throws {
        var figure = Figure()
        figure[0, 0].line(x: [1.0, 2, 3], y: [2.0, 4, 8])
        figure[0, 0].yScale = .log
        let svg = try ParsedSVG(figure.svg())
        let yAxis = try #require(svg.elements("g", class: "y-axis").first)
        let labels = ParsedSVG.descendants(of: yAxis, "text", class: "tick-label").map { $0.stringValue ?? "" }
        #expect(labels.contains("2") && labels.contains("5") && labels.contains("8"), "\(labels)")
    }

    @Test func extremeLimitsDoNotCrash() throws {
        var figure = Figure()
        figure[0, 0].line(x: [1e20, 1e20 + 1e5], y: [-1e300, 1e300])
        figure[0, 0].line(x: [0.0, 1], y: [Double.infinity, .nan])
        _ = try ParsedSVG(figure.svg())
    }

    @Test func markersAreDrawnEveryNthPoint() throws {
        let svg = try ParsedSVG(Examples.losses().svg())
        let markers = svg.elements("path", class: "markers")
        #expect(markers.map { $0["data-label"] } == ["SGD", "Momentum", "AdaGrad", "Adam"])
        // 2000 points with a marker every 100th: 20 markers; a cross is two strokes.
        #expect(markers.map { moveCount($0["d"]) } == [20, 40, 20, 20])
    }

    @Test func bestLegendAvoidsLongSegmentsNotJustVertices() throws {
        // A labelled two-point line along the top, and single points in the bottom corners:
        // counting vertices only, every corner holds one point; counting along the segment,
        // the upper corners are full, so the legend goes to the lower half.
        var figure = Figure()
        figure[0, 0].line(x: [0.0, 10], y: [10.0, 10], label: "top")
        figure[0, 0].scatter(x: [0.0, 10], y: [0.0, 0])
        let svg = try ParsedSVG(figure.svg())
        let frame = try #require(svg.elements("rect", class: "frame").first)
        let box = try #require(svg.elements("rect", class: "legend-box").first)
        let frameMid = try #require(Double(frame["y"])) + (try #require(Double(frame["height"]))) / 2
        #expect(try #require(Double(box["y"])) > frameMid)
    }

    @Test func hiddenTicksDrawNoTicksOrLabels() throws {
        var figure = Figure(columns: 2)
        for c in 0..<2 { figure[0, c].histogram([0.1, 0.2, 0.7], bins: 3, range: 0...1) }
        figure[0, 1].showsYTicks = false
        figure[0, 1].showsXTicks = false
        let svg = try ParsedSVG(figure.svg())
        let axes = svg.elements("g", class: "axes")
        #expect(axes.map { ParsedSVG.descendants(of: $0, "g", class: "tick").count > 0 } == [true, false])
    }

    @Test func nonFiniteValuesBreakTheLine() throws {
        var figure = Figure()
        figure[0, 0].line(x: [0.0, 1, 2, 3, 4], y: [1.0, 2, .nan, 3, 4])
        let svg = try ParsedSVG(figure.svg())
        #expect(svg.elements("path", class: "series line").map { moveCount($0["d"]) } == [2])
    }

    @Test func subplotGridHasOneAxesGroupPerCell() throws {
        let svg = try ParsedSVG(Examples.smallGrid().svg())
        #expect(svg.elements("g", class: "axes").count == 16)
        #expect(svg.elements("path", class: "series line").count == 32)
        #expect(svg.elements("g", class: "legend").count == 1)
        #expect(svg.elements("text", class: "title").count == 16)
        #expect(svg.elements("text", class: "figure-title").count == 1)
    }

    @Test func optimizerGridOverlaysPathsOnContours() throws {
        let svg = try ParsedSVG(Examples.optimizers().svg())
        let axes = svg.elements("g", class: "axes")
        #expect(axes.count == 4)
        for a in axes {
            #expect(ParsedSVG.descendants(of: a, "path", class: "line").count == 1)
            #expect(ParsedSVG.descendants(of: a, "path", class: "contour").count >= 5)
        }
    }

    @Test func arrowsDrawOnePolygonPerNonZeroVector() throws {
        let svg = try ParsedSVG(Examples.quiver().svg())
        // An 18 × 18 grid; the vector at the origin is zero and is not drawn.
        #expect(svg.elements("path", class: "arrow").count == 18 * 18 - 1)
    }

    @Test func histogramBarsCountEverySample() throws {
        let svg = try ParsedSVG(Examples.histograms().svg())
        let groups = svg.elements("g", class: "series histogram")
        #expect(groups.count == 5)
        for g in groups {
            let bars = ParsedSVG.descendants(of: g, "rect", class: "bar")
            #expect(bars.count == 30)
            #expect(bars.compactMap { Int($0["data-count"]) }.reduce(0, +) == 1000)
        }
    }

    @Test func sameFigureGivesIdenticalBytes() {
        for (name, figure) in Examples.all {
            #expect(figure.svg() == figure.svg(), "\(name)")
        }
        #expect(Examples.optimizers().svg() == Examples.optimizers().svg())
    }

    @Test func writeIsAtomicAndFailsWithThePath() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiso-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("a.svg")
        let figure = Examples.activations()
        try figure.write(to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == figure.svg())
        let missing = folder.appendingPathComponent("no/such/dir/b.svg")
        #expect {
            try figure.write(to: missing)
        } throws: { error in
            guard case PlotError.cannotWrite(let path, _)? = error as? PlotError else { return false }
            return path == missing.path
        }
    }
}
