// Shared between the convolution driver (conv.c) and its per-ISA kernel instances; not public.
#ifndef CKISO_CONV_INTERNAL_H
#define CKISO_CONV_INTERNAL_H

typedef struct {
    void (*wide)(long fn, long k, const long *off, const float *wpacked, const float *bias, const float *xp,
                 long qCount, float *out, long ldo, int relu);
    void (*filter_gradient)(long fn, long k, const long *off, const float *g, long ldg,
                            const float *xp, long qCount, float *dw);
    void (*max_pool_2x2)(const float *in, long planes, long h, long w, float *out, int *arg);
    void (*max_pool_2x2_backward)(const float *dout, const int *arg, long planes, long h, long w, float *dx);
} kiso_conv_impl;

extern const kiso_conv_impl kiso_conv_impl_portable;
#if defined(__x86_64__)
extern const kiso_conv_impl kiso_conv_impl_avx2;
#endif

#endif
