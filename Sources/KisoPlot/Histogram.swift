import Kiso

/// Counts of values in equal-width bins, as `numpy.histogram` computes them: `bins` intervals
/// `[edges[i], edges[i+1])` over `range`, the last one closed on the right; values outside
/// `range`, NaN and infinities are not counted.
public struct Histogram: Sendable, Equatable {
    /// `bins + 1` increasing bin edges.
    public var edges: [Double]
    /// `bins` counts.
    public var counts: [Int]

    /// Bins `values` into `bins` equal intervals of `range` (default: the finite values'
    /// minimum to maximum, widened by ½ on each side when they are all equal).
    public init<C: Collection>(_ values: C, bins: Int, range: ClosedRange<Double>? = nil)
    where C.Element: BinaryFloatingPoint {
        kisoPrecondition(bins > 0, "Histogram: bins must be positive, got \(bins)")
        let finite = values.lazy.map { Double($0) }.filter { $0.isFinite }
        var lo = range?.lowerBound ?? finite.min() ?? 0
        var hi = range?.upperBound ?? finite.max() ?? 1
        if lo == hi { lo -= 0.5; hi += 0.5 }
        edges = (0...bins).map { lo + (hi - lo) * Double($0) / Double(bins) }
        counts = [Int](repeating: 0, count: bins)
        let width = hi - lo
        for v in finite where v >= lo && v <= hi {
            let i = min(bins - 1, Int((v - lo) / width * Double(bins)))
            counts[i] += 1
        }
    }

    /// Bins the scalars of `tensor` (all of them, whatever its shape).
    public init(_ tensor: Tensor, bins: Int, range: ClosedRange<Double>? = nil) {
        self.init(tensor.scalars, bins: bins, range: range)
    }
}
