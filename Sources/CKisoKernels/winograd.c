// The Winograd F(2×2, 3×3) convolution driver: filter transforms, chunking of images into
// blocks of tiles that stay in the L2 cache, and the 16 products per block.
//
// Each 2×2 block of outputs ("tile") needs 16 multiplies per channel and filter instead of the
// direct method's 36: with V = Bᵀ d B (the tile's 4×4 input patch d) and U = G g Gᵀ (the 3×3
// filter g), the output is Aᵀ (U ⊙ V) A, and the sum over channels is, for each of the 16
// positions ξ of the 4×4 tile, a matrix product M[ξ] (FN × tiles) = U[ξ] (FN × C) · V[ξ] (C × tiles).
// Those products run on the direct convolution's register-tiled kernels (a channel of V[ξ] is
// a "tap" at a constant offset), and the filter gradient is the same product the other way:
// ∂U[ξ] (FN × C) = ∂M[ξ] · V[ξ]ᵀ, with ∂M = A ∂y Aᵀ and ∂g = Gᵀ ∂U G.
//
// Layout: channels last. Each image is transposed to pixels × channels (channels padded to a
// multiple of LANES floats), so that every transform step is one vector operation on a run of
// channels; V[ξ] is then a (tiles × channels) matrix, M[ξ] a (tiles × filters) matrix, and tile
// j of image b of a chunk is row b·tiles + j of each. Outputs are transposed back to NCHW.
#include "CKisoKernels.h"
#include "conv_internal.h"
#include <string.h>

enum { POSITIONS = 16, LANES = 16 };   // tile positions ξ; channel rows padded to LANES floats

static const kiso_conv_impl *impl(void) {
#if defined(__x86_64__)
    int path = kiso_path_current();
    if (path == KISO_PATH_AVX2 || path == KISO_PATH_AVX512) return &kiso_conv_impl_avx2;
#endif
    return &kiso_conv_impl_portable;
}

static long round_up(long x, long m) { return (x + m - 1) / m * m; }

/// Tiles of one image and of one chunk of images, and padded channel counts.
typedef struct { long oh, ow, th, tw, tiles, images, capacity, cp, fp; } wgeometry;

/// About 512 KB of transformed inputs and products per chunk: whole images, at least one.
static wgeometry wgeometry_of(long c, long h, long w, long pad, long fn) {
    wgeometry g;
    g.oh = h + 2 * pad - 2;
    g.ow = w + 2 * pad - 2;
    g.th = (g.oh + 1) / 2;
    g.tw = (g.ow + 1) / 2;
    g.tiles = g.th * g.tw;
    g.cp = round_up(c, LANES);
    g.fp = round_up(fn, LANES);
    long budget = (128 * 1024) / (POSITIONS * (g.cp + g.fp));
    g.images = budget / g.tiles > 1 ? budget / g.tiles : 1;
    g.capacity = g.images * g.tiles;
    return g;
}

/// Pixels of the zero-padded channels-last image the input transform reads: (2th + 2) × (2tw + 2).
static long padded_pixels(wgeometry g) { return (2 * g.th + 2) * (2 * g.tw + 2); }

long kiso_winograd_packed_filters_size(long fn, long c) {
    long forward = c * round_up(fn, LANES), adjoint = fn * round_up(c, LANES);
    return POSITIONS * (forward > adjoint ? forward : adjoint);
}

/// U = G g Gᵀ of one 3×3 filter g, G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1].
static void filter_transform(const float g[9], float u[16]) {
    float t[4][3];   // G g
    for (int j = 0; j < 3; j++) {
        float g0 = g[j], g1 = g[3 + j], g2 = g[6 + j];
        t[0][j] = g0;
        t[1][j] = 0.5f * (g0 + g1 + g2);
        t[2][j] = 0.5f * (g0 - g1 + g2);
        t[3][j] = g2;
    }
    for (int s = 0; s < 4; s++) {
        float t0 = t[s][0], t1 = t[s][1], t2 = t[s][2];
        u[4 * s] = t0;
        u[4 * s + 1] = 0.5f * (t0 + t1 + t2);
        u[4 * s + 2] = 0.5f * (t0 - t1 + t2);
        u[4 * s + 3] = t2;
    }
}

