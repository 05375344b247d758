"""One call per figure: grids of rules × conditions × repetitions, run through
``neuroplastic.parallel.sweep`` and cached by ``neuroplastic.book.memoize``.

* :func:`storage_curves` — fcorr(P) per rule on a geometric grid (F1, F2, T3): long DataFrame.
* :func:`curve_summary`, :func:`curve_p90` — mean curves and P90 (+ bootstrap CI, ε, bits).
* :func:`capacity_table` — adaptive P90 per rule (F3, F4, F7): one row per rule.
* :func:`flag_cells`, :func:`order_within_ci` — which P90 values a verdict may use, and the
  CI tolerance of ordered comparisons.
* :func:`prototype_curves`, :func:`prototype_windows` — F6.
All arguments are JSON-able (rule spec strings, layouts as dataclasses or strings) so results
cache by parameter hash.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..book import memoize
from ..parallel import sweep
from ._validate import check_float, check_int, seed_int
from .capacity import StorageTask, crossing, geometric_grid, search_one, sweep_one
from .layouts import Modular, parse_layout
from .measures import bits_per_synapse, bootstrap_ci
from .prototypes import prototype_one
from .rules import parse_rule

_SEARCH_STEP = 0.5
_SEARCH_JITTER = 0.125


def _rule_list(rules):
    if isinstance(rules, str):
        rules = [rules]
    rules = list(rules)
    if not rules:
        raise ValueError("rules must name at least one rule")
    labels = [parse_rule(r)[2] for r in rules]
    if len(set(labels)) != len(labels):
        raise ValueError(f"rules must be distinct; got {labels}")
    return rules, labels


def _task(rule, layout, nflip, skew, redraw, T_max):
    return StorageTask(rule, layout, nflip, T_max=T_max, skew=skew, redraw=redraw)


def curve_job(rule, layout, nflip, skew, redraw, T_max, grid, stop_at, rep, seed):
    """One repetition of one rule along a grid (top-level for the sweep helper)."""
    task = _task(rule, layout, nflip, skew, redraw, T_max)
    rows = sweep_one(task, grid=grid, stop_at=stop_at, rep=rep, seed=seed)
    label = parse_rule(rule)[2]
    return [{"rule": label, "rep": rep, **r} for r in rows]


@memoize
def storage_curves(rules, layout, nflip=1.0, *, P_grid=None, factor=1.05, P_start=20,
                   stop_at=0.001, nrep=10, seed=0, skew=0.0, redraw=None, T_max=15,
                   n_jobs=None, progress=True) -> pd.DataFrame:
    """fcorr(P) for every rule (spec strings such as "covar:mean=global") on ``layout``.

    Grid: ``P_grid`` if given, else P_start, ×factor (rounded, unique) until every repetition of
    that rule has fcorr ≤ stop_at. Repetition r uses seed + 17 r (same nested patterns and cues for
    every rule). Returns a long DataFrame [rule, rep, P, fcorr, eps, miss, false, steps, cycled]."""
    layout = parse_layout(layout)
    rules, labels = _rule_list(rules)
    nrep = check_int("nrep", nrep, lo=1)
    seed = seed_int(seed)
    for r in rules:
        _task(r, layout, nflip, skew, redraw, T_max)      # validate early
    if P_grid is not None:
        grid = [check_int("P_grid[i]", p, lo=1) for p in P_grid]
        stop = None
    else:
        grid = list(geometric_grid(check_int("P_start", P_start, lo=1),
                                   check_float("factor", factor, lo=1.0, lo_open=True), 10**6))
        stop = check_float("stop_at", stop_at, lo=0.0, hi=1.0)
    common = dict(layout=layout, nflip=nflip, skew=skew, redraw=redraw, T_max=T_max)
    jobs = [dict(rule=r, grid=grid, stop_at=stop, rep=k, seed=seed + 17 * k, **common)
            for r in rules for k in range(nrep)]
    res = sweep(curve_job, jobs, n_jobs=n_jobs, desc="storage curves", progress=progress)
    if stop is not None:       # evaluate early-stopped repetitions up to the rule's common end
        more = []
        for i, r in enumerate(rules):
            block = res[i * nrep:(i + 1) * nrep]
            n = max(len(b) for b in block)
            for k, b in enumerate(block):
                if len(b) < n:
                    more.append((i * nrep + k, dict(rule=r, grid=grid[len(b):n], stop_at=None,
                                                    rep=k, seed=seed + 17 * k, **common)))
        if more:
            extra = sweep(curve_job, [m[1] for m in more], n_jobs=n_jobs, desc="fill",
                          progress=progress)
            for (i, _), e in zip(more, extra):
                res[i] = res[i] + e
    df = pd.DataFrame([row for block in res for row in block])
    df["layout"] = str(layout)
    df["nflip"] = float(nflip)
    return df


def curve_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Mean and sd over repetitions per (rule, P): fcorr_mean, fcorr_sd, eps_mean, steps_mean."""
    g = df.groupby(["rule", "P"], sort=False)
    out = g.agg(fcorr_mean=("fcorr", "mean"), fcorr_sd=("fcorr", "std"), eps_mean=("eps", "mean"),
                steps_mean=("steps", "mean"), nrep=("rep", "nunique")).reset_index()
    return out.sort_values(["rule", "P"], kind="stable").reset_index(drop=True)


