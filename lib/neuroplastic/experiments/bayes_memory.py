"""Chapter 2's cached runs (Knoblauch 2024, optimal Bayesian auto-association): the retrieval
curves ε(P) of every rule and retrieval configuration, and chapter 1's adaptive capacity search
applied to Bayes with adaptive noise estimation (the cross-paper table X1).

The kernels live in :mod:`neuroplastic.assoc` (``retrieval_curves``, ``capacity``); this module
memoizes them with the one result cache (:func:`neuroplastic.cache.memoize`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..assoc import retrieval_curves as curves
from ..assoc.layouts import parse_layout
from ..cache import memoize

if TYPE_CHECKING:
    from collections.abc import Sequence

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


@memoize
def eps_curves(
    ensemble: str,
    N: int,
    K: int,
    c: int,
    f: int,
    P_grid: Sequence[int],
    configs: Sequence,
    n_nets: int,
    n_queries: int,
    T_max: int,
    seed: int,
    trace_P: int | None = None,
) -> dict:
    """Per-query output errors along ``P_grid`` for every retrieval configuration. Memoized.

    Over ``n_nets`` networks of ``N`` units with ``K`` active per pattern; cues keep ``c``
    of the ``K`` active units and add ``f`` false ones
    (:func:`~neuroplastic.assoc.retrieval_curves.run_eps_curves`).

    Parameters
    ----------
    ensemble : str
        Pattern ensemble, one of ``retrieval_curves.ENSEMBLES``.
    N, K : int
        Units, and active units per pattern.
    c, f : int
        Correct and false active units per cue.
    P_grid : sequence of int
        Loads (stored patterns).
    configs : sequence
        Retrieval configurations (``retrieval_curves.standard_configs``).
    n_nets, n_queries : int
        Networks, and queries per network and load.
    T_max : int
        Maximum retrieval steps.
    seed : int
    trace_P : int, optional
        A load at which the noise estimates are traced per step.

    Returns
    -------
    dict
        ``df`` (per-query results of all networks: label, P, miss, false, ...), ``traces``
        (mean over networks) and ``builds``.
    """
    return curves.run_eps_curves(
        ensemble,
        N,
        K,
        c,
        f,
        P_grid,
        configs,
        n_nets=n_nets,
        n_queries=n_queries,
        T_max=T_max,
        seed=seed,
        trace_P=trace_P,
    )


@memoize
def ane_capacity_table(
    layout_specs: Sequence[str],
    nflips: Sequence[float],
    nrep: int,
    seed: int,
    T_max: int = 15,
) -> pd.DataFrame:
    """Chapter 1's P90 capacity (patterns at 90 % exact recall) of BCPNN, Bayes and Bayes
    with posterior or calibrated noise estimation. Memoized.

    Parameters
    ----------
    layout_specs : sequence of str
        Layouts as spec strings (``"modular:20x20"``, ``"kofn:400/20"``).
    nflips : sequence of float
        Flipped cue units.
    nrep : int
        Repetitions of the adaptive search.
    seed : int
    T_max : int, default 15
        Maximum retrieval steps.

    Returns
    -------
    pandas.DataFrame
        The table X1 (``retrieval_curves.ane_capacity_table``).
    """
    return curves.ane_capacity_table(
        [parse_layout(s) for s in layout_specs], list(nflips), nrep=nrep, seed=seed, T_max=T_max
    )


# --- the chapter's analysis: profiles, capacities, tables and claim data --------------------
# Plain functions and one class; nothing here imports neuroplastic.book (the chapter wraps the
# claim data returned below in book.Variant / book.Budget).

import functools  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ..assoc import measures as MS  # noqa: E402

EPS0 = (0.01, 0.03, 0.1)  # output-noise levels; 0.01 is the headline
STABILIZED = "bcpnn_s2"  # the form the main figures call "stabilized BCPNN" [R]
ANE_RULES = ("bayes", "bcpnn_s2", "bcpnn_s3")
REGIMES = ("deletion", "false units")
NICE = {
    "bayes": "Bayes",
    "bayes+diag": "Bayes + diagonal",
    "bayes-nodiag": "Bayes, no diagonal",
    "bcpnn": "BCPNN (S1)",
    "bcpnn_s2": "stabilized S2",
    "bcpnn_s3": "stabilized S3",
    "willshaw": "Willshaw",
    "covar": "covariance",
    "hebb": "Hebb",
}
COLORS = {
    "bayes": "C0",
    "bayes+diag": "C9",
    "bayes-nodiag": "C9",
    "bcpnn": "C3",
    "bcpnn_s2": "C2",
    "bcpnn_s3": "C8",
    "willshaw": "C1",
    "covar": "C4",
    "hebb": "C7",
}


def p_grid(lo: float, hi: float, n: int) -> list:
    """Geometric grid of ``n`` loads from ``lo`` to ``hi`` (rounded, duplicates removed).

    Parameters
    ----------
    lo, hi : float
        Smallest and largest load (patterns).
    n : int

    Returns
    -------
    list of int
    """
    if not (0 < lo <= hi) or n < 1:
        raise ValueError(f"p_grid needs 0 < lo <= hi and n >= 1, got lo={lo}, hi={hi}, n={n}")
    return [int(p) for p in np.unique(np.round(np.geomspace(lo, hi, n)).astype(int))]


def profiles() -> dict:
    """The chapter's two profiles, ``quick`` and ``paper``.

    P grids [R]: geometric; one-step crossings at ε0 = 0.01 lie low, iterative transitions
    are steep, and cues with false units (c = K − f) store several times more, hence their
    own grids. The second size keeps the activity K/N = 0.02.

    Returns
    -------
    dict
        Profile name -> settings.
    """
    g = p_grid
    return {
        "quick": {
            "N": 500,
            "K": 10,
            "F": 1,
            "P_grid": g(50, 1600, 9),
            "P_grid_false": g(40, 6400, 11),
            "P_grid_f6": g(200, 1600, 6),
            "P_grid_f6_false": g(400, 6400, 7),
            "N2": 300,
            "K2": 6,
            "P_grid2": g(10, 800, 9),
            "P_grid2_false": g(20, 2000, 10),
            "n_nets": 2,
            "n_nets_f6": 2,
            "n_queries": 40,
            "T_max": 8,
            "trace_P": 900,
            "n_boot": 300,
            "x1_layouts": ["modular:10x20"],
            "x1_nflips": [1],
            "x1_nrep": 2,
        },
        "paper": {
            "N": 1000,
            "K": 20,
            "F": 2,
            "P_grid": g(150, 3200, 18),
            "P_grid_false": g(100, 12800, 22),
            "P_grid_f6": g(600, 3200, 10),
            "P_grid_f6_false": g(1200, 12800, 11),
            "N2": 500,
            "K2": 10,
            "P_grid2": g(20, 1600, 14),
            "P_grid2_false": g(40, 6400, 16),
            "n_nets": 2,
            "n_nets_f6": 2,
            "n_queries": 120,
            "T_max": 10,
            "trace_P": 1600,
            "n_boot": 1000,
            "x1_layouts": ["modular:20x20", "kofn:400/20"],
            "x1_nflips": [1, 4],
            "x1_nrep": 5,
        },
    }


def lab(rule: str, act: str, it: bool, ane: str = "none") -> str:
    """Configuration label ``rule/activation/iter|one/ANE`` of the retrieval curves.

    Parameters
    ----------
    rule : str
    act : str
        ``"map"`` (threshold) or ``"kwta"``.
    it : bool
        Iterative (else one-step) retrieval.
    ane : str, default "none"
        Adaptive noise estimation: ``"none"``, ``"posterior"``, ``"calibrated"``, ...

    Returns
    -------
    str
    """
    return f"{rule}/{act}/{'iter' if it else 'one'}/{ane}"


def fmt_ratio(c: dict) -> str:
    """A capacity ratio with its CI, ``"ratio [lo, hi]"``.

    Parameters
    ----------
    c : dict
        With ``ratio``, ``lo``, ``hi``.

    Returns
    -------
    str
    """
    return f"{c['ratio']:.2f} [{c['lo']:.2f}, {c['hi']:.2f}]"


def fmt_cap(c: dict) -> str:
    """A capacity P_ε in patterns, with the censoring side in parentheses if any.

    Parameters
    ----------
    c : dict
        With ``P_eps`` and ``censored`` (:meth:`Analysis.cap`).

    Returns
    -------
    str
    """
    return f"{c['P_eps']:.0f}" + (f" ({c['censored']})" if c["censored"] else "")


def log_ticks(ax: Axes, axis: str = "x") -> None:
    """1-2-5 major ticks with plain labels and no minor labels on a log axis.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    axis : {"x", "y"}, default "x"
    """
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    a = ax.xaxis if axis == "x" else ax.yaxis
    a.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    a.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    a.set_minor_formatter(NullFormatter())


class Analysis:
    """Chapter 2's runs under every variant (cue regime × network size) with the paired
    capacity statistics of :mod:`neuroplastic.assoc.measures`.

    ``settings`` is a profile of :func:`profiles`; :meth:`run` fills ``runs`` through the
    cached :func:`eps_curves`. P_ε is the load at which the mean output noise ε crosses ε0
    (interpolated in log P), with paired bootstrap 95 % CIs over queries."""

    def __init__(self, settings: dict, seed: int = 0):
        self.s, self.seed = settings, seed
        self.N, self.K = settings["N"], settings["K"]
        self.sizes = {"main": (self.N, self.K), "second": (settings["N2"], settings["K2"])}
        self.f_false = {"main": settings["F"], "second": max(1, round(settings["K2"] / 10))}
        self.variants = [(r, s) for s in self.sizes for r in REGIMES]
        self.main = [v for v in self.variants if v[1] == "main"]
        self.v0 = ("deletion", "main")
        self.runs = {}
        self.cap = functools.lru_cache(maxsize=None)(self._cap)
        self.cmp = functools.lru_cache(maxsize=None)(self._cmp)

    # --- variants and runs ---
    def cue_cf(self, regime: str, size: str) -> tuple[int, int]:
        """(c, f) of the cue: deletion only (c = K/2, f = 0) or with false units (c = K − f).

        Parameters
        ----------
        regime : {"deletion", "false units"}
        size : {"main", "second"}

        Returns
        -------
        (int, int)
            Correct and false active units per cue.
        """
        k = self.sizes[size][1]
        return (k // 2, 0) if regime == "deletion" else (k - self.f_false[size], self.f_false[size])

    def vname(self, v: tuple[str, str]) -> str:
        """The variant in words: cue kind with (c, f), N and K.

        Parameters
        ----------
        v : tuple of str
            The variant (cue regime, size), e.g. ``("deletion", "main")``.

        Returns
        -------
        str
        """
        (n, k), (c, f) = self.sizes[v[1]], self.cue_cf(*v)
        kind = "deletion-only" if v[0] == "deletion" else "false-unit"
        return f"{kind} cues (c = {c}, f = {f}), N = {n}, K = {k}"

    def run(self) -> Analysis:
        """Run (or load from the cache) every ensemble of every variant.

        Returns
        -------
        Analysis
            ``self``, with ``runs`` filled.
        """
        s = self.s
        for v in self.variants:
            reg, size = v
            n, k = self.sizes[size]
            c, f = self.cue_cf(reg, size)
            sfx = "_false" if reg == "false units" else ""
            ensembles = curves.ENSEMBLES if size == "main" else ("bernoulli", "constk")
            for ens in ensembles:
                f6 = ens in ("palm", "modular")
                Pg = s[("P_grid_f6" if f6 else "P_grid" if size == "main" else "P_grid2") + sfx]
                cfg = curves.standard_configs(ens, STABILIZED, ablations=v == self.v0)
                trace = s["trace_P"] if (v == self.v0 and ens == "constk") else None
                self.runs[v, ens] = eps_curves(
                    ens,
                    n,
                    k,
                    c,
                    f,
                    Pg,
                    cfg,
                    s["n_nets_f6"] if f6 else s["n_nets"],
                    s["n_queries"],
                    s["T_max"],
                    self.seed,
                    trace_P=trace,
                )
        return self

    def df(self, ens: str, v: tuple[str, str] | None = None) -> pd.DataFrame:
        """The per-query results of one ensemble and variant.

        Parameters
        ----------
        ens : str
        v : tuple of str, optional
            The variant (cue regime, size); default ``("deletion", "main")``.

        Returns
        -------
        pandas.DataFrame
        """
        return self.runs[v or self.v0, ens]["df"]

    def labels(self, ens: str, v: tuple[str, str] | None = None) -> list[str]:
        """The configuration labels run for one ensemble and variant, sorted (so that ties break
        the same way).

        Parameters
        ----------
        ens : str
        v : tuple of str, optional
            The variant (cue regime, size); default ``("deletion", "main")``.

        Returns
        -------
        list of str
        """
        return sorted(self.df(ens, v)["label"].unique())  # sorted: ties break the same way

    def _cap(self, ens, label, eps0=0.01, v=None):
        v = v or self.v0
        d = self.df(ens, v)
        d = d[d["label"] == label]
        if d.empty:
            raise KeyError(f"{label!r} not run for {ens} in {v}")
        val, lo, hi, cens = MS.bootstrap_eps_capacity(
            d, eps0, K=self.sizes[v[1]][1], n_boot=self.s["n_boot"], seed=self.seed
        )
        return {"P_eps": val, "lo": lo, "hi": hi, "censored": cens}

    def _cmp(self, ens, a, b, eps0=0.01, v=None):
        v = v or self.v0
        return MS.eps_compare(
            self.df(ens, v),
            a,
            b,
            eps0,
            K=self.sizes[v[1]][1],
            n_boot=self.s["n_boot"],
            seed=self.seed,
        )

    def best_of(self, ens: str, labs: Sequence[str], e0: float, v: tuple[str, str]) -> str:
        """The label among ``labs`` with the largest P_ε at ε0 = ``e0``.

        Parameters
        ----------
        ens : str
        labs : sequence of str
        e0 : float
            Output-noise level.
        v : tuple of str
            The variant (cue regime, size), e.g. ``("deletion", "main")``.

        Returns
        -------
        str
        """
        return max(labs, key=lambda lb: self.cap(ens, lb, e0, v)["P_eps"])

    # --- tables ---
    def onestep_table(self) -> pd.DataFrame:
        """ε of Bayes, BCPNN and Willshaw (one step, MAP) at the grid load where one-step Bayes
        is closest to ε = 0.1, and how far Bayes lies below BCPNN (%).

        Returns
        -------
        pandas.DataFrame
            Indexed by (ensemble, P); one column per rule.
        """
        rows = []
        for ens in ("bernoulli", "constk"):
            df = self.df(ens)
            xg, yg = MS.mean_curve(df, lab("bayes", "map", False), K=self.K)
            Pm = int(xg[np.argmin(np.abs(yg - 0.1))])
            for r in ("bayes", "bcpnn", "willshaw"):
                d = df[(df["label"] == lab(r, "map", False)) & (df["P"] == Pm)]
                rows.append(
                    {
                        "ensemble": ens,
                        "P": Pm,
                        "rule": r,
                        "eps": ((d["miss"] + d["false"]) / self.K).mean(),
                    }
                )
        t = pd.DataFrame(rows).pivot(index=["ensemble", "P"], columns="rule", values="eps")
        t["Bayes below BCPNN (%)"] = 100 * (1 - t["bayes"] / t["bcpnn"])
        return t

    def anomaly_ratio(self) -> pd.DataFrame:
        """R = P_ε(BCPNN)/P_ε(Bayes) in the anomaly cell per cue regime (main size) and ε0.

        Returns
        -------
        pandas.DataFrame
            regime, eps0, R, lo, hi (paired bootstrap 95 % CI).
        """
        rows = []
        for v in self.main:
            for e0 in EPS0:
                c = self.cmp(
                    "constk", lab("bcpnn", "kwta", True), lab("bayes", "kwta", True), e0, v
                )
                rows.append(
                    {"regime": v[0], "eps0": e0, "R": c["ratio"], "lo": c["lo"], "hi": c["hi"]}
                )
        return pd.DataFrame(rows)

    def factorial(self, v: tuple[str, str]) -> pd.DataFrame:
        """F4: R (BCPNN/Bayes) and R_stab (S2/Bayes) at ε0 = 0.03 in the 2 × 2 × 2 cells.

        Parameters
        ----------
        v : tuple of str
            The variant (cue regime, size), e.g. ``("deletion", "main")``.

        Returns
        -------
        pandas.DataFrame
            One row per (ensemble, retrieval, activation), with R, R_stab and their CIs.
        """
        cells = []
        for ens in ("bernoulli", "constk"):
            for it in (False, True):
                for act in ("map", "kwta"):
                    row = {
                        "ensemble": ens,
                        "retrieval": "iterative" if it else "one-step",
                        "activation": "k-WTA" if act == "kwta" else "threshold",
                    }
                    for r, key in (("bcpnn", "R"), (STABILIZED, "R_stab")):
                        c = self.cmp(ens, lab(r, act, it), lab("bayes", act, it), 0.03, v)
                        row[key], row[key + "_lo"], row[key + "_hi"] = c["ratio"], c["lo"], c["hi"]
                    cells.append(row)
        return pd.DataFrame(cells)

    def gains(self) -> pd.DataFrame:
        """ANE gain G = P_0.01(ANE)/P_0.01(none) − 1 in the anomaly cell, every variant.

        Returns
        -------
        pandas.DataFrame
        """
        out = []
        for v in self.variants:
            kinds = ["posterior", "calibrated"] + (["oracle"] if v == self.v0 else [])
            items = [(r, r, "kwta", k) for r in ANE_RULES for k in kinds]
            items += [
                ("willshaw (threshold)", "willshaw", "map", k)
                for k in ["calibrated"] + (["oracle"] if v == self.v0 else [])
            ]
            for name, r, act, k in items:
                c = self.cmp("constk", lab(r, act, True, k), lab(r, act, True), 0.01, v)
                out.append(
                    {
                        "cues": v[0],
                        "size": v[1],
                        "rule": name,
                        "ANE": k,
                        "G": c["ratio"] - 1,
                        "lo": c["lo"] - 1,
                        "hi": c["hi"] - 1,
                    }
                )
        return pd.DataFrame(out)

    def gain_map(self, v: tuple[str, str]) -> pd.DataFrame:
        """F6: best posterior-ANE gain (Bayes or S2) per ensemble and retrieval at ε0 = 0.01.

        Parameters
        ----------
        v : tuple of str
            The variant (cue regime, size), e.g. ``("deletion", "main")``.

        Returns
        -------
        pandas.DataFrame
            One row per (ensemble, retrieval), with the gain ``G``.
        """
        rows = []
        for ens in curves.ENSEMBLES:
            for act in ("kwta", "core"):
                best = None
                for r in ("bayes", STABILIZED):
                    c = self.cmp(ens, lab(r, act, True, "posterior"), lab(r, act, True), 0.01, v)
                    if best is None or c["ratio"] > best[1]:
                        best = (r, c["ratio"], c["lo"], c["hi"])
                rows.append(
                    {
                        "ensemble": ens,
                        "retrieval": "k-WTA/HWTA" if act == "kwta" else "core",
                        "best rule": best[0],
                        "G": best[1] - 1,
                        "lo": best[2] - 1,
                        "hi": best[3] - 1,
                    }
                )
        return pd.DataFrame(rows)

    def capacity_table(self) -> pd.DataFrame:
        """T1: P_ε at the three ε0 and C_0.01 (completion information, S = N² and ch01's count)
        for constant-k patterns, deletion-only cues, main size.

        Returns
        -------
        pandas.DataFrame
        """
        c0, f0 = self.cue_cf(*self.v0)
        d_all = self.df("constk")
        t1 = []
        for r in ("bayes", "bcpnn", "bcpnn_s2", "bcpnn_s3", "willshaw", "covar", "hebb"):
            for it in (False, True):
                opts = [("no ANE", lab(r, "kwta", it))]
                if it and r in ANE_RULES:
                    best = max(
                        ("posterior", "calibrated"),
                        key=lambda k: self.cap("constk", lab(r, "kwta", True, k))["P_eps"],
                    )
                    opts.append((f"best ANE ({best})", lab(r, "kwta", True, best)))
                for name, lb in opts:
                    if lb not in self.labels("constk"):
                        continue
                    row = {
                        "rule": NICE[r],
                        "retrieval": "iterative" if it else "one-step",
                        "ANE": name,
                    }
                    for e0 in EPS0:
                        row[f"P_{e0:g}"] = fmt_cap(self.cap("constk", lb, e0))
                    pe = self.cap("constk", lb, 0.01)["P_eps"]
                    qm, qf = MS.rates_at(d_all[d_all["label"] == lb], pe, K=self.K, N=self.N)
                    row["C_0.01 (N²)"] = round(
                        MS.capacity_bits(pe, self.N, self.K, qm, qf, cue=(c0, f0)), 4
                    )
                    row["C_0.01 (ch01 count)"] = round(
                        MS.capacity_bits(
                            pe,
                            self.N,
                            self.K,
                            qm,
                            qf,
                            synapses="sym",
                            symmetric=curves.label_symmetric(lb),
                            cue=(c0, f0),
                        ),
                        4,
                    )
                    t1.append(row)
        return pd.DataFrame(t1)

    def ablation_table(self) -> pd.DataFrame:
        """T2: the reconstruction choices in the anomaly cell, P_ε with bootstrap CIs.

        Returns
        -------
        pandas.DataFrame
        """
        labels = {
            "BCPNN S1 (floored)": "bcpnn/kwta/iter/none",
            "BCPNN raw (ε = 1e-7)": "bcpnn-raw/kwta/iter/none",
            "S2 (marginal α, default)": "bcpnn_s2/kwta/iter/none",
            "S2 (α on each cell)": "bcpnn_s2[cell α]/kwta/iter/none",
            "S3": "bcpnn_s3/kwta/iter/none",
            "Bayes, diagonal off (iterative default)": "bayes/kwta/iter/none",
            "Bayes, diagonal on": "bayes+diag/kwta/iter/none",
            "Bayes, diagonal off, posterior ANE": "bayes/kwta/iter/posterior",
            "Bayes, diagonal on, posterior ANE": "bayes+diag/kwta/iter/posterior",
            "Bayes, α = 0.01 on each cell": "bayes[α=0.01]/kwta/iter/none",
            "Bayes, α = 0.5 on each cell": "bayes[α=0.5]/kwta/iter/none",
        }
        rows = []
        for name, lb in labels.items():
            row = {"variant": name}
            for e0 in EPS0:
                c = self.cap("constk", lb, e0)
                row[f"P_{e0:g}"] = fmt_cap(c)
                row[f"CI_{e0:g}"] = f"[{c['lo']:.0f}, {c['hi']:.0f}]"
            rows.append(row)
        return pd.DataFrame(rows)

    def exactness_table(self) -> pd.DataFrame:
        """T2b: exact Bayes against its softened forms in one-step MAP retrieval.

        Returns
        -------
        pandas.DataFrame
        """
        S = STABILIZED
        rows = []
        for ens in ("bernoulli", "constk"):
            for name, lb in (
                ("exact Bayes (default)", "bayes/map/one/none"),
                ("Bayes without diagonal", "bayes-nodiag/map/one/none"),
                ("Bayes, α = 0.01 on each cell", "bayes[α=0.01]/map/one/none"),
                ("Bayes, α = 0.01, no diagonal", "bayes[α=0.01]-nodiag/map/one/none"),
                ("BCPNN (S1)", "bcpnn/map/one/none"),
                ("stabilized S2", f"{S}/map/one/none"),
                ("Willshaw", "willshaw/map/one/none"),
            ):
                row = {"ensemble": curves.ENSEMBLE_NAMES[ens], "variant": name}
                for e0 in EPS0:
                    row[f"P_{e0:g}"] = fmt_cap(self.cap(ens, lb, e0))
                rows.append(row)
        return pd.DataFrame(rows)

    # --- claim data: lists of (variant name, outcome, evidence) ---
    def claim_c1(self) -> list[tuple]:
        """C1 per variant (Bernoulli patterns, one-step MAP, ε0 = 0.01): Bayes is top within CI
        and beats BCPNN beyond CI; not assessable where both crossings lie below the P grid.

        Returns
        -------
        list of tuple
            (variant name, outcome True/False/None, evidence) per variant.
        """
        rules = ["bayes", "bcpnn", STABILIZED, "willshaw"]
        out = []
        for v in self.variants:
            c = {r: self.cap("bernoulli", lab(r, "map", False), 0.01, v) for r in rules}
            top = max(rules, key=lambda r: c[r]["P_eps"])
            beat = {
                r: self.cmp("bernoulli", lab(r, "map", False), lab("bayes", "map", False), 0.01, v)
                for r in rules
                if r != "bayes"
            }
            ok = all(b["lo"] <= 1 for b in beat.values()) and beat["bcpnn"]["hi"] < 1
            if c["bayes"]["censored"] == "below" and c["bcpnn"]["censored"] == "below":
                ok = None  # both crossings below the P grid: this size cannot decide
            out.append(
                (
                    self.vname(v),
                    ok,
                    "P_0.01 = "
                    + ", ".join(f"{NICE[r]} {fmt_cap(c[r])}" for r in rules)
                    + f"; top {NICE[top]}; other/Bayes: "
                    + ", ".join(f"{NICE[r]} {fmt_ratio(b)}" for r, b in beat.items())
                    + " (Bayes must be top within CI and beat BCPNN beyond CI; not assessable"
                    " where both crossings lie below the P grid).",
                )
            )
        return out

    def claim_c2(self) -> list[tuple]:
        """C2 per variant (constant-k patterns, iterative k-WTA): the best BCPNN form (S1, S2,
        S3) exceeds the best Bayes form (with or without diagonal) beyond CI at some ε0 of
        :data:`EPS0`.

        Returns
        -------
        list of tuple
            (variant name, outcome True/False/None, evidence) per variant.
        """
        bc = [
            lab("bcpnn", "kwta", True),
            lab("bcpnn_s2", "kwta", True),
            lab("bcpnn_s3", "kwta", True),
        ]
        by = [lab("bayes", "kwta", True), "bayes+diag/kwta/iter/none"]
        out = []
        for v in self.variants:
            rows = []
            for e0 in EPS0:
                a, b = self.best_of("constk", bc, e0, v), self.best_of("constk", by, e0, v)
                rows.append((e0, a, b, self.cmp("constk", a, b, e0, v)))
            ok = any(c["lo"] > 1 for *_, c in rows)
            tie = (not ok) and any(c["ratio"] >= 1 for *_, c in rows)
            out.append(
                (
                    self.vname(v),
                    ok,
                    "best BCPNN form / best Bayes form: "
                    + "; ".join(
                        f"ε0 = {e0:g}: {a.split('/')[0]} / {b.split('/')[0]} = {fmt_ratio(c)}"
                        for e0, a, b, c in rows
                    )
                    + (" (caught up, not exceeded)" if tie else ""),
                )
            )
        return out

    def claim_c3(self, f4s: dict) -> list[tuple]:
        """C3 per variant: R = P_0.03(BCPNN)/P_0.03(Bayes) is largest in the cell with all three
        factors (constant-k, iterative, k-WTA) and falls when any one of them is removed.

        Parameters
        ----------
        f4s : dict
            Variant -> :meth:`factorial`.

        Returns
        -------
        list of tuple
            (variant name, outcome True/False/None, evidence) per variant.
        """
        out = []
        for v in self.variants:
            f4 = f4s[v].set_index(["ensemble", "retrieval", "activation"])["R"]
            R_all = f4[("constk", "iterative", "k-WTA")]
            neigh = {
                "Bernoulli": f4[("bernoulli", "iterative", "k-WTA")],
                "one-step": f4[("constk", "one-step", "k-WTA")],
                "threshold": f4[("constk", "iterative", "threshold")],
            }
            ok = bool(R_all == f4.max() and all(x < R_all for x in neigh.values()))
            out.append(
                (
                    self.vname(v),
                    ok,
                    f"R = P_0.03(BCPNN)/P_0.03(Bayes): all three factors {R_all:.2f}; "
                    "removing one: "
                    + ", ".join(f"{k} {x:.2f}" for k, x in neigh.items())
                    + f"; largest cell {'/'.join(f4.idxmax())}.",
                )
            )
        return out

    def claim_c4(self) -> list[tuple]:
        """C4 per variant: the better non-oracle ANE (posterior or calibrated) raises P_0.01
        beyond CI for Bayes, S2 and S3 (constant-k, iterative k-WTA) and for Willshaw (threshold,
        calibrated).

        Returns
        -------
        list of tuple
            (variant name, outcome True/False/None, evidence) per variant.
        """
        out = []
        for v in self.variants:
            rows = []
            for r in ANE_RULES:
                best = max(
                    ("posterior", "calibrated"),
                    key=lambda k: self.cap("constk", lab(r, "kwta", True, k), 0.01, v)["P_eps"],
                )
                rows.append(
                    (
                        NICE[r],
                        best,
                        self.cmp(
                            "constk", lab(r, "kwta", True, best), lab(r, "kwta", True), 0.01, v
                        ),
                    )
                )
            rows.append(
                (
                    "Willshaw (threshold)",
                    "calibrated",
                    self.cmp(
                        "constk",
                        lab("willshaw", "map", True, "calibrated"),
                        lab("willshaw", "map", True),
                        0.01,
                        v,
                    ),
                )
            )
            ok = all(c["lo"] > 1 for *_, c in rows)
            out.append(
                (
                    self.vname(v),
                    ok,
                    "P_0.01(best non-oracle ANE)/P_0.01(none): "
                    + "; ".join(f"{r} ({k}) {fmt_ratio(c)}" for r, k, c in rows)
                    + ".",
                )
            )
        return out

    def claim_c5(self) -> list[tuple]:
        """C5 per variant: in every ensemble run, the best Bayes form with ANE is the best
        iterative configuration or tied with it within CI (oracle ANE excluded).

        Returns
        -------
        list of tuple
            (variant name, outcome True/False/None, evidence) per variant.
        """
        out = []
        for v in self.variants:
            rows = []
            for ens in curves.ENSEMBLES:
                if (v, ens) not in self.runs:
                    continue
                ls = [
                    lb
                    for lb in self.labels(ens, v)
                    if "/iter/" in lb
                    and "[" not in lb
                    and "raw" not in lb
                    and not lb.endswith("/oracle")
                ]
                top = self.best_of(ens, ls, 0.01, v)
                bb = self.best_of(
                    ens,
                    [lb for lb in ls if lb.startswith("bayes") and not lb.endswith("/none")],
                    0.01,
                    v,
                )
                tie = (
                    self.cmp(ens, bb, top, 0.01, v)
                    if bb != top
                    else {"ratio": 1.0, "lo": 1.0, "hi": 1.0}
                )
                rows.append((ens, top, bb, tie, bb == top or tie["hi"] >= 1))
            out.append(
                (
                    self.vname(v),
                    all(x[-1] for x in rows),
                    "; ".join(
                        f"{curves.ENSEMBLE_NAMES[e]}: best {t} "
                        f"({self.cap(e, t, 0.01, v)['P_eps']:.0f}), "
                        f"best Bayes+ANE {b}, ratio {fmt_ratio(c)}"
                        for e, t, b, c, _ in rows
                    )
                    + " (oracle ANE excluded).",
                )
            )
        return out

    def claim_h1(self) -> list[tuple]:
        """H1 per variant: with its better ANE (at ε0 = 0.03) Bayes stores more than BCPNN
        (constant-k, iterative k-WTA): P_0.03(BCPNN)/P_0.03(Bayes + ANE) < 1.

        Returns
        -------
        list of tuple
            (variant name, outcome True/False/None, evidence) per variant.
        """
        out = []
        for v in self.variants:
            bb = max(
                ("posterior", "calibrated"),
                key=lambda k: self.cap("constk", lab("bayes", "kwta", True, k), 0.03, v)["P_eps"],
            )
            bc = lab("bcpnn", "kwta", True)
            h = self.cmp("constk", bc, lab("bayes", "kwta", True, bb), 0.03, v)
            h0 = self.cmp("constk", bc, lab("bayes", "kwta", True), 0.03, v)
            out.append(
                (
                    self.vname(v),
                    bool(h["ratio"] < 1),
                    f"R = BCPNN/(Bayes + {bb} ANE) at ε0 = 0.03: {fmt_ratio(h)} "
                    f"(fixed noise: {fmt_ratio(h0)}).",
                )
            )
        return out

    def h1_trace_text(self) -> str:
        """H1's evidence in words: the assumed p_m without ANE against the true p_m of the state
        entering steps 1 and 2 (F5, deletion-only cues).

        Returns
        -------
        str
        """
        a0, t0 = self.runs[self.v0, "constk"]["traces"][lab("bayes", "kwta", True)]
        return (
            f"Without ANE the assumed p_m stays {a0[1, 0]:.2f} while the true p_m of the "
            f"state entering steps 1 and 2 is {t0[1, 0]:.3f} and {t0[2, 0]:.3f} "
            "(F5, deletion-only cues)."
        )

    def claim_h2(self, f6s: dict) -> list[tuple]:
        """H2 per variant: the argmax of the F6 gain map is core retrieval on the palm ensemble.

        Parameters
        ----------
        f6s : dict
            Variant -> :meth:`gain_map`.

        Returns
        -------
        list of tuple
            (variant name, outcome True/False/None, evidence) per variant.
        """
        out = []
        for v, F in f6s.items():
            g = F.loc[F["G"].idxmax()]
            out.append(
                (
                    self.vname(v),
                    bool(g["retrieval"] == "core" and g["ensemble"] == "palm"),
                    f"argmax of the F6 gain map: {g['retrieval']} on {g['ensemble']} "
                    f"(G = {g['G']:+.2f}).",
                )
            )
        return out

    def claim_h3(self) -> list[tuple]:
        """H3 per variant: stabilized BCPNN (S2) reaches at least 0.9 of the best rule's P_0.01
        in every ensemble × retrieval × activation cell (Bernoulli and constant-k).

        Returns
        -------
        list of tuple
            (variant name, outcome True/False/None, evidence) per variant.
        """
        S = STABILIZED
        out = []
        for v in self.variants:
            rat = []
            for ens in ("bernoulli", "constk"):
                for it in (False, True):
                    for act in ("map", "kwta"):
                        ls = [
                            lab(r, act, it)
                            for r in (
                                "bayes",
                                "bayes+diag",
                                "bcpnn",
                                S,
                                "willshaw",
                                "covar",
                                "hebb",
                            )
                            if lab(r, act, it) in self.labels(ens, v)
                        ]
                        best = max(self.cap(ens, lb, 0.01, v)["P_eps"] for lb in ls)
                        rat.append(
                            (ens, it, act, self.cap(ens, lab(S, act, it), 0.01, v)["P_eps"] / best)
                        )
            out.append(
                (
                    self.vname(v),
                    all(x[-1] >= 0.9 for x in rat),
                    "S2 / best: "
                    + ", ".join(
                        f"{e[:4]}-{'it' if it else 'one'}-{a} {x:.2f}" for e, it, a, x in rat
                    )
                    + ".",
                )
            )
        return out


# --- figures ------------------------------------------------------------------------------


def _eps_axes(ax, eps_lines=EPS0):
    for e0 in eps_lines:
        ax.axhline(e0, color="0.7", lw=0.6, ls=":")
    ax.set_xscale("log")
    log_ticks(ax)
    ax.set_yscale("symlog", linthresh=0.01)
    ax.set_ylim(0, 2.2)
    ax.set_xlabel("stored patterns P")


def plot_onestep(an: Analysis, ens: str, title: str) -> Figure:
    """F1/F2: ε(P) of one-step retrieval, MAP/threshold (left) and k-WTA (right).

    Parameters
    ----------
    an : Analysis
        After :meth:`Analysis.run`.
    ens : str
        Ensemble.
    title : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    S = STABILIZED
    rules_map = ["bayes", "bayes-nodiag", "bcpnn", S, "willshaw"]
    rules_wta = ["bayes", "bcpnn", S, "willshaw", "covar", "hebb"]
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
    df = an.df(ens)
    for ax, act, rules in ((axes[0], "map", rules_map), (axes[1], "kwta", rules_wta)):
        for r in rules:
            x, y = MS.mean_curve(df, lab(r, act, False), K=an.K)
            ax.plot(
                x,
                y,
                marker="o",
                ms=3,
                color=COLORS[r],
                label=NICE[r],
                ls="--" if r == "bayes-nodiag" else "-",
            )
        _eps_axes(ax)
        kind = (
            "MAP / threshold"
            if act == "map"
            else "k-WTA (oracle activity)"
            if ens == "bernoulli"
            else "k-WTA"
        )
        ax.set_title(f"{title}, one step, {kind}", fontsize=9)
    axes[0].set_ylabel("output noise ε")
    axes[1].legend(fontsize=7)
    return fig


def plot_anomaly(an: Analysis, R_eps: pd.DataFrame) -> Figure:
    """F3: ε(P) in the anomaly cell with the inset R(ε0) per cue regime.

    Parameters
    ----------
    an : Analysis
        After :meth:`Analysis.run`.
    R_eps : pandas.DataFrame
        From :meth:`Analysis.anomaly_ratio`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2))
    df = an.df("constk")
    for r in ["bayes", "bayes+diag", "bcpnn", "bcpnn_s2", "bcpnn_s3", "willshaw", "covar", "hebb"]:
        x, y = MS.mean_curve(df, f"{r}/kwta/iter/none", K=an.K)
        ax.plot(
            x,
            y,
            marker="o",
            ms=3,
            color=COLORS[r],
            label=NICE[r],
            ls="--" if r == "bayes+diag" else "-",
        )
    _eps_axes(ax)
    ax.set(ylabel="output noise ε", title="constant-k, iterative k-WTA, fixed noise")
    ax.legend(fontsize=7, loc="lower right")
    ins = ax.inset_axes([0.08, 0.5, 0.3, 0.38])
    for reg, col in (("deletion", "C3"), ("false units", "k")):
        d = R_eps[R_eps["regime"] == reg]
        ins.errorbar(
            d["eps0"],
            d["R"],
            yerr=[d["R"] - d["lo"], d["hi"] - d["R"]],
            marker="o",
            color=col,
            capsize=2,
            ms=3,
        )
    ins.axhline(1, color="k", lw=0.6)
    ins.set_xscale("log")
    log_ticks(ins)
    ins.set_xlabel("ε0", fontsize=7)
    ins.set_ylabel("R", fontsize=7)
    ins.tick_params(labelsize=6)
    return fig


def plot_factorial(an: Analysis, f4s: dict) -> Figure:
    """F4: bars of R and R_stab per factorial cell, one panel per cue regime (main size).

    Parameters
    ----------
    an : Analysis
        After :meth:`Analysis.run`.
    f4s : dict
        Variant -> :meth:`Analysis.factorial`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 1, figsize=(9, 6.4), sharex=True)
    for ax, v in zip(axes, an.main):
        F = f4s[v]
        xs = np.arange(len(F))
        for k, (key, col) in enumerate((("R", "C3"), ("R_stab", "C2"))):
            ax.bar(
                xs + (k - 0.5) * 0.38,
                F[key],
                0.38,
                color=col,
                alpha=0.8,
                yerr=[F[key] - F[key + "_lo"], F[key + "_hi"] - F[key]],
                capsize=2,
                label="BCPNN / Bayes" if key == "R" else "stabilized / Bayes",
            )
        ax.axhline(1, color="k", lw=0.7)
        ax.set_yscale("log")
        log_ticks(ax, "y")
        ax.set_ylabel("ratio at ε0 = 0.03")
        ax.set_title(an.vname(v), fontsize=9)
    F = f4s[an.v0]
    axes[1].set_xticks(
        xs,
        [
            f"{'Bern' if r.ensemble == 'bernoulli' else 'const-k'}\n{r.retrieval}\n{r.activation}"
            for r in F.itertuples()
        ],
        fontsize=7,
    )
    axes[0].legend(fontsize=8)
    return fig


