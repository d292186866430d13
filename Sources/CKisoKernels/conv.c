// The direct convolution driver: padding into the wide layout, filter packing, dispatch to
// the AVX2 or portable kernels, and the copies between wide and NCHW layouts.
#include "CKisoKernels.h"
#include "conv_internal.h"
#include <string.h>

enum { MR = 6, TILE = 16 };   // filter rows per micro-tile; positions rounded to 16 (AVX2 tile, 2 portable tiles)

/// The kernels of the instruction-set path the sgemm dispatcher uses (kiso_path_current), so
/// forcing a path for a measurement or a test applies to the convolutions too.
static const kiso_conv_impl *impl(void) {
#if defined(__x86_64__)
    int path = kiso_path_current();
    if (path == KISO_PATH_AVX2 || path == KISO_PATH_AVX512) return &kiso_conv_impl_avx2;
#endif
    return &kiso_conv_impl_portable;
}

static long round_up(long x, long m) { return (x + m - 1) / m * m; }

/// Sizes of one forward pass in the wide layout.
typedef struct { long hp, wp, oh, ow, k, q, xp; } geometry;

static geometry geometry_of(long c, long h, long w, long pad, long fh, long fw) {
    geometry g;
    g.hp = h + 2 * pad;
    g.wp = w + 2 * pad;
    g.oh = g.hp - fh + 1;
    g.ow = g.wp - fw + 1;
    g.k = c * fh * fw;
    g.q = round_up(g.oh * g.wp, TILE);
    // The kernels read xp[q + off] for q < g.q and off ≤ (c−1)·hp·wp + (fh−1)·wp + fw − 1.
    g.xp = round_up((c - 1) * g.hp * g.wp + (fh - 1) * g.wp + fw - 1 + g.q, TILE);
    return g;
}

static long forward_scratch(long c, long h, long w, long pad, long fn, long fh, long fw) {
    geometry g = geometry_of(c, h, w, pad, fh, fw);
    return g.xp + fn * g.q + 2 * g.k + TILE;   // xp | wide output | offsets (longs)
}

long kiso_conv_packed_filters_size(long fn, long c, long fh, long fw) {
    long forward = round_up(fn, MR) * c, adjoint = round_up(c, MR) * fn;
    return (forward > adjoint ? forward : adjoint) * fh * fw;
}

void kiso_conv_pack_filters(const float *w, long fn, long c, long fh, long fw, int adjoint, float *packed) {
    long outputs = adjoint ? c : fn, k = (adjoint ? fn : c) * fh * fw, taps = fh * fw;
    for (long o0 = 0; o0 < outputs; o0 += MR) {
        for (long t = 0; t < k; t++) {
            for (long r = 0; r < MR; r++) {
                long o = o0 + r;
                float v = 0;
                if (o < outputs) {
                    if (adjoint) {   // w'[o = channel][t = (f, i, j)] = w[f][o][fh−1−i][fw−1−j]
                        long f = t / taps, ij = t % taps;
                        v = w[(f * c + o) * taps + (taps - 1 - ij)];
                    } else {
                        v = w[o * k + t];
                    }
                }
                packed[o0 * k + t * MR + r] = v;
            }
        }
    }
}

/// The filter-gradient layout of a chunk of `images` images: per channel, the images stacked
/// vertically with `pad` zero rows above, below and between them (rows shared by neighbours:
/// an output row reads at most `pad` rows beyond its image, and pad ≤ FH − 1 keeps OH ≤ H + pad),
/// so a tap is still one constant offset and one flat run of positions covers every image.
/// Image b's output (y, x) sits at position (b·(H + pad) + y)·Wp + x; the rows
/// y ≥ OH of each image are computed against a zero gradient.
typedef struct { long images, rows, plane, q, xp; } stacked_geometry;

/// Images per filter-gradient call: enough for about 512 positions (1 image of 28×28, 6 of
/// 8×8), at most 8, so the lanes of the accumulators are summed once per chunk.
static stacked_geometry stacked_of(long c, long h, long pad, long fh, long fw, geometry g) {
    stacked_geometry s;
    long perImage = (h + pad) * g.wp;
    s.images = (512 + perImage - 1) / perImage;
    if (s.images > 8) s.images = 8;
    s.rows = pad + s.images * (h + pad);
    s.plane = s.rows * g.wp;
    s.q = round_up(s.images * perImage, TILE);
    s.xp = round_up((c - 1) * s.plane + (fh - 1) * g.wp + fw - 1 + s.q, TILE);
    return s;
}

/// Scratch of kiso_conv_backward's filter-gradient part: the stacked images, the stacked
/// upstream gradients (FN rows of s.q), then the tap offsets.
static long backward_scratch(long c, long h, long w, long pad, long fn, long fh, long fw) {
    geometry g = geometry_of(c, h, w, pad, fh, fw);
    stacked_geometry s = stacked_of(c, h, pad, fh, fw, g);
    return s.xp + fn * s.q + 2 * g.k + TILE;
}

