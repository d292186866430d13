// Runtime CPU dispatch, the L1 cache size, per-thread scratch buffers and flush-to-zero.
#include "CKisoKernels.h"
#include "internal.h"
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#if defined(__APPLE__)
#include <sys/sysctl.h>
#endif
#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

// MARK: - Paths

static const kiso_impl *impl_of(int path) {
    switch (path) {
    case KISO_PATH_PORTABLE: return &kiso_impl_portable;
#if defined(__x86_64__)
    case KISO_PATH_AVX2: return &kiso_impl_avx2;
    case KISO_PATH_AVX512: return &kiso_impl_avx512;
#endif
#if defined(__aarch64__)
    case KISO_PATH_NEON: return &kiso_impl_neon;
#endif
    default: return NULL;
    }
}

int kiso_path_supported(int path) {
    switch (path) {
    case KISO_PATH_PORTABLE: return 1;
#if defined(__x86_64__)
    case KISO_PATH_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case KISO_PATH_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
#if defined(__aarch64__)
    case KISO_PATH_NEON: return 1;   // Advanced SIMD is mandatory on AArch64
#endif
    default: return 0;
    }
}

int kiso_path_best(void) {
    static const int order[] = {KISO_PATH_AVX512, KISO_PATH_AVX2, KISO_PATH_NEON};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (kiso_path_supported(order[i])) return order[i];
    return KISO_PATH_PORTABLE;
}

static int current_path = -1;
static const kiso_impl *current_impl = NULL;

const kiso_impl *kiso_current_impl(void) {
    const kiso_impl *p = __atomic_load_n(&current_impl, __ATOMIC_ACQUIRE);
    if (p) return p;
    int best = kiso_path_best();
    __atomic_store_n(&current_path, best, __ATOMIC_RELEASE);
    __atomic_store_n(&current_impl, impl_of(best), __ATOMIC_RELEASE);
    return impl_of(best);
}

int kiso_path_current(void) {
    kiso_current_impl();
    return __atomic_load_n(&current_path, __ATOMIC_ACQUIRE);
}

int kiso_path_force(int path) {
    if (!kiso_path_supported(path) || !impl_of(path)) return 0;
    __atomic_store_n(&current_path, path, __ATOMIC_RELEASE);
    __atomic_store_n(&current_impl, impl_of(path), __ATOMIC_RELEASE);
    return 1;
}

const char *kiso_path_name(int path) {
    switch (path) {
    case KISO_PATH_PORTABLE: return "portable";
    case KISO_PATH_AVX2: return "avx2";
    case KISO_PATH_AVX512: return "avx512";
    case KISO_PATH_NEON: return "neon";
    default: return "unknown";
    }
}

// MARK: - Kernels

void kiso_sgemm_tile(int *mr, int *nr) {
    const kiso_impl *p = kiso_current_impl();
    *mr = p->mr;
    *nr = p->nr;
}

void kiso_sgemm(int transA, int transB, long m, long n, long k, float alpha,
                const float *a, long lda, const float *b, long ldb,
                float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    unsigned long fp = kiso_ftz_enter();
    if (k <= 0 || alpha == 0) {
        for (long i = 0; i < m; i++)
            for (long j = 0; j < n; j++) c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j];
    } else {
        kiso_current_impl()->sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
    kiso_ftz_restore(fp);
}

void kiso_exp(const float *x, float *y, long count) {
    if (count > 0) kiso_current_impl()->exp(x, y, count);
}

void kiso_sigmoid(const float *x, float *y, long count) {
    if (count > 0) kiso_current_impl()->sigmoid(x, y, count);
}

void kiso_max_scalar(const float *x, float s, float *y, long count) {
    if (count > 0) kiso_current_impl()->max_scalar(x, s, y, count);
}

void kiso_muladd(const float *a, const float *b, const float *c, float *y, long count) {
    if (count > 0) kiso_current_impl()->muladd(a, b, c, y, count);
}

void kiso_add_row(const float *x, const float *row, float *y, long rows, long cols) {
    if (rows > 0 && cols > 0) kiso_current_impl()->add_row(x, row, y, rows, cols);
}

