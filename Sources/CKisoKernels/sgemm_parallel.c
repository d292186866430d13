// The sgemm split over threads of the pool (pool.c): by depth for a small C with a deep k, else
// by rows of C (by columns when C is wide and short), on register-tile boundaries.
#include "CKisoKernels.h"
#include <stdlib.h>

/// The largest C (m·n elements) whose product is split by depth rather than by rows or columns:
/// a small C with a deep k (a mini-batch times a wide layer, 100×784·784×50) splits into equal
/// depth slices, each thread packing only its own slice of B.
enum { DEPTH_SPLIT_MAX_OUTPUT = 1 << 14, DEPTH_SPLIT_MIN_DEPTH = 256 };

/// One sgemm call and how it is split: `parts` slabs of C (rows or columns), or `parts` slices of
/// the depth of which slice 0 accumulates into C and slice i > 0 into partials[i − 1] (m×n).
typedef struct {
    int transA, transB, byRows, byDepth;
    long m, n, k, lda, ldb, ldc, total, unit, units, parts;
    float alpha, beta;
    const float *a, *b;
    float *c, *partials;
} sgemm_job;

static void run_part(void *context, long part) {
    const sgemm_job *j = context;
    if (j->byDepth) {
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
    if (j->byRows) {
        const float *a = j->transA ? j->a + start : j->a + start * j->lda;
        kiso_sgemm(j->transA, j->transB, end - start, j->n, j->k, j->alpha, a, j->lda, j->b, j->ldb, j->beta,
                   j->c + start * j->ldc, j->ldc);
    } else {
        const float *b = j->transB ? j->b + start * j->ldb : j->b + start;
        kiso_sgemm(j->transA, j->transB, j->m, end - start, j->k, j->alpha, j->a, j->lda, b, j->ldb, j->beta,
                   j->c + start, j->ldc);
    }
}

void kiso_sgemm_parallel(int threads, int transA, int transB, long m, long n, long k, float alpha,
                         const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    if (threads <= 1 || k <= 0) {
        kiso_sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    sgemm_job j = {transA, transB, 0, 0, m, n, k, lda, ldb, ldc, 0, 0, 0, threads, alpha, beta, a, b, c, NULL};
    if (m * n <= DEPTH_SPLIT_MAX_OUTPUT && k >= DEPTH_SPLIT_MIN_DEPTH * threads) {
        j.byDepth = 1;
        j.partials = malloc(sizeof(float) * (size_t)((threads - 1) * m * n));
        if (!j.partials) {
            kiso_sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        kiso_parallel_run(threads, threads, run_part, &j);
        for (long part = 1; part < threads; part++) {
            const float *partial = j.partials + (part - 1) * m * n;
            for (long i = 0; i < m; i++) kiso_add_row(c + i * ldc, partial + i * n, c + i * ldc, 1, n);
        }
        free(j.partials);
        return;
    }
    int mr, nr;
    kiso_sgemm_tile(&mr, &nr);
    j.byRows = m >= n || n < threads * nr * 2;
    j.total = j.byRows ? m : n;
    j.unit = j.byRows ? mr : nr;
    j.units = (j.total + j.unit - 1) / j.unit;
    j.parts = j.units < threads ? j.units : threads;
    kiso_parallel_run(j.parts, threads, run_part, &j);
}
