// The AVX2+FMA instance of the direct convolution kernels.
#if defined(__x86_64__)
#define KISO_CONV_SUFFIX avx2
#define KISO_CONV_VL 8
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#include "conv_template.h"
#include "winograd_template.h"
#pragma clang attribute pop
#include "conv_internal.h"
const kiso_conv_impl kiso_conv_impl_avx2 = { conv_wide_avx2, conv_filter_gradient_avx2, place_image_avx2, max_pool_2x2_avx2, max_pool_2x2_backward_avx2,
    winograd_input_transform_avx2, winograd_output_transform_avx2, winograd_gradient_transform_avx2,
    winograd4_input_transform_avx2, winograd4_output_transform_avx2, winograd4_gradient_transform_avx2, winograd_multiply_avx2 };

#endif
