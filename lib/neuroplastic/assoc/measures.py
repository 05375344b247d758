"""Retrieval quality and information measures.

* exact_fraction: fraction of queries whose final state equals the target exactly.
* output_noise ε = E[d_H(x, ξ)]/K (modular: 2 × wrong hypercolumns / H).
* error_counts: per-query misses (target units not active) and false ones.
* bits_per_synapse = P · I / S with I the information per pattern (bits) and S the synapse count
  (see :func:`bits_per_synapse` for the conventions).
* prototype_score, score_window (the 90 % window), bootstrap_ci.

Output noise, pattern capacity P_ε with bootstrap CIs and bits per synapse of ε(P) curves:

* Output noise ε = mean over queries of (misses + false ones)/K (Bernoulli: K = pN, expected),
  averaged over networks (dimensionless).
* Pattern capacity P_ε (Knoblauch's M_ε): first crossing of ε0 by ε(P) on a geometric grid,
  linear in (log P, ε) between the last point with ε ≤ ε0 and the next one. A crossing outside the
  grid is censored ("below": ε > ε0 already at the first point; "above": never exceeded), never
  extrapolated; the returned value is then the grid end. A later re-crossing is flagged.
* 95 % CI by bootstrap over networks and queries (query index within a network, the same indices
  at every P); :func:`bootstrap_compare` resamples two configurations run on the same networks and
  cues with the same indices (paired) and returns the CI of their ratio.
* Bits per synapse C_ε = P_ε·(T − T_cue)/N² (the author's convention, all N² synapses;
  ``"sym"``: ch01's count, N(N−1)/2 for symmetric rules and N² for asymmetric ones), with the
  transinformation T (bits per pattern) at the error rates at P_ε minus the information T_cue
  the cue already carries (completion information).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..validation import check_choice, check_float, check_int, check_seed
from .layouts import Modular, check_layout
from .patterns import PatternSet, check_same


def _overlap(states: PatternSet, targets: PatternSet) -> np.ndarray:
    """Number of common active units per row."""
    a, b = states.idx, targets.idx
    out = np.zeros(a.shape[0], dtype=np.int64)
    for x in range(a.shape[1]):
        out += (a[:, x : x + 1] == b).any(axis=1)
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
    """(miss, false): int arrays [Q].

    miss: target units not in the state; false: state units not in the target."""
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
    return float(
        N
        * (
            binary_entropy(p * (1 - q_m) + (1 - p) * q_f)
            - p * binary_entropy(q_m)
            - (1 - p) * binary_entropy(q_f)
        )
    )


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


def bits_per_synapse(
    P, layout, *, info: str = "v1", synapses: str = "sym", errors=None, symmetric: bool = True
) -> float:
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
    rng = np.random.default_rng(check_seed(seed))
    ix = rng.integers(0, v.shape[0], size=(n_boot, v.shape[0]))
    boots = np.array([stat(v[i]) for i in ix], dtype=float)
    boots = boots[np.isfinite(boots)]
    if boots.size == 0:
        return float("nan"), float("nan")
    a = (1 - level) / 2
    return float(np.quantile(boots, a)), float(np.quantile(boots, 1 - a))


# --- ε(P) curves (output noise against load) ----------------------------------------------


@dataclass(frozen=True)
class EpsCapacity:
    """P_ε and its status: censored None | "below" | "above"; recrossed: ε fell back ≤ ε0 later."""

    value: float
    censored: str | None = None
    recrossed: bool = False


def _check_eps0(eps0):
    return check_float("eps0", eps0, lo=0.0, hi=1.0, lo_open=True, hi_open=True)


def eps_capacity(P, eps, eps0: float) -> EpsCapacity:
    """First crossing of ``eps0`` by the curve eps(P) (see module doc)."""
    eps0 = _check_eps0(eps0)
    P = np.asarray(P, dtype=float)
    e = np.asarray(eps, dtype=float)
    if P.ndim != 1 or P.shape != e.shape or P.size < 1:
        raise ValueError("P and eps must be 1-D arrays of the same non-zero length")
    if np.any(P <= 0) or np.any(np.diff(P) <= 0):
        raise ValueError("P must be positive and strictly increasing")
    above = np.nonzero(e > eps0)[0]
    if above.size == 0:
        return EpsCapacity(float(P[-1]), "above")
    b = above[0]
    if b == 0:
        return EpsCapacity(float(P[0]), "below")
    a = b - 1
    la, lb = math.log(P[a]), math.log(P[b])
    x = la + (eps0 - e[a]) / (e[b] - e[a]) * (lb - la)
    recrossed = bool(np.any(e[b + 1 :] <= eps0))
    return EpsCapacity(float(math.exp(x)), None, recrossed)


def eps_array(df, *, K: float):
    """(P grid, E float64[n_nets, n_P, n_queries]) of per-query output noise from a long frame
    with columns P, net, query, miss, false."""
    Ps = np.sort(df["P"].unique())
    nets = np.sort(df["net"].unique())
    nq = int(df["query"].max()) + 1
    E = np.full((nets.size, Ps.size, nq), np.nan)
    pi = np.searchsorted(Ps, df["P"].to_numpy())
    ni = np.searchsorted(nets, df["net"].to_numpy())
    E[ni, pi, df["query"].to_numpy()] = (df["miss"].to_numpy() + df["false"].to_numpy()) / K
    return Ps, E


def _curve_cap(Ps, curves, eps0):
    return np.array([eps_capacity(Ps, c, eps0).value for c in curves])


def _boot_curves(E, n_boot, rng):
    """[n_boot, n_P] mean ε curves from resampling networks then query indices."""
    n_nets, n_P, nq = E.shape
    out = np.empty((n_boot, n_P))
    for b in range(n_boot):
        nets = rng.integers(0, n_nets, n_nets)
        qs = rng.integers(0, nq, (n_nets, nq))
        sel = E[nets[:, None], :, qs]  # [n_nets, nq, n_P]
        out[b] = np.nanmean(sel, axis=(0, 1))
    return out


def bootstrap_eps_capacity(df, eps0: float, *, K: float, n_boot: int = 1000, seed=0):
    """(P_ε of the mean curve, lo, hi, censored).

    lo and hi bound a 95 % bootstrap CI over networks and queries."""
    eps0 = _check_eps0(eps0)
    n_boot = check_int("n_boot", n_boot, lo=1)
    rng = np.random.default_rng(check_seed(seed))
    Ps, E = eps_array(df, K=K)
    point = eps_capacity(Ps, np.nanmean(E, axis=(0, 2)), eps0)
    caps = _curve_cap(Ps, _boot_curves(E, n_boot, rng), eps0)
    lo, hi = np.percentile(caps, [2.5, 97.5])
    return point.value, float(lo), float(hi), point.censored


def bootstrap_compare(df_a, df_b, eps0: float, *, K: float, n_boot: int = 1000, seed=0):
    """Paired bootstrap of R = P_ε(a)/P_ε(b) (same networks, cues and query indices).

    Returns dict(ratio, lo, hi, a, b, a_censored, b_censored); "a beats b beyond CI" is lo > 1."""
    eps0 = _check_eps0(eps0)
    n_boot = check_int("n_boot", n_boot, lo=1)
    Ps, Ea = eps_array(df_a, K=K)
    Pb, Eb = eps_array(df_b, K=K)
    if Ps.shape != Pb.shape or np.any(Ps != Pb) or Ea.shape != Eb.shape:
        raise ValueError("df_a and df_b must come from the same P grid, networks and queries")
    ca = eps_capacity(Ps, np.nanmean(Ea, axis=(0, 2)), eps0)
    cb = eps_capacity(Ps, np.nanmean(Eb, axis=(0, 2)), eps0)
    rng = np.random.default_rng(check_seed(seed))
    n_nets, n_P, nq = Ea.shape
    ra = np.empty(n_boot)
    for b in range(n_boot):
        nets = rng.integers(0, n_nets, n_nets)
        qs = rng.integers(0, nq, (n_nets, nq))
        va = eps_capacity(Ps, np.nanmean(Ea[nets[:, None], :, qs], axis=(0, 1)), eps0).value
        vb = eps_capacity(Ps, np.nanmean(Eb[nets[:, None], :, qs], axis=(0, 1)), eps0).value
        ra[b] = va / vb
    lo, hi = np.percentile(ra, [2.5, 97.5])
    return {
        "ratio": ca.value / cb.value,
        "lo": float(lo),
        "hi": float(hi),
        "a": ca.value,
        "b": cb.value,
        "a_censored": ca.censored,
        "b_censored": cb.censored,
    }


def rates_at(df, P_eps: float, *, K: float, N: int):
    """(q_m, q_f) = mean misses/K and false ones/(N − K), interpolated at P_ε in log P."""
    g = df.groupby("P")[["miss", "false"]].mean()
    Ps = g.index.to_numpy(dtype=float)
    qm = np.interp(math.log(P_eps), np.log(Ps), g["miss"].to_numpy() / K)
    qf = np.interp(math.log(P_eps), np.log(Ps), g["false"].to_numpy() / (N - K))
    return float(min(max(qm, 0.0), 1.0)), float(min(max(qf, 0.0), 1.0))


def cue_information(N: int, K: float, c: float, f: float) -> float:
    """T_cue = transinformation of a cue with c correct and f false active units about its
    pattern (bits): the channel of :func:`transinformation` with q_m = (K − c)/K,
    q_f = f/(N − K)."""
    return transinformation(N, K, (K - c) / K, f / (N - K))


def capacity_bits(
    P_eps: float,
    N: int,
    K: float,
    q_m: float,
    q_f: float,
    *,
    synapses: str = "all",
    symmetric: bool = True,
    cue=None,
) -> float:
    """C_ε = P_ε·(T − T_cue)/S bits per synapse.

    T: transinformation of the output about the pattern at the error rates (q_m, q_f);
    T_cue (only with ``cue`` = (c, f)): what the cue already carries (:func:`cue_information`),
    so C_ε counts the completion information, the information retrieval adds. Without ``cue``
    the whole pattern information is counted (storage view). S = N² ("all", the author's
    convention, headline) or ch01's "sym" convention: N(N−1)/2 for a symmetric rule, N² for an
    asymmetric one (Bayes, S2, S3 are not halved)."""
    check_choice("synapses", synapses, ("all", "sym"))
    P_eps = check_float("P_eps", P_eps, lo=0.0)
    N = check_int("N", N, lo=2)
    T = transinformation(N, K, q_m, q_f)
    if cue is not None:
        T = T - cue_information(N, K, float(cue[0]), float(cue[1]))
    S = N * N if (synapses == "all" or not symmetric) else N * (N - 1) / 2
    return P_eps * T / S


def mean_curve(df, label: str, *, K: float):
    """(P, mean ε) of one configuration label."""
    d = df[df["label"] == label]
    if d.empty:
        raise ValueError(f"label {label!r} not found")
    g = d.assign(eps=(d["miss"] + d["false"]) / K).groupby("P")["eps"].mean()
    return g.index.to_numpy(), g.to_numpy()


def eps_summary(
    df,
    labels,
    *,
    K: float,
    N: int,
    eps0s=(0.01, 0.03, 0.1),
    n_boot: int = 1000,
    seed=0,
    cue=None,
    symmetric=None,
):
    """DataFrame[label, eps0, P_eps, lo, hi, censored, C_all, C_sym] for each label and ε0.

    C_all = completion bits per synapse over N² (with ``cue`` = (c, f); the whole pattern's
    information without), C_sym the same with ch01's synapse count (N(N−1)/2 for symmetric
    rules, N² for asymmetric ones); ``symmetric(label) -> bool`` says which (default: all
    symmetric)."""
    import pandas as pd

    rows = []
    for lab in labels:
        d = df[df["label"] == lab]
        if d.empty:
            raise ValueError(f"label {lab!r} not found")
        for e0 in eps0s:
            v, lo, hi, cens = bootstrap_eps_capacity(d, e0, K=K, n_boot=n_boot, seed=seed)
            qm, qf = rates_at(d, v, K=K, N=N)
            sym = True if symmetric is None else bool(symmetric(lab))
            rows.append(
                {
                    "label": lab,
                    "eps0": e0,
                    "P_eps": v,
                    "lo": lo,
                    "hi": hi,
                    "censored": cens or "",
                    "C_all": capacity_bits(v, N, K, qm, qf, cue=cue),
                    "C_sym": capacity_bits(v, N, K, qm, qf, synapses="sym", symmetric=sym, cue=cue),
                }
            )
    return pd.DataFrame(rows)


def eps_compare(df, a: str, b: str, eps0: float, *, K: float, n_boot: int = 1000, seed=0) -> dict:
    """Paired bootstrap of P_ε(a)/P_ε(b) for two labels of one frame (see bootstrap_compare)."""
    da = df[df["label"] == a]
    db = df[df["label"] == b]
    if da.empty or db.empty:
        raise ValueError(f"labels {a!r} and {b!r} must both be in the frame")
    return bootstrap_compare(da, db, eps0, K=K, n_boot=n_boot, seed=seed)