long kiso_conv_scratch_size(long c, long h, long w, long pad, long fn, long fh, long fw) {
    geometry g = geometry_of(c, h, w, pad, fh, fw);
    long forward = forward_scratch(c, h, w, pad, fn, fh, fw);
    long backward = backward_scratch(c, h, w, pad, fn, fh, fw);
    long input = forward_scratch(fn, g.oh, g.ow, fh - 1 - pad, c, fh, fw);
    long most = forward > input ? forward : input;
    return most > backward ? most : backward;
}

/// Offsets of the taps (c, i, j) from a position in the wide layout.
static void tap_offsets(long c, long fh, long fw, geometry g, long *off) {
    for (long ch = 0; ch < c; ch++)
        for (long i = 0; i < fh; i++)
            for (long j = 0; j < fw; j++) *off++ = ch * g.hp * g.wp + i * g.wp + j;
}

/// Zero-pads image x (c×h×w) into xp (g.xp floats).
static void pad_image(const float *x, long c, long h, long w, long pad, geometry g, float *xp) {
    memset(xp, 0, (size_t)g.xp * sizeof(float));
    for (long ch = 0; ch < c; ch++)
        for (long y = 0; y < h; y++)
            memcpy(xp + ch * g.hp * g.wp + (y + pad) * g.wp + pad, x + (ch * h + y) * w, (size_t)w * sizeof(float));
}

void kiso_conv_forward(const float *x, long c, long h, long w, long pad,
                       const float *packed, const float *bias, long fn, long fh, long fw,
                       float *out, float *scratch) {
    geometry g = geometry_of(c, h, w, pad, fh, fw);
    float *xp = scratch, *wide = xp + g.xp;
    long *off = (long *)(wide + fn * g.q);
    pad_image(x, c, h, w, pad, g, xp);
    tap_offsets(c, fh, fw, g, off);
    impl()->wide(fn, g.k, off, packed, xp, g.q, wide, g.q);
    for (long f = 0; f < fn; f++) {
        float b = bias ? bias[f] : 0;
        for (long y = 0; y < g.oh; y++) {
            const float *src = wide + f * g.q + y * g.wp;
            float *dst = out + (f * g.oh + y) * g.ow;
            for (long xo = 0; xo < g.ow; xo++) dst[xo] = src[xo] + b;
        }
    }
}

void kiso_conv_backward(const float *x, const float *dout, long n, long c, long h, long w, long pad,
                        const float *adjointPacked, long fn, long fh, long fw,
                        float *dw, float *db, float *dx, float *scratch) {
    geometry g = geometry_of(c, h, w, pad, fh, fw);
    stacked_geometry s = stacked_of(c, h, pad, fh, fw, g);
    long imageSize = c * h * w, outputSize = fn * g.oh * g.ow, rowStep = (h + pad) * g.wp;
    float *xp = scratch, *wide = xp + s.xp;
    long *off = (long *)(wide + fn * s.q);
    for (long i0 = 0; i0 < n; i0 += s.images) {
        long images = n - i0 < s.images ? n - i0 : s.images;
        for (long ch = 0, *o = off; ch < c; ch++)   // again per chunk: the ∂x pass reuses the scratch
            for (long i = 0; i < fh; i++)
                for (long j = 0; j < fw; j++) *o++ = ch * s.plane + i * g.wp + j;
        // The chunk's images, stacked and zero-padded; its upstream gradients in the same
        // positions, zero wherever the position is not an output.
        memset(xp, 0, (size_t)(s.xp + fn * s.q) * sizeof(float));
        for (long b = 0; b < images; b++) {
            const float *image = x + (i0 + b) * imageSize, *d = dout + (i0 + b) * outputSize;
            for (long ch = 0; ch < c; ch++)
                for (long y = 0; y < h; y++)
                    memcpy(xp + ch * s.plane + (pad + b * (h + pad) + y) * g.wp + pad, image + (ch * h + y) * w,
                           (size_t)w * sizeof(float));
            for (long f = 0; f < fn; f++) {
                float sum = 0;
                for (long y = 0; y < g.oh; y++) {
                    const float *src = d + (f * g.oh + y) * g.ow;
                    float *dst = wide + f * s.q + b * rowStep + y * g.wp;
                    for (long xo = 0; xo < g.ow; xo++) { dst[xo] = src[xo]; sum += src[xo]; }
                }
                db[f] += sum;
            }
        }
        impl()->filter_gradient(fn, g.k, off, wide, s.q, xp, round_up(images * rowStep, TILE), dw);
        // ∂L/∂x: the full correlation of dout with the flipped filters, i.e. a convolution of
        // dout padded by fh − 1 − pad with the adjoint filters, giving c×h×w again.
        if (dx)
            for (long i = i0; i < i0 + images; i++)
                kiso_conv_forward(dout + i * outputSize, fn, g.oh, g.ow, fh - 1 - pad, adjointPacked, 0, c, fh, fw,
                                  dx + i * imageSize, scratch);
    }
}

void kiso_max_pool_2x2(const float *in, long planes, long h, long w, float *out, int *arg) {
    impl()->max_pool_2x2(in, planes, h, w, out, arg);
}

void kiso_max_pool_2x2_backward(const float *dout, const int *arg, long planes, long h, long w, float *dx) {
    impl()->max_pool_2x2_backward(dout, arg, planes, h, w, dx);
}
