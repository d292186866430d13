#ifndef CKISO_WINOGRAD_H
#define CKISO_WINOGRAD_H

// Winograd convolution with stride 1 (see winograd.c): F(4×4, 3×3) where the output size is a
// multiple of 4 (36 multiplies per channel and filter for 16 outputs instead of 144), F(2×2, 3×3)
// elsewhere (16 for 4 instead of 36). Same conventions as kiso_conv.h:
// images C×H×W, outputs FN×OH×OW with OH = H + 2·pad − 2 (likewise OW), filters FN×C×3×3,
// row-major float32, pad ≤ 2. Single-threaded; callers split images between threads, each
// thread with its own scratch. Any OH and OW (odd sizes leave a ragged last tile).

#ifdef __cplusplus
extern "C" {
#endif

/// Floats of transformed filters for kiso_winograd_pack_filters (either direction).
long kiso_winograd_packed_filters_size(long fn, long c);

/// Transforms filters w (FN×C×3×3) to U = G g Gᵀ for kiso_winograd_forward; with adjoint ≠ 0
/// instead those of the input gradient, w'[c][f][i][j] = w[f][c][2−i][2−j], for
/// kiso_winograd_backward. outputHeight × outputWidth: the output of the convolution the filters
/// are for (forward: OH×OW; adjoint: the image's H×W), which picks the tile size.
void kiso_winograd_pack_filters(const float *w, long fn, long c, long outputHeight, long outputWidth, int adjoint,
                                float *packed);

/// The part of kiso_winograd_pack_filters for depths first ..< last of the packed products
/// (channels forward, filters with adjoint ≠ 0): writes only those rows of packed, so that
/// disjoint ranges can be packed on different threads.
void kiso_winograd_pack_filters_depth(const float *w, long fn, long c, long outputHeight, long outputWidth,
                                      int adjoint, long first, long last, float *packed);

/// Floats of per-thread scratch that kiso_winograd_forward and kiso_winograd_backward need.
long kiso_winograd_scratch_size(long c, long h, long w, long pad, long fn);

/// For n consecutive images x (n×C×H×W): out[n][f][y][x] = bias[f] + Σ_{c,i,j} w[f][c][i][j] ·
/// x[n][c][y + i − pad][x + j − pad] (0 outside the image); bias may be NULL (no bias); with
/// relu ≠ 0, max(out, 0) (NaN → 0). packed: from kiso_winograd_pack_filters(adjoint 0).
void kiso_winograd_forward(const float *x, long n, long c, long h, long w, long pad,
                           const float *packed, const float *bias, long fn, int relu, float *out, float *scratch);

/// For n consecutive images x (n×C×H×W) with upstream gradients dout (n×FN×OH×OW): adds
/// Σ_{n,y,x} dout[n][f][y][x] · x[n][c][y + i − pad][x + j − pad] to dw[f][c][i][j] and
/// Σ_{n,y,x} dout[n][f][y][x] to db[f], and, when dx is not NULL, writes the input gradients
/// (n×C×H×W) into dx. adjointPacked: from kiso_winograd_pack_filters(adjoint 1).
void kiso_winograd_backward(const float *x, const float *dout, long n, long c, long h, long w, long pad,
                            const float *adjointPacked, long fn, float *dw, float *db, float *dx, float *scratch);

#ifdef __cplusplus
}
#endif

#endif
