// Direct stride-1 convolution kernels, written once with Clang/GCC vector extensions and
// instantiated per instruction set by a tiny .c file that defines, before including this file:
//   KISO_CONV_SUFFIX  name suffix (avx2, portable)
//   KISO_CONV_VL      float lanes per vector (8)
// inside `#pragma clang attribute push(target(...))`.
//
// The "wide" layout: an image zero-padded to Hp×Wp, channel planes back to back. Output
// position (y, x) of a stride-1 filter reads xp[c][(y + i)·Wp + x + j], so with q = y·Wp + x
// every filter tap (c, i, j) is one constant offset c·Hp·Wp + i·Wp + j from q: the im2col
// matrix is never built. Positions with x ≥ OW are computed and thrown away (the "wide"
// columns). Micro-tile: KISO_CONV_MR filters × KISO_CONV_NV vectors of positions (4 × 2
// vectors: 8 accumulators, so nothing spills on a 16-register ISA).
#include <stddef.h>
#include <string.h>

#define KISO_CONV_MR 4
#define KISO_CONV_NV 2
#define KISO_CONV_NR (KISO_CONV_NV * KISO_CONV_VL)
#define KC_CAT2(a, b) a##_##b
#define KC_CAT(a, b) KC_CAT2(a, b)
#define KC_NAME(base) KC_CAT(base, KISO_CONV_SUFFIX)

typedef float KC_NAME(vf) __attribute__((vector_size(KISO_CONV_VL * 4)));
typedef float KC_NAME(vfu) __attribute__((vector_size(KISO_CONV_VL * 4), aligned(4)));
#define VF KC_NAME(vf)
#define VFU KC_NAME(vfu)

static inline VF KC_NAME(splat)(float x) {
    VF v;
    for (int i = 0; i < KISO_CONV_VL; i++) v[i] = x;
    return v;
}

/// out_wide[f][q] = Σ_t w[f][t] · xp[q + off[t]] for f < fn, t < k, and q < qCount rounded up
/// to whole tiles of KISO_CONV_NR (rows of out_wide have stride ldo ≥ that). wpacked: the
/// filters packed by kiso_conv_pack_filters.
static void KC_NAME(conv_wide)(long fn, long k, const long *off, const float *wpacked, const float *xp,
                               long qCount, float *out, long ldo) {
    for (long q0 = 0; q0 < qCount; q0 += KISO_CONV_NR) {
        const float *x = xp + q0;
        for (long f0 = 0; f0 < fn; f0 += KISO_CONV_MR) {
            const float *w = wpacked + f0 * k;
            VF acc[KISO_CONV_MR][KISO_CONV_NV];
            for (int r = 0; r < KISO_CONV_MR; r++)
                for (int v = 0; v < KISO_CONV_NV; v++) acc[r][v] = (VF){0};
            for (long t = 0; t < k; t++) {
                const float *src = x + off[t];
                VF xv[KISO_CONV_NV];
                for (int v = 0; v < KISO_CONV_NV; v++) xv[v] = *(const VFU *)(src + v * KISO_CONV_VL);
                for (int r = 0; r < KISO_CONV_MR; r++) {
                    VF wv = KC_NAME(splat)(w[r]);
                    for (int v = 0; v < KISO_CONV_NV; v++) acc[r][v] += wv * xv[v];
                }
                w += KISO_CONV_MR;
            }
            long rows = fn - f0 < KISO_CONV_MR ? fn - f0 : KISO_CONV_MR;
            for (long r = 0; r < rows; r++)
                for (int v = 0; v < KISO_CONV_NV; v++)
                    *(VFU *)(out + (f0 + r) * ldo + q0 + v * KISO_CONV_VL) = acc[r][v];
        }
    }
}

/// dw[f][t] += Σ_q g[f][q] · xp[q + off[t]] for f < fn, t < k, q < qCount (a multiple of VL;
/// g is zero wherever the position is not a real output).
static void KC_NAME(conv_filter_gradient)(long fn, long k, const long *off, const float *g, long ldg,
                                          const float *xp, long qCount, float *dw) {
    enum { MR = 4, NT = 3 };          // 4 filters × 3 taps: 12 accumulators
    for (long f0 = 0; f0 < fn; f0 += MR) {
        long rows = fn - f0 < MR ? fn - f0 : MR;
        const float *gr[MR];
        for (int r = 0; r < MR; r++) gr[r] = g + (f0 + (r < rows ? r : 0)) * ldg;
        for (long t0 = 0; t0 < k; t0 += NT) {
            long taps = k - t0 < NT ? k - t0 : NT;
            const float *xs[NT];
            for (int t = 0; t < NT; t++) xs[t] = xp + off[t0 + (t < taps ? t : 0)];
            VF acc[MR][NT];
            for (int r = 0; r < MR; r++)
                for (int t = 0; t < NT; t++) acc[r][t] = (VF){0};
            for (long q = 0; q < qCount; q += KISO_CONV_VL) {
                VF xv[NT];
                for (int t = 0; t < NT; t++) xv[t] = *(const VFU *)(xs[t] + q);
                for (int r = 0; r < MR; r++) {
                    VF gv = *(const VFU *)(gr[r] + q);
                    for (int t = 0; t < NT; t++) acc[r][t] += gv * xv[t];
                }
            }
            for (long r = 0; r < rows; r++)
                for (long t = 0; t < taps; t++) {
                    float s = 0;
                    for (int l = 0; l < KISO_CONV_VL; l++) s += acc[r][t][l];
                    dw[(f0 + r) * k + t0 + t] += s;
                }
        }
    }
}

#undef VF
#undef VFU
