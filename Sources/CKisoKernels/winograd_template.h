// The kernels of the Winograd F(2×2, 3×3) convolution (see winograd.c), written once with
// Clang/GCC vector extensions over channels and instantiated per instruction set next to the
// direct kernels (conv_<path>.c define KISO_CONV_SUFFIX and KISO_CONV_VL first).
//
// With the 4×4 input patch d of a tile, the 3×3 filter g and the 2×2 output y:
//   V = Bᵀ d B,   U = G g Gᵀ,   y = Aᵀ (U ⊙ V) A,
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  Aᵀ = [1 1 1 0; 0 1 −1 −1].
// Everything here is channels-last: a pixel, a tile's value at one of the 16 positions ξ = 4·s + m
// of the 4×4 tile, or a product is a row of `cp` (or `fp`) channels, a whole number of vectors,
// so every transform step is one vector operation on VL channels.
#include <stddef.h>

#define KW_CAT2(a, b) a##_##b
#define KW_CAT(a, b) KW_CAT2(a, b)
#define KW_NAME(base) KW_CAT(base, KISO_CONV_SUFFIX)
#if KISO_CONV_VL == 16
#define KW_NV 1                               // vectors per row of a multiply tile (16 columns)
#else
#define KW_NV 2                               // vectors per row of a multiply tile
#endif
#define KW_NR (KW_NV * KISO_CONV_VL)          // columns per multiply tile
#define KW_MR 6                               // rows per multiply tile: 12 accumulators

typedef float KW_NAME(wv) __attribute__((vector_size(KISO_CONV_VL * 4)));
typedef float KW_NAME(wvu) __attribute__((vector_size(KISO_CONV_VL * 4), aligned(4)));
#define WV KW_NAME(wv)
#define WVU KW_NAME(wvu)
#define LOAD(p) (*(const WVU *)(p))
#define STORE(p, v) (*(WVU *)(p) = (v))

/// x in every lane (a broadcast; `(WV){0} + x` would cost an add, since 0 + x is not x for x = −0).
static inline WV KW_NAME(winograd_splat)(float x) {
    WV v;
    for (int i = 0; i < KISO_CONV_VL; i++) v[i] = x;
    return v;
}

/// V of every tile of one zero-padded channels-last image xh ((2th + 2) × (2tw + 2) pixels of cp
/// floats; tile (ty, tx) reads pixels 2ty … 2ty + 3 down and 2tx … 2tx + 3 across): the tile's
/// value at position ξ goes to v[ξ·vstride + (ty·tw + tx)·cp …].
static void KW_NAME(winograd_input_transform)(const float *xh, long cp, long th, long tw, float *v, long vstride) {
    long wp = 2 * tw + 2;
    for (long ty = 0; ty < th; ty++)
        for (long tx = 0; tx < tw; tx++) {
            const float *patch = xh + (2 * ty * wp + 2 * tx) * cp;
            float *out = v + (ty * tw + tx) * cp;
            for (long c = 0; c < cp; c += KISO_CONV_VL) {
                WV a[4][4];   // d B: columns of each row r
                for (int r = 0; r < 4; r++) {
                    const float *d = patch + r * wp * cp + c;
                    WV d0 = LOAD(d), d1 = LOAD(d + cp), d2 = LOAD(d + 2 * cp), d3 = LOAD(d + 3 * cp);
                    a[r][0] = d0 - d2;
                    a[r][1] = d1 + d2;
                    a[r][2] = d2 - d1;
                    a[r][3] = d1 - d3;
                }
                for (int m = 0; m < 4; m++) {   // Bᵀ (d B): rows
                    STORE(out + m * vstride + c, a[0][m] - a[2][m]);
                    STORE(out + (4 + m) * vstride + c, a[1][m] + a[2][m]);
                    STORE(out + (8 + m) * vstride + c, a[2][m] - a[1][m]);
                    STORE(out + (12 + m) * vstride + c, a[1][m] - a[3][m]);
                }
            }
        }
}

