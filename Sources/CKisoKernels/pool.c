// A persistent pool of worker threads for short parallel loops.
//
// Waking a thread through the OS costs tens of microseconds, which is as long as a whole
// mini-batch matrix multiply in the book's networks. So workers, once woken, spin for a while
// (KISO_SPIN_MICROSECONDS, default 1000) watching for the next job, yielding the core now and then,
// before they go to sleep on a condition variable. A job is `chunks` calls of `fn(ctx, chunk)`; the caller takes part, and
// every participant claims chunks one at a time from a shared counter.
//
// The whole state of a job lives in one 64-bit word: generation (16 bits) | participants (8) |
// chunk count (20) | next unclaimed chunk (20). A worker joins a job with a compare-and-swap on
// that word that counts it in, while fewer than the job's `threads` have joined, and is given
// the count before it as its participant index (the caller is 0). A participant claims a chunk
// with a compare-and-swap too, so a claim can only succeed for the job whose function it read
// (see run_chunks()).

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
#define PARTICIPANT_BITS 8
#define PARTICIPANT_MASK ((1ULL << PARTICIPANT_BITS) - 1)
#define GENERATION_SHIFT (2 * CHUNK_BITS + PARTICIPANT_BITS)
#define GENERATION_MASK ((1ULL << (64 - GENERATION_SHIFT)) - 1)

static _Atomic uint64_t job_state;              // generation | participants | chunks | next
static _Atomic(kiso_chunk_fn) job_fn;
static _Atomic(void *) job_ctx;
static _Atomic int job_threads;                 // the most participants the current job takes
static _Thread_local int participant_index;     // this thread's index in the job it runs chunks of
static _Atomic long job_completed;              // chunks finished in the current job
static atomic_flag pool_busy = ATOMIC_FLAG_INIT; // held by the thread running a job
static _Atomic int worker_count;                 // workers started so far
static _Atomic int sleepers;                     // workers waiting on wake_cond
static pthread_mutex_t pool_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cond = PTHREAD_COND_INITIALIZER;
static _Atomic long spin_nanoseconds = -1;

static inline uint64_t state_generation(uint64_t s) { return s >> GENERATION_SHIFT; }
static inline int state_participants(uint64_t s) { return (int)((s >> (2 * CHUNK_BITS)) & PARTICIPANT_MASK); }
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

/// Counts this worker in as a participant of the job of `generation` and sets its participant
/// index; false when that job already has its `threads` participants, has no chunk left to
/// claim, or is over. (A 16-bit generation wraps after 65536 jobs: a worker that missed exactly
/// that many sits out one job, which its other participants finish.)
static int join(uint64_t generation) {
    for (;;) {
        uint64_t s = atomic_load(&job_state);
        if (state_generation(s) != generation || state_next(s) >= state_chunks(s)) return 0;
        int joined = state_participants(s);
        if (joined >= atomic_load(&job_threads)) return 0;
        if (atomic_compare_exchange_weak(&job_state, &s, s + (1ULL << (2 * CHUNK_BITS)))) {
            participant_index = joined;
            return 1;
        }
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
        if (join(generation)) run_chunks(generation);
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
    int outer = participant_index;   // a nested job's only participant is 0, whatever the outer one's index
    participant_index = 0;
    for (long c = 0; c < chunks; c++) fn(ctx, c);
    participant_index = outer;
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

    if (threads > (int)PARTICIPANT_MASK) threads = (int)PARTICIPANT_MASK;
    atomic_store(&job_fn, fn);
    atomic_store(&job_ctx, ctx);
    atomic_store(&job_threads, threads);
    atomic_store(&job_completed, 0);
    uint64_t generation = (state_generation(atomic_load(&job_state)) + 1) & GENERATION_MASK;
    atomic_store(&job_state, (generation << GENERATION_SHIFT) | (1ULL << (2 * CHUNK_BITS))   // the caller: participant 0
                             | ((uint64_t)chunks << CHUNK_BITS));
    if (atomic_load(&sleepers) > 0) {
        pthread_mutex_lock(&pool_mutex);
        pthread_cond_broadcast(&wake_cond);
        pthread_mutex_unlock(&pool_mutex);
    }

    unsigned long fp = kiso_ftz_enter();
    participant_index = 0;
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

int kiso_pool_participant(void) {
    return participant_index;
}
