/// Matrix product of 2-d tensors: `op(a) · op(b)`, where `op` transposes when asked —
/// without materialising the transpose. `a` is m×k (or k×m with `transposeA`), `b` is k×n
/// (or n×k with `transposeB`); the result is m×n.
///
/// 1-d operands follow `np.dot`: vector·vector is a 0-d tensor, matrix·vector has shape
/// `[m]`, vector·matrix shape `[n]`.
/// - Precondition: the inner sizes agree; the message names both shapes.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    let (m, k, n, resultShape) = MatmulShapes.resolve(a.shape, b.shape, transposeA: transposeA, transposeB: transposeB)
    var c = Tensor(shape: [m, n], unsafeUninitialized: { _ in })
    MatmulShapes.run(a, b, transposeA: transposeA, transposeB: transposeB, m: m, k: k, n: n, beta: 0, into: &c)
    return c.reshaped(resultShape)
}

/// `np.dot` for 1-d and 2-d tensors (see ``matmul(_:_:transposeA:transposeB:)``).
public func dot(_ a: Tensor, _ b: Tensor) -> Tensor { matmul(a, b) }

/// Writes `op(a) · op(b)` into `c`, or adds it to `c` when `accumulate` is true
/// (`c += op(a)·op(b)`), reusing `c`'s buffer.
/// - Precondition: `c` has shape m×n (2-d operands only).
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false,
                   into c: inout Tensor, accumulate: Bool) {
    kisoPrecondition(a.ndim == 2 && b.ndim == 2, "matmul(into:): operands must be 2-d, got \(a.shape) and \(b.shape)")
    let (m, k, n, _) = MatmulShapes.resolve(a.shape, b.shape, transposeA: transposeA, transposeB: transposeB)
    kisoPrecondition(c.shape == [m, n], "matmul(into:): output has shape \(c.shape) but \(a.shape)·\(b.shape) gives [\(m), \(n)]")
    MatmulShapes.run(a, b, transposeA: transposeA, transposeB: transposeB, m: m, k: k, n: n,
                     beta: accumulate ? 1 : 0, into: &c)
}

enum MatmulShapes {
    static func resolve(_ sa: [Int], _ sb: [Int], transposeA: Bool, transposeB: Bool) -> (Int, Int, Int, [Int]) {
        kisoPrecondition((1...2).contains(sa.count) && (1...2).contains(sb.count),
                     "matmul: operands must be 1-d or 2-d, got \(sa) and \(sb)")
        let a2 = sa.count == 1 ? [1, sa[0]] : sa
        let b2 = sb.count == 1 ? [sb[0], 1] : sb
        let (m, ka) = transposeA ? (a2[1], a2[0]) : (a2[0], a2[1])
        let (kb, n) = transposeB ? (b2[1], b2[0]) : (b2[0], b2[1])
        kisoPrecondition(ka == kb, "matmul: shapes \(sa)\(transposeA ? "ᵀ" : "") and \(sb)\(transposeB ? "ᵀ" : "") are not aligned: \(ka) (dim 1) != \(kb) (dim 0)")
        var result: [Int] = []
        if sa.count == 2 { result.append(m) }
        if sb.count == 2 { result.append(n) }
        return (m, ka, n, result)
    }

    static func run(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool,
                    m: Int, k: Int, n: Int, beta: Float, into c: inout Tensor) {
        let lda = a.ndim == 2 ? a.shape[1] : a.shape[0]
        let ldb = b.ndim == 2 ? b.shape[1] : 1
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    if k == 0 {
                        if beta == 0 { pc.update(repeating: 0) }
                        return
                    }
                    Kernels.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                  a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb,
                                  beta: beta, c: pc.baseAddress!, ldc: n)
                }
            }
        }
    }
}
