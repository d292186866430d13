#!/usr/bin/env python3
"""The α–β model of a ring allreduce of Kiso's gradients (docs/DISTRIBUTED.md).

A ring allreduce of n bytes over p nodes takes 2(p−1) messages per node, each of n/p bytes:
    T(p) = 2(p−1)·α·buckets + 2·(p−1)/p · n · 8 / bandwidth
(α: per-message latency; the gradient goes in `buckets` separate allreduces). Against a
compute time t_c per step of 100 images on one node, the predicted parallel efficiency,
without overlap (an upper bound on the cost: Kiso overlaps the first buckets with backward), is
  weak scaling, 100 images per node (global batch 100·p):  E = t_c / (t_c + T)
  strong scaling, a global batch of 100 shared by p nodes: E = (t_c / p) / (t_c / p + T)
(compute assumed to split perfectly over the nodes).

Usage: allreduce-model.py T_SIMPLE T_DEEP   (measured seconds per step of batch 100 per node)
"""
import sys

ALPHA = 30e-6            # s per message: MPI over TCP on Ethernet, a typical small-message latency
LINKS = [10, 25, 100]    # Gbit/s
NODES = [2, 4, 8, 16, 32, 64]
# Parameters (float32) of the book's networks: SimpleConvNet (conv 30×1×5×5, affine 4320×100,
# 100×10) and DeepConvNet (six 3×3 convolutions 16-16-32-32-64-64, affine 1024×50, 50×10); and
# how many 1 MiB buckets the averager sends per step.
MODELS = {"SimpleConvNet": (433_890, 3), "DeepConvNet": (123_552, 1)}


def allreduce_seconds(n_bytes, p, gbits, buckets):
    return 2 * (p - 1) * ALPHA * buckets + 2 * (p - 1) / p * n_bytes * 8 / (gbits * 1e9)


def main():
    step = dict(zip(MODELS, map(float, sys.argv[1:3])))
    for model, (floats, buckets) in MODELS.items():
        n = 4 * floats
        t_c = step[model]
        print(f"\n{model}: {floats:,} parameters = {n / 1e6:.2f} MB per allreduce in {buckets} "
              f"bucket{'s' if buckets > 1 else ''}; compute {t_c * 1e3:.0f} ms per step of 100 images\n")
        print("| nodes | " + " | ".join(f"{g} Gbit/s: allreduce; E weak, strong" for g in LINKS) + " |")
        print("|---:|" + "---:|" * len(LINKS))
        for p in NODES:
            cells = []
            for g in LINKS:
                t = allreduce_seconds(n, p, g, buckets)
                cells.append(f"{t * 1e3:.2f} ms; {t_c / (t_c + t):.2f}, {(t_c / p) / (t_c / p + t):.2f}")
            print(f"| {p} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
