// 2×2 max pooling with stride 2 and its gradient on AVX-512, with the contract of
// conv_template.h's max_pool_2x2 and max_pool_2x2_backward. Up to 16 outputs of a row per step,
// the row's end under a lane mask: the book's pooled rows (14, 12, 7 and 4 outputs) each take one
// step, where the 8-lane kernels took an 8-lane step and then single outputs one by one.
// Include inside an AVX-512 `#pragma clang attribute push(target(...))` (conv_avx512.c).
#ifndef CKISO_POOL_AVX512_H
#define CKISO_POOL_AVX512_H
#include <immintrin.h>

/// The first `count` (≤ 16) lanes.
static inline __mmask16 kiso_pool_lanes(long count) {
    return count >= 16 ? (__mmask16)0xffff : count <= 0 ? 0 : (__mmask16)((1u << count) - 1);
}

/// out[p][y][x] = max of the window (2y…2y+1, 2x…2x+1) of plane p (h × w, both even), arg[p][y][x]
/// its index (2y + dy)·w + 2x + dx in the plane: the first on ties in the order top-left,
/// top-right, bottom-left, bottom-right, as in the 8-lane kernel (comparisons are `>`, so a NaN
/// wins only at the top-left).
static void max_pool_2x2_avx512(const float *in, long planes, long h, long w, float *out, int *arg) {
    long oh = h / 2, ow = w / 2;
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
    for (long p = 0; p < planes; p++) {
        const float *plane = in + p * h * w;
        for (long y = 0; y < oh; y++) {
            const float *top = plane + 2 * y * w, *bottom = top + w;
            float *o = out + (p * oh + y) * ow;
            int *a = arg + (p * oh + y) * ow;
            for (long x = 0; x < ow; x += 16) {
                long n = ow - x < 16 ? ow - x : 16;
                __mmask16 lo = kiso_pool_lanes(2 * n), hi = kiso_pool_lanes(2 * n - 16), outs = kiso_pool_lanes(n);
                // The 2n inputs of each row as two vectors (masked: nothing past the row is read),
                // split into the windows' left (even) and right (odd) columns.
                __m512 t0 = _mm512_maskz_loadu_ps(lo, top + 2 * x), t1 = _mm512_maskz_loadu_ps(hi, top + 2 * x + 16);
                __m512 b0 = _mm512_maskz_loadu_ps(lo, bottom + 2 * x), b1 = _mm512_maskz_loadu_ps(hi, bottom + 2 * x + 16);
                __m512 tl = _mm512_permutex2var_ps(t0, even, t1), tr = _mm512_permutex2var_ps(t0, odd, t1);
                __m512 bl = _mm512_permutex2var_ps(b0, even, b1), br = _mm512_permutex2var_ps(b0, odd, b1);
                __m512i first = _mm512_add_epi32(even, _mm512_set1_epi32((int)(2 * y * w + 2 * x)));
                __m512 best = tl;
                __m512i index = first;
                __mmask16 m = _mm512_cmp_ps_mask(tr, best, _CMP_GT_OQ);
                best = _mm512_mask_mov_ps(best, m, tr);
                index = _mm512_mask_add_epi32(index, m, first, _mm512_set1_epi32(1));
                m = _mm512_cmp_ps_mask(bl, best, _CMP_GT_OQ);
                best = _mm512_mask_mov_ps(best, m, bl);
                index = _mm512_mask_add_epi32(index, m, first, _mm512_set1_epi32((int)w));
                m = _mm512_cmp_ps_mask(br, best, _CMP_GT_OQ);
                best = _mm512_mask_mov_ps(best, m, br);
                index = _mm512_mask_add_epi32(index, m, first, _mm512_set1_epi32((int)w + 1));
                _mm512_mask_storeu_ps(o + x, outs, best);
                _mm512_mask_storeu_epi32(a + x, outs, index);
            }
        }
    }
}

/// The gradient of max_pool_2x2_avx512: every element of the h×w planes of dx is written once,
/// the upstream gradient of its window where it won (per `arg`), 0 elsewhere.
static void max_pool_2x2_backward_avx512(const float *dout, const int *arg, long planes, long h, long w, float *dx) {
    long oh = h / 2, ow = w / 2;
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    // Interleaving a window's left and right values back into a row: lanes 0…7 of both, then 8…15.
    const __m512i low = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i high = _mm512_add_epi32(low, _mm512_set1_epi32(8));
    for (long p = 0; p < planes; p++) {
        float *plane = dx + p * h * w;
        for (long y = 0; y < oh; y++) {
            const float *d = dout + (p * oh + y) * ow;
            const int *a = arg + (p * oh + y) * ow;
            float *top = plane + 2 * y * w, *bottom = top + w;
            for (long x = 0; x < ow; x += 16) {
                long n = ow - x < 16 ? ow - x : 16;
                __mmask16 lo = kiso_pool_lanes(2 * n), hi = kiso_pool_lanes(2 * n - 16), outs = kiso_pool_lanes(n);
                __m512 g = _mm512_maskz_loadu_ps(outs, d + x);
                __m512i won = _mm512_maskz_loadu_epi32(outs, a + x);
                __m512i first = _mm512_add_epi32(even, _mm512_set1_epi32((int)(2 * y * w + 2 * x)));
                __m512 tl = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(won, first), g);
                __m512 tr = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(won, _mm512_add_epi32(first, _mm512_set1_epi32(1))), g);
                __m512 bl = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(won, _mm512_add_epi32(first, _mm512_set1_epi32((int)w))), g);
                __m512 br = _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(won, _mm512_add_epi32(first, _mm512_set1_epi32((int)w + 1))), g);
                _mm512_mask_storeu_ps(top + 2 * x, lo, _mm512_permutex2var_ps(tl, low, tr));
                _mm512_mask_storeu_ps(top + 2 * x + 16, hi, _mm512_permutex2var_ps(tl, high, tr));
                _mm512_mask_storeu_ps(bottom + 2 * x, lo, _mm512_permutex2var_ps(bl, low, br));
                _mm512_mask_storeu_ps(bottom + 2 * x + 16, hi, _mm512_permutex2var_ps(bl, high, br));
            }
        }
    }
}

#endif
