#!/usr/bin/env python3
"""Kiso's kernels against NumPy float32, side by side in one run.

Runs `kiso bench kernels --json` (built with `swift build -c release` unless --kiso names a
binary), then times the same sgemm shapes and element-wise loops in NumPy with 1 and 2 BLAS
threads (threadpoolctl), and prints GFLOPS / GB/s with the ratio Kiso/NumPy per row.
With --rounds R, each shape is measured R times alternately (Kiso, then NumPy, then Kiso …)
and the best of each side is kept, so that both meet the same moments of a shared machine.
With --interleave S, the sgemm rows alternate one sample (>= 20 ms of calls) at a time instead:
S samples of each side, Kiso answering from one `kiso bench kernels --samples-from-stdin`
process, in the order Kiso, NumPy, NumPy, Kiso, Kiso, NumPy, … so that neither side always goes
first. A shared machine's slow swings (seconds long) then reach both sides alike; the table gives
each side's best sample and, per row, the median of the S paired ratios.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 Benchmarks/kernels_vs_numpy.py

(Unset those two variables for this command alone: this machine's environment may set them
for older OpenBLAS builds, and they slow NumPy's own, current OpenBLAS.)
To compare one instruction set on both sides, force Kiso's path and OpenBLAS's kernels together:

    python3 Benchmarks/kernels_vs_numpy.py --path avx2 --openblas-coretype Haswell
    python3 Benchmarks/kernels_vs_numpy.py --path avx512 --openblas-coretype SkylakeX

Needs: numpy, threadpoolctl (pip install threadpoolctl).
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent


def best_time(fn, repeats, clock=time.perf_counter):
    """Seconds per call: one warm-up, then the best of `repeats` samples of >= 20 ms each."""
    fn()
    t0 = clock()
    fn()
    once = clock() - t0
    calls = max(1, int(0.02 / max(once, 1e-9)))
    best = float("inf")
    for _ in range(repeats):
        start = clock()
        for _ in range(calls):
            fn()
        best = min(best, (clock() - start) / calls)
    return best


def clock_for(threads, cpu_clock):
    """The calling thread's CPU time for single-threaded rows under --cpu-clock, else the wall clock."""
    return time.thread_time if cpu_clock and threads == 1 else time.perf_counter


def numpy_gemm(m, k, n, threads, repeats, cpu_clock):
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (m, k)).astype(np.float32)
    b = rng.uniform(-1, 1, (k, n)).astype(np.float32)
    c = np.empty((m, n), np.float32)
    with threadpool_limits(limits=threads, user_api="blas"):
        seconds = best_time(lambda: np.matmul(a, b, out=c), repeats, clock_for(threads, cpu_clock))
    return 2.0 * m * k * n / seconds / 1e9


class NumpySampler:
    """One NumPy sgemm shape at a given thread count, timed one sample (>= 20 ms of calls) at a time."""

    def __init__(self, m, k, n, threads, cpu_clock):
        rng = np.random.default_rng(0)
        self.a = rng.uniform(-1, 1, (m, k)).astype(np.float32)
        self.b = rng.uniform(-1, 1, (k, n)).astype(np.float32)
        self.c = np.empty((m, n), np.float32)
        self.threads, self.clock = threads, clock_for(threads, cpu_clock)
        with threadpool_limits(limits=threads, user_api="blas"):
            self.product()
            t0 = self.clock()
            self.product()
            self.calls = max(1, int(0.02 / max(self.clock() - t0, 1e-9)))

    def product(self):
        np.matmul(self.a, self.b, out=self.c)

    def sample(self):
        """Seconds per call over one sample."""
        with threadpool_limits(limits=self.threads, user_api="blas"):
            start = self.clock()
            for _ in range(self.calls):
                self.product()
            return (self.clock() - start) / self.calls