/// The outputs of every tile of one image from its products M[ξ] = mm[ξ·mstride + (ty·tw + tx)·fp …]:
/// y = Aᵀ M A + bias (bias: fp floats, or NULL for none), or max(that, 0) with relu ≠ 0 (NaN → 0,
/// like the Relu layer), into the channels-last yh of 2th × 2tw pixels of fp floats.
static void KW_NAME(winograd_output_transform)(const float *mm, long mstride, long fp, long th, long tw,
                                               const float *bias, int relu, float *yh) {
    WV zero = {0};
    for (long ty = 0; ty < th; ty++)
        for (long tx = 0; tx < tw; tx++) {
            const float *m = mm + (ty * tw + tx) * fp;
            float *y0 = yh + (2 * ty * 2 * tw + 2 * tx) * fp, *y1 = y0 + 2 * tw * fp;
            for (long f = 0; f < fp; f += KISO_CONV_VL) {
                WV p0[4], p1[4];   // M A: columns of each row s
                for (int s = 0; s < 4; s++) {
                    WV q0 = LOAD(m + 4 * s * mstride + f), q1 = LOAD(m + (4 * s + 1) * mstride + f);
                    WV q2 = LOAD(m + (4 * s + 2) * mstride + f), q3 = LOAD(m + (4 * s + 3) * mstride + f);
                    p0[s] = q0 + q1 + q2;
                    p1[s] = q1 - q2 - q3;
                }
                WV b = bias ? LOAD(bias + f) : zero;
                WV o[4] = {p0[0] + p0[1] + p0[2] + b, p1[0] + p1[1] + p1[2] + b,
                           p0[1] - p0[2] - p0[3] + b, p1[1] - p1[2] - p1[3] + b};
                if (relu)
                    for (int i = 0; i < 4; i++) {
                        __typeof__(o[i] > 0) positive = o[i] > 0;
                        o[i] = (WV)((__typeof__(positive))o[i] & positive);
                    }
                STORE(y0 + f, o[0]);
                STORE(y0 + fp + f, o[1]);
                STORE(y1 + f, o[2]);
                STORE(y1 + fp + f, o[3]);
            }
        }
}

/// The adjoint of the output transform for one image's channels-last upstream gradient dh
/// (2th × 2tw pixels of fp floats, zero beyond the real output): ∂M = A ∂y Aᵀ of every tile
/// into dm[ξ·mstride + (ty·tw + tx)·fp …]; adds the sum of dh's pixels to db (fp floats).
static void KW_NAME(winograd_gradient_transform)(const float *dh, long fp, long th, long tw, float *dm, long mstride,
                                                 float *db) {
    for (long f = 0; f < fp; f += KISO_CONV_VL) {
        WV sum = {0};
        for (long ty = 0; ty < th; ty++)
            for (long tx = 0; tx < tw; tx++) {
                const float *d0 = dh + (2 * ty * 2 * tw + 2 * tx) * fp + f, *d1 = d0 + 2 * tw * fp;
                WV d00 = LOAD(d0), d01 = LOAD(d0 + fp), d10 = LOAD(d1), d11 = LOAD(d1 + fp);
                sum += (d00 + d01) + (d10 + d11);
                // Rows: r_a = (d_a0, d_a0 + d_a1, d_a0 − d_a1, −d_a1); then columns (r0, r0 + r1, r0 − r1, −r1).
                WV r0[4] = {d00, d00 + d01, d00 - d01, -d01}, r1[4] = {d10, d10 + d11, d10 - d11, -d11};
                float *m = dm + (ty * tw + tx) * fp + f;
                for (int c = 0; c < 4; c++) {
                    STORE(m + c * mstride, r0[c]);
                    STORE(m + (4 + c) * mstride, r0[c] + r1[c]);
                    STORE(m + (8 + c) * mstride, r0[c] - r1[c]);
                    STORE(m + (12 + c) * mstride, -r1[c]);
                }
            }
        STORE(db + f, LOAD(db + f) + sum);
    }
}

