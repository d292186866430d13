/// Draws series in pixel space and remembers where data landed (for the legend's `best` spot).
struct SeriesPainter {
    let xMap: AxisMap, yMap: AxisMap
    let plot: Rect
    private(set) var drawnPoints: [(Double, Double)] = []

    init(xMap: AxisMap, yMap: AxisMap, plot: Rect) {
        self.xMap = xMap; self.yMap = yMap; self.plot = plot
    }

    private func point(_ x: Double, _ y: Double) -> (Double, Double)? {
        guard let px = xMap(x), let py = yMap(y) else { return nil }
        return (px, py)
    }

    mutating func draw(_ series: Series, into svg: inout SVGWriter) {
        switch series {
        case .line(let s): drawLine(s, &svg)
        case .histogram(let s): drawHistogram(s, &svg)
        case .contour(let s): drawContour(s, &svg)
        case .arrows(let s): drawArrows(s, &svg)
        }
    }

    private func labelAttribute(_ label: String?) -> [(String, String)] {
        label.map { [("data-label", $0)] } ?? []
    }

    private mutating func drawLine(_ s: LineSeries, _ svg: inout SVGWriter) {
        let points = zip(s.x, s.y).map { point($0, $1) }
        drawnPoints += points.compactMap { $0 }
        if s.style != .none { drawnPoints += Self.samples(along: points) }
        if s.style != .none {
            var d = "", penDown = false
            for p in points {
                guard let (x, y) = p else { penDown = false; continue }
                d += (penDown ? "L" : "M") + "\(px(x)) \(px(y))"
                penDown = true
            }
            var attributes: [(String, String)] = [("class", "series line")] + labelAttribute(s.label)
            attributes += [("d", d), ("fill", "none"), ("stroke", s.color.svg), ("stroke-width", px(s.width)),
                           ("stroke-linejoin", "round"), ("stroke-linecap", s.style == .solid ? "round" : "butt")]
            if let dash = s.style.dashArray(width: s.width) { attributes.append(("stroke-dasharray", dash)) }
            svg.element("path", attributes)
        }
        if s.marker != .none {
            let centres = stride(from: 0, to: points.count, by: s.markEvery).compactMap { points[$0] }
            let series = s.style == .none ? "series scatter" : "markers"
            svg.element("path", [("class", series)] + labelAttribute(s.label)
                        + Self.markerAttributes(s.marker, color: s.color, size: s.markerSize, at: centres))
        }
    }

    /// Points every ~8 px along the segments between consecutive points, so that a long straight
    /// segment also keeps the legend away.
    static func samples(along points: [(Double, Double)?]) -> [(Double, Double)] {
        var out: [(Double, Double)] = []
        for (a, b) in zip(points, points.dropFirst()) {
            guard let a, let b else { continue }
            let length = ((b.0 - a.0) * (b.0 - a.0) + (b.1 - a.1) * (b.1 - a.1)).squareRoot()
            let steps = min(1000, Int(length / 8))
            guard steps > 1 else { continue }
            for k in 1..<steps {
                let t = Double(k) / Double(steps)
                out.append((a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t))
            }
        }
        return out
    }

    /// The `d`, fill and stroke of `marker` drawn at every point of `centres`, as one path.
    static func markerAttributes(_ marker: Marker, color: Color, size: Double, at centres: [(Double, Double)]) -> [(String, String)] {
        let r = size / 2
        var d = ""
        for (x, y) in centres {
            switch marker {
            case .none: break
            case .circle:
                d += "M\(px(x - r)) \(px(y))a\(px(r)) \(px(r)) 0 1 0 \(px(2 * r)) 0a\(px(r)) \(px(r)) 0 1 0 \(px(-2 * r)) 0Z"
            case .square:
                let h = r * 0.85
                d += "M\(px(x - h)) \(px(y - h))h\(px(2 * h))v\(px(2 * h))h\(px(-2 * h))Z"
            case .diamond:
                d += "M\(px(x)) \(px(y - r))L\(px(x + r * 0.75)) \(px(y))L\(px(x)) \(px(y + r))L\(px(x - r * 0.75)) \(px(y))Z"
            case .triangle:
                d += "M\(px(x)) \(px(y - r))L\(px(x + r)) \(px(y + r * 0.75))L\(px(x - r)) \(px(y + r * 0.75))Z"
            case .cross:
                d += "M\(px(x - r)) \(px(y - r))L\(px(x + r)) \(px(y + r))M\(px(x - r)) \(px(y + r))L\(px(x + r)) \(px(y - r))"
            case .plus:
                d += "M\(px(x - r)) \(px(y))H\(px(x + r))M\(px(x)) \(px(y - r))V\(px(y + r))"
            }
        }
        let stroked = marker == .cross || marker == .plus
        return [("d", d), ("fill", stroked ? "none" : color.svg), ("stroke", color.svg),
                ("stroke-width", stroked ? px(max(1, size / 5)) : "1")]
    }

