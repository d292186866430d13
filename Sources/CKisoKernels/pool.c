// A persistent pool of worker threads for short parallel loops.
//
// Waking a thread through the OS costs tens of microseconds, which is as long as a whole
// mini-batch matrix multiply in the book's networks. So workers, once woken, spin for a while
// (KISO_SPIN_MICROSECONDS, default 1000) watching for the next job, yielding the core now and then,
// before they go to sleep on a condition variable. A job is `chunks` calls of `fn(ctx, chunk)`; the caller takes part, and
// every participant claims chunks one at a time from a shared counter.
//
// The whole state of a job lives in one 64-bit word: generation (24 bits) | chunk count (20) |
// next unclaimed chunk (20). A participant claims a chunk with a compare-and-swap on that word,
// so a claim can only succeed for the job whose function it read (see claim()).

#include "CKisoKernels.h"
#include "internal.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define KISO_POOL_MAX_WORKERS 63
#define CHUNK_BITS 20
#define CHUNK_MASK ((1ULL << CHUNK_BITS) - 1)

static _Atomic uint64_t job_state;              // generation | chunks | next
static _Atomic(kiso_chunk_fn) job_fn;
static _Atomic(void *) job_ctx;
static _Atomic long job_completed;              // chunks finished in the current job
static atomic_flag pool_busy = ATOMIC_FLAG_INIT; // held by the thread running a job
static _Atomic int worker_count;                 // workers started so far
static _Atomic int sleepers;                     // workers waiting on wake_cond
static pthread_mutex_t pool_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cond = PTHREAD_COND_INITIALIZER;
static _Atomic long spin_nanoseconds = -1;

static inline uint64_t state_generation(uint64_t s) { return s >> (2 * CHUNK_BITS); }
static inline long state_chunks(uint64_t s) { return (long)((s >> CHUNK_BITS) & CHUNK_MASK); }
static inline long state_next(uint64_t s) { return (long)(s & CHUNK_MASK); }

static inline void cpu_relax(void) {
#if defined(__x86_64__)
    _mm_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static long now_nanoseconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000000000L + t.tv_nsec;
}

static long spin_budget(void) {
    long budget = atomic_load_explicit(&spin_nanoseconds, memory_order_relaxed);
    if (budget < 0) {
        budget = 1000000;   // 1 ms
        const char *text = getenv("KISO_SPIN_MICROSECONDS");
        if (text) {
            char *end;
            long us = strtol(text, &end, 10);
            if (end != text && us >= 0) budget = us * 1000;
        }
        atomic_store_explicit(&spin_nanoseconds, budget, memory_order_relaxed);
    }
    return budget;
}

/// Claims and runs chunks of the job whose state word had generation `generation`, until that
/// job has none left. A claim succeeds only while the state word still holds that generation
/// with chunks unclaimed; the caller only publishes a new function after every chunk of the
/// current job has finished, so the function read before a successful claim is that job's.
static void run_chunks(uint64_t generation) {
    for (;;) {
        uint64_t s = atomic_load(&job_state);
        if (state_generation(s) != generation || state_next(s) >= state_chunks(s)) return;
        kiso_chunk_fn fn = atomic_load(&job_fn);
        void *ctx = atomic_load(&job_ctx);
        if (!atomic_compare_exchange_weak(&job_state, &s, s + 1)) continue;
        fn(ctx, state_next(s));
        atomic_fetch_add(&job_completed, 1);
    }
}

static void *worker_main(void *unused) {
    (void)unused;
    kiso_ftz_enter();   // for the life of the thread
    uint64_t seen = state_generation(atomic_load(&job_state));
    for (;;) {
        // Spin for the next job, then sleep until one is published.
        long deadline = now_nanoseconds() + spin_budget();
        uint64_t generation = seen;
        for (unsigned spins = 0;; spins++) {
            generation = state_generation(atomic_load(&job_state));
            if (generation != seen) break;
            cpu_relax();
            // Yield now and then: on a busy machine a spinning worker otherwise takes the
            // core from threads with real work (on an idle one sched_yield returns at once).
            if ((spins & 63) == 63) sched_yield();
            if ((spins & 255) == 255 && now_nanoseconds() > deadline) {
                pthread_mutex_lock(&pool_mutex);
                atomic_fetch_add(&sleepers, 1);
                while ((generation = state_generation(atomic_load(&job_state))) == seen)
                    pthread_cond_wait(&wake_cond, &pool_mutex);
                atomic_fetch_sub(&sleepers, 1);
                pthread_mutex_unlock(&pool_mutex);
                break;
            }
        }
        seen = generation;
        run_chunks(generation);
    }
    return NULL;
}

/// Starts workers until `wanted` exist (under the pool lock held by the caller via pool_busy).
static void ensure_workers(int wanted) {
    if (wanted > KISO_POOL_MAX_WORKERS) wanted = KISO_POOL_MAX_WORKERS;
    while (atomic_load(&worker_count) < wanted) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&thread, &attributes, worker_main, NULL);
        pthread_attr_destroy(&attributes);
        if (failed) break;   // run with the workers we have; the caller still does every chunk
        atomic_fetch_add(&worker_count, 1);
    }
}

static void run_inline(long chunks, kiso_chunk_fn fn, void *ctx) {
    unsigned long fp = kiso_ftz_enter();
    for (long c = 0; c < chunks; c++) fn(ctx, c);
    kiso_ftz_restore(fp);
}

void kiso_parallel_run(long chunks, int threads, kiso_chunk_fn fn, void *ctx) {
    if (chunks <= 0) return;
    if (threads <= 1 || chunks == 1 || chunks > (long)CHUNK_MASK || atomic_flag_test_and_set(&pool_busy)) {
        // One thread asked for, one chunk, or the pool is busy (a nested call from inside a
        // chunk, or another thread's job): run here, in order.
        run_inline(chunks, fn, ctx);
        return;
    }
    ensure_workers(threads - 1);

    atomic_store(&job_fn, fn);
    atomic_store(&job_ctx, ctx);
    atomic_store(&job_completed, 0);
    uint64_t generation = (state_generation(atomic_load(&job_state)) + 1) & ((1ULL << 24) - 1);
    atomic_store(&job_state, (generation << (2 * CHUNK_BITS)) | ((uint64_t)chunks << CHUNK_BITS));
    if (atomic_load(&sleepers) > 0) {
        pthread_mutex_lock(&pool_mutex);
        pthread_cond_broadcast(&wake_cond);
        pthread_mutex_unlock(&pool_mutex);
    }

    unsigned long fp = kiso_ftz_enter();
    run_chunks(generation);
    kiso_ftz_restore(fp);
    // Wait for chunks still running on workers; if that takes long, a worker has probably been
    // preempted (a busy machine), so give it this core.
    for (unsigned spins = 0; atomic_load(&job_completed) < chunks; spins++) {
        if (spins < 4096) cpu_relax(); else sched_yield();
    }
    atomic_flag_clear(&pool_busy);
}

void kiso_spin_pause(unsigned spins) {
    if (spins < 4096) cpu_relax(); else sched_yield();
}

int kiso_pool_worker_count(void) {
    return atomic_load(&worker_count);
}
