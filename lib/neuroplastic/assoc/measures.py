"""Retrieval quality and information measures.

* exact_fraction: fraction of queries whose final state equals the target exactly.
* output_noise ε = E[d_H(x, ξ)]/K (modular: 2 × wrong hypercolumns / H).
* error_counts: per-query misses (target units not active) and false ones.
* bits_per_synapse = P · I / S with I the information per pattern (bits) and S the synapse count
  (see :func:`bits_per_synapse` for the conventions).
* prototype_score, score_window (the 90 % window), bootstrap_ci.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import check_choice, check_float, check_int, seed_int
from .layouts import KofN, Modular, check_layout
from .patterns import PatternSet, check_same


def _overlap(states: PatternSet, targets: PatternSet) -> np.ndarray:
    """Number of common active units per row."""
    a, b = states.idx, targets.idx
    out = np.zeros(a.shape[0], dtype=np.int64)
    for x in range(a.shape[1]):
        out += (a[:, x:x + 1] == b).any(axis=1)
    return out


def correct_rows(states: PatternSet, targets: PatternSet) -> np.ndarray:
    """bool[Q]: final state equals the target exactly."""
    if not isinstance(states, PatternSet):
        raise TypeError(f"states must be a PatternSet; got {type(states).__name__}")
    check_same(states, targets, "targets")
    return states.equal_rows(targets)


def exact_fraction(states: PatternSet, targets: PatternSet) -> float:
    """Fraction of rows with state == target (0..1)."""
    c = correct_rows(states, targets)
    return float(c.mean()) if c.size else float("nan")


def error_counts(states: PatternSet, targets: PatternSet):
    """(miss, false): int arrays [Q], target units not in the state, state units not in the target."""
    if not isinstance(states, PatternSet):
        raise TypeError(f"states must be a PatternSet; got {type(states).__name__}")
    check_same(states, targets, "targets")
    ov = _overlap(states, targets)
    return targets.K - ov, states.K - ov


def output_noise(states: PatternSet, targets: PatternSet) -> float:
    """ε = mean Hamming distance / K (dimensionless)."""
    miss, false = error_counts(states, targets)
    return float(np.mean((miss + false) / targets.K)) if miss.size else float("nan")


def binary_entropy(p) -> np.ndarray:
    """H_b(p) in bits (0 at p ∈ {0, 1})."""
    p = np.asarray(p, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -(p * np.log2(p) + (1 - p) * np.log2(1 - p))
    return np.where((p <= 0) | (p >= 1), 0.0, h)


def transinformation(N: int, K: float, q_m: float, q_f: float) -> float:
    """Bits per pattern T = N[H_b(p(1−q_m) + (1−p)q_f) − p H_b(q_m) − (1−p) H_b(q_f)], p = K/N."""
    N = check_int("N", N, lo=1)
    K = check_float("K", K, lo=0.0, hi=float(N))
    q_m = check_float("q_m", q_m, lo=0.0, hi=1.0)
    q_f = check_float("q_f", q_f, lo=0.0, hi=1.0)
    p = K / N
    return float(N * (binary_entropy(p * (1 - q_m) + (1 - p) * q_f) - p * binary_entropy(q_m)
                      - (1 - p) * binary_entropy(q_f)))


def info_per_pattern(layout, info: str = "v1", errors=None) -> float:
    """Information per stored pattern in bits.

    "v1": N·H_b(a) (authors' code); "error_corrected": modular H[log₂M − h(e) − e log₂(M−1)] with
    e = ``errors`` (fraction of wrong hypercolumns), K-of-N: transinformation with q_m = e,
    q_f = eK/(N−K) (flip errors keep the activity); "transinfo": transinformation with
    ``errors = (q_m, q_f)``."""
    check_layout(layout)
    check_choice("info", info, ("v1", "error_corrected", "transinfo"))
    N, K = layout.N, layout.K
    if info == "v1":
        return float(N * binary_entropy(layout.activity))
    if info == "transinfo":
        if errors is None or np.ndim(errors) != 1 or len(errors) != 2:
            raise ValueError("errors must be (q_m, q_f) for info='transinfo'")
        return transinformation(N, K, errors[0], errors[1])
    e = 0.0 if errors is None else check_float("errors", errors, lo=0.0, hi=1.0)
    if isinstance(layout, Modular):
        M = layout.M
        return float(layout.H * (np.log2(M) - binary_entropy(e) - e * np.log2(M - 1)))
    return transinformation(N, K, e, e * K / (N - K))


def n_synapses(layout, synapses: str = "sym", symmetric: bool = True) -> float:
    """Synapse count S.

    "sym" (authors' code): N(N−1)/2 for a symmetric rule, N² otherwise;
    "exist": existing free parameters, N(N−M)/2 modular / N(N−1)/2 K-of-N (×2 if asymmetric);
    "directed": existing directed synapses, N(N−M) modular / N(N−1) K-of-N; "all": N²."""
    check_layout(layout)
    check_choice("synapses", synapses, ("sym", "exist", "directed", "all"))
    N = layout.N
    if synapses == "all":
        return float(N * N)
    if synapses == "sym":
        return N * (N - 1) / 2 if symmetric else float(N * N)
    directed = N * (N - layout.M) if isinstance(layout, Modular) else N * (N - 1)
    if synapses == "directed":
        return float(directed)
    return directed / 2 if symmetric else float(directed)


def bits_per_synapse(P, layout, *, info: str = "v1", synapses: str = "sym", errors=None,
                     symmetric: bool = True) -> float:
    """C = P · I / S in bits per synapse (I from :func:`info_per_pattern`, S from
    :func:`n_synapses`). Headline of ch01: C_L = P90·N·H_b(a)/S_sym; T1: C_E with
    info="error_corrected", synapses="exist"."""
    P = check_float("P", P, lo=0.0)
    return P * info_per_pattern(layout, info, errors) / n_synapses(layout, synapses, symmetric)


def prototype_score(states: PatternSet, prototypes: PatternSet, labels) -> float:
    """Fraction of test states that equal their prototype ``prototypes[labels[q]]`` exactly."""
    if not isinstance(prototypes, PatternSet):
        raise TypeError(f"prototypes must be a PatternSet; got {type(prototypes).__name__}")
    labels = np.asarray(labels)
    if labels.shape != (states.P,) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be an int array of length {states.P}")
    if labels.size and (labels.min() < 0 or labels.max() >= prototypes.P):
        raise ValueError(f"labels must lie in [0, {prototypes.P - 1}]")
    return exact_fraction(states, prototypes.rows(labels))


@dataclass(frozen=True)
class Window:
    """The set {Q : score(Q) ≥ level} as closed intervals of grid values; ``upper`` its largest
    member (NaN when empty)."""

    intervals: tuple
    upper: float
    level: float


def score_window(Q_values, scores, level: float = 0.9) -> Window:
    """90 % window of a prototype curve (may be non-contiguous; never a single search)."""
    Q = np.asarray(Q_values, dtype=float)
    s = np.asarray(scores, dtype=float)
    if Q.shape != s.shape or Q.ndim != 1:
        raise ValueError("Q_values and scores must be 1-D of equal length")
    level = check_float("level", level, lo=0.0, hi=1.0)
    order = np.argsort(Q)
    Q, s = Q[order], s[order]
    ok = s >= level
    intervals = []
    start = None
    for i in range(len(Q)):
        if ok[i] and start is None:
            start = Q[i]
        if start is not None and (not ok[i] or i == len(Q) - 1):
            end = Q[i] if ok[i] else Q[i - 1]
            intervals.append((float(start), float(end)))
            start = None
    upper = float(Q[ok].max()) if ok.any() else float("nan")
    return Window(tuple(intervals), upper, level)


def bootstrap_ci(values, *, stat=np.mean, n_boot: int = 1000, level: float = 0.95, seed=0):
    """Percentile bootstrap CI of ``stat`` over ``values`` (resampling the first axis)."""
    v = np.asarray(values)
    if v.shape[0] < 1:
        raise ValueError("values must hold at least one repetition")
    n_boot = check_int("n_boot", n_boot, lo=1)
    level = check_float("level", level, lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    rng = np.random.default_rng(seed_int(seed))
    ix = rng.integers(0, v.shape[0], size=(n_boot, v.shape[0]))
    boots = np.array([stat(v[i]) for i in ix], dtype=float)
    boots = boots[np.isfinite(boots)]
    if boots.size == 0:
        return float("nan"), float("nan")
    a = (1 - level) / 2
    return float(np.quantile(boots, a)), float(np.quantile(boots, 1 - a))
