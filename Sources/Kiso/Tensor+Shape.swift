extension Tensor {
    /// The same elements viewed with `newShape`; one size may be `-1` and is inferred.
    /// Shares the buffer (no copy).
    /// - Precondition: the element counts agree.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        let inferred = newShape.indices.filter { newShape[$0] == -1 }
        kisoPrecondition(inferred.count <= 1, "reshape: more than one -1 in \(newShape) (from \(shape))")
        let known = newShape.filter { $0 != -1 }.reduce(1, *)
        if let i = inferred.first {
            kisoPrecondition(known > 0 && count % known == 0,
                         "reshape: cannot reshape \(shape) (\(count) elements) into \(newShape)")
            resolved[i] = count / known
        }
        kisoPrecondition(resolved.allSatisfy { $0 >= 0 } && resolved.reduce(1, *) == count,
                     "reshape: cannot reshape \(shape) (\(count) elements) into \(newShape)")
        return Tensor(shape: resolved, storage: storage)
    }

    /// `reshaped` with sizes as separate arguments: `x.reshaped(-1, 784)`.
    public func reshaped(_ sizes: Int...) -> Tensor { reshaped(sizes) }

    /// A 1-d tensor of all elements (shares the buffer).
    public func flattened() -> Tensor { reshaped([count]) }

    /// Removes axes of size 1 (all of them, or only `axis`).
    public func squeezed(axis: Int? = nil) -> Tensor {
        if let axis {
            let a = Shape.normalizeAxis(axis, ndim: ndim, operation: "squeeze")
            kisoPrecondition(shape[a] == 1, "squeeze: axis \(axis) of shape \(shape) has size \(shape[a]), not 1")
            var s = shape; s.remove(at: a)
            return reshaped(s)
        }
        return reshaped(shape.filter { $0 != 1 })
    }

    /// Inserts an axis of size 1 at `axis` (which may be `ndim`, or negative).
    public func expandingDimensions(at axis: Int) -> Tensor {
        let a = Shape.normalizeAxis(axis < 0 ? axis + 1 : axis, ndim: ndim + 1, operation: "expandDims")
        var s = shape; s.insert(1, at: a)
        return reshaped(s)
    }

    /// The axes permuted: result axis `i` is this tensor's axis `permutation[i]`, like
    /// `np.transpose(x, permutation)`. Materialises the result.
    public func transposed(_ permutation: [Int]) -> Tensor {
        kisoPrecondition(permutation.count == ndim && Set(permutation) == Set(0..<ndim),
                     "transpose: \(permutation) is not a permutation of the \(ndim) axes of shape \(shape)")
        if permutation == Array(0..<ndim) { return self }
        let newShape = permutation.map { shape[$0] }
        let srcStrides = Shape.strides(shape)
        let permutedStrides = permutation.map { srcStrides[$0] }
        if ndim == 2 { return transposed2D() }
        return Tensor(shape: newShape, unsafeUninitialized: { out in
            withUnsafeBufferPointer { src in
                StridedCopy.copy(from: src.baseAddress!, strides: permutedStrides, shape: newShape, to: out.baseAddress!)
            }
        })
    }

    /// The axes permuted: `x.transposed(0, 3, 1, 2)`.
    public func transposed(_ permutation: Int...) -> Tensor { transposed(permutation) }

    /// The matrix transpose of a 2-d tensor, or the reversed axes of any tensor (`x.T`).
    public var T: Tensor {
        ndim == 2 ? transposed2D() : transposed(Array((0..<ndim).reversed()))
    }

    private func transposed2D() -> Tensor {
        let rows = shape[0], cols = shape[1]
        return Tensor(shape: [cols, rows], unsafeUninitialized: { out in
            withUnsafeBufferPointer { src in
                Kernels.transpose(src.baseAddress!, rows: rows, columns: cols, into: out.baseAddress!)
            }
        })
    }
}

/// Copies an N-d strided view into a contiguous buffer (the work behind transpose and
/// general broadcasting).
enum StridedCopy {
    static func copy(from src: UnsafePointer<Float>, strides: [Int], shape: [Int], to dst: UnsafeMutablePointer<Float>) {
        let n = shape.count
        let total = shape.reduce(1, *)
        if total == 0 { return }
        if n == 0 { dst[0] = src[0]; return }
        let innerSize = shape[n - 1], innerStride = strides[n - 1]
        var index = [Int](repeating: 0, count: n)
        var offset = 0, out = 0
        while out < total {
            if innerStride == 1 {
                (dst + out).update(from: src + offset, count: innerSize)
            } else {
                var o = offset
                for j in 0..<innerSize { dst[out + j] = src[o]; o += innerStride }
            }
            out += innerSize
            var axis = n - 2
            while axis >= 0 {
                index[axis] += 1
                offset += strides[axis]
                if index[axis] < shape[axis] { break }
                offset -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { break }
        }
    }
}
