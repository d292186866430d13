// One instruction-set path of the kernels, written once with Clang/GCC vector extensions and
// instantiated per path by a tiny .c file that defines, before including this file:
//   KISO_SUFFIX  name suffix of the functions (avx2, avx512, neon, portable)
//   KISO_VL      float lanes per vector register (4, 8 or 16)
//   KISO_MR      rows of the register tile (micro-kernel height)
//   KISO_NV      vectors per tile row; the tile is KISO_MR × (KISO_NV·KISO_VL)
//   KISO_KC, KISO_MC, KISO_NC   cache blocks (k depth, rows of A, columns of B)
//   KISO_KC_LARGE_CACHE  optionally, the depth block on CPUs with an L1 data cache of 48 KB or more
//                or an L2 of 512 KB or more per core
//   KISO_CONV_TABLE  the path's convolution kernels (a kiso_conv_impl from conv_<path>.c)
//   KISO_TILE    optionally, a hand-written register tile with the contract of tile() below
// and wrapping the include in `#pragma clang attribute push(target(...))` so every function
// here is compiled for that instruction set. Nothing in this file is path-specific, so the
// instances share their packing, blocking and element-wise code; a path whose compiler output of
// the generic tile is slow (AVX-512) brings its own tile, tested like the rest on its path.
#include "internal.h"

#define KISO_NR (KISO_NV * KISO_VL)
#ifndef KISO_DIRECT_MAX_N
#define KISO_DIRECT_MAX_N (4 * KISO_NR)   // widest C for which A is read in place, not packed
#endif
#ifndef KISO_PREFETCH_MIN_DEPTH
#define KISO_PREFETCH_MIN_DEPTH 128       // shallowest depth block whose tiles prefetch the next B panel
#endif
#ifndef KISO_DIRECT_B_MAX_M
#define KISO_DIRECT_B_MAX_M (6 * KISO_MR) // most rows of C for which B is read in place, not packed
#endif
#define KISO_CAT2(a, b) a##_##b
#define KISO_CAT(a, b) KISO_CAT2(a, b)
#define KISO_NAME(base) KISO_CAT(base, KISO_SUFFIX)

typedef float vf __attribute__((vector_size(KISO_VL * 4)));                 // aligned vector
typedef float vfu __attribute__((vector_size(KISO_VL * 4), aligned(4)));    // unaligned access
typedef int vi __attribute__((vector_size(KISO_VL * 4)));

/// x in every lane (a broadcast).
static inline vf KISO_NAME(splat)(float x) {
    vf v;
    for (int i = 0; i < KISO_VL; i++) v[i] = x;
    return v;
}
#define SPLAT(x) KISO_NAME(splat)(x)

// MARK: - Packing

// A path may define KISO_STORE_PART(ptr, v, count) and KISO_LOAD_PART(ptr, count) to move the
// first `count` (< KISO_VL) lanes with masked instructions; otherwise a small buffer does it.
#ifndef KISO_STORE_PART
#define KISO_STORE_PART(ptr, v, count) do {                                        \
        float part_[KISO_VL] __attribute__((aligned(64)));                          \
        *(vf *)part_ = (v);                                                         \
        for (long j_ = 0; j_ < (count); j_++) (ptr)[j_] = part_[j_];                \
    } while (0)
#define KISO_LOAD_PART(ptr, count) ({                                               \
        float part_[KISO_VL] __attribute__((aligned(64))) = {0};                    \
        for (long j_ = 0; j_ < (count); j_++) part_[j_] = (ptr)[j_];                \
        *(vf *)part_;                                                               \
    })
#endif


