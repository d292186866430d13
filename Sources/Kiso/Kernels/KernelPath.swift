import CKisoKernels

/// An instruction-set path of the kernels. Each path is the same C code compiled for one
/// instruction set; the fastest one the CPU supports is chosen at start-up.
public enum KernelPath: String, CaseIterable, Sendable {
    /// Plain C vector code at the compiler's baseline (SSE2 on x86-64); runs everywhere.
    case portable
    /// x86-64 with AVX2 and FMA: 256-bit vectors, 6×16 GEMM register tile.
    case avx2
    /// x86-64 with AVX-512F: 512-bit vectors, 12×32 GEMM register tile.
    case avx512
    /// arm64 Advanced SIMD (including Apple silicon): 8×12 GEMM register tile.
    case neon

    var code: Int32 {
        switch self {
        case .portable: Int32(KISO_PATH_PORTABLE)
        case .avx2: Int32(KISO_PATH_AVX2)
        case .avx512: Int32(KISO_PATH_AVX512)
        case .neon: Int32(KISO_PATH_NEON)
        }
    }

    init(code: Int32) {
        self = KernelPath.allCases.first { $0.code == code } ?? .portable
    }

    /// Whether this binary contains the path and the running CPU can execute it.
    public var isSupported: Bool { kiso_path_supported(code) != 0 }
}

extension Kernels {
    /// The path the kernels use now (the best supported one unless ``forcePath(_:)`` changed it).
    public static var dispatchPath: KernelPath { KernelPath(code: kiso_path_current()) }

    /// The fastest path this CPU supports: the one chosen at start-up.
    public static var bestPath: KernelPath { KernelPath(code: kiso_path_best()) }

    /// Every path this binary and CPU can run, slowest first.
    public static var supportedPaths: [KernelPath] { KernelPath.allCases.filter(\.isSupported) }

    /// Makes every kernel use `path` (for tests and benchmarks). Returns false, changing
    /// nothing, when the CPU cannot run it. Call it between computations, not during one.
    @discardableResult
    public static func forcePath(_ path: KernelPath) -> Bool {
        kiso_path_force(path.code) != 0
    }

    /// The size of C that one micro-kernel call computes on the current path (rows, columns).
    public static var gemmTile: (rows: Int, columns: Int) {
        var mr: Int32 = 0, nr: Int32 = 0
        kiso_sgemm_tile(&mr, &nr)
        return (Int(mr), Int(nr))
    }

    /// Runs `body` with flush-to-zero and denormals-are-zero on for the calling thread, then
    /// restores the previous floating-point mode. Subnormal inputs and results then count as
    /// zero, which keeps them from slowing arithmetic down ~100×.
    public static func withFlushToZero<R>(_ body: () throws -> R) rethrows -> R {
        let state = kiso_ftz_enter()
        defer { kiso_ftz_restore(state) }
        return try body()
    }

    /// Whether flush-to-zero is on for the calling thread.
    public static var isFlushToZeroActive: Bool { kiso_ftz_active() != 0 }
}
