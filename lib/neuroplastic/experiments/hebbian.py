"""Chapter 1's experiments (Lansner et al. 2026, seven local Hebbian rules): the figure and table
drivers, the storage table the claims read and the claim checks themselves.

Sweeps (memoized with :func:`neuroplastic.cache.memoize`; grids run through
:func:`neuroplastic.parallel.sweep`):

* :func:`storage_curves` — fcorr(P) per rule on a geometric grid (F1, F2, T3): long DataFrame.
* :func:`capacity_table` — adaptive P90 per rule (F3, F4, F7): one row per rule.
* :func:`prototype_curves` — prototype score per rule × Q × repetition (F6).

Summaries and tables (pure functions of the sweeps):

* :func:`curve_summary`, :func:`curve_p90` — mean curves and P90 (+ bootstrap CI, ε, bits).
* :func:`sweep_cells`, :func:`search_cells`, :func:`capacity_levels` — rows of the storage table.
* :func:`flag_cells`, :func:`order_within_ci` — which P90 values a verdict may use, and the CI
  tolerance of ordered comparisons.
* :func:`prototype_windows`, :func:`nonmonotone_rules` — F6's 90 % windows and low-load dips.
* :func:`zipf_calibration` — the Zipf exponents of both layouts at equal mean pattern overlap.
* :func:`retention_table`, :func:`storage_table`, :func:`rank_table`.
* :func:`check_claims` — claims C1–C6 as plain data (``ClaimCheck``), which the chapter
  registers with ``neuroplastic.book.Claims`` (this layer does not import ``book``).

All sweep arguments are JSON-able (rule spec strings, layouts as dataclasses or strings) so
results cache by parameter hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..assoc.capacity import StorageTask, crossing, geometric_grid, search_one, sweep_one
from ..assoc.layouts import parse_layout
from ..assoc.measures import bits_per_synapse, bootstrap_ci, score_window
from ..assoc.prototypes import prototype_one
from ..assoc.rules import parse_rule
from ..cache import memoize
from ..parallel import sweep
from ..validation import check_float, check_int, check_seed
from . import tables

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from IPython.display import Markdown
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..assoc.layouts import Layout

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


def curve_job(
    rule: str,
    layout: str | Layout,
    nflip: float,
    skew: float,
    redraw: float | None,
    T_max: int,
    grid: Sequence[int],
    stop_at: float,
    rep: int,
    seed: int,
) -> list[dict]:
    """One repetition of one rule along a grid of loads (top-level for the sweep helper).

    Parameters
    ----------
    rule : str
        Rule spec.
    layout, nflip, skew, redraw, T_max
        As for :func:`storage_curves`.
    grid : sequence of int
        Loads P (patterns).
    stop_at : float
        Stop when fcorr <= this.
    rep : int
        Repetition index.
    seed : int

    Returns
    -------
    list of dict
        One row per load: rule, rep, P and the measures of
        :func:`neuroplastic.assoc.capacity.sweep_one`.
    """
    task = _task(rule, layout, nflip, skew, redraw, T_max)
    rows = sweep_one(task, grid=grid, stop_at=stop_at, rep=rep, seed=seed)
    label = parse_rule(rule)[2]
    return [{"rule": label, "rep": rep, **r} for r in rows]


@memoize
def storage_curves(
    rules: str | Sequence[str],
    layout: str | Layout,
    nflip: float = 1.0,
    *,
    P_grid: Sequence[int] | None = None,
    factor: float = 1.05,
    P_start: int = 20,
    stop_at: float = 0.001,
    nrep: int = 10,
    seed: int = 0,
    skew: float = 0.0,
    redraw: float | None = None,
    T_max: int = 15,
    n_jobs: int | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """fcorr(P), the fraction of patterns recalled exactly at load P, for every rule on
    ``layout``. Memoized.

    Grid: ``P_grid`` if given, else P_start, ×factor (rounded, unique) until every
    repetition of that rule has fcorr ≤ stop_at. Repetition r uses seed + 17 r (same nested
    patterns and cues for every rule).

    Parameters
    ----------
    rules : str or sequence of str
        Distinct rule specs such as ``"covar:mean=global"``.
    layout : str or Layout
        Network layout, e.g. ``"modular:20x20"`` (H×M) or ``"kofn:400/20"``.
    nflip : float, default 1.0
        Mean flipped units per cue.
    P_grid : sequence of int, optional
        Loads P (patterns).
    factor : float, default 1.05
    P_start : int, default 20
    stop_at : float, default 0.001
    nrep : int, default 10
        Repetitions.
    seed : int, default 0
    skew : float, default 0.0
        Zipf exponent of the pattern ensemble.
    redraw : float, optional
        Re-draw probability of a parent-correlated ensemble (None: independent patterns).
    T_max : int, default 15
        Maximum retrieval steps.
    n_jobs : int, optional
    progress : bool, default True

    Returns
    -------
    pandas.DataFrame
        Long: rule, rep, P, fcorr, eps (output noise), miss, false, steps, cycled.

    Raises
    ------
    ValueError
        If ``rules`` is empty or names a rule twice.
    """
    layout = parse_layout(layout)
    rules, labels = _rule_list(rules)
    nrep = check_int("nrep", nrep, lo=1)
    seed = check_seed(seed)
    for r in rules:
        _task(r, layout, nflip, skew, redraw, T_max)  # validate early
    if P_grid is not None:
        grid = [check_int("P_grid[i]", p, lo=1) for p in P_grid]
        stop = None
    else:
        grid = list(
            geometric_grid(
                check_int("P_start", P_start, lo=1),
                check_float("factor", factor, lo=1.0, lo_open=True),
                10**6,
            )
        )
        stop = check_float("stop_at", stop_at, lo=0.0, hi=1.0)
    common = dict(layout=layout, nflip=nflip, skew=skew, redraw=redraw, T_max=T_max)
    jobs = [
        dict(rule=r, grid=grid, stop_at=stop, rep=k, seed=seed + 17 * k, **common)
        for r in rules
        for k in range(nrep)
    ]
    res = sweep(curve_job, jobs, n_jobs=n_jobs, desc="storage curves", progress=progress)
    if stop is not None:  # evaluate early-stopped repetitions up to the rule's common end
        more = []
        for i, r in enumerate(rules):
            block = res[i * nrep : (i + 1) * nrep]
            n = max(len(b) for b in block)
            for k, b in enumerate(block):
                if len(b) < n:
                    more.append(
                        (
                            i * nrep + k,
                            dict(
                                rule=r,
                                grid=grid[len(b) : n],
                                stop_at=None,
                                rep=k,
                                seed=seed + 17 * k,
                                **common,
                            ),
                        )
                    )
        if more:
            extra = sweep(
                curve_job, [m[1] for m in more], n_jobs=n_jobs, desc="fill", progress=progress
            )
            for (i, _), e in zip(more, extra):
                res[i] = res[i] + e
    df = pd.DataFrame([row for block in res for row in block])
    df["layout"] = str(layout)
    df["nflip"] = float(nflip)
    return df


def curve_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Mean and sd over repetitions per (rule, P).

    Parameters
    ----------
    df : pandas.DataFrame
        From :func:`storage_curves`.

    Returns
    -------
    pandas.DataFrame
        rule, P, fcorr_mean, fcorr_sd, eps_mean, steps_mean.
    """
    g = df.groupby(["rule", "P"], sort=False)
    out = g.agg(
        fcorr_mean=("fcorr", "mean"),
        fcorr_sd=("fcorr", "std"),
        eps_mean=("eps", "mean"),
        steps_mean=("steps", "mean"),
        nrep=("rep", "nunique"),
    ).reset_index()
    return out.sort_values(["rule", "P"], kind="stable").reset_index(drop=True)


def rule_symmetric(rule: str) -> bool:
    """Whether a rule spec gives a symmetric W for the synapse-count convention "sym" of
    the authors' code (N(N−1)/2 synapses).

    Every rule except the asymmetric Bayes "bom"/"bayes" without symmetrize (N² synapses).
    precovar's W is not symmetric either; counting it with N(N−1)/2 (only bom gets N²) is
    our reading [R], not something checked against the authors' code.

    Parameters
    ----------
    rule : str
        Rule spec.

    Returns
    -------
    bool
    """
    name, params, _ = parse_rule(rule)
    return not (name in ("bayes", "bom") and not params.get("symmetrize", False))


