#include "CKisoKernels.h"

void kiso_sgemm(int transA, int transB, long m, long n, long k, float alpha,
                const float *a, long lda, const float *b, long ldb,
                float beta, float *c, long ldc) {
    for (long i = 0; i < m; i++) {
        for (long j = 0; j < n; j++) {
            float acc = 0;
            for (long p = 0; p < k; p++) {
                float av = transA ? a[p * lda + i] : a[i * lda + p];
                float bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                acc += av * bv;
            }
            c[i * ldc + j] = alpha * acc + (beta == 0 ? 0 : beta * c[i * ldc + j]);
        }
    }
}
