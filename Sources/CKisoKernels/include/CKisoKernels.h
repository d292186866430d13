#ifndef CKISO_KERNELS_H
#define CKISO_KERNELS_H

#include <stddef.h>
#include "kiso_conv.h"
#include "kiso_winograd.h"

#ifdef __cplusplus
extern "C" {
#endif

// MARK: Instruction-set paths, chosen at start-up from the running CPU.

/// The instruction-set paths. The portable path exists everywhere; the others only where built
/// for (x86-64: AVX2, AVX-512; arm64: NEON) and where the running CPU supports them.
enum {
    KISO_PATH_PORTABLE = 0,
    KISO_PATH_AVX2 = 1,
    KISO_PATH_AVX512 = 2,
    KISO_PATH_NEON = 3,
    KISO_PATH_COUNT = 4
};

/// 1 when `path` is built into this binary and the running CPU (and OS) can execute it.
int kiso_path_supported(int path);
/// The fastest supported path: the one chosen at start-up.
int kiso_path_best(void);
/// The path the kernels use now.
int kiso_path_current(void);
/// Makes the kernels use `path`; returns 1, or 0 (changing nothing) when it is not supported.
/// Not synchronised with running kernels: call it between computations.
int kiso_path_force(int path);
/// "portable", "avx2", "avx512", "neon", or "unknown".
const char *kiso_path_name(int path);

// MARK: Matrix multiply

/// The register tile (rows × columns of C per micro-kernel call) of the current path.
void kiso_sgemm_tile(int *mr, int *nr);

/// Single-threaded packed, blocked sgemm, row-major:
/// C[m×n] = alpha · op(A) · op(B) + beta · C, where op(A) is m×k and op(B) is k×n.
/// transA/transB non-zero means the stored matrix is the transpose (A stored k×m, B stored n×k).
/// beta == 0 ignores (does not read) the previous contents of C; k == 0 gives C = beta · C.
/// Flush-to-zero and denormals-are-zero are on for the duration of the call.
void kiso_sgemm(int transA, int transB, long m, long n, long k, float alpha,
                const float *a, long lda, const float *b, long ldb,
                float beta, float *c, long ldc);

/// kiso_sgemm split over up to `threads` threads of the pool (kiso_parallel_run): by depth when C
/// is small (m·n ≤ 16384) and k deep (≥ 256 per thread), in up to 4 slices per thread of at least
/// 512 steps each, claimed as threads go, the partial products added at the end;
/// else by rows of C (by columns when C is wide and short) on register-tile boundaries. A row
/// split with at least 8 tile heights of rows per part, 5 tile widths of columns and packed
/// depth blocks of B larger than a core's L2 packs B once for all parts rather than once
/// per part, its threads claiming blocks of rows as they go. Other row and column splits deal
/// out up to 4 slabs per thread, each at least 512 rows or columns long, claimed as threads go.
/// Runs on the calling thread alone when threads <= 1 or the pool is busy. Same result
/// contract as kiso_sgemm.
void kiso_sgemm_parallel(int threads, int transA, int transB, long m, long n, long k, float alpha,
                         const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

/// How kiso_sgemm_parallel splits a product (see there).
enum {
    KISO_SPLIT_NONE = 0,          // the calling thread alone
    KISO_SPLIT_ROWS = 1,          // slabs of rows of C, each part packing B for itself
    KISO_SPLIT_ROWS_SHARED_B = 2, // blocks of rows of C claimed as threads go, B packed once for all
    KISO_SPLIT_COLUMNS = 3,       // slabs of columns of C
    KISO_SPLIT_DEPTH = 4,         // slices of the depth, partial products added at the end
};

/// The split kiso_sgemm_parallel makes of an m×k·k×n product on `threads` threads on the current
/// path (one of KISO_SPLIT_*); for tests and benchmarks.
int kiso_sgemm_parallel_split(int threads, long m, long n, long k, float alpha);

/// The number of parts (slabs of rows or columns, depth slices) of that split, 1 for
/// KISO_SPLIT_NONE; for a shared-B split, the number of threads taking part. For tests.
long kiso_sgemm_parallel_parts(int threads, long m, long n, long k, float alpha);

/// Sets the size in bytes that a packed depth block of B must exceed for the parts of a row split
/// to share it (see kiso_sgemm_parallel); a negative value restores the default, one core's L2.
/// Results are the same bit for bit either way; for tests and benchmarks.
void kiso_sgemm_set_shared_b_block_threshold(long bytes);

// MARK: Element-wise

/// y[i] = e^(x[i]); relative error about 1e-7 for normal results; +inf above 88.72,
/// 0 below −103.97 (subnormal results in between), NaN stays NaN. x and y may be equal.
void kiso_exp(const float *x, float *y, long count);
/// y[i] = 1 / (1 + e^(−x[i])), through the same exp. x and y may be equal.
void kiso_sigmoid(const float *x, float *y, long count);

/// y[i] = max(x[i], s) (ReLU when s = 0); NaN in x stays NaN. x and y may be equal.
void kiso_max_scalar(const float *x, float s, float *y, long count);
/// y[i] = a[i] · b[i] + c[i], fused where the path has FMA. y may equal any input.
void kiso_muladd(const float *a, const float *b, const float *c, float *y, long count);
/// y[r·cols + j] = x[r·cols + j] + row[j] for r < rows, j < cols. y may equal x.
void kiso_add_row(const float *x, const float *row, float *y, long rows, long cols);

/// dst[j·ldd + i] = src[i·lds + j] for i < rows, j < cols: writes the transpose of the
/// rows×cols matrix src (row stride lds) into dst (row stride ldd). src and dst must not overlap.
void kiso_transpose(const float *src, long rows, long cols, long lds, float *dst, long ldd);

/// y[i] = x[i] rounded to the nearest binary16 (half-precision) value, kept as float32: round to
/// nearest, ties to even; magnitudes from 65520 up become infinity, half subnormals are kept, NaN
/// stays NaN. Uses the F16C instructions unless the portable path is forced. x and y may be equal.
void kiso_round_to_float16(const float *x, float *y, long count);

// MARK: Mini-batch gathers

/// dst[r·row_size + j] = (float)src[rows[r]·row_size + j] · scale for r < count, j < row_size:
/// the rows `rows` of a byte matrix, converted to float32, prefetching a few rows ahead.
void kiso_gather_rows_u8(const unsigned char *src, long row_size, const long *rows, long count,
                         float scale, float *dst);
/// dst[r·row_size + j] = src[rows[r]·row_size + j]: the rows `rows` of a float32 matrix, copied,
/// prefetching a few rows ahead.
void kiso_gather_rows_f32(const float *src, long row_size, const long *rows, long count, float *dst);

// MARK: Thread pool

/// One chunk of a parallel job: called with the job's context and a chunk index.
typedef void (*kiso_chunk_fn)(void *ctx, long chunk);

/// Calls fn(ctx, c) once for every c in 0..<chunks, spread over the calling thread and up to
/// threads − 1 persistent workers (started on first use, at most 63 in all);
/// returns when every call has returned. Chunks run in no particular order and on any
/// participating thread, which claims them one at a time, with flush-to-zero on.
/// Runs every chunk on the calling thread, in order, when threads <= 1, chunks == 1, or the pool
/// is already running a job (a nested call, or a call from another thread).
/// Idle workers spin for KISO_SPIN_MICROSECONDS (default 1000) before sleeping.
void kiso_parallel_run(long chunks, int threads, kiso_chunk_fn fn, void *ctx);
/// How many worker threads the pool has started.
int kiso_pool_worker_count(void);
/// Inside a chunk of kiso_parallel_run: the index, in 0..<threads, of the participant running
/// it (the caller is 0; every chunk of a job run inline sees 0), for per-thread scratch memory.
/// No two threads running chunks of one job at the same time have the same index.
int kiso_pool_participant(void);

// MARK: Flush-to-zero

/// Turns on flush-to-zero and denormals-are-zero for the calling thread (MXCSR on x86-64,
/// FPCR.FZ on arm64) and returns the previous state for kiso_ftz_restore.
unsigned long kiso_ftz_enter(void);
/// Restores the floating-point state returned by kiso_ftz_enter.
void kiso_ftz_restore(unsigned long state);
/// 1 when flush-to-zero is on for the calling thread.
int kiso_ftz_active(void);

#ifdef __cplusplus
}
#endif

#endif
