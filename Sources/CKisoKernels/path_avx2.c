// The AVX2+FMA path: 6×16 register tile (12 accumulators of 8 floats).
#if defined(__x86_64__)
#define KISO_SUFFIX avx2
#define KISO_VL 8
#define KISO_MR 6
#define KISO_NV 2
#define KISO_KC 256
#define KISO_MC 144
#define KISO_NC 4096
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#include "kernel_template.h"
#pragma clang attribute pop
#endif
