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
            return
        }
        if m * n <= depthSplitMaxOutput && k >= depthSplitMinDepth * threads {
            sgemmSplitByDepth(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                              a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, parts: threads)
            return
        }
        var mr: Int32 = 0, nr: Int32 = 0
        kiso_sgemm_tile(&mr, &nr)
        // Split C into `threads` slabs whose edges fall on register-tile boundaries, so that
        // no thread computes a partial tile it need not.
        let byRows = m >= n || n < threads * Int(nr) * 2
        let total = byRows ? m : n, unit = Int(byRows ? mr : nr)
        let units = (total + unit - 1) / unit
        let parts = Swift.min(threads, units)
        let pa = UnsafeSendableBox(a), pb = UnsafeSendableBox(b), pc = UnsafeSendableBox(c)
        parallelFor(parts) { range in
            for part in range {
                let start = Swift.min(total, units * part / parts * unit)
                let end = Swift.min(total, units * (part + 1) / parts * unit)
                if start >= end { continue }
                if byRows {
                    let aPart = transposeA ? pa.value + start : pa.value + start * lda
                    kiso_sgemm(tA, tB, end - start, n, k, alpha, aPart, lda, pb.value, ldb, beta,
                               pc.value + start * ldc, ldc)
                } else {
                    let bPart = transposeB ? pb.value + start * ldb : pb.value + start
                    kiso_sgemm(tA, tB, m, end - start, k, alpha, pa.value, lda, bPart, ldb, beta,
                               pc.value + start, ldc)
                }
            }
        }
    }

    /// The largest C (m·n elements) whose product is split over threads by depth rather than by
    /// rows or columns: a small C with a deep k (a mini-batch times a wide layer, 100×784·784×50)
    /// splits into equal depth slices, each thread packing only its own slice of B.
    static let depthSplitMaxOutput = 1 << 14
    /// The least depth per thread for a depth split.
    static let depthSplitMinDepth = 256

    /// `C = alpha·op(A)·op(B) + beta·C` as `parts` products over equal slices of the depth, in
    /// parallel: slice 0 accumulates into C, the others into scratch matrices added to C at the end.
    private static func sgemmSplitByDepth(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                                          a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                          beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, parts: Int) {
        let tA: Int32 = transposeA ? 1 : 0, tB: Int32 = transposeB ? 1 : 0
        let partials = UnsafeMutablePointer<Float>.allocate(capacity: (parts - 1) * m * n)
        defer { partials.deallocate() }
        let pa = UnsafeSendableBox(a), pb = UnsafeSendableBox(b), pc = UnsafeSendableBox(c), pp = UnsafeSendableBox(partials)
        parallelFor(parts) { range in
            for part in range {
                let k0 = k * part / parts, k1 = k * (part + 1) / parts
                let aPart = transposeA ? pa.value + k0 * lda : pa.value + k0
                let bPart = transposeB ? pb.value + k0 : pb.value + k0 * ldb
                if part == 0 {
                    kiso_sgemm(tA, tB, m, n, k1 - k0, alpha, aPart, lda, bPart, ldb, beta, pc.value, ldc)
                } else {
                    kiso_sgemm(tA, tB, m, n, k1 - k0, alpha, aPart, lda, bPart, ldb, 0, pp.value + (part - 1) * m * n, n)
                }
            }
        }
        for part in 1..<parts {
            let partial = partials + (part - 1) * m * n
            for i in 0..<m { kiso_add_row(c + i * ldc, partial + i * n, c + i * ldc, 1, n) }
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