def rule_symmetric(rule) -> bool:
    """Whether a rule spec gives a symmetric W for the synapse-count convention "sym" of the
    authors' code (N(N−1)/2 synapses): every rule except the asymmetric Bayes "bom"/"bayes"
    without symmetrize (N² synapses), as spec ch01 §4 states. precovar's W is not symmetric
    either; counting it with N(N−1)/2 follows the spec's wording (only bom gets N²) and is our
    reading [R], not something checked against the authors' code."""
    name, params, _ = parse_rule(rule)
    return not (name in ("bayes", "bom") and not params.get("symmetrize", False))


def curve_p90(df: pd.DataFrame, layout, *, target: float = 0.9, n_boot: int = 1000,
              seed=0) -> pd.DataFrame:
    """P90 per rule from :func:`storage_curves` output: crossing of the mean curve (linear in
    log P), 95 % bootstrap CI over repetitions, ε at P90, C_L = P90·N·H_b(a)/S_sym and
    C_E = P90·I_err/S_exist (bits per synapse)."""
    layout = parse_layout(layout)
    rows = []
    for rule, d in df.groupby("rule", sort=False):
        piv = d.pivot_table(index="rep", columns="P", values="fcorr")
        P = piv.columns.to_numpy(dtype=float)
        F = piv.to_numpy()
        p90 = crossing(P, F.mean(axis=0), target)
        lo, hi = bootstrap_ci(F, stat=lambda x: crossing(P, x.mean(axis=0), target),
                              n_boot=n_boot, seed=seed)
        epiv = d.pivot_table(index="rep", columns="P", values="eps").to_numpy().mean(axis=0)
        eps = float(np.interp(np.log(p90), np.log(P), epiv)) if np.isfinite(p90) else np.nan
        rows.append({"rule": rule, "P90": p90, "ci_lo": lo, "ci_hi": hi, "eps_at_P90": eps,
                     **_bits(p90, eps, layout, rule), "nrep": F.shape[0]})
    return pd.DataFrame(rows)


def _bits(p90, eps, layout, rule) -> dict:
    """C_L = P90·N·H_b(a)/S_sym and C_E = P90·I_err(e = ε/2)/S_exist (bits per synapse)."""
    if not np.isfinite(p90):
        return {"C_L": np.nan, "C_E": np.nan}
    sym = rule_symmetric(rule)
    e = min(eps / 2, 1.0) if np.isfinite(eps) else 0.0
    return {"C_L": bits_per_synapse(p90, layout, info="v1", synapses="sym", symmetric=sym),
            "C_E": bits_per_synapse(p90, layout, info="error_corrected", synapses="exist",
                                    errors=e, symmetric=sym)}


