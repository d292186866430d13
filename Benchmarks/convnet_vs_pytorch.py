#!/usr/bin/env python3
"""SimpleConvNet and DeepConvNet: Kiso against PyTorch (CPU, float32, 2 threads), side by side.

Runs `kiso bench convnet --json` and then the same architecture in PyTorch — same layers,
same initialisation (the book's: N(0, 0.01²) for SimpleConvNet, He N(0, 2/fan_in) for
DeepConvNet, zero biases), the book's non-inverted Dropout, Adam lr 0.001 (the book's
eps 1e-7), batch 100 drawn with replacement like the book's Trainer, 600 iterations per
epoch, no extra loss pass, one float32 pass over the test images (Kiso's float16 pass is
skipped) — one after the other in this script, each in its own process (so each peak RSS is
its own), and prints both with the ratios: the epoch's training time and the whole process's
wall time (start-up, data loading, training and the test pass), best of --rounds.

    python3 Benchmarks/convnet_vs_pytorch.py --model simple --epochs 1
    python3 Benchmarks/convnet_vs_pytorch.py --model deep --kiso .build/release/kiso

Needs: numpy, torch (pip install torch==2.13.0+cpu), a release build of kiso
(swift build -c release --product kiso), and Fashion-MNIST IDX files (../shared/data/fashion-mnist).
"""
import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def load_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(folder, stem):
    for name in (stem + ".gz", stem):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            return path
    sys.exit(f"missing {stem}(.gz) in {folder}")


def load_fashion(folder):
    def images(stem):
        return (load_idx(find(folder, stem)).astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)

    def labels(stem):
        return load_idx(find(folder, stem)).astype(np.int64)

    return (images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte"),
            images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte"))


def torch_run(model_name, epochs, data, seed, iterations=None):
    """Trains and evaluates the PyTorch model; returns the same fields as `kiso bench convnet --json`."""
    import torch
    from torch import nn

    torch.set_num_threads(2)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)

    class BookDropout(nn.Module):
        """The book's Dropout: train x·mask (mask = rand > ratio), test x·(1 − ratio)."""

        def __init__(self, ratio):
            super().__init__()
            self.ratio = ratio

        def forward(self, x):
            if self.training:
                return x * (torch.rand_like(x) > self.ratio).to(x.dtype)
            return x * (1.0 - self.ratio)

    def init(module, std):
        nn.init.normal_(module.weight, 0.0, std)
        nn.init.zeros_(module.bias)
        return module

    if model_name == "simple":
        model = nn.Sequential(
            init(nn.Conv2d(1, 30, 5), 0.01), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
            init(nn.Linear(30 * 12 * 12, 100), 0.01), nn.ReLU(), init(nn.Linear(100, 10), 0.01))
    else:
        def conv(c_in, c_out, pad):
            return init(nn.Conv2d(c_in, c_out, 3, padding=pad), (2.0 / (c_in * 9)) ** 0.5)
        model = nn.Sequential(
            conv(1, 16, 1), nn.ReLU(), conv(16, 16, 1), nn.ReLU(), nn.MaxPool2d(2, 2),
            conv(16, 32, 1), nn.ReLU(), conv(32, 32, 2), nn.ReLU(), nn.MaxPool2d(2, 2),
            conv(32, 64, 1), nn.ReLU(), conv(64, 64, 1), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
            init(nn.Linear(64 * 4 * 4, 50), (2.0 / 1024) ** 0.5), nn.ReLU(), BookDropout(0.5),
            init(nn.Linear(50, 10), (2.0 / 50) ** 0.5), BookDropout(0.5))

    x_train, t_train, x_test, t_test = (torch.from_numpy(np.ascontiguousarray(a)) for a in load_fashion(data))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    iterations = iterations or x_train.shape[0] // 100
    epoch_seconds = []
    for _ in range(epochs):
        model.train()
        start = time.perf_counter()
        for _ in range(iterations):
            batch = torch.from_numpy(rng.integers(0, x_train.shape[0], 100))
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x_train[batch]), t_train[batch])
            loss.backward()
            optimizer.step()
        epoch_seconds.append(time.perf_counter() - start)

    model.eval()
    correct = 0
    start = time.perf_counter()
    with torch.no_grad():
        for i in range(0, x_test.shape[0], 100):
            correct += int((model(x_test[i:i + 100]).argmax(1) == t_test[i:i + 100]).sum())
    inference = time.perf_counter() - start
    return {
        "model": model_name, "framework": "pytorch " + torch.__version__, "epochs": epochs,
        "iterations_per_epoch": iterations, "seconds_per_epoch": epoch_seconds,
        "inference_seconds": inference, "test_accuracy": correct / x_test.shape[0],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6,   # KiB → MB (10⁶ B), like kiso
    }


