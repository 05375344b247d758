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
from typing import TYPE_CHECKING, Any

import numpy as np

from ..validation import check_choice, check_float, check_int, check_seed
from .layouts import Modular, check_layout
from .patterns import PatternSet, check_same

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    import pandas as pd
    from numpy.typing import ArrayLike

    from .layouts import Layout


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
    """Fraction fcorr of rows with state == target exactly (0..1).

    Parameters
    ----------
    states : PatternSet
        Final states [Q].
    targets : PatternSet
        Targets [Q] on the same layout.

    Returns
    -------
    float
        fcorr; NaN for Q = 0.

    Raises
    ------
    TypeError, ValueError
        Not PatternSets, or mismatched layouts or Q.
    """
    c = correct_rows(states, targets)
    return float(c.mean()) if c.size else float("nan")


def error_counts(states: PatternSet, targets: PatternSet) -> tuple[np.ndarray, np.ndarray]:
    """Misses and false units of every query.

    Parameters
    ----------
    states : PatternSet
        Final states [Q].
    targets : PatternSet
        Targets [Q] on the same layout.

    Returns
    -------
    tuple of numpy.ndarray
        (miss, false), int[Q] unit counts: miss = target units not in the state, false = state
        units not in the target.

    Raises
    ------
    TypeError, ValueError
        Not PatternSets, or mismatched layouts or Q.
    """
    if not isinstance(states, PatternSet):
        raise TypeError(f"states must be a PatternSet; got {type(states).__name__}")
    check_same(states, targets, "targets")
    ov = _overlap(states, targets)
    return targets.K - ov, states.K - ov


def output_noise(states: PatternSet, targets: PatternSet) -> float:
    """Output noise ε = mean over queries of (miss + false)/K (Hamming distance / K).

    Parameters
    ----------
    states : PatternSet
        Final states [Q].
    targets : PatternSet
        Targets [Q] on the same layout.

    Returns
    -------
    float
        ε (dimensionless); NaN for Q = 0.
    """
    miss, false = error_counts(states, targets)
    return float(np.mean((miss + false) / targets.K)) if miss.size else float("nan")


