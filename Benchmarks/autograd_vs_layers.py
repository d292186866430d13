#!/usr/bin/env python3
"""`kiso train --model two-layer` with and without --autograd, side by side.

Runs the release `kiso` in alternating pairs (hand-written layers, then autograd) and prints
each run's wall seconds (the JSON summary's "seconds": data loading, training and the
per-epoch evaluations), its CPU seconds, the test accuracy, and the autograd/layers ratio.

    swift build -c release --product kiso
    python3 Benchmarks/autograd_vs_layers.py --data ../shared/data/fashion-mnist --pairs 4
"""
import argparse
import json
import resource
import subprocess
import sys


def run(kiso, data, extra):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([kiso, "train", "--model", "two-layer", "--data", data, "--quiet", "--json"] + extra,
                         check=True, capture_output=True, text=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = json.loads(out.strip().splitlines()[-1])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return summary["seconds"], cpu, summary["test_accuracy"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kiso", default=".build/release/kiso")
    parser.add_argument("--data", default="../shared/data/fashion-mnist")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("extra", nargs="*", help="more `kiso train` flags, after --")
    args = parser.parse_args()
    print("| pair | layers: s (CPU s), test acc | autograd: s (CPU s), test acc | ratio wall (CPU) |")
    print("|---|---|---|---|")
    for i in range(1, args.pairs + 1):
        a = run(args.kiso, args.data, args.extra)
        b = run(args.kiso, args.data, args.extra + ["--autograd"])
        print(f"| {i} | {a[0]:.2f} ({a[1]:.2f}), {a[2]:.4f} | {b[0]:.2f} ({b[1]:.2f}), {b[2]:.4f} | "
              f"{b[0] / a[0]:.2f} ({b[1] / a[1]:.2f}) |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
