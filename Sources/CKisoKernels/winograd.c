// The Winograd convolution driver, F(2×2, 3×3) and F(4×4, 3×3): filter transforms, chunking of
// images into blocks of tiles that stay in the L2 cache, and the products per block.
//
// A tile of m×m outputs (m = 2 or 4) needs (m + 2)² multiplies per channel and filter instead of
// the direct method's 9·m²: with V = Bᵀ d B (the tile's (m+2)×(m+2) input patch d) and U = G g Gᵀ
// (the 3×3 filter g), the outputs are Aᵀ (U ⊙ V) A, and the sum over channels is, for each of the
// (m + 2)² positions ξ of the patch, a matrix product M[ξ] (tiles × FN) = V[ξ] (tiles × C) ·
// U[ξ] (C × FN). The filter gradient is the same product the other way: ∂U[ξ] (FN × C) =
// ∂M[ξ]ᵀ · V[ξ], with ∂M = A ∂y Aᵀ and ∂g = Gᵀ ∂U G. F(4×4) (4 multiplies per output against
// F(2×2)'s 4 per 4… i.e. 2.25 against 4) is used where the output size is a multiple of 4, so no
// tile is ragged; F(2×2) elsewhere.
//
// Layout: channels last. Each image is transposed to pixels × channels (channels padded to a
// multiple of LANES floats), so that every transform step is one vector operation on a run of
// channels; V[ξ] is then a (tiles × channels) matrix, M[ξ] a (tiles × filters) matrix, and tile
// j of image b of a chunk is row b·tiles + j of each. Outputs are transposed back to NCHW.
#include "CKisoKernels.h"
#include "internal.h"
#include <string.h>

enum { LANES = 16, MOST_POSITIONS = 36 };   // channel rows padded to LANES floats; F(4×4) has 36 positions

static const kiso_conv_impl *impl(void) { return kiso_current_impl()->conv; }
static long round_up(long x, long m) { return kiso_round_up(x, m); }

/// The output tile size for an oh×ow output: 4 when both are multiples of 4, else 2.
static long tile_size(long oh, long ow) { return oh % 4 == 0 && ow % 4 == 0 ? 4 : 2; }

/// Tile size m, patch size n = m + 2, positions n², tiles of one image and of one chunk of
/// images, and padded channel counts.
typedef struct { long m, n, positions, oh, ow, th, tw, tiles, images, capacity, cp, fp; } wgeometry;

/// Floats of transformed inputs and products per chunk of images (512 KB, so that a chunk stays
/// in the L2 cache). The filter gradient was measured with chunks of 1 to 4 MB too, which
/// reads and writes ∂U less often, and was not faster.
enum { FORWARD_BUDGET = 128 * 1024, BACKWARD_BUDGET = 128 * 1024 };

/// The geometry of a layer, with chunks of whole images (at least one) of about `budget` floats.
static wgeometry wgeometry_of(long c, long h, long w, long pad, long fn, long budget) {
    wgeometry g;
    g.oh = h + 2 * pad - 2;
    g.ow = w + 2 * pad - 2;
    g.m = tile_size(g.oh, g.ow);
    g.n = g.m + 2;
    g.positions = g.n * g.n;
    g.th = (g.oh + g.m - 1) / g.m;
    g.tw = (g.ow + g.m - 1) / g.m;
    g.tiles = g.th * g.tw;
    g.cp = round_up(c, LANES);
    g.fp = round_up(fn, LANES);
    long tiles = budget / (g.positions * (g.cp + g.fp));
    g.images = tiles / g.tiles > 1 ? tiles / g.tiles : 1;
    g.capacity = g.images * g.tiles;
    return g;
}

/// Pixels of the zero-padded channels-last image the input transform reads: (m·th + 2) × (m·tw + 2).
static long padded_pixels(wgeometry g) { return (g.m * g.th + 2) * (g.m * g.tw + 2); }

/// Pixels of the channels-last output (or upstream gradient) of one image: m·th × m·tw.
static long output_pixels(wgeometry g) { return g.m * g.m * g.tiles; }

long kiso_winograd_packed_filters_size(long fn, long c) {
    long forward = c * round_up(fn, LANES), adjoint = fn * round_up(c, LANES);
    return MOST_POSITIONS * (forward > adjoint ? forward : adjoint);
}