/// Packs rows [0, mc) × depth [0, kc) of op(A) into micro-panels of KISO_MR rows: panel i holds
/// op(A)[i·MR + r][p] at dst[i·MR·kc + p·MR + r]; rows past mc are zero.
static void KISO_NAME(pack_a)(int transA, long mc, long kc, const float *a, long lda, float *restrict dst) {
    for (long i = 0; i < mc; i += KISO_MR) {
        long rows = mc - i < KISO_MR ? mc - i : KISO_MR;
        if (transA && rows == KISO_MR) {   // A stored k×m: row p of storage holds op(A)[.][p]
            for (long p = 0; p < kc; p++) __builtin_memcpy(dst + p * KISO_MR, a + p * lda + i, KISO_MR * sizeof(float));
        } else if (transA) {
            for (long p = 0; p < kc; p++) {
                const float *src = a + p * lda + i;
                long r = 0;
                for (; r < rows; r++) dst[p * KISO_MR + r] = src[r];
                for (; r < KISO_MR; r++) dst[p * KISO_MR + r] = 0;
            }
        } else if (rows == KISO_MR) {   // A stored m×k: read MR rows side by side, write contiguously
            const float *src[KISO_MR];
            for (int r = 0; r < KISO_MR; r++) src[r] = a + (i + r) * lda;
            long p = 0;
#if defined(KISO_TRANSPOSE_8X8) && KISO_MR >= 8
            // 8×8 blocks through registers (element by element, Clang scatters each row's
            // values at a stride of MR floats): rows r…r+7 for r = 0, 8, …, the last block ending
            // at row MR, so that with MR = 12 rows 4…7 are written twice with the same values.
            for (; p + 8 <= kc; p += 8)
                for (int r0 = 0; r0 < KISO_MR; r0 += 8) {
                    int r = r0 + 8 <= KISO_MR ? r0 : KISO_MR - 8;
                    KISO_TRANSPOSE_8X8(src[r] + p, lda, dst + p * KISO_MR + r, KISO_MR);
                }
#endif
            for (; p < kc; p++)
                for (int r = 0; r < KISO_MR; r++) dst[p * KISO_MR + r] = src[r][p];
        } else {
            for (long p = 0; p < kc; p++) {
                long r = 0;
                for (; r < rows; r++) dst[p * KISO_MR + r] = a[(i + r) * lda + p];
                for (; r < KISO_MR; r++) dst[p * KISO_MR + r] = 0;
            }
        }
        dst += KISO_MR * kc;
    }
}

/// Packs depth [0, kc) × columns [0, nc) of op(B) into micro-panels of KISO_NR columns: panel j
/// holds op(B)[p][j·NR + c] at dst[j·NR·kc + p·NR + c]; columns past nc are zero.
static void KISO_NAME(pack_b)(int transB, long kc, long nc, const float *b, long ldb, float *restrict dst) {
    long j = 0;
    if (!transB) {
        // Whole panels, PACK_B_BAND at a time, row by row: each row of B is read as one run of
        // PACK_B_BAND·NR floats. A panel at a time, each row of a wide B was a new page: packing
        // took 5.1 % of the product's time at 2048³, 4.3 % this way.
        enum { PACK_B_BAND = 8 };
        long whole = nc / KISO_NR;
        for (long j0 = 0; j0 < whole; j0 += PACK_B_BAND) {
            long j1 = j0 + PACK_B_BAND < whole ? j0 + PACK_B_BAND : whole;
            for (long p = 0; p < kc; p++) {
                const float *src = b + p * ldb;
                for (long jj = j0; jj < j1; jj++)
                    for (int v = 0; v < KISO_NV; v++)
                        *(vf *)(dst + jj * KISO_NR * kc + p * KISO_NR + v * KISO_VL) =
                            *(const vfu *)(src + jj * KISO_NR + v * KISO_VL);
            }
        }
        j = whole * KISO_NR;
        dst += whole * KISO_NR * kc;
    }
    for (; j < nc; j += KISO_NR) {
        long cols = nc - j < KISO_NR ? nc - j : KISO_NR;
        if (!transB) {
            for (long p = 0; p < kc; p++) {
                const float *src = b + p * ldb + j;
                for (int v = 0; v < KISO_NV; v++) {
                    long part = cols - v * KISO_VL;
                    vf x = part >= KISO_VL ? *(const vfu *)(src + v * KISO_VL)
                         : part > 0 ? KISO_LOAD_PART(src + v * KISO_VL, part) : (vf){0};
                    *(vf *)(dst + p * KISO_NR + v * KISO_VL) = x;
                }
            }
        } else {        // B stored n×k: column c of op(B) is row j+c of storage
            long c = 0;
#ifdef KISO_TRANSPOSE_8X8
            // Whole 8×8 blocks through registers (the scalar loop below writes a stride of NR
            // floats per element); the depth tail of these columns and the other columns after.
            long p8 = kc / 8 * 8;
            for (; c + 8 <= cols; c += 8) {
                const float *src = b + (j + c) * ldb;
                for (long p = 0; p < p8; p += 8) KISO_TRANSPOSE_8X8(src + p, ldb, dst + p * KISO_NR + c, KISO_NR);
                for (long r = 0; r < 8; r++)
                    for (long p = p8; p < kc; p++) dst[p * KISO_NR + c + r] = src[r * ldb + p];
            }
#endif
            for (; c < cols; c++) {
                const float *src = b + (j + c) * ldb;
                for (long p = 0; p < kc; p++) dst[p * KISO_NR + c] = src[p];
            }
            for (; c < KISO_NR; c++)
                for (long p = 0; p < kc; p++) dst[p * KISO_NR + c] = 0;
        }
        dst += KISO_NR * kc;
    }
}

// MARK: - Micro-kernel

