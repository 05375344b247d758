"""Chapter 5 entry points (one per figure/table), memoized with ``book.memoize``.

Every entry point takes JSON-able arguments only; grids of seeds/configurations run through
``neuroplastic.parallel.sweep`` (loky processes, 1 thread each). Learning rates are tuned on
tuning seeds disjoint from the evaluation seeds (XOR: success rate, then median epochs; RNN: median
final validation MSE), every method starts from the same initial parameters per seed and gets the
same data and budget.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import book
from ..parallel import sweep
from ..tuning import grid_search
from ._validate import check_int
from .chaos import LYAPUNOV, forecasting_data, naive_baselines
from .forecast import free_run, persistence_free_run, train, valid_prediction_time
from .measure import memory_scaling
from .models import ElmanRNN
from .tasks import rank_key, xor_run, xor_summary

# [T] Tables S4/S5: sigma, beta_s = beta_eta, s_0, eta_0 of the as-quoted rule, per system
RNN_TABLE = {"lorenz": {"sigma": 1e-4, "beta": 0.9998, "s0": 1e-4, "eta0": 1e-2},
             "rossler": {"sigma": 1e-5, "beta": 0.9998, "s0": 1e-5, "eta0": 1e-2}}
XOR_SIGMA = 1e-3
#: [R] variants run beside the presets: label -> (preset, overrides). Dopamine-2 with the quoted
#: beta = 0.9998 has 5000-step traces, longer than any run we can afford; beta = 0.99 (100
#: steps) lets its learning-rate law act within the budget.
RNN_VARIANTS = {"dopamine2_fast": ("dopamine2", {"beta_s": 0.99, "beta_eta": 0.99})}
#: factors by which a grid is widened past its upper / lower edge
GRID_UP, GRID_DOWN = 2.0, 3.0


def adaptive_grid_search(run, grids, *, max_rounds=4, up=GRID_UP, down=GRID_DOWN,
                         equal_groups=()):
    """Tune each key's ordered 1-d grid, widening it while its best value sits on an edge.

    ``run(points)`` takes a list of ``(key, value)`` and returns their scores (lower is better;
    non-finite = diverged/failed). ``grids`` maps key -> increasing positive values. After the
    initial grid, every round adds ``last * up`` for each key whose best is on the upper edge
    and ``first / down`` for each on the lower edge, until no best is on an edge (the grid has
    passed the optimum or reached divergence) or ``max_rounds`` rounds are spent. Each set of
    keys in ``equal_groups`` then gets the union of its members' grids (equal tuning budgets).
    Returns ``({key: GridSearch}, {(key, value): score})``.
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
    return {k: search(k) for k in grids if any(np.isfinite(scores[(k, v)]) for v in grids[k])}, scores


# ---------------------------------------------------------------------------------------- XOR
def xor_task(method, hidden, lr, beta, seeds, budget, criterion=0.01, record_every=0,
             overrides=None):
    """One XOR configuration over all ``seeds`` as replicas; returns run arrays + summary."""
    run = xor_run(method, hidden, seeds, budget, lr, criterion=criterion, sigma=XOR_SIGMA,
                  beta=beta, record_every=record_every, early_stop=record_every == 0,
                  **(overrides or {}))
    run["summary"] = xor_summary(run)
    return run


def xor_score(summary: dict, budget: int) -> float:
    """Scalar tuning score of an XOR setting (lower is better), ordering like ``rank_key``:
    (100 - success %) * 1e6 + median epochs (budget + 1 when nothing converged)."""
    med = summary["median_epochs"]
    return (100.0 - summary["success_%"]) * 1e6 + (med if np.isfinite(med) else budget + 1)