void kiso_winograd_pack_filters(const float *w, long fn, long c, int adjoint, float *packed) {
    long outputs = adjoint ? c : fn, k = adjoint ? fn : c, op = round_up(outputs, LANES);
    memset(packed, 0, (size_t)(POSITIONS * k * op) * sizeof(float));
    for (long o = 0; o < outputs; o++)
        for (long t = 0; t < k; t++) {
            // Forward: filter o over channel t. Adjoint (the input gradient): channel o's filter
            // over upstream channel t is w[t][o] turned by 180°.
            const float *src = adjoint ? w + (t * c + o) * 9 : w + (o * c + t) * 9;
            float g[9], u[16];
            for (int i = 0; i < 9; i++) g[i] = adjoint ? src[8 - i] : src[i];
            filter_transform(g, u);
            for (int xi = 0; xi < POSITIONS; xi++) packed[(xi * k + t) * op + o] = u[xi];   // U[ξ]: k × op
        }
}

/// Scratch floats of one forward call: V, M, one channels-last image, its channels-last
/// output, the padded bias.
static long forward_scratch(long c, long h, long w, long pad, long fn) {
    wgeometry g = wgeometry_of(c, h, w, pad, fn);
    return POSITIONS * (g.cp + g.fp) * g.capacity + padded_pixels(g) * g.cp + 4 * g.tiles * g.fp + g.fp;
}

/// Scratch floats of the filter-gradient part of a backward call: V, ∂M, ∂U, one
/// channels-last image, its channels-last upstream gradient, the padded bias gradient.
static long backward_scratch(long c, long h, long w, long pad, long fn) {
    wgeometry g = wgeometry_of(c, h, w, pad, fn);
    return POSITIONS * (g.cp + g.fp) * g.capacity + POSITIONS * fn * g.cp + padded_pixels(g) * g.cp + 4 * g.tiles * g.fp + g.fp;
}

long kiso_winograd_scratch_size(long c, long h, long w, long pad, long fn) {
    long forward = forward_scratch(c, h, w, pad, fn), backward = backward_scratch(c, h, w, pad, fn);
    long input = forward_scratch(fn, h + 2 * pad - 2, w + 2 * pad - 2, 2 - pad, c);
    long most = forward > backward ? forward : backward;
    return most > input ? most : input;
}

/// Writes image x (c planes of h×w) channels-last into the zero-padded xh (see padded_pixels):
/// pixel (y, x) at (y + pad, x + pad). With `clear`, zeroes xh first; otherwise the padding
/// (and channels c ..< cp) must still be zero from an earlier image of the same geometry.
static void place_channels_last(const float *x, long c, long h, long w, long pad, wgeometry g, int clear, float *xh) {
    long wp = 2 * g.tw + 2;
    if (clear) memset(xh, 0, (size_t)(padded_pixels(g) * g.cp) * sizeof(float));
    for (long y = 0; y < h; y++) kiso_transpose(x + y * w, c, w, h * w, xh + ((y + pad) * wp + pad) * g.cp, g.cp);
}

void kiso_winograd_forward(const float *x, long n, long c, long h, long w, long pad,
                           const float *packed, const float *bias, long fn, int relu, float *out, float *scratch) {
    const kiso_conv_impl *k = impl();
    wgeometry g = wgeometry_of(c, h, w, pad, fn);
    float *v = scratch, *mm = v + POSITIONS * g.capacity * g.cp, *xh = mm + POSITIONS * g.capacity * g.fp;
    float *yh = xh + padded_pixels(g) * g.cp, *bp = yh + 4 * g.tiles * g.fp;
    long imageSize = c * h * w, positions = g.oh * g.ow, outputSize = fn * positions;
    long vstride = g.capacity * g.cp, mstride = g.capacity * g.fp;
    if (bias) {
        memset(bp, 0, (size_t)g.fp * sizeof(float));
        memcpy(bp, bias, (size_t)fn * sizeof(float));
    }
    for (long i0 = 0; i0 < n; i0 += g.images) {
        long images = n - i0 < g.images ? n - i0 : g.images;
        for (long b = 0; b < images; b++) {
            place_channels_last(x + (i0 + b) * imageSize, c, h, w, pad, g, i0 + b == 0, xh);
            k->winograd_input_transform(xh, g.cp, g.th, g.tw, v + b * g.tiles * g.cp, vstride);
        }
        for (int xi = 0; xi < POSITIONS; xi++)   // M[ξ] = V[ξ] · U[ξ]: (tiles × c) · (c × fp)
            k->winograd_multiply(images * g.tiles, c, g.fp, v + xi * vstride, g.cp, 1, packed + xi * c * g.fp, g.fp,
                                 mm + xi * mstride, g.fp, 0);
        for (long b = 0; b < images; b++) {
            k->winograd_output_transform(mm + b * g.tiles * g.fp, mstride, g.fp, g.th, g.tw, bias ? bp : 0, relu, yh);
            float *o = out + (i0 + b) * outputSize;
            if (g.oh == 2 * g.th && g.ow == 2 * g.tw) {
                kiso_transpose(yh, positions, fn, g.fp, o, positions);
            } else {   // a ragged last row or column of tiles: only the real outputs
                for (long y = 0; y < g.oh; y++) kiso_transpose(yh + y * 2 * g.tw * g.fp, g.ow, fn, g.fp, o + y * g.ow, positions);
            }
        }
    }
}

