import CKisoKernels

extension Kernels {
    /// ``sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` computed on the
    /// calling thread only, for callers that already split their work between threads (the
    /// convolution layers process images in parallel; a nested parallel sgemm would only
    /// oversubscribe the cores). Same arguments and result.
    public static func sgemmOnCallingThread(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                                            alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                                            b: UnsafePointer<Float>, ldb: Int,
                                            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m <= 0 || n <= 0 { return }
        kiso_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }
}
