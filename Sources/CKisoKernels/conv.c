// The direct convolution driver: the shifted-copy layout, filter packing, dispatch to the
// AVX2 or portable kernels, and the copies in and out of that layout.
//
// Layout: the zero-padded image (Hp = H + 2·pad rows) is stored FW times, copy j shifted left
// by j columns and cut to OW = Wp − FW + 1 columns: copy_j[c][yy][x] = xpad[c][yy][x + j].
// With output positions q = y·OW + x (exactly the NCHW order of one output plane), tap
// (c, i, j) reads copy_j[c][y + i][x] = copies[q + j·copy + c·plane + i·OW]: one constant
// offset per tap, and no position is wasted on padding columns.
#include "CKisoKernels.h"
#include "internal.h"
#include <string.h>

enum { MR = 6, TILE = 16 };   // filter rows per micro-tile; positions rounded to 16 (AVX2 tile, 2 portable tiles)

static const kiso_conv_impl *impl(void) { return kiso_current_impl()->conv; }
static long round_up(long x, long m) { return kiso_round_up(x, m); }

/// A stride between the shifted copies of at least `floats` floats that is 21 cache lines past
/// a multiple of 4 KiB, so that the FW copies a tile reads do not compete for the same L1 sets.
static long copy_stride(long floats) {
    long lines = round_up(floats, 16) / 16;
    return (lines + (21 - lines % 64 + 64) % 64) * 16;
}

/// Sizes of one image in the shifted-copy layout.
typedef struct { long hp, oh, ow, k, plane, copy, q, xp; } geometry;

static geometry geometry_of(long c, long h, long w, long pad, long fh, long fw) {
    geometry g;
    g.hp = h + 2 * pad;
    g.oh = g.hp - fh + 1;
    g.ow = w + 2 * pad - fw + 1;
    g.k = c * fh * fw;
    g.plane = g.hp * g.ow;
    g.copy = copy_stride(c * g.plane);
    g.q = round_up(g.oh * g.ow, TILE);
    // The kernels read copies[q + off] for q < g.q and off ≤ (fw−1)·copy + (c−1)·plane + (fh−1)·ow.
    g.xp = round_up((fw - 1) * g.copy + (c - 1) * g.plane + (fh - 1) * g.ow + g.q, TILE);
    return g;
}

static long forward_scratch(long c, long h, long w, long pad, long fn, long fh, long fw) {
    geometry g = geometry_of(c, h, w, pad, fh, fw);
    return g.xp + fn * g.q + 2 * g.k + TILE;   // copies | output tiles | offsets (longs)
}

/// Offsets of the taps (c, i, j) in a layout with the given copy and plane strides.
static void tap_offsets(long c, long fh, long fw, long ow, long plane, long copy, long *off) {
    for (long ch = 0; ch < c; ch++)
        for (long i = 0; i < fh; i++)
            for (long j = 0; j < fw; j++) *off++ = j * copy + ch * plane + i * ow;
}

typedef float v4u __attribute__((vector_size(16), aligned(4)));


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

/// The filter-gradient layout of a chunk of `images` images: the shifted copies with, per
/// channel, the images stacked vertically and `pad` zero rows above, below and between them
/// (rows shared by neighbours: an output row reads at most `pad` rows beyond its image, and
/// pad ≤ FH − 1 keeps OH ≤ H + pad), so a tap is still one constant offset and one flat run of
/// positions covers every image. Image b's output (y, x) sits at position
/// (b·(H + pad) + y)·OW + x; the rows y ≥ OH of each image meet a zero upstream gradient.
typedef struct { long images, rows, plane, copy, q, xp; } stacked_geometry;

