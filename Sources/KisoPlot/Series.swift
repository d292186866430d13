/// How a line series is stroked.
public enum LineStyle: Sendable, Equatable {
    /// A continuous line (matplotlib `-`).
    case solid
    /// Dashes (`--`).
    case dashed
    /// Dots (`:`).
    case dotted
    /// Dash-dot (`-.`).
    case dashDot
    /// No line: markers only, as a scatter plot.
    case none

    /// The SVG `stroke-dasharray` for a line `width` pixels wide (matplotlib's patterns).
    func dashArray(width: Double) -> String? {
        let pattern: [Double]
        switch self {
        case .solid, .none: return nil
        case .dashed: pattern = [3.7, 1.6]
        case .dotted: pattern = [1, 1.65]
        case .dashDot: pattern = [6.4, 1.6, 1, 1.6]
        }
        return pattern.map { px($0 * width) }.joined(separator: ",")
    }
}

/// The symbol drawn at the points of a series.
public enum Marker: Sendable, Equatable {
    /// No symbol.
    case none
    /// A filled circle (matplotlib `o`).
    case circle
    /// A filled square (`s`).
    case square
    /// A filled diamond (`D`).
    case diamond
    /// A filled triangle pointing up (`^`).
    case triangle
    /// A diagonal cross (`x`), stroked.
    case cross
    /// An upright cross (`+`), stroked.
    case plus
}

/// Where the legend box sits inside the axes.
public enum LegendPlacement: Sendable, Equatable {
    /// The corner that covers the fewest data points (matplotlib's `best`).
    case best
    /// Top right corner.
    case upperRight
    /// Top left corner.
    case upperLeft
    /// Bottom left corner.
    case lowerLeft
    /// Bottom right corner.
    case lowerRight
    /// No legend, even when series have labels.
    case hidden
}

/// A line (or marker-only) series in data coordinates.
struct LineSeries {
    var x: [Double], y: [Double]
    var label: String?
    var color: Color
    var style: LineStyle
    var width: Double
    var marker: Marker
    var markerSize: Double
    var markEvery: Int
}

/// A histogram: `counts[i]` samples fell in `[edges[i], edges[i+1])`.
struct HistogramSeries {
    var histogram: Histogram
    var label: String?
    var color: Color
}

/// Contour lines of a gridded function, one colour per level.
struct ContourSeries {
    var lines: [ContourLine]
    var levels: [Double]
    var colors: [Color]
    var width: Double
    var xRange: ClosedRange<Double>, yRange: ClosedRange<Double>
}

/// Arrows (a quiver plot): from `(x[i], y[i])` along `(u[i], v[i])`.
struct ArrowSeries {
    var x: [Double], y: [Double], u: [Double], v: [Double]
    var color: Color
    /// Data units per unit of (u, v); nil scales the longest arrow to about the grid spacing.
    var scale: Double?
}

/// Anything an `Axes` can draw.
enum Series {
    case line(LineSeries)
    case histogram(HistogramSeries)
    case contour(ContourSeries)
    case arrows(ArrowSeries)

    /// The label shown in the legend, if any.
    var label: String? {
        switch self {
        case .line(let s): return s.label
        case .histogram(let s): return s.label
        case .contour, .arrows: return nil
        }
    }
}
