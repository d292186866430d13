import Foundation
#if canImport(Accelerate)
import Accelerate
#endif

/// Matrix multiply by a system BLAS instead of Kiso's own kernels, where one is wanted:
/// Apple's Accelerate on macOS (`KISO_GEMM=accelerate`), never required.
enum ExternalBLAS {
    /// Which library ``Kernels/sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` calls.
    enum Backend: String { case kiso, accelerate }

    /// The backend from the `KISO_GEMM` environment variable when it names an available one.
    nonisolated(unsafe) static var backend: Backend = {
        guard let name = ProcessInfo.processInfo.environment["KISO_GEMM"], let b = Backend(rawValue: name) else { return .kiso }
        return available.contains(b) ? b : .kiso
    }()

    /// The backends built into this binary.
    static var available: [Backend] {
        #if canImport(Accelerate)
        return [.kiso, .accelerate]
        #else
        return [.kiso]
        #endif
    }

    /// Runs the product on the external backend and returns true, or returns false when Kiso's
    /// own kernels are to be used.
    static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                      a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) -> Bool {
        switch backend {
        case .kiso:
            return false
        case .accelerate:
            #if canImport(Accelerate)
            cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
            return true
            #else
            return false
            #endif
        }
    }
}
