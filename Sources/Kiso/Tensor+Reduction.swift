extension Tensor {
    /// Splits the shape around `axis` into (outer, axis length, inner) for reductions.
    func reductionGeometry(axis: Int, operation: String) -> (outer: Int, length: Int, inner: Int, axis: Int) {
        let a = Shape.normalizeAxis(axis, ndim: ndim, operation: operation)
        let outer = shape[..<a].reduce(1, *)
        let inner = shape[(a + 1)...].reduce(1, *)
        return (outer, shape[a], inner, a)
    }

    func reducedShape(axis: Int, keepDims: Bool) -> [Int] {
        var s = shape
        if keepDims { s[axis] = 1 } else { s.remove(at: axis) }
        return s
    }

    /// Reduces along `axis` with `combine`, starting each lane from its first element.
    func reduce(axis: Int, keepDims: Bool, operation: String,
                _ combine: (Float, Float) -> Float) -> Tensor {
        let g = reductionGeometry(axis: axis, operation: operation)
        kisoPrecondition(g.length > 0, "\(operation): cannot reduce an empty axis \(axis) of shape \(shape)")
        return Tensor(shape: reducedShape(axis: g.axis, keepDims: keepDims), unsafeUninitialized: { out in
            withUnsafeBufferPointer { src in
                for o in 0..<g.outer {
                    let base = o * g.length * g.inner
                    for i in 0..<g.inner { out[o * g.inner + i] = src[base + i] }
                    for l in 1..<Swift.max(g.length, 1) {
                        let row = base + l * g.inner
                        for i in 0..<g.inner { out[o * g.inner + i] = combine(out[o * g.inner + i], src[row + i]) }
                    }
                }
            }
        })
    }

    /// The sum of all elements (accumulated in double precision).
    public func sum() -> Float {
        withUnsafeBufferPointer { p in
            var acc = 0.0
            for x in p { acc += Double(x) }
            return Float(acc)
        }
    }

    /// Sums along `axis`; with `keepDims` the axis stays with size 1.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor {
        if ndim == 0 { return self }
        let g = reductionGeometry(axis: axis, operation: "sum")
        var out = Tensor.zeros(reducedShape(axis: g.axis, keepDims: keepDims))
        if out.count == 0 || g.length == 0 { return out }
        out.withUnsafeMutableBufferPointer { out in
            withUnsafeBufferPointer { src in
                for o in 0..<g.outer {   // row by row, so the inner loop runs over contiguous lanes (SIMD)
                    let total = out.baseAddress! + o * g.inner
                    for l in 0..<g.length {
                        let row = src.baseAddress! + (o * g.length + l) * g.inner
                        for i in 0..<g.inner { total[i] += row[i] }
                    }
                }
            }
        }
        return out
    }

    /// The mean of all elements.
    public func mean() -> Float {
        kisoPrecondition(count > 0, "mean: empty tensor of shape \(shape)")
        return withUnsafeBufferPointer { p in
            var acc = 0.0
            for x in p { acc += Double(x) }
            return Float(acc / Double(count))
        }
    }

    /// The mean along `axis`.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor {
        let g = reductionGeometry(axis: axis, operation: "mean")
        return sum(axis: axis, keepDims: keepDims) / Float(g.length)
    }

    /// The largest element.
    public func max() -> Float {
        kisoPrecondition(count > 0, "max: empty tensor of shape \(shape)")
        return withUnsafeBufferPointer { $0.max()! }
    }

    /// The smallest element.
    public func min() -> Float {
        kisoPrecondition(count > 0, "min: empty tensor of shape \(shape)")
        return withUnsafeBufferPointer { $0.min()! }
    }

    /// The largest element along `axis`.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor {
        reduce(axis: axis, keepDims: keepDims, operation: "max") { Swift.max($0, $1) }
    }

    /// The smallest element along `axis`.
    public func min(axis: Int, keepDims: Bool = false) -> Tensor {
        reduce(axis: axis, keepDims: keepDims, operation: "min") { Swift.min($0, $1) }
    }

    /// The variance of all elements (population variance, `ddof = 0`, like NumPy).
    public func variance() -> Float {
        let m = Double(mean())
        return withUnsafeBufferPointer { p in
            var acc = 0.0
            for x in p { let d = Double(x) - m; acc += d * d }
            return Float(acc / Double(count))
        }
    }

    /// The variance along `axis` (population variance).
    public func variance(axis: Int, keepDims: Bool = false) -> Tensor {
        let mu = mean(axis: axis, keepDims: true)
        let d = self - mu
        return (d * d).mean(axis: axis, keepDims: keepDims)
    }

    /// The standard deviation of all elements.
    public func std() -> Float { variance().squareRoot() }

    /// The standard deviation along `axis`.
    public func std(axis: Int, keepDims: Bool = false) -> Tensor { sqrt(variance(axis: axis, keepDims: keepDims)) }

    /// The flat index of the largest element (the first one on ties).
    public func argmax() -> Int {
        kisoPrecondition(count > 0, "argmax: empty tensor of shape \(shape)")
        return withUnsafeBufferPointer { p in
            var best = 0
            for i in 1..<p.count where p[i] > p[best] { best = i }
            return best
        }
    }

    /// The index of the largest element along `axis` (first on ties), as integers.
    public func argmax(axis: Int) -> [Int] {
        let g = reductionGeometry(axis: axis, operation: "argmax")
        kisoPrecondition(g.length > 0, "argmax: empty axis \(axis) of shape \(shape)")
        var result = [Int](repeating: 0, count: g.outer * g.inner)
        withUnsafeBufferPointer { src in
            for o in 0..<g.outer {
                for i in 0..<g.inner {
                    var best = 0
                    var bestValue = src[o * g.length * g.inner + i]
                    for l in 1..<g.length {
                        let v = src[(o * g.length + l) * g.inner + i]
                        if v > bestValue { bestValue = v; best = l }
                    }
                    result[o * g.inner + i] = best
                }
            }
        }
        return result
    }
}
