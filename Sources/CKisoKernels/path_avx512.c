// The AVX-512 path: 12×32 register tile (24 accumulators of 16 floats), hand-unrolled in
// tile_avx512.h. Chosen only when the CPU and OS support AVX-512F.
#if defined(__x86_64__)
#define KISO_SUFFIX avx512
#define KISO_VL 16
#define KISO_MR 12
#define KISO_NV 2
// Depth blocks of 512: the B panel (512 × 32 floats, 64 KB) then streams from L2 rather than
// sitting in L1, and C is loaded and stored half as often. On an Emerald Rapids Xeon (48 KB L1,
// 2 MB L2) 2048³ ran 3–5 % faster on one thread than with 256, 1–2 % on two (interleaved runs;
// of 128 … 768, 128 and 192 were slower, 320 … 768 level). Rows per block (96 … 384) did not matter.
#ifndef KISO_KC
#define KISO_KC 512
#endif
#ifndef KISO_MC
#define KISO_MC 192
#endif
#ifndef KISO_NC
#define KISO_NC 4096
#endif
#define KISO_CONV_TABLE kiso_conv_impl_avx512
#include <immintrin.h>
#define KISO_LANE_MASK(count) ((__mmask16)((1u << (count)) - 1))
#define KISO_STORE_PART(ptr, v, count) _mm512_mask_storeu_ps((ptr), KISO_LANE_MASK(count), (__m512)(v))
#define KISO_LOAD_PART(ptr, count) ((vf)_mm512_maskz_loadu_ps(KISO_LANE_MASK(count), (ptr)))
#define KISO_TILE kiso_tile12x32_avx512
#pragma clang attribute push(__attribute__((target("avx512f,avx2,fma"))), apply_to = function)
#include "transpose_avx.h"
#include "tile_avx512.h"
#include "kernel_template.h"
#pragma clang attribute pop
#endif
