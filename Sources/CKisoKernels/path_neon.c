// The NEON path (arm64, including Apple silicon): 8×12 register tile (24 accumulators of 4).
#if defined(__aarch64__)
#define KISO_SUFFIX neon
#define KISO_VL 4
#define KISO_MR 8
#define KISO_NV 3
#define KISO_KC 256
#define KISO_MC 128
#define KISO_NC 4096
#define KISO_CONV_TABLE kiso_conv_impl_portable
#include "kernel_template.h"
#endif
