import Kiso

/// One chart: its series, labels, scales and limits. Build it up with `line`, `scatter`,
/// `histogram`, `contour` and `arrows`, then place it in a `Figure`. Series without an explicit
/// colour take the next one of `Color.cycle`, as in matplotlib. A path overlaid on a contour
/// (gradient descent, optimizer trajectories) is a `line` with a `marker`; a numerical
/// derivative's tangent is a second `line`.
///
/// ```swift
/// var figure = Figure()
/// figure[0, 0].line(x: xs, y: xs.map(sigmoid), label: "sigmoid")
/// figure[0, 0].xLabel = "x"
/// try figure.write(to: URL(fileURLWithPath: "sigmoid.svg"))
/// ```
public struct Axes: Sendable {
    /// Text above the chart.
    public var title: String?
    /// Text under the x axis.
    public var xLabel: String?
    /// Text left of the y axis, rotated.
    public var yLabel: String?
    /// How x values map to positions.
    public var xScale: Scale = .linear
    /// How y values map to positions.
    public var yScale: Scale = .linear
    /// Fixed x limits; nil fits the data with a 5 % margin.
    public var xLimits: ClosedRange<Double>?
    /// Fixed y limits; nil fits the data with a 5 % margin.
    public var yLimits: ClosedRange<Double>?
    /// Where the legend goes; it is drawn only when a series has a label.
    public var legend: LegendPlacement = .best
    /// Light grid lines at the major ticks.
    public var grid = false
    /// Draw the x ticks and their labels (false: as `plt.xticks([])`).
    public var showsXTicks = true
    /// Draw the y ticks and their labels (false: as `plt.yticks([])`, e.g. for all but the
    /// first of a row of histograms).
    public var showsYTicks = true

    var series: [Series] = []
    private var colorIndex = 0