class KisoSampler:
    """A `kiso bench kernels --samples-from-stdin` process: one timed sgemm sample per request."""

    def __init__(self, binary, cpu_clock, path=None):
        cmd = [binary, "bench", "kernels", "--samples-from-stdin"] + (["--cpu-clock"] if cpu_clock else [])
        if path:
            cmd += ["--path", path]
        self.process = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def sample(self, m, k, n, threads):
        """Seconds per call over one sample (the first request of a shape and thread count warms up first)."""
        self.process.stdin.write(f"{m}x{k}x{n} {threads}\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"kiso exited (status {self.process.wait()}) before answering {m}x{k}x{n} on {threads} threads")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"kiso: {answer['error']}")
        return answer["seconds"]

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def interleaved_gemm(kiso, m, k, n, threads, samples, cpu_clock, gap):
    """GFLOPS of each side's best sample and the median Kiso/NumPy ratio of the paired samples,
    over `samples` pairs taken in the order K N, N K, K N, …"""
    numpy_side = NumpySampler(m, k, n, threads, cpu_clock)
    kiso.sample(m, k, n, threads)   # Kiso's warm-up (and its calls per sample)
    sides = [lambda: kiso.sample(m, k, n, threads), numpy_side.sample]
    pairs = []
    for i in range(samples):
        times = [0.0, 0.0]
        for side in ((0, 1) if i % 2 == 0 else (1, 0)):
            times[side] = sides[side]()
            time.sleep(gap)   # the idle threads of the side that ran stop spinning first
        pairs.append(tuple(times))
    flops = 2.0 * m * k * n
    ratios = sorted(ref / mine for mine, ref in pairs)
    middle = len(ratios) // 2
    median = ratios[middle] if len(ratios) % 2 else (ratios[middle - 1] + ratios[middle]) / 2
    return flops / min(p[0] for p in pairs) / 1e9, flops / min(p[1] for p in pairs) / 1e9, median


def numpy_elementwise(count, repeats, cpu_clock):
    rng = np.random.default_rng(1)
    x, y, z = (rng.uniform(-1, 1, count).astype(np.float32) for _ in range(3))
    out = np.empty(count, np.float32)

    def fma():
        np.multiply(x, y, out=out)
        np.add(out, z, out=out)

    bytes2, bytes4 = 2 * 4 * count, 4 * 4 * count
    clock = clock_for(1, cpu_clock)
    return {
        "exp": bytes2 / best_time(lambda: np.exp(x, out=out), repeats, clock) / 1e9,
        "relu": bytes2 / best_time(lambda: np.maximum(x, 0, out=out), repeats, clock) / 1e9,
        "a*b+c": bytes4 / best_time(fma, repeats, clock) / 1e9,
    }


def run_kiso(binary, repeats, cpu_clock, shapes=None, path=None):
    cmd = [binary, "bench", "kernels", "--json", "--repeats", str(repeats)] + (["--cpu-clock"] if cpu_clock else [])
    if path:
        cmd += ["--path", path]
    if shapes:
        cmd += ["--shapes", shapes]
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def cpu_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kiso", help="path of a built kiso binary (default: build and use .build/release/kiso)")
    parser.add_argument("--repeats", type=int, default=7, help="timed samples per measurement (best is kept)")
    parser.add_argument("--shapes", help="only these sgemm shapes, e.g. '57600x25x30,100x784x50' (passed to kiso)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure each shape this many times, alternating Kiso and NumPy, and keep each side's best")
    parser.add_argument("--interleave", type=int, default=0, metavar="SAMPLES",
                        help="time the sgemm rows by this many samples per side, alternating with NumPy one sample at a time "
                             "(overrides --rounds for those rows)")
    parser.add_argument("--gap", type=float, default=0.2,
                        help="seconds to pause after each interleaved sample, so that the threads of the side that ran "
                             "stop spinning before the other side runs (OpenBLAS's spin for 2^28 TSC ticks, about 0.1 s)")
    parser.add_argument("--cpu-clock", action="store_true",
                        help="time 1-thread rows (both sides) by the calling thread's CPU time: steadier on a busy machine")
    parser.add_argument("--path", help="force Kiso's instruction-set path (portable, avx2, avx512, neon)")
    parser.add_argument("--openblas-coretype",
                        help="force NumPy's OpenBLAS kernels (OPENBLAS_CORETYPE, e.g. Haswell or SkylakeX)")
    args = parser.parse_args()

    if args.openblas_coretype:
        os.environ["OPENBLAS_CORETYPE"] = args.openblas_coretype   # read when NumPy loads OpenBLAS, below
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if var in os.environ and not (var == "OPENBLAS_CORETYPE" and args.openblas_coretype):
            print(f"warning: {var}={os.environ[var]} is set; NumPy's OpenBLAS may run slower kernels", file=sys.stderr)
    global np, threadpool_limits
    import numpy as np
    from threadpoolctl import threadpool_info, threadpool_limits

    blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    arch = ", ".join(f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture')})" for i in blas)
    print(f"CPU: {cpu_name()}, {os.cpu_count()} logical CPUs; load average {os.getloadavg()[0]:.2f}")
    print(f"NumPy {np.__version__}, BLAS: {arch}")

    if not args.kiso:
        subprocess.run(["swift", "build", "-c", "release", "--product", "kiso"], cwd=ROOT, check=True)
        args.kiso = str(ROOT / ".build/release/kiso")
    kiso = run_kiso(args.kiso, args.repeats, args.cpu_clock, args.shapes, args.path)
    print(f"Kiso dispatch path: {kiso['path']} (supported: {', '.join(kiso['supportedPaths'])})")
    print()
    clock = "1-thread rows by thread CPU time, 2-thread rows by wall clock" if args.cpu_clock else "wall clock"
    if args.interleave > 0:
        print(f"sgemm float32, GFLOPS (best of {args.interleave} samples per side, interleaved sample by sample; {clock})")
        print(f"| {'(M, K, N)':>20} | threads | {'Kiso':>7} | {'NumPy':>7} | Kiso/NumPy | median of pairs |")
        print(f"|{'-' * 22}|---------|---------|---------|------------|-----------------|")
        sampler = KisoSampler(args.kiso, args.cpu_clock, args.path)
        try:
            for row in kiso["sgemm"]:
                mine, ref, median = interleaved_gemm(sampler, row["m"], row["k"], row["n"], row["threads"],
                                                     args.interleave, args.cpu_clock, args.gap)
                shape = f"({row['m']}, {row['k']}, {row['n']})"
                print(f"| {shape:>20} | {row['threads']:>7} | {mine:7.1f} | {ref:7.1f} | {mine / ref:10.2f} | {median:15.2f} |",
                      flush=True)
        finally:
            sampler.close()
    else:
        print_rounds(args, kiso, clock)
    print()
    print("element-wise float32, 2^20 elements, GB/s (NumPy single-threaded)")
    print("| op     | threads |    Kiso |   NumPy | Kiso/NumPy |")
    print("|--------|---------|---------|---------|------------|")
    ref = numpy_elementwise(1 << 20, args.repeats, args.cpu_clock)
    for row in kiso["elementwise"]:
        r = ref[row["op"]]
        print(f"| {row['op']:<6} | {row['threads']:>7} | {row['gbps']:7.1f} | {r:7.1f} | {row['gbps'] / r:10.2f} |")
    print(f"\nKiso parallelFor over {kiso['maxThreads']} threads: {kiso['parallelForMicroseconds']:.1f} µs beyond the work")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def print_rounds(args, kiso, clock):
    """The sgemm table from the first Kiso run and args.rounds - 1 more, alternating with NumPy."""
    rounds = f", best of {args.rounds} alternating rounds" if args.rounds > 1 else ""
    print("sgemm float32, GFLOPS (best of %d%s; %s)" % (args.repeats, rounds, clock))
    print(f"| {'(M, K, N)':>20} | threads | {'Kiso':>7} | {'NumPy':>7} | Kiso/NumPy |")
    print(f"|{'-' * 22}|---------|---------|---------|------------|")
    for row in kiso["sgemm"]:
        ref = numpy_gemm(row["m"], row["k"], row["n"], row["threads"], args.repeats, args.cpu_clock)
        mine = row["gflops"]
        for _ in range(args.rounds - 1):
            again = run_kiso(args.kiso, args.repeats, args.cpu_clock, f"{row['m']}x{row['k']}x{row['n']}", args.path)
            mine = max([mine] + [r["gflops"] for r in again["sgemm"] if r["threads"] == row["threads"]])
            ref = max(ref, numpy_gemm(row["m"], row["k"], row["n"], row["threads"], args.repeats, args.cpu_clock))
        shape = f"({row['m']}, {row['k']}, {row['n']})"
        print(f"| {shape:>20} | {row['threads']:>7} | {mine:7.1f} | {ref:7.1f} | {mine / ref:10.2f} |")


if __name__ == "__main__":
    main()
