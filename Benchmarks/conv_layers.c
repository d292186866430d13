// DeepConvNet's six convolutions through the direct kernels, one thread, one layer at a time:
// milliseconds per image and GFLOPS (useful multiply-adds × 2 / time) of the forward pass,
// the filter gradient ∂W (+ ∂b) alone, and the input gradient ∂x (backward with ∂x minus
// backward without). Best of 7 repetitions over N images (default 60), so a busy machine
// mostly costs repetitions, not accuracy. A kernel-level profile for comparing kernel
// variants, not a claim against a reference (that is convnet_vs_pytorch.py).
//
//   clang -O2 -ISources/CKisoKernels/include -ISources/CKisoKernels Benchmarks/conv_layers.c \
//       Sources/CKisoKernels/conv.c Sources/CKisoKernels/conv_avx2.c Sources/CKisoKernels/conv_portable.c \
//       -o /tmp/conv_layers && /tmp/conv_layers 60
//
// (x86-64 with AVX2+FMA; kiso_path_current is defined here to force the AVX2 kernels, since
// the sgemm dispatcher is not linked.)
#include "kiso_conv.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { REPETITIONS = 7 };

int kiso_path_current(void) { return 1; }   // KISO_PATH_AVX2

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static float uniform(void) { return (float)rand() / (float)RAND_MAX - 0.5f; }

typedef struct { long c, h, w, pad, fn, f; int dx; } layer;

int main(int argc, char **argv) {
    // DeepConvNet on 28×28 images: channels, size, pad, filters, filter size, whether ∂x is needed.
    const layer layers[] = {{1, 28, 28, 1, 16, 3, 0},  {16, 28, 28, 1, 16, 3, 1}, {16, 14, 14, 1, 32, 3, 1},
                            {32, 14, 14, 2, 32, 3, 1}, {32, 8, 8, 1, 64, 3, 1},   {64, 8, 8, 1, 64, 3, 1}};
    long n = argc > 1 ? atol(argv[1]) : 60;
    double forwardTotal = 0, backwardTotal = 0, flops = 0;
    for (int li = 0; li < 6; li++) {
        layer l = layers[li];
        long oh = l.h + 2 * l.pad - l.f + 1, ow = l.w + 2 * l.pad - l.f + 1;
        long imageSize = l.c * l.h * l.w, outputSize = l.fn * oh * ow, k = l.c * l.f * l.f;
        float *x = malloc(sizeof(float) * n * imageSize), *w = malloc(sizeof(float) * l.fn * k);
        float *out = malloc(sizeof(float) * n * outputSize), *dx = malloc(sizeof(float) * n * imageSize);
        float *dw = calloc(l.fn * k, sizeof(float)), *db = calloc(l.fn, sizeof(float)), *b = calloc(l.fn, sizeof(float));
        for (long i = 0; i < n * imageSize; i++) x[i] = uniform();
        for (long i = 0; i < l.fn * k; i++) w[i] = uniform();
        float *packed = malloc(sizeof(float) * kiso_conv_packed_filters_size(l.fn, l.c, l.f, l.f));
        float *adjoint = malloc(sizeof(float) * kiso_conv_packed_filters_size(l.fn, l.c, l.f, l.f));
        float *scratch = malloc(sizeof(float) * kiso_conv_scratch_size(l.c, l.h, l.w, l.pad, l.fn, l.f, l.f));
        kiso_conv_pack_filters(w, l.fn, l.c, l.f, l.f, 0, packed);
        kiso_conv_pack_filters(w, l.fn, l.c, l.f, l.f, 1, adjoint);
        double forward = 1e9, filterGradient = 1e9, backward = 1e9;
        for (int r = 0; r < REPETITIONS; r++) {
            double t0 = now();
            for (long i = 0; i < n; i++)
                kiso_conv_forward(x + i * imageSize, l.c, l.h, l.w, l.pad, packed, b, l.fn, l.f, l.f, 0,
                                  out + i * outputSize, scratch);
            double t1 = now();
            kiso_conv_backward(x, out, n, l.c, l.h, l.w, l.pad, adjoint, l.fn, l.f, l.f, dw, db, 0, scratch);
            double t2 = now();
            if (l.dx) kiso_conv_backward(x, out, n, l.c, l.h, l.w, l.pad, adjoint, l.fn, l.f, l.f, dw, db, dx, scratch);
            double t3 = now();
            if (t1 - t0 < forward) forward = t1 - t0;
            if (t2 - t1 < filterGradient) filterGradient = t2 - t1;
            if (t3 - t2 < backward) backward = t3 - t2;
        }
        double inputGradient = l.dx ? backward - filterGradient : 0;
        double f = 2.0 * (double)(l.fn * k * oh * ow) * (double)n;   // flops of one pass over n images
        printf("layer %d (%ldx%ldx%ld, pad %ld, %ld filters): forward %.3f ms/image %.1f GFLOPS | dW %.3f ms %.1f GFLOPS | dx %.3f ms %.1f GFLOPS\n",
               li + 1, l.c, l.h, l.w, l.pad, l.fn, forward / n * 1e3, f / forward / 1e9, filterGradient / n * 1e3,
               f / filterGradient / 1e9, inputGradient / n * 1e3, l.dx ? f / inputGradient / 1e9 : 0);
        forwardTotal += forward;
        backwardTotal += filterGradient + inputGradient;
        flops += f * (2 + l.dx);
        free(x); free(w); free(out); free(dx); free(dw); free(db); free(b); free(packed); free(adjoint); free(scratch);
    }
    printf("total: forward %.3f ms/image, backward %.3f ms/image, %.1f GFLOPS\n", forwardTotal / n * 1e3,
           backwardTotal / n * 1e3, flops / (forwardTotal + backwardTotal) / 1e9);
    return 0;
}