def plot_ane(an: Analysis) -> Figure:
    """F5: ε(P) with and without ANE (left); assumed against true p_m and p_f per step.

    Parameters
    ----------
    an : Analysis
        After :meth:`Analysis.run`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    sty = {"none": "-", "posterior": "--", "calibrated": "-.", "oracle": ":"}
    tr = an.runs[an.v0, "constk"]["traces"]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    df = an.df("constk")
    ax = axes[0]
    for r in ANE_RULES:
        for k in sty:
            x, y = MS.mean_curve(df, lab(r, "kwta", True, k), K=an.K)
            ax.plot(
                x,
                y,
                color=COLORS[r],
                ls=sty[k],
                lw=1.2,
                label=f"{NICE[r]}, {k}" if r == "bayes" or k == "none" else None,
            )
    for k in ("none", "calibrated", "oracle"):
        x, y = MS.mean_curve(df, lab("willshaw", "map", True, k), K=an.K)
        ax.plot(x, y, color=COLORS["willshaw"], ls=sty[k], lw=1.2, label=f"Willshaw thr., {k}")
    _eps_axes(ax, (0.01,))
    ax.set_ylabel("output noise ε")
    ax.legend(fontsize=6, ncol=1)
    for j, (name, ax) in enumerate((("p_m", axes[1]), ("p_f", axes[2]))):
        for k in ("none", "posterior", "oracle"):
            a, t = tr[lab("bayes", "kwta", True, k)]
            st = np.arange(len(a))
            colr = "C0" if k == "none" else "C2" if k == "posterior" else "C5"
            ax.plot(st, a[:, j], ls=sty[k], color=colr, label=f"assumed, {k}")
            ax.plot(
                st, t[:, j], ls="none", marker="o", ms=4, mfc="none", color=colr, label=f"true, {k}"
            )
        ax.set(xlabel="retrieval step t", ylabel=f"{name} of the state entering step t")
        ax.set_yscale("symlog", linthresh=1e-3 if name == "p_m" else 1e-5)
        ax.legend(fontsize=6)
    return fig


def plot_gain_map(an: Analysis, f6s: dict) -> Figure:
    """F6: heat maps of the posterior-ANE gain per ensemble × retrieval, one per cue
    regime.

    Parameters
    ----------
    an : Analysis
        After :meth:`Analysis.run`.
    f6s : dict
        Variant -> :meth:`Analysis.gain_map`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 2.8))
    for ax, (v, F) in zip(axes, f6s.items()):
        mat = F.pivot(index="retrieval", columns="ensemble", values="G")[list(curves.ENSEMBLES)]
        vm = np.nanmax(np.abs(mat.to_numpy())) or 1
        im = ax.imshow(mat.to_numpy(), cmap="RdBu", vmin=-vm, vmax=vm)
        ax.set_xticks(range(mat.shape[1]), [curves.ENSEMBLE_NAMES[e] for e in mat.columns])
        ax.set_yticks(range(mat.shape[0]), mat.index)
        for (i, j), g in np.ndenumerate(mat.to_numpy()):
            ax.text(j, i, f"{g:+.2f}", ha="center", va="center", fontsize=9)
        ax.set_title(f"{v[0]} cues", fontsize=9)
        fig.colorbar(im, ax=ax, label="ANE gain G")
    return fig