/// C[mr×nr] = alpha · Ã·B̃ + beta · C for one register tile, where B̃ is a kc×KISO_NR micro-panel
/// whose rows are `ldbt` floats apart (KISO_NR when packed, B's own stride when read in place) and
/// of which the first `nvu` vectors are used (nr ≤ nvu·VL; narrower tiles skip the zero
/// columns), and Ã is KISO_MR rows of depth kc, read according to `mode`: 0, a packed
/// micro-panel; 1, in place from an A stored m×k with leading dimension `lda`; 2, in place
/// from an A stored k×m (transposed) with leading dimension `lda`. Modes 1 and 2 need
/// mr == KISO_MR. beta == 0 never reads C. Unless `next` is NULL, the kc/8 cache lines from
/// `next` on (a slice of the next B̃ panel) are fetched into L2 meanwhile, one every 8 steps.
#ifndef KISO_TILE
#define KISO_TILE KISO_NAME(tile)
static inline __attribute__((always_inline))
void KISO_NAME(tile)(const int nvu, const int mode, long kc, const float *restrict a, long lda,
                     const float *restrict b, long ldbt, float *restrict c, long ldc, float alpha, float beta,
                     long mr, long nr, const float *next) {
    vf acc[KISO_MR][KISO_NV];
    for (int r = 0; r < KISO_MR; r++)
        for (int v = 0; v < nvu; v++) acc[r][v] = (vf){0};
#define KISO_GENERIC_STEP {                                                             \
        vf bv[KISO_NV];                                                                  \
        for (int v = 0; v < nvu; v++) bv[v] = *(const vfu *)(b + v * KISO_VL);           \
        for (int r = 0; r < KISO_MR; r++) {                                              \
            vf av = SPLAT(mode == 1 ? a[r * lda] : a[r]);                                \
            for (int v = 0; v < nvu; v++) acc[r][v] += av * bv[v];                       \
        }                                                                                \
        a += mode == 0 ? KISO_MR : mode == 1 ? 1 : lda;                                  \
        b += ldbt;                                                                       \
    }
    // In deep tiles C's rows (the first and last line of each) are fetched KISO_C_PREFETCH_STEPS
    // steps before the stores below: fetched when the tile starts, they were evicted by the panels
    // streaming through L1 meanwhile. Shallow tiles fetch them at the start, in one loop of steps
    // (two loops and twice the prefetches made 100·50·10 3–9 % slower).
    long p = 0, early = kc >= KISO_PREFETCH_MIN_DEPTH ? kc - KISO_C_PREFETCH_STEPS : 0;
#define KISO_PREFETCH_C(last)                                                            \
    for (int r = 0; r < mr; r++) {                                                       \
        __builtin_prefetch(c + r * ldc, 1);                                               \
        if (last) __builtin_prefetch(c + r * ldc + nr - 1, 1);                            \
    }
    if (!early) KISO_PREFETCH_C(0)
    if (next) {     // steps of 8, each fetching one line of the next panel into L2
        const char *ahead = (const char *)next;
        // Not unrolled: Clang interleaves unrolled steps and spills a register in each.
#define KISO_EIGHT_STEPS {                                                               \
            __builtin_prefetch(ahead, 0, 2);                                              \
            ahead += 64;                                                                  \
            _Pragma("clang loop unroll(disable)")                                         \
            for (int q = 0; q < 8; q++) KISO_GENERIC_STEP                                 \
        }
        for (; p + 8 <= early; p += 8) KISO_EIGHT_STEPS
        KISO_PREFETCH_C(1)
        for (; p + 8 <= kc; p += 8) KISO_EIGHT_STEPS
#undef KISO_EIGHT_STEPS
    } else if (early) {
        for (; p < early; p++) KISO_GENERIC_STEP
        KISO_PREFETCH_C(1)
    }
    for (; p < kc; p++) KISO_GENERIC_STEP
#undef KISO_GENERIC_STEP
#undef KISO_PREFETCH_C
    if (alpha != 1)
        for (int r = 0; r < KISO_MR; r++)
            for (int v = 0; v < nvu; v++) acc[r][v] *= alpha;
    if (mr == KISO_MR && nr == nvu * KISO_VL) {
        for (int r = 0; r < KISO_MR; r++) {
            float *row = c + r * ldc;
            for (int v = 0; v < nvu; v++) {
                vfu *dst = (vfu *)(row + v * KISO_VL);
                if (beta == 0) *dst = acc[r][v];
                else if (beta == 1) *dst = *dst + acc[r][v];
                else *dst = beta * *dst + acc[r][v];
            }
        }
        return;
    }
    for (int r = 0; r < KISO_MR; r++) {
        if (r >= mr) break;
        float *row = c + r * ldc;
        for (int v = 0; v < nvu; v++) {
            long cols = nr - v * KISO_VL;
            if (cols >= KISO_VL) {
                vfu *dst = (vfu *)(row + v * KISO_VL);
                *dst = beta == 0 ? acc[r][v] : beta * *dst + acc[r][v];
            } else if (cols > 0) {
                vf old = beta == 0 ? (vf){0} : KISO_LOAD_PART(row + v * KISO_VL, cols);
                KISO_STORE_PART(row + v * KISO_VL, beta * old + acc[r][v], cols);
            }
        }
    }
}

