import CKisoKernels
import Foundation
import Kiso
import Testing

/// A deterministic matrix of uniform values in −1…1 (a small LCG, so failures reproduce).
private func matrix(_ count: Int, seed: UInt64) -> [Float] {
    var state = seed &* 6364136223846793005 &+ 1442695040888963407
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 1_000_000
    }
}

/// One sgemm problem with its stored operands (row-major, with leading dimensions that may
/// exceed the logical widths), checked against a double-precision triple loop.
private struct GemmCase {
    let m, k, n: Int
    var transposeA = false, transposeB = false
    var alpha: Float = 1, beta: Float = 0
    var pad = 0   // extra elements per stored row
    var threads = 0   // 0: Kernels.sgemm's own choice; else kiso_sgemm_parallel on this many threads

    func check(sourceLocation: SourceLocation = #_sourceLocation) {
        let (rowsA, colsA) = transposeA ? (k, m) : (m, k)
        let (rowsB, colsB) = transposeB ? (n, k) : (k, n)
        let lda = colsA + pad, ldb = colsB + pad, ldc = n + pad
        let a = matrix(rowsA * lda, seed: 1), b = matrix(rowsB * ldb, seed: 2)
        // beta == 0 must not read C: start from NaN so that any read would show.
        let c0 = beta == 0 ? [Float](repeating: .nan, count: m * ldc) : matrix(m * ldc, seed: 3)
        var c = c0
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
            if threads > 0 {
                kiso_sgemm_parallel(Int32(threads), transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha,
                                    pa.baseAddress!, lda, pb.baseAddress!, ldb, beta, pc.baseAddress!, ldc)
            } else {
                Kernels.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                              a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb,
                              beta: beta, c: pc.baseAddress!, ldc: ldc)
            }
        } } }
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var exact = 0.0, magnitude = 0.0
                for p in 0..<k {
                    let x = Double(transposeA ? a[p * lda + i] : a[i * lda + p])
                    let y = Double(transposeB ? b[j * ldb + p] : b[p * ldb + j])
                    exact += x * y
                    magnitude += Swift.abs(x * y)
                }
                let old = beta == 0 ? 0 : Double(c0[i * ldc + j])
                exact = Double(alpha) * exact + Double(beta) * old
                // Float32 summation of k products (each accumulator adds at most k terms, then
                // alpha, beta·C and the block partial sums are combined) errs by at most
                // (k + 4)·u·Σ|terms| with u = 2⁻²⁴; Float.ulpOfOne = 2u doubles that bound.
                let tolerance = Double(Float.ulpOfOne) * Double(k + 4)
                    * (Double(Swift.abs(alpha)) * magnitude + Double(Swift.abs(beta)) * Swift.abs(old)) + 1e-30
                let error = Swift.abs(Double(c[i * ldc + j]) - exact)
                worst = Swift.max(worst, error / tolerance)
            }
        }
        #expect(worst <= 1, "m=\(m) k=\(k) n=\(n) tA=\(transposeA) tB=\(transposeB) α=\(alpha) β=\(beta) pad=\(pad): error \(worst)× tolerance", sourceLocation: sourceLocation)
        // The padding between rows of C is never written.
        for i in 0..<m { for j in n..<ldc { #expect(c[i * ldc + j].bitPattern == c0[i * ldc + j].bitPattern, sourceLocation: sourceLocation) } }
    }
}

/// Shapes around every tile and block edge: single elements, odd sizes smaller than one
/// register tile, sizes just past the k-depth block (256) and the row block (≤ 192).
private let oddShapes: [(Int, Int, Int)] = [(1, 1, 1), (7, 13, 5), (33, 65, 17), (2, 300, 3), (200, 9, 70), (13, 1, 40)]

@Suite(.serialized) struct KernelTests {
    @Test func sgemmMatchesDoubleLoopForOddShapes() {
        for (m, k, n) in oddShapes { GemmCase(m: m, k: k, n: n).check() }
    }

    @Test func sgemmAllTranspositionsWithAlphaBetaAndPadding() {
        for (m, k, n) in [(7, 13, 5), (33, 65, 17)] {
            for tA in [false, true] {
                for tB in [false, true] {
                    GemmCase(m: m, k: k, n: n, transposeA: tA, transposeB: tB).check()
                    GemmCase(m: m, k: k, n: n, transposeA: tA, transposeB: tB, alpha: 0.5, beta: 1, pad: 3).check()
                    GemmCase(m: m, k: k, n: n, transposeA: tA, transposeB: tB, alpha: -2, beta: -0.75, pad: 1).check()
                }
            }
        }
    }

