// The convolution kernels' part of the dispatch table (internal.h), shared between the
// convolution drivers (conv.c, winograd.c) and the per-path kernel instances; not public.
#ifndef CKISO_CONV_INTERNAL_H
#define CKISO_CONV_INTERNAL_H

typedef struct {
    void (*wide)(long fn, long k, const long *off, const float *wpacked, const float *bias, const float *xp,
                 long qCount, float *out, long ldo, int relu);
    void (*filter_gradient)(long fn, long k, const long *off, const float *g, long ldg,
                            const float *xp, long qCount, float *dw);
    void (*place_image)(const float *image, long c, long h, long w, long pad, long fw, long ow,
                        long plane, long copy, long firstRow, float *dst);
    void (*max_pool_2x2)(const float *in, long planes, long h, long w, float *out, int *arg);
    void (*max_pool_2x2_backward)(const float *dout, const int *arg, long planes, long h, long w, float *dx);
    // Winograd F(2×2, 3×3) and F(4×4, 3×3) kernels (winograd_template.h).
    void (*winograd_input_transform)(const float *xh, long cp, long th, long tw, float *v, long vstride);
    void (*winograd_output_transform)(const float *mm, long mstride, long fp, long th, long tw,
                                      const float *bias, int relu, float *yh);
    void (*winograd_gradient_transform)(const float *dh, long fp, long th, long tw, float *dm, long mstride, float *db);
    void (*winograd4_input_transform)(const float *xh, long cp, long th, long tw, float *v, long vstride);
    void (*winograd4_output_transform)(const float *mm, long mstride, long fp, long th, long tw,
                                       const float *bias, int relu, float *yh);
    void (*winograd4_gradient_transform)(const float *dh, long fp, long th, long tw, float *dm, long mstride, float *db);
    void (*winograd_multiply)(long rows, long k, long n, const float *a, long ar, long ak,
                              const float *b, long ldb, float *c, long ldc, int accumulate);
} kiso_conv_impl;

extern const kiso_conv_impl kiso_conv_impl_portable;
#if defined(__x86_64__)
extern const kiso_conv_impl kiso_conv_impl_avx2;
extern const kiso_conv_impl kiso_conv_impl_avx512;
#endif

/// x rounded up to a multiple of m.
static inline long kiso_round_up(long x, long m) { return (x + m - 1) / m * m; }

#endif