def binary_entropy(p: ArrayLike) -> np.ndarray:
    """Binary entropy H_b(p) = −p log₂p − (1−p) log₂(1−p) in bits (0 at p ∈ {0, 1}).

    Parameters
    ----------
    p : array_like
        Probabilities (outside (0, 1) give 0).

    Returns
    -------
    numpy.ndarray
        H_b(p) in bits, of the shape of p.
    """
    p = np.asarray(p, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -(p * np.log2(p) + (1 - p) * np.log2(1 - p))
    return np.where((p <= 0) | (p >= 1), 0.0, h)


def transinformation(N: int, K: float, q_m: float, q_f: float) -> float:
    """Transinformation per pattern of a unit-wise binary channel, in bits.

    T = N[H_b(p(1−q_m) + (1−p)q_f) − p H_b(q_m) − (1−p) H_b(q_f)], p = K/N.

    Parameters
    ----------
    N : int
        Units (>= 1).
    K : float
        (Expected) active units, 0 <= K <= N.
    q_m : float
        Miss probability P(output 0 | pattern 1), in [0, 1].
    q_f : float
        False-unit probability P(output 1 | pattern 0), in [0, 1].

    Returns
    -------
    float
        T in bits per pattern.

    Raises
    ------
    ValueError
        An argument out of range.
    """
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


def info_per_pattern(
    layout: Layout, info: str = "v1", errors: float | tuple[float, float] | None = None
) -> float:
    """Information per stored pattern in bits.

    "v1": N·H_b(a) (authors' code); "error_corrected": modular H[log₂M − h(e) − e log₂(M−1)] with
    e = ``errors`` (fraction of wrong hypercolumns), K-of-N: transinformation with q_m = e,
    q_f = eK/(N−K) (flip errors keep the activity); "transinfo": transinformation with
    ``errors = (q_m, q_f)``.

    Parameters
    ----------
    layout : KofN, Modular or Free
        Network layout.
    info : {"v1", "error_corrected", "transinfo"}
        Convention (see above).
    errors : float or tuple of float, optional
        Error fraction e in [0, 1] (default 0) or (q_m, q_f) for "transinfo".

    Returns
    -------
    float
        Bits per pattern.

    Raises
    ------
    ValueError
        Unknown ``info`` or invalid ``errors``.
    """
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


def n_synapses(layout: Layout, synapses: str = "sym", symmetric: bool = True) -> float:
    """Synapse count S.

    "sym" (authors' code): N(N−1)/2 for a symmetric rule, N² otherwise;
    "exist": existing free parameters, N(N−M)/2 modular / N(N−1)/2 K-of-N (×2 if asymmetric);
    "directed": existing directed synapses, N(N−M) modular / N(N−1) K-of-N; "all": N².

    Parameters
    ----------
    layout : KofN, Modular or Free
        Network layout.
    synapses : {"sym", "exist", "directed", "all"}
        Counting convention.
    symmetric : bool
        Whether the rule's weights are symmetric.

    Returns
    -------
    float
        S (synapses).

    Raises
    ------
    ValueError
        Unknown convention.
    """
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
    P: float,
    layout: Layout,
    *,
    info: str = "v1",
    synapses: str = "sym",
    errors: float | tuple[float, float] | None = None,
    symmetric: bool = True,
) -> float:
    """Storage capacity C = P · I / S in bits per synapse.

    I from :func:`info_per_pattern`, S from :func:`n_synapses`. Headline of ch01:
    C_L = P90·N·H_b(a)/S_sym; T1: C_E with info="error_corrected", synapses="exist".

    Parameters
    ----------
    P : float
        Stored patterns (e.g. P90), >= 0.
    layout : KofN, Modular or Free
        Network layout.
    info : str
        Convention of :func:`info_per_pattern`.
    synapses : str
        Convention of :func:`n_synapses`.
    errors : float or tuple of float, optional
        Errors for :func:`info_per_pattern`.
    symmetric : bool
        Whether the rule's weights are symmetric.

    Returns
    -------
    float
        C in bits per synapse.

    Raises
    ------
    ValueError
        Invalid P or convention.
    """
    P = check_float("P", P, lo=0.0)
    return P * info_per_pattern(layout, info, errors) / n_synapses(layout, synapses, symmetric)


def prototype_score(states: PatternSet, prototypes: PatternSet, labels: ArrayLike) -> float:
    """Fraction of test states that equal their prototype ``prototypes[labels[q]]`` exactly.

    Parameters
    ----------
    states : PatternSet
        Final states [Q].
    prototypes : PatternSet
        Prototypes on the same layout.
    labels : array_like of int
        Prototype index of every state, [Q].

    Returns
    -------
    float
        Score in 0..1 (NaN for Q = 0).

    Raises
    ------
    TypeError
        ``prototypes`` is not a PatternSet.
    ValueError
        Labels of the wrong shape, type or range.
    """
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


def score_window(Q_values: ArrayLike, scores: ArrayLike, level: float = 0.9) -> Window:
    """Window {Q : score(Q) ≥ level} of a prototype curve (90 % by default).

    May be non-contiguous; read off the whole grid, never by a single search.

    Parameters
    ----------
    Q_values : array_like
        Grid of numbers of prototypes, 1-D.
    scores : array_like
        Score at each grid point (0..1), same length.
    level : float
        Score level in [0, 1].

    Returns
    -------
    Window
        Closed intervals of grid values and the largest member.

    Raises
    ------
    ValueError
        Shapes that differ or are not 1-D, or level out of range.
    """
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


