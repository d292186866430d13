import CKisoKernels

extension Tensor {
    /// The number of elements in one entry along the first axis (a row, an image, …).
    var rowSize: Int { ndim == 0 ? 1 : (shape[0] == 0 ? shape[1...].reduce(1, *) : count / shape[0]) }

    /// The entries along the first axis at `indices`, in that order (repeats allowed):
    /// NumPy's `x[batch_mask]`. Shape `[indices.count] + shape[1...]`.
    /// - Precondition: every index is in range (negative ones count from the end).
    public subscript(_ indices: [Int]) -> Tensor {
        kisoPrecondition(ndim >= 1, "Tensor[indices]: cannot gather rows of a 0-d tensor")
        let rows = shape[0], size = rowSize
        let resolved = indices.map { index in
            let i = index < 0 ? index + rows : index
            kisoPrecondition(i >= 0 && i < rows, "Tensor[indices]: index \(index) is out of range for axis 0 of shape \(shape)")
            return i
        }
        return Tensor(shape: [indices.count] + shape[1...], unsafeUninitialized: { out in
            guard size > 0 else { return }
            withUnsafeBufferPointer { src in
                // Rows scattered over a large array are latency-bound: split them between
                // threads from a quarter of the element-wise grain.
                let from = UnsafeSendableBox(src.baseAddress!), to = UnsafeSendableBox(out.baseAddress!)
                resolved.withUnsafeBufferPointer { rowsToCopy in
                    let list = UnsafeSendableBox(rowsToCopy.baseAddress!)
                    Kernels.parallelFor(resolved.count, grain: Swift.max(1, Kernels.elementwiseGrain / 4 / size)) { range in
                        kiso_gather_rows_f32(from.value, size, list.value + range.lowerBound, range.count,
                                             to.value + range.lowerBound * size)
                    }
                }
            }
        })
    }

    /// The entries along the first axis in `range` (`x[a..<b]`), copied.
    public subscript(_ range: Range<Int>) -> Tensor {
        kisoPrecondition(ndim >= 1, "Tensor[range]: cannot slice a 0-d tensor")
        kisoPrecondition(range.lowerBound >= 0 && range.upperBound <= shape[0],
                     "Tensor[range]: range \(range) is out of bounds for axis 0 of shape \(shape)")
        let size = rowSize
        var s = shape; s[0] = range.count
        return Tensor(shape: s, unsafeUninitialized: { out in
            withUnsafeBufferPointer { src in
                if out.count > 0 { out.baseAddress!.update(from: src.baseAddress! + range.lowerBound * size, count: out.count) }
            }
        })
    }

    /// Entry `i` along the first axis, with that axis removed (`x[i]` in NumPy).
    public func row(_ i: Int) -> Tensor {
        kisoPrecondition(ndim >= 1, "Tensor.row: a 0-d tensor has no rows")
        let index = i < 0 ? i + shape[0] : i
        kisoPrecondition(index >= 0 && index < shape[0], "Tensor.row: index \(i) is out of range for axis 0 of shape \(shape)")
        return self[index..<(index + 1)].reshaped(Array(shape[1...]))
    }

    /// Writes `value` (shaped like one entry along the first axis) at entry `i`.
    public mutating func setRow(_ i: Int, to value: Tensor) {
        kisoPrecondition(ndim >= 1 && Array(shape[1...]) == value.shape,
                     "Tensor.setRow: value of shape \(value.shape) does not fit a row of shape \(shape)")
        kisoPrecondition(i >= 0 && i < shape[0], "Tensor.setRow: index \(i) is out of range for axis 0 of shape \(shape)")
        let size = rowSize
        withUnsafeMutableBufferPointer { dst in
            value.withUnsafeBufferPointer { src in
                if size > 0 { (dst.baseAddress! + i * size).update(from: src.baseAddress!, count: size) }
            }
        }
    }

    /// This tensor padded with `value` by `widths[axis] = (before, after)` on each axis,
    /// like `np.pad(x, widths, constant_values=value)`.
    public func padded(_ widths: [(before: Int, after: Int)], value: Float = 0) -> Tensor {
        kisoPrecondition(widths.count == ndim, "pad: \(widths.count) pad widths for a tensor of shape \(shape)")
        kisoPrecondition(widths.allSatisfy { $0.before >= 0 && $0.after >= 0 }, "pad: negative pad width for shape \(shape)")
        let newShape = zip(shape, widths).map { $0 + $1.before + $1.after }
        var result = Tensor(shape: newShape, repeating: value)
        if count == 0 { return result }
        let dstStrides = Shape.strides(newShape)
        let offset = zip(widths, dstStrides).map { $0.before * $1 }.reduce(0, +)
        result.withUnsafeMutableBufferPointer { dst in
            withUnsafeBufferPointer { src in
                // Copy source rows (last axis) to their place in the padded result.
                let inner = shape[ndim - 1]
                let outerShape = Array(shape.dropLast())
                let outerCount = outerShape.reduce(1, *)
                var index = [Int](repeating: 0, count: outerShape.count)
                for r in 0..<outerCount {
                    var d = offset
                    for (axis, i) in index.enumerated() { d += i * dstStrides[axis] }
                    (dst.baseAddress! + d).update(from: src.baseAddress! + r * inner, count: inner)
                    var axis = outerShape.count - 1
                    while axis >= 0 {
                        index[axis] += 1
                        if index[axis] < outerShape[axis] { break }
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
        return result
    }

    /// Joins tensors along an existing `axis`; all other sizes must agree.
    public static func concatenate(_ parts: [Tensor], axis: Int = 0) -> Tensor {
        kisoPrecondition(!parts.isEmpty, "concatenate: no tensors given")
        let first = parts[0]
        let a = Shape.normalizeAxis(axis, ndim: first.ndim, operation: "concatenate")
        for p in parts {
            var x = p.shape, y = first.shape
            kisoPrecondition(x.count == y.count, "concatenate: shapes \(first.shape) and \(p.shape) have different ranks")
            x[a] = 0; y[a] = 0
            kisoPrecondition(x == y, "concatenate: shapes \(first.shape) and \(p.shape) differ off axis \(axis)")
        }
        var shape = first.shape
        shape[a] = parts.map { $0.shape[a] }.reduce(0, +)
        let outer = first.shape[..<a].reduce(1, *)
        let inner = first.shape[(a + 1)...].reduce(1, *)
        return Tensor(shape: shape, unsafeUninitialized: { out in
            var dst = 0
            for o in 0..<outer {
                for p in parts {
                    let block = p.shape[a] * inner
                    p.withUnsafeBufferPointer { src in
                        if block > 0 { (out.baseAddress! + dst).update(from: src.baseAddress! + o * block, count: block) }
                    }
                    dst += block
                }
            }
        })
    }

    /// Joins equally shaped tensors along a new first axis (`np.stack`).
    public static func stack(_ parts: [Tensor]) -> Tensor {
        kisoPrecondition(!parts.isEmpty, "stack: no tensors given")
        return Tensor(stacking: parts, operation: "stack")
    }
}