    @Test func sgemmNarrowColumnTails() {
        // 1–4 columns past a multiple of the register tile's width, with enough depth: the
        // tail goes through dot products (odd row counts leave a single last row).
        for tB in [false, true] {
            GemmCase(m: 9, k: 40, n: 50, transposeB: tB).check()
            GemmCase(m: 5, k: 33, n: 19, transposeB: tB, alpha: -2, beta: 1, pad: 3).check()
            GemmCase(m: 1, k: 100, n: 20, transposeB: tB, alpha: 0.5, beta: -0.75).check()
            // 2 columns past a whole vector but not past a whole tile (AVX-512: 32 + 16 + 2).
            GemmCase(m: 13, k: 70, n: 50, transposeB: tB, alpha: -0.5, beta: 0.25, pad: 2).check()
            GemmCase(m: 7, k: 70, n: 26, transposeB: tB).check()
        }
    }

    @Test func sgemmAccumulatesWithBetaOne() {
        // beta = 1 is the gradient accumulation `dW += xᵀ·dy`; depth 600 spans three k blocks.
        GemmCase(m: 50, k: 600, n: 19, transposeA: true, beta: 1).check()
        GemmCase(m: 3, k: 5, n: 4200, beta: 1).check()   // wider than one column block (4096)
    }

    @Test func sgemmZeroDepthScalesC() {
        var c: [Float] = [1, 2, 3, 4]
        let a: [Float] = [0], b: [Float] = [0]
        Kernels.sgemm(transposeA: false, transposeB: false, m: 2, n: 2, k: 0, a: a, lda: 1, b: b, ldb: 2, beta: 0.5, c: &c, ldc: 2)
        #expect(c == [0.5, 1, 1.5, 2])
    }

    @Test func largeProductsUseThreadsAndStayExact() {
        #expect(Kernels.sgemmThreadCount(m: 300, n: 257, k: 200) == Swift.min(Kernels.maxThreads, 2) || Kernels.maxThreads > 2)
        #expect(Kernels.sgemmThreadCount(m: 100, n: 10, k: 50) == 1)
        GemmCase(m: 300, k: 200, n: 257).check()                       // split by rows
        #expect(kiso_sgemm_parallel_split(2, 300, 257, 200, 1) == Int32(KISO_SPLIT_ROWS))
        GemmCase(m: 40, k: 300, n: 300, transposeB: true, beta: 1).check() // split by columns
        #expect(kiso_sgemm_parallel_split(2, 40, 300, 300, 1) == Int32(KISO_SPLIT_COLUMNS))
        #expect(kiso_sgemm_parallel_split(2, 100, 50, 784, 1) == Int32(KISO_SPLIT_DEPTH))
        // Long row and column splits: up to 4 slabs per thread of at least 512 rows or columns,
        // claimed as the threads go (a partial last register tile in each case below).
        #expect(kiso_sgemm_parallel_parts(2, 300, 257, 200, 1) == 2)
        #expect(kiso_sgemm_parallel_parts(2, 2101, 20, 30, 1) == 4)
        #expect(kiso_sgemm_parallel_parts(3, 4700, 21, 9, 1) == 9)
        #expect(kiso_sgemm_parallel_parts(2, 57600, 30, 25, 1) == 8)
        #expect(kiso_sgemm_parallel_parts(2, 10, 2101, 30, 1) == 4)
        #expect(kiso_sgemm_parallel_split(2, 10, 2101, 30, 1) == Int32(KISO_SPLIT_COLUMNS))
        #expect(kiso_sgemm_parallel_parts(1, 57600, 30, 25, 1) == 1)
        GemmCase(m: 2101, k: 30, n: 20, threads: 2).check()
        GemmCase(m: 4700, k: 9, n: 21, transposeA: true, beta: 1, pad: 1, threads: 3).check()
        GemmCase(m: 10, k: 30, n: 2101, transposeB: true, alpha: -0.5, beta: 0.25, pad: 2, threads: 2).check()
        // Small C, deep k: split by depth into slices of at least 512 steps, up to 4 per thread,
        // claimed as the threads go (partial products added at the end), every transposition.
        #expect(kiso_sgemm_parallel_parts(2, 100, 50, 784, 1) == 2)
        #expect(kiso_sgemm_parallel_parts(2, 100, 100, 4320, 1) == 8)
        #expect(kiso_sgemm_parallel_parts(2, 25, 30, 57600, 1) == 8)
        #expect(kiso_sgemm_parallel_parts(3, 30, 40, 4700, 1) == 9)
        #expect(kiso_sgemm_parallel_split(3, 30, 40, 4700, 1) == Int32(KISO_SPLIT_DEPTH))
        GemmCase(m: 30, k: 2101, n: 40, transposeA: true, alpha: -0.5, beta: 0.25, pad: 2, threads: 2).check()
        GemmCase(m: 7, k: 4700, n: 21, transposeB: true, beta: 1, pad: 1, threads: 3).check()
        for (tA, tB) in [(false, false), (true, false), (false, true), (true, true)] {
            GemmCase(m: 30, k: 900, n: 40, transposeA: tA, transposeB: tB).check()
            GemmCase(m: 100, k: 784, n: 50, transposeA: tA, transposeB: tB, alpha: -0.5, beta: 1, pad: 3).check()
        }
    }

