// The sgemm split over threads of the pool (pool.c): by depth for a small C with a deep k, else
// by rows of C (by columns when C is wide and short), on register-tile boundaries. A row split
// with many rows per part and a large B packs B once for all parts (kiso_shared_b) instead of
// once per part, and its threads claim blocks of rows as they go, so that a thread the system
// delays does less of the work rather than holding up the others. Other long row and column
// splits cut C into several slabs per thread, which the pool's threads claim as they go.
#include "CKisoKernels.h"
#include "internal.h"
#include <stdlib.h>

/// The largest C (m·n elements) whose product is split by depth rather than by rows or columns:
/// a small C with a deep k (a mini-batch times a wide layer, 100×784·784×50) splits into equal
/// depth slices, each packing only its own slice of A and B, when k has at least
/// DEPTH_SPLIT_MIN_DEPTH per thread.
enum { DEPTH_SPLIT_MAX_OUTPUT = 1 << 14, DEPTH_SPLIT_MIN_DEPTH = 256 };

/// Depth slices per thread: threads claim slices as they go, so a thread the system delays holds
/// up one slice rather than half the product. Each slice but the first writes its own m×n partial
/// product, added to C at the end. Slices keep at least DEPTH_SLICE_MIN_DEPTH steps, one whole
/// depth block of the tile (kernel_template.h's KC), so slicing adds no passes over C beyond the
/// blocking's own: 100·784·50 on 2 threads keeps 2 slices, a fully connected layer's 100·4320·100
/// and a convolution's weight gradient 25·57600·30 take 8 (on Zen 3, 2 threads, 1.01–1.06× and
/// 1.08–1.21× as fast as 2 slices).
enum { DEPTH_SLICES_PER_THREAD = 4, DEPTH_SLICE_MIN_DEPTH = 512 };

/// The fewest register-tile rows per part and tile columns of C for which a row split shares
/// one packed B: fewer rows read B in place (kernel_template.h's direct-B case), and a C a few
/// tiles wide takes dot-product tails that differ from part to part.
enum { SHARED_B_MIN_PART_TILE_ROWS = 8, SHARED_B_MIN_TILE_COLUMNS = 5 };

/// Slabs per thread of a row or column split whose slabs are long: threads claim slabs as they
/// go (pool.c), so a thread the system delays holds up one small slab rather than a whole share.
/// Each slab packs its own copy of B (rows) or of A (columns), whose cost against the slab's
/// products is one element per 2·(rows or columns of the slab) flops, so slabs keep at least
/// SLAB_MIN_LENGTH rows or columns; shorter splits keep one slab per thread.
enum { SLABS_PER_THREAD = 4, SLAB_MIN_LENGTH = 512 };

/// The slices of a depth split of depth k over `threads` threads: a multiple of the thread count.
static long depth_parts(long k, int threads) {
    long perThread = k / ((long)threads * DEPTH_SLICE_MIN_DEPTH);
    if (perThread > DEPTH_SLICES_PER_THREAD) perThread = DEPTH_SLICES_PER_THREAD;
    if (perThread < 1) perThread = 1;
    return perThread * threads;
}

/// The parts of a row or column split of `units` register tiles of rows or columns (`total` in
/// all) over `threads` threads: a multiple of the thread count (equal slabs, so that threads
/// running at one speed finish together), at most one per tile.
static long slab_parts(long total, long units, int threads) {
    long perThread = total / ((long)threads * SLAB_MIN_LENGTH);
    if (perThread > SLABS_PER_THREAD) perThread = SLABS_PER_THREAD;
    if (perThread < 1) perThread = 1;
    long parts = perThread * threads;
    return parts < units ? parts : units;
}

/// The parts share a packed depth block of B larger than this many bytes; −1 for the default,
/// one core's L2 (512 KB where unknown). A block larger than the L2 of the core that packs it is
/// read from the shared L3 by every core alike, so packing it once saves the second packing, and
/// the threads claiming row blocks as they go lets a delayed thread do less of the work (Zen 3,
/// 512 KB L2: 1000³ and 2048³ on 2 threads 1–2 % faster; Zen 4, 1 MB L2: 1000³, whose depth blocks
/// of 2 MB were packed per thread under the earlier bound of twice the L2, paired medians 1.03–1.11
/// in 6 of 7 runs of 40–80 pairs on both paths, 0.96 in one). A block that fits that L2 stays
/// there, and sharing it makes the other core fetch half of it from there: an earlier form of
/// sharing ran 0.88–0.99× as fast on an Intel Xeon with 2 MB L2s, and sharing SimpleConvNet's
/// 100×100 weight-gradient B raised its peak RSS by 3.5 MB.
static long shared_b_block_threshold = -1;

