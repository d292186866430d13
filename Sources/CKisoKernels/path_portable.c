// The portable path: plain C vector extensions at the compiler's baseline (SSE2 on x86-64).
#define KISO_SUFFIX portable
#define KISO_VL 4
#define KISO_MR 6
#define KISO_NV 2
#define KISO_KC 256
#define KISO_MC 96
#define KISO_NC 4096
#define KISO_CONV_TABLE kiso_conv_impl_portable
#include "kernel_template.h"