/// G of F(2×2, 3×3) (4×3) and of F(4×4, 3×3) (6×3).
static const float G2[4][3] = {{1, 0, 0}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0, 0, 1}};
static const float G4[6][3] = {{0.25f, 0, 0},
                               {-1.0f / 6, -1.0f / 6, -1.0f / 6},
                               {-1.0f / 6, 1.0f / 6, -1.0f / 6},
                               {1.0f / 24, 1.0f / 12, 1.0f / 6},
                               {1.0f / 24, -1.0f / 12, 1.0f / 6},
                               {0, 0, 1}};

/// Row i of G for patch size n (4 or 6).
static const float *g_row(long n, int i) { return n == 4 ? G2[i] : G4[i]; }

/// U = G g Gᵀ (n×n) of one 3×3 filter g. Inlined where n is a constant (see
/// filter_transform_of), so that the loops unroll and G's zeros and ones fold away.
static inline __attribute__((always_inline)) void filter_transform(long n, const float g[9], float *u) {
    float t[6][3];   // G g
    for (int s = 0; s < n; s++)
        for (int j = 0; j < 3; j++) t[s][j] = g_row(n, s)[0] * g[j] + g_row(n, s)[1] * g[3 + j] + g_row(n, s)[2] * g[6 + j];
    for (int s = 0; s < n; s++)
        for (int q = 0; q < n; q++) u[s * n + q] = t[s][0] * g_row(n, q)[0] + t[s][1] * g_row(n, q)[1] + t[s][2] * g_row(n, q)[2];
}

/// filter_transform for patch size n = 4 or 6, each compiled with n known.
static void filter_transform_of(long n, const float g[9], float *u) {
    if (n == 6) filter_transform(6, g, u);
    else filter_transform(4, g, u);
}

/// ∂g = Gᵀ ∂U G for `count` ≤ LANES consecutive channels of one filter at once: du holds their
/// ∂U (n×n) lane by lane, du[ξ][lane]; their 3×3 gradients, contiguous in dw (9 floats per
/// channel), are added to. The channels run in the innermost loops, which vectorise; each lane's
/// sums are taken in the same order as for one channel alone. Inlined where n is a constant
/// (see filter_gradient_transform_of).
static inline __attribute__((always_inline)) void filter_gradient_transform(long n, float du[][LANES], long count, float *dw) {
    float t[3][6][LANES];   // Gᵀ ∂U
    for (int i = 0; i < 3; i++)
        for (int q = 0; q < n; q++)
            for (int lane = 0; lane < LANES; lane++) {
                float sum = 0;
                for (int s = 0; s < n; s++) sum += g_row(n, s)[i] * du[s * n + q][lane];
                t[i][q][lane] = sum;
            }
    float out[LANES][9];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            for (int lane = 0; lane < LANES; lane++) {
                float sum = 0;
                for (int q = 0; q < n; q++) sum += t[i][q][lane] * g_row(n, q)[j];
                out[lane][3 * i + j] = sum;
            }
    for (long lane = 0; lane < count; lane++)
        for (int k = 0; k < 9; k++) dw[lane * 9 + k] += out[lane][k];
}

/// filter_gradient_transform for patch size n = 4 or 6, each compiled with n known.
static void filter_gradient_transform_of(long n, float du[][LANES], long count, float *dw) {
    if (n == 6) filter_gradient_transform(6, du, count, dw);
    else filter_gradient_transform(4, du, count, dw);
}

