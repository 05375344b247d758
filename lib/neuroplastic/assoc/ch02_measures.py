"""ch02 measures: output noise, pattern capacity P_ε with bootstrap CIs, bits per synapse.

* Output noise ε = mean over queries of (misses + false ones)/K (Bernoulli: K = pN, expected),
  averaged over networks (dimensionless).
* Pattern capacity P_ε (Knoblauch's M_ε): first crossing of ε0 by ε(P) on a geometric grid,
  linear in (log P, ε) between the last point with ε ≤ ε0 and the next one. A crossing outside the
  grid is censored ("below": ε > ε0 already at the first point; "above": never exceeded), never
  extrapolated; the returned value is then the grid end. A later re-crossing is flagged.
* 95 % CI by bootstrap over networks and queries (query index within a network, the same indices
  at every P); :func:`bootstrap_compare` resamples two configurations run on the same networks and
  cues with the same indices (paired) and returns the CI of their ratio.
* Bits per synapse C_ε = P_ε·T/N² (the author's convention, all N² synapses; ``"sym"``:
  N(N−1)/2), with the transinformation T (bits per pattern) of
  :func:`neuroplastic.assoc.measures.transinformation` at the error rates at P_ε.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._validate import check_choice, check_float, check_int, seed_int
from .measures import transinformation


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
    recrossed = bool(np.any(e[b + 1:] <= eps0))
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
        sel = E[nets[:, None], :, qs]            # [n_nets, nq, n_P]
        out[b] = np.nanmean(sel, axis=(0, 1))
    return out


def bootstrap_eps_capacity(df, eps0: float, *, K: float, n_boot: int = 1000, seed=0):
    """(P_ε of the mean curve, lo, hi, censored) with a 95 % bootstrap CI over networks and queries."""
    eps0 = _check_eps0(eps0)
    n_boot = check_int("n_boot", n_boot, lo=1)
    rng = np.random.default_rng(seed_int(seed))
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
    rng = np.random.default_rng(seed_int(seed))
    n_nets, n_P, nq = Ea.shape
    ra = np.empty(n_boot)
    for b in range(n_boot):
        nets = rng.integers(0, n_nets, n_nets)
        qs = rng.integers(0, nq, (n_nets, nq))
        va = eps_capacity(Ps, np.nanmean(Ea[nets[:, None], :, qs], axis=(0, 1)), eps0).value
        vb = eps_capacity(Ps, np.nanmean(Eb[nets[:, None], :, qs], axis=(0, 1)), eps0).value
        ra[b] = va / vb
    lo, hi = np.percentile(ra, [2.5, 97.5])
    return {"ratio": ca.value / cb.value, "lo": float(lo), "hi": float(hi), "a": ca.value,
            "b": cb.value, "a_censored": ca.censored, "b_censored": cb.censored}


def rates_at(df, P_eps: float, *, K: float, N: int):
    """(q_m, q_f) = mean misses/K and false ones/(N − K), interpolated at P_ε in log P."""
    g = df.groupby("P")[["miss", "false"]].mean()
    Ps = g.index.to_numpy(dtype=float)
    qm = np.interp(math.log(P_eps), np.log(Ps), g["miss"].to_numpy() / K)
    qf = np.interp(math.log(P_eps), np.log(Ps), g["false"].to_numpy() / (N - K))
    return float(min(max(qm, 0.0), 1.0)), float(min(max(qf, 0.0), 1.0))


def capacity_bits(P_eps: float, N: int, K: float, q_m: float, q_f: float, *,
                  synapses: str = "all") -> float:
    """C_ε = P_ε·T/S bits per synapse; S = N² ("all", the author's convention, headline) or
    N(N−1)/2 ("sym", ch01's symmetric-parameter convention)."""
    check_choice("synapses", synapses, ("all", "sym"))
    P_eps = check_float("P_eps", P_eps, lo=0.0)
    N = check_int("N", N, lo=2)
    T = transinformation(N, K, q_m, q_f)
    S = N * N if synapses == "all" else N * (N - 1) / 2
    return P_eps * T / S


def mean_curve(df, label: str, *, K: float):
    """(P, mean ε) of one configuration label."""
    d = df[df["label"] == label]
    if d.empty:
        raise ValueError(f"label {label!r} not found")
    g = d.assign(eps=(d["miss"] + d["false"]) / K).groupby("P")["eps"].mean()
    return g.index.to_numpy(), g.to_numpy()


def summarize(df, labels, *, K: float, N: int, eps0s=(0.01, 0.03, 0.1), n_boot: int = 1000,
              seed=0):
    """DataFrame[label, eps0, P_eps, lo, hi, censored, C_all, C_sym] for each label and ε0."""
    import pandas as pd

    rows = []
    for lab in labels:
        d = df[df["label"] == lab]
        if d.empty:
            raise ValueError(f"label {lab!r} not found")
        for e0 in eps0s:
            v, lo, hi, cens = bootstrap_eps_capacity(d, e0, K=K, n_boot=n_boot, seed=seed)
            qm, qf = rates_at(d, v, K=K, N=N)
            rows.append({"label": lab, "eps0": e0, "P_eps": v, "lo": lo, "hi": hi,
                         "censored": cens or "", "C_all": capacity_bits(v, N, K, qm, qf),
                         "C_sym": capacity_bits(v, N, K, qm, qf, synapses="sym")})
    return pd.DataFrame(rows)


def compare(df, a: str, b: str, eps0: float, *, K: float, n_boot: int = 1000, seed=0) -> dict:
    """Paired bootstrap of P_ε(a)/P_ε(b) for two labels of one frame (see bootstrap_compare)."""
    da = df[df["label"] == a]
    db = df[df["label"] == b]
    if da.empty or db.empty:
        raise ValueError(f"labels {a!r} and {b!r} must both be in the frame")
    return bootstrap_compare(da, db, eps0, K=K, n_boot=n_boot, seed=seed)