#endif

/// One register tile (see tile) whose Ã is read in `mode` 0 (packed), 1 or 2 (in place).
static void KISO_NAME(micro_kernel)(int mode, long kc, const float *restrict a, long lda,
                                    const float *restrict b, long ldbt, float *restrict c, long ldc, float alpha, float beta,
                                    long mr, long nr, const float *next) {
    long nvu = (nr + KISO_VL - 1) / KISO_VL;
#define KISO_TILE_N(n) do {                                                                             \
        if (mode == 1) KISO_TILE(n, 1, kc, a, lda, b, ldbt, c, ldc, alpha, beta, mr, nr, next);        \
        else if (mode == 2) KISO_TILE(n, 2, kc, a, lda, b, ldbt, c, ldc, alpha, beta, mr, nr, next);   \
        else KISO_TILE(n, 0, kc, a, 0, b, ldbt, c, ldc, alpha, beta, mr, nr, next);                    \
    } while (0)
    switch (nvu) {
    case 1: KISO_TILE_N(1); break;
#if KISO_NV >= 2
    case 2: KISO_TILE_N(2); break;
#endif
#if KISO_NV >= 3
    case 3: KISO_TILE_N(3); break;
#endif
    default: KISO_TILE_N(KISO_NV); break;
    }
#undef KISO_TILE_N
}

// MARK: - Narrow column tail

/// C[m×w] = alpha · A·op(B)[:, 0..<w] + beta · C for a row-major A (not transposed) and a few
/// columns w ≤ 4, as dot products along k: op(B)'s w columns are copied into contiguous rows
/// first. A register tile would spend a whole vector on each of these columns.
static void KISO_NAME(dot_tail)(int transB, long m, long w, long k, float alpha, const float *a, long lda,
                                const float *b, long ldb, float beta, float *c, long ldc) {
    float *bt = kiso_scratch(1, (size_t)(4 * k));
    for (long j = 0; j < w; j++)
        for (long p = 0; p < k; p++) bt[j * k + p] = transB ? b[j * ldb + p] : b[p * ldb + j];
    long kv = k / KISO_VL * KISO_VL;
    for (long i = 0; i < m; i += 2) {             // two rows at a time: 2·w independent sums
        long rows = m - i < 2 ? m - i : 2;
        const float *row0 = a + i * lda, *row1 = rows == 2 ? row0 + lda : row0;
        vf acc0[4] = {(vf){0}, (vf){0}, (vf){0}, (vf){0}}, acc1[4] = {(vf){0}, (vf){0}, (vf){0}, (vf){0}};
        for (long p = 0; p < kv; p += KISO_VL) {
            vf x0 = *(const vfu *)(row0 + p), x1 = *(const vfu *)(row1 + p);
            for (int j = 0; j < 4; j++) {
                if (j >= w) break;
                vf y = *(const vfu *)(bt + j * k + p);
                acc0[j] += x0 * y;
                acc1[j] += x1 * y;
            }
        }
        for (long r = 0; r < rows; r++) {
            const float *row = r ? row1 : row0;
            for (long j = 0; j < w; j++) {
                vf v = r ? acc1[j] : acc0[j];
                float sum = 0;
                for (int l = 0; l < KISO_VL; l++) sum += v[l];
                for (long p = kv; p < k; p++) sum += row[p] * bt[j * k + p];
                float *out = c + (i + r) * ldc + j;
                *out = beta == 0 ? alpha * sum : alpha * sum + beta * *out;
            }
        }
    }
}

// MARK: - Driver

/// Depth of the cache blocks: KISO_KC, or KISO_KC_LARGE_CACHE where the path defines it and the
/// CPU's L1 data cache holds 48 KB or more or its L2 holds 512 KB or more per core.
static long KISO_NAME(depth_block)(void) {
#ifdef KISO_KC_LARGE_CACHE
    int large = kiso_l1d_cache_bytes() >= 48 * 1024 || kiso_l2_cache_bytes() >= 512 * 1024;
    return large ? KISO_KC_LARGE_CACHE : KISO_KC;
#else
    return KISO_KC;
#endif
}

/// The depth of every block but the last for a depth k: the path's depth block, evened out so
/// that the last block is not much shallower than the others.
static long KISO_NAME(balanced_depth)(long k) {
    long depthBlock = KISO_NAME(depth_block)();
    long kBlocks = (k + depthBlock - 1) / depthBlock;
    return (k + kBlocks - 1) / kBlocks;
}