    private mutating func drawHistogram(_ s: HistogramSeries, _ svg: inout SVGWriter) {
        svg.open("g", [("class", "series histogram")] + labelAttribute(s.label) + [("fill", s.color.svg)])
        let h = s.histogram
        for (i, count) in h.counts.enumerated() {
            guard let x0 = xMap(h.edges[i]), let x1 = xMap(h.edges[i + 1]) else { continue }
            let base = yMap(yMap.scale == .log ? yMap.lower : 0) ?? plot.maxY
            let top = count > 0 ? (yMap(Double(count)) ?? base) : base
            drawnPoints.append(((x0 + x1) / 2, top))
            svg.element("rect", [("class", "bar"), ("data-count", "\(count)"), ("x", px(min(x0, x1))), ("y", px(min(top, base))),
                                 ("width", px(abs(x1 - x0))), ("height", px(abs(base - top)))])
        }
        svg.close("g")
    }

    private mutating func drawContour(_ s: ContourSeries, _ svg: inout SVGWriter) {
        for line in s.lines {
            let colour = s.colors[s.levels.firstIndex(of: line.level) ?? 0]
            let points = line.points.compactMap { point($0.x, $0.y) }
            guard points.count >= 2 else { continue }
            var d = "M" + points.map { "\(px($0.0)) \(px($0.1))" }.joined(separator: "L")
            if line.isClosed { d += "Z" }
            svg.element("path", [("class", "series contour"), ("data-level", formatNumber(line.level, decimals: 9)),
                                 ("data-closed", line.isClosed ? "true" : "false"), ("d", d), ("fill", "none"),
                                 ("stroke", colour.svg), ("stroke-width", px(s.width)), ("stroke-linejoin", "round")])
        }
    }

    /// Quiver arrows as filled polygons with matplotlib's proportions: shaft 0.5 % of the plot
    /// width, head 3 shafts wide and 5 long; arrows shorter than a head shrink as a whole.
    private mutating func drawArrows(_ s: ArrowSeries, _ svg: inout SVGWriter) {
        let n = s.x.count
        var vectors: [(start: (Double, Double), d: (Double, Double))] = []
        for i in 0..<n {
            guard let start = point(s.x[i], s.y[i]), s.u[i].isFinite, s.v[i].isFinite else { continue }
            vectors.append((start, (s.u[i] * xMap.pixelsPerUnit, s.v[i] * yMap.pixelsPerUnit)))
        }
        let longest = vectors.map { ($0.d.0 * $0.d.0 + $0.d.1 * $0.d.1).squareRoot() }.max() ?? 0
        let factor: Double
        if let scale = s.scale { factor = scale }
        else {
            let spacing = (plot.width * plot.height / Double(max(1, vectors.count))).squareRoot()
            factor = longest > 0 ? spacing / longest : 0
        }
        let shaft = plot.width * 0.005
        svg.open("g", [("class", "series arrows"), ("fill", s.color.svg)])
        for (start, d) in vectors {
            let dx = d.0 * factor, dy = d.1 * factor, length = (dx * dx + dy * dy).squareRoot()
            guard length > 1e-9 else { continue }
            drawnPoints.append(start)
            let shrink = min(1, length / (5 * shaft)), w = shaft * shrink
            let ux = dx / length, uy = dy / length, nx = -uy, ny = ux
            func at(_ along: Double, _ across: Double) -> String {
                "\(px(start.0 + ux * along + nx * across)) \(px(start.1 + uy * along + ny * across))"
            }
            let path = "M" + [at(0, w / 2), at(length - 4.5 * w, w / 2), at(length - 5 * w, 1.5 * w), at(length, 0),
                              at(length - 5 * w, -1.5 * w), at(length - 4.5 * w, -w / 2), at(0, -w / 2)].joined(separator: "L") + "Z"
            svg.element("path", [("class", "arrow"), ("d", path)])
        }
        svg.close("g")
    }
}