def kiso_run(kiso, model_name, epochs, data, seed, iterations=None):
    command = [kiso, "bench", "convnet", "--model", model_name + "-convnet", "--epochs", str(epochs),
               "--data", data, "--seed", str(seed), "--json", "--no-half"]   # one float32 test pass, as PyTorch's
    if iterations:
        command += ["--iterations", str(iterations)]
    start = time.perf_counter()
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - start
    return result


def child(args):
    """`--torch-child`: run PyTorch alone in this process and print its JSON."""
    print(json.dumps(torch_run(args.model, args.epochs, args.data, args.seed, args.iterations)))


def best_of(runs):
    """The first run with each timing replaced by its best (smallest) value over `runs`."""
    best = dict(runs[0])
    best["seconds_per_epoch"] = [min(min(r["seconds_per_epoch"]) for r in runs)]
    for key in ("process_seconds", "inference_seconds", "peak_rss_mb"):
        best[key] = min(r[key] for r in runs)
    return best


def compare(args):
    models = ["simple", "deep"] if args.model == "both" else [args.model]
    print(f"load average before: {os.getloadavg()}")
    for name in models:
        kiso_runs, torch_runs = [], []
        for _ in range(args.rounds):   # alternate the two sides so that both meet the same moments
            kiso_runs.append(kiso_run(args.kiso, name, args.epochs, args.data, args.seed, args.iterations))
            child_args = [sys.executable, __file__, "--torch-child", "--model", name, "--epochs",
                          str(args.epochs), "--data", args.data, "--seed", str(args.seed)]
            if args.iterations:
                child_args += ["--iterations", str(args.iterations)]
            start = time.perf_counter()
            out = subprocess.run(child_args, check=True, capture_output=True, text=True).stdout
            torch_runs.append(json.loads(out.strip().splitlines()[-1]))
            torch_runs[-1]["process_seconds"] = time.perf_counter() - start
        kiso, torch = best_of(kiso_runs), best_of(torch_runs)
        scale = 600 / kiso["iterations_per_epoch"]   # report seconds per 600-iteration epoch
        k_epoch, t_epoch = min(kiso["seconds_per_epoch"]) * scale, min(torch["seconds_per_epoch"]) * scale
        print(f"\n{name.capitalize()}ConvNet, Fashion-MNIST, batch 100, Adam 0.001, "
              f"{kiso['iterations_per_epoch']} iterations/epoch, {args.epochs} epoch(s)")
        print(f"best of {args.rounds} round(s), alternating")
        print(f"{'':28}{'Kiso':>12}{'PyTorch':>12}{'PyTorch/Kiso':>14}{'Kiso/PyTorch':>14}")
        rows = [("seconds per 600 iterations", k_epoch, t_epoch),
                ("whole process (s)", kiso["process_seconds"], torch["process_seconds"]),
                ("10k-image inference (s)", kiso["inference_seconds"], torch["inference_seconds"]),
                ("peak RSS (MB)", kiso["peak_rss_mb"], torch["peak_rss_mb"])]
        for label, k, t in rows:
            print(f"{label:28}{k:12.3f}{t:12.3f}{t / k:13.2f}x{k / t:13.3f}x")
        print(f"{'test accuracy':28}{kiso['test_accuracy']:12.4f}{torch['test_accuracy']:12.4f}")
        if "test_accuracy_float16" in kiso:
            print(f"{'Kiso float16 accuracy':28}{kiso['test_accuracy_float16']:12.4f}")
    print(f"\nload average after: {os.getloadavg()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=["simple", "deep", "both"], default="simple")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--iterations", type=int, default=None,
                        help="iterations per epoch (default 600); times are then scaled to 600 iterations")
    shared = os.environ.get("KISO_SHARED_DATA", os.path.join(ROOT, "..", "shared", "data"))
    parser.add_argument("--data", default=os.path.join(shared, "fashion-mnist"), help="Fashion-MNIST IDX folder")
    parser.add_argument("--kiso", default=os.path.join(ROOT, ".build", "release", "kiso"))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--rounds", type=int, default=1,
                        help="run each side this many times, alternating, and keep each side's best times")
    parser.add_argument("--torch-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.torch_child:
        child(args)
    else:
        compare(args)


if __name__ == "__main__":
    main()
