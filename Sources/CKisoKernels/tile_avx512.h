// The AVX-512 register tile of the sgemm, written with intrinsics and unrolled by hand: 12 rows
// × up to 2 vectors of 16 floats, 24 accumulators in zmm registers. Clang does not fully unroll
// kernel_template.h's generic tile at this size and keeps the accumulators on the stack, which
// halves the speed; path_avx512.c names this function as the template's KISO_TILE instead.
// Include it inside an AVX-512 `#pragma clang attribute push(target(...))` (path_avx512.c, and
// conv_avx512.c whose Winograd products use it too).
#ifndef CKISO_TILE_AVX512_H
#define CKISO_TILE_AVX512_H
#include <immintrin.h>
#include "internal.h"

#define KISO_TILE12_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

/// C[mr×nr] = alpha · Ã·B̃ + beta · C with the contract of kernel_template.h's tile: B̃ a panel of
/// 32 columns, rows `ldbt` floats apart, of which the first `nvu` (1 or 2) vectors are used; Ã 12 rows of depth
/// kc read per `mode` (0 packed, 1 in place m×k with stride lda, 2 in place k×m with stride
/// lda); modes 1 and 2 need mr == 12. beta == 0 never reads C. Unless `next` is NULL, the kc/8
/// cache lines from `next` on (a slice of the caller's next B̃ panel) are fetched into L2
/// meanwhile, one every 8 steps of depth.
static inline __attribute__((always_inline))
void kiso_tile12x32_avx512(const int nvu, const int mode, long kc, const float *restrict a, long lda,
                           const float *restrict b, long ldbt, float *restrict c, long ldc, float alpha, float beta,
                           long mr, long nr, const float *next) {
#define KISO_DECLARE(r) __m512 c##r##0 = _mm512_setzero_ps(), c##r##1 = _mm512_setzero_ps();
    KISO_TILE12_ROWS(KISO_DECLARE)
#undef KISO_DECLARE
    // Rows of A read in place: row r at a + r·lda, advanced together one element per step.
    const float *a0 = a, *a3 = a + 3 * lda, *a6 = a + 6 * lda, *a9 = a + 9 * lda;
    // Hide that the four row pointers derive from one another: otherwise Clang rebuilds every
    // row's address from `a` in each step with a chain of adds, which with the frame pointer kept
    // (SwiftPM's flags) runs out of registers and costs a third of the speed.
    if (mode == 1) __asm__("" : "+r"(a0), "+r"(a3), "+r"(a6), "+r"(a9));
    // One step of depth: a row of B̃ (one or two vectors) times a column of Ã, into the tile.
#define KISO_A(r) (mode == 0 ? a0[r] : mode == 2 ? a0[r]                                               \
                   : (r) < 3 ? a0[(r) * lda] : (r) < 6 ? a3[((r) - 3) * lda]                           \
                   : (r) < 9 ? a6[((r) - 6) * lda] : a9[((r) - 9) * lda])
#define KISO_STEP(r) {                                                                                  \
            __m512 x = _mm512_set1_ps(KISO_A(r));                                                       \
            c##r##0 = _mm512_fmadd_ps(x, b0, c##r##0);                                                  \
            if (nvu == 2) c##r##1 = _mm512_fmadd_ps(x, b1, c##r##1);                                    \
        }
#define KISO_DEPTH_STEP {                                                                               \
        __m512 b0 = _mm512_loadu_ps(b), b1 = nvu == 2 ? _mm512_loadu_ps(b + 16) : b0;                  \
        KISO_TILE12_ROWS(KISO_STEP)                                                                     \
        if (mode == 0) a0 += 12;                                                                        \
        else if (mode == 1) { a0++; a3++; a6++; a9++; }                                                 \
        else a0 += lda;                                                                                 \
        b += ldbt;                                                                                      \
    }
    // C's rows (both lines of each) are fetched KISO_C_PREFETCH_STEPS steps before the tile is
    // stored, not when it starts: fetched then, they were evicted by the panels streaming through
    // L1 meanwhile (with ldc a multiple of 1024 floats all of a tile's rows share one L1 set), and
    // the loads of C in the stores below took 6 % of the tile's time at 2048³ (4.5 % now).
#define KISO_PREFETCH_C                                                                                 \
    for (long r = 0; r < mr; r++) {                                                                     \
        _mm_prefetch((const char *)(c + r * ldc), _MM_HINT_T0);                                         \
        if (nr > 16) _mm_prefetch((const char *)(c + r * ldc + 16), _MM_HINT_T0);                       \
    }
    if (next) {
        // The caller's next B̃ panel is fetched into L2 a line per 8 steps: at 2048³ each panel
        // came from L3 on its first tile otherwise, and the product ran 3–6 % slower. (A
        // separate loop: with small depths, where the caller passes no panel, the steps of 8
        // were 2–4 % slower than the plain loop below.)
        const char *ahead = (const char *)next;
        long eights = kc / 8, early = kc > KISO_C_PREFETCH_STEPS ? (kc - KISO_C_PREFETCH_STEPS) / 8 : 0, e = 0;
#define KISO_EIGHT_STEPS {                                                                              \
            _mm_prefetch(ahead, _MM_HINT_T1);                                                           \
            ahead += 64;                                                                                \
            KISO_DEPTH_STEP KISO_DEPTH_STEP KISO_DEPTH_STEP KISO_DEPTH_STEP                             \
            KISO_DEPTH_STEP KISO_DEPTH_STEP KISO_DEPTH_STEP KISO_DEPTH_STEP                             \
        }
        for (; e < early; e++) KISO_EIGHT_STEPS
        KISO_PREFETCH_C
        for (; e < eights; e++) KISO_EIGHT_STEPS
#undef KISO_EIGHT_STEPS
        for (long p = eights * 8; p < kc; p++) KISO_DEPTH_STEP
    } else {
        long early = kc > KISO_C_PREFETCH_STEPS ? kc - KISO_C_PREFETCH_STEPS : 0, p = 0;
        _Pragma("clang loop unroll_count(4)")
        for (; p < early; p++) KISO_DEPTH_STEP
        KISO_PREFETCH_C
        _Pragma("clang loop unroll_count(4)")
        for (; p < kc; p++) KISO_DEPTH_STEP
    }
#undef KISO_PREFETCH_C
#undef KISO_DEPTH_STEP
#undef KISO_STEP
#undef KISO_A
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    __mmask16 m0 = nr >= 16 ? 0xffff : (__mmask16)((1u << nr) - 1);
    __mmask16 m1 = nr >= 32 ? 0xffff : nr <= 16 ? 0 : (__mmask16)((1u << (nr - 16)) - 1);
    // One row of C: scaled by alpha, plus beta·C (masked to the tile's columns).
#define KISO_STORE_ROW(r) if ((r) < mr) {                                                               \
            float *row = c + (r) * ldc;                                                                  \
            __m512 y0 = _mm512_mul_ps(c##r##0, va);                                                      \
            if (beta != 0) y0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, row), y0);                 \
            _mm512_mask_storeu_ps(row, m0, y0);                                                          \
            if (nvu == 2) {                                                                              \
                __m512 y1 = _mm512_mul_ps(c##r##1, va);                                                  \
                if (beta != 0) y1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, row + 16), y1);        \
                _mm512_mask_storeu_ps(row + 16, m1, y1);                                                 \
            }                                                                                            \
        }
    KISO_TILE12_ROWS(KISO_STORE_ROW)
#undef KISO_STORE_ROW
}

#undef KISO_TILE12_ROWS
#endif