def search_job(rule, layout, nflip, skew, redraw, T_max, P0, max_steps, rep, seed):
    """One repetition of the adaptive search for one rule (top-level for the sweep helper)."""
    task = _task(rule, layout, nflip, skew, redraw, T_max)
    est, trace, conv = search_one(task, target=0.9, P0=P0, step=_SEARCH_STEP,
                                  jitter=_SEARCH_JITTER, max_steps=max_steps, rep=rep, seed=seed)
    eps = task.evaluate(max(1, round(est)), rep, seed)["eps"] if np.isfinite(est) else np.nan
    return {"rule": parse_rule(rule)[2], "rep": rep, "P90": est, "eps_at_P90": eps,
            "converged": conv, "n_steps": len(trace), "trace": trace}


@memoize
def capacity_table(rules, layout, nflip=1.0, *, nrep=5, seed=0, P0=None, skew=0.0, redraw=None,
                   T_max=15, max_steps=20, n_boot=1000, n_jobs=None,
                   progress=True) -> pd.DataFrame:
    """Adaptive P90 (spec §4) for every rule: one row per rule with P90_mean, P90_sd, ci_lo,
    ci_hi (95 % bootstrap over repetitions), per_rep (tuple), converged (all repetitions crossed
    0.9), n_converged (how many did), eps_at_P90 (mean over repetitions of ε measured once at round(P90) after each search),
    C_L and C_E (bits per synapse, as in :func:`curve_p90`), and the condition columns. ``P0``: start load (float, or dict rule -> float; default
    0.75 N / nflip^0.5). All rule × repetition searches run in one flat sweep."""
    layout = parse_layout(layout)
    rules, labels = _rule_list(rules)
    nrep = check_int("nrep", nrep, lo=1)
    seed = seed_int(seed)
    for r in rules:
        _task(r, layout, nflip, skew, redraw, T_max)
    default = 0.75 * layout.N / max(float(nflip), 1.0) ** 0.5

    def p0(rule, label):
        if P0 is None:
            return default
        if isinstance(P0, dict):
            return float(P0.get(label, P0.get(rule, default)))
        return check_float("P0", P0, lo=1.0)

    jobs = [dict(rule=r, layout=layout, nflip=nflip, skew=skew, redraw=redraw, T_max=T_max,
                 P0=p0(r, lab), max_steps=max_steps, rep=k, seed=seed + 17 * k)
            for r, lab in zip(rules, labels) for k in range(nrep)]
    res = sweep(search_job, jobs, n_jobs=n_jobs, desc="capacity search", progress=progress)
    rows = []
    for i, lab in enumerate(labels):
        block = res[i * nrep:(i + 1) * nrep]
        est = np.array([b["P90"] for b in block])
        lo, hi = bootstrap_ci(est, n_boot=n_boot, seed=seed)
        p90, eps = float(est.mean()), float(np.mean([b["eps_at_P90"] for b in block]))
        rows.append({"rule": lab, "P90_mean": p90,
                     "P90_sd": float(est.std(ddof=1)) if nrep > 1 else 0.0,
                     "ci_lo": lo, "ci_hi": hi, "per_rep": tuple(float(x) for x in est),
                     "eps_at_P90": eps, **_bits(p90, eps, layout, lab),
                     "converged": bool(all(b["converged"] for b in block)),
                     "n_converged": int(sum(bool(b["converged"]) for b in block)),
                     "layout": str(layout), "nflip": float(nflip), "skew": float(skew),
                     "redraw": redraw, "nrep": nrep})
    return pd.DataFrame(rows)


