// The portable instance of the direct convolution kernels (4-lane vectors: SSE2 on x86-64,
// NEON on arm64, scalar code elsewhere).
#define KISO_CONV_SUFFIX portable
#define KISO_CONV_VL 4
#include "conv_template.h"
#include "winograd_template.h"
#include "conv_internal.h"
const kiso_conv_impl kiso_conv_impl_portable = { conv_wide_portable, conv_filter_gradient_portable, place_image_portable, max_pool_2x2_portable, max_pool_2x2_backward_portable,
    winograd_input_transform_portable, winograd_output_transform_portable, winograd_gradient_transform_portable,
    winograd4_input_transform_portable, winograd4_output_transform_portable, winograd4_gradient_transform_portable, winograd_multiply_portable };