/// Columns of B packed per claim when threads share it: the band pack_b reads row by row.
enum { KISO_NAME(shared_b_band_panels) = 8 };

/// The sizes of a B shared between the parts of a row split (see kiso_shared_b) of an m×k by
/// k×n product over `parts` threads; 0 where n spans more than one column block, whose packed
/// copies a part would have to overwrite. The rows of C are cut into blocks of at most the
/// path's row block, as many as a multiple of `parts` (1000 rows on two threads: 8 blocks of 126
/// rows, not 7 of 144, of which one thread would take 4).
static int KISO_NAME(shared_b_layout)(long m, long k, long n, long parts, kiso_shared_b *layout) {
    if (n > KISO_NC || k <= 0 || n <= 0 || m <= 0 || parts <= 0) return 0;
    layout->depthBlock = KISO_NAME(balanced_depth)(k);
    layout->blocks = (k + layout->depthBlock - 1) / layout->depthBlock;
    layout->bandColumns = KISO_NAME(shared_b_band_panels) * KISO_NR;
    layout->bands = (n + layout->bandColumns - 1) / layout->bandColumns;
    layout->paddedColumns = (n + KISO_NR - 1) / KISO_NR * KISO_NR;
    long rowBlocks = (m + KISO_MC - 1) / KISO_MC;
    rowBlocks = (rowBlocks + parts - 1) / parts * parts;
    layout->rowBlock = ((m + rowBlocks - 1) / rowBlocks + KISO_MR - 1) / KISO_MR * KISO_MR;
    layout->rowBlocks = (m + layout->rowBlock - 1) / layout->rowBlock;
    return 1;
}

/// Packs the depth block [pc, pc + kc) of op(B) into `shared` with the other parts: claims bands
/// of columns until none is left, packing each, then waits until the bands claimed by others
/// are packed too (they are being packed: a band is claimed only by a thread about to pack it).
static const float *KISO_NAME(pack_shared_b)(const kiso_shared_b *shared, int transB, long pc, long kc, long n,
                                             const float *bBlock, long ldb) {
    long block = pc / shared->depthBlock;
    float *packed = shared->packed + pc * shared->paddedColumns;
    long *cursor = shared->claimed + block;
    int *ready = shared->ready + block * shared->bands;
    for (;;) {
        long band = __atomic_fetch_add(cursor, 1, __ATOMIC_RELAXED);
        if (band >= shared->bands) break;
        long j0 = band * shared->bandColumns;
        long cols = n - j0 < shared->bandColumns ? n - j0 : shared->bandColumns;
        KISO_NAME(pack_b)(transB, kc, cols, transB ? bBlock + j0 * ldb : bBlock + j0, ldb, packed + j0 * kc);
        __atomic_store_n(ready + band, 1, __ATOMIC_RELEASE);
    }
    for (long band = 0; band < shared->bands; band++)
        for (unsigned spins = 0; !__atomic_load_n(ready + band, __ATOMIC_ACQUIRE); spins++)
            kiso_spin_pause(spins);
    return packed;
}

/// C[0..<mc, 0..<nc] = alpha · op(A)·op(B) + beta · C over one depth block of kc, on one
/// thread: aBlock points at op(A)'s first row of the block (mc rows, at its depth offset);
/// op(B)'s first ncFull columns (whole tile panels) are read in place from bBlock (rows ldb
/// apart) and the others from packedB (column panels of KISO_NR, each kc deep). With `direct`,
/// A's whole row panels are read in place too, and only the last, partial one is packed into
/// bufA (mcMax × kc floats); otherwise all of the block is.
static void KISO_NAME(block_product)(int transA, long mc, long nc, long kc, float alpha,
                                     const float *aBlock, long lda, const float *bBlock, long ldb,
                                     const float *packedB, long ncFull, int direct, float beta,
                                     float *c, long ldc, float *bufA) {
    // A is read in place when few column panels would reuse a packed copy; only its last,
    // partial row panel is packed (zero rows past mc).
    long mcFull = direct ? mc / KISO_MR * KISO_MR : 0;
    KISO_NAME(pack_a)(transA, mc - mcFull, kc, transA ? aBlock + mcFull : aBlock + mcFull * lda, lda, bufA);
    for (long jr = 0; jr < nc; jr += KISO_NR) {
        long nr = nc - jr < KISO_NR ? nc - jr : KISO_NR;
        int inPlace = jr < ncFull;
        const float *panelB = inPlace ? bBlock + jr : packedB + (jr - ncFull) * kc;
        long ldbt = inPlace ? ldb : KISO_NR;
        // The next packed panel, which the tiles of this one fetch into L2 a slice each (kc/8
        // lines, NR/2 tiles to cover it); NULL where there is none, and for shallow blocks,
        // whose panels are small and whose tiles run faster without the prefetching loop.
        const float *nextB = kc >= KISO_PREFETCH_MIN_DEPTH && jr + KISO_NR < nc && jr + KISO_NR >= ncFull
                           ? packedB + (jr + KISO_NR - ncFull) * kc : NULL;
        long slice = kc / 8 * (64 / (long)sizeof(float));
        for (long ir = 0; ir < mc; ir += KISO_MR) {
            long mr = mc - ir < KISO_MR ? mc - ir : KISO_MR;
            float *cTile = c + ir * ldc + jr;
            long offset = ir / KISO_MR * slice;
            const float *next = nextB && offset < KISO_NR * kc ? nextB + offset : NULL;
            if (ir < mcFull)
                KISO_NAME(micro_kernel)(transA ? 2 : 1, kc, transA ? aBlock + ir : aBlock + ir * lda, lda,
                                        panelB, ldbt, cTile, ldc, alpha, beta, mr, nr, next);
            else
                KISO_NAME(micro_kernel)(0, kc, bufA + (ir - mcFull) * kc, 0, panelB, ldbt, cTile, ldc, alpha, beta, mr, nr, next);
        }
    }
}

