#!/usr/bin/env python3
"""Chapter 5's TwoLayerNet training: Kiso against NumPy (float64, the book's precision), side by side.

Both train the same network the same way: 784-50-10, ReLU, weights N(0, 0.01²), zero biases,
softmax-with-loss, SGD lr 0.1, mini-batches of 100 drawn with replacement from the 60 000
training images, 10 000 iterations, loss taken from the backprop forward pass (no extra loss
pass), no per-epoch evaluation. The training loop is timed inside each side; then the accuracy
on the 10 000 test images is measured. Each side runs in its own process (Kiso as
`kiso bench two-layer --json`, NumPy as this file with --numpy-child, this file's own
implementation of the book's algorithm), whose wall time from start to exit (start-up, data
loading, training, test pass) is the whole-process figure.

    swift build -c release --product kiso
    python3 Benchmarks/two_layer_vs_numpy.py [--iterations 10000] [--data ../shared/data/fashion-mnist]
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def load_idx(folder, stem):
    for name in (stem + ".gz", stem):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rb") as f:
                data = f.read()
            dims = data[3]
            shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
            return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    sys.exit(f"missing {stem}(.gz) in {folder}")


def numpy_run(folder, iterations, batch, lr, hidden, seed):
    rows = lambda a: a.reshape(a.shape[0], -1).astype(np.float64) / 255.0
    x_train, x_test = rows(load_idx(folder, "train-images-idx3-ubyte")), rows(load_idx(folder, "t10k-images-idx3-ubyte"))
    t_train, t_test = load_idx(folder, "train-labels-idx1-ubyte").astype(np.int64), load_idx(folder, "t10k-labels-idx1-ubyte").astype(np.int64)
    rng = np.random.default_rng(seed)
    params = {
        "W1": 0.01 * rng.standard_normal((784, hidden)), "b1": np.zeros(hidden),
        "W2": 0.01 * rng.standard_normal((hidden, 10)), "b2": np.zeros(10),
    }

    def scores(x):
        h = np.maximum(x @ params["W1"] + params["b1"], 0)
        return h, h @ params["W2"] + params["b2"]

    losses = []
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(iterations):
        idx = rng.choice(x_train.shape[0], batch)
        x, t = x_train[idx], t_train[idx]
        h, a = scores(x)
        a = a - a.max(axis=1, keepdims=True)
        y = np.exp(a)
        y /= y.sum(axis=1, keepdims=True)
        losses.append(-np.mean(np.log(y[np.arange(batch), t] + 1e-7)))
        dy = y
        dy[np.arange(batch), t] -= 1
        dy /= batch
        grads = {"W2": h.T @ dy, "b2": dy.sum(axis=0)}
        dh = (dy @ params["W2"].T) * (h > 0)
        grads["W1"] = x.T @ dh
        grads["b1"] = dh.sum(axis=0)
        for k in params:
            params[k] -= lr * grads[k]
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    accuracy = float(np.mean(scores(x_test)[1].argmax(axis=1) == t_test))
    return {"train_seconds": seconds, "train_cpu_seconds": cpu_seconds, "ms_per_iteration": 1000 * seconds / iterations, "test_accuracy": accuracy,
            "final_loss": float(np.mean(losses[-100:]))}


def kiso_run(kiso, folder, iterations, batch, lr, hidden, seed):
    cmd = [kiso, "bench", "two-layer", "--json", "--quiet", "--data", folder, "--dataset", "fashion-mnist",
           "--iterations", str(iterations), "--batch-size", str(batch), "--learning-rate", str(lr),
           "--hidden", str(hidden), "--seed", str(seed)]
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - start
    return result


def numpy_process_run(a):
    """numpy_run in a fresh Python process (interpreter and NumPy start-up, data loading, training
    and the test pass: the whole process), timed from outside like Kiso's."""
    cmd = [sys.executable, __file__, "--numpy-child", "--data", a.data, "--iterations", str(a.iterations),
           "--batch", str(a.batch), "--lr", str(a.lr), "--hidden", str(a.hidden), "--seed", str(a.seed)]
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - start
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data", "fashion-mnist"))
    p.add_argument("--kiso", default=os.path.join(ROOT, ".build", "release", "kiso"))
    p.add_argument("--iterations", type=int, default=10_000)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--hidden", type=int, default=50)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=None,
                   help="threads for both (OPENBLAS_NUM_THREADS and KISO_THREADS); default: each library's own choice")
    p.add_argument("--runs", type=int, default=1,
                   help="alternate Kiso and NumPy this many times, print every run and keep each side's fastest")
    p.add_argument("--numpy-child", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.numpy_child:
        print(json.dumps(numpy_run(a.data, a.iterations, a.batch, a.lr, a.hidden, a.seed)))
        return
    if a.threads:
        os.environ["KISO_THREADS"] = str(a.threads)
        if "numpy_child" not in os.environ:   # OpenBLAS reads its variable at load time: re-run with it set
            env = dict(os.environ, OPENBLAS_NUM_THREADS=str(a.threads), OMP_NUM_THREADS=str(a.threads), numpy_child="1")
            sys.exit(subprocess.run([sys.executable] + sys.argv, env=env).returncode)
    print(f"TwoLayerNet 784-{a.hidden}-10, SGD lr {a.lr}, batch {a.batch} (with replacement), {a.iterations} iterations, Fashion-MNIST")
    print(f"NumPy {np.__version__}, float64; Kiso float32; {os.cpu_count()} CPUs; loss from the backprop pass, no extra forward")
    load = os.getloadavg()[0]
    runs = []
    for _ in range(max(1, a.runs)):
        runs.append((kiso_run(a.kiso, a.data, a.iterations, a.batch, a.lr, a.hidden, a.seed),
                     numpy_process_run(a)))
    print(f"threads: {a.threads or 'library default'}; load average at start: {load:.1f}")
    print(f"{'':8}{'train s':>10}{'CPU s':>10}{'ms/iter':>10}{'process s':>10}{'test acc':>10}{'loss':>8}")
    for i, (k, n) in enumerate(runs):
        suffix = f" #{i + 1}" if len(runs) > 1 else ""
        for name, r in (("NumPy" + suffix, n), ("Kiso" + suffix, k)):
            print(f"{name:8}{r['train_seconds']:>10.3f}{r['train_cpu_seconds']:>10.3f}{r['ms_per_iteration']:>10.3f}"
                  f"{r['process_seconds']:>10.3f}{r['test_accuracy']:>10.4f}{r['final_loss']:>8.4f}")
    k = min((k for k, _ in runs), key=lambda r: r["train_seconds"])
    n = min((n for _, n in runs), key=lambda r: r["train_seconds"])
    best = "fastest runs: " if len(runs) > 1 else ""
    print(f"{best}Kiso {k['train_seconds']:.3f} s, NumPy {n['train_seconds']:.3f} s: Kiso is "
          f"{n['train_seconds'] / k['train_seconds']:.1f}x faster than NumPy in wall time, "
          f"{n['train_cpu_seconds'] / k['train_cpu_seconds']:.1f}x in CPU time")
    kp, np_ = min(r["process_seconds"] for r, _ in runs), min(r["process_seconds"] for _, r in runs)
    print(f"whole process (start-up, loading, training, test pass): Kiso {kp:.3f} s, NumPy {np_:.3f} s, "
          f"Kiso/NumPy {kp / np_:.3f}")

if __name__ == "__main__":
    main()