/// ∂g = Gᵀ ∂U G of one filter, added to dw (3×3).
static void filter_gradient_transform(const float du[16], float *dw) {
    float t[3][4];   // Gᵀ ∂U
    for (int m = 0; m < 4; m++) {
        float u0 = du[m], u1 = du[4 + m], u2 = du[8 + m], u3 = du[12 + m];
        t[0][m] = u0 + 0.5f * (u1 + u2);
        t[1][m] = 0.5f * (u1 - u2);
        t[2][m] = 0.5f * (u1 + u2) + u3;
    }
    for (int i = 0; i < 3; i++) {
        float u0 = t[i][0], u1 = t[i][1], u2 = t[i][2], u3 = t[i][3];
        dw[3 * i] += u0 + 0.5f * (u1 + u2);
        dw[3 * i + 1] += 0.5f * (u1 - u2);
        dw[3 * i + 2] += 0.5f * (u1 + u2) + u3;
    }
}

void kiso_winograd_backward(const float *x, const float *dout, long n, long c, long h, long w, long pad,
                            const float *adjointPacked, long fn, float *dw, float *db, float *dx, float *scratch) {
    const kiso_conv_impl *k = impl();
    wgeometry g = wgeometry_of(c, h, w, pad, fn);
    float *v = scratch, *dm = v + POSITIONS * g.capacity * g.cp, *du = dm + POSITIONS * g.capacity * g.fp;
    float *xh = du + POSITIONS * fn * g.cp, *dh = xh + padded_pixels(g) * g.cp, *dbp = dh + 4 * g.tiles * g.fp;
    long imageSize = c * h * w, positions = g.oh * g.ow, outputSize = fn * positions;
    long vstride = g.capacity * g.cp, mstride = g.capacity * g.fp;
    int ragged = g.oh != 2 * g.th || g.ow != 2 * g.tw;
    memset(du, 0, (size_t)(POSITIONS * fn * g.cp) * sizeof(float));
    memset(dbp, 0, (size_t)g.fp * sizeof(float));
    for (long i0 = 0; i0 < n; i0 += g.images) {
        long images = n - i0 < g.images ? n - i0 : g.images;
        for (long b = 0; b < images; b++) {
            place_channels_last(x + (i0 + b) * imageSize, c, h, w, pad, g, i0 + b == 0, xh);
            k->winograd_input_transform(xh, g.cp, g.th, g.tw, v + b * g.tiles * g.cp, vstride);
            const float *d = dout + (i0 + b) * outputSize;
            if (ragged || fn < g.fp) memset(dh, 0, (size_t)(4 * g.tiles * g.fp) * sizeof(float));
            if (!ragged) {
                kiso_transpose(d, fn, positions, positions, dh, g.fp);
            } else {   // zero beyond the real outputs
                for (long y = 0; y < g.oh; y++) kiso_transpose(d + y * g.ow, fn, g.ow, positions, dh + y * 2 * g.tw * g.fp, g.fp);
            }
            k->winograd_gradient_transform(dh, g.fp, g.th, g.tw, dm + b * g.tiles * g.fp, mstride, dbp);
        }
        for (int xi = 0; xi < POSITIONS; xi++)   // ∂U[ξ] += ∂M[ξ]ᵀ · V[ξ]: (fn × tiles) · (tiles × cp)
            k->winograd_multiply(fn, images * g.tiles, g.cp, dm + xi * mstride, 1, g.fp, v + xi * vstride, g.cp,
                                 du + xi * fn * g.cp, g.cp, 1);
    }
    for (long f = 0; f < fn; f++) {
        db[f] += dbp[f];
        for (long ch = 0; ch < c; ch++) {
            float u[16];
            for (int xi = 0; xi < POSITIONS; xi++) u[xi] = du[(xi * fn + f) * g.cp + ch];
            filter_gradient_transform(u, dw + (f * c + ch) * 9);
        }
    }
    // ∂L/∂x: the full correlation of dout with the turned filters — again a 3×3 convolution,
    // of dout padded by 2 − pad, giving c×h×w.
    if (dx) kiso_winograd_forward(dout, n, fn, g.oh, g.ow, 2 - pad, adjointPacked, 0, c, 0, dx, scratch);
}