@book.memoize
def e1_xor(hiddens, eval_seeds, tune_seeds, budget, grids, criterion=0.01, extend_rounds=0,
           n_jobs=None):
    """E1: tune each method's (lr, beta) on ``tune_seeds`` and evaluate on ``eval_seeds``.

    ``grids`` maps method -> list of [lr, beta] (beta None where unused). For every beta the lr
    grid is widened (``adaptive_grid_search``, up to ``extend_rounds`` rounds) while its best lr
    lies on an edge. Returns dict with ``tuning`` (DataFrame of every grid point), ``best``
    {(method, H): (lr, beta)}, ``searches`` {(method, H): GridSearch over lr at the best beta},
    ``configs`` {(method, H): configurations tried}, ``runs`` {(method, H): run} on the
    evaluation seeds, ``summary`` (DataFrame), ``grid_share`` {(method, H): share of grid points
    with success >= 50 % on the tuning seeds}. The as-quoted rule is evaluated at WP's tuned rate.
    """
    hiddens = [check_int("hiddens", h, 1) for h in hiddens]
    if set(map(int, eval_seeds)) & set(map(int, tune_seeds)):
        raise ValueError("eval_seeds and tune_seeds must be disjoint")
    summaries = {}

    def run(points):
        tasks = [dict(method=m, hidden=h, lr=float(lr), beta=beta, seeds=list(tune_seeds),
                      budget=budget, criterion=criterion) for (m, h, beta), lr in points]
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
    tuning = pd.DataFrame([summaries[p] for p in sorted(summaries, key=lambda p: (
        p[0][1], p[0][0], -1 if p[0][2] is None else p[0][2], p[1]))])
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
    ev = [dict(method=m, hidden=h, lr=best[(m, h)][0], beta=best[(m, h)][1],
               seeds=list(eval_seeds), budget=budget, criterion=criterion)
          for h in hiddens for m in grids]
    if "wp" in grids:
        ev += [dict(method="dopamine2_as_quoted", hidden=h, lr=best[("wp", h)][0], beta=None,
                    seeds=list(eval_seeds), budget=budget, criterion=criterion) for h in hiddens]
    runs_list = sweep(xor_task, ev, n_jobs=n_jobs, desc="XOR evaluation")
    runs = {(r["method"], r["hidden"]): r for r in runs_list}
    summary = pd.DataFrame([r["summary"] for r in runs_list])
    return {"tuning": tuning, "best": best, "runs": runs, "summary": summary, "grid_share": share,
            "searches": searches, "configs": configs}


# ---------------------------------------------------------------------------------------- RNN
def rnn_task(system, method, lr, seed, hidden, stride, steps, eval_every=20, free_cap=300,
             spectral_every=None, overrides=None, free_starts=10, eval_dense=0):
    """Train one RNN and run its free-running forecast. Returns a picklable dict.

    ``method`` is a preset or a label of ``RNN_VARIANTS`` (a preset with fixed overrides)."""
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
    res = train(model, base, data, steps, lr, seed=seed, eval_every=eval_every,
                eval_dense=eval_dense, sigma=tab["sigma"], spectral_every=spectral_every, **kw)
    if res.diverged:
        err = np.full((free_starts, horizon), np.inf)
    else:
        err = free_run(model, data, starts=free_starts, horizon=horizon)
    return {"system": system, "method": method, "lr": lr, "seed": seed, "result": res,
            "free_err": err, "vpt": valid_prediction_time(err, lyap=LYAPUNOV[system]),
            "horizon": horizon, "overrides": overrides, "spectral_every": spectral_every}


def _spectral_for(method, spectral):
    return 1 if (spectral and method not in ("sgd", "adam")) else None


