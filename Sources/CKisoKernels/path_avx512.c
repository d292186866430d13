// The AVX-512 path: 12×32 register tile (24 accumulators of 16 floats), hand-unrolled in
// tile_avx512.h. Chosen only when the CPU and OS support AVX-512F.
#if defined(__x86_64__)
#define KISO_SUFFIX avx512
#define KISO_VL 16
#define KISO_MR 12
#define KISO_NV 2
#ifndef KISO_KC
#define KISO_KC 256
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