/// Blocked sgemm on one thread (see kiso_sgemm); a and b point at op(A)[0][0] and op(B)[0][0].
static void KISO_NAME(blocked)(int transA, int transB, long m, long n, long k, float alpha,
                             const float *a, long lda, const float *b, long ldb,
                             float beta, float *c, long ldc) {
    long kcMax = KISO_NAME(balanced_depth)(k);
    long mBlocks = (m + KISO_MC - 1) / KISO_MC;
    long mcMax = (m + mBlocks - 1) / mBlocks;
    mcMax = (mcMax + KISO_MR - 1) / KISO_MR * KISO_MR;
    long ncMax = n < KISO_NC ? n : KISO_NC;
    int direct = n <= KISO_DIRECT_MAX_N;
    // With few row panels, packing B costs about as much as the products that reuse it: its
    // whole column panels are then read in place (rows ldb apart), and only a partial last panel
    // is packed.
    int directB = !transB && m <= KISO_DIRECT_B_MAX_M;
    float *bufA = kiso_scratch(0, (size_t)(mcMax * kcMax));
    float *bufB = kiso_scratch(1, (size_t)(((ncMax + KISO_NR - 1) / KISO_NR) * KISO_NR * kcMax));
    for (long jc = 0; jc < n; jc += KISO_NC) {
        long nc = n - jc < KISO_NC ? n - jc : KISO_NC;
        for (long pc = 0; pc < k; pc += kcMax) {
            long kc = k - pc < kcMax ? k - pc : kcMax;
            const float *bBlock = transB ? b + jc * ldb + pc : b + pc * ldb + jc;
            long ncFull = directB ? nc / KISO_NR * KISO_NR : 0;
            KISO_NAME(pack_b)(transB, kc, nc - ncFull, bBlock + ncFull, ldb, bufB);
            for (long ic = 0; ic < m; ic += mcMax) {
                long mc = m - ic < mcMax ? m - ic : mcMax;
                const float *aBlock = transA ? a + pc * lda + ic : a + ic * lda + pc;
                KISO_NAME(block_product)(transA, mc, nc, kc, alpha, aBlock, lda, bBlock, ldb, bufB, ncFull, direct,
                                         pc == 0 ? beta : 1, c + ic * ldc + jc, ldc, bufA);
            }
        }
    }
}

