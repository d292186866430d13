// Direct stride-1 convolution kernels, written once with Clang/GCC vector extensions and
// instantiated per instruction set by a tiny .c file that defines, before including this file:
//   KISO_CONV_SUFFIX  name suffix (avx2, avx512, portable)
//   KISO_CONV_VL      float lanes per vector (4, 8 or 16)
//   KISO_CONV_NV      optionally, vectors of positions per tile (default 2; 1 for 16 lanes, so a
//                     tile is still the 16 positions conv.c rounds to)
// inside `#pragma clang attribute push(target(...))`.
//
// The layout (see conv.c): for output position q, each tap (c, i, j) of a stride-1 filter
// reads xp[q + off[t]] with one constant offset per tap, so the im2col matrix is never built.
// Micro-tile: KISO_CONV_MR filters × KISO_CONV_NV vectors of positions (6 × 2 vectors: 12
// accumulators, so nothing spills on a 16-register ISA).
#include <stddef.h>
#include <string.h>

#define KISO_CONV_MR 6
#ifndef KISO_CONV_NV
#define KISO_CONV_NV 2
#endif
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

/// One tile of conv_wide: `mr` filters (a compile-time constant after inlining) of a panel
/// packed KISO_CONV_MR filters wide × KISO_CONV_NR positions; the first `rows` are stored.
static inline __attribute__((always_inline))
void KC_NAME(conv_tile)(int mr, long rows, long k, const long *off, const float *w, const float *bias,
                        const float *x, float *out, long ldo, int relu) {
    VF acc[KISO_CONV_MR][KISO_CONV_NV];
    for (int r = 0; r < mr; r++)
        for (int v = 0; v < KISO_CONV_NV; v++) acc[r][v] = KC_NAME(splat)(bias && r < rows ? bias[r] : 0);
    for (long t = 0; t < k; t++) {
        const float *src = x + off[t];
        VF xv[KISO_CONV_NV];
        for (int v = 0; v < KISO_CONV_NV; v++) xv[v] = *(const VFU *)(src + v * KISO_CONV_VL);
        for (int r = 0; r < mr; r++) {
            VF wv = KC_NAME(splat)(w[r]);
            for (int v = 0; v < KISO_CONV_NV; v++) acc[r][v] += wv * xv[v];
        }
        w += KISO_CONV_MR;
    }
    if (relu)
        for (int r = 0; r < mr; r++)
            for (int v = 0; v < KISO_CONV_NV; v++) {   // keep the lanes > 0 (NaN → 0, like the Relu layer)
                __typeof__(acc[r][v] > 0) positive = acc[r][v] > 0;
                acc[r][v] = (VF)((__typeof__(positive))acc[r][v] & positive);
            }
    for (long r = 0; r < rows; r++)
        for (int v = 0; v < KISO_CONV_NV; v++) *(VFU *)(out + r * ldo + v * KISO_CONV_VL) = acc[r][v];
}

/// out_wide[f][q] = bias[f] + Σ_t w[f][t] · xp[q + off[t]] (bias may be NULL: 0; max(·, 0) of it
/// when relu ≠ 0) for f < fn, t < k, and q < qCount rounded up
/// to whole tiles of KISO_CONV_NR (rows of out_wide have stride ldo ≥ that). wpacked: the
/// filters packed by kiso_conv_pack_filters in panels of KISO_CONV_MR (6: 12 accumulators);
/// the last, partial panel runs a 2- or 4-filter tile.
static void KC_NAME(conv_wide)(long fn, long k, const long *off, const float *wpacked, const float *bias,
                               const float *xp, long qCount, float *out, long ldo, int relu) {
    for (long q0 = 0; q0 < qCount; q0 += KISO_CONV_NR) {
        const float *x = xp + q0;
        for (long f0 = 0; f0 < fn; f0 += KISO_CONV_MR) {
            const float *w = wpacked + f0 * k;
            float *o = out + f0 * ldo + q0;
            const float *b = bias ? bias + f0 : 0;
            long rows = fn - f0 < KISO_CONV_MR ? fn - f0 : KISO_CONV_MR;
            if (rows > 4) KC_NAME(conv_tile)(KISO_CONV_MR, rows, k, off, w, b, x, o, ldo, relu);
            else if (rows > 2) KC_NAME(conv_tile)(4, rows, k, off, w, b, x, o, ldo, relu);
            else KC_NAME(conv_tile)(2, rows, k, off, w, b, x, o, ldo, relu);
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
                    VF a = acc[r][t];
#if KISO_CONV_VL == 16
                    typedef float KC_NAME(v8) __attribute__((vector_size(32)));
                    typedef float KC_NAME(v4) __attribute__((vector_size(16)));
                    KC_NAME(v8) e = __builtin_shufflevector(a, a, 0, 1, 2, 3, 4, 5, 6, 7)
                                  + __builtin_shufflevector(a, a, 8, 9, 10, 11, 12, 13, 14, 15);
                    KC_NAME(v4) h = __builtin_shufflevector(e, e, 0, 1, 2, 3) + __builtin_shufflevector(e, e, 4, 5, 6, 7);
#elif KISO_CONV_VL == 8
                    typedef float KC_NAME(v4) __attribute__((vector_size(16)));
                    KC_NAME(v4) h = __builtin_shufflevector(a, a, 0, 1, 2, 3) + __builtin_shufflevector(a, a, 4, 5, 6, 7);
#else
                    VF h = a;
#endif
                    dw[(f0 + r) * k + t0 + t] += (h[0] + h[2]) + (h[1] + h[3]);
                }
        }
    }
}