    @Test func depthSlicesAddUpInOneOrderWhicheverThreadRunsThem() {
        // 7×4700·4700×21 on 3 threads: 9 depth slices claimed as the threads go. Their partial
        // products are added in slice order, so every run, and a run of all slices on one thread
        // (a call nested in a pool job runs inline), gives the same bits.
        let (m, k, n) = (7, 4700, 21)
        #expect(kiso_sgemm_parallel_parts(3, m, n, k, 1) == 9)
        let a = matrix(m * k, seed: 5), b = matrix(k * n, seed: 6)
        func product() -> [Float] {
            var c = [Float](repeating: 0, count: m * n)
            kiso_sgemm_parallel(3, 0, 0, m, n, k, 1, a, k, b, n, 0, &c, n)
            return c
        }
        let first = product()
        for _ in 0..<20 { #expect(product().map(\.bitPattern) == first.map(\.bitPattern)) }

        /// The product computed inside chunk 0 of a 2-chunk pool job, where the pool is busy.
        struct Nested { var a, b, c: [Float]; let m, n, k: Int }
        var nested = Nested(a: a, b: b, c: [Float](repeating: 0, count: m * n), m: m, n: n, k: k)
        withUnsafeMutablePointer(to: &nested) { context in
            kiso_parallel_run(2, 2, { context, chunk in
                guard chunk == 0 else { return }
                let job = context!.assumingMemoryBound(to: Nested.self)
                let (m, n, k) = (job.pointee.m, job.pointee.n, job.pointee.k)
                kiso_sgemm_parallel(3, 0, 0, m, n, k, 1, job.pointee.a, k, job.pointee.b, n, 0, &job.pointee.c, n)
            }, context)
        }
        #expect(nested.c.map(\.bitPattern) == first.map(\.bitPattern))
    }

    @Test func everyAvailableGemmBackendIsCorrect() {
        let start = Kernels.gemmBackend
        defer { Kernels.gemmBackend = start }
        #expect(GemmBackend.kiso.isAvailable)
        for backend in GemmBackend.allCases where backend.isAvailable {
            Kernels.gemmBackend = backend
            #expect(Kernels.gemmBackend == backend)
            for (m, k, n) in oddShapes { GemmCase(m: m, k: k, n: n).check() }
            GemmCase(m: 33, k: 65, n: 17, transposeA: true, transposeB: true, alpha: 0.5, beta: 1, pad: 2).check()
        }
    }

    @Test func everySupportedPathIsCorrect() {
        let start = Kernels.dispatchPath, backend = Kernels.gemmBackend
        Kernels.gemmBackend = .kiso
        defer { Kernels.forcePath(start); Kernels.gemmBackend = backend }
        #expect(Kernels.supportedPaths.contains(.portable))
        #expect(start == Kernels.bestPath)
        for path in KernelPath.allCases {
            #expect(Kernels.forcePath(path) == path.isSupported, "\(path)")
            guard path.isSupported else { continue }
            #expect(Kernels.dispatchPath == path)
            for (m, k, n) in oddShapes { GemmCase(m: m, k: k, n: n).check() }
            GemmCase(m: 33, k: 65, n: 17, transposeA: true, transposeB: true, alpha: 0.5, beta: 1, pad: 2).check()
            GemmCase(m: 150, k: 300, n: 100).check()
            GemmCase(m: 5, k: 33, n: 19, transposeB: true, alpha: -2, beta: 1).check()   // dot-product tail
            checkTileEdges()
            checkSharedPackedB()
            checkExpAndSigmoid()
            checkElementwise()
            checkFloat16Rounding()
            checkTranspose()
            checkMaxPool2x2()
            #expect(throws: Never.self) { try checkConvolutionKernels() }
            #expect(throws: Never.self) { try checkConvolutionKernels(winograd: true) }
        }
    }

    /// sgemm on the current path at every edge of its register tile (mr×nr): row counts 1, mr − 1,
    /// mr, mr + 1, past two tiles, and 6·mr and 6·mr + 1 (the last with B read in place, the
    /// first with B packed), column counts around one, two, four and eight tile widths (the
    /// packed and in-place A modes, masked column tails, the dot-product tail; AVX2 reads A in
    /// place and takes a dot-product tail up to 128 columns, 8 of its tiles), depths of 1, a
    /// prime, the shallowest whose tiles prefetch (128: the next B panel, and C late) and 150
    /// (its late part not a multiple of 8 steps), and past one depth block of each path, with
    /// every transposition and alpha/beta in turn.
    func checkTileEdges(sourceLocation: SourceLocation = #_sourceLocation) {
        let (mr, nr) = Kernels.gemmTile
        let rows = [1, mr - 1, mr, mr + 1, 2 * mr + 3, 6 * mr, 6 * mr + 1].filter { $0 > 0 }
        // nr + nr/2 + 2: a whole tile, a one-vector tile and a 2-column dot-product tail.
        // nr/2 + 4 and nr + 6: partial vectors of 4 and 6 lanes (AVX2 stores them 4, 2 and 1 at a time).
        let columns = [1, nr / 2 - 1, nr / 2 + 1, nr / 2 + 4, nr - 1, nr, nr + 1, nr + 5, nr + 6, nr + nr / 2 + 2, 2 * nr + 3,
                       4 * nr + 2, 4 * nr + 19, 7 * nr + 4, 8 * nr].filter { $0 > 0 }
        let depths = [1, 7, 61, 128, 150, 259, 523]   // 259, 523: past a depth block of 256 and of 512
        var index = 0
        for m in rows {
            for n in columns {
                for k in depths {
                    // Cycle through transpositions, scalings and padding so every shape meets several.
                    let variant = index % 8
                    index += 1
                    GemmCase(m: m, k: k, n: n, transposeA: variant & 1 != 0, transposeB: variant & 2 != 0,
                             alpha: variant & 4 != 0 ? -0.5 : 1, beta: [0, 1, 0.25][index % 3], pad: index % 3)
                        .check(sourceLocation: sourceLocation)
                }
            }
        }
    }

    /// The row split whose parts share one packed B, on the current path: at least 8 and a half
    /// tile heights of rows per part (a partial last tile) and as many rows as columns (a row,
    /// not a column, split), more columns than one band of 8 tile widths (a partial last band and
    /// panel), a depth past one depth block of every path, a B of more than 65536 elements and a
    /// C too large for the depth split, with every transposition, alpha/beta and padding, and a
    /// taller C of many blocks of rows on two and three threads; then
    /// the same product with both parts on one thread (a nested call, which the pool runs
    /// inline), where the first part packs all of B.
    func checkSharedPackedB(sourceLocation: SourceLocation = #_sourceLocation) {
        let (mr, nr) = Kernels.gemmTile
        let k = 523, n = 9 * nr + 3
        let m = Swift.max(17 * mr + 5, n + 5, 16384 / n + 1)
        // By default only packed blocks of B larger than a core's L2 are shared: one of
        // 100 × 264 floats (105 KB) is packed by each part for itself.
        #expect(kiso_sgemm_parallel_split(2, 300, 257, 100, 1) == Int32(KISO_SPLIT_ROWS), sourceLocation: sourceLocation)
        kiso_sgemm_set_shared_b_block_threshold(0)
        defer { kiso_sgemm_set_shared_b_block_threshold(-1) }
        #expect(kiso_sgemm_parallel_split(2, m, n, k, 1) == Int32(KISO_SPLIT_ROWS_SHARED_B), sourceLocation: sourceLocation)
        // Too narrow a C, alpha 0, one thread: each part packs B for itself.
        #expect(kiso_sgemm_parallel_split(2, m, 5 * nr - 1, 100, 1) == Int32(KISO_SPLIT_ROWS), sourceLocation: sourceLocation)
        #expect(kiso_sgemm_parallel_split(2, m, n, k, 0) == Int32(KISO_SPLIT_ROWS), sourceLocation: sourceLocation)
        #expect(kiso_sgemm_parallel_split(1, m, n, k, 1) == Int32(KISO_SPLIT_NONE), sourceLocation: sourceLocation)
        for (index, (tA, tB)) in [(false, false), (true, false), (false, true), (true, true)].enumerated() {
            GemmCase(m: m, k: k, n: n, transposeA: tA, transposeB: tB, alpha: index == 1 ? -0.5 : 1,
                     beta: [0, 1, 0.25, 0][index], pad: index, threads: 2).check(sourceLocation: sourceLocation)
        }
        GemmCase(m: m, k: 7, n: n, beta: 1, threads: 2).check(sourceLocation: sourceLocation)   // one shallow block
        // Many blocks of rows (6 to 12 on every path), claimed by two and by three threads: a
        // unit may have to wait for the one before it on its rows.
        GemmCase(m: 900, k: k, n: n, alpha: -0.5, beta: 0.25, pad: 1, threads: 2).check(sourceLocation: sourceLocation)
        GemmCase(m: 900, k: k, n: n, transposeA: true, beta: 1, threads: 3).check(sourceLocation: sourceLocation)
        checkSharedPackedBNested(m: m, n: n, k: k, sourceLocation: sourceLocation)
    }

    /// Sharing B changes no bit of the result: the single-thread product, the same product split
    /// over two threads, and that split from inside a chunk of the pool (run inline, its parts
    /// one after the other on one thread) are equal. Packing moves values without rounding them,
    /// and each element is still summed over the same depth blocks in the same order.
    private func checkSharedPackedBNested(m: Int, n: Int, k: Int, sourceLocation: SourceLocation) {
        let a = matrix(m * k, seed: 4), b = matrix(k * n, seed: 5)
        var expected = [Float](repeating: 0, count: m * n), split = expected
        kiso_sgemm(0, 0, m, n, k, 1, a, k, b, n, 0, &expected, n)
        kiso_sgemm_parallel(2, 0, 0, m, n, k, 1, a, k, b, n, 0, &split, n)
        #expect(split == expected, "row split with a shared B", sourceLocation: sourceLocation)
        /// The operands and one output buffer per chunk, reached from the C chunk function.
        final class Job {
            let m, n, k: Int
            let a, b: UnsafeMutablePointer<Float>
            let outputs: [UnsafeMutablePointer<Float>]
            init(m: Int, n: Int, k: Int, a: [Float], b: [Float]) {
                (self.m, self.n, self.k) = (m, n, k)
                self.a = .allocate(capacity: a.count)
                self.a.initialize(from: a, count: a.count)
                self.b = .allocate(capacity: b.count)
                self.b.initialize(from: b, count: b.count)
                outputs = (0..<2).map { _ in
                    let c = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
                    c.initialize(repeating: .nan, count: m * n)
                    return c
                }
            }
            deinit {
                a.deallocate()
                b.deallocate()
                for c in outputs { c.deallocate() }
            }
        }
        let job = Job(m: m, n: n, k: k, a: a, b: b)
        withExtendedLifetime(job) {
            kiso_parallel_run(2, 2, { context, chunk in
                let job = Unmanaged<Job>.fromOpaque(context!).takeUnretainedValue()
                kiso_sgemm_parallel(2, 0, 0, job.m, job.n, job.k, 1, job.a, job.k, job.b, job.n, 0, job.outputs[chunk], job.n)
            }, Unmanaged.passUnretained(job).toOpaque())
            for c in job.outputs {
                let output = Array(UnsafeBufferPointer(start: c, count: m * n))
                #expect(output == expected, "nested row split with a shared B", sourceLocation: sourceLocation)
            }
        }
    }

    /// The transpose kernel against an index loop, for shapes with and without whole 8×8
    /// blocks, from a single element up to one that splits over threads, with every width of
    /// a partial last block (1 … 7 columns past a multiple of 8).
    func checkTranspose(sourceLocation: SourceLocation = #_sourceLocation) {
        for (rows, cols) in [(1, 1), (1, 9), (9, 1), (8, 8), (7, 13), (16, 24), (16, 7), (24, 14), (16, 28), (8, 10),
                             (16, 11), (8, 15), (50, 784), (33, 65), (300, 301)] {
            let source = matrix(rows * cols, seed: UInt64(rows * 1000 + cols))
            var target = [Float](repeating: .nan, count: rows * cols)
            source.withUnsafeBufferPointer { s in
                target.withUnsafeMutableBufferPointer { t in
                    Kernels.transpose(s.baseAddress!, rows: rows, columns: cols, into: t.baseAddress!)
                }
            }
            var expected = [Float](repeating: 0, count: rows * cols)
            for i in 0..<rows { for j in 0..<cols { expected[j * rows + i] = source[i * cols + j] } }
            #expect(target == expected, "\(rows)×\(cols) on \(Kernels.dispatchPath)", sourceLocation: sourceLocation)
        }
    }

    @Test func transposeMatchesAnIndexLoop() {
        checkTranspose()
        let x = Tensor(shape: [7, 13], scalars: matrix(91, seed: 3))
        #expect(x.T.shape == [13, 7] && x.T.T.scalars == x.scalars)
    }

    @Test func expAndSigmoidMatchFoundation() {
        checkExpAndSigmoid()
    }

    @Test func elementwiseKernelsMatchScalarLoops() {
        checkElementwise()
    }

    @Test func tensorBiasRowAndReluGoThroughKernels() {
        let x = Tensor(shape: [4, 2, 9], scalars: matrix(72, seed: 7)), bias = Tensor(matrix(9, seed: 8))
        let expected = (0..<72).map { x.scalars[$0] + bias.scalars[$0 % 9] }
        #expect((x + bias).scalars == expected && (x + bias).shape == [4, 2, 9])
        #expect((bias + x).scalars == expected)
        #expect((x.reshaped(8, 9) + bias.reshaped(1, 9)).scalars == expected)
        #expect(maximum(x, 0).scalars == x.scalars.map { Swift.max($0, 0) })
    }

    @Test func flushToZeroIsScopedAndUsedByKernels() {
        let tiny: [Float] = [Float.leastNormalMagnitude / 100, -Float.leastNormalMagnitude / 4, .leastNonzeroMagnitude, 2]
        var out = [Float](repeating: -1, count: 4)
        let one = [Float](repeating: 1, count: 4), zero = [Float](repeating: 0, count: 4)
        let before = Kernels.isFlushToZeroActive
        // Without flush-to-zero the hardware keeps subnormals…
        kiso_ftz_restore(kiso_ftz_enter() & ~0x8040)
        kiso_muladd(tiny, one, zero, &out, 4)
        #expect(out == tiny)
        // …with it, they read and write as zero, and the previous mode comes back afterwards.
        Kernels.withFlushToZero {
            #expect(Kernels.isFlushToZeroActive)
            kiso_muladd(tiny, one, zero, &out, 4)
        }
        #expect(out == [0, 0, 0, 2])
        #expect(!Kernels.isFlushToZeroActive)
        // sgemm turns it on inside: a subnormal A gives an exact zero product.
        var c: [Float] = [7]
        Kernels.sgemm(transposeA: false, transposeB: false, m: 1, n: 1, k: 3, a: tiny, lda: 3, b: one, ldb: 1, c: &c, ldc: 1)
        #expect(c == [0])
        #expect(!Kernels.isFlushToZeroActive)
        if before { _ = kiso_ftz_enter() }
    }
}

/// Checks Kernels.exp and Kernels.sigmoid on the current path over −110…100 (every 1/64),
/// the saturation edges, ±0, subnormals, ±inf and NaN.
private func checkExpAndSigmoid(sourceLocation: SourceLocation = #_sourceLocation) {
    var x = stride(from: Float(-110), through: 100, by: 1.0 / 64).map { $0 }
    x += [0, -0.0, Float.leastNormalMagnitude / 100, -Float.leastNormalMagnitude / 100, Float.leastNonzeroMagnitude, 88.72, 88.73, -87.33, -87.34, -103.9, -104,
          100, -100, .infinity, -.infinity, .nan, 1e-7, -1e-7]
    var y = [Float](repeating: 0, count: x.count), s = y
    Kernels.exp(x, &y, count: x.count)
    Kernels.sigmoid(x, &s, count: x.count)
    var worstExp = 0.0, worstSigmoid = 0.0
    for i in x.indices {
        let exact = Foundation.exp(Double(x[i]))
        let sigmoid = 1 / (1 + Foundation.exp(-Double(x[i])))
        if x[i].isNaN {
            #expect(y[i].isNaN && s[i].isNaN, sourceLocation: sourceLocation)
            continue
        }
        // Results below Float.leastNormalMagnitude may be flushed to zero (the kernels run
        // with flush-to-zero on), so those are compared absolutely at that scale; the rest
        // relatively: the polynomial is accurate to ~1 ulp, plus one rounding each for the
        // argument reduction and the scaling, so 4 ulp (4 · 2⁻²³ relative) bounds the error.
        let bound = 4 * Double(Float.ulpOfOne)
        func error(_ got: Float, _ want: Double) -> Double {
            if want > Double(Float.greatestFiniteMagnitude) { return got == .infinity ? 0 : .infinity }
            if want < Double(Float.leastNormalMagnitude) { return Swift.abs(Double(got) - want) / Double(Float.leastNormalMagnitude) }
            return Swift.abs(Double(got) - want) / want / bound
        }
        worstExp = Swift.max(worstExp, error(y[i], exact))
        worstSigmoid = Swift.max(worstSigmoid, error(s[i], sigmoid))
        #expect(y[i] >= 0 && s[i] >= 0 && s[i] <= 1, "x = \(x[i])", sourceLocation: sourceLocation)
    }
    #expect(worstExp <= 1, "exp: worst error \(worstExp)× tolerance on \(Kernels.dispatchPath)", sourceLocation: sourceLocation)
    #expect(worstSigmoid <= 1, "sigmoid: worst error \(worstSigmoid)× tolerance on \(Kernels.dispatchPath)", sourceLocation: sourceLocation)
    #expect(y[x.firstIndex(of: 100)!] == .infinity, sourceLocation: sourceLocation)
    #expect(y[x.firstIndex(of: -.infinity)!] == 0 && s[x.firstIndex(of: .infinity)!] == 1, sourceLocation: sourceLocation)
}

/// Checks the float16 rounding kernel bit for bit against the portable Swift round trip
/// (`Float16Conversion`): every binary16 value, every midpoint between neighbours (ties go to
/// the even one) and one float32 step either side of it, the overflow edge, float32 subnormals,
/// specials, and 200 000 random bit patterns. NaN only has to stay NaN.
private func checkFloat16Rounding(sourceLocation: SourceLocation = #_sourceLocation) {
    var inputs: [Float] = [0, -0.0, .infinity, -.infinity, .nan, 65504, 65519.996, 65520, -65520, 1e6,
                           .leastNonzeroMagnitude, -.leastNormalMagnitude, 0x1p-25, 0x1.8p-25, 0x1p-26]
    for bits in UInt16.min...UInt16.max where (bits >> 10) & 0x1F != 0x1F {
        let value = Float16Conversion.float(fromBits: bits)
        inputs.append(value)
        if bits & 0x7FFF < 0x7BFF {   // the midpoint to the next value up in magnitude, and its float32 neighbours
            let next = Float16Conversion.float(fromBits: bits + 1)
            let midpoint = (value + next) / 2
            inputs += [midpoint, midpoint.nextUp, midpoint.nextDown]
        }
    }
    var generator = RandomGenerator(seed: 16)
    for _ in 0..<200_000 { inputs.append(Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()))) }
    var y = [Float](repeating: 0, count: inputs.count)
    Kernels.roundToFloat16(inputs, &y, count: inputs.count)
    var mismatches = 0
    for (x, got) in zip(inputs, y) {
        let want = Float16Conversion.float(fromBits: Float16Conversion.bits(from: x))
        if want.isNaN ? !got.isNaN : got.bitPattern != want.bitPattern {
            mismatches += 1
            if mismatches <= 5 { Issue.record("float16(\(x)) = \(got), want \(want) on \(Kernels.dispatchPath)", sourceLocation: sourceLocation) }
        }
    }
    #expect(mismatches == 0, "\(mismatches) of \(inputs.count) float16 roundings differ", sourceLocation: sourceLocation)
}

