#ifndef CKISO_CONV_H
#define CKISO_CONV_H

// Direct stride-1 convolution of one image, without an im2col matrix (see conv_template.h).
// Images are C×H×W planes, outputs FN×OH×OW with OH = H + 2·pad − FH + 1 (likewise OW),
// filters FN×C×FH×FW, all row-major float32. Requires pad ≤ FH − 1 and pad ≤ FW − 1 (so the
// input gradient is again a convolution with non-negative padding). Single-threaded; callers
// run images in parallel, each thread with its own scratch.

#ifdef __cplusplus
extern "C" {
#endif

/// Floats of packed filters for kiso_conv_pack_filters: FN rounded up to the register tile, × C·FH·FW.
long kiso_conv_packed_filters_size(long fn, long c, long fh, long fw);

/// Packs filters w (FN×C×FH×FW) for kiso_conv_forward. With adjoint ≠ 0 packs instead the
/// filters of the input gradient, w'[c][f][i][j] = w[f][c][FH−1−i][FW−1−j] (C filters over FN
/// channels), for kiso_conv_backward.
void kiso_conv_pack_filters(const float *w, long fn, long c, long fh, long fw, int adjoint, float *packed);

/// Floats of per-thread scratch that kiso_conv_forward and kiso_conv_backward need.
long kiso_conv_scratch_size(long c, long h, long w, long pad, long fn, long fh, long fw);

/// out[f][y][x] = bias[f] + Σ_{c,i,j} w[f][c][i][j] · x[c][y + i − pad][x + j − pad] (0 outside),
/// for one image; bias may be NULL (no bias); with relu ≠ 0, max(out, 0) instead (a fused
/// ReLU). packed: from kiso_conv_pack_filters(adjoint 0).
void kiso_conv_forward(const float *x, long c, long h, long w, long pad,
                       const float *packed, const float *bias, long fn, long fh, long fw,
                       int relu, float *out, float *scratch);

/// For n consecutive images x (n×C×H×W) with upstream gradients dout (n×FN×OH×OW): adds
/// Σ_{n,y,x} dout[n][f][y][x] · x[n][c][y + i − pad][x + j − pad] to dw[f][c][i][j] and
/// Σ_{n,y,x} dout[n][f][y][x] to db[f], and, when dx is not NULL, writes the input gradients
/// (n×C×H×W) into dx. Small planes are summed several images per register tile.
/// adjointPacked: from kiso_conv_pack_filters(adjoint 1).
void kiso_conv_backward(const float *x, const float *dout, long n, long c, long h, long w, long pad,
                        const float *adjointPacked, long fn, long fh, long fw,
                        float *dw, float *db, float *dx, float *scratch);

/// 2×2 max pooling with stride 2 and no padding of `planes` consecutive h×w planes (h and w
/// even): out (planes × h/2 × w/2) gets each window's maximum, arg the index (2y+dy)·w + 2x+dx
/// of its first occurrence in the order top-left, top-right, bottom-left, bottom-right.
void kiso_max_pool_2x2(const float *in, long planes, long h, long w, float *out, int *arg);

/// The gradient of kiso_max_pool_2x2: writes every element of dx (planes × h × w): dout of
/// its window where it was the winner, 0 elsewhere.
void kiso_max_pool_2x2_backward(const float *dout, const int *arg, long planes, long h, long w, float *dx);

#ifdef __cplusplus
}
#endif

#endif