def x1_summary(X1: pd.DataFrame) -> pd.DataFrame:
    """X1 pivoted: P90 per rule and the best ANE form's ratio to boms and to BCPNN.

    Parameters
    ----------
    X1 : pandas.DataFrame
        From :func:`ane_capacity_table`.

    Returns
    -------
    pandas.DataFrame
    """
    x1 = X1.pivot_table(index=["layout", "nflip"], columns="rule", values="P90")
    best = x1[["boms + posterior ANE", "boms + calibrated ANE"]].max(axis=1)
    x1["best ANE / boms"] = best / x1["boms"]
    x1["best ANE / bcpnn"] = best / x1["bcpnn"]
    return x1


def plot_x1(X1: pd.DataFrame) -> Figure:
    """X1: bars of P90 (mean ± sd) per rule, layout and number of flips.

    Parameters
    ----------
    X1 : pandas.DataFrame
        From :func:`ane_capacity_table`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    conds = X1[["layout", "nflip"]].drop_duplicates().to_numpy()
    rules = list(X1["rule"].unique())
    fig, ax = plt.subplots(figsize=(8, 3.4))
    wd = 0.8 / len(rules)
    for k, r in enumerate(rules):
        d = X1[X1["rule"] == r]
        ax.bar(
            np.arange(len(conds)) + (k - (len(rules) - 1) / 2) * wd,
            d["P90"],
            wd,
            yerr=d["sd"],
            capsize=2,
            label=r,
        )
    ax.set_xticks(range(len(conds)), [f"{lay}\nnflip {n}" for lay, n in conds], fontsize=8)
    ax.set_ylabel("P90")
    ax.legend(fontsize=7)
    return fig