/// The 2×2, stride-2 max pooling kernels of the current path against a scalar loop, exactly:
/// plane widths whose pooled rows are 1 output, tails of 4 and 8 lanes, one and two whole
/// 16-lane steps and a step plus one or a few; values in steps of ½ so that windows tie (the
/// first of top-left, top-right, bottom-left, bottom-right wins). The backward pass writes every
/// element of dx (it starts as NaN), the gradient on the winner and 0 elsewhere, and neither
/// pass writes past its output (sentinels after the end stay).
private func checkMaxPool2x2(sourceLocation: SourceLocation = #_sourceLocation) {
    for (height, width) in [(2, 2), (4, 6), (2, 8), (4, 14), (6, 16), (2, 24), (4, 28), (2, 32), (2, 34), (4, 40), (2, 64), (2, 70)] {
        let planes = 3, (oh, ow) = (height / 2, width / 2), outputs = planes * oh * ow, sentinel: Float = 12345
        let x = matrix(planes * height * width, seed: UInt64(width)).map { ($0 * 4).rounded() / 2 }
        var out = [Float](repeating: 0, count: outputs + 16), arg = [Int32](repeating: -7, count: outputs + 16)
        out[outputs...].withUnsafeMutableBufferPointer { $0.update(repeating: sentinel) }
        Kernels.maxPool2x2(x, planes: planes, height: height, width: width, output: &out, argmax: &arg)
        var wantOut: [Float] = [], wantArg: [Int32] = []
        for p in 0..<planes { for y in 0..<oh { for xo in 0..<ow {
            var best = -Float.infinity, at = -1
            for i in [2 * y * width + 2 * xo, 2 * y * width + 2 * xo + 1, (2 * y + 1) * width + 2 * xo, (2 * y + 1) * width + 2 * xo + 1]
            where x[p * height * width + i] > best { (best, at) = (x[p * height * width + i], i) }
            wantOut.append(best)
            wantArg.append(Int32(at))
        } } }
        #expect(Array(out[..<outputs]) == wantOut, "max pool \(height)×\(width) on \(Kernels.dispatchPath)", sourceLocation: sourceLocation)
        #expect(Array(arg[..<outputs]) == wantArg, "argmax \(height)×\(width) on \(Kernels.dispatchPath)", sourceLocation: sourceLocation)
        #expect(out[outputs...].allSatisfy { $0 == sentinel } && arg[outputs...].allSatisfy { $0 == -7 }, sourceLocation: sourceLocation)

        let dout = matrix(outputs, seed: 7)
        var dx = [Float](repeating: .nan, count: planes * height * width + 16)
        dx[(planes * height * width)...].withUnsafeMutableBufferPointer { $0.update(repeating: sentinel) }
        Kernels.maxPool2x2Backward(dout, argmax: wantArg, planes: planes, height: height, width: width, into: &dx)
        var wantDX = [Float](repeating: 0, count: planes * height * width)
        for p in 0..<planes { for o in 0..<(oh * ow) { wantDX[p * height * width + Int(wantArg[p * oh * ow + o])] = dout[p * oh * ow + o] } }
        #expect(Array(dx[..<(planes * height * width)]) == wantDX, "max pool backward \(height)×\(width) on \(Kernels.dispatchPath)", sourceLocation: sourceLocation)
        #expect(dx[(planes * height * width)...].allSatisfy { $0 == sentinel }, sourceLocation: sourceLocation)
    }
}