/// dst[0..<n] = src[0..<n] for the short rows of the book's images (memcpy's call and size
/// dispatch cost more than the copy itself at 8–28 floats).
static inline void KC_NAME(copy_row)(float *dst, const float *src, long n) {
    long i = 0;
    for (; i + KISO_CONV_VL <= n; i += KISO_CONV_VL) *(VFU *)(dst + i) = *(const VFU *)(src + i);
    for (; i + 4 <= n; i += 4) {
        typedef float f4 __attribute__((vector_size(16), aligned(4)));
        *(f4 *)(dst + i) = *(const f4 *)(src + i);
    }
    for (; i < n; i++) dst[i] = src[i];
}

/// Writes image (c×h×w) into the shifted copies at `dst` (already zeroed; see conv.c): its
/// row y goes to row firstRow + y of every plane, copy j holding columns shifted by j − pad.
static void KC_NAME(place_image)(const float *image, long c, long h, long w, long pad, long fw, long ow,
                                 long plane, long copy, long firstRow, float *dst) {
    for (long j = 0; j < fw; j++) {
        long lo = pad - j > 0 ? pad - j : 0, hi = w + pad - j < ow ? w + pad - j : ow;
        if (hi <= lo) continue;
        for (long ch = 0; ch < c; ch++)
            for (long y = 0; y < h; y++)
                KC_NAME(copy_row)(dst + j * copy + ch * plane + (firstRow + y) * ow + lo, image + (ch * h + y) * w + lo + j - pad, hi - lo);
    }
}

#if KISO_CONV_VL <= 8   // the pooling kernels' shuffles are written for 4 and 8 lanes
typedef int KC_NAME(vi) __attribute__((vector_size(KISO_CONV_VL * 4)));
typedef int KC_NAME(viu) __attribute__((vector_size(KISO_CONV_VL * 4), aligned(4)));
#define VI KC_NAME(vi)
#define VIU KC_NAME(viu)

/// Lanes of a where the mask is all ones, of b elsewhere.
static inline VF KC_NAME(select)(VI mask, VF a, VF b) { return (VF)(((VI)a & mask) | ((VI)b & ~mask)); }
static inline VI KC_NAME(selecti)(VI mask, VI a, VI b) { return (a & mask) | (b & ~mask); }

/// 2×2 max pooling with stride 2 of `planes` h×w planes (h, w even): out[p][y][x] = the max of
/// the window, arg[p][y][x] its index (2y + dy)·w + 2x + dx in the plane, the first on ties in
/// the order top-left, top-right, bottom-left, bottom-right (NumPy's argmax over the window).
static void KC_NAME(max_pool_2x2)(const float *in, long planes, long h, long w, float *out, int *arg) {
    long oh = h / 2, ow = w / 2;
    VI lane;
    for (int l = 0; l < KISO_CONV_VL; l++) lane[l] = 2 * l;
    for (long p = 0; p < planes; p++) {
        const float *plane = in + p * h * w;
        for (long y = 0; y < oh; y++) {
            const float *top = plane + 2 * y * w, *bottom = top + w;
            float *o = out + (p * oh + y) * ow;
            int *a = arg + (p * oh + y) * ow;
            long x = 0;
            for (; x + KISO_CONV_VL <= ow; x += KISO_CONV_VL) {
                VF t0 = *(const VFU *)(top + 2 * x), t1 = *(const VFU *)(top + 2 * x + KISO_CONV_VL);
                VF b0 = *(const VFU *)(bottom + 2 * x), b1 = *(const VFU *)(bottom + 2 * x + KISO_CONV_VL);
#if KISO_CONV_VL == 8
#define EVEN 0, 2, 4, 6, 8, 10, 12, 14
#define ODD 1, 3, 5, 7, 9, 11, 13, 15
#else
#define EVEN 0, 2, 4, 6
#define ODD 1, 3, 5, 7
#endif
                VF tl = __builtin_shufflevector(t0, t1, EVEN), tr = __builtin_shufflevector(t0, t1, ODD);
                VF bl = __builtin_shufflevector(b0, b1, EVEN), br = __builtin_shufflevector(b0, b1, ODD);
#undef EVEN
#undef ODD
                VI first = lane + (int)(2 * y * w + 2 * x);
                VF best = tl;
                VI index = first, m;
                m = tr > best; best = KC_NAME(select)(m, tr, best); index = KC_NAME(selecti)(m, first + 1, index);
                m = bl > best; best = KC_NAME(select)(m, bl, best); index = KC_NAME(selecti)(m, first + (int)w, index);
                m = br > best; best = KC_NAME(select)(m, br, best); index = KC_NAME(selecti)(m, first + (int)w + 1, index);
                *(VFU *)(o + x) = best;
                *(VIU *)(a + x) = index;
            }
            for (; x < ow; x++) {
                long i = 2 * y * w + 2 * x;
                float best = plane[i];
                long index = i;
                if (plane[i + 1] > best) { best = plane[i + 1]; index = i + 1; }
                if (plane[i + w] > best) { best = plane[i + w]; index = i + w; }
                if (plane[i + w + 1] > best) { best = plane[i + w + 1]; index = i + w + 1; }
                o[x] = best;
                a[x] = (int)index;
            }
        }
    }
}

