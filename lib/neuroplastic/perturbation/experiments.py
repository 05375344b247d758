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


# ---------------------------------------------------------------------------------------- XOR
def xor_task(method, hidden, lr, beta, seeds, budget, criterion=0.01, record_every=0,
             overrides=None):
    """One XOR configuration over all ``seeds`` as replicas; returns run arrays + summary."""
    run = xor_run(method, hidden, seeds, budget, lr, criterion=criterion, sigma=XOR_SIGMA,
                  beta=beta, record_every=record_every, early_stop=record_every == 0,
                  **(overrides or {}))
    run["summary"] = xor_summary(run)
    return run


@book.memoize
def e1_xor(hiddens, eval_seeds, tune_seeds, budget, grids, criterion=0.01, n_jobs=None):
    """E1: tune each method's (lr, beta) on ``tune_seeds`` and evaluate on ``eval_seeds``.

    ``grids`` maps method -> list of [lr, beta] (beta None where unused). Returns dict with
    ``tuning`` (DataFrame of every grid point), ``best`` {(method, H): (lr, beta)}, ``runs``
    {(method, H): run} on the evaluation seeds, ``summary`` (DataFrame), ``grid_share``
    {(method, H): share of grid points with success >= 50 % on the tuning seeds}.
    The as-quoted rule is evaluated at WP's tuned rate.
    """
    hiddens = [check_int("hiddens", h, 1) for h in hiddens]
    if set(map(int, eval_seeds)) & set(map(int, tune_seeds)):
        raise ValueError("eval_seeds and tune_seeds must be disjoint")
    tasks = [dict(method=m, hidden=h, lr=float(lr), beta=beta, seeds=list(tune_seeds),
                  budget=budget, criterion=criterion)
             for h in hiddens for m, grid in grids.items() for lr, beta in grid]
    tuned = sweep(xor_task, tasks, n_jobs=n_jobs, desc="XOR tuning")
    tuning = pd.DataFrame([r["summary"] for r in tuned])
    best, share = {}, {}
    for h in hiddens:
        for m in grids:
            rows = [r["summary"] for r in tuned if r["method"] == m and r["hidden"] == h]
            b = min(rows, key=rank_key)
            best[(m, h)] = (b["lr"], b["beta"])
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
    return {"tuning": tuning, "best": best, "runs": runs, "summary": summary, "grid_share": share}


# ---------------------------------------------------------------------------------------- RNN
def rnn_task(system, method, lr, seed, hidden, stride, steps, eval_every=20, free_cap=300,
             spectral_every=None, overrides=None, free_starts=10):
    """Train one RNN and run its free-running forecast. Returns a picklable dict."""
    horizon = int(min(round(5.0 / (LYAPUNOV[system] * 0.01)), free_cap))
    data = forecasting_data(system, stride=stride, extra=horizon + 1)
    tab = RNN_TABLE[system]
    kw = dict(overrides or {})
    if method == "dopamine2":
        kw = {"beta_s": tab["beta"], "beta_eta": tab["beta"], **kw}
    if method == "dopamine2_as_quoted":
        kw = {"s0": tab["s0"], **kw}
    model = ElmanRNN(hidden=hidden, seed=seed)
    res = train(model, method, data, steps, lr, seed=seed, eval_every=eval_every,
                sigma=tab["sigma"], spectral_every=spectral_every, **kw)
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
                   n_jobs=None):
    """E3/E4: one-step and free-running forecasting for every system x method x seed.

    Learning rates: ``lrs`` {method: lr}, or tuned on Lorenz with ``tune_seed`` (disjoint from
    ``seeds``) for ``tune_steps`` steps over ``tune_grids`` {method: [lr, ...]} by final
    validation MSE. The as-quoted rule always uses the [T] eta_0 = 1e-2. ``spectral`` puts the
    rho* = 1 reset every step on the perturbative methods (never on SGD/Adam).
    """
    if tune_grids is None and lrs is None:
        raise ValueError("give lrs or tune_grids")
    if tune_seed in seeds:
        raise ValueError(f"tune_seed={tune_seed} must not be one of the evaluation seeds")
    tuning = None
    lrs = dict(lrs or {})
    if tune_grids:
        tasks = [dict(system="lorenz", method=m, lr=float(lr), seed=tune_seed, hidden=hidden,
                      stride=stride, steps=tune_steps, eval_every=tune_steps, free_cap=1,
                      spectral_every=_spectral_for(m, spectral))
                 for m, grid in tune_grids.items() for lr in grid]
        out = sweep(rnn_task, tasks, n_jobs=n_jobs, desc="RNN tuning")
        tuning = pd.DataFrame([{"method": o["method"], "lr": o["lr"],
                                "final_val": o["result"].final_val} for o in out])
        for m in tune_grids:
            sub = tuning[tuning.method == m]
            lrs[m] = float(sub.sort_values("final_val").iloc[0]["lr"])
    lrs["dopamine2_as_quoted"] = RNN_TABLE["lorenz"]["eta0"]
    tasks = [dict(system=s, method=m, lr=float(lrs[m]), seed=sd, hidden=hidden, stride=stride,
                  steps=steps, eval_every=eval_every, free_cap=free_cap,
                  spectral_every=_spectral_for(m, spectral))
             for s in systems for m in methods for sd in seeds]
    runs = sweep(rnn_task, tasks, n_jobs=n_jobs, desc="RNN forecasting")
    base, pers = {}, {}
    for s in systems:
        horizon = runs[[r["system"] for r in runs].index(s)]["horizon"]
        data = forecasting_data(s, stride=stride, extra=horizon + 1)
        base[s] = naive_baselines(data)
        err = persistence_free_run(data, horizon=horizon)
        pers[s] = {"err": err, "vpt": valid_prediction_time(err, lyap=LYAPUNOV[s])}
    return {"runs": runs, "lrs": lrs, "tuning": tuning, "baselines": base, "persistence": pers}


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
    run that did not diverge reaches it): steps, FPE and wall time, medians over the runs that
    reach it; ``reached`` is their fraction."""
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
                        for k in ("steps", "fpe", "wall_s")},
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
