// The 8×8 register transpose shared by the AVX2 and AVX-512 paths. Include it after the path's
// `#pragma clang attribute push(target(...))`, so that it is compiled for that instruction set.
#ifndef CKISO_TRANSPOSE_AVX_H
#define CKISO_TRANSPOSE_AVX_H
#include <immintrin.h>

/// The 8×8 transpose of rows r[0…7] (8 floats each) in registers: out[k] is column k.
static inline __attribute__((always_inline)) void kiso_transpose8_registers_avx(const __m256 r[8], __m256 out[8]) {
    __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]),
           t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]),
           t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]),
           t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE),
           u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE),
           u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE),
           u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    out[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
    out[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
    out[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
    out[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
    out[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
    out[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
    out[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
    out[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}

/// The 8 rows of n ≤ 8 floats at s (row stride ls) into r; masked loads read only n columns
/// (the other lanes are zero).
static inline __attribute__((always_inline)) void kiso_load8_rows_avx(const float *s, long ls, long n, __m256 r[8]) {
    if (n == 8) {
        for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(s + i * ls);
    } else {
        __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        for (int i = 0; i < 8; i++) r[i] = _mm256_maskload_ps(s + i * ls, mask);
    }
}

/// Transposes the 8×8 block at s (row stride ls) into d (row stride ld) through registers.
static inline __attribute__((always_inline)) void kiso_transpose8x8_avx(const float *s, long ls, float *d, long ld) {
    __m256 r[8], out[8];
    kiso_load8_rows_avx(s, ls, 8, r);
    kiso_transpose8_registers_avx(r, out);
    for (int k = 0; k < 8; k++) _mm256_storeu_ps(d + k * ld, out[k]);
}
#define KISO_TRANSPOSE_8X8(s, ls, d, ld) kiso_transpose8x8_avx((s), (ls), (d), (ld))

/// Transposes the 8×n block at s (8 rows of n < 8 floats, row stride ls) into d (n rows of 8,
/// row stride ld): masked loads read only the n columns, and only n rows are stored.
static inline __attribute__((always_inline)) void kiso_transpose8xn_avx(const float *s, long ls, float *d, long ld, long n) {
    __m256 r[8], out[8];
    kiso_load8_rows_avx(s, ls, n, r);
    kiso_transpose8_registers_avx(r, out);
    // Stored one by one, each under its own test: a loop over n kept `out` on the stack.
    _mm256_storeu_ps(d, out[0]);
    if (n > 1) _mm256_storeu_ps(d + ld, out[1]);
    if (n > 2) _mm256_storeu_ps(d + 2 * ld, out[2]);
    if (n > 3) _mm256_storeu_ps(d + 3 * ld, out[3]);
    if (n > 4) _mm256_storeu_ps(d + 4 * ld, out[4]);
    if (n > 5) _mm256_storeu_ps(d + 5 * ld, out[5]);
    if (n > 6) _mm256_storeu_ps(d + 6 * ld, out[6]);
}
#define KISO_TRANSPOSE_8XN(s, ls, d, ld, n) kiso_transpose8xn_avx((s), (ls), (d), (ld), (n))

#endif