/// Images per filter-gradient call: enough for about 512 positions (1 image of 28×28, 8 of
/// 8×8), at most 8, so the lanes of the accumulators are summed once per chunk.
static stacked_geometry stacked_of(long c, long h, long pad, long fh, long fw, geometry g) {
    stacked_geometry s;
    long perImage = (h + pad) * g.ow;
    s.images = (512 + perImage - 1) / perImage;
    if (s.images > 8) s.images = 8;
    s.rows = pad + s.images * (h + pad);
    s.plane = s.rows * g.ow;
    s.copy = copy_stride(c * s.plane);
    s.q = round_up(s.images * perImage, TILE);
    s.xp = round_up((fw - 1) * s.copy + (c - 1) * s.plane + (fh - 1) * g.ow + s.q, TILE);
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

void kiso_conv_forward(const float *x, long c, long h, long w, long pad,
                       const float *packed, const float *bias, long fn, long fh, long fw,
                       int relu, float *out, float *scratch) {
    geometry g = geometry_of(c, h, w, pad, fh, fw);
    float *xp = scratch, *tiles = xp + g.xp;
    long *off = (long *)(tiles + fn * g.q), positions = g.oh * g.ow;
    memset(xp, 0, (size_t)g.xp * sizeof(float));
    impl()->place_image(x, c, h, w, pad, fw, g.ow, g.plane, g.copy, pad, xp);
    tap_offsets(c, fh, fw, g.ow, g.plane, g.copy, off);
    if (positions == g.q) {   // whole tiles: straight into the NCHW output
        impl()->wide(fn, g.k, off, packed, bias, xp, g.q, out, g.q, relu);
        return;
    }
    impl()->wide(fn, g.k, off, packed, bias, xp, g.q, tiles, g.q, relu);
    for (long f = 0; f < fn; f++) memcpy(out + f * positions, tiles + f * g.q, (size_t)positions * sizeof(float));
}

void kiso_conv_backward(const float *x, const float *dout, long n, long c, long h, long w, long pad,
                        const float *adjointPacked, long fn, long fh, long fw,
                        float *dw, float *db, float *dx, float *scratch) {
    geometry g = geometry_of(c, h, w, pad, fh, fw);
    stacked_geometry s = stacked_of(c, h, pad, fh, fw, g);
    long imageSize = c * h * w, positions = g.oh * g.ow, outputSize = fn * positions, step = (h + pad) * g.ow;
    float *xp = scratch, *gs = xp + s.xp;
    long *off = (long *)(gs + fn * s.q);
    for (long i0 = 0; i0 < n; i0 += s.images) {
        long images = n - i0 < s.images ? n - i0 : s.images;
        tap_offsets(c, fh, fw, g.ow, s.plane, s.copy, off);   // per chunk: the ∂x pass reuses the scratch
        // The chunk's images stacked in the shifted copies; their upstream gradients at the
        // same positions, zero wherever the position is not an output.
        memset(xp, 0, (size_t)(s.xp + fn * s.q) * sizeof(float));
        for (long b = 0; b < images; b++) {
            impl()->place_image(x + (i0 + b) * imageSize, c, h, w, pad, fw, g.ow, s.plane, s.copy, pad + b * (h + pad), xp);
            const float *d = dout + (i0 + b) * outputSize;
            for (long f = 0; f < fn; f++) {
                const float *src = d + f * positions;
                float *dst = gs + f * s.q + b * step;
                v4u partial = {0, 0, 0, 0};
                long p = 0;
                for (; p + 4 <= positions; p += 4) {
                    v4u v = *(const v4u *)(src + p);
                    *(v4u *)(dst + p) = v;
                    partial += v;
                }
                float sum = (partial[0] + partial[1]) + (partial[2] + partial[3]);
                for (; p < positions; p++) { dst[p] = src[p]; sum += src[p]; }
                db[f] += sum;
            }
        }
        impl()->filter_gradient(fn, g.k, off, gs, s.q, xp, round_up(images * step, TILE), dw);
        // ∂L/∂x: the full correlation of dout with the flipped filters, i.e. a convolution of
        // dout padded by fh − 1 − pad with the adjoint filters, giving c×h×w again.
        if (dx)
            for (long i = i0; i < i0 + images; i++)
                kiso_conv_forward(dout + i * outputSize, fn, g.oh, g.ow, fh - 1 - pad, adjointPacked, 0, c, fh, fw, 0,
                                  dx + i * imageSize, scratch);
    }
}

void kiso_max_pool_2x2(const float *in, long planes, long h, long w, float *out, int *arg) {
    impl()->max_pool_2x2(in, planes, h, w, out, arg);
}

void kiso_max_pool_2x2_backward(const float *dout, const int *arg, long planes, long h, long w, float *dx) {
    impl()->max_pool_2x2_backward(dout, arg, planes, h, w, dx);
}