@memoize
def prototype_curves(rules, layout, Q_values, *, n_inst, d_train, d_test, n_test, nrep=5, seed=0,
                     T_max=15, min_cues=0, n_jobs=None, progress=True) -> pd.DataFrame:
    """Prototype score for every rule × Q × repetition: DataFrame [rule, Q, rep, score, ...].

    At Q prototypes each gets max(n_test, ceil(min_cues / Q)) test instances, so every score
    rests on at least ``min_cues`` cues."""
    layout = parse_layout(layout)
    rules, labels = _rule_list(rules)
    nrep = check_int("nrep", nrep, lo=1)
    seed = seed_int(seed)
    Qs = [check_int("Q_values[i]", q, lo=1) for q in Q_values]
    n_test = check_int("n_test", n_test, lo=1)
    min_cues = check_int("min_cues", min_cues, lo=0)
    jobs = [dict(rule=r, layout=layout, Q=q, n_inst=n_inst, d_train=d_train, d_test=d_test,
                 n_test=max(n_test, -(-min_cues // q)), rep=k, seed=seed + 17 * k, T_max=T_max)
            for r in rules for q in Qs for k in range(nrep)]
    return pd.DataFrame(sweep(prototype_one, jobs, n_jobs=n_jobs, desc="prototypes",
                              progress=progress))


def prototype_windows(df: pd.DataFrame, *, level: float = 0.9) -> pd.DataFrame:
    """Per rule: mean score curve, the level window's intervals and its upper edge."""
    from .measures import score_window

    rows = []
    for rule, d in df.groupby("rule", sort=False):
        m = d.groupby("Q")["score"].mean()
        w = score_window(m.index.to_numpy(), m.to_numpy(), level)
        rows.append({"rule": rule, "intervals": w.intervals, "upper": w.upper})
    return pd.DataFrame(rows)


#: P90 below this load is too coarse to compare: one pattern is more than 5 % of fcorr there
MIN_P90 = 20.0


def flag_cells(df: pd.DataFrame, *, min_P90: float = MIN_P90, p90: str = "P90") -> pd.DataFrame:
    """Mark the P90 values that no verdict may use; returns a copy with ``flag`` (str, empty when
    the value is usable) and ``excluded`` (bool).

    A row is flagged when
    * its adaptive search did not converge: ``n_converged < nrep`` (or ``converged`` false when
      ``n_converged`` is absent): a repetition that never crossed 90 % reports the fallback mean
      of its trajectory, not a crossing;
    * P90 is not finite (a sweep whose mean curve never crossed 90 %);
    * P90 < ``min_P90`` (integer granularity: at P < 20 one pattern is more than 5 % of fcorr,
      and the adaptive step floor k ≤ 1/P stops the search early).
    Several reasons are joined with ", "."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame; got {type(df).__name__}")
    if p90 not in df.columns:
        raise ValueError(f"df must have a {p90!r} column (p90=); got columns {list(df.columns)}")
    min_P90 = check_float("min_P90", min_P90, lo=0.0)
    out = df.copy()
    flags = []
    for _, r in out.iterrows():
        why = []
        nrep = r.get("nrep")
        if "n_converged" in out.columns and pd.notna(r.get("n_converged")):
            if pd.notna(nrep) and int(r["n_converged"]) < int(nrep):
                why.append(f"not converged ({int(r['n_converged'])}/{int(nrep)} repetitions)")
        elif "converged" in out.columns and pd.notna(r.get("converged")) and not r["converged"]:
            why.append("not converged")
        v = r[p90]
        if not np.isfinite(v):
            why.append("no crossing of 90 %")
        elif v < min_P90:
            why.append(f"P90 < {min_P90:g}")
        flags.append(", ".join(why))
    out["flag"] = flags
    out["excluded"] = out["flag"] != ""
    return out


def order_within_ci(lower, upper, *, value: str = "P90") -> bool:
    """Whether "lower < upper" stands under the 95 % CI tolerance of claim C1.

    ``lower``, ``upper``: mappings (e.g. DataFrame rows) with ``value``, ``ci_lo`` and ``ci_hi``.
    The order is contradicted only when lower's value exceeds upper's *and* the two confidence
    intervals do not overlap (lower.ci_lo > upper.ci_hi); equal values or overlapping CIs count as
    a tie, which does not contradict the order. Non-finite values raise ValueError."""
    vals = []
    for name, row in (("lower", lower), ("upper", upper)):
        try:
            v, lo, hi = float(row[value]), float(row["ci_lo"]), float(row["ci_hi"])
        except (KeyError, TypeError, IndexError) as exc:
            raise ValueError(f"{name} must provide {value!r}, 'ci_lo' and 'ci_hi'") from exc
        if not (np.isfinite(v) and np.isfinite(lo) and np.isfinite(hi)):
            raise ValueError(f"{name} must have finite {value}, ci_lo and ci_hi; got "
                             f"{v}, {lo}, {hi}")
        vals.append((v, lo, hi))
    (a, a_lo, _), (b, _, b_hi) = vals
    return not (a > b and a_lo > b_hi)
