/// Shape arithmetic shared by the tensor operations: element counts, strides,
/// broadcasting and axis normalisation, each with a precondition message that names
/// the operation and the shapes involved.
public enum Shape {
    /// The number of elements of `shape`, checking that no size is negative.
    public static func elementCount(_ shape: [Int], operation: String) -> Int {
        var n = 1
        for size in shape {
            kisoPrecondition(size >= 0, "\(operation): negative size in shape \(shape)")
            n *= size
        }
        return n
    }

    /// Row-major strides (in elements) of `shape`.
    public static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var s = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = s
            s *= shape[axis]
        }
        return strides
    }

    /// The broadcast shape of `a` and `b` under NumPy's rules (align on the right; sizes
    /// must match or one of them be 1), or `nil` when they are incompatible.
    public static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let n = Swift.max(a.count, b.count)
        var result = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let da = i < n - a.count ? 1 : a[i - (n - a.count)]
            let db = i < n - b.count ? 1 : b[i - (n - b.count)]
            if da == db || db == 1 { result[i] = da } else if da == 1 { result[i] = db } else { return nil }
        }
        return result
    }

    /// The broadcast shape of `a` and `b`, stopping with both shapes in the message when
    /// they are incompatible.
    public static func broadcastOrFail(_ a: [Int], _ b: [Int], operation: String) -> [Int] {
        guard let s = broadcast(a, b) else {
            fatalError("\(operation): shapes \(a) and \(b) cannot be broadcast together")
        }
        return s
    }

    /// Normalises a possibly negative `axis` for a tensor with `ndim` axes.
    public static func normalizeAxis(_ axis: Int, ndim: Int, operation: String) -> Int {
        let a = axis < 0 ? axis + ndim : axis
        kisoPrecondition(a >= 0 && a < ndim, "\(operation): axis \(axis) is out of range for a tensor with \(ndim) axes")
        return a
    }
}