void kiso_transpose(const float *src, long rows, long cols, long lds, float *dst, long ldd) {
    if (rows > 0 && cols > 0) kiso_current_impl()->transpose(src, rows, cols, lds, dst, ldd);
}

// MARK: - Cache sizes

/// One cache level's size in bytes, read once: `sysconf(linuxName)` on Linux, `sysctl(appleName)`
/// on macOS; 0 where unknown.
static long cache_bytes(long *memo, int linuxName, const char *appleName) {
    long known = __atomic_load_n(memo, __ATOMIC_RELAXED);
    if (known >= 0) return known;
    long found = 0;
#if defined(__APPLE__)
    (void)linuxName;
    long long value = 0;
    size_t size = sizeof value;
    if (sysctlbyname(appleName, &value, &size, NULL, 0) == 0 && value > 0) found = (long)value;
#else
    (void)appleName;
    long value = linuxName >= 0 ? sysconf(linuxName) : -1;
    if (value > 0) found = value;
#endif
    __atomic_store_n(memo, found, __ATOMIC_RELAXED);
    return found;
}

#if defined(_SC_LEVEL1_DCACHE_SIZE) && defined(_SC_LEVEL2_CACHE_SIZE)
#define KISO_SC_L1D _SC_LEVEL1_DCACHE_SIZE
#define KISO_SC_L2 _SC_LEVEL2_CACHE_SIZE
#else
#define KISO_SC_L1D (-1)
#define KISO_SC_L2 (-1)
#endif

long kiso_l1d_cache_bytes(void) {
    static long bytes = -1;
    return cache_bytes(&bytes, KISO_SC_L1D, "hw.l1dcachesize");
}

long kiso_l2_cache_bytes(void) {
    static long bytes = -1;
    return cache_bytes(&bytes, KISO_SC_L2, "hw.l2cachesize");
}

// MARK: - Scratch buffers

enum { SCRATCH_SLOTS = 3 };
typedef struct { float *ptr[SCRATCH_SLOTS]; size_t floats[SCRATCH_SLOTS]; } scratch_set;

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *value) {
    scratch_set *s = value;
    for (int slot = 0; slot < SCRATCH_SLOTS; slot++) free(s->ptr[slot]);
    free(s);
}

static void scratch_key_init(void) { pthread_key_create(&scratch_key, scratch_free); }

float *kiso_scratch_or_null(int slot, size_t floats) {
    pthread_once(&scratch_once, scratch_key_init);
    scratch_set *s = pthread_getspecific(scratch_key);
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) return NULL;
        pthread_setspecific(scratch_key, s);
    }
    if (s->floats[slot] < floats) {
        size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
        void *p = NULL;
        if (posix_memalign(&p, 64, bytes) != 0) return NULL;
        free(s->ptr[slot]);
        s->ptr[slot] = p;
        s->floats[slot] = floats;
    }
    return s->ptr[slot];
}

float *kiso_scratch(int slot, size_t floats) {
    float *p = kiso_scratch_or_null(slot, floats);
    if (!p) abort();
    return p;
}

// MARK: - Flush-to-zero

unsigned long kiso_ftz_enter(void) {
#if defined(__x86_64__)
    unsigned int old = _mm_getcsr();
    _mm_setcsr(old | 0x8040);                 // FTZ (bit 15) | DAZ (bit 6)
    return old;
#elif defined(__aarch64__)
    unsigned long old;
    __asm__ __volatile__("mrs %0, fpcr" : "=r"(old));
    __asm__ __volatile__("msr fpcr, %0" : : "r"(old | (1UL << 24)));   // FZ
    return old;
#else
    return 0;
#endif
}

void kiso_ftz_restore(unsigned long state) {
#if defined(__x86_64__)
    _mm_setcsr((unsigned int)state);
#elif defined(__aarch64__)
    __asm__ __volatile__("msr fpcr, %0" : : "r"(state));
#else
    (void)state;
#endif
}

int kiso_ftz_active(void) {
#if defined(__x86_64__)
    return (_mm_getcsr() & 0x8040) == 0x8040;
#elif defined(__aarch64__)
    unsigned long v;
    __asm__ __volatile__("mrs %0, fpcr" : "=r"(v));
    return (v >> 24) & 1;
#else
    return 0;
#endif
}
