"""Chapter 5's experiments (Nambusubramaniyan et al. 2025, the Dopamine optimizer): the drivers
of every figure, table and claim, memoized with :func:`neuroplastic.cache.memoize`.

The kernels (optimizers, models, tasks, training) live in :mod:`neuroplastic.perturbation`; this
module runs them over seeds and learning-rate grids and turns the runs into tables, figures and
claim checks. Every driver takes JSON-able arguments only; grids of seeds/configurations run
through :func:`neuroplastic.parallel.sweep` (loky processes, 1 thread each). Learning rates are
tuned on tuning seeds disjoint from the evaluation seeds (XOR: success rate, then median epochs;
RNN: median final validation MSE), every method starts from the same initial parameters per seed
and gets the same data and budget.

Drivers: :func:`xor_convergence` (XOR, tuned and evaluated), :func:`quoted_rule_check` (the rule
as quoted against our reading), :func:`forecasting_comparison` (Lorenz/Rossler one-step and
free-running forecasts), :func:`step_cost` (compute and memory per step against the look-back),
:func:`spectral_ablation` (the spectral-radius reset), and :func:`check_claims`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..cache import memoize
from ..parallel import sweep
from ..perturbation.chaos import LYAPUNOV, forecasting_data, naive_baselines
from ..perturbation.forecast import free_run, persistence_free_run, train, valid_prediction_time
from ..perturbation.measure import memory_scaling
from ..perturbation.models import ElmanRNN
from ..perturbation.tasks import xor_run, xor_summary
from ..tuning import grid_search
from ..validation import check_int
from . import tables

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from IPython.display import Markdown
    from matplotlib.figure import Figure

    from ..tuning import GridSearch


@dataclass
class XorResult:
    """:func:`xor_convergence`'s output.

    ``tuning``: every grid point on the tuning seeds (DataFrame); ``best`` {(method, H): (lr,
    beta)}; ``searches`` {(method, H): GridSearch over lr at the best beta}; ``configs``
    {(method, H): configurations tried}; ``runs`` {(method, H): run on the evaluation seeds};
    ``summary`` one row per (method, H); ``grid_share`` {(method, H): share of grid points with
    success >= 50 % on the tuning seeds}."""

    tuning: pd.DataFrame
    best: dict
    searches: dict
    configs: dict
    runs: dict
    summary: pd.DataFrame
    grid_share: dict


@dataclass
class ForecastingResult:
    """:func:`forecasting_comparison`'s output: ``runs`` (one dict per system x method x seed:
    ``result`` a ``TrainResult``, ``free_err``, ``vpt``, ...), ``lrs`` {method: lr}, ``tuning``
    (DataFrame or None), ``searches`` {method: GridSearch}, ``configs`` {method: configurations
    tried}, ``baselines`` {system: naive baselines' MSE} and ``persistence`` {system: free-run
    error and VPT of persistence}."""

    runs: list
    lrs: dict
    tuning: pd.DataFrame | None
    searches: dict
    configs: dict
    baselines: dict
    persistence: dict


@dataclass
class QuotedRuleResult:
    """:func:`quoted_rule_check`'s output: XOR and Lorenz runs keyed by (normalize_by_sigma2,
    eta_ema_order), and the learning rates used."""

    xor: dict
    rnn: dict
    xor_lr: float
    rnn_lr: float


# [T] Tables S4/S5: sigma, beta_s = beta_eta, s_0, eta_0 of the as-quoted rule, per system
RNN_TABLE = {
    "lorenz": {"sigma": 1e-4, "beta": 0.9998, "s0": 1e-4, "eta0": 1e-2},
    "rossler": {"sigma": 1e-5, "beta": 0.9998, "s0": 1e-5, "eta0": 1e-2},
}
XOR_SIGMA = 1e-3
#: [R] variants run beside the presets: label -> (preset, overrides). Dopamine-2 with the quoted
#: beta = 0.9998 has 5000-step traces, longer than any run we can afford; beta = 0.99 (100
#: steps) lets its learning-rate law act within the budget.
RNN_VARIANTS = {"dopamine2_fast": ("dopamine2", {"beta_s": 0.99, "beta_eta": 0.99})}
#: factors by which a grid is widened past its upper / lower edge
GRID_UP, GRID_DOWN = 2.0, 3.0


def adaptive_grid_search(
    run: Callable[[list[tuple]], list[float]],
    grids: dict,
    *,
    max_rounds: int = 4,
    up: float = GRID_UP,
    down: float = GRID_DOWN,
    equal_groups: Sequence[Sequence] = (),
) -> tuple[dict, dict]:
    """Tune each key's ordered 1-d grid, widening it while its best value sits on an edge.

    After the initial grid, every round adds ``last * up`` for each key whose best is on the
    upper edge and ``first / down`` for each on the lower edge, until no best is on an edge
    (the grid has passed the optimum or reached divergence) or ``max_rounds`` rounds are
    spent. Each set of keys in ``equal_groups`` then gets the union of its members' grids
    (equal tuning budgets).

    Parameters
    ----------
    run : callable
        ``run(points)`` takes a list of ``(key, value)`` and returns their scores (lower is
        better; non-finite = diverged/failed).
    grids : dict
        Key -> increasing positive values.
    max_rounds : int, default 4
    up, down : float, default GRID_UP (2), GRID_DOWN (3)
        Widening factors past the upper and lower edge.
    equal_groups : sequence of sequences of keys, default ()

    Returns
    -------
    searches : dict
        {key: :class:`neuroplastic.tuning.GridSearch`}.
    scores : dict
        {(key, value): score}.
    """
    grids = {k: sorted(float(v) for v in g) for k, g in grids.items()}
    scores = {}

    def evaluate(points):
        todo = [p for p in points if p not in scores]
        for p, sc in zip(todo, run(todo) if todo else []):
            scores[p] = float(sc)

    def search(k):
        return grid_search(str(k), grids[k], [scores[(k, v)] for v in grids[k]])

    evaluate([(k, v) for k, g in grids.items() for v in g])
    for _ in range(max_rounds):
        new = []
        for k in grids:
            if not any(np.isfinite(scores[(k, v)]) for v in grids[k]):
                continue
            edge = search(k).on_edge
            if edge == "upper":
                new.append((k, grids[k][-1] * up))
            elif edge == "lower":
                new.append((k, grids[k][0] / down))
        if not new:
            break
        for k, v in new:
            grids[k] = sorted(set(grids[k]) | {v})
        evaluate(new)
    for group in equal_groups:
        members = [k for k in group if k in grids]
        union = sorted(set().union(*(grids[k] for k in members))) if members else []
        for k in members:
            grids[k] = union
        evaluate([(k, v) for k in members for v in union])
    done = {k: search(k) for k in grids if any(np.isfinite(scores[(k, v)]) for v in grids[k])}
    return done, scores


# ---------------------------------------------------------------------------------------- XOR
def xor_task(
    method: str,
    hidden: int,
    lr: float,
    beta: float | None,
    seeds: Sequence[int],
    budget: int,
    criterion: float = 0.01,
    record_every: int = 0,
    overrides: dict | None = None,
) -> dict:
    """One XOR configuration over all ``seeds`` as replicas.

    Parameters
    ----------
    method : str
        Optimizer preset.
    hidden : int
        Hidden size H of the 2-H-1 net.
    lr : float
        Learning rate.
    beta : float or None
        The method's beta (None where unused).
    seeds : sequence of int
    budget : int
        Training epochs.
    criterion : float, default 0.01
        Convergence loss.
    record_every : int, default 0
        Record the loss every this many epochs (0: no curves, early stop).
    overrides : dict, optional
        Further optimizer settings.

    Returns
    -------
    dict
        The run arrays of :func:`neuroplastic.perturbation.tasks.xor_run` plus ``summary``.
    """
    run = xor_run(
        method,
        hidden,
        seeds,
        budget,
        lr,
        criterion=criterion,
        sigma=XOR_SIGMA,
        beta=beta,
        record_every=record_every,
        early_stop=record_every == 0,
        **(overrides or {}),
    )
    run["summary"] = xor_summary(run)
    return run


def xor_score(summary: dict, budget: int) -> float:
    """Scalar tuning score of an XOR setting (lower is better), ordering like ``rank_key``:
    (100 - success %) * 1e6 + median epochs (budget + 1 when nothing converged).

    Parameters
    ----------
    summary : dict
        With ``success_%`` and ``median_epochs``.
    budget : int
        Training epochs.

    Returns
    -------
    float
    """
    med = summary["median_epochs"]
    return (100.0 - summary["success_%"]) * 1e6 + (med if np.isfinite(med) else budget + 1)


@memoize
def xor_convergence(
    hiddens: Sequence[int],
    eval_seeds: Sequence[int],
    tune_seeds: Sequence[int],
    budget: int,
    grids: dict,
    criterion: float = 0.01,
    extend_rounds: int = 0,
    n_jobs: int | None = None,
) -> XorResult:
    """XOR: tune each method's (lr, beta) on ``tune_seeds`` and evaluate on ``eval_seeds``.

    For every beta the lr grid is widened (``adaptive_grid_search``, up to ``extend_rounds``
    rounds) while its best lr lies on an edge. The tuning score is :func:`xor_score`:
    (100 - success %) * 1e6 + median epochs. The as-quoted rule is evaluated at WP's tuned
    rate. Memoized.

    Parameters
    ----------
    hiddens : sequence of int
        Hidden-layer sizes H of the 2-H-1 nets (>= 1).
    eval_seeds, tune_seeds : sequence of int
        Evaluation and tuning seeds (disjoint), run as replicas.
    budget : int
        Training epochs per run.
    grids : dict
        Method -> list of [lr, beta] (beta None where unused).
    criterion : float, default 0.01
        The loss below which a run has converged.
    extend_rounds : int, default 0
        Grid-widening rounds allowed.
    n_jobs : int, optional
        Worker processes (:func:`neuroplastic.parallel.sweep`).

    Returns
    -------
    XorResult

    Raises
    ------
    ValueError
        If the seed sets overlap or a hidden size is < 1.
    """
    hiddens = [check_int("hiddens", h, 1) for h in hiddens]
    if set(map(int, eval_seeds)) & set(map(int, tune_seeds)):
        raise ValueError("eval_seeds and tune_seeds must be disjoint")
    summaries = {}

    def run(points):
        tasks = [
            dict(
                method=m,
                hidden=h,
                lr=float(lr),
                beta=beta,
                seeds=list(tune_seeds),
                budget=budget,
                criterion=criterion,
            )
            for (m, h, beta), lr in points
        ]
        out = sweep(xor_task, tasks, n_jobs=n_jobs, desc="XOR tuning")
        for p, r in zip(points, out):
            summaries[p] = r["summary"]
        return [xor_score(r["summary"], budget) for r in out]

    lr_grids = {}
    for h in hiddens:
        for m, grid in grids.items():
            for lr, beta in grid:
                lr_grids.setdefault((m, h, beta), []).append(float(lr))
    searches_all, _ = adaptive_grid_search(run, lr_grids, max_rounds=extend_rounds)
    tuning = pd.DataFrame(
        [
            summaries[p]
            for p in sorted(
                summaries,
                key=lambda p: (p[0][1], p[0][0], -1 if p[0][2] is None else p[0][2], p[1]),
            )
        ]
    )
    best, share, searches, configs = {}, {}, {}, {}
    for h in hiddens:
        for m in grids:
            keys = [k for k in searches_all if k[0] == m and k[1] == h]
            kbest = min(keys, key=lambda k: searches_all[k].best_score)
            best[(m, h)] = (searches_all[kbest].best, kbest[2])
            searches[(m, h)] = searches_all[kbest]
            rows = [summaries[(k, v)] for k in keys for v in searches_all[k].grid]
            configs[(m, h)] = len(rows)
            share[(m, h)] = float(np.mean([r["success_%"] >= 50 for r in rows]))
    ev = [
        dict(
            method=m,
            hidden=h,
            lr=best[(m, h)][0],
            beta=best[(m, h)][1],
            seeds=list(eval_seeds),
            budget=budget,
            criterion=criterion,
        )
        for h in hiddens
        for m in grids
    ]
    if "wp" in grids:
        ev += [
            dict(
                method="dopamine2_as_quoted",
                hidden=h,
                lr=best[("wp", h)][0],
                beta=None,
                seeds=list(eval_seeds),
                budget=budget,
                criterion=criterion,
            )
            for h in hiddens
        ]
    runs_list = sweep(xor_task, ev, n_jobs=n_jobs, desc="XOR evaluation")
    runs = {(r["method"], r["hidden"]): r for r in runs_list}
    summary = pd.DataFrame([r["summary"] for r in runs_list])
    return XorResult(
        tuning=tuning,
        best=best,
        runs=runs,
        summary=summary,
        grid_share=share,
        searches=searches,
        configs=configs,
    )


# ---------------------------------------------------------------------------------------- RNN
def rnn_task(
    system: str,
    method: str,
    lr: float,
    seed: int,
    hidden: int,
    stride: int,
    steps: int,
    eval_every: int = 20,
    free_cap: int = 300,
    spectral_every: int | None = None,
    overrides: dict | None = None,
    free_starts: int = 10,
    eval_dense: int = 0,
) -> dict:
    """Train one RNN and run its free-running forecast.

    Parameters
    ----------
    system : str
        ``"lorenz"`` or ``"rossler"``.
    method : str
        A preset or a label of ``RNN_VARIANTS`` (a preset with fixed overrides).
    lr : float
    seed : int
    hidden : int
        Hidden units.
    stride : int
        Stride between training windows.
    steps : int
        Training steps.
    eval_every : int, default 20
    free_cap : int, default 300
        Longest free-running forecast (steps).
    spectral_every : int, optional
        Spectral-radius reset every this many steps (None: never).
    overrides : dict, optional
        Further optimizer settings.
    free_starts : int, default 10
        Free-running forecasts started per run.
    eval_dense : int, default 0
        Validate at every step below this one.

    Returns
    -------
    dict
        Picklable: system, method, lr, seed, ``result`` (a ``TrainResult``), ``free_err``,
        ``vpt`` (Lyapunov times), ...
    """
    horizon = int(min(round(5.0 / (LYAPUNOV[system] * 0.01)), free_cap))
    data = forecasting_data(system, stride=stride, extra=horizon + 1)
    tab = RNN_TABLE[system]
    base, kw = RNN_VARIANTS.get(method, (method, {}))
    kw = {**kw, **(overrides or {})}
    if base == "dopamine2":
        kw = {"beta_s": tab["beta"], "beta_eta": tab["beta"], **kw}
    if base == "dopamine2_as_quoted":
        kw = {"s0": tab["s0"], **kw}
    model = ElmanRNN(hidden=hidden, seed=seed)
    res = train(
        model,
        base,
        data,
        steps,
        lr,
        seed=seed,
        eval_every=eval_every,
        eval_dense=eval_dense,
        sigma=tab["sigma"],
        spectral_every=spectral_every,
        **kw,
    )
    if res.diverged:
        err = np.full((free_starts, horizon), np.inf)
    else:
        err = free_run(model, data, starts=free_starts, horizon=horizon)
    return {
        "system": system,
        "method": method,
        "lr": lr,
        "seed": seed,
        "result": res,
        "free_err": err,
        "vpt": valid_prediction_time(err, lyap=LYAPUNOV[system]),
        "horizon": horizon,
        "overrides": overrides,
        "spectral_every": spectral_every,
    }


def _spectral_for(method, spectral):
    return 1 if (spectral and method not in ("sgd", "adam")) else None


@memoize
def forecasting_comparison(
    systems: Sequence[str],
    methods: Sequence[str],
    seeds: Sequence[int],
    hidden: int,
    stride: int,
    steps: int,
    lrs: dict | None = None,
    tune_grids: dict | None = None,
    tune_seed: int = 100,
    tune_steps: int = 500,
    eval_every: int = 20,
    free_cap: int = 300,
    spectral: bool = True,
    extend_rounds: int = 0,
    eval_dense: int = 0,
    n_jobs: int | None = None,
) -> ForecastingResult:
    """One-step and free-running forecasting for every system x method x seed.

    Learning rates: ``lrs``, or tuned on Lorenz with ``tune_seed`` (disjoint from ``seeds``)
    for ``tune_steps`` steps over ``tune_grids`` by final validation MSE (a diverged run
    scores inf). Each grid is widened while its best lies on an edge (up to
    ``extend_rounds`` rounds, ``adaptive_grid_search``), and the perturbative methods then
    all get the union of their grids (equal budgets). The as-quoted rule always uses the [T]
    eta_0 = 1e-2. Memoized.

    Parameters
    ----------
    systems : sequence of str
        ``"lorenz"``, ``"rossler"``.
    methods : sequence of str
        Optimizer presets or labels of ``RNN_VARIANTS``.
    seeds : sequence of int
        Evaluation seeds.
    hidden : int
        Hidden units of the Elman RNN.
    stride : int
        Stride between training windows (samples).
    steps : int
        Training steps per run.
    lrs : dict, optional
        {method: lr}; skips the tuning.
    tune_grids : dict, optional
        {method: [lr, ...]} searched when ``lrs`` is None.
    tune_seed : int, default 100
    tune_steps : int, default 500
    eval_every : int, default 20
        Validation every this many steps.
    free_cap : int, default 300
        Longest free-running forecast (steps).
    spectral : bool, default True
        The rho* = 1 spectral-radius reset every step on the perturbative methods (never on
        SGD/Adam).
    extend_rounds : int, default 0
        Grid-widening rounds allowed.
    eval_dense : int, default 0
        Validate at every step below this one.
    n_jobs : int, optional
        Worker processes.

    Returns
    -------
    ForecastingResult
    """
    if tune_grids is None and lrs is None:
        raise ValueError("give lrs or tune_grids")
    if tune_seed in seeds:
        raise ValueError(f"tune_seed={tune_seed} must not be one of the evaluation seeds")
    tuning, searches = None, {}
    lrs = dict(lrs or {})
    configs = {m: 1 for m in lrs}
    if tune_grids:

        def run(points):
            tasks = [
                dict(
                    system="lorenz",
                    method=m,
                    lr=float(lr),
                    seed=tune_seed,
                    hidden=hidden,
                    stride=stride,
                    steps=tune_steps,
                    eval_every=tune_steps,
                    free_cap=1,
                    spectral_every=_spectral_for(m, spectral),
                )
                for m, lr in points
            ]
            out = sweep(rnn_task, tasks, n_jobs=n_jobs, desc="RNN tuning")
            return [o["result"].final_val for o in out]

        pert = [m for m in tune_grids if m not in ("sgd", "adam")]
        searches, scores = adaptive_grid_search(
            run, tune_grids, max_rounds=extend_rounds, equal_groups=[pert]
        )
        tuning = pd.DataFrame(
            [{"method": m, "lr": lr, "final_val": v} for (m, lr), v in sorted(scores.items())]
        )
        for m in tune_grids:
            lrs[m] = float(searches[m].best)
            configs[m] = len(searches[m].grid)
    lrs["dopamine2_as_quoted"] = RNN_TABLE["lorenz"]["eta0"]
    tasks = [
        dict(
            system=s,
            method=m,
            lr=float(lrs[m]),
            seed=sd,
            hidden=hidden,
            stride=stride,
            steps=steps,
            eval_every=eval_every,
            free_cap=free_cap,
            spectral_every=_spectral_for(m, spectral),
            eval_dense=eval_dense,
        )
        for s in systems
        for m in methods
        for sd in seeds
    ]
    runs = sweep(rnn_task, tasks, n_jobs=n_jobs, desc="RNN forecasting")
    base, pers = {}, {}
    for s in systems:
        horizon = runs[[r["system"] for r in runs].index(s)]["horizon"]
        data = forecasting_data(s, stride=stride, extra=horizon + 1)
        base[s] = naive_baselines(data)
        err = persistence_free_run(data, horizon=horizon)
        pers[s] = {"err": err, "vpt": valid_prediction_time(err, lyap=LYAPUNOV[s])}
    return ForecastingResult(
        runs=runs,
        lrs=lrs,
        tuning=tuning,
        searches=searches,
        configs=configs,
        baselines=base,
        persistence=pers,
    )


def forecasting_table(fc: ForecastingResult) -> pd.DataFrame:
    """Median (over seeds) final and best validation MSE per system x method, with baselines.

    Parameters
    ----------
    fc : ForecastingResult

    Returns
    -------
    pandas.DataFrame
        One row per (system, method): lr, final_mse, best_mse, vpt_lyap (valid prediction
        time in Lyapunov times), the baselines' MSE (persistence, linear, mean) and
        persistence_vpt.
    """
    rows = []
    for r in fc.runs:
        rows.append(
            {
                "system": r["system"],
                "method": r["method"],
                "lr": r["lr"],
                "seed": r["seed"],
                "final": r["result"].final_val,
                "best": r["result"].best_val,
                "vpt": r["vpt"],
            }
        )
    df = pd.DataFrame(rows)
    g = (
        df.groupby(["system", "method"], sort=False)
        .agg(
            lr=("lr", "first"),
            final_mse=("final", "median"),
            best_mse=("best", "median"),
            vpt_lyap=("vpt", "median"),
        )
        .reset_index()
    )
    for k in ("persistence", "linear", "mean"):
        g[k] = [fc.baselines[s][k] for s in g.system]
    g["persistence_vpt"] = [fc.persistence[s]["vpt"] for s in g.system]
    return g


def cost_to_target(fc: ForecastingResult, system: str, methods: Sequence[str]) -> pd.DataFrame:
    """Cost of each method to reach a common validation MSE on ``system``.

    The target is the worst finite final validation MSE of any run of ``methods`` (so every
    run that did not diverge reaches it; a diverged run, final MSE inf, never sets it).
    ``steps_after`` is the median previous evaluation: the crossing lies in
    (steps_after, steps].

    Parameters
    ----------
    fc : ForecastingResult
    system : str
    methods : sequence of str

    Returns
    -------
    pandas.DataFrame
        One row per method: target_mse, reached (fraction of runs), and medians over the
        runs that reach it of steps, steps_after, fpe (forward-pass equivalents) and wall_s
        (seconds); fpe_per_step and time_per_step_s (seconds) over all runs.

    Raises
    ------
    ValueError
        If no run has a finite final MSE.
    """
    runs = [r for r in fc.runs if r["system"] == system and r["method"] in methods]
    finals = [r["result"].final_val for r in runs if np.isfinite(r["result"].final_val)]
    if not finals:
        raise ValueError(f"no run of {methods} on {system!r} has a finite final MSE")
    target = max(finals)
    rows = []
    for m in methods:
        tt = [r["result"].to_target(target) for r in runs if r["method"] == m]
        hit = [t for t in tt if np.isfinite(t["steps"])]
        rows.append(
            {
                "system": system,
                "method": m,
                "target_mse": target,
                "reached": len(hit) / len(tt),
                **{
                    k: float(np.median([t[k] for t in hit])) if hit else np.nan
                    for k in ("steps", "steps_after", "fpe", "wall_s")
                },
                "fpe_per_step": np.median(
                    [r["result"].fpe_per_step for r in runs if r["method"] == m]
                ),
                "time_per_step_s": np.median(
                    [r["result"].time_per_step for r in runs if r["method"] == m]
                ),
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------- the rule as quoted
@memoize
def quoted_rule_check(
    xor_seeds: Sequence[int],
    xor_budget: int,
    xor_lr: float,
    rnn_steps: int,
    rnn_lr: float,
    hidden: int,
    stride: int,
    eval_every: int = 20,
    n_jobs: int | None = None,
) -> QuotedRuleResult:
    """The as-quoted Dopamine-2 with nu in {1, sigma^2} x EMA order in {as_quoted, standard}.

    Everything else as quoted ([T]: beta = 0.9998, kappa = 1, s_0 = sigma, clamp
    (1e-8, 5e-2), spectral reset every step on the RNN) except that eta_0 is WP's tuned
    rate. XOR 2-4-1 over ``xor_seeds`` (replicas) and Lorenz (seed 0). Memoized.

    Parameters
    ----------
    xor_seeds : sequence of int
    xor_budget : int
        XOR training epochs.
    xor_lr, rnn_lr : float
        The learning rates (WP's tuned ones).
    rnn_steps : int
        Lorenz training steps.
    hidden : int
        RNN hidden units.
    stride : int
        Stride between training windows.
    eval_every : int, default 20
        Validation every this many steps.
    n_jobs : int, optional
        Worker processes.

    Returns
    -------
    QuotedRuleResult
        XOR runs (with loss curves) and RNN runs keyed by (normalize_by_sigma2,
        eta_ema_order).
    """
    combos = [(n, o) for n in (False, True) for o in ("as_quoted", "standard")]
    xt = [
        dict(
            method="dopamine2_as_quoted",
            hidden=4,
            lr=float(xor_lr),
            beta=None,
            seeds=list(xor_seeds),
            budget=xor_budget,
            record_every=10,
            overrides={"normalize_by_sigma2": n, "eta_ema_order": o, "s0": XOR_SIGMA},
        )
        for n, o in combos
    ]
    rt = [
        dict(
            system="lorenz",
            method="dopamine2_as_quoted",
            lr=float(rnn_lr),
            seed=0,
            hidden=hidden,
            stride=stride,
            steps=rnn_steps,
            eval_every=eval_every,
            free_cap=1,
            spectral_every=1,
            overrides={"normalize_by_sigma2": n, "eta_ema_order": o},
        )
        for n, o in combos
    ]
    out = sweep(
        _quoted_task,
        [{"kind": "xor", "kw": k} for k in xt] + [{"kind": "rnn", "kw": k} for k in rt],
        n_jobs=n_jobs,
        desc="rule as quoted",
    )
    return QuotedRuleResult(
        xor=dict(zip(combos, out[:4])), rnn=dict(zip(combos, out[4:])), xor_lr=xor_lr, rnn_lr=rnn_lr
    )


def _quoted_task(kind, kw):
    return xor_task(**kw) if kind == "xor" else rnn_task(**kw)


# ------------------------------------------------------------------- cost per step
@memoize
def step_cost(
    methods: Sequence[str],
    Ts: Sequence[int],
    hidden: int,
    batch: int,
    device: str = "cpu",
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """Per-step compute and memory against the look-back T, one fresh process per
    (method, T) (:func:`neuroplastic.perturbation.measure.memory_scaling`). Memoized.

    Parameters
    ----------
    methods : sequence of str
        Step methods, e.g. ``["adam", "dopamine1"]``.
    Ts : sequence of int
        Look-back lengths (steps).
    hidden : int
        Hidden units.
    batch : int
        Batch size.
    device : str, default "cpu"
    n_jobs : int, optional
        Processes at once.

    Returns
    -------
    pandas.DataFrame
        One row per (method, T), with peak_bytes, saved bytes and time per step.
    """
    return memory_scaling(methods, Ts, H=hidden, B=batch, device=device, n_jobs=n_jobs)


# ------------------------------------------------------------------- spectral reset
@memoize
def spectral_ablation(
    steps: int,
    seed: int,
    hidden: int,
    stride: int,
    d2_lr: float,
    adam_lr: float,
    eval_every: int = 20,
    n_jobs: int | None = None,
) -> list[dict]:
    """Spectral-reset ablation on Lorenz: Dopamine-2 with the reset every {1, 10, 100,
    never} steps and Adam with {1, never}. Memoized.

    Parameters
    ----------
    steps : int
        Training steps.
    seed : int
    hidden : int
        RNN hidden units.
    stride : int
        Stride between training windows.
    d2_lr, adam_lr : float
        Learning rates of Dopamine-2 and Adam.
    eval_every : int, default 20
    n_jobs : int, optional

    Returns
    -------
    list of dict
        Run dicts as in :func:`rnn_task`.
    """
    schedules = (("dopamine2", d2_lr, (1, 10, 100, None)), ("adam", adam_lr, (1, None)))
    tasks = [
        dict(
            system="lorenz",
            method=method,
            lr=float(lr),
            seed=seed,
            hidden=hidden,
            stride=stride,
            steps=steps,
            eval_every=eval_every,
            free_cap=1,
            spectral_every=k,
        )
        for method, lr, ks in schedules
        for k in ks
    ]
    return sweep(rnn_task, tasks, n_jobs=n_jobs, desc="spectral ablation")


# ------------------------------------------------------------------------- chapter tables
#: the methods of the chapter, in display order, and their labels ([T]/[R] as in the text)
METHODS = ["sgd", "adam", "wp", "dopamine1", "dopamine2", "dopamine2_as_quoted"]
#: on the RNN, plus Dopamine-2 with beta = 0.99 [R]
RNN_METHODS = METHODS + ["dopamine2_fast"]
#: the Dopamine variants whose rule acts on the RNN (the best of them is compared)
DOPAMINE_RNN = ["dopamine1", "dopamine2", "dopamine2_fast"]
SYSTEMS = ["lorenz", "rossler"]
LABEL = {
    "sgd": "SGD (backprop)",
    "adam": "Adam (backprop)",
    "wp": "WP",
    "dopamine1": "Dopamine-1 [R]",
    "dopamine2": "Dopamine-2 [T/R]",
    "dopamine2_as_quoted": "Dopamine-2 as quoted [T]",
    "dopamine2_fast": "Dopamine-2, β = 0.99 [R]",
}
COLOR = {
    "sgd": "tab:blue",
    "adam": "tab:orange",
    "wp": "tab:gray",
    "dopamine1": "tab:green",
    "dopamine2": "tab:red",
    "dopamine2_as_quoted": "tab:purple",
    "dopamine2_fast": "tab:brown",
}
#: the quoted beta_s = beta_eta of Dopamine-2 [T]
BETA_QUOTED = 0.9998


def grid_text(gs: GridSearch) -> str:
    """A learning-rate search in words.

    Parameters
    ----------
    gs : neuroplastic.tuning.GridSearch

    Returns
    -------
    str
        ``"best lr = ..., inside/on the lower/upper edge of [grid]"``.
    """
    where = f"on the {gs.on_edge} edge" if gs.on_edge else "inside"
    grid = ", ".join(f"{g:.3g}" for g in gs.grid)
    return f"best lr = {gs.best:.3g}, {where} of [{grid}]"


def xor_table(xor: XorResult) -> pd.DataFrame:
    """The XOR results, one row per (net, method).

    Parameters
    ----------
    xor : XorResult

    Returns
    -------
    pandas.DataFrame
        Tuned lr and beta, success %, median [IQR] epochs among the successes, median FPE
        (forward-pass equivalents) to criterion, FPE per epoch and the converging share of
        the grid.
    """
    s = xor.summary
    out = pd.DataFrame(
        {
            "net": [f"2-{h}-1" for h in s.hidden],
            "method": s.method.map(LABEL),
            "lr": s.lr,
            "β": s.beta,
            "success %": s["success_%"],
            "median [IQR] epochs": [
                "—"
                if not np.isfinite(r.median_epochs)
                else f"{r.median_epochs:.0f} [{r.q25:.0f}, {r.q75:.0f}]"
                for r in s.itertuples()
            ],
            "median FPE": s.median_fpe,
            "FPE/epoch": s.fpe_per_epoch,
            "grid share converging": [
                xor.grid_share.get((m, h), np.nan) for m, h in zip(s.method, s.hidden)
            ],
        }
    )
    return out


def xor_search_table(xor: XorResult) -> pd.DataFrame:
    """The XOR learning-rate searches: configurations per method and net, and where each
    search ended.

    Parameters
    ----------
    xor : XorResult

    Returns
    -------
    pandas.DataFrame
    """
    return pd.DataFrame(
        [
            {
                "net": f"2-{h}-1",
                "method": LABEL[m],
                "configurations": xor.configs[(m, h)],
                "learning-rate search (at the best β)": grid_text(gs),
                "on edge": gs.on_edge or "no",
            }
            for (m, h), gs in xor.searches.items()
        ]
    )


def forecasting_search_table(fc: ForecastingResult, fixed_lrs: dict | None = None) -> pd.DataFrame:
    """The RNN learning-rate searches, or the fixed rates ``fixed_lrs`` when none was tuned.

    Parameters
    ----------
    fc : ForecastingResult
    fixed_lrs : dict, optional
        {method: lr} used instead of a search.

    Returns
    -------
    pandas.DataFrame
        One row per method: configurations tried and the search in words.
    """
    if fc.searches:
        return pd.DataFrame(
            [
                {
                    "method": LABEL[m],
                    "configurations": fc.configs[m],
                    "learning-rate search (Lorenz, 500 steps)": grid_text(gs),
                    "on edge": gs.on_edge or "no",
                    "diverged (inf)": int(sum(not np.isfinite(v) for v in gs.scores)),
                }
                for m, gs in fc.searches.items()
            ]
        )
    return pd.DataFrame(
        [
            {
                "method": LABEL[m],
                "configurations": 1,
                "learning-rate search (Lorenz, 500 steps)": f"fixed lr = {lr:g} (not tuned)",
                "on edge": "n/a",
                "diverged (inf)": 0,
            }
            for m, lr in (fixed_lrs or {}).items()
        ]
    )


def quoted_rule_table(q: QuotedRuleResult) -> pd.DataFrame:
    """One row per (nu, EMA order): XOR successes and median final/initial loss, Lorenz
    validation MSE at the start and the end. The first row is the rule as quoted.

    Parameters
    ----------
    q : QuotedRuleResult

    Returns
    -------
    pandas.DataFrame
    """
    rows = []
    for (norm, order), r in q.xor.items():
        rnn = q.rnn[(norm, order)]["result"]
        rows.append(
            {
                "ν": "σ²" if norm else "1",
                "EMA order": order,
                "XOR successes": int(r["success"].sum()),
                "XOR loss final/initial": float(np.median(r["final_loss"] / r["init_loss"])),
                "Lorenz MSE initial": float(rnn.curve[0, 1]),
                "Lorenz MSE final": float(rnn.final_val),
            }
        )
    return pd.DataFrame(rows)


def quoted_rule_flat(table: pd.DataFrame, tol: float = 0.01) -> bool:
    """Whether the rule as quoted (the table's first row) stays flat: no XOR success, and
    both losses within ``tol`` (relative) of where they started.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`quoted_rule_table`.
    tol : float, default 0.01
        Relative tolerance.

    Returns
    -------
    bool
    """
    q = table.iloc[0]
    return bool(
        q["XOR successes"] == 0
        and abs(q["XOR loss final/initial"] - 1) < tol
        and abs(q["Lorenz MSE final"] / q["Lorenz MSE initial"] - 1) < tol
    )


def best_dopamine(
    table: pd.DataFrame, system: str, candidates: Sequence[str] = DOPAMINE_RNN
) -> str:
    """The Dopamine variant with the lowest median final MSE on ``system``.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`forecasting_table`.
    system : str
    candidates : sequence of str, default DOPAMINE_RNN

    Returns
    -------
    str
        The method's name.
    """
    t = table[(table.system == system) & table.method.isin(candidates)]
    return t.sort_values("final_mse").iloc[0]["method"]


def best_xor_dopamine(xor: XorResult, hidden: int) -> str:
    """The XOR Dopamine variant with the highest success rate, then fewest median epochs.

    Parameters
    ----------
    xor : XorResult
    hidden : int
        The net's hidden size H (2-H-1).

    Returns
    -------
    str
        The method's name.
    """
    s = xor.summary.set_index(["method", "hidden"])
    rows = [s.loc[(m, hidden)] for m in ("dopamine1", "dopamine2")]
    return min(
        rows,
        key=lambda r: (
            -r["success_%"],
            r["median_epochs"] if np.isfinite(r["median_epochs"]) else np.inf,
        ),
    ).name[0]


def cost_to_target_table(fc: ForecastingResult) -> pd.DataFrame:
    """:func:`cost_to_target` of the best Dopamine variant against BPTT + Adam, per system.

    Parameters
    ----------
    fc : ForecastingResult

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`cost_to_target`, two per system.
    """
    tab = forecasting_table(fc)
    return pd.concat(
        [cost_to_target(fc, s, [best_dopamine(tab, s), "adam"]) for s in SYSTEMS], ignore_index=True
    )


def beats_persistence(fc: ForecastingResult) -> list[str]:
    """Perturbative methods whose median final MSE is below persistence's.

    Parameters
    ----------
    fc : ForecastingResult

    Returns
    -------
    list of str
        ``"<label> on <System>"`` for each.
    """
    r = forecasting_table(fc).set_index(["system", "method"])
    return [
        f"{LABEL[m]} on {s.capitalize()}"
        for s in SYSTEMS
        for m in ("wp", *DOPAMINE_RNN)
        if (s, m) in r.index and r.loc[(s, m), "final_mse"] < fc.baselines[s]["persistence"]
    ]


def md_table(df: pd.DataFrame, digits: int = 3) -> Markdown:
    """This chapter's tables: :func:`neuroplastic.experiments.tables.md_table` with
    significant digits, True/False, plain headers."""
    return tables.md_table(
        df, digits, floats="significant", min_digits=1, yes_no=False, format_header=False
    )


# ------------------------------------------------------------------------- claim checks
@dataclass(frozen=True)
class ClaimCheck:
    """One claim checked: ``holds`` (True/False/None or a verdict string) when it rests on no
    [R] choice, else ``variants`` as (name, outcome, evidence); ``budget`` as (method,
    method_configs, baseline, baseline_configs). The chapter turns these into ``book.Variant``
    and ``book.Budget`` (this layer does not import the book)."""

    id: str
    statement: str
    evidence: str
    holds: object = None
    reason: str | None = None
    variants: list = field(default_factory=list)
    budget: tuple | None = None


def _fmt(x):
    return f"{x:.2e}"


def _edge_note(searches, keys):
    edges = [
        LABEL[k[0] if isinstance(k, tuple) else k]
        + (f" 2-{k[1]}-1" if isinstance(k, tuple) else "")
        + f" ({searches[k].on_edge})"
        for k in keys
        if k in searches and searches[k].on_edge
    ]
    return ("; best lr on a grid edge for " + ", ".join(edges)) if edges else ""


def beta_reach(steps: int, beta: float = BETA_QUOTED) -> float:
    """Fraction of the way an EMA with weight ``beta`` moves in ``steps`` steps:
    1 - beta^steps (its time constant is 1/(1 - beta) steps).

    Parameters
    ----------
    steps : int
        Steps (>= 0).
    beta : float, default BETA_QUOTED (0.9998)

    Returns
    -------
    float
        In [0, 1].

    Raises
    ------
    TypeError, ValueError
        If ``steps`` is not an integer >= 0.
    """
    return 1.0 - beta ** check_int("steps", steps, 0)


def check_claims(
    xor: XorResult,
    fc: ForecastingResult,
    quoted: QuotedRuleResult,
    mem: pd.DataFrame,
    steps: int,
    mem_T: Sequence[int],
) -> list[ClaimCheck]:
    """Chapter 5's claims C1-C7 and our check E2, by the pass rules of the chapter (fixed
    before any run).

    C1 faster than WP (XOR: fewer median epochs at no more than 5 points lower success;
    RNN: lower median final MSE); C2 XOR success within 10 points of the best gradient
    method, RNN final MSE within 2x of it and below persistence; C3 FPE to target <= 0.5 x
    Adam's (RNN) / the fastest gradient method's (XOR); C4 peak memory at T = 32 <= 0.5 x
    BPTT's, BPTT's growing >= T1/(4 T0), Dopamine's flat (<= 1.5x + 1 MiB); C5 XOR 2-2-1
    success and converging grid share >= WP's; C6 not assessable; C7 Dopamine-2 below
    Dopamine-1 (three readings of Dopamine-2); E2 the rule as quoted stays flat.

    Parameters
    ----------
    xor : XorResult
    fc : ForecastingResult
    quoted : QuotedRuleResult
    mem : pandas.DataFrame
        From :func:`step_cost`.
    steps : int
        RNN training steps (for the EMA reach of Dopamine-2).
    mem_T : sequence of int
        The look-backs of ``mem``.

    Returns
    -------
    list of ClaimCheck
    """
    S = xor.summary.set_index(["method", "hidden"])
    rnn_tab = forecasting_table(fc)
    R = rnn_tab.set_index(["system", "method"])
    tt = cost_to_target_table(fc)

    def xor_cfg(m):
        return sum(xor.configs[(m, h)] for h in (4, 2))

    def rnn_cfg(m):
        return fc.configs.get(m, 1)

    def dop(s, cands=DOPAMINE_RNN):
        return best_dopamine(rnn_tab, s, cands)

    tau = 1 / (1 - BETA_QUOTED)
    d2_reason = (
        f"with beta = {BETA_QUOTED} both traces of Dopamine-2 (standard ordering) have "
        f"a {tau:.0f}-step time constant; in {steps} steps eta moves at most "
        f"{100 * beta_reach(steps):.0f} % of the way from eta_0, so Dopamine-2 is "
        f"weight perturbation by construction and any difference from WP is noise; "
        f"several time constants (15,000+ steps per run) exceed the chapter's budget"
    )
    quick_note = "" if fc.searches else " (quick profile: learning rates fixed, not tuned)"
    checks = []

    # C1: faster than WP
    xor_parts, xor_ok = [], True
    for H in (4, 2):
        d = best_xor_dopamine(xor, H)
        ok = (
            S.loc[(d, H), "median_epochs"] < S.loc[("wp", H), "median_epochs"]
            and S.loc[(d, H), "success_%"] >= S.loc[("wp", H), "success_%"] - 5
        )
        xor_ok &= bool(ok)
        xor_parts.append(
            f"2-{H}-1: {LABEL[d]} {S.loc[(d, H), 'median_epochs']:.0f} epochs "
            f"({S.loc[(d, H), 'success_%']:.0f}%) vs WP "
            f"{S.loc[('wp', H), 'median_epochs']:.0f} "
            f"({S.loc[('wp', H), 'success_%']:.0f}%)"
        )
    rnn_parts, rnn_ok = [], True
    for s in SYSTEMS:
        d = dop(s, ["dopamine1", "dopamine2_fast"])
        rnn_ok &= bool(R.loc[(s, d), "final_mse"] < R.loc[(s, "wp"), "final_mse"])
        rnn_parts.append(
            f"{s}: {LABEL[d]} {_fmt(R.loc[(s, d), 'final_mse'])} vs WP "
            f"{_fmt(R.loc[(s, 'wp'), 'final_mse'])}"
        )
    d2_parts = "; ".join(
        f"{s}: Dopamine-2 {_fmt(R.loc[(s, 'dopamine2'), 'final_mse'])} vs WP "
        f"{_fmt(R.loc[(s, 'wp'), 'final_mse'])}"
        for s in SYSTEMS
    )
    xor_keys = [(m, h) for m in ("wp", "dopamine1", "dopamine2") for h in (4, 2)]
    checks.append(
        ClaimCheck(
            "C1",
            "Dopamine converges faster than standard weight perturbation",
            "XOR and forecasting checked separately; see the variants",
            variants=[
                (
                    "XOR (2-4-1 and 2-2-1), tuned",
                    bool(xor_ok),
                    "; ".join(xor_parts) + _edge_note(xor.searches, xor_keys),
                ),
                (
                    "RNN forecasting, Dopamine-1 or Dopamine-2 with beta = 0.99 [R]",
                    bool(rnn_ok),
                    "; ".join(rnn_parts)
                    + quick_note
                    + _edge_note(fc.searches, ["wp", "dopamine1", "dopamine2_fast"]),
                ),
                (
                    "RNN forecasting, Dopamine-2 with the quoted beta = 0.9998 [T]",
                    "not assessable",
                    d2_parts + "; " + d2_reason,
                ),
            ],
            budget=(
                "Dopamine (best variant)",
                min(xor_cfg("dopamine1"), xor_cfg("dopamine2")),
                "WP",
                xor_cfg("wp"),
            ),
        )
    )

    # C2: comparable to gradient-based training
    c2x_parts, c2x_ok = [], True
    for H in (4, 2):
        d = best_xor_dopamine(xor, H)
        g = max(S.loc[("sgd", H), "success_%"], S.loc[("adam", H), "success_%"])
        c2x_ok &= bool(S.loc[(d, H), "success_%"] >= g - 10)
        c2x_parts.append(
            f"2-{H}-1 success {S.loc[(d, H), 'success_%']:.0f}% vs best gradient {g:.0f}%"
        )
    c2r_parts, c2r_ok = [], True
    for s in SYSTEMS:
        d = dop(s)
        g = min(R.loc[(s, "sgd"), "final_mse"], R.loc[(s, "adam"), "final_mse"])
        v = R.loc[(s, d), "final_mse"]
        c2r_ok &= bool(v <= 2 * g and v < R.loc[(s, d), "persistence"])
        c2r_parts.append(
            f"{s}: {LABEL[d]} {_fmt(v)} vs best gradient {_fmt(g)} "
            f"(persistence {_fmt(R.loc[(s, d), 'persistence'])})"
        )
    c2_budget = (
        "Dopamine (best variant)",
        min(rnn_cfg(m) for m in DOPAMINE_RNN),
        "SGD/Adam",
        max(rnn_cfg("sgd"), rnn_cfg("adam")),
    )
    checks.append(
        ClaimCheck(
            "C2",
            "Dopamine performs comparably to gradient-based training (backprop/BPTT)",
            "XOR and forecasting checked separately; see the variants",
            variants=[
                ("XOR success rate within 10 points", bool(c2x_ok), "; ".join(c2x_parts)),
                (
                    "RNN final MSE within 2x and below persistence",
                    bool(c2r_ok),
                    "; ".join(c2r_parts)
                    + quick_note
                    + _edge_note(fc.searches, ["sgd", "adam"] + DOPAMINE_RNN),
                ),
            ],
            budget=c2_budget,
        )
    )

    # C3: less computation, to target
    c3r_parts, c3r_ok = [], True
    for s in SYSTEMS:
        t = tt[tt.system == s].set_index("method")
        d = dop(s)
        ratio = t.loc[d, "fpe"] / t.loc["adam", "fpe"]  # measured FPE (BPTT's from timings)
        a_hi, a_lo = t.loc["adam", "steps"], t.loc["adam", "steps_after"] + 1
        d_hi, d_lo = t.loc[d, "steps"], t.loc[d, "steps_after"] + 1
        c3r_ok &= bool(ratio <= 0.5)
        steps_txt = (
            f"{d_hi / a_hi:.0f}x Adam's steps ({d_hi:.0f} vs {a_hi:.0f}, Adam's "
            f"crossing measured to the step)"
            if a_hi == a_lo
            else f"between {d_lo / a_hi:.0f}x and {d_hi / a_lo:.0f}x Adam's steps "
            f"(crossings bracketed by the evaluation grid)"
        )
        # timings stay out of the evidence (it must re-execute identically): the steps ratio is
        # exact, the measured FPE ratio is in the to-target table
        c3r_parts.append(
            f"{s}: to the target MSE {_fmt(t.loc[d, 'target_mse'])}, {LABEL[d]} "
            f"needs {steps_txt} at 2 FPE/step; measured FPE ratio "
            f"{'<=' if ratio <= 0.5 else '>'} 0.5"
        )
    c3x_parts, c3x_ok = [], True
    for H in (4, 2):
        d = best_xor_dopamine(xor, H)
        g = min(("sgd", "adam"), key=lambda m: S.loc[(m, H), "median_epochs"])
        ep_ratio = S.loc[(d, H), "median_epochs"] / S.loc[(g, H), "median_epochs"]
        ok = bool(S.loc[(d, H), "median_fpe"] <= 0.5 * S.loc[(g, H), "median_fpe"])
        c3x_ok &= ok
        c3x_parts.append(
            f"2-{H}-1: {LABEL[d]} needs {ep_ratio:.1f}x the epochs of {LABEL[g]} "
            f"to criterion at 2 FPE/epoch; measured FPE ratio "
            f"{'<=' if ok else '>'} 0.5"
        )
    checks.append(
        ClaimCheck(
            "C3",
            "Dopamine needs significantly less computation (ratio <= 0.5 to target)",
            "to a target MSE (RNN) and to criterion (XOR); see the variants",
            variants=[
                ("RNN forecasting, to the worst final MSE", bool(c3r_ok), "; ".join(c3r_parts)),
                ("XOR, to criterion", bool(c3x_ok), "; ".join(c3x_parts)),
            ],
            budget=c2_budget,
        )
    )

    # C4: less memory (a memory reading, not pinned in the tests)
    pk = mem.set_index(["method", "T"]).peak_bytes
    T0, T1 = min(mem_T), max(mem_T)
    r32 = pk[("dopamine1", 32)] / pk[("adam", 32)]
    grow = pk[("adam", T1)] / pk[("adam", T0)]
    resolution = 2**20  # bytes; see the chapter's memory section
    flat_ok = bool(pk[("dopamine1", T1)] <= 1.5 * pk[("dopamine1", T0)] + resolution)
    sv = mem.set_index(["method", "T"]).saved_bytes

    def yn(ok):
        return "yes" if ok else "no"

    # measured peaks vary slightly between runs, so the evidence states the pass conditions
    checks.append(
        ClaimCheck(
            "C4",
            "Dopamine needs significantly less memory than BPTT",
            f"peak Dopamine/BPTT at T=32 <= 0.5: {yn(r32 <= 0.5)}; BPTT peak grows >= "
            f"{0.25 * T1 / T0:.0f}x from T={T0} to {T1}: {yn(grow >= 0.25 * T1 / T0)}; Dopamine "
            f"peak flat (<= 1.5x + 1 MiB): {yn(flat_ok)}; bytes saved for backward at T=32: BPTT "
            f"{sv[('adam', 32)] / 2**20:.2f} MB, Dopamine {sv[('dopamine1', 32)]} B",
            holds=bool(r32 <= 0.5 and grow >= 0.25 * T1 / T0 and flat_ok),
        )
    )

    # C5: robust solutions
    d = best_xor_dopamine(xor, 2)
    sh = xor.grid_share
    checks.append(
        ClaimCheck(
            "C5",
            "Dopamine finds robust solutions",
            "two readings of robustness on XOR 2-2-1; see the variants",
            variants=[
                (
                    "XOR 2-2-1 success rate",
                    bool(S.loc[(d, 2), "success_%"] >= S.loc[("wp", 2), "success_%"]),
                    f"{LABEL[d]} {S.loc[(d, 2), 'success_%']:.0f}% vs WP "
                    f"{S.loc[('wp', 2), 'success_%']:.0f}%",
                ),
                (
                    "XOR 2-2-1 share of the tuning grid that converges",
                    bool(sh[(d, 2)] >= sh[("wp", 2)]),
                    f"{LABEL[d]} {sh[(d, 2)]:.2f} of {xor.configs[(d, 2)]} configurations vs WP "
                    f"{sh[('wp', 2)]:.2f} of {xor.configs[('wp', 2)]}",
                ),
            ],
            budget=(LABEL[d], xor_cfg(d), "WP", xor_cfg("wp")),
        )
    )

    checks.append(
        ClaimCheck(
            "C6",
            "Dopamine is more biologically plausible than backpropagation",
            "one broadcast scalar (the RPE) per step, local updates, no backward pass or stored "
            "activations (the memory measurement counts 0 saved bytes)",
            holds=None,
            reason="plausibility is not decidable by simulation",
        )
    )

    # C7: Dopamine-2 lowest error of the variants
    c7_fast = all(
        R.loc[(s, "dopamine2_fast"), "final_mse"] < R.loc[(s, "dopamine1"), "final_mse"]
        for s in SYSTEMS
    )
    # the quoted-rule check's Lorenz run of Dopamine-2 with nu = sigma^2 and the quoted ordering
    # (seed 0, WP's rate) against Dopamine-1's Lorenz seed-0 run at the same step
    q_rnn = quoted.rnn[(True, "as_quoted")]["result"]
    q_steps = int(q_rnn.curve[-1, 0])
    d1_run = next(
        r["result"]
        for r in fc.runs
        if r["system"] == "lorenz" and r["method"] == "dopamine1" and r["seed"] == 0
    )
    d1_at = d1_run.curve[d1_run.curve[:, 0] == q_steps, 1]
    c7_quoted = (
        bool(q_rnn.final_val < d1_at[0])
        if d1_at.size and np.isfinite(q_rnn.final_val)
        else "not assessable"
    )

    def vs_d1(m, name):
        return "; ".join(
            f"{s}: {name} {_fmt(R.loc[(s, m), 'final_mse'])} vs Dopamine-1 "
            f"{_fmt(R.loc[(s, 'dopamine1'), 'final_mse'])}"
            for s in SYSTEMS
        )

    checks.append(
        ClaimCheck(
            "C7",
            "Dopamine-2 gives the lowest forecasting error of the variants (AI summary, weak)",
            "Dopamine-2 against Dopamine-1 under three readings of Dopamine-2; see the variants",
            variants=[
                (
                    "Dopamine-2 with the quoted beta = 0.9998 [T], standard ordering",
                    "not assessable",
                    vs_d1("dopamine2", "Dopamine-2") + "; " + d2_reason,
                ),
                (
                    "Dopamine-2 with beta = 0.99 [R], standard ordering",
                    bool(c7_fast),
                    vs_d1("dopamine2_fast", "Dopamine-2 (beta 0.99)") + quick_note,
                ),
                (
                    "Dopamine-2 with the EMA ordering as quoted (nu = sigma^2, E2)",
                    c7_quoted,
                    f"Lorenz, seed 0, after {q_steps} steps: Dopamine-2 "
                    f"(quoted ordering, kappa = 1, "
                    f"rest as quoted) {_fmt(q_rnn.final_val)} vs Dopamine-1 "
                    + (_fmt(d1_at[0]) if d1_at.size else "not evaluated at that step")
                    + "; one system only (E2 runs Lorenz)",
                ),
            ],
        )
    )

    qt = quoted_rule_table(quoted)
    q = qt.iloc[0]
    checks.append(
        ClaimCheck(
            "E2",
            "Our check: the update rule as quoted (nu = 1, swapped EMA) cannot learn",
            f"XOR 2-4-1: {int(q['XOR successes'])}/"
            f"{len(quoted.xor[(False, 'as_quoted')]['success'])}"
            f" successes, loss final/initial {q['XOR loss final/initial']:.4f}; Lorenz val MSE "
            f"{q['Lorenz MSE initial']:.3f} -> {q['Lorenz MSE final']:.3f}",
            holds=quoted_rule_flat(qt),
        )
    )
    return checks


# ------------------------------------------------------------------------- figures
def _plt():
    import matplotlib.pyplot as plt

    return plt


def xor_figure(xor: XorResult, budget: int) -> Figure:
    """Empirical CDF of the epochs to criterion over the evaluation seeds, per method at its
    tuned rate; one panel per net (2-4-1, 2-2-1). A curve's final height is the success
    rate.

    Parameters
    ----------
    xor : XorResult
    budget : int
        Training epochs (the x-axis limit).

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
    for ax, H in zip(axes, [4, 2]):
        for m in METHODS:
            run = xor.runs[(m, H)]
            ep = np.sort(run["epochs"][run["success"]])
            n = len(run["epochs"])
            x = np.concatenate([[0], ep, [budget]])
            y = np.concatenate([[0], np.arange(1, len(ep) + 1) / n, [len(ep) / n]])
            ax.step(x, y, where="post", color=COLOR[m], label=LABEL[m])
        ax.set_xscale("symlog", linthresh=10)
        ax.set_title(f"2-{H}-1")
        ax.set_xlabel("epochs to criterion")
    axes[0].set_ylabel("fraction of seeds converged")
    axes[1].legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


_QUOTED_STYLES = {
    (False, "as_quoted"): ("tab:purple", "-"),
    (False, "standard"): ("tab:purple", "--"),
    (True, "as_quoted"): ("tab:green", "--"),
    (True, "standard"): ("tab:green", "-"),
}


def quoted_rule_figure(q: QuotedRuleResult) -> Figure:
    """Median XOR 2-4-1 loss (left) and Lorenz validation MSE (right) of the four
    combinations of normalisation and EMA ordering.

    Parameters
    ----------
    q : QuotedRuleResult

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for key, r in q.xor.items():
        c, ls = _QUOTED_STYLES[key]
        lab = f"ν={'σ²' if key[0] else '1'}, {key[1]}"
        xs = np.arange(r["curve"].shape[0]) * r["record_every"]
        axes[0].plot(xs, np.median(r["curve"], axis=1), color=c, ls=ls, label=lab)
        rr = q.rnn[key]["result"]
        axes[1].plot(rr.curve[:, 0], rr.curve[:, 1], color=c, ls=ls, label=lab)
    axes[0].set(xlabel="epoch", ylabel="XOR loss (median)", yscale="log", title="XOR 2-4-1")
    axes[1].set(xlabel="step", ylabel="validation MSE (z-units)", yscale="log", title="Lorenz RNN")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    return fig


def onestep_figure(fc: ForecastingResult) -> Figure:
    """One-step validation MSE against training step, median over seeds, per system, with
    persistence (dashed) and linear extrapolation (dotted).

    Parameters
    ----------
    fc : ForecastingResult

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for ax, s in zip(axes, SYSTEMS):
        for m in RNN_METHODS:
            curves = [r["result"].curve for r in fc.runs if r["system"] == s and r["method"] == m]
            if not curves:
                continue
            n = min(len(c) for c in curves)
            ax.plot(
                curves[0][:n, 0],
                np.median([c[:n, 1] for c in curves], axis=0),
                color=COLOR[m],
                label=LABEL[m],
            )
        ax.axhline(fc.baselines[s]["persistence"], color="k", ls="--", lw=1, label="persistence")
        ax.axhline(fc.baselines[s]["linear"], color="k", ls=":", lw=1, label="linear")
        ax.set(yscale="log", xlabel="training step", title=s.capitalize())
    axes[0].set_ylabel("validation MSE (z-units)")
    axes[1].legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig


def freerun_figure(fc: ForecastingResult, dt: float = 0.01) -> Figure:
    """Free-running error e(t) (median over starts) of each method's best seed against
    Lyapunov time, with persistence and the 0.5 threshold.

    Parameters
    ----------
    fc : ForecastingResult
    dt : float, default 0.01
        Integration time step of the systems (time units per sample).

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for ax, s in zip(axes, SYSTEMS):

        def lyap_t(n, s=s):
            return np.arange(1, n + 1) * dt * LYAPUNOV[s]

        for m in RNN_METHODS:
            runs = [r for r in fc.runs if r["system"] == s and r["method"] == m]
            if not runs:
                continue
            e = np.median(max(runs, key=lambda r: r["vpt"])["free_err"], axis=0)
            ax.plot(lyap_t(e.size), e, color=COLOR[m], label=LABEL[m])
        pe = np.median(fc.persistence[s]["err"], axis=0)
        ax.plot(lyap_t(pe.size), pe, color="k", lw=1, label="persistence")
        ax.axhline(0.5, color="k", ls=":", lw=1)
        ax.set(yscale="log", xlabel="Lyapunov times", title=s.capitalize(), ylim=(1e-3, 10))
    axes[0].set_ylabel("e(t), z-units")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def _plain_log_ticks(ax, axis="x"):
    from matplotlib.ticker import FuncFormatter, NullFormatter

    a = ax.xaxis if axis == "x" else ax.yaxis
    a.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    a.set_minor_formatter(NullFormatter())


def memory_figure(mem: pd.DataFrame) -> Figure:
    """Peak step memory (solid) and bytes saved for backward (dashed), and wall time per
    step, against the look-back T (log-log).

    Parameters
    ----------
    mem : pandas.DataFrame
        From :func:`step_cost`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for m, c, lab in (
        ("adam", "tab:orange", "BPTT + Adam"),
        ("dopamine1", "tab:green", "Dopamine-1"),
    ):
        d = mem[mem.method == m].sort_values("T")
        axes[0].plot(d["T"], d.peak_bytes / 2**20, "o-", color=c, label=f"{lab}: peak")
        if d.saved_bytes.max() > 0:
            axes[0].plot(
                d["T"], d.saved_bytes / 2**20, "s--", color=c, label=f"{lab}: saved for backward"
            )
        axes[1].plot(d["T"], 1e3 * d.time_s, "o-", color=c, label=lab)
    axes[0].set(xscale="log", yscale="log", xlabel="look-back T", ylabel="MB")
    axes[1].set(xscale="log", yscale="log", xlabel="look-back T", ylabel="ms per step")
    for ax in axes:
        ax.set_xticks(sorted(set(mem["T"])))
        _plain_log_ticks(ax, "x")
        _plain_log_ticks(ax, "y")
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def memory_table(mem: pd.DataFrame) -> pd.DataFrame:
    """:func:`step_cost`'s readings in MB, kB and ms, one row per (method, T).

    Parameters
    ----------
    mem : pandas.DataFrame
        From :func:`step_cost`.

    Returns
    -------
    pandas.DataFrame
    """
    names = {"adam": "BPTT + Adam", "dopamine1": "Dopamine-1 (no grad)"}
    return pd.DataFrame(
        {
            "method": mem.method.map(names),
            "T": mem["T"],
            "peak MB": mem.peak_bytes / 2**20,
            "saved MB": mem.saved_bytes / 2**20,
            "state kB": mem.state_bytes / 1024,
            "forward passes": mem.forward_passes,
            "FPE/step": mem.fpe_per_step,
            "ms/step": 1e3 * mem.time_s,
        }
    )


def spectral_figure(runs: list[dict] | None, fc: ForecastingResult) -> Figure:
    """Lorenz validation MSE with the spectral-radius reset every k steps.

    Parameters
    ----------
    runs : list of dict or None
        From :func:`spectral_ablation`; None gives an empty panel that says so.
    fc : ForecastingResult

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 3.6))
    if runs is not None:
        for r in runs:
            k = r["spectral_every"]
            ls = {1: "-", 10: "--", 100: ":", None: "-."}[k]
            ax.plot(
                r["result"].curve[:, 0],
                r["result"].curve[:, 1],
                ls=ls,
                color=COLOR[r["method"]],
                label=f"{LABEL[r['method']]}, reset every {k or 'never'}",
            )
        ax.axhline(
            fc.baselines["lorenz"]["persistence"], color="k", ls="--", lw=1, label="persistence"
        )
        ax.set(yscale="log")
        ax.legend(fontsize=7)
    else:
        ax.text(
            0.5,
            0.5,
            "not run in the quick profile",
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
    ax.set(xlabel="training step", ylabel="validation MSE (z-units)")
    fig.tight_layout()
    return fig