void kiso_winograd_pack_filters_depth(const float *w, long fn, long c, long outputHeight, long outputWidth,
                                      int adjoint, long first, long last, float *packed) {
    long outputs = adjoint ? c : fn, k = adjoint ? fn : c, op = round_up(outputs, LANES);
    long n = tile_size(outputHeight, outputWidth) + 2, positions = n * n;
    for (long t = first; t < last; t++) {
        // U[ξ] is k × op: for depth t, one row of op floats per position ξ, written along o.
        for (long xi = 0; xi < positions; xi++)
            memset(packed + (xi * k + t) * op + outputs, 0, (size_t)(op - outputs) * sizeof(float));
        for (long o0 = 0; o0 < outputs; o0 += LANES) {   // LANES filters at a time, stored as runs
            long count = outputs - o0 < LANES ? outputs - o0 : LANES;
            float u[MOST_POSITIONS][LANES];
            for (long j = 0; j < count; j++) {
                // Forward: filter o over channel t. Adjoint (the input gradient): channel o's
                // filter over upstream channel t is w[t][o] turned by 180°.
                long o = o0 + j;
                const float *src = adjoint ? w + (t * c + o) * 9 : w + (o * c + t) * 9;
                float g[9], uj[MOST_POSITIONS];
                for (int i = 0; i < 9; i++) g[i] = adjoint ? src[8 - i] : src[i];
                filter_transform_of(n, g, uj);
                for (long xi = 0; xi < positions; xi++) u[xi][j] = uj[xi];
            }
            for (long xi = 0; xi < positions; xi++)
                memcpy(packed + (xi * k + t) * op + o0, u[xi], (size_t)count * sizeof(float));
        }
    }
}

void kiso_winograd_pack_filters(const float *w, long fn, long c, long outputHeight, long outputWidth, int adjoint,
                                float *packed) {
    kiso_winograd_pack_filters_depth(w, fn, c, outputHeight, outputWidth, adjoint, 0, adjoint ? fn : c, packed);
}

/// Scratch floats of one forward call: V, M, one zero-padded channels-last image, its
/// channels-last output, the padded bias.
static long forward_scratch(long c, long h, long w, long pad, long fn) {
    wgeometry g = wgeometry_of(c, h, w, pad, fn, FORWARD_BUDGET);
    return g.positions * (g.cp + g.fp) * g.capacity + padded_pixels(g) * g.cp + output_pixels(g) * g.fp + g.fp;
}

/// Scratch floats of the filter-gradient part of a backward call: V, ∂M, ∂U, one zero-padded
/// channels-last image, its channels-last upstream gradient, the padded bias gradient.
static long backward_scratch(long c, long h, long w, long pad, long fn) {
    wgeometry g = wgeometry_of(c, h, w, pad, fn, BACKWARD_BUDGET);
    return g.positions * (g.cp + g.fp) * g.capacity + g.positions * fn * g.cp + padded_pixels(g) * g.cp +
           output_pixels(g) * g.fp + g.fp;
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
static void place_channels_last(const float *x, long c, long h, long w, long pad, wgeometry g, int clear,
                                float *xh) {
    long wp = g.m * g.tw + 2;
    if (clear) memset(xh, 0, (size_t)(padded_pixels(g) * g.cp) * sizeof(float));
    for (long y = 0; y < h; y++) kiso_transpose(x + y * w, c, w, h * w, xh + ((y + pad) * wp + pad) * g.cp, g.cp);
}

void kiso_winograd_forward(const float *x, long n, long c, long h, long w, long pad,
                           const float *packed, const float *bias, long fn, int relu, float *out, float *scratch) {
    const kiso_conv_impl *k = impl();
    wgeometry g = wgeometry_of(c, h, w, pad, fn, FORWARD_BUDGET);
    __typeof__(k->winograd_input_transform) input = g.m == 4 ? k->winograd4_input_transform : k->winograd_input_transform;
    __typeof__(k->winograd_output_transform) output = g.m == 4 ? k->winograd4_output_transform : k->winograd_output_transform;
    float *v = scratch, *mm = v + g.positions * g.capacity * g.cp, *xh = mm + g.positions * g.capacity * g.fp;
    float *yh = xh + padded_pixels(g) * g.cp, *bp = yh + output_pixels(g) * g.fp;
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
            input(xh, g.cp, g.th, g.tw, v + b * g.tiles * g.cp, vstride);
        }
        for (long xi = 0; xi < g.positions; xi++)   // M[ξ] = V[ξ] · U[ξ]: (tiles × c) · (c × fp)
            k->winograd_multiply(images * g.tiles, c, g.fp, v + xi * vstride, g.cp, 1, packed + xi * c * g.fp, g.fp,
                                 mm + xi * mstride, g.fp, 0);
        for (long b = 0; b < images; b++) {
            output(mm + b * g.tiles * g.fp, mstride, g.fp, g.th, g.tw, bias ? bp : 0, relu, yh);
            float *o = out + (i0 + b) * outputSize;
            if (g.oh == g.m * g.th && g.ow == g.m * g.tw) {
                kiso_transpose(yh, positions, fn, g.fp, o, positions);
            } else {   // a ragged last row or column of tiles: only the real outputs
                for (long y = 0; y < g.oh; y++)
                    kiso_transpose(yh + y * g.m * g.tw * g.fp, g.ow, fn, g.fp, o + y * g.ow, positions);
            }
        }
    }
}

