import CKisoKernels

/// The compute kernels under the tensor operations, kept apart from the maths that uses
/// them: matrix multiply, vector `exp`/`sigmoid`, and the parallel loop. The C target
/// `CKisoKernels` holds one copy of each kernel per instruction-set path (see ``KernelPath``),
/// chosen at start-up from the running CPU.
public enum Kernels {
    /// Row-major sgemm: `C[m×n] = alpha · op(A) · op(B) + beta · C`, where `op(A)` is m×k
    /// and `op(B)` is k×n. With `transposeA`, A is stored k×m (leading dimension `lda`);
    /// with `transposeB`, B is stored n×k. `beta == 0` overwrites C without reading it.
    ///
    /// Packed and register-blocked on the current ``dispatchPath``; products of at least
    /// ``gemmParallelThreshold`` multiply-adds are split over up to ``maxThreads`` threads
    /// (by rows of C, by columns when C is wide and short, or by depth when C is small and k
    /// deep). Flush-to-zero is on inside.
    public static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                             alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m <= 0 || n <= 0 { return }
        if ExternalBLAS.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                              a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc) { return }
        let tA: Int32 = transposeA ? 1 : 0, tB: Int32 = transposeB ? 1 : 0
        let threads = sgemmThreadCount(m: m, n: n, k: k)
        if threads <= 1 {
            kiso_sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        } else {
            kiso_sgemm_parallel(Int32(Swift.min(threads, Int(Int32.max))), tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        }
    }

    /// The fewest multiply-adds (`m·n·k`) for which ``sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` uses more than one thread;
    /// below it the cost of waking a second thread outweighs the work saved.
    nonisolated(unsafe) public static var gemmParallelThreshold: Int = 1 << 17

    /// How many threads ``sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``
    /// uses for an m×k·k×n product: 1 below ``gemmParallelThreshold``, else ``maxThreads``.
    public static func sgemmThreadCount(m: Int, n: Int, k: Int) -> Int {
        if maxThreads <= 1 || m * n * k < gemmParallelThreshold { return 1 }
        return maxThreads
    }

    /// `y[i] = e^(x[i])` for `count` elements; `x` and `y` may be the same buffer.
    /// SIMD polynomial: relative error ≈ 1e-7; `+inf` above 88.72, 0 below −103.97.
    public static func exp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        let px = UnsafeSendableBox(x), py = UnsafeSendableBox(y)
        parallelFor(count, grain: elementwiseGrain / 4) { r in
            kiso_exp(px.value + r.lowerBound, py.value + r.lowerBound, r.count)
        }
    }

    /// `y[i] = 1 / (1 + e^(−x[i]))` for `count` elements; `x` and `y` may alias.
    public static func sigmoid(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        let px = UnsafeSendableBox(x), py = UnsafeSendableBox(y)
        parallelFor(count, grain: elementwiseGrain / 4) { r in
            kiso_sigmoid(px.value + r.lowerBound, py.value + r.lowerBound, r.count)
        }
    }

    /// Elements per thread below which element-wise loops stay on one thread (memory-bound
    /// loops; a transcendental such as `exp` uses a quarter of it).
    nonisolated(unsafe) public static var elementwiseGrain: Int = 1 << 16
}

extension Kernels {
    /// `y[i]` = `x[i]` rounded to the nearest half-precision (binary16) value, kept as float32:
    /// ties to even, magnitudes from 65520 up become infinity, NaN stays NaN. F16C instructions
    /// on x86-64 (unless the portable path is forced). `x` and `y` may alias.
    public static func roundToFloat16(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        let px = UnsafeSendableBox(x), py = UnsafeSendableBox(y)
        parallelFor(count, grain: elementwiseGrain) { r in
            kiso_round_to_float16(px.value + r.lowerBound, py.value + r.lowerBound, r.count)
        }
    }

    /// `y[i] = max(x[i], s)` (ReLU for `s = 0`); NaN stays NaN. `x` and `y` may alias.
    public static func maximum(_ x: UnsafePointer<Float>, _ s: Float, _ y: UnsafeMutablePointer<Float>, count: Int) {
        let px = UnsafeSendableBox(x), py = UnsafeSendableBox(y)
        parallelFor(count, grain: elementwiseGrain) { r in
            kiso_max_scalar(px.value + r.lowerBound, s, py.value + r.lowerBound, r.count)
        }
    }

    /// Writes the transpose of the row-major `rows`×`columns` matrix `source` into `target`
    /// (`columns`×`rows`, row-major): `target[j·rows + i] = source[i·columns + j]`. 8×8 blocks
    /// go through registers on AVX2/AVX-512; large matrices are split by columns over the threads.
    /// `source` and `target` must not overlap.
    public static func transpose(_ source: UnsafePointer<Float>, rows: Int, columns: Int,
                                 into target: UnsafeMutablePointer<Float>) {
        if rows <= 0 || columns <= 0 { return }
        // Split by source columns, so each thread writes one contiguous run of target rows (the
        // run an element-wise update of the target then touches on the same thread).
        let ps = UnsafeSendableBox(source), pt = UnsafeSendableBox(target)
        let blocks = (columns + 7) / 8
        parallelFor(blocks, grain: Swift.max(1, elementwiseGrain / 4 / (8 * rows))) { r in
            let j0 = r.lowerBound * 8, j1 = Swift.min(columns, r.upperBound * 8)
            kiso_transpose(ps.value + j0, rows, j1 - j0, columns, pt.value + j0 * rows, rows)
        }
    }

    /// ReLU, `y[i] = max(x[i], 0)`; `x` and `y` may alias.
    public static func relu(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        maximum(x, 0, y, count: count)
    }

    /// `y[i] = a[i] · b[i] + c[i]` (fused multiply-add where the CPU has one); `y` may alias an input.
    public static func multiplyAdd(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>,
                                   _ y: UnsafeMutablePointer<Float>, count: Int) {
        let pa = UnsafeSendableBox(a), pb = UnsafeSendableBox(b), pc = UnsafeSendableBox(c), py = UnsafeSendableBox(y)
        parallelFor(count, grain: elementwiseGrain) { r in
            let o = r.lowerBound
            kiso_muladd(pa.value + o, pb.value + o, pc.value + o, py.value + o, r.count)
        }
    }

    /// `y[r][j] = x[r][j] + row[j]` for a `rows`×`columns` matrix `x` and a bias `row` of
    /// `columns` elements; `y` may alias `x`.
    public static func addRow(_ x: UnsafePointer<Float>, row: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                              rows: Int, columns: Int) {
        let px = UnsafeSendableBox(x), pr = UnsafeSendableBox(row), py = UnsafeSendableBox(y)
        parallelFor(rows, grain: Swift.max(1, elementwiseGrain / Swift.max(columns, 1))) { r in
            let o = r.lowerBound * columns
            kiso_add_row(px.value + o, pr.value, py.value + o, r.count, columns)
        }
    }
}