@book.memoize
def e3_forecasting(systems, methods, seeds, hidden, stride, steps, lrs=None, tune_grids=None,
                   tune_seed=100, tune_steps=500, eval_every=20, free_cap=300, spectral=True,
                   extend_rounds=0, eval_dense=0, n_jobs=None):
    """E3/E4: one-step and free-running forecasting for every system x method x seed.

    Learning rates: ``lrs`` {method: lr}, or tuned on Lorenz with ``tune_seed`` (disjoint from
    ``seeds``) for ``tune_steps`` steps over ``tune_grids`` {method: [lr, ...]} by final
    validation MSE (a diverged run scores inf). Each grid is widened while its best lies on an
    edge (up to ``extend_rounds`` rounds, ``adaptive_grid_search``), and the perturbative
    methods then all get the union of their grids (equal budgets). The as-quoted rule always
    uses the [T] eta_0 = 1e-2. ``spectral`` puts the rho* = 1 reset every step on the
    perturbative methods (never on SGD/Adam). ``eval_dense``: validate at every step below it.
    Returns ``runs``, ``lrs``, ``tuning`` (DataFrame), ``searches`` {method: GridSearch},
    ``configs`` {method: configurations tried}, ``baselines`` and ``persistence``.
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
            tasks = [dict(system="lorenz", method=m, lr=float(lr), seed=tune_seed, hidden=hidden,
                          stride=stride, steps=tune_steps, eval_every=tune_steps, free_cap=1,
                          spectral_every=_spectral_for(m, spectral)) for m, lr in points]
            out = sweep(rnn_task, tasks, n_jobs=n_jobs, desc="RNN tuning")
            return [o["result"].final_val for o in out]

        pert = [m for m in tune_grids if m not in ("sgd", "adam")]
        searches, scores = adaptive_grid_search(run, tune_grids, max_rounds=extend_rounds,
                                                equal_groups=[pert])
        tuning = pd.DataFrame([{"method": m, "lr": lr, "final_val": v}
                               for (m, lr), v in sorted(scores.items())])
        for m in tune_grids:
            lrs[m] = float(searches[m].best)
            configs[m] = len(searches[m].grid)
    lrs["dopamine2_as_quoted"] = RNN_TABLE["lorenz"]["eta0"]
    tasks = [dict(system=s, method=m, lr=float(lrs[m]), seed=sd, hidden=hidden, stride=stride,
                  steps=steps, eval_every=eval_every, free_cap=free_cap,
                  spectral_every=_spectral_for(m, spectral), eval_dense=eval_dense)
             for s in systems for m in methods for sd in seeds]
    runs = sweep(rnn_task, tasks, n_jobs=n_jobs, desc="RNN forecasting")
    base, pers = {}, {}
    for s in systems:
        horizon = runs[[r["system"] for r in runs].index(s)]["horizon"]
        data = forecasting_data(s, stride=stride, extra=horizon + 1)
        base[s] = naive_baselines(data)
        err = persistence_free_run(data, horizon=horizon)
        pers[s] = {"err": err, "vpt": valid_prediction_time(err, lyap=LYAPUNOV[s])}
    return {"runs": runs, "lrs": lrs, "tuning": tuning, "searches": searches, "configs": configs,
            "baselines": base, "persistence": pers}


def rnn_table(e3: dict) -> pd.DataFrame:
    """Median (over seeds) final and best validation MSE per system x method, with baselines."""
    rows = []
    for r in e3["runs"]:
        rows.append({"system": r["system"], "method": r["method"], "lr": r["lr"],
                     "seed": r["seed"], "final": r["result"].final_val,
                     "best": r["result"].best_val, "vpt": r["vpt"]})
    df = pd.DataFrame(rows)
    g = df.groupby(["system", "method"], sort=False).agg(
        lr=("lr", "first"), final_mse=("final", "median"), best_mse=("best", "median"),
        vpt_lyap=("vpt", "median")).reset_index()
    for k in ("persistence", "linear", "mean"):
        g[k] = [e3["baselines"][s][k] for s in g.system]
    g["persistence_vpt"] = [e3["persistence"][s]["vpt"] for s in g.system]
    return g


def to_target(e3: dict, system: str, methods) -> pd.DataFrame:
    """Cost to reach the worst finite final validation MSE of any run of ``methods`` (so every
    run that did not diverge reaches it; a diverged run, final MSE inf, never sets the target):
    steps, FPE and wall time, medians over the runs that reach it; ``reached`` is their
    fraction. ``steps_after`` is the median previous evaluation: the crossing lies in
    (steps_after, steps]."""
    runs = [r for r in e3["runs"] if r["system"] == system and r["method"] in methods]
    finals = [r["result"].final_val for r in runs if np.isfinite(r["result"].final_val)]
    if not finals:
        raise ValueError(f"no run of {methods} on {system!r} has a finite final MSE")
    target = max(finals)
    rows = []
    for m in methods:
        tt = [r["result"].to_target(target) for r in runs if r["method"] == m]
        hit = [t for t in tt if np.isfinite(t["steps"])]
        rows.append({"system": system, "method": m, "target_mse": target,
                     "reached": len(hit) / len(tt),
                     **{k: float(np.median([t[k] for t in hit])) if hit else np.nan
                        for k in ("steps", "steps_after", "fpe", "wall_s")},
                     "fpe_per_step": np.median([r["result"].fpe_per_step for r in runs
                                                if r["method"] == m]),
                     "time_per_step_s": np.median([r["result"].time_per_step for r in runs
                                                   if r["method"] == m])})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------- E2
@book.memoize
def e2_pitfall(xor_seeds, xor_budget, xor_lr, rnn_steps, rnn_lr, hidden, stride, eval_every=20,
               n_jobs=None):
    """E2: the as-quoted Dopamine-2 with nu in {1, sigma^2} x EMA order in {as_quoted, standard}.

    Everything else as quoted ([T]: beta = 0.9998, kappa = 1, s_0 = sigma, clamp (1e-8, 5e-2),
    spectral reset every step on the RNN) except that eta_0 is WP's tuned rate. XOR 2-4-1 over
    ``xor_seeds`` (replicas) and Lorenz (seed 0). Returns the XOR runs (with loss curves) and the
    RNN runs, keyed by (normalize_by_sigma2, eta_ema_order).
    """
    combos = [(n, o) for n in (False, True) for o in ("as_quoted", "standard")]
    xt = [dict(method="dopamine2_as_quoted", hidden=4, lr=float(xor_lr), beta=None,
               seeds=list(xor_seeds), budget=xor_budget, record_every=10,
               overrides={"normalize_by_sigma2": n, "eta_ema_order": o, "s0": XOR_SIGMA})
          for n, o in combos]
    rt = [dict(system="lorenz", method="dopamine2_as_quoted", lr=float(rnn_lr), seed=0,
               hidden=hidden, stride=stride, steps=rnn_steps, eval_every=eval_every, free_cap=1,
               spectral_every=1, overrides={"normalize_by_sigma2": n, "eta_ema_order": o})
          for n, o in combos]
    out = sweep(_e2_task, [{"kind": "xor", "kw": k} for k in xt] +
                [{"kind": "rnn", "kw": k} for k in rt], n_jobs=n_jobs, desc="E2 pitfall")
    return {"xor": dict(zip(combos, out[:4])), "rnn": dict(zip(combos, out[4:])),
            "xor_lr": xor_lr, "rnn_lr": rnn_lr}


def _e2_task(kind, kw):
    return xor_task(**kw) if kind == "xor" else rnn_task(**kw)


# ---------------------------------------------------------------------------------------- E5
@book.memoize
def e5_memory(methods, Ts, hidden, batch, device="cpu", n_jobs=None):
    """E5: per-step cost vs T, one fresh process per (method, T) (see ``measure``)."""
    return memory_scaling(methods, Ts, H=hidden, B=batch, device=device, n_jobs=n_jobs)


# ---------------------------------------------------------------------------------------- E6
@book.memoize
def e6_spectral(steps, seed, hidden, stride, d2_lr, adam_lr, eval_every=20, n_jobs=None):
    """E6: Lorenz, Dopamine-2 with reset every {1, 10, 100, never} and Adam with {1, never}."""
    tasks = [dict(system="lorenz", method="dopamine2", lr=float(d2_lr), seed=seed, hidden=hidden,
                  stride=stride, steps=steps, eval_every=eval_every, free_cap=1,
                  spectral_every=k) for k in (1, 10, 100, None)]
    tasks += [dict(system="lorenz", method="adam", lr=float(adam_lr), seed=seed, hidden=hidden,
                   stride=stride, steps=steps, eval_every=eval_every, free_cap=1,
                   spectral_every=k) for k in (1, None)]
    return sweep(rnn_task, tasks, n_jobs=n_jobs, desc="spectral ablation")
