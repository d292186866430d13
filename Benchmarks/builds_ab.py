#!/usr/bin/env python3
"""Two or more Kiso builds against each other, alternating, on one machine.

On a shared machine a build's speed swings by 10-20 % from minute to minute, so two builds
timed one after the other compare the minutes, not the builds. This script alternates them
closely and reports ratios to the first build:

  sgemm    one timed sgemm sample per build in turn (each build answering from its own
           `kiso bench kernels --samples-from-stdin` process), the order reversed every other
           round; prints each build's best and median GFLOPS and the paired ratios' median and
           geometric mean with its standard error.
  convnet  whole `kiso bench convnet` processes, one per build in turn (order reversed every
           other round); prints each run's epoch and process seconds, test accuracy and peak
           RSS, and each build's best process time as a ratio to the first build's.

Examples:
  python3 Benchmarks/builds_ab.py sgemm --shape 100x4320x100 --threads 2 --pairs 60 OLD/kiso NEW/kiso
  python3 Benchmarks/builds_ab.py sgemm --shape 1000x1000x100 --threads 1 --cpu-clock --pairs 80 OLD/kiso NEW/kiso
  python3 Benchmarks/builds_ab.py convnet --model deep-convnet --rounds 6 OLD/kiso NEW/kiso
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Sampler:
    """A `kiso bench kernels --samples-from-stdin` process: one GFLOPS sample per request."""

    def __init__(self, binary, cpu_clock):
        command = [binary, "bench", "kernels", "--samples-from-stdin"] + (["--cpu-clock"] if cpu_clock else [])
        self.binary = binary
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def sample(self, shape, threads):
        self.process.stdin.write(f"{shape} {threads}\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            sys.exit(f"builds_ab: {self.binary} exited (status {self.process.wait()}) before answering {shape}")
        answer = json.loads(line)
        if "error" in answer:
            sys.exit(f"builds_ab: {self.binary}: {answer['error']}")
        return answer["gflops"]

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def run_sgemm(args):
    samplers = [Sampler(b, args.cpu_clock) for b in args.builds]
    for s in samplers:
        s.sample(args.shape, args.threads)   # warm-up, and each build's calls per sample
    results = [[] for _ in samplers]
    for round_index in range(args.pairs):
        order = list(range(len(samplers)))
        if round_index % 2:
            order.reverse()
        for j in order:
            results[j].append(samplers[j].sample(args.shape, args.threads))
            time.sleep(args.gap)
    for s in samplers:
        s.close()
    clock = "CPU clock" if args.cpu_clock else "wall clock"
    print(f"sgemm {args.shape} on {args.threads} thread(s), {args.pairs} rounds, {clock}; ratios to {args.builds[0]}")
    for j, build in enumerate(args.builds):
        logs = [math.log(results[j][i] / results[0][i]) for i in range(args.pairs)]
        mean = statistics.mean(logs)
        error = statistics.stdev(logs) / math.sqrt(args.pairs) if args.pairs > 1 else 0.0
        ratios = sorted(math.exp(x) for x in logs)
        print(f"{build}: best {max(results[j]):.1f} GFLOPS, median {statistics.median(results[j]):.1f}; "
              f"paired ratio median {ratios[len(ratios) // 2]:.3f}, geometric mean {math.exp(mean):.3f} ± {error * 100:.1f} %")


def run_convnet(args):
    data = args.data or os.path.join(ROOT, "..", "shared", "data", "fashion-mnist")
    times = {b: [] for b in args.builds}
    for round_index in range(args.rounds):
        order = args.builds if round_index % 2 == 0 else args.builds[::-1]
        for build in order:
            command = [build, "bench", "convnet", "--model", args.model, "--epochs", "1", "--data", data,
                       "--seed", str(args.seed), "--json", "--no-half"]
            start = time.perf_counter()
            finished = subprocess.run(command, capture_output=True, text=True)
            wall = time.perf_counter() - start
            if finished.returncode != 0:
                sys.exit(f"builds_ab: {build} failed (status {finished.returncode}): {finished.stderr.strip()}")
            report = json.loads(finished.stdout.strip().splitlines()[-1])
            times[build].append(wall)
            print(f"{build}: epoch {min(report['seconds_per_epoch']):.3f} s, process {wall:.3f} s, "
                  f"accuracy {report['test_accuracy']:.4f}, peak RSS {report['peak_rss_mb']:.1f} MB", flush=True)
    first = min(times[args.builds[0]])
    for build in args.builds:
        print(f"{build}: best process {min(times[build]):.3f} s, {min(times[build]) / first:.3f}× the first build's")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    sgemm = commands.add_parser("sgemm", help="interleaved sgemm samples")
    sgemm.add_argument("--shape", required=True, help="MxKxN, e.g. 100x4320x100")
    sgemm.add_argument("--threads", type=int, default=2)
    sgemm.add_argument("--pairs", type=int, default=60, help="rounds of one sample per build")
    sgemm.add_argument("--cpu-clock", action="store_true", help="time one thread's CPU time (with --threads 1)")
    sgemm.add_argument("--gap", type=float, default=0.05, help="seconds to pause after each sample")
    convnet = commands.add_parser("convnet", help="alternating whole training processes")
    convnet.add_argument("--model", default="simple-convnet", choices=["simple-convnet", "deep-convnet"])
    convnet.add_argument("--rounds", type=int, default=6)
    convnet.add_argument("--seed", type=int, default=1)
    convnet.add_argument("--data", help="Fashion-MNIST IDX folder (default: ../shared/data/fashion-mnist)")
    for sub in (sgemm, convnet):
        sub.add_argument("builds", nargs="+", help="kiso binaries; ratios are to the first")
    args = parser.parse_args()
    if len(args.builds) < 2:
        parser.error("name at least two builds")
    for build in args.builds:
        if not os.access(build, os.X_OK):
            parser.error(f"{build} is not an executable file")
    if args.command == "sgemm":
        if args.pairs < 1:
            parser.error("--pairs must be at least 1")
        run_sgemm(args)
    else:
        if args.rounds < 1:
            parser.error("--rounds must be at least 1")
        run_convnet(args)


if __name__ == "__main__":
    main()