/// c[r][0..<n] (+)= Σ_{κ<k} a[r·ar + κ·ak] · b[κ·ldb + 0..<n] for r < rows, with n a multiple
/// of KW_NR (16 suffices on every instance); accumulate = 0 overwrites c. Tiles of KW_MR rows ×
/// KW_NR columns in registers; a last partial row tile repeats its last row and stores only its own.
/// A path that defines KW_TILE12 (a 12-row register tile with the contract of kernel_template.h's
/// tile) runs whole groups of 12 rows through it, reading A in place, when ak or ar is 1.
static void KW_NAME(winograd_multiply)(long rows, long k, long n, const float *a, long ar, long ak,
                                       const float *b, long ldb, float *c, long ldc, int accumulate) {
#ifdef KW_TILE12
    // Whole groups of 12 rows through the path's sgemm register tile (12 rows × up to 32
    // columns, 24 accumulators; KW_MR × 16 holds only 6, too few to hide the FMA latency), with A
    // read in place: rows ar apart along contiguous k (mode 1) or contiguous rows (mode 2).
    if (ak == 1 || ar == 1) {
        long fullRows = rows / 12 * 12, lda = ak == 1 ? ar : ak;
        float beta = accumulate ? 1 : 0;
        for (long j0 = 0; j0 < n; j0 += 2 * KISO_CONV_VL) {
            long nr = n - j0 < 2 * KISO_CONV_VL ? n - j0 : 2 * KISO_CONV_VL;
            for (long r0 = 0; r0 < fullRows; r0 += 12) {
                const float *ar0 = a + r0 * ar;
                float *ct = c + r0 * ldc + j0;
                if (ak == 1 && nr > KISO_CONV_VL) KW_TILE12(2, 1, k, ar0, lda, b + j0, ldb, ct, ldc, 1, beta, 12, nr, NULL);
                else if (ak == 1) KW_TILE12(1, 1, k, ar0, lda, b + j0, ldb, ct, ldc, 1, beta, 12, nr, NULL);
                else if (nr > KISO_CONV_VL) KW_TILE12(2, 2, k, ar0, lda, b + j0, ldb, ct, ldc, 1, beta, 12, nr, NULL);
                else KW_TILE12(1, 2, k, ar0, lda, b + j0, ldb, ct, ldc, 1, beta, 12, nr, NULL);
            }
        }
        rows -= fullRows;       // the last few rows, in the tiles below
        a += fullRows * ar;
        c += fullRows * ldc;
    }
#endif
    for (long j0 = 0; j0 < n; j0 += KW_NR)
        for (long r0 = 0; r0 < rows; r0 += KW_MR) {
            long valid = rows - r0 < KW_MR ? rows - r0 : KW_MR;
            const float *ap[KW_MR];
            for (int r = 0; r < KW_MR; r++) ap[r] = a + (r0 + (r < valid ? r : valid - 1)) * ar;
            WV acc[KW_MR][KW_NV];
            for (int r = 0; r < KW_MR; r++)
                for (int q = 0; q < KW_NV; q++) acc[r][q] = (WV){0};
            const float *bp = b + j0;
            for (long kk = 0; kk < k; kk++) {
                WV bv[KW_NV];
                for (int q = 0; q < KW_NV; q++) bv[q] = LOAD(bp + q * KISO_CONV_VL);
                for (int r = 0; r < KW_MR; r++) {
                    WV av = KW_NAME(winograd_splat)(ap[r][kk * ak]);
                    for (int q = 0; q < KW_NV; q++) acc[r][q] += av * bv[q];
                }
                bp += ldb;
            }
            for (long r = 0; r < valid; r++)
                for (int q = 0; q < KW_NV; q++) {
                    float *dst = c + (r0 + r) * ldc + j0 + q * KISO_CONV_VL;
                    STORE(dst, accumulate ? LOAD(dst) + acc[r][q] : acc[r][q]);
                }
        }
}

