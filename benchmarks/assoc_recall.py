"""Benchmark (spec ch01 §8): iterative WTA retrieval, modular 32×32, BCPNN, P = 1600 stored
patterns each cued once with 1 flip, T_max = 15.

Records (``neuroplastic.bench.record``; ratio = reference seconds / our seconds):
* assoc_recall_sparse_vs_dense: numba sparse-gather kernel with per-query early stop vs the plain
  dense numpy reference (b + XW with BLAS, argmax per hypercolumn, 15 steps for all cues).
* assoc_recall_no_early_stop: both run all 15 steps.
* assoc_recall_vs_torch: numba kernel (early stop) vs torch CPU dense (15 steps).
* assoc_count_build: O(P·K²) scatter of M11 vs dense XᵀX.
* assoc_capacity_search: the whole adaptive P90 search (BCPNN, 1 flip, 2 repetitions) with the
  numba kernel vs the same search with the dense reference retrieval (both with early stop).
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from neuroplastic import assoc as A
from neuroplastic.bench import best_time, record


def main(repeat: int = 3) -> list[dict]:
    lay = A.Modular(32, 32)
    P, nflip, T_max, seed = 1600, 1, 15, 0
    sizes = {"H": 32, "M": 32, "P": P, "nflip": nflip, "T_max": T_max, "rule": "bcpnn"}
    pats = A.random_patterns(P, lay, seed=seed)
    cues = A.flip_cues(pats, nflip, seed=seed)
    net = A.build("bcpnn", A.count(pats), lay)
    act = A.HWTA()
    ours = lambda: A.recall(net, cues, activation=act, T_max=T_max, seed=seed)  # noqa: E731
    ours_nes = lambda: A.recall(  # noqa: E731
        net,
        cues,
        activation=act,
        T_max=T_max,
        seed=seed,
        early_stop=False,
    )
    dense = lambda: A.recall_dense(net, cues, activation=act, T_max=T_max, seed=seed)  # noqa: E731
    ours(), ours_nes()  # JIT / cache load
    a, b, d = ours(), ours_nes(), dense()
    recs = []
    agree = bool(a.states == d.states)
    extra = {
        "fcorr": A.exact_fraction(a.states, pats),
        "mean_steps": float(a.steps.mean()),
        "differing_queries": int((~a.states.equal_rows(d.states)).sum()),
    }
    recs.append(
        record(
            "assoc_recall_sparse_vs_dense",
            sizes,
            best_time(ours, repeat=repeat),
            best_time(dense, repeat=repeat),
            agree,
            **extra,
        )
    )
    recs.append(
        record(
            "assoc_recall_no_early_stop",
            sizes,
            best_time(ours_nes, repeat=repeat),
            recs[-1]["ref_s"],
            bool(b.states == d.states),
        )
    )
    try:
        import torch

        torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
        tor = lambda: A.recall_torch(net, cues, activation=act, T_max=T_max, seed=seed)  # noqa: E731
        t = tor()
        recs.append(
            record(
                "assoc_recall_vs_torch",
                sizes,
                recs[0]["ours_s"],
                best_time(tor, repeat=repeat),
                bool(a.states == t.states),
            )
        )
    except ImportError:  # pragma: no cover
        print("torch not installed: torch comparison skipped", file=sys.stderr)
    cs = A.count(pats)
    cd = A.count_dense(pats)
    recs.append(
        record(
            "assoc_count_build",
            {"H": 32, "M": 32, "P": P},
            best_time(lambda: A.count(pats), repeat=repeat),
            best_time(lambda: A.count_dense(pats), repeat=repeat),
            bool(np.array_equal(cs.M11, cd.M11) and np.array_equal(cs.M1, cd.M1)),
        )
    )
    recs.append(capacity_search_record(lay, nflip, T_max, seed))
    return recs


class DenseStorageTask(A.StorageTask):
    """The same storage task, retrieving with the dense numpy reference."""

    retrieve = staticmethod(A.recall_dense)


def capacity_search_record(lay, nflip, T_max, seed) -> dict:
    kw = dict(P0=0.75 * lay.N, nrep=2, seed=seed, n_jobs=1)
    ours_task = A.StorageTask("bcpnn", lay, nflip, T_max=T_max)
    ref_task = DenseStorageTask("bcpnn", lay, nflip, T_max=T_max)
    t0 = time.perf_counter()
    ours = A.capacity_search(ours_task, **kw)
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref = A.capacity_search(ref_task, **kw)
    t_ref = time.perf_counter() - t0
    return record(
        "assoc_capacity_search",
        {"H": lay.H, "M": lay.M, "rule": "bcpnn", "nflip": nflip, "nrep": 2},
        t_ours,
        t_ref,
        bool(np.array_equal(ours.per_rep, ref.per_rep)),
        P90=ours.mean,
    )


if __name__ == "__main__":
    for r in main():
        print(
            f"{r['name']:32s} ours {r['ours_s']:.4f} s  ref {r['ref_s']:.4f} s  "
            f"ratio {r['ratio']:.1f}x  agreed={r['agreed']}"
        )
