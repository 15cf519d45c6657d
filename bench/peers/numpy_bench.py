#!/usr/bin/env python3
"""numpy peer for theano-ts's benchmark harness (bench/run.mjs).

Runs the workloads of shared/bench/WORKLOADS.md with numpy, on the same
deterministic data as the JS side (the generator below is the same as
bench/data.mjs), and writes one JSON object (to --out FILE, or stdout).

    python3 bench/peers/numpy_bench.py --only B1,B3 --b2-sizes 512,1024 --out r.json
"""
import argparse
import json
import math
import os
import platform
import statistics
import sys
import time

try:
    import numpy as np
except ImportError as e:  # reported as "unavailable" by the harness
    print(json.dumps({"system": "numpy", "available": False, "reason": f"numpy not importable: {e}"}))
    sys.exit(0)


# ---------------------------------------------------------------- data
def _mix24(seed, n):
    """The 24-bit draws (x >> 8) of stream `seed`, as uint32 (wrapping arithmetic)."""
    s = np.uint32((seed * 0x9E3779B9) % 2**32)
    with np.errstate(over="ignore"):
        x = np.arange(n, dtype=np.uint32) + s
        x ^= x >> np.uint32(16)
        x *= np.uint32(0x7FEB352D)
        x ^= x >> np.uint32(15)
        x *= np.uint32(0x846CA68B)
        x ^= x >> np.uint32(16)
    return x >> np.uint32(8)


def urand(seed, n, lo=0.0, hi=1.0):
    u = _mix24(seed, n).astype(np.float64) / 16777216.0
    return lo + (hi - lo) * u


def labels(seed, n, k):
    return (_mix24(seed, n) % np.uint32(k)).astype(np.int32)


def stream_checksum(seed, n):
    return int(_mix24(seed, n).astype(np.int64).sum())


CHECKED_STREAMS = [
    ("B1 a", 1, 1_000_000), ("B1 b", 2, 1_000_000), ("B1 c", 3, 1_000_000),
    ("B2 A 512", 4, 512 * 512), ("B2 B 512", 5, 512 * 512),
    ("B3 x", 6, 400 * 784), ("B3 y", 7, 400), ("B3 w0", 8, 784),
]


