"""Speed of neuroplastic.competitive against plain reference implementations.

1. One Krotov–Hopfield epoch (N = 4,000, p = 3, k = 7, batch 100) with our torch kernel vs a
   straightforward numpy transcription of the official update (generic sgn|W|^(p-1), full argsort,
   dense g v^T), at K = 1000 (goal >= 3x) and K = 400. Same start, same minibatches.
2. Batched FGSM and PGD-40 vs per-example loops on a 784-400-10 BP net (loop timed on 50
   images and scaled to 1,000).
A/B runs are interleaved with pauses, the median of 5 is kept, and the load average is logged.
Run: python benchmarks/competitive_kh.py
"""

from __future__ import annotations

import os
import statistics
import time

import numpy as np
import torch

from neuroplastic import bench
from neuroplastic.competitive import BPConfig, fgsm, pgd, train_bp
from neuroplastic.competitive.kh import _kh_update
from neuroplastic.competitive.reference import (
    kh_step_numpy,
    per_sample_fgsm_loop,
    per_sample_pgd_loop,
)
from neuroplastic.data import load_mnist, stratified_split


def _interleaved(a, b, repeat=5, pause=0.5):
    """Median times of a() and b(), alternated. The pause lets the other library's idle worker
    threads (OpenBLAS and OpenMP spin for a while after each call) go to sleep first, so
    neither implementation is timed while the other's threads still hold the 2 cores."""
    ta, tb = [], []
    for _ in range(repeat):
        time.sleep(pause)
        t0 = time.perf_counter()
        a()
        ta.append(time.perf_counter() - t0)
        time.sleep(pause)
        t0 = time.perf_counter()
        b()
        tb.append(time.perf_counter() - t0)
    return statistics.median(ta), statistics.median(tb)


def kh_epoch(X, K, repeat=5):
    rng = np.random.default_rng(0)
    W0 = rng.standard_normal((K, X.shape[1])).astype(np.float32)
    order = rng.permutation(len(X))
    Xp = np.ascontiguousarray(X[order])
    Xt = torch.from_numpy(Xp)

    def ours():  # as train_kh runs it: one work buffer for the whole epoch
        W = torch.from_numpy(W0.copy())
        work = torch.empty_like(W)
        for i in range(0, len(Xt), 100):
            _kh_update(W, Xt[i : i + 100], 3.0, 7, 0.4, 0.04, 1.0, False, work)
        return W

    def ref():
        W = W0.copy()
        for i in range(0, len(Xp), 100):
            kh_step_numpy(W, Xp[i : i + 100], 3.0, 7, 0.4, 0.04)
        return W

    agreed = bool(np.allclose(ours().numpy(), ref(), rtol=1e-3, atol=1e-4))
    t_ours, t_ref = _interleaved(ours, ref, repeat)
    return t_ours, t_ref, agreed


def attacks(X, y, Xte, yte):
    net = train_bp(X, y, BPConfig(n_hidden=400, epochs=2), seed=0)
    x, t = torch.from_numpy(Xte[:1000]), torch.from_numpy(yte[:1000])
    out = {}
    t0 = time.perf_counter()
    xa = pgd(net, x, t, 0.1, iters=40, seed=0)
    t_pgd = time.perf_counter() - t0
    t0 = time.perf_counter()
    per_sample_pgd_loop(net, x[:50], t[:50], 0.1, seed=0)
    t_pgd_loop = (time.perf_counter() - t0) * 20
    t0 = time.perf_counter()
    xf = fgsm(net, x, t, 0.1)
    t_fgsm = time.perf_counter() - t0
    t0 = time.perf_counter()
    xf_loop = per_sample_fgsm_loop(net, x[:50], t[:50], 0.1)
    t_fgsm_loop = (time.perf_counter() - t0) * 20
    agreed_f = bool(torch.allclose(xf[:50], xf_loop, atol=1e-6))
    out["pgd"] = (t_pgd, t_pgd_loop, bool((xa - x).abs().max() <= 0.1 + 1e-6))
    out["fgsm"] = (t_fgsm, t_fgsm_loop, agreed_f)
    return out


def main():
    threads = int(os.environ.get("OMP_NUM_THREADS", min(2, os.cpu_count() or 1)))
    torch.set_num_threads(threads)
    d = load_mnist()
    tr, te = stratified_split(d.y, 400, 100, seed=0)
    X, y, Xte, yte = d.X[tr], d.y[tr], d.X[te], d.y[te]
    print(f"threads {threads}, load average {os.getloadavg()}")
    for K in (1000, 400):
        t_o, t_r, ok = kh_epoch(X, K)
        rec = bench.record(
            f"competitive_kh_epoch_K{K}",
            {"K": K, "N": len(X), "p": 3, "k": 7, "batch": 100},
            t_o,
            t_r,
            ok,
            threads=threads,
            load=os.getloadavg()[0],
        )
        print(
            f"KH epoch K={K}: ours {t_o:.3f} s, numpy {t_r:.3f} s, ratio {rec['ratio']:.2f}, "
            f"agreed {ok}"
        )
    for name, (t_o, t_r, ok) in attacks(X, y, Xte, yte).items():
        rec = bench.record(
            f"competitive_{name}_batched",
            {"images": 1000, "net": "784-400-10", "eps": 0.1, "loop_timed_on": 50},
            t_o,
            t_r,
            ok,
            threads=threads,
            load=os.getloadavg()[0],
        )
        print(
            f"{name}: batched {t_o:.2f} s, per-example loop {t_r:.2f} s (scaled), ratio "
            f"{rec['ratio']:.1f}, agreed {ok}"
        )


if __name__ == "__main__":
    main()
