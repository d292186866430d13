import CKisoKernels
import Foundation

/// The compute kernels under the tensor operations, kept apart from the maths that uses
/// them: matrix multiply, vector `exp`, and the parallel loop.
public enum Kernels {
    /// Row-major sgemm: `C[m×n] = alpha · op(A) · op(B) + beta · C`, where `op(A)` is m×k
    /// and `op(B)` is k×n. With `transposeA`, A is stored k×m (leading dimension `lda`);
    /// with `transposeB`, B is stored n×k. `beta == 0` overwrites C without reading it.
    public static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                             alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        kiso_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    /// `y[i] = e^(x[i])` for `count` elements; `x` and `y` may be the same buffer.
    public static func exp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = Foundation.exp(x[i]) }
    }

    /// `y[i] = 1 / (1 + e^(−x[i]))` for `count` elements; `x` and `y` may alias.
    public static func sigmoid(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = 1 / (1 + Foundation.exp(-x[i])) }
    }
}
