/// The legend box: one entry per labelled series (a line sample with its marker, or a colour
/// patch for a histogram), framed like matplotlib's (white, light grey edge, rounded corners).
struct Legend {
    let entries: [Series]
    let fontSize: Double

    private var rowHeight: Double { fontSize * 1.35 }
    private var sampleWidth: Double { fontSize * 2 }
    private var padding: Double { fontSize * 0.45 }

    private var size: (width: Double, height: Double) {
        let text = entries.map { TextMetrics.width($0.label ?? "", fontSize: fontSize) }.max() ?? 0
        return (padding * 2 + sampleWidth + fontSize * 0.6 + text, padding * 2 + rowHeight * Double(entries.count) - fontSize * 0.35)
    }

    /// The box for a corner, inset from the frame like matplotlib's.
    private func box(_ placement: LegendPlacement, in plot: Rect) -> Rect {
        let (w, h) = size, inset = fontSize * 0.5
        let left = plot.x + inset, right = plot.maxX - inset - w, upper = plot.y + inset, lower = plot.maxY - inset - h
        switch placement {
        case .upperLeft: return Rect(x: left, y: upper, width: w, height: h)
        case .lowerLeft: return Rect(x: left, y: lower, width: w, height: h)
        case .lowerRight: return Rect(x: right, y: lower, width: w, height: h)
        case .upperRight, .best, .hidden: return Rect(x: right, y: upper, width: w, height: h)
        }
    }

    /// `best`: the corner covering the fewest drawn points (first in matplotlib's order on ties).
    private func resolve(_ placement: LegendPlacement, plot: Rect, occupied: [(Double, Double)]) -> LegendPlacement {
        guard placement == .best else { return placement }
        let corners: [LegendPlacement] = [.upperRight, .upperLeft, .lowerLeft, .lowerRight]
        let covered = corners.map { corner in
            let b = box(corner, in: plot)
            return occupied.reduce(0) { $0 + (b.contains($1.0, $1.1) ? 1 : 0) }
        }
        return corners[covered.firstIndex(of: covered.min() ?? 0) ?? 0]
    }

    func draw(into svg: inout SVGWriter, plot: Rect, placement: LegendPlacement, occupied: [(Double, Double)]) {
        let b = box(resolve(placement, plot: plot, occupied: occupied), in: plot)
        svg.open("g", [("class", "legend")])
        svg.element("rect", [("class", "legend-box"), ("x", px(b.x)), ("y", px(b.y)), ("width", px(b.width)),
                             ("height", px(b.height)), ("rx", px(fontSize * 0.2)), ("fill", "white"), ("fill-opacity", "0.8"),
                             ("stroke", "#cccccc"), ("stroke-width", "1")])
        for (i, entry) in entries.enumerated() {
            let midY = b.y + padding + rowHeight * Double(i) + fontSize * 0.5
            let x0 = b.x + padding, x1 = x0 + sampleWidth
            svg.open("g", [("class", "legend-entry"), ("data-label", entry.label ?? "")])
            switch entry {
            case .line(let s):
                if s.style != .none {
                    var attributes: [(String, String)] = [("d", "M\(px(x0)) \(px(midY))H\(px(x1))"), ("stroke", s.color.svg),
                                                          ("stroke-width", px(s.width)), ("fill", "none")]
                    if let dash = s.style.dashArray(width: s.width) { attributes.append(("stroke-dasharray", dash)) }
                    svg.element("path", attributes)
                }
                if s.marker != .none {
                    svg.element("path", SeriesPainter.markerAttributes(s.marker, color: s.color, size: s.markerSize,
                                                                       at: [((x0 + x1) / 2, midY)]))
                }
            case .histogram(let s):
                svg.element("rect", [("x", px(x0)), ("y", px(midY - fontSize * 0.35)), ("width", px(sampleWidth)),
                                     ("height", px(fontSize * 0.7)), ("fill", s.color.svg)])
            case .contour, .arrows: break
            }
            svg.element("text", [("x", px(x1 + fontSize * 0.6)), ("y", px(midY + fontSize * 0.36)), ("font-size", px(fontSize))],
                        content: entry.label ?? "")
            svg.close("g")
        }
        svg.close("g")
    }
}
