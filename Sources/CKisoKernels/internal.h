// The dispatch table: shared between the dispatcher (dispatch.c), the per-path instances of the
// kernel templates and the drivers that call them (conv.c, winograd.c); not public.
#ifndef CKISO_INTERNAL_H
#define CKISO_INTERNAL_H

#include <stddef.h>
#include "conv_internal.h"

/// One instruction-set path: its register tile and all its kernels (the convolution kernels in
/// a sub-table, instantiated from conv_template.h and winograd_template.h in conv_<path>.c).
typedef struct {
    int mr, nr;
    void (*sgemm)(int transA, int transB, long m, long n, long k, float alpha,
                  const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);
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
/// (`slot` 0 or 1); reused across calls and freed when the thread exits.
float *kiso_scratch(int slot, size_t floats);

extern const kiso_impl kiso_impl_portable;
#if defined(__x86_64__)
extern const kiso_impl kiso_impl_avx2;
extern const kiso_impl kiso_impl_avx512;
#endif
#if defined(__aarch64__)
extern const kiso_impl kiso_impl_neon;
#endif

#endif
