// The AVX-512 path: 12×32 register tile (24 accumulators of 16 floats). Chosen only when the
// CPU and OS support AVX-512F; its code is kernel_template.h, the same as the tested paths.
#if defined(__x86_64__)
#define KISO_SUFFIX avx512
#define KISO_VL 16
#define KISO_MR 12
#define KISO_NV 2
#define KISO_KC 256
#define KISO_MC 192
#define KISO_NC 4096
#include <immintrin.h>
#define KISO_LANE_MASK(count) ((__mmask16)((1u << (count)) - 1))
#define KISO_STORE_PART(ptr, v, count) _mm512_mask_storeu_ps((ptr), KISO_LANE_MASK(count), (__m512)(v))
#define KISO_LOAD_PART(ptr, count) ((vf)_mm512_maskz_loadu_ps(KISO_LANE_MASK(count), (ptr)))
#pragma clang attribute push(__attribute__((target("avx512f,avx2,fma"))), apply_to = function)
/// Transposes the 8×8 block at s (row stride ls) into d (row stride ld) through registers.
static inline __attribute__((always_inline)) void kiso_transpose8x8_avx(const float *s, long ls, float *d, long ld) {
    __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + ls), r2 = _mm256_loadu_ps(s + 2 * ls),
           r3 = _mm256_loadu_ps(s + 3 * ls), r4 = _mm256_loadu_ps(s + 4 * ls), r5 = _mm256_loadu_ps(s + 5 * ls),
           r6 = _mm256_loadu_ps(s + 6 * ls), r7 = _mm256_loadu_ps(s + 7 * ls);
    __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1), t2 = _mm256_unpacklo_ps(r2, r3),
           t3 = _mm256_unpackhi_ps(r2, r3), t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5),
           t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE),
           u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE),
           u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE),
           u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    _mm256_storeu_ps(d, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(d + ld, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(d + 2 * ld, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(d + 3 * ld, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(d + 4 * ld, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(d + 5 * ld, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(d + 6 * ld, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(d + 7 * ld, _mm256_permute2f128_ps(u3, u7, 0x31));
}
#define KISO_TRANSPOSE_8X8(s, ls, d, ld) kiso_transpose8x8_avx((s), (ls), (d), (ld))
#include "kernel_template.h"
#pragma clang attribute pop
#endif
