#ifndef CKISO_KERNELS_H
#define CKISO_KERNELS_H

#include <stddef.h>
#include "kiso_conv.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Single-threaded sgemm on one block, row-major:
/// C[m×n] = alpha · op(A) · op(B) + beta · C, where op(A) is m×k and op(B) is k×n.
/// transA/transB non-zero means the stored matrix is the transpose (A stored k×m, B stored n×k).
/// beta == 0 ignores (does not read) the previous contents of C.
void kiso_sgemm(int transA, int transB, long m, long n, long k, float alpha,
                const float *a, long lda, const float *b, long ldb,
                float beta, float *c, long ldc);

#ifdef __cplusplus
}
#endif

#endif
