import Foundation

extension Tensor: CustomStringConvertible, CustomDebugStringConvertible {
    /// The elements printed like NumPy: nested brackets, numbers aligned to a common width,
    /// `…` summaries past 1000 elements.
    public var description: String { TensorFormatter(self).render() }

    /// `description` with the shape, e.g. `Tensor([2, 2]) [[1. 2.] [3. 4.]]`.
    public var debugDescription: String { "Tensor(\(shape)) \(description)" }
}

/// Renders a tensor the way `numpy.array2string` does (float mode, precision 8).
struct TensorFormatter {
    let tensor: Tensor
    let summarize: Bool
    let edge = 3
    let format: (Float) -> String
    let width: Int

    init(_ tensor: Tensor) {
        self.tensor = tensor
        summarize = tensor.count > 1000
        let values = tensor.withUnsafeBufferPointer { Array($0) }.filter { $0.isFinite }
        let maxAbs = values.map { Swift.abs($0) }.max() ?? 0
        let minAbs = values.filter { $0 != 0 }.map { Swift.abs($0) }.min() ?? 0
        let scientific = maxAbs >= 1e8 || (minAbs > 0 && minAbs < 1e-4) || (minAbs > 0 && maxAbs / minAbs > 1e3 && minAbs < 1e-3)
        if scientific {
            format = { v in v.isFinite ? String(format: "%.8e", Double(v)) : TensorFormatter.special(v) }
        } else {
            // NumPy's "maxprec" mode: each value with the fewest digits that identify it
            // (at most 8 decimals), decimal points aligned.
            let parts = values.map(TensorFormatter.positionalParts)
            let intWidth = parts.map { $0.0.count }.max() ?? 1
            let fracWidth = parts.map { $0.1.count }.max() ?? 0
            format = { v in
                guard v.isFinite else { return TensorFormatter.special(v) }
                let (i, f) = TensorFormatter.positionalParts(v)
                return String(repeating: " ", count: intWidth - i.count) + i + "." + f
                    + String(repeating: " ", count: fracWidth - f.count)
            }
        }
        let f = format
        width = tensor.withUnsafeBufferPointer { $0.map { f($0).count }.max() ?? 0 }
    }

    /// The integer and fractional digits of `v`: Swift's shortest round-trip digits,
    /// rounded to 8 decimals when longer, trailing zeros dropped.
    static func positionalParts(_ v: Float) -> (String, String) {
        var text = String(format: "%.8f", Double(v))
        let shortest = "\(v)"
        if !shortest.contains("e"), let dot = shortest.firstIndex(of: "."),
           shortest.distance(from: dot, to: shortest.endIndex) - 1 <= 8 {
            text = shortest
        }
        let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
        var frac = pieces.count > 1 ? String(pieces[1]) : ""
        while frac.hasSuffix("0") { frac.removeLast() }
        return (String(pieces[0]), frac)
    }

    static func special(_ v: Float) -> String { v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }

    func render() -> String {
        if tensor.ndim == 0 { return format(tensor.scalar) }
        let values = tensor.withUnsafeBufferPointer { Array($0) }
        return renderAxis(0, offset: 0, values: values, indent: 1)
    }

    private func pad(_ s: String) -> String { String(repeating: " ", count: Swift.max(0, width - s.count)) + s }

    private func renderAxis(_ axis: Int, offset: Int, values: [Float], indent: Int) -> String {
        let shape = tensor.shape
        let size = shape[axis]
        let stride = shape[(axis + 1)...].reduce(1, *)
        let indices: [Int?] = summarize && size > 2 * edge
            ? Array(0..<edge).map { $0 } + [nil] + Array((size - edge)..<size).map { $0 }
            : Array(0..<size).map { $0 }
        if axis == shape.count - 1 {
            let items = indices.map { i in i.map { pad(format(values[offset + $0])) } ?? "..." }
            return "[" + items.joined(separator: " ") + "]"
        }
        let separator = "\n" + String(repeating: "\n", count: shape.count - axis - 2) + String(repeating: " ", count: indent)
        let items = indices.map { i in
            i.map { renderAxis(axis + 1, offset: offset + $0 * stride, values: values, indent: indent + 1) } ?? "..."
        }
        return "[" + items.joined(separator: separator) + "]"
    }
}
