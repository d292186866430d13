// Shared between the convolution driver (conv.c) and its per-ISA kernel instances; not public.
#ifndef CKISO_CONV_INTERNAL_H
#define CKISO_CONV_INTERNAL_H

typedef struct {
    void (*wide)(long fn, long k, const long *off, const float *wpacked, const float *xp,
                 long qCount, float *out, long ldo);
    void (*filter_gradient)(long fn, long k, const long *off, const float *g, long ldg,
                            const float *xp, long qCount, float *dw);
} kiso_conv_impl;

extern const kiso_conv_impl kiso_conv_impl_portable;
#if defined(__x86_64__)
extern const kiso_conv_impl kiso_conv_impl_avx2;
#endif

#endif
