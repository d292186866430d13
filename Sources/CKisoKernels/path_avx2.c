// The AVX2+FMA path: 6×16 register tile (12 accumulators of 8 floats).
#if defined(__x86_64__)
#define KISO_SUFFIX avx2
#define KISO_VL 8
#define KISO_MR 6
#define KISO_NV 2
#ifndef KISO_KC
#define KISO_KC 256
#endif
// Depth blocks of 512 where the caches allow, 256 elsewhere. 512 × 16 floats of B (32 KB) plus
// A's 6-row panel leave a 48 KB L1 room (Emerald Rapids Xeon: 2048³ 1–2 % faster), and with a
// 512 KB L2 the whole 144 × 512 block of A (288 KB) stays in L2 while B streams through a 32 KB
// L1 (Zen 3 EPYC: 1000³ 2–7 % and 2048³ 3–5 % faster in interleaved runs; C is passed over half
// as often). Haswell to Skylake client cores (32 KB L1, 256 KB L2) keep 256: their L2 would not
// hold that A block.
#define KISO_KC_LARGE_CACHE 512
#ifndef KISO_MC
#define KISO_MC 144
#endif
#define KISO_NC 4096
// A is read in place, not packed, for C up to 128 columns (8 tile panels; the template's
// default is 4 panels, 64). The dot-product tail follows the same bound, so 100 columns are six
// tiles and 4 dot products rather than six tiles and a 16-wide tile of 4 live lanes. On Zen 3
// EPYC, one thread, 80 interleaved pairs: 1000·1000·100 1.16×, 100·4320·100 1.11×,
// 4320·100·100 1.06×; 2000·500·128 level.
#define KISO_DIRECT_MAX_N 128
#define KISO_CONV_TABLE kiso_conv_impl_avx2
#include <immintrin.h>
#define KISO_LANE_MASK(count) _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(count)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
// The first `count` (< 8) lanes are stored by plain stores of 4, 2 and 1 lanes, not by one masked
// store: Zen 3 runs VMASKMOVPS to memory as many micro-ops, and in 57600·25·30 (a 14-column edge
// tile on every row) the instruction after it took 13 % of the tile's profile samples.
#define KISO_STORE_PART(ptr, v, count) kiso_store_part_avx2((ptr), (__m256)(v), (count))
#define KISO_LOAD_PART(ptr, count) ((vf)_mm256_maskload_ps((ptr), KISO_LANE_MASK(count)))
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
static inline __attribute__((always_inline)) void kiso_store_part_avx2(float *p, __m256 v, long count) {
    __m128 part = _mm256_castps256_ps128(v);
    if (count >= 4) {
        _mm_storeu_ps(p, part);
        part = _mm256_extractf128_ps(v, 1);
        p += 4;
        count -= 4;
    }
    if (count >= 2) {
        _mm_storel_pi((__m64 *)p, part);
        part = _mm_movehl_ps(part, part);
        p += 2;
        count -= 2;
    }
    if (count) _mm_store_ss(p, part);
}
#include "transpose_avx.h"
#include "kernel_template.h"
#pragma clang attribute pop
#endif
