#!/usr/bin/env python3
"""Kiso <-> NumPy/safetensors interoperability check, driven by Tests/KisoDataTests/InteropTests.swift.

    python3 interop.py DIR

1. Loads the files Kiso wrote into DIR (kiso*.safetensors/.npz/.npy/.pkl) with numpy.load,
   safetensors.numpy.load_file and pickle.load, and checks every value bit for bit against
   the same deterministic pattern Kiso used.
2. Writes py*.safetensors/.npz/.npy/.pkl files into DIR for Kiso to read back and check.

Exits 1 with a message on the first mismatch.
"""
import json
import pickle
import sys
from pathlib import Path

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file


def pattern(shape, offset=0):
    """float32 values in [-0.5, 0.5) from a multiplicative hash; Kiso computes the same bits."""
    n = int(np.prod(shape, dtype=np.int64))
    u = ((np.arange(n, dtype=np.uint64) + np.uint64(offset)) * np.uint64(2654435761)) % np.uint64(2**32)
    bits = ((u >> np.uint64(9)) | np.uint64(0x3F800000)).astype(np.uint32)
    return (bits.view(np.float32) - np.float32(1.5)).reshape(shape)


KISO = {
    "W1": pattern((3, 4)),
    "b1": pattern((4,), 100),
    "conv": pattern((2, 1, 3, 3), 200),
    "scalar": np.array(2.5, dtype=np.float32),
}

PY = {
    "a32": pattern((2, 3)),
    "a64": np.arange(5, dtype=np.float64) / 3,
    "a16": pattern((4,), 7).astype(np.float16),
    "i64": np.arange(-3, 3, dtype=np.int64).reshape(2, 3),
    "u8": np.arange(250, 256, dtype=np.uint8),
}


def fail(message):
    print(f"interop: {message}", file=sys.stderr)
    sys.exit(1)


def same(name, got, want, source):
    got = np.asarray(got)
    if got.dtype != want.dtype or got.shape != want.shape or got.tobytes() != want.tobytes():
        fail(f"{source}: '{name}' is {got.dtype}{got.shape} {got.ravel()[:4]}, expected {want.dtype}{want.shape} {want.ravel()[:4]}")


def check_kiso(d):
    tensors = load_file(str(d / "kiso.safetensors"))
    if set(tensors) != set(KISO):
        fail(f"kiso.safetensors holds {sorted(tensors)}")
    for k, v in KISO.items():
        same(k, tensors[k], v, "kiso.safetensors")
    with safe_open(str(d / "kiso.safetensors"), "np") as f:
        if f.metadata() != {"kiso.model": "TwoLayerNet", "kiso.config": '{"hidden": 50}'}:
            fail(f"kiso.safetensors metadata is {f.metadata()}")
    half = load_file(str(d / "kiso_f16.safetensors"))
    for k, v in KISO.items():
        same(k, half[k], v.astype(np.float16), "kiso_f16.safetensors")
    for name in ("kiso.npz", "kiso_compressed.npz"):
        with np.load(d / name) as z:
            for k, v in KISO.items():
                same(k, z[k], v, name)
            if json.loads(z["__metadata__.json"]) != {"kiso.model": "TwoLayerNet"}:  # a non-.npy member reads as bytes
                fail(f"{name}: metadata member is wrong")
    same("W1", np.load(d / "kiso_W1.npy"), KISO["W1"], "kiso_W1.npy")
    same("W1", np.load(d / "kiso_W1_f64.npy"), KISO["W1"].astype(np.float64), "kiso_W1_f64.npy")
    with open(d / "kiso_params.pkl", "rb") as f:
        params = pickle.load(f)
    if list(params) != list(KISO):
        fail(f"kiso_params.pkl holds {list(params)}")
    for k, v in KISO.items():
        same(k, params[k], v, "kiso_params.pkl")


def write_python(d):
    save_file({k: np.ascontiguousarray(v) for k, v in PY.items()}, str(d / "py.safetensors"), metadata={"source": "numpy"})
    np.savez(d / "py.npz", **PY)
    np.savez_compressed(d / "py_compressed.npz", **PY)
    np.save(d / "py_a64.npy", PY["a64"])
    np.save(d / "py_i32_big.npy", PY["i64"].astype(">i4"))
    for protocol in (2, 3, 4, 5):
        with open(d / f"py_p{protocol}.pkl", "wb") as f:
            pickle.dump(PY, f, protocol=protocol)


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    check_kiso(folder)
    write_python(folder)
    print(f"interop: NumPy {np.__version__} read Kiso's files and wrote its own")
