import Foundation
#if canImport(Accelerate)
import Accelerate
#endif
#if OpenBLAS
import COpenBLAS
#endif

/// Matrix multiply by a system BLAS instead of Kiso's own kernels, where one is wanted. Never
/// required: Apple's Accelerate on macOS when `KISO_GEMM=accelerate`; the system OpenBLAS when
/// the package is built with the trait `OpenBLAS` (`swift build --traits OpenBLAS`), which then
/// is the default (`KISO_GEMM=kiso` switches back).
public enum GemmBackend: String, CaseIterable, Sendable {
    /// Kiso's own packed kernels on the current ``KernelPath``.
    case kiso
    /// Apple's Accelerate (`cblas_sgemm`); macOS only.
    case accelerate
    /// The system OpenBLAS (`cblas_sgemm`); only in builds with the `OpenBLAS` trait.
    case openblas

    /// Whether this build can use the backend.
    public var isAvailable: Bool {
        switch self {
        case .kiso: return true
        case .accelerate:
            #if canImport(Accelerate)
            return true
            #else
            return false
            #endif
        case .openblas:
            #if OpenBLAS
            return true
            #else
            return false
            #endif
        }
    }
}

extension Kernels {
    /// The library that ``sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``
    /// calls: from `KISO_GEMM` when it names an available backend, else OpenBLAS in builds with
    /// that trait, else Kiso's own kernels. Setting an unavailable backend selects `.kiso`.
    nonisolated(unsafe) public static var gemmBackend: GemmBackend = {
        if let name = ProcessInfo.processInfo.environment["KISO_GEMM"], let b = GemmBackend(rawValue: name), b.isAvailable {
            return b
        }
        return GemmBackend.openblas.isAvailable ? .openblas : .kiso
    }() {
        didSet { if !gemmBackend.isAvailable { gemmBackend = .kiso } }
    }
}

enum ExternalBLAS {
    /// Runs the product on the external backend (with flush-to-zero on the calling thread, as
    /// Kiso's kernels have) and returns true, or returns false when Kiso's own kernels are to be used.
    static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                      a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) -> Bool {
        switch Kernels.gemmBackend {
        case .kiso:
            return false
        case .accelerate:
            #if canImport(Accelerate)
            Kernels.withFlushToZero {
                cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
            }
            return true
            #else
            return false
            #endif
        case .openblas:
            #if OpenBLAS
            Kernels.withFlushToZero {
                cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
            }
            return true
            #else
            return false
            #endif
        }
    }
}
