import Foundation

/// How an axis maps data values to positions.
public enum Scale: Sendable, Equatable {
    /// Equal distances for equal differences.
    case linear
    /// Equal distances for equal ratios (base 10); values ≤ 0 are not drawn.
    case log
}

/// One tick of an axis: its data value, its label, and whether it is a major (labelled) tick.
struct Tick: Equatable {
    var value: Double
    /// The label as plain text; `exponent` is set for log-axis labels `10^exponent`.
    var label: String
    var exponent: Int?
    var major: Bool
}

/// The map from data values on one axis to pixel positions: `lower` lands on `start`,
/// `upper` on `end` (for a y axis `start` is the bottom, so `end < start`).
struct AxisMap {
    var scale: Scale
    var lower: Double
    var upper: Double
    var start: Double
    var end: Double

    /// `v` in the axis's own coordinate (log10 for a log axis); nil when it cannot be drawn.
    static func transform(_ v: Double, _ scale: Scale) -> Double? {
        guard v.isFinite else { return nil }
        switch scale {
        case .linear: return v
        case .log: return v > 0 ? log10(v) : nil
        }
    }

    /// The pixel position of `v`, or nil for a value the axis cannot show (NaN, ≤ 0 on a log axis).
    func callAsFunction(_ v: Double) -> Double? {
        guard let t = Self.transform(v, scale),
              let lo = Self.transform(lower, scale), let hi = Self.transform(upper, scale) else { return nil }
        return start + (t - lo) / (hi - lo) * (end - start)
    }

    /// Pixels per unit of the axis's own coordinate (signed).
    var pixelsPerUnit: Double {
        let lo = Self.transform(lower, scale) ?? 0, hi = Self.transform(upper, scale) ?? 1
        return (end - start) / (hi - lo)
    }
}

/// Limits and ticks for one axis.
enum Ticks {
    /// Data limits `[lo, hi]` widened by `margin` (a fraction of the span, in the axis's own
    /// coordinate) except past a sticky value the data touches (e.g. 0 under a histogram);
    /// a zero span is widened so that the axis is drawable.
    static func limits(lo: Double, hi: Double, sticky: [Double], margin: Double, scale: Scale) -> (Double, Double) {
        guard var a = AxisMap.transform(lo, scale), var b = AxisMap.transform(hi, scale) else {
            return scale == .log ? (0.1, 10) : (0, 1)
        }
        if a == b {
            let d = scale == .log ? 1.0 : (a == 0 ? 1.0 : abs(a) * 0.1)
            a -= d; b += d
        } else {
            let m = (b - a) * margin
            var na = a - m, nb = b + m
            for s in sticky.compactMap({ AxisMap.transform($0, scale) }) {
                if a >= s && na < s { na = s }
                if b <= s && nb > s { nb = s }
            }
            a = na; b = nb
        }
        return scale == .log ? (pow(10, a), pow(10, b)) : (a, b)
    }

    /// Ticks for the interval `[lower, upper]`, at most about `maxCount` labelled ones.
    static func ticks(lower: Double, upper: Double, scale: Scale, maxCount: Int) -> [Tick] {
        switch scale {
        case .linear: return linear(lower: lower, upper: upper, maxCount: maxCount)
        case .log: return log(lower: lower, upper: upper, maxCount: maxCount)
        }
    }

    /// The 1-2-5 step: the smallest of {1, 2, 5} × 10^k whose multiples inside
    /// `[lower, upper]` make at most `maxCount` intervals.
    static func niceStep(lower: Double, upper: Double, maxCount: Int) -> Double {
        let span = upper - lower, intervals = Double(max(1, maxCount))
        var magnitude = pow(10, floor(log10(span / intervals)) - 1)
        while true {
            for m in [1.0, 2.0, 5.0] {
                let step = m * magnitude
                let count = (upper / step + 1e-9).rounded(.down) - (lower / step - 1e-9).rounded(.up)
                if count <= intervals { return step }
            }
            magnitude *= 10
        }
    }

    /// Multiples of the 1-2-5 step inside `[lower, upper]`, labelled with just enough decimals.
    static func linear(lower: Double, upper: Double, maxCount: Int) -> [Tick] {
        let span = upper - lower
        guard span > 0, span.isFinite else { return [] }
        let step = niceStep(lower: lower, upper: upper, maxCount: maxCount)
        // Limits beyond what a Double resolves at this step (e.g. 1e20 ± 1e3) get no ticks
        // rather than an integer overflow.
        guard max(abs(lower), abs(upper)) / step < 1e15 else { return [] }
        let decimals = max(0, -Int(floor(log10(step) + 1e-9)))
        let first = Int((lower / step - 1e-9).rounded(.up)), last = Int((upper / step + 1e-9).rounded(.down))
        guard first <= last else { return [] }
        return (first...last).map { i in
            let v = Double(i) * step
            return Tick(value: v, label: formatNumber(v, decimals: decimals).replacingOccurrences(of: "-", with: "\u{2212}"),
                        exponent: nil, major: true)
        }
    }

    /// Powers of ten (every n-th when there are too many decades) as labelled ticks, and
    /// 2…9 × 10^k as unlabelled minor ticks when few decades are shown. Within a single decade
    /// the minor ticks are labelled too, so that the axis is readable.
    static func log(lower: Double, upper: Double, maxCount: Int) -> [Tick] {
        guard lower > 0, upper > lower else { return [] }
        let lo = log10(lower), hi = log10(upper)
        let firstDecade = Int(floor(lo + 1e-9)), lastDecade = Int(ceil(hi - 1e-9))
        let decades = lastDecade - firstDecade
        let stride = max(1, Int((Double(decades) / Double(max(1, maxCount))).rounded(.up)))
        var ticks: [Tick] = []
        let inRange = { (v: Double) in v >= lower * (1 - 1e-9) && v <= upper * (1 + 1e-9) }
        let majorCount = (firstDecade...lastDecade).filter { inRange(pow(10, Double($0))) }.count
        for k in firstDecade...lastDecade {
            let v = pow(10, Double(k))
            if inRange(v) && k % stride == 0 {
                ticks.append(Tick(value: v, label: "10^\(k)", exponent: k, major: true))
            }
            guard stride == 1 && decades <= 8 else { continue }
            for m in 2...9 {
                let mv = Double(m) * v
                guard inRange(mv) else { continue }
                let label = majorCount < 2 ? formatNumber(mv, decimals: max(0, -k)) : ""
                ticks.append(Tick(value: mv, label: label, exponent: nil, major: majorCount < 2))
            }
        }
        return ticks
    }
}