    /// An empty chart.
    public init(title: String? = nil, xLabel: String? = nil, yLabel: String? = nil) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
    }

    private mutating func nextColor(_ color: Color?) -> Color {
        if let color { return color }
        defer { colorIndex += 1 }
        return Color.cycle[colorIndex % Color.cycle.count]
    }

    /// A line through the points `(x[i], y[i])`; non-finite values (and values ≤ 0 on a log
    /// axis) break the line. Sizes are in pixels.
    /// - Parameters:
    ///   - x: the horizontal coordinates.
    ///   - y: the vertical coordinates, as many as `x`.
    ///   - label: the legend entry (none when `nil`).
    ///   - color: the stroke colour; the next of `Color.cycle` when `nil`.
    ///   - style: how the line is stroked (`.none` for markers only).
    ///   - width: the stroke width.
    ///   - marker: drawn at every `markEvery`-th point, starting with the first.
    ///   - markerSize: the marker's size.
    ///   - markEvery: the spacing of the markers, in points.
    public mutating func line<X: Collection, Y: Collection>(
        x: X, y: Y, label: String? = nil, color: Color? = nil, style: LineStyle = .solid,
        width: Double = 2, marker: Marker = .none, markerSize: Double = 7, markEvery: Int = 1
    ) where X.Element: BinaryFloatingPoint, Y.Element: BinaryFloatingPoint {
        kisoPrecondition(x.count == y.count, "Axes.line: x has \(x.count) values but y has \(y.count)")
        kisoPrecondition(markEvery >= 1, "Axes.line: markEvery must be at least 1, got \(markEvery)")
        series.append(.line(LineSeries(
            x: x.map { Double($0) }, y: y.map { Double($0) }, label: label, color: nextColor(color), style: style,
            width: width, marker: marker, markerSize: markerSize, markEvery: markEvery)))
    }

    /// A line through `(i, y[i])` for i = 0, 1, … (as `plt.plot(y)`).
    public mutating func line<Y: Collection>(
        _ y: Y, label: String? = nil, color: Color? = nil, style: LineStyle = .solid,
        width: Double = 2, marker: Marker = .none, markerSize: Double = 7, markEvery: Int = 1
    ) where Y.Element: BinaryFloatingPoint {
        line(x: (0..<y.count).map(Double.init), y: y, label: label, color: color, style: style, width: width,
             marker: marker, markerSize: markerSize, markEvery: markEvery)
    }

    /// Markers at the points `(x[i], y[i])`, without a connecting line.
    public mutating func scatter<X: Collection, Y: Collection>(
        x: X, y: Y, label: String? = nil, color: Color? = nil, marker: Marker = .circle, size: Double = 7
    ) where X.Element: BinaryFloatingPoint, Y.Element: BinaryFloatingPoint {
        line(x: x, y: y, label: label, color: color, style: .none, marker: marker, markerSize: size)
    }

    /// Bars of a histogram of `values` (see `Histogram` for the binning rules).
    public mutating func histogram<C: Collection>(
        _ values: C, bins: Int = 10, range: ClosedRange<Double>? = nil, label: String? = nil, color: Color? = nil
    ) where C.Element: BinaryFloatingPoint {
        histogram(Histogram(values, bins: bins, range: range), label: label, color: color)
    }

    /// Bars of an already computed histogram.
    public mutating func histogram(_ histogram: Histogram, label: String? = nil, color: Color? = nil) {
        series.append(.histogram(HistogramSeries(histogram: histogram, label: label, color: nextColor(color))))
    }

    /// Contour lines of `z[j][i] = f(x[i], y[j])` at `levels`, coloured along viridis from the
    /// lowest level to the highest unless `colors` gives one colour per level (or one for all).
    public mutating func contour(z: [[Double]], x: [Double], y: [Double], levels: [Double],
                                 colors: [Color]? = nil, width: Double = 1.5) {
        let sorted = levels.sorted()
        let palette: [Color]
        if let colors, colors.count == 1 { palette = Array(repeating: colors[0], count: sorted.count) }
        else if let colors {
            kisoPrecondition(colors.count == sorted.count,
                             "Axes.contour: \(colors.count) colours for \(sorted.count) levels")
            palette = colors
        } else { palette = Colormap.viridis(count: sorted.count) }
        series.append(.contour(ContourSeries(
            lines: Contour.lines(z: z, x: x, y: y, levels: sorted), levels: sorted, colors: palette, width: width,
            xRange: (x.min() ?? 0)...(x.max() ?? 1), yRange: (y.min() ?? 0)...(y.max() ?? 1))))
    }

    /// Contour lines of `z` at about `levelCount` round levels strictly between its minimum
    /// and maximum (as matplotlib chooses them).
    public mutating func contour(z: [[Double]], x: [Double], y: [Double], levelCount: Int = 7,
                                 colors: [Color]? = nil, width: Double = 1.5) {
        let finite = z.joined().filter { $0.isFinite }
        let lo = finite.min() ?? 0, hi = finite.max() ?? 1
        let levels = Ticks.linear(lower: lo, upper: hi, maxCount: levelCount + 1).map(\.value)
            .filter { $0 > lo && $0 < hi }
        contour(z: z, x: x, y: y, levels: levels, colors: colors, width: width)
    }

    /// Contour lines of `f` sampled on a `resolution × resolution` grid over `x` × `y`, at
    /// `levels` (nil: about seven round levels).
    public mutating func contour(x: ClosedRange<Double>, y: ClosedRange<Double>, resolution: Int = 101,
                                 levels: [Double]? = nil, colors: [Color]? = nil, width: Double = 1.5,
                                 _ f: (Double, Double) -> Double) {
        kisoPrecondition(resolution >= 2, "Axes.contour: resolution must be at least 2, got \(resolution)")
        let step = { (r: ClosedRange<Double>, i: Int) in r.lowerBound + (r.upperBound - r.lowerBound) * Double(i) / Double(resolution - 1) }
        let xs = (0..<resolution).map { step(x, $0) }, ys = (0..<resolution).map { step(y, $0) }
        let z = ys.map { yv in xs.map { xv in f(xv, yv) } }
        if let levels { contour(z: z, x: xs, y: ys, levels: levels, colors: colors, width: width) }
        else { contour(z: z, x: xs, y: ys, colors: colors, width: width) }
    }

    /// Arrows from `(x[i], y[i])` along `(u[i], v[i])` (a quiver plot, angles in data
    /// coordinates). `scale` is the arrow length in data units per unit of (u, v); nil scales
    /// the longest arrow to about the spacing of the points.
    public mutating func arrows(x: [Double], y: [Double], u: [Double], v: [Double],
                                color: Color = Color(hex: 0x666666), scale: Double? = nil) {
        kisoPrecondition(x.count == y.count && x.count == u.count && x.count == v.count,
                         "Axes.arrows: x, y, u, v have \(x.count), \(y.count), \(u.count), \(v.count) values; they must match")
        series.append(.arrows(ArrowSeries(x: x, y: y, u: u, v: v, color: color, scale: scale)))
    }
}
