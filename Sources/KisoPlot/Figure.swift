import Foundation
import Kiso

/// A figure: a grid of `rows × columns` charts (`Axes`) drawn as one SVG picture, like a
/// matplotlib figure with subplots. Sizes are in pixels; the output is deterministic (the same
/// figure always gives the same bytes).
///
/// ```swift
/// var figure = Figure(width: 800, height: 600, rows: 2, columns: 2)
/// figure[0, 1].title = "Momentum"
/// figure[0, 1].line(x: xs, y: ys, marker: .circle)
/// try figure.write(to: URL(fileURLWithPath: "optimizers.svg"))
/// ```
public struct Figure: Sendable {
    /// Width of the picture in pixels.
    public var width: Double
    /// Height of the picture in pixels.
    public var height: Double
    /// Number of rows of charts.
    public let rows: Int
    /// Number of columns of charts.
    public let columns: Int
    /// The charts, row by row (`rows × columns` of them).
    public var axes: [Axes]
    /// Size of tick and axis labels in pixels (titles are 1.2×).
    public var fontSize: Double = 12
    /// Text centred above all charts (matplotlib's `suptitle`).
    public var title: String?

    /// A figure of `rows × columns` empty charts.
    public init(width: Double = 640, height: Double = 480, rows: Int = 1, columns: Int = 1) {
        kisoPrecondition(rows > 0 && columns > 0, "Figure: needs at least one row and column, got \(rows)×\(columns)")
        kisoPrecondition(width > 0 && height > 0, "Figure: size must be positive, got \(width)×\(height)")
        self.width = width; self.height = height; self.rows = rows; self.columns = columns
        axes = Array(repeating: Axes(), count: rows * columns)
    }

    /// The chart in row `row`, column `column` (both from 0, row 0 at the top).
    public subscript(row: Int, column: Int) -> Axes {
        get { axes[index(row, column)] }
        set { axes[index(row, column)] = newValue }
    }

    private func index(_ row: Int, _ column: Int) -> Int {
        kisoPrecondition(row >= 0 && row < rows && column >= 0 && column < columns,
                               "Figure: no chart at (\(row), \(column)) in a \(rows)×\(columns) grid")
        return row * columns + column
    }

    /// The figure as an SVG 1.1 document.
    public func svg() -> String {
        var svg = SVGWriter()
        let size = [("width", px(width)), ("height", px(height)), ("viewBox", "0 0 \(px(width)) \(px(height))")]
        svg.open("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("version", "1.1")] + size
                 + [("font-family", "DejaVu Sans, Bitstream Vera Sans, Arial, Helvetica, sans-serif")])
        svg.element("rect", [("class", "figure-background"), ("width", px(width)), ("height", px(height)), ("fill", "white")])
        var top = 0.0
        if let title {
            top = fontSize * 2.2
            svg.element("text", [("class", "figure-title"), ("x", px(width / 2)), ("y", px(fontSize * 1.5)),
                                 ("font-size", px(fontSize * 1.3)), ("text-anchor", "middle")], content: title)
        }
        let cellWidth = width / Double(columns), cellHeight = (height - top) / Double(rows)
        for r in 0..<rows {
            for c in 0..<columns {
                let cell = Rect(x: Double(c) * cellWidth, y: top + Double(r) * cellHeight, width: cellWidth, height: cellHeight)
                AxesRenderer(axes: axes[r * columns + c], cell: cell, fontSize: fontSize, index: r * columns + c)
                    .render(into: &svg)
            }
        }
        svg.close("svg")
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg.text
    }

    /// Writes `svg()` to `url` atomically (a temporary file renamed into place).
    /// - Throws: `PlotError.cannotWrite` naming the path when the file cannot be written.
    public func write(to url: URL) throws {
        do { try Data(svg().utf8).write(to: url, options: .atomic) }
        catch { throw PlotError.cannotWrite(path: url.path, reason: error.localizedDescription) }
    }
}

/// Errors from writing figures and images.
public enum PlotError: Error, CustomStringConvertible, Equatable {
    /// The file at `path` could not be written.
    case cannotWrite(path: String, reason: String)

    /// A one-line message naming the file and the reason.
    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
        }
    }
}