/// The gradient of max_pool_2x2: every element of the h×w planes is written once — the
/// upstream gradient of its window where it won, 0 elsewhere (the windows tile the plane).
static void KC_NAME(max_pool_2x2_backward)(const float *dout, const int *arg, long planes, long h, long w, float *dx) {
    long oh = h / 2, ow = w / 2;
    for (long p = 0; p < planes; p++) {
        float *plane = dx + p * h * w;
        for (long y = 0; y < oh; y++) {
            const float *d = dout + (p * oh + y) * ow;
            const int *a = arg + (p * oh + y) * ow;
            float *top = plane + 2 * y * w, *bottom = top + w;
            long x = 0;
            VI lane;
            for (int l = 0; l < KISO_CONV_VL; l++) lane[l] = 2 * l;
            for (; x + KISO_CONV_VL <= ow; x += KISO_CONV_VL) {
                VF g = *(const VFU *)(d + x), zero = (VF){0};
                VI won = *(const VIU *)(a + x), first = lane + (int)(2 * y * w + 2 * x);
                VF tl = KC_NAME(select)(won == first, g, zero), tr = KC_NAME(select)(won == first + 1, g, zero);
                VF bl = KC_NAME(select)(won == first + (int)w, g, zero), br = KC_NAME(select)(won == first + (int)w + 1, g, zero);
#if KISO_CONV_VL == 8
#define LO 0, 8, 1, 9, 2, 10, 3, 11
#define HI 4, 12, 5, 13, 6, 14, 7, 15
#else
#define LO 0, 4, 1, 5
#define HI 2, 6, 3, 7
#endif
                *(VFU *)(top + 2 * x) = __builtin_shufflevector(tl, tr, LO);
                *(VFU *)(top + 2 * x + KISO_CONV_VL) = __builtin_shufflevector(tl, tr, HI);
                *(VFU *)(bottom + 2 * x) = __builtin_shufflevector(bl, br, LO);
                *(VFU *)(bottom + 2 * x + KISO_CONV_VL) = __builtin_shufflevector(bl, br, HI);
#undef LO
#undef HI
            }
            for (; x + 4 <= ow; x += 4) {   // a half-width step for the rows' ends (ow = 4, 12, 14 in the book)
                typedef float f4 __attribute__((vector_size(16), aligned(4)));
                typedef int i4 __attribute__((vector_size(16), aligned(4)));
                f4 g = *(const f4 *)(d + x), zero = (f4){0};
                i4 won = *(const i4 *)(a + x), first = (i4){0, 2, 4, 6} + (int)(2 * y * w + 2 * x);
                i4 mtl = won == first, mtr = won == first + 1, mbl = won == first + (int)w, mbr = won == first + (int)w + 1;
                f4 tl = (f4)(((i4)g & mtl) | ((i4)zero & ~mtl)), tr = (f4)(((i4)g & mtr) | ((i4)zero & ~mtr));
                f4 bl = (f4)(((i4)g & mbl) | ((i4)zero & ~mbl)), br = (f4)(((i4)g & mbr) | ((i4)zero & ~mbr));
                *(f4 *)(top + 2 * x) = __builtin_shufflevector(tl, tr, 0, 4, 1, 5);
                *(f4 *)(top + 2 * x + 4) = __builtin_shufflevector(tl, tr, 2, 6, 3, 7);
                *(f4 *)(bottom + 2 * x) = __builtin_shufflevector(bl, br, 0, 4, 1, 5);
                *(f4 *)(bottom + 2 * x + 4) = __builtin_shufflevector(bl, br, 2, 6, 3, 7);
            }
            for (; x < ow; x++) {
                int first = (int)(2 * y * w + 2 * x), won = a[x];
                float g = d[x];
                top[2 * x] = won == first ? g : 0;
                top[2 * x + 1] = won == first + 1 ? g : 0;
                bottom[2 * x] = won == first + (int)w ? g : 0;
                bottom[2 * x + 1] = won == first + (int)w + 1 ? g : 0;
            }
        }
    }
}

#undef VI
#undef VIU
#endif
#undef VF
#undef VFU