# ---------------------------------------------------------------- timing
def measure(fn, warmup, calls):
    """Median ms per call of `calls` timed calls after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(calls):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return {"median_ms": statistics.median(times), "min_ms": min(times), "calls": calls, "warmup": warmup}


# ---------------------------------------------------------------- workloads
def b1(results, calls):
    n = 1_000_000
    for dt, name in ((np.float64, "f64"), (np.float32, "f32")):
        a = urand(1, n, -1, 1).astype(dt)
        b = urand(2, n, -1, 1).astype(dt)
        c = urand(3, n, -1, 1).astype(dt)
        one = dt(1)

        def f():
            return one / (one + np.exp(-(a * b + c)))

        out = f()
        assert out.dtype == dt
        r = measure(f, 20, calls)
        r.update(workload="B1", case=name, note="numpy expression (temporaries)", checksum=float(out.astype(np.float64).sum()))
        results.append(r)


def b2(results, sizes, calls):
    for n in sizes:
        for dt, name in ((np.float32, "f32"), (np.float64, "f64")):
            A = urand(4, n * n, -1, 1).reshape(n, n).astype(dt)
            B = urand(5, n * n, -1, 1).reshape(n, n).astype(dt)
            out = A @ B
            r = measure(lambda: A @ B, 20 if n <= 512 else 5, calls)
            r.update(workload="B2", case=f"{n} {name}", checksum=float(out.astype(np.float64).sum()),
                     gflops=2 * n**3 / (r["median_ms"] * 1e6))
            results.append(r)


def b3(results, steps):
    N, feats = 400, 784
    x = urand(6, N * feats, -1, 1).reshape(N, feats)
    y = (urand(7, N) > 0.5).astype(np.float64)
    state = {"w": urand(8, feats, -0.01, 0.01), "b": 0.0}

    def step():
        # The training step of the seed's logistic regression, gradient by hand.
        w, b = state["w"], state["b"]
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        xent = -y * np.log(p) - (1.0 - y) * np.log(1.0 - p)
        cost = xent.mean() + 0.01 * (w * w).sum()
        d = (p - y) / N                       # d cost / d (x@w + b)
        gw = x.T @ d + 0.02 * w
        gb = d.sum()
        state["w"] = w - 0.1 * gw
        state["b"] = b - 0.1 * gb
        return cost

    for _ in range(10):  # warm-up, then start again from w0, b0
        step()
    state["w"], state["b"] = urand(8, feats, -0.01, 0.01), 0.0
    times, costs = [], []
    for _ in range(steps):
        t0 = time.perf_counter()
        costs.append(step())
        times.append((time.perf_counter() - t0) * 1e3)
    r = {"workload": "B3", "case": "step", "median_ms": statistics.median(times), "min_ms": min(times),
         "calls": steps, "warmup": 10, "cost_first": float(costs[0]), "cost_last": float(costs[-1]),
         "note": "gradient written by hand"}
    results.append(r)


def b4(results):
    B, I, H, O = 128, 784, 500, 10
    X = urand(10, B * I, 0, 1).astype(np.float32).reshape(B, I)
    Y = labels(11, B, O)
    onehot = np.zeros((B, O), np.float32)
    onehot[np.arange(B), Y] = 1
    a1, a2 = np.sqrt(6 / (I + H)), np.sqrt(6 / (H + O))
    st = {"W1": urand(12, I * H, -a1, a1).astype(np.float32).reshape(I, H), "b1": np.zeros(H, np.float32),
          "W2": urand(13, H * O, -a2, a2).astype(np.float32).reshape(H, O), "b2": np.zeros(O, np.float32)}

    def step():
        # Forward, softmax cross-entropy, and the gradients written by hand; SGD with lr 0.01.
        h = np.tanh(X @ st["W1"] + st["b1"])
        z = h @ st["W2"] + st["b2"]
        z = z - z.max(1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(1, keepdims=True)
        loss = -np.log(p[np.arange(B), Y]).mean()
        dz = (p - onehot) / B
        dh = (dz @ st["W2"].T) * (1 - h * h)
        st["W2"] -= 0.01 * (h.T @ dz)
        st["b2"] -= 0.01 * dz.sum(0)
        st["W1"] -= 0.01 * (X.T @ dh)
        st["b1"] -= 0.01 * dh.sum(0)
        return loss

    first = step()
    for _ in range(10):
        step()
    times = []
    for _ in range(200):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1e3)
    results.append({"workload": "B4", "case": "step", "median_ms": statistics.median(times), "min_ms": min(times), "calls": 200, "warmup": 10,
                    "loss": float(first), "note": f"gradient written by hand; loss at the first step {first:.3f}"})


def b5(results, calls):
    T, B, I, H = 100, 32, 64, 128
    xs = urand(20, T * B * I, -1, 1).astype(np.float32).reshape(T, B, I)
    W = urand(21, H * H, -1 / np.sqrt(H), 1 / np.sqrt(H)).astype(np.float32).reshape(H, H)
    U = urand(22, I * H, -1 / np.sqrt(I), 1 / np.sqrt(I)).astype(np.float32).reshape(I, H)

    def step():
        # Forward through time, then backpropagation through time, written by hand.
        hs = [np.zeros((B, H), np.float32)]
        for t in range(T):
            hs.append(np.tanh(hs[-1] @ W + xs[t] @ U))
        loss = hs[-1].sum()
        gW = np.zeros_like(W)
        gU = np.zeros_like(U)
        gh = np.ones((B, H), np.float32)
        for t in range(T - 1, -1, -1):
            gz = gh * (1 - hs[t + 1] * hs[t + 1])
            gW += hs[t].T @ gz
            gU += xs[t].T @ gz
            gh = gz @ W.T
        return loss, gW, gU

    loss = step()[0]
    r = measure(step, 5, calls)
    r.update(workload="B5", case="forward + grad", loss=float(loss), note=f"hand-written loop and BPTT; loss {loss:.2f}")
    results.append(r)


def b6(results, calls_per_pass, passes):
    x = np.array(1.5)  # a 0-d float64 array

    def f(x):
        return x + 1

    for _ in range(20_000):
        f(x)
    per_call = []
    for _ in range(passes):
        t0 = time.perf_counter()
        for _ in range(calls_per_pass):
            f(x)
        per_call.append((time.perf_counter() - t0) * 1e6 / calls_per_pass)
    results.append({"workload": "B6", "case": "x + 1", "note": "0-d float64 ndarray argument", "median_us": statistics.median(per_call),
                    "median_ms": statistics.median(per_call) / 1e3, "calls": calls_per_pass, "passes": passes})


def blas_name():
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg["Build Dependencies"]["blas"]
        return f'{blas.get("name")} {blas.get("version")}'
    except Exception:
        return "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="B1,B2,B3,B4,B5,B6")
    ap.add_argument("--b2-sizes", default="512,1024")
    ap.add_argument("--calls", type=int, default=20)
    ap.add_argument("--b3-steps", type=int, default=1000)
    ap.add_argument("--b6-calls", type=int, default=200_000)
    ap.add_argument("--b6-passes", type=int, default=3)
    ap.add_argument("--out")
    args = ap.parse_args()
    only = set(args.only.split(","))
    results = []
    if "B1" in only:
        b1(results, args.calls)
    if "B2" in only:
        b2(results, [int(s) for s in args.b2_sizes.split(",") if s], args.calls)
    if "B3" in only:
        b3(results, args.b3_steps)
    if "B4" in only:
        b4(results)
    if "B5" in only:
        b5(results, args.calls)
    if "B6" in only:
        b6(results, args.b6_calls, args.b6_passes)
    report = {
        "system": "numpy",
        "available": True,
        "version": f"numpy {np.__version__} ({blas_name()}), Python {platform.python_version()}",
        "threads": os.environ.get("OPENBLAS_NUM_THREADS") or f"BLAS default (cpu_count {os.cpu_count()})",
        "checksums": {name: stream_checksum(seed, n) for name, seed, n in CHECKED_STREAMS},
        "results": results,
    }
    text = json.dumps(report)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
