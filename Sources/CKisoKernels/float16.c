// Float32 → binary16 → float32 rounding, with the F16C conversion instructions where the
// CPU has them and the current path is not the portable one.
#include "CKisoKernels.h"
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// The nearest binary16 value to x (round to nearest, ties to even; ±65520 and beyond → ±inf;
// NaN stays NaN), as a float32. The same algorithm as Swift's Float16Conversion, in C.
static float round_one_portable(float x) {
    uint32_t bits;
    memcpy(&bits, &x, 4);
    uint32_t sign = bits & 0x80000000u;
    int exp = (int)((bits >> 23) & 0xFF);
    uint32_t mant = bits & 0x7FFFFFu;
    if (exp == 0xFF) return x;                                    // inf, NaN
    int e = exp - 127 + 15;
    uint32_t out;
    if (e >= 0x1F) {
        out = sign | 0x7F800000u;                                 // overflow → inf
    } else if (e <= 0) {                                          // a subnormal half (or zero)
        if (e < -10) { out = sign; memcpy(&x, &out, 4); return x; }
        mant |= 0x800000u;
        uint32_t shift = (uint32_t)(14 - e);
        uint32_t half = mant >> shift, rem = mant & ((1u << shift) - 1), halfway = 1u << (shift - 1);
        if (rem > halfway || (rem == halfway && (half & 1))) half += 1;
        float magnitude = (float)half * 0x1p-24f;                 // exact: half ≤ 2¹⁰
        return sign ? -magnitude : magnitude;
    } else {
        uint32_t half = ((uint32_t)e << 10) | (mant >> 13), rem = mant & 0x1FFFu;
        if (rem > 0x1000u || (rem == 0x1000u && (half & 1))) half += 1;   // may carry into the exponent
        uint32_t he = half >> 10, hm = half & 0x3FFu;
        out = he >= 0x1F ? (sign | 0x7F800000u) : (sign | ((he + 112) << 23) | (hm << 13));
    }
    memcpy(&x, &out, 4);
    return x;
}

#if defined(__x86_64__)
__attribute__((target("avx,f16c")))
static void round_f16c(const float *x, float *y, long count) {
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT);
        _mm256_storeu_ps(y + i, _mm256_cvtph_ps(h));
    }
    for (; i < count; i++) {
        __m128i h = _mm_cvtps_ph(_mm_set_ss(x[i]), _MM_FROUND_TO_NEAREST_INT);
        y[i] = _mm_cvtss_f32(_mm_cvtph_ps(h));
    }
}

static int has_f16c(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx") && __builtin_cpu_supports("f16c");
}
#endif

void kiso_round_to_float16(const float *x, float *y, long count) {
#if defined(__x86_64__)
    if (kiso_path_current() != KISO_PATH_PORTABLE && has_f16c()) {
        round_f16c(x, y, count);
        return;
    }
#endif
    for (long i = 0; i < count; i++) y[i] = round_one_portable(x[i]);
}