def curve_p90(
    df: pd.DataFrame,
    layout: str | Layout,
    *,
    target: float = 0.9,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """P90 per rule from :func:`storage_curves` output: crossing of the mean curve (linear
    in log P), 95 % bootstrap CI over repetitions, ε at P90, C_L = P90·N·H_b(a)/S_sym and
    C_E = P90·I_err/S_exist (bits per synapse).

    Parameters
    ----------
    df : pandas.DataFrame
        From :func:`storage_curves`.
    layout : str or Layout
    target : float, default 0.9
        The fcorr level crossed.
    n_boot : int, default 1000
        Bootstrap resamples.
    seed : int, default 0

    Returns
    -------
    pandas.DataFrame
        One row per rule.
    """
    layout = parse_layout(layout)
    rows = []
    for rule, d in df.groupby("rule", sort=False):
        piv = d.pivot_table(index="rep", columns="P", values="fcorr")
        P = piv.columns.to_numpy(dtype=float)
        F = piv.to_numpy()
        p90 = crossing(P, F.mean(axis=0), target)
        lo, hi = bootstrap_ci(
            F, stat=lambda x, P=P: crossing(P, x.mean(axis=0), target), n_boot=n_boot, seed=seed
        )
        epiv = d.pivot_table(index="rep", columns="P", values="eps").to_numpy().mean(axis=0)
        eps = float(np.interp(np.log(p90), np.log(P), epiv)) if np.isfinite(p90) else np.nan
        rows.append(
            {
                "rule": rule,
                "P90": p90,
                "ci_lo": lo,
                "ci_hi": hi,
                "eps_at_P90": eps,
                **_bits(p90, eps, layout, rule),
                "nrep": F.shape[0],
            }
        )
    return pd.DataFrame(rows)


def _bits(p90, eps, layout, rule) -> dict:
    """C_L = P90·N·H_b(a)/S_sym and C_E = P90·I_err(e = ε/2)/S_exist (bits per synapse)."""
    if not np.isfinite(p90):
        return {"C_L": np.nan, "C_E": np.nan}
    sym = rule_symmetric(rule)
    e = min(eps / 2, 1.0) if np.isfinite(eps) else 0.0
    return {
        "C_L": bits_per_synapse(p90, layout, info="v1", synapses="sym", symmetric=sym),
        "C_E": bits_per_synapse(
            p90, layout, info="error_corrected", synapses="exist", errors=e, symmetric=sym
        ),
    }


def search_job(
    rule: str,
    layout: str | Layout,
    nflip: float,
    skew: float,
    redraw: float | None,
    T_max: int,
    P0: float,
    max_steps: int,
    rep: int,
    seed: int,
) -> dict:
    """One repetition of the adaptive P90 search for one rule (top-level for the sweep
    helper).

    Parameters
    ----------
    rule : str
    layout, nflip, skew, redraw, T_max
        As for :func:`capacity_table`.
    P0 : float
        Start load (patterns).
    max_steps : int
        Search steps.
    rep : int
    seed : int

    Returns
    -------
    dict
        rule, rep, P90 (patterns), eps_at_P90, converged, n_steps and the search's trace.
    """
    task = _task(rule, layout, nflip, skew, redraw, T_max)
    est, trace, conv = search_one(
        task,
        target=0.9,
        P0=P0,
        step=_SEARCH_STEP,
        jitter=_SEARCH_JITTER,
        max_steps=max_steps,
        rep=rep,
        seed=seed,
    )
    eps = task.evaluate(max(1, round(est)), rep, seed)["eps"] if np.isfinite(est) else np.nan
    return {
        "rule": parse_rule(rule)[2],
        "rep": rep,
        "P90": est,
        "eps_at_P90": eps,
        "converged": conv,
        "n_steps": len(trace),
        "trace": trace,
    }


@memoize
def capacity_table(
    rules: str | Sequence[str],
    layout: str | Layout,
    nflip: float = 1.0,
    *,
    nrep: int = 5,
    seed: int = 0,
    P0: float | dict | None = None,
    skew: float = 0.0,
    redraw: float | None = None,
    T_max: int = 15,
    max_steps: int = 20,
    n_boot: int = 1000,
    n_jobs: int | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Adaptive P90 (the authors' search) for every rule. Memoized.

    All rule × repetition searches run in one flat sweep.

    Parameters
    ----------
    rules : str or sequence of str
    layout : str or Layout
        Network layout, e.g. ``"modular:20x20"`` (H×M) or ``"kofn:400/20"``.
    nflip : float, default 1.0
        Mean flipped units per cue.
    nrep : int, default 5
    seed : int, default 0
    P0 : float or dict, optional
        Start load (patterns), or rule -> start load; default 0.75 N / nflip^0.5.
    skew : float, default 0.0
        Zipf exponent of the pattern ensemble.
    redraw : float, optional
        Re-draw probability of a parent-correlated ensemble (None: independent patterns).
    T_max : int, default 15
        Maximum retrieval steps.
    max_steps : int, default 20
    n_boot : int, default 1000
    n_jobs : int, optional
    progress : bool, default True

    Returns
    -------
    pandas.DataFrame
        One row per rule: P90_mean, P90_sd, ci_lo, ci_hi (95 % bootstrap over
        repetitions), per_rep (tuple), converged (all repetitions crossed 0.9), n_converged
        (how many did), eps_at_P90 (mean over repetitions of ε measured once at round(P90)
        after each search), C_L and C_E (bits per synapse, as in :func:`curve_p90`), and the
        condition columns.
    """
    layout = parse_layout(layout)
    rules, labels = _rule_list(rules)
    nrep = check_int("nrep", nrep, lo=1)
    seed = check_seed(seed)
    for r in rules:
        _task(r, layout, nflip, skew, redraw, T_max)
    default = 0.75 * layout.N / max(float(nflip), 1.0) ** 0.5

    def p0(rule, label):
        if P0 is None:
            return default
        if isinstance(P0, dict):
            return float(P0.get(label, P0.get(rule, default)))
        return check_float("P0", P0, lo=1.0)

    jobs = [
        dict(
            rule=r,
            layout=layout,
            nflip=nflip,
            skew=skew,
            redraw=redraw,
            T_max=T_max,
            P0=p0(r, lab),
            max_steps=max_steps,
            rep=k,
            seed=seed + 17 * k,
        )
        for r, lab in zip(rules, labels)
        for k in range(nrep)
    ]
    res = sweep(search_job, jobs, n_jobs=n_jobs, desc="capacity search", progress=progress)
    rows = []
    for i, lab in enumerate(labels):
        block = res[i * nrep : (i + 1) * nrep]
        est = np.array([b["P90"] for b in block])
        lo, hi = bootstrap_ci(est, n_boot=n_boot, seed=seed)
        p90, eps = float(est.mean()), float(np.mean([b["eps_at_P90"] for b in block]))
        rows.append(
            {
                "rule": lab,
                "P90_mean": p90,
                "P90_sd": float(est.std(ddof=1)) if nrep > 1 else 0.0,
                "ci_lo": lo,
                "ci_hi": hi,
                "per_rep": tuple(float(x) for x in est),
                "eps_at_P90": eps,
                **_bits(p90, eps, layout, lab),
                "converged": bool(all(b["converged"] for b in block)),
                "n_converged": int(sum(bool(b["converged"]) for b in block)),
                "layout": str(layout),
                "nflip": float(nflip),
                "skew": float(skew),
                "redraw": redraw,
                "nrep": nrep,
            }
        )
    return pd.DataFrame(rows)


@memoize
def prototype_curves(
    rules: str | Sequence[str],
    layout: str | Layout,
    Q_values: Sequence[int],
    *,
    n_inst: int,
    d_train: float,
    d_test: float,
    n_test: int,
    nrep: int = 5,
    seed: int = 0,
    T_max: int = 15,
    min_cues: int = 0,
    n_jobs: int | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Prototype score for every rule × Q × repetition. Memoized.

    At Q prototypes each gets max(n_test, ceil(min_cues / Q)) test instances, so every
    score rests on at least ``min_cues`` cues.

    Parameters
    ----------
    rules : str or sequence of str
    layout : str or Layout
    Q_values : sequence of int
        Prototype counts Q.
    n_inst : int
        Training instances per prototype.
    d_train, d_test : float
        Distortion of training and test instances (flips).
    n_test : int
        Test instances per prototype (at least).
    nrep : int, default 5
    seed : int, default 0
    T_max : int, default 15
        Maximum retrieval steps.
    min_cues : int, default 0
    n_jobs : int, optional
    progress : bool, default True

    Returns
    -------
    pandas.DataFrame
        rule, Q, rep, score, ...
    """
    layout = parse_layout(layout)
    rules, labels = _rule_list(rules)
    nrep = check_int("nrep", nrep, lo=1)
    seed = check_seed(seed)
    Qs = [check_int("Q_values[i]", q, lo=1) for q in Q_values]
    n_test = check_int("n_test", n_test, lo=1)
    min_cues = check_int("min_cues", min_cues, lo=0)
    jobs = [
        dict(
            rule=r,
            layout=layout,
            Q=q,
            n_inst=n_inst,
            d_train=d_train,
            d_test=d_test,
            n_test=max(n_test, -(-min_cues // q)),
            rep=k,
            seed=seed + 17 * k,
            T_max=T_max,
        )
        for r in rules
        for q in Qs
        for k in range(nrep)
    ]
    return pd.DataFrame(
        sweep(prototype_one, jobs, n_jobs=n_jobs, desc="prototypes", progress=progress)
    )


def prototype_windows(df: pd.DataFrame, *, level: float = 0.9) -> pd.DataFrame:
    """Per rule: mean score curve, the level window's intervals and its upper edge.

    Parameters
    ----------
    df : pandas.DataFrame
        From :func:`prototype_curves`.
    level : float, default 0.9

    Returns
    -------
    pandas.DataFrame
    """
    rows = []
    for rule, d in df.groupby("rule", sort=False):
        m = d.groupby("Q")["score"].mean()
        w = score_window(m.index.to_numpy(), m.to_numpy(), level)
        rows.append({"rule": rule, "intervals": w.intervals, "upper": w.upper})
    return pd.DataFrame(rows)


#: P90 below this load is too coarse to compare: one pattern is more than 5 % of fcorr there
MIN_P90 = 20.0


def flag_cells(df: pd.DataFrame, *, min_P90: float = MIN_P90, p90: str = "P90") -> pd.DataFrame:
    """Mark the P90 values that no verdict may use.

    A row is flagged when
    * its adaptive search did not converge: ``n_converged < nrep`` (or ``converged`` false
      when ``n_converged`` is absent): a repetition that never crossed 90 % reports the
      fallback mean of its trajectory, not a crossing;
    * P90 is not finite (a sweep whose mean curve never crossed 90 %);
    * P90 < ``min_P90`` (integer granularity: at P < 20 one pattern is more than 5 % of
      fcorr, and the adaptive step floor k ≤ 1/P stops the search early).
    Several reasons are joined with ", ".

    Parameters
    ----------
    df : pandas.DataFrame
        Storage-table rows.
    min_P90 : float, default MIN_P90
    p90 : str, default "P90"
        The column holding P90.

    Returns
    -------
    pandas.DataFrame
        A copy with ``flag`` (str, empty when the value is usable) and ``excluded`` (bool).
    """
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


def order_within_ci(lower: Mapping, upper: Mapping, *, value: str = "P90") -> bool:
    """Whether "lower < upper" stands under the 95 % CI tolerance of claim C1.

    The order is contradicted only when lower's value exceeds upper's *and* the two
    confidence intervals do not overlap (lower.ci_lo > upper.ci_hi); equal values or
    overlapping CIs count as a tie, which does not contradict the order.

    Parameters
    ----------
    lower, upper : mapping
        E.g. DataFrame rows, with ``value``, ``ci_lo`` and ``ci_hi``.
    value : str, default "P90"

    Returns
    -------
    bool

    Raises
    ------
    ValueError
        For non-finite values.
    """
    vals = []
    for name, row in (("lower", lower), ("upper", upper)):
        try:
            v, lo, hi = float(row[value]), float(row["ci_lo"]), float(row["ci_hi"])
        except (KeyError, TypeError, IndexError) as exc:
            raise ValueError(f"{name} must provide {value!r}, 'ci_lo' and 'ci_hi'") from exc
        if not (np.isfinite(v) and np.isfinite(lo) and np.isfinite(hi)):
            raise ValueError(
                f"{name} must have finite {value}, ci_lo and ci_hi; got {v}, {lo}, {hi}"
            )
        vals.append((v, lo, hi))
    (a, a_lo, _), (b, _, b_hi) = vals
    return not (a > b and a_lo > b_hi)


# ---------------------------------------------------------------- names of the chapter

#: the seven rules of the benchmark (Bayes as the symmetric boms)
SEVEN = ("hebb", "covar", "precovar", "hopfield", "willshaw", "bcpnn", "boms")
#: the two Bayesian-Hebbian rules of claims C3–C6
BAYESIAN = ("bcpnn", "boms")
#: display names of the rules
NAMES = {
    "hebb": "Hebb",
    "covar": "covar",
    "precovar": "precovar",
    "hopfield": "Hopfield (sparse)",
    "willshaw": "Willshaw",
    "bcpnn": "BCPNN",
    "boms": "Bayes (boms)",
    "bom": "Bayes (bom)",
}

_STORAGE_COLS = [
    "fig",
    "condition",
    "layout",
    "rule",
    "method",
    "P90",
    "sd",
    "ci_lo",
    "ci_hi",
    "eps",
    "P_eps",
    "C_L",
    "C_E",
    "nrep",
    "converged",
    "n_converged",
    "family",
    "level",
    "zipf",
]


def _check_frame(name, df, cols):
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame; got {type(df).__name__}")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"{name} must have columns {missing}; got {list(df.columns)}")


# ---------------------------------------------------------------- rows of the storage table


def sweep_cells(
    fig: str,
    condition: str,
    curves: pd.DataFrame,
    layout: str | Layout,
    *,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Storage-table rows of a sweep (:func:`storage_curves` output), one per rule.

    P90 (crossing of the mean curve), sd of the per-repetition crossings, 95 % bootstrap
    CI, ε at P90, P_eps (largest load with mean ε ≤ 0.01), C_L and C_E (bits per synapse),
    flagged by :func:`flag_cells`.

    Parameters
    ----------
    fig : str
        Figure id, e.g. ``"F1"``.
    condition : str
        Condition label.
    curves : pandas.DataFrame
    layout : str or Layout
    n_boot : int, default 1000
    seed : int, default 0

    Returns
    -------
    pandas.DataFrame
    """
    _check_frame("curves", curves, ["rule", "rep", "P", "fcorr", "eps"])
    layout = parse_layout(layout)
    s = curve_p90(curves, layout, n_boot=n_boot, seed=seed).set_index("rule")
    summ = curve_summary(curves)
    rows = []
    for rule, d in curves.groupby("rule", sort=False):
        piv = d.pivot_table(index="rep", columns="P", values="fcorr")
        Ps = piv.columns.to_numpy(dtype=float)
        per = np.array([crossing(Ps, f) for f in piv.to_numpy()])
        m = summ[summ.rule == rule]
        p_eps = crossing(m.P.to_numpy(dtype=float), -m.eps_mean.to_numpy(), -0.01)
        r = s.loc[rule]
        fin = per[np.isfinite(per)]
        rows.append(
            {
                "fig": fig,
                "condition": condition,
                "layout": str(layout),
                "rule": rule,
                "method": "sweep",
                "P90": r.P90,
                "sd": float(np.std(fin, ddof=1)) if fin.size > 1 else np.nan,
                "ci_lo": r.ci_lo,
                "ci_hi": r.ci_hi,
                "eps": r.eps_at_P90,
                "P_eps": p_eps,
                "C_L": r.C_L,
                "C_E": r.C_E,
                "nrep": int(r.nrep),
                "zipf": "both",
            }
        )
    return flag_cells(pd.DataFrame(rows), min_P90=MIN_P90)


def search_cells(
    fig: str,
    condition: str,
    table: pd.DataFrame,
    *,
    family: str | None = None,
    level: float | None = None,
    zipf: str = "both",
) -> pd.DataFrame:
    """Storage-table rows of a :func:`capacity_table`, flagged by :func:`flag_cells`
    (search not converged in every repetition, or P90 < :data:`MIN_P90`).

    Parameters
    ----------
    fig : str
        Figure id.
    condition : str
        Condition label.
    table : pandas.DataFrame
        From :func:`capacity_table`.
    family : str, optional
        Sweep family of the rows.
    level : float, optional
        Level within the family.
    zipf : str, default "both"
        Which Zipf ensemble the row belongs to ("both" for rows that are no Zipf cell,
        "calibrated" or "raw").

    Returns
    -------
    pandas.DataFrame
    """
    _check_frame("table", table, ["rule", "P90_mean", "P90_sd", "eps_at_P90", "ci_lo", "ci_hi"])
    if zipf not in ("both", "calibrated", "raw"):
        raise ValueError(f"zipf must be 'both', 'calibrated' or 'raw'; got {zipf!r}")
    t = table.rename(columns={"P90_mean": "P90", "P90_sd": "sd", "eps_at_P90": "eps"})
    t = t.assign(
        fig=fig,
        condition=condition,
        method="search",
        family=family,
        level=level,
        P_eps=np.nan,
        zipf=zipf,
    )
    return flag_cells(t[_STORAGE_COLS], min_P90=MIN_P90)


def capacity_levels(
    fig: str,
    family: str,
    layout: str | Layout,
    points: Sequence[tuple],
    *,
    p0: dict,
    nflip: float = 1.0,
    rules: Sequence[str] = SEVEN,
    nrep: int = 5,
    seed: int = 0,
    zipf: str = "both",
    progress: bool = False,
) -> pd.DataFrame:
    """Adaptive P90 of ``rules`` along one condition axis (F4, F7), as storage-table rows.

    The first level starts each rule's search at ``p0[rule]`` (e.g. the sweep's P90), every
    later level at the previous level's estimate (at least 2) [R].

    Parameters
    ----------
    fig : str
        Figure id.
    family : str
        The sweep family.
    layout : str or Layout
    points : sequence of tuple
        (level, keyword arguments of :func:`capacity_table`, condition label) per level;
        a ``nflip`` in the keywords overrides ``nflip``.
    p0 : dict
        Rule -> first start load (patterns).
    nflip : float, default 1.0
    rules : sequence of str, default SEVEN
    nrep : int, default 5
    seed : int, default 0
    zipf : str, default "both"
        As for :func:`search_cells`.
    progress : bool, default False

    Returns
    -------
    pandas.DataFrame
    """
    layout = parse_layout(layout)
    rules = list(rules)
    p0 = {r: float(p0[r]) for r in rules}
    out = []
    for lv, kw, label in points:
        kw = dict(kw)
        nf = kw.pop("nflip", nflip)
        tab = capacity_table(
            rules, layout, nf, nrep=nrep, seed=seed, P0=p0, progress=progress, **kw
        )
        out.append(
            search_cells(fig, f"{layout}, {label}", tab, family=family, level=float(lv), zipf=zipf)
        )
        p0 = {r: max(2.0, v) for r, v in zip(tab.rule, tab.P90_mean)}
    if not out:
        raise ValueError("points must give at least one level")
    return pd.concat(out, ignore_index=True)


def marked(df: pd.DataFrame, col: str = "P90", fmt: str = "{:.1f}") -> pd.DataFrame:
    """Pivot rule × condition of ``col`` as text, with a † on values excluded from verdicts.

    Parameters
    ----------
    df : pandas.DataFrame
        Storage-table rows (with ``excluded``).
    col : str, default "P90"
    fmt : str, default "{:.1f}"

    Returns
    -------
    pandas.DataFrame
    """
    _check_frame("df", df, ["rule", "condition", "excluded", col])
    txt = df.assign(v=[fmt.format(v) + (" †" if x else "") for v, x in zip(df[col], df.excluded)])
    return txt.pivot_table(
        index="rule", columns="condition", values="v", aggfunc="first", sort=False
    ).rename(index=NAMES)


def storage_table(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The storage cells of the seven rules: the concatenated storage-table rows ``parts``
    restricted to :data:`SEVEN`, with ``cell`` = "fig: condition".

    Parameters
    ----------
    parts : sequence of pandas.DataFrame

    Returns
    -------
    pandas.DataFrame
    """
    parts = [p for p in parts if p is not None]
    if not parts:
        raise ValueError("parts must hold at least one storage-table frame")
    st = pd.concat(parts, ignore_index=True)
    _check_frame("parts", st, ["fig", "condition", "rule", "P90", "excluded"])
    st = st[st.rule.isin(SEVEN)].reset_index(drop=True)
    st["cell"] = st.fig + ": " + st.condition
    return st


def rank_table(storage: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rank of each rule per storage cell (1 = largest P90) and the excluded flags.

    Parameters
    ----------
    storage : pandas.DataFrame
        From :func:`storage_table`.

    Returns
    -------
    ranks, excluded : pandas.DataFrame
        Both cell × rule.
    """
    _check_frame("storage", storage, ["cell", "rule", "P90", "excluded"])
    ranks = (
        storage.pivot_table(index="cell", columns="rule", values="P90", sort=False)[list(SEVEN)]
        .rank(axis=1, ascending=False, method="min")
        .astype(int)
    )
    dag = storage.pivot_table(
        index="cell", columns="rule", values="excluded", aggfunc="first", sort=False
    )[list(SEVEN)].astype(bool)
    return ranks, dag


# ---------------------------------------------------------------- F4, F6, F7 summaries


def ranking(df: pd.DataFrame) -> tuple:
    """The seven rules ordered by P90, largest first.

    Parameters
    ----------
    df : pandas.DataFrame
        Storage-table rows of one cell.

    Returns
    -------
    tuple of str
    """
    return tuple(df[df.rule.isin(SEVEN)].sort_values("P90", ascending=False).rule)


def distortion_summary(f4: pd.DataFrame) -> dict:
    """F4 in words.

    Parameters
    ----------
    f4 : pandas.DataFrame
        The storage-table rows of the distortion sweep.

    Returns
    -------
    dict
        ``same_ranking`` (the first family's full ranking is the same at every level),
        ``top`` (the top rules over all conditions), ``falls`` (rules whose P90 falls at
        every added flip in every family).
    """
    _check_frame("f4", f4, ["family", "condition", "rule", "level", "P90"])
    first = f4[f4.family == f4.family.iloc[0]]
    same = all(
        ranking(g) == ranking(f4[f4.condition == f4.condition.iloc[0]])
        for _, g in first.groupby("condition")
    )
    top = sorted({ranking(g)[0] for _, g in f4.groupby("condition")})
    falls = [
        r
        for r in SEVEN
        if all(
            np.all(np.diff(g[g.rule == r].sort_values("level").P90) < 0)
            for _, g in f4.groupby("family")
        )
    ]
    return {"same_ranking": same, "top": top, "falls": falls}


def nonmonotone_rules(df: pd.DataFrame, rise: float = 0.1) -> list:
    """Rules whose mean prototype score rises by at least ``rise`` when Q grows (low-load
    dip).

    Parameters
    ----------
    df : pandas.DataFrame
        From :func:`prototype_curves`.
    rise : float, default 0.1

    Returns
    -------
    list of str
    """
    _check_frame("df", df, ["rule", "Q", "score"])
    rise = check_float("rise", rise, lo=0.0)
    out = []
    for rule, d in df.groupby("rule", sort=False):
        m = d.groupby("Q").score.mean().to_numpy()
        if any(m[j] - m[i] >= rise for i in range(len(m)) for j in range(i + 1, len(m))):
            out.append(rule)
    return out


def zipf_calibration(layouts: dict, skews: Sequence[float]) -> pd.DataFrame:
    """The Zipf levels of F7.

    Per modular exponent s: the relative mean overlap ρ = overlap(s) / overlap(0) of
    ``layouts["modular"]``, the K-of-N exponent with the same ρ (calibrated), the K-of-N ρ
    at the raw exponent s and the probability of the most used unit in each ensemble.

    Parameters
    ----------
    layouts : dict
        ``"modular"`` and ``"kofn"`` -> layout.
    skews : sequence of float
        Modular Zipf exponents s.

    Returns
    -------
    pandas.DataFrame
    """
    from ..assoc.patterns import zipf_overlap, zipf_skew_for_overlap, zipf_unit_probabilities

    if not isinstance(layouts, dict) or set(layouts) != {"modular", "kofn"}:
        raise ValueError("layouts must be a dict with keys 'modular' and 'kofn'")
    s = [check_float("skews[i]", x, lo=0.0) for x in skews]
    mod, kn = parse_layout(layouts["modular"]), parse_layout(layouts["kofn"])
    o_mod, o_kn = zipf_overlap(mod, 0.0), zipf_overlap(kn, 0.0)
    rho = [zipf_overlap(mod, x) / o_mod for x in s]
    cal = [zipf_skew_for_overlap(kn, r * o_kn) if x > 0 else 0.0 for x, r in zip(s, rho)]

    def pmax(lay, x):
        return float(zipf_unit_probabilities(lay, x).max())

    return pd.DataFrame(
        {
            "s": s,
            "rho": rho,
            "s_kofn": cal,
            "pmax_modular": [pmax(mod, x) for x in s],
            "pmax_kofn": [pmax(kn, x) for x in cal],
            "rho_kofn_raw": [zipf_overlap(kn, x) / o_kn for x in s],
            "pmax_kofn_raw": [pmax(kn, x) for x in s],
        }
    )


def retention(df: pd.DataFrame) -> tuple[pd.Series, float, float, int]:
    """P90 at the hardest / P90 at the easiest level, per rule, for one sweep family.

    Over the levels at which no rule's P90 is excluded from verdicts; NaN when fewer than
    two remain. A parent family ("parent" in its name) runs from r = 1 (easiest)
    downwards.

    Parameters
    ----------
    df : pandas.DataFrame
        Storage-table rows of one family.

    Returns
    -------
    retention : pandas.Series
        Per rule.
    easiest, hardest : float
        The levels used.
    n_excluded : int
        Levels left out.
    """
    _check_frame("df", df, ["family", "level", "rule", "P90", "excluded"])
    parent = "parent" in df.family.iloc[0]
    bad = set(df.level[df.excluded])
    ok = sorted(set(df.level) - bad, reverse=parent)
    if len(ok) < 2:
        return pd.Series(np.nan, index=list(SEVEN)), np.nan, np.nan, len(bad)
    e = df[df.level == ok[0]].set_index("rule").P90
    h = df[df.level == ok[-1]].set_index("rule").P90
    return (h / e).loc[list(SEVEN)], ok[0], ok[-1], len(bad)


def retention_table(sweeps: pd.DataFrame) -> pd.DataFrame:
    """:func:`retention` of every family in ``sweeps``.

    Parameters
    ----------
    sweeps : pandas.DataFrame
        Storage-table rows with ``family`` and ``level``.

    Returns
    -------
    pandas.DataFrame
        Rule rows (display names) plus rows "easiest level used", "hardest level used",
        "levels excluded"; one column per family.
    """
    info = {fam: retention(g) for fam, g in sweeps.groupby("family", sort=False)}
    ret = pd.DataFrame({fam: v[0] for fam, v in info.items()})
    extra = pd.DataFrame(
        [[v[i] for v in info.values()] for i in (1, 2, 3)],
        columns=ret.columns,
        index=["easiest level used", "hardest level used", "levels excluded"],
    )
    return pd.concat([ret.rename(index=NAMES), extra])


# ---------------------------------------------------------------- claims C1–C6

ZIPF = {
    "calibrated": "Zipf at equal mean overlap (calibrated)",
    "raw": "Zipf at the raw exponent s",
}
UNCORR = "uncorrelated cells only (F1–F4)"
#: the forms of the covariance rule that C2a and C2b read [R]
COV = {
    "covar": "covar",
    "hopfield": "covariance with global mean (Hopfield sparse)",
    "precovar": "presynaptically normalised covariance (precovar a)",
}


@dataclass(frozen=True)
class ClaimCheck:
    """One claim checked under its variants: ``variants`` is a list of (variant name, outcome
    True/False/None, evidence); the chapter turns each into ``book.Variant``."""

    id: str
    statement: str
    evidence: str
    variants: list
    reason: str | None = None


@dataclass
class ClaimResults:
    """:func:`check_claims`' output: the checks in order and the numbers the text quotes."""

    checks: list
    notes: dict = field(default_factory=dict)


def _cell(storage, c):
    return storage[storage.cell == c].set_index("rule")


def cells_of(storage: pd.DataFrame, zipf_set: str, figs: Sequence[str] | None = None) -> list:
    """Storage cells of the Zipf ensemble ``zipf_set`` (and every non-Zipf cell), optionally
    only those of figures ``figs``; in table order.

    Parameters
    ----------
    storage : pandas.DataFrame
        From :func:`storage_table`.
    zipf_set : str
        ``"calibrated"`` or ``"raw"``.
    figs : sequence of str, optional

    Returns
    -------
    list of str
    """
    d = storage[storage.zipf.isin(["both", zipf_set])]
    if figs is not None:
        d = d[d.fig.isin(figs)]
    return list(dict.fromkeys(d.cell))


def scopes(storage: pd.DataFrame) -> list:
    """The variants of the cell scope: (name, cells) for the calibrated Zipf ensemble, the
    raw exponent, and the uncorrelated cells of F1–F4 only.

    Parameters
    ----------
    storage : pandas.DataFrame
        From :func:`storage_table`.

    Returns
    -------
    list of tuple
    """
    return [
        (ZIPF["calibrated"], cells_of(storage, "calibrated")),
        (ZIPF["raw"], cells_of(storage, "raw")),
        (UNCORR, cells_of(storage, "calibrated", ["F1", "F2", "F3", "F4"])),
    ]


def usable(storage: pd.DataFrame, cells: Sequence[str], rules: Sequence[str]) -> tuple[list, list]:
    """Split ``cells`` by whether any of ``rules`` is excluded there.

    Parameters
    ----------
    storage : pandas.DataFrame
        From :func:`storage_table`.
    cells : sequence of str
    rules : sequence of str

    Returns
    -------
    usable : list
        Cells where none of ``rules`` is excluded.
    excluded : list
        Excluded cells with the reason.
    """
    ok, out = [], []
    for c in cells:
        d = _cell(storage, c)
        why = [f"{NAMES[r]} {d.loc[r, 'flag']}" for r in rules if d.loc[r, "excluded"]]
        (out.append(f"{c} ({'; '.join(why)})") if why else ok.append(c))
    return ok, out


def _excl_text(out):
    return (
        f"; {len(out)} cell{'s' if len(out) != 1 else ''} excluded: {'; '.join(out)}"
        if out
        else "; no cell excluded"
    )


def _headline(vs):
    """How many variants hold, then the first (headline) variant's evidence."""
    n = sum(v[1] is True for v in vs)
    return f"{n}/{len(vs)} variants hold. {vs[0][0]}: {vs[0][2]}"


def _variants(check, scope_list):
    out = []
    for name, cs in scope_list:
        v, ev = check(cs)
        out.append((name, _outcome(v), ev + "."))
    return out


def _outcome(v):
    return None if v is None else bool(v)


def _c1(storage, cs):
    ok, out = usable(storage, cs, SEVEN)
    bad = []
    for c in ok:
        d = _cell(storage, c)
        below = [r for r in SEVEN if r != "hebb" and not order_within_ci(d.loc["hebb"], d.loc[r])]
        if below:
            bad.append(f"{c} ({', '.join(NAMES[r] for r in below)})")
    verdict = (not bad) if ok else None
    return verdict, (
        f"Hebb lowest (ties within 95 % CI allowed) in {len(ok) - len(bad)}/{len(ok)} "
        f"usable cells" + (f"; exceptions: {'; '.join(bad)}" if bad else "") + _excl_text(out)
    )


def _c2a(storage, cs, cov="covar"):
    ok, out = usable(storage, cs, ["hebb", cov, *BAYESIAN])
    bad = []
    for c in ok:
        d = _cell(storage, c)
        lo_ok = order_within_ci(d.loc["hebb"], d.loc[cov])
        hi_ok = any(order_within_ci(d.loc[cov], d.loc[b]) for b in BAYESIAN)
        if not (lo_ok and hi_ok):
            bad.append(
                f"{c} (Hebb {d.loc['hebb', 'P90']:.1f}, {NAMES[cov]} "
                f"{d.loc[cov, 'P90']:.1f}, best Bayesian "
                f"{d.loc[list(BAYESIAN), 'P90'].max():.1f})"
            )
    verdict = (not bad) if ok else None
    return verdict, (
        f"Hebb < {NAMES[cov]} < max(BCPNN, Bayes) (ties within 95 % CI allowed) in "
        f"{len(ok) - len(bad)}/{len(ok)} usable cells"
        + (f"; exceptions: {'; '.join(bad)}" if bad else "")
        + _excl_text(out)
    )


def _c2b(f4, f7, zipf_set, cov="covar"):
    sweeps = pd.concat([f4, f7[f7.zipf.isin(["both", zipf_set])]])
    rows, skipped = [], []
    for fam, g in sweeps.groupby("family", sort=False):
        r, easy, hard, nbad = retention(g)
        if not np.isfinite(r.loc[cov]):
            skipped.append(f"{fam} ({nbad} of {g.level.nunique()} levels excluded)")
            continue
        rows.append((fam, r.loc[cov], r.median(), easy, hard, nbad))
    verdict = all(a >= m for _, a, m, *_ in rows) if rows else None
    ev = (
        f"retention P90(hardest)/P90(easiest usable level), {NAMES[cov]} vs median of seven "
        f"rules: "
        + "; ".join(
            f"{fam} (levels {e:.2f}→{h:.2f}, {nb} excluded): {a:.2f} vs {m:.2f}"
            for fam, a, m, e, h, nb in rows
        )
        + (f"; sweeps without two usable levels: {'; '.join(skipped)}" if skipped else "")
    )
    return verdict, ev, rows


def _top(storage, col, cs):
    ok, out = usable(storage, cs, SEVEN)
    ok = [c for c in ok if _cell(storage, c)[col].loc[list(SEVEN)].notna().all()]
    if not ok:
        return None, f"{col}: no usable cell" + _excl_text(out)
    tops = {c: _cell(storage, c)[col].loc[list(SEVEN)].idxmax() for c in ok}
    exc = [f"{c} (top {NAMES[t]})" for c, t in tops.items() if t not in BAYESIAN]
    frac = 1 - len(exc) / len(ok)
    return frac >= 0.8, (
        f"{col}: BCPNN or Bayes on top in {len(ok) - len(exc)}/{len(ok)} usable "
        f"cells ({100 * frac:.0f} %)"
        + (f"; exceptions: {'; '.join(exc)}" if exc else "")
        + _excl_text(out)
    )


def _corr_cells(f7, zipf_set):
    d = f7[f7.zipf.isin(["both", zipf_set])]
    sel = (d.family.str.contains("Zipf") & (d.level > 1 + 1e-9)) | (
        d.family.str.contains("parent") & (d.level < 1)
    )
    return list(dict.fromkeys("F7: " + d.condition[sel]))


def check_claims(
    storage: pd.DataFrame, f4: pd.DataFrame, f7: pd.DataFrame, upper: pd.DataFrame
) -> ClaimResults:
    """Claims C1–C6 of the chapter under their variants (operational rules in the chapter's
    claims section) [R].

    Every storage claim leaves out the cells in which a rule it reads is excluded
    (:func:`flag_cells`) and says how many.

    Parameters
    ----------
    storage : pandas.DataFrame
        From :func:`storage_table`.
    f4, f7 : pandas.DataFrame
        The storage-table rows of the distortion and correlation sweeps (with ``family``,
        ``level``, ``zipf``).
    upper : pandas.DataFrame
        Upper edge of each rule's 90 % prototype window, rule × prototype setting.

    Returns
    -------
    ClaimResults
    """
    _check_frame(
        "storage",
        storage,
        ["cell", "fig", "rule", "P90", "ci_lo", "ci_hi", "excluded", "flag", "zipf", "C_L", "C_E"],
    )
    for name, df in (("f4", f4), ("f7", f7)):
        _check_frame(name, df, ["family", "level", "rule", "P90", "excluded", "zipf"])
    if not isinstance(upper, pd.DataFrame):
        raise TypeError(f"upper must be a pandas DataFrame; got {type(upper).__name__}")
    sc = scopes(storage)
    checks = []

    v1 = _variants(lambda cs: _c1(storage, cs), sc)
    checks.append(
        ClaimCheck("C1", "Additive Hebb has the worst storage capacity.", _headline(v1), v1)
    )

    v2a = _variants(lambda cs: _c2a(storage, cs), sc)
    for k in ("hopfield", "precovar"):
        v, ev = _c2a(storage, sc[0][1], k)
        v2a.append((f"{COV[k]}, {ZIPF['calibrated']}", _outcome(v), ev + "."))
    checks.append(
        ClaimCheck(
            "C2a",
            "Covariance learning has moderate capacity (between Hebb "
            "and the Bayesian-Hebbian rules).",
            _headline(v2a),
            v2a,
        )
    )

    c2b_runs = {k: _c2b(f4, f7, k) for k in ZIPF}
    v2b = [(ZIPF[k], _outcome(v), ev + ".") for k, (v, ev, _) in c2b_runs.items()]
    for k in ("hopfield", "precovar"):
        v, ev, _ = _c2b(f4, f7, "calibrated", k)
        v2b.append((f"{COV[k]}, {ZIPF['calibrated']}", _outcome(v), ev + "."))
    checks.append(
        ClaimCheck(
            "C2b",
            "Covariance learning is robust (to cue distortion and correlated data).",
            _headline(v2b),
            v2b,
        )
    )

    v3 = _variants(lambda cs: _top(storage, "P90", cs), sc)
    checks.append(
        ClaimCheck(
            "C3",
            "The Bayesian-Hebbian rules (BCPNN, Bayes) have the highest "
            "storage capacity in almost all conditions.",
            _headline(v3),
            v3,
        )
    )

    v4 = []
    for col, what in (
        ("C_L", "C_L (lineage bits, = P90 × one constant for all seven rules)"),
        ("C_E", "C_E (error-corrected bits)"),
    ):
        for name, cs in sc:
            v, ev = _top(storage, col, cs)
            v4.append((f"{what}, {name}", _outcome(v), ev + "."))
    checks.append(
        ClaimCheck(
            "C4",
            "The Bayesian-Hebbian rules have the highest weight information capacity "
            "(bits per synapse) in almost all conditions.",
            f"{sum(v[1] is True for v in v4)}/{len(v4)} variants hold. "
            + " | ".join(v[2] for v in v4[:4:3]),
            v4,
        )
    )

    v5 = []
    for s in upper.columns:
        u = upper[s].loc[list(SEVEN)].fillna(-np.inf)
        edges = ", ".join(f"{NAMES[r]} {v:g}" for r, v in u.items() if np.isfinite(v))
        ok = bool(u.loc[list(BAYESIAN)].max() == u.max()) if np.isfinite(u.max()) else None
        v5.append(
            (
                f"prototype setting {s}",
                ok,
                f"upper edges of the 90 % window: {edges or 'all windows empty'}.",
            )
        )
    n5 = sum(v[1] is True for v in v5)
    checks.append(
        ClaimCheck(
            "C5",
            "The Bayesian-Hebbian rules are best at prototype extraction.",
            f"BCPNN or Bayes has the largest upper edge of the 90 % window in {n5}/{len(v5)} "
            f"prototype settings.",
            v5,
            None if any(v[1] is not None for v in v5) else "every 90 % window is empty",
        )
    )

    v6 = []
    for k in ZIPF:
        v, ev = _top(storage, "P90", _corr_cells(f7, k))
        v6.append((ZIPF[k], _outcome(v), "skewed / parent-correlated F7 cells, " + ev + "."))
    checks.append(
        ClaimCheck(
            "C6",
            "The Bayesian-Hebbian rules have the highest capacity on correlated data.",
            _headline(v6),
            v6,
        )
    )

    weak = sorted({fam for _, _, rows in c2b_runs.values() for fam, a, m, *_ in rows if a < m})
    n_ce = sum(_cell(storage, c)["C_E"].loc[list(SEVEN)].notna().all() for c in sc[0][1])
    n_ex = {name: len(usable(storage, cs, SEVEN)[1]) for name, cs in sc}
    notes = {
        "c2b_weak": ", ".join(weak) if weak else "none of the sweeps",
        "c4_scope": f"{n_ce} of the {len(sc[0][1])} storage cells",
        "c2b_hold": ", ".join(v[0] for v in v2b if v[1] is True) or "none of the variants",
        "c5_fail": ", ".join(v[0] for v in v5 if v[1] is False) or "no setting",
        "n_excluded": (
            f"{n_ex[sc[0][0]]} of {len(sc[0][1])} cells with the calibrated "
            f"ensemble, {n_ex[sc[1][0]]} of {len(sc[1][1])} with the raw exponent"
        ),
    }
    return ClaimResults(checks, notes)


# ---------------------------------------------------------------- figures and tables


def colors() -> dict:
    """One colour per rule (tab10); bom shares boms' colour.

    Returns
    -------
    dict
        {rule: colour}.
    """
    import matplotlib.pyplot as plt

    c = dict(zip(SEVEN, plt.get_cmap("tab10").colors))
    c["bom"] = c["boms"]
    return c


def plain_log(ax: Axes, axis: str = "x") -> None:
    """Log scale with plain tick labels at 1, 2, 5 × 10^k (readable over less than a decade
    too) and no minor labels.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    axis : {"x", "y"}, default "x"
    """
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    if axis not in ("x", "y"):
        raise ValueError(f"axis must be 'x' or 'y'; got {axis!r}")
    (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
    a = ax.xaxis if axis == "x" else ax.yaxis
    a.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    a.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    a.set_minor_formatter(NullFormatter())


def plot_curves(
    ax: Axes, curves: pd.DataFrame, title: str, rules: Sequence[str] = (*SEVEN, "bom")
) -> None:
    """F1/F2: mean fraction recalled exactly against P (± sd; bom dashed, without band).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    curves : pandas.DataFrame
        From :func:`storage_curves`.
    title : str
    rules : sequence of str
    """
    col = colors()
    summ = curve_summary(curves)
    for rule in rules:
        m = summ[summ.rule == rule]
        ls = "--" if rule == "bom" else "-"
        ax.plot(m.P, m.fcorr_mean, ls, color=col[rule], label=NAMES.get(rule, rule), lw=1.5)
        if rule != "bom":
            ax.fill_between(
                m.P,
                m.fcorr_mean - m.fcorr_sd,
                m.fcorr_mean + m.fcorr_sd,
                color=col[rule],
                alpha=0.15,
                lw=0,
            )
    ax.axhline(0.9, color="k", lw=0.8, ls=":")
    plain_log(ax, "x")
    ax.set_xlabel("stored patterns P")
    ax.set_ylabel("fraction recalled exactly")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="lower left")


def plot_scale(ax: Axes, f3: pd.DataFrame | None) -> None:
    """F3: P90 per rule (mean ± sd) of the 32×32 check, or a note when it was skipped.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    f3 : pandas.DataFrame or None
        Storage-table rows (:func:`search_cells`); None when skipped.
    """
    if f3 is None:
        ax.text(
            0.5,
            0.5,
            "F3 (32×32 scale check) is skipped at the quick profile",
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
        ax.set_axis_off()
        return
    col = colors()
    d = f3.set_index("rule").loc[list(SEVEN)]
    ax.bar([NAMES[r] for r in SEVEN], d.P90, yerr=d.sd, color=[col[r] for r in SEVEN], capsize=3)
    ax.set_ylabel("P90")
    ax.set_title(f"F3: {d.layout.iloc[0]}, {int(d.nrep.iloc[0])} repetitions", fontsize=10)
    ax.tick_params(axis="x", rotation=30)


def plot_levels(df: pd.DataFrame, xlabel: Callable[[str], str]) -> Figure:
    """F4/F7: P90 (mean ± sd) against the level, one panel per family; crosses mark values
    excluded from verdicts.

    Parameters
    ----------
    df : pandas.DataFrame
        Storage-table rows with ``family`` and ``level``.
    xlabel : callable
        ``xlabel(family)`` gives each panel's x label.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    col = colors()
    fams = list(dict.fromkeys(df.family))
    fig, axes = plt.subplots(1, len(fams), figsize=(4.6 * len(fams), 3.8), squeeze=False)
    for ax, fam in zip(axes[0], fams):
        d = df[df.family == fam]
        for rule in SEVEN:
            e = d[d.rule == rule]
            ax.errorbar(
                e.level,
                e.P90,
                yerr=e.sd,
                color=col[rule],
                label=NAMES[rule],
                marker="o",
                ms=3,
                capsize=2,
            )
            x = e[e.excluded]
            ax.plot(x.level, x.P90, "x", color="k", ms=6)
        plain_log(ax, "y")
        ax.set_ylabel("P90")
        ax.set_xlabel(xlabel(fam))
        if "parent" in fam:
            ax.invert_xaxis()
        ax.set_title(fam, fontsize=9)
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def bits_figure(curves: dict, f12: dict, layouts: dict) -> Figure:
    """F5: per layout (rows), C_E(P) along the sweep, the recall fraction against C_L(P),
    and C_L, C_E at P90 (bits per synapse).

    Parameters
    ----------
    curves, f12, layouts : dict
        Keyed "modular", "kofn": :func:`storage_curves` output, its :func:`sweep_cells`
        rows and the layout.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    col = colors()
    fig, axes = plt.subplots(2, 3, figsize=(13, 7))
    for row, k in enumerate(("modular", "kofn")):
        lay = parse_layout(layouts[k])
        summ = curve_summary(curves[k])
        for rule in SEVEN:
            m = summ[summ.rule == rule]
            sym = rule_symmetric(rule)
            ce = [
                bits_per_synapse(
                    p,
                    lay,
                    info="error_corrected",
                    synapses="exist",
                    errors=min(e / 2, 1.0),
                    symmetric=sym,
                )
                for p, e in zip(m.P, m.eps_mean)
            ]
            cl = [bits_per_synapse(p, lay, info="v1", synapses="sym", symmetric=sym) for p in m.P]
            axes[row, 0].plot(m.P, ce, color=col[rule], label=NAMES[rule])
            axes[row, 1].plot(cl, m.fcorr_mean, color=col[rule], label=NAMES[rule])
        plain_log(axes[row, 0], "x")
        axes[row, 0].set_xlabel("stored patterns P")
        axes[row, 0].set_ylabel(f"C_E (bits/synapse), {lay}")
        axes[row, 1].axhline(0.9, color="k", lw=0.8, ls=":")
        plain_log(axes[row, 1], "x")
        axes[row, 1].set_xlabel("load C_L (bits/synapse)")
        axes[row, 1].set_ylabel("fraction recalled exactly")
        d = f12[k].set_index("rule").loc[list(SEVEN)]
        x = np.arange(len(SEVEN))
        axes[row, 2].bar(x - 0.2, d.C_L, 0.4, color=[col[r] for r in SEVEN], label="C_L")
        axes[row, 2].bar(
            x + 0.2, d.C_E, 0.4, color=[col[r] for r in SEVEN], alpha=0.5, hatch="//", label="C_E"
        )
        axes[row, 2].set_xticks(x, [NAMES[r] for r in SEVEN], rotation=40, ha="right", fontsize=7)
        axes[row, 2].set_ylabel("bits/synapse at P90")
    axes[0, 0].legend(fontsize=7)
    axes[0, 2].legend(fontsize=7)
    fig.tight_layout()
    return fig


def prototype_figure(proto: dict, layout: str | Layout) -> Figure:
    """F6: prototype score (mean ± sd) against Q, one panel per setting (n_inst, d).

    Parameters
    ----------
    proto : dict
        {(n_inst, d): :func:`prototype_curves` output}.
    layout : str or Layout

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    col = colors()
    fig, axes = plt.subplots(1, len(proto), figsize=(5 * len(proto), 3.8), squeeze=False)
    for ax, ((n_inst, d), df) in zip(axes[0], proto.items()):
        g = df.groupby(["rule", "Q"], sort=False).score.agg(["mean", "std"]).reset_index()
        for rule in SEVEN:
            e = g[g.rule == rule]
            ax.errorbar(
                e.Q,
                e["mean"],
                yerr=e["std"],
                color=col[rule],
                label=NAMES[rule],
                marker="o",
                ms=3,
                capsize=2,
            )
        ax.axhline(0.9, color="k", lw=0.8, ls=":")
        plain_log(ax, "x")
        ax.set_xlabel("prototypes Q")
        ax.set_ylabel("prototype score")
        ax.set_title(f"{layout}: {n_inst} instances, {d} flips", fontsize=10)
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def rank_figure(ranks: pd.DataFrame, excluded: pd.DataFrame) -> Figure:
    """T2 as a heat map: rank of each rule (columns) per storage cell (rows), 1 = largest
    P90; excluded values hatched with a †.

    Parameters
    ----------
    ranks, excluded : pandas.DataFrame
        From :func:`rank_table`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    n, m = ranks.shape
    fig, ax = plt.subplots(figsize=(7.5, 0.28 * n + 1.6))
    ax.imshow(ranks.to_numpy(), cmap="viridis_r", aspect="auto", vmin=1, vmax=m)
    for i in range(n):
        for j in range(m):
            ax.text(
                j,
                i,
                f"{ranks.iat[i, j]}" + (" †" if excluded.iat[i, j] else ""),
                ha="center",
                va="center",
                fontsize=7,
                color="w" if ranks.iat[i, j] >= 5 else "k",
            )
    ax.set_xticks(range(m), [NAMES[r] for r in ranks.columns], rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(n), [_short(c) for c in ranks.index], fontsize=7)
    fig.tight_layout()
    return fig


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def md_table(df: pd.DataFrame, digits: int = 2, index: bool = False) -> Markdown:
    """This chapter's tables: :func:`neuroplastic.experiments.tables.md_table` with
    fixed decimals, None written as None."""
    return tables.md_table(df, digits, index, none_dash=False)


# ---------------------------------------------------------------- chapter tables

#: T3: the variants of the reconstructed rules (spec string -> description)
T3_VARIANTS = {
    "covar": "covar, unit mean (headline)",
    "covar:mean=global": "covar, global mean a",
    "precovar:variant=a": "precovar (a) p(j|i) − p_j",
    "precovar:variant=b": "precovar (b) p_ij − a p_i",
    "precovar:variant=c": "precovar (c) running mean",
    "hopfield:variant=sparse": "Hopfield sparse (headline)",
    "hopfield:variant=pm1": "Hopfield ±1 (pm1, control)",
    "bom": "Bayes bom (asymmetric)",
    "boms": "Bayes boms (headline)",
    "boms:alpha=0.5": "Bayes boms, α = 0.5",
}


def zipf_points(zipf: pd.DataFrame, layout_key: str, raw: bool = False) -> list:
    """Levels of a Zipf sweep for :func:`capacity_levels` from :func:`zipf_calibration`.

    Parameters
    ----------
    zipf : pandas.DataFrame
        From :func:`zipf_calibration`.
    layout_key : str
        ``"modular"`` or ``"kofn"``.
    raw : bool, default False
        Use the modular exponents for K-of-N too (else the calibrated ones).

    Returns
    -------
    list of tuple
        (ρ, {"skew": s}, label) per level.

    Raises
    ------
    ValueError
        For another layout_key or a table without the columns s, rho, s_kofn, rho_kofn_raw.
    """
    _check_frame("zipf", zipf, ["s", "rho", "s_kofn", "rho_kofn_raw"])
    if layout_key not in ("modular", "kofn"):
        raise ValueError(f"layout_key must be 'modular' or 'kofn'; got {layout_key!r}")
    xs = zipf.s if (raw or layout_key == "modular") else zipf.s_kofn
    rhos = zipf.rho_kofn_raw if raw else zipf.rho
    label = "Zipf raw s {1:.2f} (ρ {0:.2f})" if raw else "Zipf ρ {0:.2f} (s {1:.2f})"
    return [(float(r), {"skew": float(x)}, label.format(r, x)) for r, x in zip(rhos, xs)]


def t1_table(storage: pd.DataFrame) -> pd.DataFrame:
    """T1: the F1–F4 rows of the storage table as text columns for display.

    Parameters
    ----------
    storage : pandas.DataFrame
        From :func:`storage_table`.

    Returns
    -------
    pandas.DataFrame
    """
    _check_frame(
        "storage",
        storage,
        [
            "fig",
            "condition",
            "rule",
            "P90",
            "sd",
            "ci_lo",
            "ci_hi",
            "eps",
            "P_eps",
            "C_L",
            "C_E",
            "flag",
        ],
    )
    t = storage[storage.fig.isin(["F1", "F2", "F3", "F4"])]
    t = t.assign(
        rule=t.rule.map(NAMES),
        P90=[f"{a:.1f} ± {b:.1f}" for a, b in zip(t.P90, t.sd)],
        CI=[f"[{a:.1f}, {b:.1f}]" for a, b in zip(t.ci_lo, t.ci_hi)],
    )
    return t[
        ["fig", "condition", "rule", "P90", "CI", "eps", "P_eps", "C_L", "C_E", "flag"]
    ].rename(
        columns={
            "P90": "P90 (mean ± sd)",
            "CI": "95 % CI",
            "eps": "ε at P90",
            "P_eps": "P_0.01",
            "flag": "excluded from verdicts",
        }
    )


def covariance_tie(f12: dict) -> str:
    """O3 in words: per layout the spread of P90 within the covariance family (covar,
    Hopfield sparse, precovar) and whether all their 95 % CIs overlap.

    Parameters
    ----------
    f12 : dict
        Layout key -> :func:`sweep_cells` rows.

    Returns
    -------
    str
    """
    out = []
    for df in f12.values():
        d = df.set_index("rule").loc[["covar", "hopfield", "precovar"]]
        spread = d.P90.max() / d.P90.min() - 1
        tie = d.ci_lo.max() <= d.ci_hi.min()  # every pair of 95 % CIs overlaps
        out.append(
            f"{df.layout.iloc[0]}: spread {100 * spread:.0f} %, "
            + ("CIs overlap (tie)" if tie else "some CIs separate")
        )
    return "; ".join(out)


def ablation_table(
    curves: pd.DataFrame, cells: pd.DataFrame, variants: dict | None = None
) -> pd.DataFrame:
    """T3: per rule variant its description, the mean recall fraction at the first load of
    the sweep ``curves``, and the :func:`sweep_cells` columns ``cells`` (P90, sd, CI, ε,
    C_L).

    Parameters
    ----------
    curves : pandas.DataFrame
        From :func:`storage_curves`.
    cells : pandas.DataFrame
        From :func:`sweep_cells`.
    variants : dict, optional
        Spec -> description; default :data:`T3_VARIANTS`.

    Returns
    -------
    pandas.DataFrame
        Indexed by spec.
    """
    variants = dict(T3_VARIANTS if variants is None else variants)
    _check_frame("curves", curves, ["rule", "P", "fcorr"])
    _check_frame("cells", cells, ["rule", "P90", "sd", "ci_lo", "ci_hi", "eps", "C_L"])
    p_first = curves.P.min()
    first = curves[curves.P == p_first].groupby("rule").fcorr.mean()
    t = cells.set_index("rule").loc[list(variants)]
    t.insert(0, "variant", list(variants.values()))
    t.insert(1, f"fcorr at P = {p_first}", first.loc[list(variants)].to_numpy())
    return t[["variant", f"fcorr at P = {p_first}", "P90", "sd", "ci_lo", "ci_hi", "eps", "C_L"]]


def upper_edges(windows: pd.DataFrame, rules: Sequence[str] = SEVEN) -> pd.DataFrame:
    """Upper edge of each rule's 90 % prototype window, rule × setting (NaN: empty window).

    Parameters
    ----------
    windows : pandas.DataFrame
        :func:`prototype_windows` rows with columns rule, setting, upper.
    rules : sequence of str, default SEVEN

    Returns
    -------
    pandas.DataFrame
    """
    _check_frame("windows", windows, ["rule", "setting", "upper"])
    return windows.pivot_table(
        index="rule", columns="setting", values="upper", sort=False, dropna=False
    ).reindex(list(rules))
