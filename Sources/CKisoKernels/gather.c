// Mini-batch gathers: rows picked at random from a data set far larger than the caches.
//
// Each row is a few hundred bytes to a few kilobytes, so copying one row is quick but starting
// it waits for memory. Prefetching the rows a few places ahead keeps several of those waits in
// flight at once (measured on the book's 100-row batches of 784 pixels: the gather was ~16 % of a
// TwoLayerNet iteration, 80 % of it stalled on the first load of each row).

#include "CKisoKernels.h"

#include <string.h>

enum { PREFETCH_DISTANCE = 8, CACHE_LINE = 64 };

static inline void prefetch_row(const void *row, long bytes) {
    const char *p = (const char *)row;
    for (long offset = 0; offset < bytes; offset += CACHE_LINE) __builtin_prefetch(p + offset, 0, 3);
}

void kiso_gather_rows_u8(const unsigned char *src, long row_size, const long *rows, long count,
                         float scale, float *dst) {
    for (long r = 0; r < count && r < PREFETCH_DISTANCE; r++) prefetch_row(src + rows[r] * row_size, row_size);
    for (long r = 0; r < count; r++) {
        if (r + PREFETCH_DISTANCE < count) prefetch_row(src + rows[r + PREFETCH_DISTANCE] * row_size, row_size);
        const unsigned char *in = src + rows[r] * row_size;
        float *out = dst + r * row_size;
        for (long j = 0; j < row_size; j++) out[j] = (float)in[j] * scale;
    }
}

void kiso_gather_rows_f32(const float *src, long row_size, const long *rows, long count, float *dst) {
    long bytes = row_size * (long)sizeof(float);
    for (long r = 0; r < count && r < PREFETCH_DISTANCE; r++) prefetch_row(src + rows[r] * row_size, bytes);
    for (long r = 0; r < count; r++) {
        if (r + PREFETCH_DISTANCE < count) prefetch_row(src + rows[r + PREFETCH_DISTANCE] * row_size, bytes);
        memcpy(dst + r * row_size, src + rows[r] * row_size, (size_t)bytes);
    }
}