void kiso_sgemm_set_shared_b_block_threshold(long bytes) {
    __atomic_store_n(&shared_b_block_threshold, bytes < 0 ? -1 : bytes, __ATOMIC_RELAXED);
}

/// Whether the parts of a row split share the packed B laid out as `layout`.
static int worth_sharing(const kiso_shared_b *layout) {
    long threshold = __atomic_load_n(&shared_b_block_threshold, __ATOMIC_RELAXED);
    if (threshold < 0) {
        long l2 = kiso_l2_cache_bytes();
        threshold = l2 > 0 ? l2 : 512 * 1024;
    }
    return layout->depthBlock * layout->paddedColumns * (long)sizeof(float) > threshold;
}

/// One sgemm call and how it is split: `parts` slabs of C (rows or columns) of `units` tiles of
/// `unit` rows or columns (`total` in all), or `parts` slices of the depth of which slice 0
/// accumulates into C and slice i > 0 into partials[i − 1] (m×n).
typedef struct {
    int transA, transB, split;
    long m, n, k, lda, ldb, ldc, total, unit, units, parts;
    float alpha, beta;
    const float *a, *b;
    float *c, *partials;
    const kiso_impl *impl;
    kiso_shared_b shared;   // for KISO_SPLIT_ROWS_SHARED_B: its layout from plan(), its buffers when run
} sgemm_job;

/// Decides how kiso_sgemm_parallel splits the product of `j` (its m, n, k and alpha) over
/// `threads` threads on the current path: sets split, parts, and for slabs total, unit and units
/// (and the shared B's layout for KISO_SPLIT_ROWS_SHARED_B).
static void plan(sgemm_job *j, int threads) {
    j->parts = 1;
    j->split = KISO_SPLIT_NONE;
    if (j->m <= 0 || j->n <= 0 || threads <= 1 || j->k <= 0) return;
    if (j->m * j->n <= DEPTH_SPLIT_MAX_OUTPUT && j->k >= DEPTH_SPLIT_MIN_DEPTH * threads) {
        j->parts = depth_parts(j->k, threads);
        j->split = KISO_SPLIT_DEPTH;
        return;
    }
    int mr, nr;
    kiso_sgemm_tile(&mr, &nr);
    int byRows = j->m >= j->n || j->n < threads * nr * 2;
    j->unit = byRows ? mr : nr;
    j->total = byRows ? j->m : j->n;
    j->units = (j->total + j->unit - 1) / j->unit;
    j->parts = j->units < threads ? j->units : threads;
    j->impl = kiso_current_impl();
    if (!byRows)
        j->split = KISO_SPLIT_COLUMNS;
    else if (j->parts >= 2 && j->alpha != 0 && j->m / j->parts >= (long)SHARED_B_MIN_PART_TILE_ROWS * mr
             && j->n >= (long)SHARED_B_MIN_TILE_COLUMNS * nr && j->impl->shared_b_layout(j->m, j->k, j->n, j->parts, &j->shared)
             && worth_sharing(&j->shared))
        j->split = KISO_SPLIT_ROWS_SHARED_B;
    else
        j->split = KISO_SPLIT_ROWS;
    if (j->split != KISO_SPLIT_ROWS_SHARED_B) j->parts = slab_parts(j->total, j->units, threads);
}

int kiso_sgemm_parallel_split(int threads, long m, long n, long k, float alpha) {
    sgemm_job j = {.m = m, .n = n, .k = k, .alpha = alpha};
    plan(&j, threads);
    return j.split;
}

long kiso_sgemm_parallel_parts(int threads, long m, long n, long k, float alpha) {
    sgemm_job j = {.m = m, .n = n, .k = k, .alpha = alpha};
    plan(&j, threads);
    return j.parts;
}