// MARK: F(4×4, 3×3): 6×6 input patches, 36 positions, 4×4 outputs per tile
//   Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1],
//   Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1]  (G: see winograd.c).

/// Bᵀ d of six values (one row or column of a 6×6 patch).
static inline __attribute__((always_inline)) void KW_NAME(winograd4_b)(const WV d[6], WV t[6]) {
    WV four = KW_NAME(winograd_splat)(4), two = KW_NAME(winograd_splat)(2), five = KW_NAME(winograd_splat)(5);
    WV d4_d2 = d[4] - d[2], d3_d1 = d[3] - d[1];
    t[0] = four * d[0] - five * d[2] + d[4];
    t[1] = (d[4] + d[3]) - four * (d[1] + d[2]);
    t[2] = (d[4] - d[3]) + four * (d[1] - d[2]);
    t[3] = d4_d2 + two * d3_d1;   // d4 − d2 + 2(d3 − d1)
    t[4] = d4_d2 - two * d3_d1;
    t[5] = four * d[1] - five * d[3] + d[5];
}

/// V of every tile of one zero-padded channels-last image xh ((4th + 2) × (4tw + 2) pixels of cp
/// floats; tile (ty, tx) reads pixels 4ty … 4ty + 5 down and 4tx … 4tx + 5 across): the tile's
/// value at position ξ = 6·s + m goes to v[ξ·vstride + (ty·tw + tx)·cp …].
static void KW_NAME(winograd4_input_transform)(const float *xh, long cp, long th, long tw, float *v, long vstride) {
    long wp = 4 * tw + 2;
    for (long ty = 0; ty < th; ty++)
        for (long tx = 0; tx < tw; tx++) {
            const float *patch = xh + (4 * ty * wp + 4 * tx) * cp;
            float *out = v + (ty * tw + tx) * cp;
            for (long c = 0; c < cp; c += KISO_CONV_VL) {
                WV rows[6][6];   // d B: each row r of the patch transformed along its columns
                for (int r = 0; r < 6; r++) {
                    WV d[6];
                    for (int m = 0; m < 6; m++) d[m] = LOAD(patch + (r * wp + m) * cp + c);
                    KW_NAME(winograd4_b)(d, rows[r]);
                }
                for (int m = 0; m < 6; m++) {   // Bᵀ (d B): along the rows
                    WV d[6], t[6];
                    for (int r = 0; r < 6; r++) d[r] = rows[r][m];
                    KW_NAME(winograd4_b)(d, t);
                    for (int s = 0; s < 6; s++) STORE(out + (6 * s + m) * vstride + c, t[s]);
                }
            }
        }
}

/// Aᵀ m of six values.
static inline __attribute__((always_inline)) void KW_NAME(winograd4_a)(const WV m[6], WV y[4]) {
    WV two = KW_NAME(winograd_splat)(2), four = KW_NAME(winograd_splat)(4), eight = KW_NAME(winograd_splat)(8);
    WV p12 = m[1] + m[2], m12 = m[1] - m[2], p34 = m[3] + m[4], m34 = m[3] - m[4];
    y[0] = m[0] + p12 + p34;
    y[1] = m12 + two * m34;
    y[2] = p12 + four * p34;
    y[3] = m12 + eight * m34 + m[5];
}

