// The dispatch table: shared between the dispatcher (dispatch.c), the per-path instances of the
// kernel templates and the drivers that call them (conv.c, winograd.c); not public.
#ifndef CKISO_INTERNAL_H
#define CKISO_INTERNAL_H

#include <stddef.h>
#include "conv_internal.h"

/// How many depth steps before a deep tile's stores its rows of C are fetched (kernel_template.h,
/// tile_avx512.h): some 600 cycles, time for a line to come from L2 or L3, yet late enough that
/// the A and B panels streaming through L1 in the meantime do not evict it again.
#define KISO_C_PREFETCH_STEPS 48

/// A row split of a product over threads (kiso_sgemm_parallel) whose op(B) is packed once for
/// all of them rather than once per thread, and whose work is claimed as it goes rather than
/// dealt out beforehand. The work comes in units, one block of rows of C over one depth block,
/// claimed from one counter in order, depth block by depth block; a unit waits for the unit
/// before it on the same rows. Each depth block of op(B) is cut into bands of columns; a thread
/// that reaches a block claims bands from the block's counter and packs them until none is
/// left, then waits only for bands that another thread claimed and is packing. Nobody waits for
/// work nobody has claimed, so the product may run on any number of threads, one included.
/// Laid out by the path's shared_b_layout; the caller provides the buffers, with every counter
/// and flag zero.
typedef struct {
    long depthBlock;        // depth of every block but the last (the path's balanced depth block)
    long blocks;            // depth blocks: ceil(k / depthBlock)
    long bands;             // bands of columns per depth block
    long bandColumns;       // columns per band, a multiple of the tile width
    long paddedColumns;     // n rounded up to the tile width
    long rowBlock;          // rows of C per unit of work but the last, a multiple of the tile height
    long rowBlocks;         // blocks of rows: ceil(m / rowBlock)
    float *packed;          // k · paddedColumns floats: the block at depth pc starts at pc · paddedColumns
    long *claimed;          // per depth block, the next band to claim (accessed atomically)
    int *ready;             // per depth block and band, 1 once packed (accessed atomically)
    long *nextUnit;         // the next unit of work to claim: depth block · rowBlocks + row block
    long *finished;         // per row block, how many depth blocks are done (accessed atomically)
} kiso_shared_b;

/// One instruction-set path: its register tile and all its kernels (the convolution kernels in
/// a sub-table, instantiated from conv_template.h and winograd_template.h in conv_<path>.c).
typedef struct {
    int mr, nr;
    void (*sgemm)(int transA, int transB, long m, long n, long k, float alpha,
                  const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);
    /// Fills the sizes of a kiso_shared_b for an m×k by k×n product split over `parts` threads
    /// (not its buffers); 0 when this path does not share B for that product (n wider than one
    /// column block of the path).
    int (*shared_b_layout)(long m, long k, long n, long parts, kiso_shared_b *layout);
    /// One thread's share of a row split with a shared B: the whole product, m×k by k×n, whose
    /// units of work it claims from `shared` with the other threads until none is left.
    void (*sgemm_shared_b)(int transA, int transB, long m, long n, long k, float alpha,
                           const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc,
                           const kiso_shared_b *shared);
    void (*exp)(const float *x, float *y, long count);
    void (*sigmoid)(const float *x, float *y, long count);
    void (*max_scalar)(const float *x, float s, float *y, long count);
    void (*muladd)(const float *a, const float *b, const float *c, float *y, long count);
    void (*add_row)(const float *x, const float *row, float *y, long rows, long cols);
    void (*transpose)(const float *src, long rows, long cols, long lds, float *dst, long ldd);
    const kiso_conv_impl *conv;
} kiso_impl;

/// The table of the path the kernels use now (kiso_path_current): the one lookup every C kernel
/// entry point goes through, so forcing a path applies to every kernel.
const kiso_impl *kiso_current_impl(void);

/// The L1 data cache of the CPU in bytes (sysconf on Linux, sysctl on macOS), 0 where unknown.
long kiso_l1d_cache_bytes(void);
/// The L2 cache of one core in bytes (sysconf on Linux, sysctl on macOS), 0 where unknown.
long kiso_l2_cache_bytes(void);

/// A 64-byte aligned scratch buffer of at least `floats` floats, owned by the calling thread
/// (`slot` 0, 1 or 2; the sgemm uses 0 and 1 on every thread, and 2 for a B shared between
/// threads on the thread that started the product); reused across calls and freed when the
/// thread exits. Aborts if the memory cannot be had.
float *kiso_scratch(int slot, size_t floats);
/// kiso_scratch, or NULL (the slot left as it was) if the memory cannot be had.
float *kiso_scratch_or_null(int slot, size_t floats);

/// One step of a wait on another thread: a pause instruction, and after a few thousand of them
/// a yield of the core (the awaited thread may have been preempted). `spins` counts from 0.
void kiso_spin_pause(unsigned spins);

extern const kiso_impl kiso_impl_portable;
#if defined(__x86_64__)
extern const kiso_impl kiso_impl_avx2;
extern const kiso_impl kiso_impl_avx512;
#endif
#if defined(__aarch64__)
extern const kiso_impl kiso_impl_neon;
#endif

#endif
