import Foundation

/// Lays out one `Axes` inside its cell of the figure and writes it as an SVG group:
/// plot area, series (clipped to it), frame, outward ticks with labels, axis labels, title, legend.
struct AxesRenderer {
    let axes: Axes
    let cell: Rect
    let fontSize: Double
    let index: Int

    private var tickLength: Double { fontSize * 0.42 }
    private var tickPad: Double { fontSize * 0.3 }

    /// The data extent of all series along one axis, with the values margins may not cross.
    private func extent(horizontal: Bool, scale: Scale) -> (lo: Double, hi: Double, sticky: [Double])? {
        var lo = Double.infinity, hi = -Double.infinity, sticky: [Double] = []
        let xScale = axes.xScale, yScale = axes.yScale
        func add(_ v: Double) {
            guard AxisMap.transform(v, scale) != nil else { return }
            lo = min(lo, v); hi = max(hi, v)
        }
        for s in axes.series {
            switch s {
            case .line(let l):
                for (x, y) in zip(l.x, l.y) where AxisMap.transform(x, xScale) != nil && AxisMap.transform(y, yScale) != nil {
                    add(horizontal ? x : y)
                }
            case .histogram(let h):
                if horizontal {
                    add(h.histogram.edges.first ?? 0); add(h.histogram.edges.last ?? 1)
                    sticky += [h.histogram.edges.first ?? 0, h.histogram.edges.last ?? 1]
                } else {
                    h.histogram.counts.forEach { add(Double($0)) }
                    if scale == .linear { add(0); sticky.append(0) }
                }
            case .contour(let c):
                let r = horizontal ? c.xRange : c.yRange
                add(r.lowerBound); add(r.upperBound); sticky += [r.lowerBound, r.upperBound]
            case .arrows(let a):
                (horizontal ? a.x : a.y).forEach(add)
            }
        }
        return lo <= hi ? (lo, hi, sticky) : nil
    }

    private func limits(horizontal: Bool) -> (Double, Double) {
        let scale = horizontal ? axes.xScale : axes.yScale
        if let fixed = horizontal ? axes.xLimits : axes.yLimits { return (fixed.lowerBound, fixed.upperBound) }
        guard let e = extent(horizontal: horizontal, scale: scale) else { return scale == .log ? (1, 10) : (0, 1) }
        return Ticks.limits(lo: e.lo, hi: e.hi, sticky: e.sticky, margin: 0.05, scale: scale)
    }

    func render(into svg: inout SVGWriter) {
        let f = fontSize
        let (xLo, xHi) = limits(horizontal: true), (yLo, yHi) = limits(horizontal: false)
        let top = axes.title != nil ? f * 2.1 : f * 0.8
        let bottom = (axes.showsXTicks ? tickLength + tickPad + f : 0) + (axes.xLabel != nil ? f * 1.5 : 0) + f * 0.5
        let plotHeight = max(10, cell.height - top - bottom)
        let yTicks = !axes.showsYTicks ? [] : Ticks.ticks(lower: min(yLo, yHi), upper: max(yLo, yHi), scale: axes.yScale,
                                 maxCount: max(2, Int(plotHeight / (f * 3.2))))
        let yLabelWidth = yTicks.filter(\.major).map { TextMetrics.width($0, fontSize: f) }.max() ?? 0
        let left = f * 0.4 + (axes.yLabel != nil ? f * 1.5 : 0) + (axes.showsYTicks ? yLabelWidth + tickPad + tickLength : 0)
        let right = f * 1.2
        let plot = Rect(x: cell.x + left, y: cell.y + top, width: max(10, cell.width - left - right), height: plotHeight)
        let xTicks = axes.showsXTicks ? fittingXTicks(lower: xLo, upper: xHi, width: plot.width) : []
        let xMap = AxisMap(scale: axes.xScale, lower: xLo, upper: xHi, start: plot.x, end: plot.maxX)
        let yMap = AxisMap(scale: axes.yScale, lower: yLo, upper: yHi, start: plot.maxY, end: plot.y)

        svg.open("g", [("class", "axes"), ("id", "axes-\(index)")])
        svg.element("rect", [("class", "plot-background"), ("x", px(plot.x)), ("y", px(plot.y)),
                             ("width", px(plot.width)), ("height", px(plot.height)), ("fill", "white")])
        let clip = "clip-\(index)"
        svg.open("defs")
        svg.open("clipPath", [("id", clip)])
        svg.element("rect", [("x", px(plot.x)), ("y", px(plot.y)), ("width", px(plot.width)), ("height", px(plot.height))])
        svg.close("clipPath")
        svg.close("defs")
        if axes.grid { drawGrid(&svg, xTicks: xTicks, yTicks: yTicks, xMap: xMap, yMap: yMap, plot: plot) }
        svg.open("g", [("class", "plot-area"), ("clip-path", "url(#\(clip))")])
        var painter = SeriesPainter(xMap: xMap, yMap: yMap, plot: plot)
        for s in axes.series { painter.draw(s, into: &svg) }
        svg.close("g")
        svg.element("rect", [("class", "frame"), ("x", px(plot.x)), ("y", px(plot.y)), ("width", px(plot.width)),
                             ("height", px(plot.height)), ("fill", "none"), ("stroke", "black"), ("stroke-width", "1")])
        drawXAxis(&svg, ticks: xTicks, map: xMap, plot: plot)
        drawYAxis(&svg, ticks: yTicks, map: yMap, plot: plot, labelWidth: yLabelWidth)
        if let title = axes.title {
            // Long titles (the search grid's "Best-1 (val acc:0.83) lr:…") shrink to the cell's width.
            let natural = TextMetrics.width(title, fontSize: f * 1.2)
            let size = natural > cell.width - f ? max(f * 0.6, f * 1.2 * (cell.width - f) / natural) : f * 1.2
            let halfWidth = TextMetrics.width(title, fontSize: size) / 2
            let centre = max(cell.x + halfWidth, min(cell.maxX - halfWidth, plot.midX))
            svg.element("text", [("class", "title"), ("x", px(centre)), ("y", px(plot.y - f * 0.6)),
                                 ("font-size", px(size)), ("text-anchor", "middle")], content: title)
        }
        let entries = axes.series.filter { $0.label != nil }
        if !entries.isEmpty && axes.legend != .hidden {
            Legend(entries: entries, fontSize: f).draw(into: &svg, plot: plot, placement: axes.legend,
                                                      occupied: painter.drawnPoints)
        }
        svg.close("g")
    }

