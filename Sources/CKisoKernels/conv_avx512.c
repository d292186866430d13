// The AVX-512 instance of the convolution kernels: 16 lanes, one vector of 16 positions per
// direct-convolution tile (the position rounding of conv.c); the Winograd products go through
// the sgemm's 12×32 register tile (tile_avx512.h); max pooling takes a row's outputs 16 at a
// time under a lane mask (pool_avx512.h).
#if defined(__x86_64__)
#define KISO_CONV_SUFFIX avx512
#define KISO_CONV_VL 16
#define KISO_CONV_NV 1
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx2,fma"))), apply_to = function)
#include "conv_template.h"
#include "tile_avx512.h"
#define KW_TILE12 kiso_tile12x32_avx512   // the Winograd products through the sgemm's 12×32 tile
#include "winograd_template.h"
#include "pool_avx512.h"
#pragma clang attribute pop
#include "conv_internal.h"
const kiso_conv_impl kiso_conv_impl_avx512 = { conv_wide_avx512, conv_filter_gradient_avx512, place_image_avx512,
    max_pool_2x2_avx512, max_pool_2x2_backward_avx512,
    winograd_input_transform_avx512, winograd_output_transform_avx512, winograd_gradient_transform_avx512,
    winograd4_input_transform_avx512, winograd4_output_transform_avx512, winograd4_gradient_transform_avx512,
    winograd_multiply_avx512 };
#endif