/// sgemm on one thread: the blocked product, with a narrow last column tail (n mod KISO_NR, or
/// else n mod KISO_VL, when that is ≤ 4 columns of a narrow product with A not transposed) done
/// as dot products. With 32-column tiles, 50 columns are a whole tile, a one-vector tile and 2
/// dot products rather than a whole tile and a two-vector tile of which 14 lanes are padding.
static void KISO_NAME(sgemm)(int transA, int transB, long m, long n, long k, float alpha,
                             const float *a, long lda, const float *b, long ldb,
                             float beta, float *c, long ldc) {
    long w = n % KISO_NR;
    if (w > 4) w = n % KISO_VL;
    if (!transA && n > KISO_NR && n <= KISO_DIRECT_MAX_N && w <= 4 && w > 0 && k >= 4 * KISO_VL) {
        KISO_NAME(blocked)(transA, transB, m, n - w, k, alpha, a, lda, b, ldb, beta, c, ldc);
        long j0 = n - w;
        KISO_NAME(dot_tail)(transB, m, w, k, alpha, a, lda, transB ? b + j0 * ldb : b + j0, ldb, beta, c + j0, ldc);
        return;
    }
    KISO_NAME(blocked)(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/// One participant in a row split whose B is shared (see kiso_shared_b): every participant is
/// given the whole product (op(A) and C from row 0) and claims units of work, one row block
/// over one depth block each, in the order depth block by depth block, from the split's counter,
/// until none is left. A unit waits, if need be, for the unit of the depth block before on its
/// rows (claimed earlier, so never waiting on a later one: no cycle), and for the bands of B
/// that others are packing. A delayed thread thus holds up at most the units it claimed.
static void KISO_NAME(sgemm_shared_b)(int transA, int transB, long m, long n, long k, float alpha,
                                      const float *a, long lda, const float *b, long ldb,
                                      float beta, float *c, long ldc, const kiso_shared_b *shared) {
    float *bufA = kiso_scratch(0, (size_t)(shared->rowBlock * shared->depthBlock));
    long units = shared->blocks * shared->rowBlocks;
    for (;;) {
        long unit = __atomic_fetch_add(shared->nextUnit, 1, __ATOMIC_RELAXED);
        if (unit >= units) break;
        long block = unit / shared->rowBlocks, rows = unit % shared->rowBlocks;
        long pc = block * shared->depthBlock, ic = rows * shared->rowBlock;
        long kc = k - pc < shared->depthBlock ? k - pc : shared->depthBlock;
        long mc = m - ic < shared->rowBlock ? m - ic : shared->rowBlock;
        const float *bBlock = transB ? b + pc : b + pc * ldb;
        const float *packedB = KISO_NAME(pack_shared_b)(shared, transB, pc, kc, n, bBlock, ldb);
        for (unsigned spins = 0; __atomic_load_n(shared->finished + rows, __ATOMIC_ACQUIRE) < block; spins++)
            kiso_spin_pause(spins);
        const float *aBlock = transA ? a + pc * lda + ic : a + ic * lda + pc;
        KISO_NAME(block_product)(transA, mc, n, kc, alpha, aBlock, lda, bBlock, ldb, packedB, 0, n <= KISO_DIRECT_MAX_N,
                                 block == 0 ? beta : 1, c + ic * ldc, ldc, bufA);
        __atomic_store_n(shared->finished + rows, block + 1, __ATOMIC_RELEASE);
    }
}

// MARK: - Element-wise

/// e^x for one vector: x = n·ln2 + r with |r| ≤ ln2/2, e^r by Cephes' degree-7 polynomial
/// (relative error ≈ 1 ulp), 2^n applied as two exact power-of-two factors so that results
/// in the subnormal range are rounded once. Overflows to +inf above 88.7228, to 0 below −103.98,
/// and passes NaN through.
static inline vf KISO_NAME(exp_vec)(vf x) {
    const vf hi = SPLAT(88.72283935546875f), lo = SPLAT(-103.97283935546875f);
    vf xc = x;
    vi over = x > hi, under = x < lo;
    xc = (vf)(((vi)xc & ~over) | ((vi)hi & over));
    xc = (vf)(((vi)xc & ~under) | ((vi)lo & under));
    const vf shifter = SPLAT(12582912.0f);                       // 1.5·2^23: rounds to nearest
    vf n = (xc * 1.44269504088896341f + shifter) - shifter;
    vf r = xc - n * 0.693359375f;                                   // ln2 split: hi part exact
    r = r - n * -2.12194440e-4f;
    vf p = SPLAT(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    vi ni = __builtin_convertvector(n, vi);
    vi n1 = ni >> 1, n2 = ni - n1;
    vf s1 = (vf)((n1 + 127) << 23), s2 = (vf)((n2 + 127) << 23);
    vf y = p * s1 * s2;
    vf inf = SPLAT(__builtin_inff());
    y = (vf)(((vi)y & ~over) | ((vi)inf & over));
    vi nan = x != x;
    return (vf)(((vi)y & ~nan) | ((vi)x & nan));
}

static void KISO_NAME(exp)(const float *x, float *y, long count) {
    long i = 0;
    for (; i + KISO_VL <= count; i += KISO_VL) *(vfu *)(y + i) = KISO_NAME(exp_vec)(*(const vfu *)(x + i));
    if (i < count) {                         // the last partial vector, through a zeroed buffer
        float tmp[KISO_VL] = {0};
        __builtin_memcpy(tmp, x + i, (size_t)(count - i) * sizeof(float));
        *(vfu *)tmp = KISO_NAME(exp_vec)(*(vfu *)tmp);
        __builtin_memcpy(y + i, tmp, (size_t)(count - i) * sizeof(float));
    }
}

static inline vf KISO_NAME(sigmoid_vec)(vf x) {
    return 1.0f / (1.0f + KISO_NAME(exp_vec)(-x));
}

static void KISO_NAME(sigmoid)(const float *x, float *y, long count) {
    long i = 0;
    for (; i + KISO_VL <= count; i += KISO_VL) *(vfu *)(y + i) = KISO_NAME(sigmoid_vec)(*(const vfu *)(x + i));
    if (i < count) {                         // the last partial vector, through a zeroed buffer
        float tmp[KISO_VL] = {0};
        __builtin_memcpy(tmp, x + i, (size_t)(count - i) * sizeof(float));
        *(vfu *)tmp = KISO_NAME(sigmoid_vec)(*(vfu *)tmp);
        __builtin_memcpy(y + i, tmp, (size_t)(count - i) * sizeof(float));
    }
}

/// y[i] = max(x[i], s); NaN in x stays NaN (like NumPy's maximum).
static void KISO_NAME(max_scalar)(const float *x, float s, float *y, long count) {
    long i = 0;
    vf sv = SPLAT(s);
    for (; i + KISO_VL <= count; i += KISO_VL) {
        vf v = *(const vfu *)(x + i);
        vi below = sv >= v;                        // as Swift.max(x, s): s when s ≥ x (so max(−0, 0) = +0)
        *(vfu *)(y + i) = (vf)(((vi)v & ~below) | ((vi)sv & below));
    }
    for (; i < count; i++) y[i] = s >= x[i] ? s : x[i];
}

/// y[i] = a[i]·b[i] + c[i] (fused where the path has FMA).
static void KISO_NAME(muladd)(const float *a, const float *b, const float *c, float *y, long count) {
    long i = 0;
    for (; i + KISO_VL <= count; i += KISO_VL)
        *(vfu *)(y + i) = *(const vfu *)(a + i) * *(const vfu *)(b + i) + *(const vfu *)(c + i);
    for (; i < count; i++) y[i] = a[i] * b[i] + c[i];
}

/// y[r][j] = x[r][j] + row[j] for `rows` rows of `cols` (a bias row broadcast down a matrix).
static void KISO_NAME(add_row)(const float *x, const float *row, float *y, long rows, long cols) {
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * cols;
        float *yr = y + r * cols;
        long j = 0;
        for (; j + KISO_VL <= cols; j += KISO_VL)
            *(vfu *)(yr + j) = *(const vfu *)(xr + j) + *(const vfu *)(row + j);
        for (; j < cols; j++) yr[j] = xr[j] + row[j];
    }
}

/// dst[j·ldd + i] = src[i·lds + j] for i < rows, j < cols: a matrix transpose, in 8×8 blocks
/// held in registers where the path defines KISO_TRANSPOSE_8X8, element by element in 8×8
/// blocks otherwise (both keep the strided side within a few cache lines).
static void KISO_NAME(transpose)(const float *src, long rows, long cols, long lds, float *dst, long ldd) {
    long i0 = 0;
    for (; i0 + 8 <= rows; i0 += 8) {
        long j0 = 0;
#ifdef KISO_TRANSPOSE_8X8
        for (; j0 + 8 <= cols; j0 += 8) KISO_TRANSPOSE_8X8(src + i0 * lds + j0, lds, dst + j0 * ldd + i0, ldd);
#endif
#ifdef KISO_TRANSPOSE_8XN
        if (j0 < cols) {   // the last few columns of these 8 rows
            KISO_TRANSPOSE_8XN(src + i0 * lds + j0, lds, dst + j0 * ldd + i0, ldd, cols - j0);
            j0 = cols;
        }
#endif
        for (; j0 < cols; j0 += 8) {
            long j1 = j0 + 8 < cols ? j0 + 8 : cols;
            for (long j = j0; j < j1; j++)
                for (long i = i0; i < i0 + 8; i++) dst[j * ldd + i] = src[i * lds + j];
        }
    }
    for (long j = 0; j < cols; j++)
        for (long i = i0; i < rows; i++) dst[j * ldd + i] = src[i * lds + j];
}

/// The table through which the dispatcher reaches this path.
const kiso_impl KISO_NAME(kiso_impl) = {
    .mr = KISO_MR,
    .nr = KISO_NR,
    .sgemm = KISO_NAME(sgemm),
    .shared_b_layout = KISO_NAME(shared_b_layout),
    .sgemm_shared_b = KISO_NAME(sgemm_shared_b),
    .exp = KISO_NAME(exp),
    .sigmoid = KISO_NAME(sigmoid),
    .max_scalar = KISO_NAME(max_scalar),
    .muladd = KISO_NAME(muladd),
    .add_row = KISO_NAME(add_row),
    .transpose = KISO_NAME(transpose),
    .conv = &KISO_CONV_TABLE,
};