static void run_part(void *context, long part) {
    const sgemm_job *j = context;
    if (j->split == KISO_SPLIT_DEPTH) {
        long k0 = j->k * part / j->parts, k1 = j->k * (part + 1) / j->parts;
        const float *a = j->transA ? j->a + k0 * j->lda : j->a + k0;
        const float *b = j->transB ? j->b + k0 : j->b + k0 * j->ldb;
        if (part == 0)
            kiso_sgemm(j->transA, j->transB, j->m, j->n, k1 - k0, j->alpha, a, j->lda, b, j->ldb, j->beta, j->c, j->ldc);
        else
            kiso_sgemm(j->transA, j->transB, j->m, j->n, k1 - k0, j->alpha, a, j->lda, b, j->ldb, 0,
                       j->partials + (part - 1) * j->m * j->n, j->n);
        return;
    }
    long start = j->units * part / j->parts * j->unit, end = j->units * (part + 1) / j->parts * j->unit;
    if (start > j->total) start = j->total;
    if (end > j->total) end = j->total;
    if (start >= end) return;
    if (j->split == KISO_SPLIT_COLUMNS) {
        const float *b = j->transB ? j->b + start * j->ldb : j->b + start;
        kiso_sgemm(j->transA, j->transB, j->m, end - start, j->k, j->alpha, j->a, j->lda, b, j->ldb, j->beta,
                   j->c + start, j->ldc);
        return;
    }
    const float *a = j->transA ? j->a + start : j->a + start * j->lda;
    kiso_sgemm(j->transA, j->transB, end - start, j->n, j->k, j->alpha, a, j->lda, j->b, j->ldb, j->beta,
               j->c + start * j->ldc, j->ldc);
}

/// One thread of a row split with a shared B: it claims its work from j->shared (every part
/// is the same call).
static void run_shared_part(void *context, long part) {
    (void)part;
    const sgemm_job *j = context;
    j->impl->sgemm_shared_b(j->transA, j->transB, j->m, j->n, j->k, j->alpha, j->a, j->lda, j->b, j->ldb,
                            j->beta, j->c, j->ldc, &j->shared);
}

/// The depth split: slice 0 into C, the others into partial products added to C at the end.
/// Returns 0, having done nothing, if the partials cannot be allocated.
static int run_depth_split(sgemm_job *j, int threads) {
    j->partials = malloc(sizeof(float) * (size_t)((j->parts - 1) * j->m * j->n));
    if (!j->partials) return 0;
    kiso_parallel_run(j->parts, threads, run_part, j);
    for (long part = 1; part < j->parts; part++) {
        const float *partial = j->partials + (part - 1) * j->m * j->n;
        for (long i = 0; i < j->m; i++) kiso_add_row(j->c + i * j->ldc, partial + i * j->n, j->c + i * j->ldc, 1, j->n);
    }
    free(j->partials);
    return 1;
}

/// The row split with one packed B for all parts (layout from plan()): the packed floats in the
/// calling thread's scratch slot 2; zeroed claim counters, ready flags and progress counters in
/// one allocation. Returns 0, having done nothing, if memory is short.
static int run_rows_shared_b(sgemm_job *j, int threads) {
    kiso_shared_b *shared = &j->shared;
    size_t longs = (size_t)(shared->blocks + 1 + shared->rowBlocks), readyFlags = (size_t)(shared->blocks * shared->bands);
    void *flags = calloc(1, longs * sizeof(long) + readyFlags * sizeof(int));
    if (!flags) return 0;
    shared->packed = kiso_scratch_or_null(2, (size_t)(j->k * shared->paddedColumns));
    if (!shared->packed) {
        free(flags);
        return 0;
    }
    shared->claimed = flags;
    shared->nextUnit = shared->claimed + shared->blocks;
    shared->finished = shared->nextUnit + 1;
    shared->ready = (int *)(shared->finished + shared->rowBlocks);
    kiso_parallel_run(j->parts, threads, run_shared_part, j);
    free(flags);
    return 1;
}

void kiso_sgemm_parallel(int threads, int transA, int transB, long m, long n, long k, float alpha,
                         const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    sgemm_job j = {.transA = transA, .transB = transB, .m = m, .n = n, .k = k, .lda = lda, .ldb = ldb, .ldc = ldc,
                   .alpha = alpha, .beta = beta, .a = a, .b = b, .c = c};
    plan(&j, threads);
    switch (j.split) {
    case KISO_SPLIT_DEPTH:
        if (run_depth_split(&j, threads)) return;
        break;
    case KISO_SPLIT_ROWS_SHARED_B:
        if (run_rows_shared_b(&j, threads)) return;
        j.split = KISO_SPLIT_ROWS;   // memory is short: each part packs B for itself
        kiso_parallel_run(j.parts, threads, run_part, &j);
        return;
    case KISO_SPLIT_ROWS:
    case KISO_SPLIT_COLUMNS:
        kiso_parallel_run(j.parts, threads, run_part, &j);
        return;
    default:
        break;
    }
    kiso_sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