void kiso_winograd_backward(const float *x, const float *dout, long n, long c, long h, long w, long pad,
                            const float *adjointPacked, long fn, float *dw, float *db, float *dx, float *scratch) {
    const kiso_conv_impl *k = impl();
    wgeometry g = wgeometry_of(c, h, w, pad, fn, BACKWARD_BUDGET);
    __typeof__(k->winograd_input_transform) input = g.m == 4 ? k->winograd4_input_transform : k->winograd_input_transform;
    __typeof__(k->winograd_gradient_transform) gradient =
        g.m == 4 ? k->winograd4_gradient_transform : k->winograd_gradient_transform;
    float *v = scratch, *dm = v + g.positions * g.capacity * g.cp, *du = dm + g.positions * g.capacity * g.fp;
    float *xh = du + g.positions * fn * g.cp, *dh = xh + padded_pixels(g) * g.cp, *dbp = dh + output_pixels(g) * g.fp;
    long imageSize = c * h * w, positions = g.oh * g.ow, outputSize = fn * positions;
    long vstride = g.capacity * g.cp, mstride = g.capacity * g.fp;
    int ragged = g.oh != g.m * g.th || g.ow != g.m * g.tw;
    memset(du, 0, (size_t)(g.positions * fn * g.cp) * sizeof(float));
    memset(dbp, 0, (size_t)g.fp * sizeof(float));
    for (long i0 = 0; i0 < n; i0 += g.images) {
        long images = n - i0 < g.images ? n - i0 : g.images;
        for (long b = 0; b < images; b++) {
            place_channels_last(x + (i0 + b) * imageSize, c, h, w, pad, g, i0 + b == 0, xh);
            input(xh, g.cp, g.th, g.tw, v + b * g.tiles * g.cp, vstride);
            const float *d = dout + (i0 + b) * outputSize;
            if (ragged || fn < g.fp) memset(dh, 0, (size_t)(output_pixels(g) * g.fp) * sizeof(float));
            if (!ragged) {
                kiso_transpose(d, fn, positions, positions, dh, g.fp);
            } else {   // zero beyond the real outputs
                for (long y = 0; y < g.oh; y++)
                    kiso_transpose(d + y * g.ow, fn, g.ow, positions, dh + y * g.m * g.tw * g.fp, g.fp);
            }
            gradient(dh, g.fp, g.th, g.tw, dm + b * g.tiles * g.fp, mstride, dbp);
        }
        for (long xi = 0; xi < g.positions; xi++)   // ∂U[ξ] += ∂M[ξ]ᵀ · V[ξ]: (fn × tiles) · (tiles × cp)
            k->winograd_multiply(fn, images * g.tiles, g.cp, dm + xi * mstride, 1, g.fp, v + xi * vstride, g.cp,
                                 du + xi * fn * g.cp, g.cp, 1);
    }
    // ∂W from ∂U, LANES channels at a time: one contiguous run of ∂U per position (its rows are
    // padded to cp, a multiple of LANES, so whole runs are read), and 9·LANES floats of ∂W.
    for (long f = 0; f < fn; f++) {
        db[f] += dbp[f];
        for (long ch = 0; ch < c; ch += LANES) {
            float u[MOST_POSITIONS][LANES];
            for (long xi = 0; xi < g.positions; xi++) memcpy(u[xi], du + (xi * fn + f) * g.cp + ch, sizeof u[xi]);
            filter_gradient_transform_of(g.n, u, c - ch < LANES ? c - ch : LANES, dw + (f * c + ch) * 9);
        }
    }
    // ∂L/∂x: the full correlation of dout with the turned filters — again a 3×3 convolution,
    // of dout padded by 2 − pad, giving c×h×w.
    if (dx) kiso_winograd_forward(dout, n, fn, g.oh, g.ow, 2 - pad, adjointPacked, 0, c, 0, dx, scratch);
}
