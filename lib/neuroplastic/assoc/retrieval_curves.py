"""Retrieval curves: output noise ε(P) of many retrieval configurations on shared networks, and
Bayes + ANE inside the storage-capacity harness (:class:`ANEStorageTask`).

:func:`eps_curves` stores one nested pattern set per (ensemble, network) along a geometric P grid
(counts extended incrementally), builds each rule's weight source once per P
(:func:`~neuroplastic.assoc.rules.weight_source`: noise-aware rules as a lazily filled
:class:`~neuroplastic.assoc.noise.NoiseTable`), and runs every configuration on the same
queries (n_queries stored patterns drawn per P; the partial cue of pattern μ depends only on
(seed, μ)). Configurations are dicts::

    {"label": "bayes/kwta/iter/posterior", "rule": "bayes", "params": {...},
     "act": "map" | "kwta" | "core", "iterative": True, "ane": "none" | "oracle" |
     "posterior" | "calibrated"}

``act="kwta"`` means k-WTA on K-of-N/Palm, per-hypercolumn WTA on the modular ensemble and k-WTA
with the target's activity (oracle) on Bernoulli patterns; ``act="core"`` the core schedule (with
oracle activity on Bernoulli). :class:`ANEStorageTask` is ch01's StorageTask with Bayes (boms)
+ ANE retrieval, for ch01's adaptive P90 search.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..validation import check_choice, check_int, check_seed
from .activations import HWTA, KWTA, MAP, Core, OracleKWTA
from .ane import ANE
from .capacity import StorageTask
from .counts import Counts
from .cues import flip_cues
from .free import VarPatternSet, bernoulli_patterns, counts_from_dense, palm_patterns, partial_cues
from .layouts import Free, KofN, Modular
from .noise import NoiseTable
from .patterns import PatternSet, random_patterns
from .recall import calibrate, recall
from .rules import weight_source

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import pandas as pd

    from .activations import Activation
    from .layouts import Layout

ENSEMBLES = ("bernoulli", "constk", "palm", "modular")
ENSEMBLE_NAMES = {
    "bernoulli": "Bernoulli",
    "constk": "constant-k",
    "palm": "Palm P1",
    "modular": "modular",
}


def ensemble_layout(ensemble: str, N: int, K: int) -> Layout:
    check_choice("ensemble", ensemble, ENSEMBLES)
    if ensemble == "bernoulli":
        return Free(N, K / N)
    if ensemble == "modular":
        if N % K:
            raise ValueError(f"K must divide N for the modular ensemble; got N = {N}, K = {K}")
        return Modular(K, N // K)
    return KofN(N, K)


def ensemble_patterns(ensemble: str, P: int, N: int, K: int, *, seed: int) -> np.ndarray:
    """uint8[P, N] patterns of the named ensemble (prefix-consistent)."""
    layout = ensemble_layout(ensemble, N, K)
    if ensemble == "bernoulli":
        return bernoulli_patterns(P, N, K / N, seed=seed).to_dense()
    if ensemble == "palm":
        return palm_patterns(P, N, K, variant="balanced", seed=seed).to_dense()
    return random_patterns(P, layout, seed=seed).to_dense()


def make_cues(X: np.ndarray, layout: Layout, c: int, f: int, seed: int) -> np.ndarray:
    """uint8 partial cues of the rows X: c kept ones and f false ones (Bernoulli: c = round(λ|u|),
    f = round(κ|u|) with λ = c/K, κ = f/K)."""
    if isinstance(layout, Free):
        vs = VarPatternSet.from_dense(X, layout)
        K = layout.K
        return partial_cues(vs, lam=c / K, kappa=f / K, seed=seed).to_dense()
    # fixed activity: every row has K ones
    lay = KofN(layout.N, int(X[0].sum())) if X.shape[0] else layout
    ps = PatternSet(np.nonzero(X)[1].reshape(X.shape[0], -1).astype(np.int32), lay)
    return partial_cues(ps, c=c, f=f, seed=seed).to_dense()


def activation_of(act: str, layout: Layout, K: int) -> Activation:
    check_choice("act", act, ("map", "kwta", "core"))
    if act == "map":
        return MAP()
    if act == "core":
        return Core(oracle=isinstance(layout, Free))
    if isinstance(layout, Free):
        return OracleKWTA()
    if isinstance(layout, Modular):
        return HWTA()
    return KWTA(K)


def config(
    rule: str,
    act: str,
    iterative: bool,
    ane: str = "none",
    params: dict[str, Any] | None = None,
    label: str | None = None,
) -> dict[str, Any]:
    """A configuration dict (see module doc); label defaults to rule/act/iter|one/ane."""
    params = dict(params or {})
    lab = label or f"{rule}/{act}/{'iter' if iterative else 'one'}/{ane}"
    return {
        "label": lab,
        "rule": rule,
        "params": params,
        "act": act,
        "iterative": bool(iterative),
        "ane": ane,
    }


def _rule_key(cfg):
    return (cfg["rule"], tuple(sorted(cfg["params"].items())))


def eps_curves(
    ensemble: str,
    N: int,
    K: int,
    c: int,
    f: int,
    P_grid: Iterable[int],
    configs: Sequence[dict[str, Any]],
    *,
    net: int,
    n_queries: int,
    T_max: int,
    seed: int,
    trace_P: int | None = None,
) -> dict[str, Any]:
    """Per-query errors of every configuration along ``P_grid`` for one network.

    The first P patterns of one nested set are stored at each grid point; n_queries stored
    patterns are drawn per P and recalled from partial cues with c kept and f false units.

    Parameters
    ----------
    ensemble : {"bernoulli", "constk", "palm", "modular"}
        Pattern ensemble.
    N : int
        Units.
    K : int
        (Expected) active units per pattern.
    c : int
        Kept (correct) units per cue, 0..K.
    f : int
        False units per cue, 0..N − K.
    P_grid : iterable of int
        Strictly increasing loads (patterns).
    configs : sequence of dict
        Configurations (module doc; :func:`config`).
    net : int
        Network index (>= 0), mixed into the seed.
    n_queries : int
        Queries per grid point (>= 1).
    T_max : int
        Maximum steps of iterative configurations (one-step ones use 1).
    seed : int
        Seed.
    trace_P : int, optional
        Record the noise traces of iterative configurations at the grid point nearest this
        load (in log P).

    Returns
    -------
    dict
        df = DataFrame[label, P, net, query, miss, false, exact, steps, cycled] (miss, false
        in units), traces = {label: (assumed float[T, 2], true float[T, 2])} of (p_m, p_f)
        at the grid point nearest ``trace_P``, builds = NoiseTable builds.

    Raises
    ------
    ValueError
        Invalid ensemble, grid, counts or seed.
    """
    import pandas as pd

    layout = ensemble_layout(ensemble, N, K)
    P_grid = [check_int("P_grid[i]", p, lo=1) for p in P_grid]
    if any(b <= a for a, b in zip(P_grid, P_grid[1:])):
        raise ValueError("P_grid must be strictly increasing")
    net = check_int("net", net, lo=0)
    n_queries = check_int("n_queries", n_queries, lo=1)
    T_max = check_int("T_max", T_max, lo=1)
    seed = check_seed(seed)
    c = check_int("c", c, lo=0, hi=K)
    f = check_int("f", f, lo=0, hi=N - K)
    base = int(np.random.SeedSequence([seed, net, ENSEMBLES.index(ensemble)]).generate_state(1)[0])
    X = ensemble_patterns(ensemble, P_grid[-1], N, K, seed=base)
    cues_all = make_cues(X, layout, c, f, base + 1)
    cue_key = (c, f)
    counts = Counts(np.zeros((N, N), np.int32), np.zeros(N, np.int32), 0, layout=layout)
    rows = []
    traces = {}
    t_P = None if trace_P is None else min(P_grid, key=lambda p: abs(np.log(p / trace_P)))
    builds = 0
    for P in P_grid:
        counts = counts_from_dense(X[counts.P : P], layout, start=counts)
        rng = np.random.default_rng(np.random.SeedSequence([base, P, 7]))
        q = np.sort(rng.choice(P, size=n_queries, replace=P < n_queries))
        targets = X[q]
        cues = cues_all[q]
        sources = {}
        for cfg in configs:
            rk = _rule_key(cfg)
            if rk not in sources:
                sources[rk] = weight_source(cfg["rule"], counts, layout, **dict(cfg["params"]))
            src = sources[rk]
            act = activation_of(cfg["act"], layout, K)
            Tm = T_max if cfg["iterative"] else 1
            ane = ANE(cfg["ane"])
            if cfg["ane"] == "calibrated":
                ane = calibrate(
                    src,
                    X[:P],
                    cue_fn=lambda Y, s: make_cues(Y, layout, c, f, s),
                    activation=act,
                    T_max=Tm,
                    cue_key=cue_key,
                    seed=base + P,
                )
            # every source gets the cue's (c, f): tables pick their level, Willshaw's threshold
            # subtracts the f false units
            r = recall(
                src,
                cues,
                activation=act,
                T_max=Tm,
                ane=ane,
                targets=targets,
                cue_key=cue_key,
                seed=base + 3,
            )
            ov = (r.states & targets).sum(axis=1)
            miss = targets.sum(axis=1) - ov
            false = r.states.sum(axis=1) - ov
            rows.append(
                pd.DataFrame(
                    {
                        "label": cfg["label"],
                        "P": P,
                        "net": net,
                        "query": np.arange(n_queries),
                        "miss": miss.astype(np.int32),
                        "false": false.astype(np.int32),
                        "exact": (miss == 0) & (false == 0),
                        "steps": r.steps.astype(np.int16),
                        "cycled": r.cycled,
                    }
                )
            )
            if P == t_P and cfg["iterative"]:
                traces[cfg["label"]] = (_fill_mean(r.noise_trace), _fill_mean(r.true_trace))
        builds += sum(s.builds for s in sources.values() if isinstance(s, NoiseTable))
    df = pd.concat(rows, ignore_index=True)
    df["label"] = df["label"].astype("category")
    return {"df": df, "traces": traces, "builds": builds}


def _fill_mean(trace):
    """Mean over queries of a [T, Q, 2] trace, a stopped query keeping its last value."""
    tr = np.array(trace, dtype=np.float64)
    for t in range(1, tr.shape[0]):
        gap = np.isnan(tr[t])
        tr[t][gap] = tr[t - 1][gap]
    return tr.mean(axis=1)


def run_eps_curves(
    ensemble: str,
    N: int,
    K: int,
    c: int,
    f: int,
    P_grid: Iterable[int],
    configs: Iterable[dict[str, Any]],
    *,
    n_nets: int,
    n_queries: int,
    T_max: int,
    seed: int,
    trace_P: int | None = None,
    n_jobs: int | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """:func:`eps_curves` for networks 0..n_nets−1 through ``neuroplastic.parallel.sweep``;
    returns dict(df (all networks), traces (mean over networks), builds)."""
    import pandas as pd

    from ..parallel import sweep

    n_nets = check_int("n_nets", n_nets, lo=1)
    tasks = [
        dict(
            ensemble=ensemble,
            N=N,
            K=K,
            c=c,
            f=f,
            P_grid=list(P_grid),
            configs=list(configs),
            net=n,
            n_queries=n_queries,
            T_max=T_max,
            seed=seed,
            trace_P=trace_P,
        )
        for n in range(n_nets)
    ]
    out = sweep(eps_curves, tasks, n_jobs=n_jobs, desc=f"ε(P) {ensemble}", progress=progress)
    df = pd.concat([o["df"] for o in out], ignore_index=True)
    df["label"] = df["label"].astype(str)
    traces = {}
    for lab in out[0]["traces"]:
        a = np.mean([o["traces"][lab][0] for o in out], axis=0)
        t = np.mean([o["traces"][lab][1] for o in out], axis=0)
        traces[lab] = (a, t)
    return {"df": df, "traces": traces, "builds": sum(o["builds"] for o in out)}


class ANEStorageTask(StorageTask):
    """ch01's StorageTask (flip cues, exact-recall fraction) with Bayes + ANE retrieval.

    rule "boms" (symmetrised Bayes, as in ch01's headline) or "bayes"; ane "none", "posterior" or
    "calibrated"; the noise level of the flip cue is (c, f) = (K − nflip, nflip). Same nested
    patterns and cues as StorageTask for the same (rep, seed).

    Parameters
    ----------
    layout : KofN or Modular
        Network layout.
    nflip : int
        Flips per cue (an integer).
    ane : {"none", "posterior", "calibrated"}
        ANE kind.
    rule : {"boms", "bayes"}
        Symmetrised or asymmetric Bayes.
    T_max : int
        Maximum retrieval steps.
    alpha : float
        Pseudo-count of the Bayes rule.
    p_min : float
        Floor of p_m.

    Raises
    ------
    ValueError
        Invalid rule, ane or a non-integer nflip (and the errors of :class:`StorageTask`).
    """

    def __init__(
        self,
        layout: Layout,
        nflip: int,
        *,
        ane: str = "posterior",
        rule: str = "boms",
        T_max: int = 15,
        alpha: float = 0.0,
        p_min: float = 1e-4,
    ) -> None:
        check_choice("rule", rule, ("boms", "bayes"))
        check_choice("ane", ane, ("none", "posterior", "calibrated"))
        super().__init__(rule, layout, nflip, T_max=T_max, params={"alpha": alpha, "p_min": p_min})
        if float(self.nflip) != int(self.nflip):
            raise ValueError(f"nflip must be an integer for ANE levels; got {nflip}")
        self.ane_kind = ane
        self.label = f"{rule}+{ane} ANE" if ane != "none" else rule

    def evaluate(self, P: int, rep: int = 0, seed: int = 0) -> dict[str, float]:
        """Retrieval quality at load P with Bayes + ANE (NoiseTable weights, WTA activation).

        Parameters
        ----------
        P : int
            Load (patterns, >= 1).
        rep : int
            Repetition index.
        seed : int
            Seed of the repetition.

        Returns
        -------
        dict
            P, fcorr, eps, miss, false, steps, cycled as in :meth:`StorageTask.evaluate`.
        """
        cnt, st = self.counts(P, rep, seed)
        seed = check_seed(seed)
        lay = self.layout
        table = NoiseTable(
            cnt,
            lay,
            "bayes",
            {
                "alpha": self.params["alpha"],
                "p_min": self.params["p_min"],
                "symmetrize": self.rule == "boms",
            },
        )
        nf = int(self.nflip)
        key = (lay.K - nf, nf)
        act = HWTA() if isinstance(lay, Modular) else KWTA(lay.K)
        targets = st["pool"].prefix(P).to_dense()
        ane = ANE(self.ane_kind)
        if self.ane_kind == "calibrated":

            def cue_fn(Y, s):
                ps = PatternSet(np.nonzero(Y)[1].reshape(Y.shape[0], -1).astype(np.int32), lay)
                return flip_cues(ps, nf, seed=s).to_dense()

            ane = calibrate(
                table,
                targets,
                cue_fn=cue_fn,
                activation=act,
                T_max=self.T_max,
                cue_key=key,
                seed=seed + P,
            )
        r = recall(
            table,
            st["cues"].prefix(P),
            activation=act,
            T_max=self.T_max,
            ane=ane,
            targets=targets,
            cue_key=key,
            seed=seed,
        )
        ov = (r.states & targets).sum(axis=1)
        K = lay.K
        miss = K - ov
        false = r.states.sum(axis=1) - ov
        return {
            "P": int(P),
            "fcorr": float(np.mean((miss == 0) & (false == 0))),
            "eps": float(np.mean((miss + false) / K)),
            "miss": float(np.mean(miss / K)),
            "false": float(np.mean(false / K)),
            "steps": float(r.steps.mean()),
            "cycled": float(r.cycled.mean()),
        }


WILLSHAW_THR = {"self_gain": 1.0}
"""Willshaw under a threshold keeps its self-connection (W_jj = 1[M1_j > 0]) so that a unit of
the state counts itself among the Θ active inputs [R]."""


def standard_configs(
    ensemble: str, stabilized: str = "bcpnn_s2", *, ablations: bool = True
) -> list[dict]:
    """The configurations the chapter runs for ``ensemble`` (F1–F6, T1, T2); see the chapter.

    One-step Bayes has its diagonal on (a cue unit certifies itself; with f = 0 certainly);
    iterative Bayes runs without and, on constant-k, with it ("bayes+diag"). ``ablations=False``
    leaves out the ablations of T2/T2b and oracle ANE (the variant runs of the claims).

    Parameters
    ----------
    ensemble : {"bernoulli", "constk", "palm", "modular"}
        Pattern ensemble.
    stabilized : {"bcpnn_s2", "bcpnn_s3"}
        The stabilized BCPNN form to run.
    ablations : bool
        Include the ablations and oracle ANE.

    Returns
    -------
    list of dict
        Configurations (:func:`config`) with unique labels.

    Raises
    ------
    ValueError
        Unknown ensemble or stabilized form.
    """
    check_choice("ensemble", ensemble, ENSEMBLES)
    check_choice("stabilized", stabilized, ("bcpnn_s2", "bcpnn_s3"))
    S = stabilized
    DIAG = {"include_diagonal": True}
    out = []
    if ensemble in ("bernoulli", "constk"):
        out.append(config("bayes", "map", False, params=DIAG))
        for r in ("bcpnn", S):
            out.append(config(r, "map", False))
        out.append(config("willshaw", "map", False, params=WILLSHAW_THR))
        out.append(config("bayes", "kwta", False, params=DIAG))
        for r in ("bcpnn", S, "willshaw", "covar", "hebb"):
            out.append(config(r, "kwta", False))
        # ablations of the exact rule (T2b): no diagonal; a pseudo-count α = 0.01 on each cell
        if ablations:
            out.append(config("bayes", "map", False, label="bayes-nodiag/map/one/none"))
            out.append(
                config(
                    "bayes",
                    "map",
                    False,
                    params={"alpha": 0.01, **DIAG},
                    label="bayes[α=0.01]/map/one/none",
                )
            )
            out.append(
                config(
                    "bayes",
                    "map",
                    False,
                    params={"alpha": 0.01},
                    label="bayes[α=0.01]-nodiag/map/one/none",
                )
            )
        for r in ("bayes", "bcpnn", S):
            out.append(config(r, "map", True))
    iter_rules = ("bayes", "bcpnn", S)
    if ensemble == "constk":
        iter_rules = ("bayes", "bcpnn", "bcpnn_s2", "bcpnn_s3", "willshaw", "covar", "hebb")
        out.append(config("bayes", "kwta", True, params=DIAG, label="bayes+diag/kwta/iter/none"))
    for r in iter_rules:
        out.append(config(r, "kwta", True))
    ane_rules = ("bayes", "bcpnn_s2", "bcpnn_s3") if ensemble == "constk" else ("bayes", S)
    kinds = ("posterior", "calibrated", "oracle") if ensemble == "constk" else ("posterior",)
    if not ablations:
        kinds = tuple(k for k in kinds if k != "oracle")
    for r in ane_rules:
        for k in kinds:
            out.append(config(r, "kwta", True, k))
    for r in ("bayes", "bcpnn", S):
        out.append(config(r, "core", True))
    for r in ("bayes", S):
        out.append(config(r, "core", True, "posterior"))
    if ensemble == "constk":
        out.append(config("willshaw", "map", True, params=WILLSHAW_THR))
        for k in ("calibrated", "oracle") if ablations else ("calibrated",):
            out.append(config("willshaw", "map", True, k, params=WILLSHAW_THR))
    if ensemble == "constk" and ablations:
        # T2 ablations
        out.append(
            config("bcpnn", "kwta", True, params={"eps": 1e-7}, label="bcpnn-raw/kwta/iter/none")
        )
        out.append(
            config(
                "bcpnn_s2",
                "kwta",
                True,
                params={"smoothing": "cell"},
                label="bcpnn_s2[cell α]/kwta/iter/none",
            )
        )
        out.append(
            config(
                "bayes",
                "kwta",
                True,
                "posterior",
                params=DIAG,
                label="bayes+diag/kwta/iter/posterior",
            )
        )
        for a in (0.01, 0.5):
            out.append(
                config(
                    "bayes",
                    "kwta",
                    True,
                    params={"alpha": a},
                    label=f"bayes[α={a:g}]/kwta/iter/none",
                )
            )
    labels = [c["label"] for c in out]
    assert len(labels) == len(set(labels)), "duplicate configuration labels"
    return out


ASYMMETRIC = ("bayes", "bcpnn_s2", "bcpnn_s3")
"""Rules whose weights are not symmetric (charged N² synapses in ch01's "sym" count)."""


def label_symmetric(label: str) -> bool:
    """False for a configuration label of an asymmetric rule (Bayes, S2, S3)."""
    rule = label.split("/")[0].split("[")[0].split("+")[0].replace("-nodiag", "")
    return rule not in ASYMMETRIC


def ane_capacity_table(
    layouts: Iterable[Layout],
    nflips: Iterable[int],
    *,
    nrep: int,
    seed: int,
    T_max: int = 15,
    P0: float | None = None,
    max_steps: int = 20,
) -> pd.DataFrame:
    """X1: ch01's adaptive P90 search (capacity_search) for bcpnn, boms and boms + posterior /
    calibrated ANE on each (layout, nflip). Returns a DataFrame."""
    import pandas as pd

    from .capacity import capacity_search

    rows = []
    for lay in layouts:
        for nf in nflips:
            tasks = {
                "bcpnn": StorageTask("bcpnn", lay, nf, T_max=T_max),
                "boms": StorageTask("boms", lay, nf, T_max=T_max),
                "boms + posterior ANE": ANEStorageTask(lay, nf, ane="posterior", T_max=T_max),
                "boms + calibrated ANE": ANEStorageTask(lay, nf, ane="calibrated", T_max=T_max),
            }
            p0 = P0 or max(20, int(1.2 * lay.N))
            for name, task in tasks.items():
                res = capacity_search(task, P0=p0, nrep=nrep, seed=seed, max_steps=max_steps)
                rows.append(
                    {
                        "layout": str(lay),
                        "nflip": nf,
                        "rule": name,
                        "P90": res.mean,
                        "sd": res.sd,
                        "per_rep": list(np.round(res.per_rep, 1)),
                    }
                )
    return pd.DataFrame(rows)