/// Checks relu (maximum with a scalar), a·b + c and the bias-row add against scalar loops
/// (exact: each is one rounding, or a fused multiply-add that rounds once).
private func checkElementwise(sourceLocation: SourceLocation = #_sourceLocation) {
    let n = 1037
    let a = matrix(n, seed: 4), b = matrix(n, seed: 5), c = matrix(n, seed: 6)
    var y = [Float](repeating: 0, count: n)
    Kernels.relu(a, &y, count: n)
    #expect(y == a.map { Swift.max($0, 0) }, sourceLocation: sourceLocation)
    var withNaN = a
    withNaN[3] = .nan
    withNaN[4] = -0.0
    Kernels.relu(withNaN, &y, count: n)
    #expect(y[3].isNaN, sourceLocation: sourceLocation)
    #expect(y[4] == 0 && y[4].sign == .plus, "max(−0, 0) is +0, as Swift.max", sourceLocation: sourceLocation)
    Kernels.multiplyAdd(a, b, c, &y, count: n)
    // Fused on paths with FMA, separately rounded on the portable path: either is exact.
    for i in 0..<n { #expect(y[i] == c[i].addingProduct(a[i], b[i]) || y[i] == a[i] * b[i] + c[i], sourceLocation: sourceLocation) }
    let rows = 17, columns = 61
    Kernels.addRow(a, row: b, &y, rows: rows, columns: columns)
    for r in 0..<rows { for j in 0..<columns { #expect(y[r * columns + j] == a[r * columns + j] + b[j], sourceLocation: sourceLocation) } }
}
