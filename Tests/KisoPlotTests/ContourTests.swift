import Foundation
import Testing
import KisoPlot

@Suite struct ContourTests {
    static func grid(_ lo: Double, _ hi: Double, _ n: Int) -> [Double] {
        (0..<n).map { lo + (hi - lo) * Double($0) / Double(n - 1) }
    }

    @Test func circleLevelGivesOneClosedLoopOnTheCircle() {
        let x = Self.grid(-2, 2, 41), y = Self.grid(-2, 2, 41), h = 0.1
        let z = y.map { b in x.map { a in a * a + b * b } }
        let lines = Contour.lines(z: z, x: x, y: y, level: 1)
        #expect(lines.count == 1)
        let line = lines[0]
        #expect(line.isClosed)
        #expect(line.level == 1)
        // Linear interpolation of a² + b² along an edge of length h errs by at most h²/4 in
        // value, i.e. (h²/4) / (2r) in radius at r = 1.
        for p in line.points { #expect(abs((p.x * p.x + p.y * p.y).squareRoot() - 1) <= h * h / 8 + 1e-12) }
        // The loop crosses every row and column of cells it passes through: 4 quadrants × ~2r/h.
        #expect(line.points.count >= 40)
    }

    @Test func levelCutByTheBorderGivesAnOpenLineEndingOnIt() {
        let x = Self.grid(0, 2, 21), y = Self.grid(-2, 2, 41)
        let z = y.map { b in x.map { a in a * a + b * b } }
        let lines = Contour.lines(z: z, x: x, y: y, level: 1)
        #expect(lines.count == 1)
        let line = lines[0]
        #expect(!line.isClosed)
        let ends = [line.points.first!, line.points.last!]
        #expect(ends.allSatisfy { abs($0.x) < 1e-12 && abs(abs($0.y) - 1) < 1e-12 })
    }

    @Test func severalLevelsComeOutInOrderAndMissingValuesOpenTheLoops() {
        let x = Self.grid(-3, 3, 31), y = Self.grid(-3, 3, 31)
        var z = y.map { b in x.map { a in a * a + b * b } }
        #expect(Contour.lines(z: z, x: x, y: y, levels: [1, 4]).map(\.level) == [1, 4])
        z[15][25] = .nan  // (x, y) = (2, 0): on the level-4 circle
        let lines = Contour.lines(z: z, x: x, y: y, levels: [1, 4])
        #expect(lines.map(\.isClosed) == [true, false])
    }

    @Test func contourSeriesDrawsOnePathPerLineWithItsLevel() throws {
        var figure = Figure()
        figure[0, 0].contour(x: -2...2, y: -2...2, resolution: 41, levels: [0.5, 1, 2]) { $0 * $0 + $1 * $1 }
        let svg = try ParsedSVG(figure.svg())
        let paths = svg.elements("path", class: "series contour")
        #expect(paths.map { $0["data-level"] } == ["0.5", "1", "2"])
        #expect(paths.allSatisfy { $0["data-closed"] == "true" && $0["d"].hasSuffix("Z") })
        // Viridis from the lowest level to the highest.
        #expect(paths.map { $0["stroke"] } == Colormap.viridis(count: 3).map(\.svg))
    }
}