    /// Linear x ticks thinned until their labels fit side by side with a gap.
    private func fittingXTicks(lower: Double, upper: Double, width: Double) -> [Tick] {
        var count = max(2, Int(width / (fontSize * 4)))
        while true {
            let ticks = Ticks.ticks(lower: min(lower, upper), upper: max(lower, upper), scale: axes.xScale, maxCount: count)
            let labelled = ticks.filter(\.major)
            let needed = labelled.map { TextMetrics.width($0, fontSize: fontSize) + fontSize * 0.8 }.reduce(0, +)
            if needed <= width || count <= 2 { return ticks }
            count -= 1
        }
    }

    private func drawGrid(_ svg: inout SVGWriter, xTicks: [Tick], yTicks: [Tick], xMap: AxisMap, yMap: AxisMap, plot: Rect) {
        var d = ""
        for t in xTicks where t.major { if let x = xMap(t.value) { d += "M\(px(x)) \(px(plot.y))V\(px(plot.maxY))" } }
        for t in yTicks where t.major { if let y = yMap(t.value) { d += "M\(px(plot.x)) \(px(y))H\(px(plot.maxX))" } }
        svg.element("path", [("class", "grid"), ("d", d), ("stroke", "#b0b0b0"), ("stroke-width", "0.8"), ("fill", "none")])
    }

    private func label(_ svg: inout SVGWriter, _ tick: Tick, _ attributes: [(String, String)]) {
        if let e = tick.exponent {
            let markup = "10<tspan dy=\"-0.45em\" font-size=\"70%\">\(TextMetrics.minusSigned(e))</tspan>"
            svg.element("text", attributes, markup: markup)
        } else {
            svg.element("text", attributes, content: tick.label)
        }
    }

    private func dataValue(_ tick: Tick) -> String {
        if let e = tick.exponent { return "1e\(e)" }
        return formatNumber(tick.value, decimals: 12)
    }

    private func drawXAxis(_ svg: inout SVGWriter, ticks: [Tick], map: AxisMap, plot: Rect) {
        svg.open("g", [("class", "x-axis")])
        for t in ticks {
            guard let x = map(t.value), x >= plot.x - 0.5, x <= plot.maxX + 0.5 else { continue }
            let length = t.major ? tickLength : tickLength * 0.6
            svg.open("g", [("class", t.major ? "tick" : "minor-tick"), ("data-value", dataValue(t))])
            svg.element("line", [("x1", px(x)), ("y1", px(plot.maxY)), ("x2", px(x)), ("y2", px(plot.maxY + length)),
                                 ("stroke", "black"), ("stroke-width", "1")])
            if !t.label.isEmpty {
                label(&svg, t, [("class", "tick-label"), ("x", px(x)), ("y", px(plot.maxY + tickLength + tickPad + fontSize * 0.8)),
                                ("font-size", px(fontSize)), ("text-anchor", "middle")])
            }
            svg.close("g")
        }
        if let text = axes.xLabel {
            svg.element("text", [("class", "axis-label"), ("x", px(plot.midX)),
                                 ("y", px(plot.maxY + (axes.showsXTicks ? tickLength + tickPad + fontSize : 0) + fontSize * 1.3)),
                                 ("font-size", px(fontSize)), ("text-anchor", "middle")], content: text)
        }
        svg.close("g")
    }

    private func drawYAxis(_ svg: inout SVGWriter, ticks: [Tick], map: AxisMap, plot: Rect, labelWidth: Double) {
        svg.open("g", [("class", "y-axis")])
        for t in ticks {
            guard let y = map(t.value), y >= plot.y - 0.5, y <= plot.maxY + 0.5 else { continue }
            let length = t.major ? tickLength : tickLength * 0.6
            svg.open("g", [("class", t.major ? "tick" : "minor-tick"), ("data-value", dataValue(t))])
            svg.element("line", [("x1", px(plot.x - length)), ("y1", px(y)), ("x2", px(plot.x)), ("y2", px(y)),
                                 ("stroke", "black"), ("stroke-width", "1")])
            if !t.label.isEmpty {
                label(&svg, t, [("class", "tick-label"), ("x", px(plot.x - tickLength - tickPad)), ("y", px(y + fontSize * 0.36)),
                                ("font-size", px(fontSize)), ("text-anchor", "end")])
            }
            svg.close("g")
        }
        if let text = axes.yLabel {
            let offset = axes.showsYTicks ? tickLength + tickPad + labelWidth : 0
            let x = plot.x - offset - fontSize * 0.55, y = plot.midY
            svg.element("text", [("class", "axis-label"), ("x", px(x)), ("y", px(y)), ("font-size", px(fontSize)),
                                 ("text-anchor", "middle"), ("transform", "rotate(-90 \(px(x)) \(px(y)))")], content: text)
        }
        svg.close("g")
    }
}
