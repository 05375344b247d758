"""Benchmarks of the ch02 retrieval kernels against plain numpy references of the same math.

1. ``assoc_bayes_ane_tables``: Bayes + posterior ANE, constant-k N = 1000, K = 20, P = 2000,
   half-pattern cues, k-WTA, T_max = 10. Ours: lazily built noise-level tables + the sparse-gather
   step kernel. Reference: every query builds the weights of its own (p_m, p_f) from the counts at
   every step (N² log terms per query and step, numpy) and computes its potentials densely. The
   reference is slow (~0.1 s per query), so ``--ref-queries`` can time both on a subset; our time
   for all queries is recorded as ``ours_full_s``.
2. ``assoc_bayes_kwta_fixed``: fixed Bayes weights, k-WTA, 500 queries, T_max = 10: the numba
   step kernel with per-query early stop vs dense b + XW (float32 BLAS) for all cues and steps.
   The ratio depends on how many steps our kernel needs before it stops (``mean_steps``; the
   exact Bayes weights, with their −∞ vetoes, need 4.0 where the old pseudo-count weights needed
   3.0), so the record also gives ``per_step_ratio`` = (reference s / T_max) / (ours s / steps).

Run: ``python benchmarks/assoc_bayes.py`` (appends to _build/benchmarks.json).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from neuroplastic.assoc.activations import KWTA
from neuroplastic.assoc.ane import ANE
from neuroplastic.assoc.free import counts_from_dense
from neuroplastic.assoc.layouts import KofN
from neuroplastic.assoc.noise import NoiseTable
from neuroplastic.assoc.patterns import random_patterns
from neuroplastic.assoc.recall import recall
from neuroplastic.assoc.reference import recall_fixed_dense, recall_noise_direct
from neuroplastic.assoc.retrieval_curves import make_cues
from neuroplastic.bench import best_time, record


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--N", type=int, default=1000)
    ap.add_argument("--K", type=int, default=20)
    ap.add_argument("--P", type=int, default=2000)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument(
        "--ref-queries",
        type=int,
        default=None,
        help="queries for the (slow) reference; default: all",
    )
    ap.add_argument("--T-max", type=int, default=10)
    args = ap.parse_args(argv)
    N, K, P, Q, T = args.N, args.K, args.P, args.queries, args.T_max
    lay = KofN(N, K)
    X = random_patterns(P, lay, seed=0).to_dense()
    cnt = counts_from_dense(X, lay)
    rng = np.random.default_rng(1)
    rows = np.sort(rng.choice(P, size=Q, replace=False))
    targets = X[rows]
    cues = make_cues(targets, lay, K // 2, 0, 2)
    key = (K // 2, 0)
    act = KWTA(K)
    ane = ANE("posterior")

    def ours(q):
        tab = NoiseTable(cnt, lay, "bayes")  # tables built lazily inside the timing
        return recall(
            tab,
            cues[:q],
            activation=act,
            T_max=T,
            ane=ane,
            targets=targets[:q],
            cue_key=key,
            seed=3,
        )

    ours(2)  # compile
    R = Q if args.ref_queries is None else min(args.ref_queries, Q)
    t_ours_sub = best_time(lambda: ours(R), repeat=3)
    t_ours_full = best_time(lambda: ours(Q), repeat=2)
    t0 = time.perf_counter()
    ref, _ = recall_noise_direct(
        cnt,
        lay,
        "bayes",
        {},
        cues[:R],
        activation=act,
        T_max=T,
        ane=ane,
        targets=targets[:R],
        cue_key=key,
        seed=3,
    )
    t_ref = time.perf_counter() - t0
    res = ours(R)
    agreed = bool(np.array_equal(res.states, ref))
    rec = record(
        "assoc_bayes_ane_tables",
        {"N": N, "K": K, "P": P, "queries": R, "T_max": T},
        t_ours_sub,
        t_ref,
        agreed,
        ours_full_s=t_ours_full,
        full_queries=Q,
        ref_per_query_s=t_ref / R,
        ratio_full_estimate=(t_ref / R * Q) / t_ours_full,
    )
    print(
        f"ANE tables: ours {t_ours_sub:.3f} s vs per-query weights {t_ref:.2f} s on {R} queries "
        f"-> {rec['ratio']:.1f}x (agreed: {agreed}); all {Q} queries: ours {t_ours_full:.2f} s, "
        f"reference estimate {t_ref / R * Q:.0f} s -> {rec['ratio_full_estimate']:.0f}x"
    )

    tab = NoiseTable(cnt, lay, "bayes")
    W, b = tab.get(key)

    from neuroplastic.assoc.rules import Network

    net = Network(W, b, "bayes", {}, False, lay)
    recall(net, cues[:2], activation=act, T_max=T)
    t_sparse = best_time(lambda: recall(net, cues, activation=act, T_max=T, seed=3), repeat=3)
    t_dense = best_time(lambda: recall_fixed_dense(net, cues, k=K, T_max=T, seed=3), repeat=2)
    r = recall(net, cues, activation=act, T_max=T, seed=3)
    a = r.states
    d = recall_fixed_dense(net, cues, k=K, T_max=T, seed=3)
    same = float(np.mean(np.all(a == d, axis=1)))
    steps = float(r.steps.mean())
    rec = record(
        "assoc_bayes_kwta_fixed",
        {"N": N, "K": K, "P": P, "queries": Q, "T_max": T},
        t_sparse,
        t_dense,
        same >= 0.99,
        identical_fraction=same,
        mean_steps=steps,
        per_step_ratio=(t_dense / T) / (t_sparse / steps),
    )
    print(
        f"fixed k-WTA: sparse {t_sparse:.3f} s vs dense {t_dense:.3f} s -> {rec['ratio']:.1f}x "
        f"(identical states: {100 * same:.1f} %); ours stops after {steps:.2f} steps on average, "
        f"the reference runs {T}: per step {rec['per_step_ratio']:.1f}x"
    )


if __name__ == "__main__":
    main()
