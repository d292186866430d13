import Kiso

// The few tensor operations the backward rules need that `Tensor` does not offer: the
// reverse of broadcasting, sums over several axes, and scattering rows back.

extension Tensor {
    /// The sum of this tensor down to `target`, the reverse of broadcasting `target` up to
    /// this shape: leading axes are summed away, axes where `target` has size 1 are summed
    /// with the axis kept (DeZero's `util.sum_to`).
    /// - Precondition: `target` broadcasts to this shape.
    func summed(to target: [Int]) -> Tensor {
        if shape == target { return self }
        kisoPrecondition(Shape.broadcast(target, shape) == shape, "sumTo: shape \(shape) cannot be summed to \(target)")
        var result = self
        for _ in 0..<(ndim - target.count) { result = result.sum(axis: 0) }
        for axis in 0..<target.count where target[axis] == 1 && result.shape[axis] != 1 {
            result = result.sum(axis: axis, keepDims: true)
        }
        return result.shape == target ? result : result.reshaped(target)
    }

    /// The sum over `axes` (all axes when `nil`), those axes kept with size 1 when `keepDims`.
    func summed(axes: [Int]?, keepDims: Bool) -> Tensor {
        let chosen = Set((axes ?? Array(0..<ndim)).map { Shape.normalizeAxis($0, ndim: ndim, operation: "sum") })
        if chosen.isEmpty { return self }
        var result = self
        for axis in chosen.sorted() { result = result.sum(axis: axis, keepDims: true) }
        if keepDims { return result }
        return result.reshaped(shape.indices.filter { !chosen.contains($0) }.map { shape[$0] })
    }

    /// The shape this tensor's sum over `axes` would have with the axes kept, so that a
    /// gradient of the sum can be broadcast back (`nil` axes: all of them).
    func keptShape(summingAxes axes: [Int]?) -> [Int] {
        let chosen = Set((axes ?? Array(0..<ndim)).map { Shape.normalizeAxis($0, ndim: ndim, operation: "sum") })
        return shape.indices.map { chosen.contains($0) ? 1 : shape[$0] }
    }

    /// A zero tensor of `shape` with `rows[i]` added into entry `indices[i]` along the first
    /// axis (NumPy's `np.add.at`): the gradient of gathering rows, repeats summed.
    static func scatteringRows(_ rows: Tensor, at indices: [Int], into shape: [Int]) -> Tensor {
        var result = Tensor.zeros(shape)
        let size = shape.dropFirst().reduce(1, *)
        result.withUnsafeMutableBufferPointer { out in
            rows.withUnsafeBufferPointer { src in
                for (i, index) in indices.enumerated() {
                    let target = (index < 0 ? index + shape[0] : index) * size
                    for j in 0..<size { out[target + j] += src[i * size + j] }
                }
            }
        }
        return result
    }
}