def bootstrap_ci(
    values: ArrayLike,
    *,
    stat: Callable[[np.ndarray], Any] = np.mean,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap CI of ``stat`` over ``values`` (resampling the first axis).

    Parameters
    ----------
    values : array_like
        Repetitions along the first axis (at least one).
    stat : callable
        Statistic of a resample (default mean).
    n_boot : int
        Bootstrap resamples (>= 1).
    level : float
        Confidence level in (0, 1).
    seed : int
        Seed.

    Returns
    -------
    tuple of float
        (lo, hi) quantiles (1 − level)/2 and (1 + level)/2 of the finite resampled statistics,
        in the units of ``stat``; (NaN, NaN) if none is finite.

    Raises
    ------
    ValueError
        No values, or invalid n_boot, level or seed.
    """
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


def eps_capacity(P: ArrayLike, eps: ArrayLike, eps0: float) -> EpsCapacity:
    """Pattern capacity P_ε: the first crossing of ``eps0`` by the curve ε(P).

    Linear in (log P, ε) between the last point with ε ≤ ε0 and the next one; censored at the
    grid end ("below", "above") when the crossing lies outside the grid (module doc).

    Parameters
    ----------
    P : array_like
        Positive, strictly increasing loads (patterns), 1-D.
    eps : array_like
        Output noise at each P.
    eps0 : float
        Noise level in (0, 1).

    Returns
    -------
    EpsCapacity
        P_ε (patterns), censoring and re-crossing flag.

    Raises
    ------
    ValueError
        Invalid eps0 or arrays.
    """
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


def eps_array(df: pd.DataFrame, *, K: float) -> tuple[np.ndarray, np.ndarray]:
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


def bootstrap_eps_capacity(
    df: pd.DataFrame, eps0: float, *, K: float, n_boot: int = 1000, seed: int = 0
) -> tuple[float, float, float, str | None]:
    """P_ε of the mean ε(P) curve with a 95 % bootstrap CI over networks and queries.

    Parameters
    ----------
    df : pandas.DataFrame
        Per-query errors with columns P, net, query, miss, false.
    eps0 : float
        Noise level in (0, 1).
    K : float
        (Expected) active units, the normaliser of ε = (miss + false)/K.
    n_boot : int
        Bootstrap resamples (>= 1).
    seed : int
        Seed.

    Returns
    -------
    tuple
        (P_ε, lo, hi, censored): patterns, CI bounds (2.5 and 97.5 percentiles), censoring of
        the point estimate (None, "below" or "above").

    Raises
    ------
    ValueError
        Invalid eps0, n_boot or seed.
    """
    eps0 = _check_eps0(eps0)
    n_boot = check_int("n_boot", n_boot, lo=1)
    rng = np.random.default_rng(check_seed(seed))
    Ps, E = eps_array(df, K=K)
    point = eps_capacity(Ps, np.nanmean(E, axis=(0, 2)), eps0)
    caps = _curve_cap(Ps, _boot_curves(E, n_boot, rng), eps0)
    lo, hi = np.percentile(caps, [2.5, 97.5])
    return point.value, float(lo), float(hi), point.censored


def bootstrap_compare(
    df_a: pd.DataFrame,
    df_b: pd.DataFrame,
    eps0: float,
    *,
    K: float,
    n_boot: int = 1000,
    seed: int = 0,
) -> dict[str, Any]:
    """Paired bootstrap of R = P_ε(a)/P_ε(b) (same networks, cues and query indices).

    Parameters
    ----------
    df_a, df_b : pandas.DataFrame
        Per-query errors (columns P, net, query, miss, false) of two configurations.
    eps0 : float
        Noise level in (0, 1).
    K : float
        (Expected) active units, the normaliser of ε.
    n_boot : int
        Bootstrap resamples (>= 1).
    seed : int
        Seed.

    Returns
    -------
    dict
        ratio, lo, hi (95 % CI of R), a, b (P_ε in patterns), a_censored, b_censored;
        "a beats b beyond CI" is lo > 1.

    Raises
    ------
    ValueError
        Frames from different grids, networks or queries, or invalid eps0/n_boot/seed.
    """
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


def rates_at(df: pd.DataFrame, P_eps: float, *, K: float, N: int) -> tuple[float, float]:
    """(q_m, q_f) = mean misses/K and false ones/(N − K), interpolated at P_ε in log P."""
    g = df.groupby("P")[["miss", "false"]].mean()
    Ps = g.index.to_numpy(dtype=float)
    qm = np.interp(math.log(P_eps), np.log(Ps), g["miss"].to_numpy() / K)
    qf = np.interp(math.log(P_eps), np.log(Ps), g["false"].to_numpy() / (N - K))
    return float(min(max(qm, 0.0), 1.0)), float(min(max(qf, 0.0), 1.0))


def cue_information(N: int, K: float, c: float, f: float) -> float:
    """Information T_cue a cue carries about its pattern, in bits.

    The channel of :func:`transinformation` with q_m = (K − c)/K, q_f = f/(N − K).

    Parameters
    ----------
    N : int
        Units.
    K : float
        (Expected) active units.
    c : float
        Correct active units of the cue.
    f : float
        False active units of the cue.

    Returns
    -------
    float
        T_cue in bits per pattern.

    Raises
    ------
    ValueError
        Rates outside [0, 1].
    """
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
    cue: tuple[float, float] | None = None,
) -> float:
    """C_ε = P_ε·(T − T_cue)/S bits per synapse.

    T: transinformation of the output about the pattern at the error rates (q_m, q_f);
    T_cue (only with ``cue`` = (c, f)): what the cue already carries (:func:`cue_information`),
    so C_ε counts the completion information, the information retrieval adds. Without ``cue``
    the whole pattern information is counted (storage view). S = N² ("all", the author's
    convention, headline) or ch01's "sym" convention: N(N−1)/2 for a symmetric rule, N² for an
    asymmetric one (Bayes, S2, S3 are not halved).

    Parameters
    ----------
    P_eps : float
        Pattern capacity P_ε (patterns), >= 0.
    N : int
        Units (>= 2).
    K : float
        (Expected) active units.
    q_m, q_f : float
        Output miss and false-unit rates at P_ε.
    synapses : {"all", "sym"}
        Synapse-count convention.
    symmetric : bool
        Whether the rule's weights are symmetric ("sym" only).
    cue : tuple of float, optional
        (c, f) of the cues.

    Returns
    -------
    float
        C_ε in bits per synapse.

    Raises
    ------
    ValueError
        Invalid convention, P_eps, N or rates.
    """
    check_choice("synapses", synapses, ("all", "sym"))
    P_eps = check_float("P_eps", P_eps, lo=0.0)
    N = check_int("N", N, lo=2)
    T = transinformation(N, K, q_m, q_f)
    if cue is not None:
        T = T - cue_information(N, K, float(cue[0]), float(cue[1]))
    S = N * N if (synapses == "all" or not symmetric) else N * (N - 1) / 2
    return P_eps * T / S


def mean_curve(df: pd.DataFrame, label: str, *, K: float) -> tuple[np.ndarray, np.ndarray]:
    """(P, mean ε) of one configuration label."""
    d = df[df["label"] == label]
    if d.empty:
        raise ValueError(f"label {label!r} not found")
    g = d.assign(eps=(d["miss"] + d["false"]) / K).groupby("P")["eps"].mean()
    return g.index.to_numpy(), g.to_numpy()


def eps_summary(
    df: pd.DataFrame,
    labels: Iterable[str],
    *,
    K: float,
    N: int,
    eps0s: Iterable[float] = (0.01, 0.03, 0.1),
    n_boot: int = 1000,
    seed: int = 0,
    cue: tuple[float, float] | None = None,
    symmetric: Callable[[str], bool] | None = None,
) -> pd.DataFrame:
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


def eps_compare(
    df: pd.DataFrame, a: str, b: str, eps0: float, *, K: float, n_boot: int = 1000, seed: int = 0
) -> dict[str, Any]:
    """Paired bootstrap of P_ε(a)/P_ε(b) for two labels of one frame (see bootstrap_compare)."""
    da = df[df["label"] == a]
    db = df[df["label"] == b]
    if da.empty or db.empty:
        raise ValueError(f"labels {a!r} and {b!r} must both be in the frame")
    return bootstrap_compare(da, db, eps0, K=K, n_boot=n_boot, seed=seed)