/// The outputs of every tile of one image from its products M[ξ] = mm[ξ·mstride + (ty·tw + tx)·fp …]:
/// y = Aᵀ M A + bias (bias: fp floats, or NULL), or max(that, 0) with relu ≠ 0 (NaN → 0), into
/// the channels-last yh of 4th × 4tw pixels of fp floats.
static void KW_NAME(winograd4_output_transform)(const float *mm, long mstride, long fp, long th, long tw,
                                                const float *bias, int relu, float *yh) {
    WV zero = {0};
    long wo = 4 * tw;
    for (long ty = 0; ty < th; ty++)
        for (long tx = 0; tx < tw; tx++) {
            const float *m = mm + (ty * tw + tx) * fp;
            float *y = yh + (4 * ty * wo + 4 * tx) * fp;
            for (long f = 0; f < fp; f += KISO_CONV_VL) {
                WV p[6][4];   // M A: each row s along its columns
                for (int s = 0; s < 6; s++) {
                    WV q[6];
                    for (int j = 0; j < 6; j++) q[j] = LOAD(m + (6 * s + j) * mstride + f);
                    KW_NAME(winograd4_a)(q, p[s]);
                }
                WV b = bias ? LOAD(bias + f) : zero;
                for (int col = 0; col < 4; col++) {   // Aᵀ (M A): along the rows
                    WV q[6], o[4];
                    for (int s = 0; s < 6; s++) q[s] = p[s][col];
                    KW_NAME(winograd4_a)(q, o);
                    for (int row = 0; row < 4; row++) {
                        WV value = o[row] + b;
                        if (relu) {
                            __typeof__(value > 0) positive = value > 0;
                            value = (WV)((__typeof__(positive))value & positive);
                        }
                        STORE(y + (row * wo + col) * fp + f, value);
                    }
                }
            }
        }
}

/// A u of four values (the adjoint of Aᵀ).
static inline __attribute__((always_inline)) void KW_NAME(winograd4_at)(const WV u[4], WV r[6]) {
    WV two = KW_NAME(winograd_splat)(2), four = KW_NAME(winograd_splat)(4), eight = KW_NAME(winograd_splat)(8);
    WV even = u[0] + four * u[2], odd = two * u[1] + eight * u[3];
    r[0] = u[0];
    r[1] = (u[0] + u[2]) + (u[1] + u[3]);
    r[2] = (u[0] + u[2]) - (u[1] + u[3]);
    r[3] = even + odd;
    r[4] = even - odd;
    r[5] = u[3];
}

/// The adjoint of winograd4_output_transform for one image's channels-last upstream gradient dh
/// (4th × 4tw pixels of fp floats, zero beyond the real output): ∂M = A ∂y Aᵀ of every tile into
/// dm[ξ·mstride + (ty·tw + tx)·fp …]; adds the sum of dh's pixels to db (fp floats).
static void KW_NAME(winograd4_gradient_transform)(const float *dh, long fp, long th, long tw, float *dm, long mstride,
                                                  float *db) {
    long wo = 4 * tw;
    for (long f = 0; f < fp; f += KISO_CONV_VL) {
        WV sum = {0};
        for (long ty = 0; ty < th; ty++)
            for (long tx = 0; tx < tw; tx++) {
                const float *d = dh + (4 * ty * wo + 4 * tx) * fp + f;
                WV rows[4][6];   // ∂y Aᵀ: each row a along its columns
                for (int a = 0; a < 4; a++) {
                    WV u[4];
                    for (int b = 0; b < 4; b++) u[b] = LOAD(d + (a * wo + b) * fp);
                    sum += (u[0] + u[1]) + (u[2] + u[3]);
                    KW_NAME(winograd4_at)(u, rows[a]);
                }
                float *m = dm + (ty * tw + tx) * fp + f;
                for (int j = 0; j < 6; j++) {   // A (∂y Aᵀ): along the rows
                    WV u[4], r[6];
                    for (int a = 0; a < 4; a++) u[a] = rows[a][j];
                    KW_NAME(winograd4_at)(u, r);
                    for (int s = 0; s < 6; s++) STORE(m + (6 * s + j) * mstride, r[s]);
                }
            }
        STORE(db + f, LOAD(db + f) + sum);
    }
}

#undef LOAD
#undef STORE
#undef WV
#undef WVU
