// DeepConvNet's six convolutions through the direct kernels and through the Winograd
// F(2×2, 3×3) kernels, one thread, one layer at a time: milliseconds per image and GFLOPS
// (the direct method's multiply-adds × 2 / time, so Winograd's figure is an equivalent rate) of
// the forward pass, the filter gradient ∂W (+ ∂b) alone, and the input gradient ∂x (backward
// with ∂x minus backward without). Best of 7 repetitions over N images (default 60), so a busy machine
// mostly costs repetitions, not accuracy. A kernel-level profile for comparing kernel
// variants, not a claim against a reference (that is convnet_vs_pytorch.py). Timed by the
// thread's CPU time, so that a shared machine's other processes cost repetitions, not accuracy.
//
//   clang -O2 -ISources/CKisoKernels/include -ISources/CKisoKernels Benchmarks/conv_layers.c \
//       Sources/CKisoKernels/*.c -lpthread -lm -o /tmp/conv_layers && /tmp/conv_layers 60 [PATH]
//
// PATH: portable, avx2, avx512 or neon (default: the best path this CPU supports, as in the library).
#include "CKisoKernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { REPETITIONS = 7 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static float uniform(void) { return (float)rand() / (float)RAND_MAX - 0.5f; }

typedef struct { long c, h, w, pad, fn, f; int dx; } layer;

/// Best-of-REPETITIONS seconds of the forward pass, the filter gradient and the input gradient
/// of layer l over n images, through the direct (winograd 0) or Winograd (1) kernels.
static void measure(layer l, long n, int winograd, double seconds[3]) {
    long oh = l.h + 2 * l.pad - l.f + 1, ow = l.w + 2 * l.pad - l.f + 1;
    long imageSize = l.c * l.h * l.w, outputSize = l.fn * oh * ow, k = l.c * l.f * l.f;
    float *x = malloc(sizeof(float) * n * imageSize), *w = malloc(sizeof(float) * l.fn * k);
    float *out = malloc(sizeof(float) * n * outputSize), *dx = malloc(sizeof(float) * n * imageSize);
    float *dw = calloc(l.fn * k, sizeof(float)), *db = calloc(l.fn, sizeof(float)), *b = calloc(l.fn, sizeof(float));
    for (long i = 0; i < n * imageSize; i++) x[i] = uniform();
    for (long i = 0; i < l.fn * k; i++) w[i] = uniform();
    long packedSize = winograd ? kiso_winograd_packed_filters_size(l.fn, l.c) : kiso_conv_packed_filters_size(l.fn, l.c, l.f, l.f);
    long scratchSize = winograd ? kiso_winograd_scratch_size(l.c, l.h, l.w, l.pad, l.fn)
                                : kiso_conv_scratch_size(l.c, l.h, l.w, l.pad, l.fn, l.f, l.f);
    float *packed = malloc(sizeof(float) * packedSize), *adjoint = malloc(sizeof(float) * packedSize);
    float *scratch = malloc(sizeof(float) * scratchSize);
    if (winograd) {
        kiso_winograd_pack_filters(w, l.fn, l.c, oh, ow, 0, packed);
        kiso_winograd_pack_filters(w, l.fn, l.c, l.h, l.w, 1, adjoint);
    } else {
        kiso_conv_pack_filters(w, l.fn, l.c, l.f, l.f, 0, packed);
        kiso_conv_pack_filters(w, l.fn, l.c, l.f, l.f, 1, adjoint);
    }
    seconds[0] = seconds[1] = seconds[2] = 1e9;
    for (int r = 0; r < REPETITIONS; r++) {
        double t0 = now(), t1, t2, t3;
        if (winograd) {
            kiso_winograd_forward(x, n, l.c, l.h, l.w, l.pad, packed, b, l.fn, 0, out, scratch);
            t1 = now();
            kiso_winograd_backward(x, out, n, l.c, l.h, l.w, l.pad, adjoint, l.fn, dw, db, 0, scratch);
            t2 = now();
            if (l.dx) kiso_winograd_backward(x, out, n, l.c, l.h, l.w, l.pad, adjoint, l.fn, dw, db, dx, scratch);
        } else {
            for (long i = 0; i < n; i++)
                kiso_conv_forward(x + i * imageSize, l.c, l.h, l.w, l.pad, packed, b, l.fn, l.f, l.f, 0,
                                  out + i * outputSize, scratch);
            t1 = now();
            kiso_conv_backward(x, out, n, l.c, l.h, l.w, l.pad, adjoint, l.fn, l.f, l.f, dw, db, 0, scratch);
            t2 = now();
            if (l.dx) kiso_conv_backward(x, out, n, l.c, l.h, l.w, l.pad, adjoint, l.fn, l.f, l.f, dw, db, dx, scratch);
        }
        t3 = now();
        if (t1 - t0 < seconds[0]) seconds[0] = t1 - t0;
        if (t2 - t1 < seconds[1]) seconds[1] = t2 - t1;
        if (t3 - t2 < seconds[2]) seconds[2] = t3 - t2;
    }
    seconds[2] = l.dx ? seconds[2] - seconds[1] : 0;
    free(x); free(w); free(out); free(dx); free(dw); free(db); free(b); free(packed); free(adjoint); free(scratch);
}

int main(int argc, char **argv) {
    // DeepConvNet on 28×28 images: channels, size, pad, filters, filter size, whether ∂x is needed.
    const layer layers[] = {{1, 28, 28, 1, 16, 3, 0},  {16, 28, 28, 1, 16, 3, 1}, {16, 14, 14, 1, 32, 3, 1},
                            {32, 14, 14, 2, 32, 3, 1}, {32, 8, 8, 1, 64, 3, 1},   {64, 8, 8, 1, 64, 3, 1}};
    const char *names[] = {"direct", "winograd"};
    long n = argc > 1 ? atol(argv[1]) : 60;
    if (argc > 2) {
        int path = -1;
        for (int p = 0; p < KISO_PATH_COUNT; p++)
            if (strcmp(argv[2], kiso_path_name(p)) == 0) path = p;
        if (path < 0 || !kiso_path_force(path)) {
            fprintf(stderr, "Error: this CPU or build cannot run the path '%s'\n", argv[2]);
            return 1;
        }
    }
    printf("path: %s\n", kiso_path_name(kiso_path_current()));
    double total[2] = {0, 0}, flops = 0;
    for (int li = 0; li < 6; li++) {
        layer l = layers[li];
        long oh = l.h + 2 * l.pad - l.f + 1, ow = l.w + 2 * l.pad - l.f + 1;
        double f = 2.0 * (double)(l.fn * l.c * l.f * l.f * oh * ow) * (double)n;   // flops of one pass over n images
        flops += f * (2 + l.dx);
        for (int method = 0; method < 2; method++) {
            double s[3];
            measure(l, n, method, s);
            printf("layer %d (%ldx%ldx%ld, pad %ld, %ld filters) %-8s: forward %.3f ms/image %5.1f GFLOPS | dW %.3f ms %5.1f GFLOPS | dx %.3f ms %5.1f GFLOPS\n",
                   li + 1, l.c, l.h, l.w, l.pad, l.fn, names[method], s[0] / n * 1e3, f / s[0] / 1e9, s[1] / n * 1e3,
                   f / s[1] / 1e9, s[2] / n * 1e3, l.dx ? f / s[2] / 1e9 : 0);
            total[method] += s[0] + s[1] + s[2];
        }
    }
    for (int method = 0; method < 2; method++)
        printf("total %-8s: %.3f ms/image, %.1f GFLOPS\n", names[method], total[method] / n * 1e3, flops / total[method] / 1e9);
    return 0;
}
