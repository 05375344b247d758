"""Storage capacity: the fraction of stored patterns recalled exactly, as a function of load P.

:class:`StorageTask` is a picklable callable ``task(P, rep, seed) -> fcorr``. Per (rep, seed) it
keeps one nested pattern set and its flip cues (prefix-consistent generators) and the counts of
the first P patterns, adding or removing rows as P moves, so each evaluation costs one O(N²)
weight build plus one retrieval of P cues.

:func:`capacity_search` is the adaptive search for P90 (fcorr = 0.9) and :func:`capacity_sweep`
the geometric grid with the crossing of the mean curve, linear in log P.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..validation import check_choice, check_float, check_int, check_seed
from .activations import Activation, default_activation
from .counts import Counts
from .cues import CueNoise, flip_cues
from .layouts import Modular, check_layout
from .measures import error_counts
from .patterns import parent_patterns, random_patterns
from .recall import recall
from .rules import NOISE_AWARE, build, parse_rule


class StorageTask:
    """fcorr(P) for one rule and condition; ``task(P, rep, seed) -> float``.

    rule: registry name or spec string ("covar:mean=global"); params: extra rule parameters
    (the Bayes rules get ``noise = CueNoise.from_flips(nflip, layout)`` unless given);
    skew: Zipf exponent of the pattern ensemble; redraw: parent-correlated ensemble with this
    re-draw probability (None = independent patterns); T_max: retrieval steps.
    ``task.evaluate(P, rep, seed)`` returns a dict with fcorr, eps (output noise), miss/false
    rates, mean steps and the fraction of 2-cycles. ``retrieve``: the retrieval function
    (:func:`recall`); a subclass may plug in a reference such as ``recall_dense``."""

    retrieve = staticmethod(recall)

    def __init__(
        self,
        rule,
        layout,
        nflip,
        *,
        T_max: int = 15,
        params=None,
        skew: float = 0.0,
        redraw=None,
        n_parents: int = 10,
        self_gain: float = 0.0,
        activation: Activation | None = None,
        early_stop: bool = True,
    ):
        name, p, label = parse_rule(rule)
        self.rule = name
        self.label = label
        check_layout(layout)
        self.layout = layout
        hi = layout.K if isinstance(layout, Modular) else min(layout.K, layout.N - layout.K)
        self.nflip = check_float("nflip", nflip, lo=0.0, hi=float(hi))
        self.T_max = check_int("T_max", T_max, lo=1)
        params = {**p, **dict(params or {})}
        if name in NOISE_AWARE and "noise" not in params:
            params["noise"] = CueNoise.from_flips(self.nflip, layout)
        self.params = params
        self.skew = check_float("skew", skew, lo=0.0)
        self.redraw = None if redraw is None else check_float("redraw", redraw, lo=0.0, hi=1.0)
        self.n_parents = check_int("n_parents", n_parents, lo=1)
        self.self_gain = check_float("self_gain", self_gain, lo=0.0)
        self.activation = activation or default_activation(layout)
        self.early_stop = bool(early_stop)
        # probe the rule parameters once so errors surface at construction
        build(self.rule, Counts.empty(layout), layout, self_gain=self.self_gain, **self.params)
        self._state = {}

    def __getstate__(self):
        d = dict(self.__dict__)
        d["_state"] = {}
        return d

    def __repr__(self):
        return (
            f"StorageTask({self.label!r}, {self.layout}, nflip={self.nflip:g}, "
            f"skew={self.skew:g}, redraw={self.redraw})"
        )

    def patterns(self, P: int, seed: int):
        if self.redraw is None:
            return random_patterns(P, self.layout, skew=self.skew, seed=seed)
        return parent_patterns(
            P, self.layout, n_parents=self.n_parents, redraw=self.redraw, seed=seed
        )

    def _pool(self, key, P):
        st = self._state.get(key)
        if st is None or st["pool"].P < P:
            size = max(P, 2 * (st["pool"].P if st else 0), 256)
            pool = self.patterns(size, key[1])
            cues = flip_cues(pool, self.nflip, seed=key[1])
            counts = st["counts"] if st else Counts.empty(self.layout)
            if len(self._state) > 4 and key not in self._state:
                self._state.clear()
            st = {"pool": pool, "cues": cues, "counts": counts}
            self._state[key] = st
        return st

    def counts(self, P: int, rep: int = 0, seed=0):
        """(Counts of the first P patterns of repetition (rep, seed), its state dict with the
        pattern ``pool`` and flip ``cues``). The counts are updated incrementally in place."""
        P = check_int("P", P, lo=1)
        st = self._pool((int(rep), check_seed(seed)), P)
        c = st["counts"]
        if P > c.P:
            c.add(st["pool"].rows(slice(c.P, P)))
        elif P < c.P:
            c.remove(st["pool"].rows(slice(P, c.P)))
        return c, st

    def network(self, P: int, rep: int = 0, seed=0):
        """The network storing the first P patterns of repetition (rep, seed)."""
        c, st = self.counts(P, rep, seed)
        return build(self.rule, c, self.layout, self_gain=self.self_gain, **self.params), st

    def evaluate(self, P: int, rep: int = 0, seed=0) -> dict:
        net, st = self.network(P, rep, seed)
        seed = check_seed(seed)
        targets = st["pool"].prefix(P)
        res = self.retrieve(
            net,
            st["cues"].prefix(P),
            activation=self.activation,
            T_max=self.T_max,
            early_stop=self.early_stop,
            seed=seed,
        )
        miss, false = error_counts(res.states, targets)
        K = targets.K
        return {
            "P": int(P),
            "fcorr": float(np.mean((miss == 0) & (false == 0))),
            "eps": float(np.mean((miss + false) / K)),
            "miss": float(np.mean(miss / K)),
            "false": float(np.mean(false / K)),
            "steps": float(res.steps.mean()),
            "cycled": float(res.cycled.mean()),
        }

    def __call__(self, P: int, rep: int = 0, seed=0) -> float:
        return self.evaluate(P, rep, seed)["fcorr"]


@dataclass(frozen=True)
class CapacitySearch:
    """Result of :func:`capacity_search`: mean and sd of the per-repetition estimates, the
    estimates, and the trace (list per repetition of (P, fcorr, k) steps)."""

    mean: float
    sd: float
    per_rep: np.ndarray
    trace: list = field(default_factory=list)
    converged: np.ndarray | None = None


def search_one(task, *, target, P0, step, jitter, max_steps, rep, seed):
    """One repetition of the adaptive search (top-level so it pickles for the sweep helper)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(99,)))
    P = P0 * (1.0 + rng.uniform(-jitter, jitter))
    k = step
    trace = []
    prev_above = None
    first_cross = None
    for t in range(max_steps):
        Pi = max(1, int(round(P)))
        f = task(Pi, rep, seed)
        above = f > target
        if prev_above is not None and above != prev_above:
            if first_cross is None:
                first_cross = t
            k /= 2.0
        trace.append((float(P), Pi, float(f), float(k)))
        prev_above = above
        if k <= 1.0 / P:
            break
        P = P * (1.0 + k) if above else P / (1.0 + k)
        P = max(P, 1.0)
    Ps = np.array([tr[0] for tr in trace])
    if first_cross is None:
        tail = Ps
        converged = False
    else:
        tail = Ps[first_cross:]
        converged = True
    half = tail[len(tail) // 2 :]
    return float(half.mean()), trace, converged


def capacity_search(
    task,
    *,
    target: float = 0.9,
    P0,
    step: float = 0.5,
    jitter: float = 0.125,
    max_steps: int = 20,
    nrep: int = 10,
    seed=0,
    n_jobs=None,
    progress: bool = False,
) -> CapacitySearch:
    """Adaptive search for the load P where fcorr crosses ``target``.

    Per repetition r (seed + 17 r): start at P0·(1 + U(−jitter, jitter)), relative step k = step;
    if fcorr > target P ← P(1+k) else P ← P/(1+k); k halves at every crossing of the target;
    stop when k ≤ 1/P or after max_steps evaluations. Estimate = mean P over the second half of
    the steps from the first crossing on. Repetitions run through
    ``neuroplastic.parallel.sweep``."""
    if not callable(task):
        raise TypeError("task must be callable task(P, rep, seed) -> fcorr (e.g. a StorageTask)")
    target = check_float("target", target, lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    P0 = check_float("P0", P0, lo=1.0)
    step = check_float("step", step, lo=0.0, lo_open=True)
    jitter = check_float("jitter", jitter, lo=0.0, hi=1.0, hi_open=True)
    max_steps = check_int("max_steps", max_steps, lo=1)
    nrep = check_int("nrep", nrep, lo=1)
    seed = check_seed(seed)
    from ..parallel import sweep

    tasks = [
        dict(
            task=task,
            target=target,
            P0=P0,
            step=step,
            jitter=jitter,
            max_steps=max_steps,
            rep=r,
            seed=seed + 17 * r,
        )
        for r in range(nrep)
    ]
    out = sweep(search_one, tasks, n_jobs=n_jobs, desc="capacity search", progress=progress)
    est = np.array([o[0] for o in out])
    sd = float(est.std(ddof=1)) if nrep > 1 else 0.0
    return CapacitySearch(
        float(est.mean()), sd, est, [o[1] for o in out], np.array([o[2] for o in out])
    )


def geometric_grid(P_start: int = 20, factor: float = 1.05, P_max: int = 10**7):
    """P_start, round(P_start·factor), ... rounded and unique (a generator)."""
    last = None
    x = float(P_start)
    while x <= P_max:
        p = int(round(x))
        if p != last:
            yield p
            last = p
        x *= factor


def crossing(P, f, target: float = 0.9) -> float:
    """Downward crossing of ``target`` by the curve f(P), linear in log P, between the *last*
    point above the target and the next point (so a blip below the target at small P, or a
    rule that fails at P = 1, does not count). NaN if no point lies above the target or the
    last point still does."""
    P = np.asarray(P, dtype=float)
    f = np.asarray(f, dtype=float)
    above = np.nonzero(f > target)[0]
    if above.size == 0 or above[-1] == len(f) - 1:
        return float("nan")
    a = above[-1]
    b = a + 1
    la, lb = math.log(P[a]), math.log(P[b])
    return float(math.exp(la + (f[a] - target) / (f[a] - f[b]) * (lb - la)))


@dataclass(frozen=True)
class Sweep:
    """Result of :func:`capacity_sweep`: grid P, per-repetition arrays [nrep, len(P)] of fcorr
    and ε, their mean and sd. ``crossing(target)`` is P90 of the mean curve."""

    P: np.ndarray
    fcorr: np.ndarray
    eps: np.ndarray
    fcorr_mean: np.ndarray
    fcorr_sd: np.ndarray
    eps_mean: np.ndarray

    def crossing(self, target: float = 0.9) -> float:
        return crossing(self.P, self.fcorr_mean, target)

    def at(self, P: float, what: str = "eps") -> float:
        """Mean ε (or fcorr) interpolated linearly in log P."""
        check_choice("what", what, ("eps", "fcorr"))
        y = self.eps_mean if what == "eps" else self.fcorr_mean
        return float(np.interp(np.log(P), np.log(self.P), y))

    def frame(self):
        import pandas as pd

        return pd.DataFrame(
            {
                "P": self.P,
                "fcorr_mean": self.fcorr_mean,
                "fcorr_sd": self.fcorr_sd,
                "eps_mean": self.eps_mean,
            }
        )


def sweep_one(task, *, grid, stop_at, rep, seed):
    """Evaluate one repetition along ``grid`` (list) until fcorr ≤ stop_at (None: whole grid)."""
    rows = []
    for P in grid:
        r = (
            task.evaluate(P, rep, seed)
            if hasattr(task, "evaluate")
            else {"P": P, "fcorr": task(P, rep, seed), "eps": float("nan")}
        )
        rows.append(r)
        if stop_at is not None and r["fcorr"] <= stop_at:
            break
    return rows


def capacity_sweep(
    task,
    *,
    P_start: int = 20,
    factor: float = 1.05,
    grid=None,
    stop_at: float = 0.001,
    nrep: int = 20,
    seed=0,
    n_jobs=None,
    P_max: int = 10**6,
    progress: bool = False,
) -> Sweep:
    """fcorr on a geometric grid (P_start, ×factor, rounded, unique) until every repetition has
    fcorr ≤ stop_at, or on the given ``grid``; repetitions r use seed + 17 r. Repetitions that
    stopped earlier are evaluated on the rest of the common grid in a second pass."""
    if not callable(task):
        raise TypeError("task must be callable task(P, rep, seed) -> fcorr (e.g. a StorageTask)")
    nrep = check_int("nrep", nrep, lo=1)
    seed = check_seed(seed)
    from ..parallel import sweep

    if grid is not None:
        g = [check_int("grid[i]", p, lo=1) for p in grid]
        if len(g) == 0 or any(b <= a for a, b in zip(g, g[1:])):
            raise ValueError("grid must be a non-empty increasing sequence of ints >= 1")
        res = sweep(
            sweep_one,
            [dict(task=task, grid=g, stop_at=None, rep=r, seed=seed + 17 * r) for r in range(nrep)],
            n_jobs=n_jobs,
            progress=progress,
        )
    else:
        P_start = check_int("P_start", P_start, lo=1)
        factor = check_float("factor", factor, lo=1.0, lo_open=True)
        stop_at = check_float("stop_at", stop_at, lo=0.0, hi=1.0)
        g = list(geometric_grid(P_start, factor, P_max))
        res = sweep(
            sweep_one,
            [
                dict(task=task, grid=g, stop_at=stop_at, rep=r, seed=seed + 17 * r)
                for r in range(nrep)
            ],
            n_jobs=n_jobs,
            progress=progress,
        )
        n = max(len(r) for r in res)
        todo = [(r, g[len(res[r]) : n]) for r in range(nrep) if len(res[r]) < n]
        if todo:
            more = sweep(
                sweep_one,
                [
                    dict(task=task, grid=gg, stop_at=None, rep=r, seed=seed + 17 * r)
                    for r, gg in todo
                ],
                n_jobs=n_jobs,
                progress=progress,
            )
            for (r, _), m in zip(todo, more):
                res[r] = res[r] + m
        g = g[:n]
    F = np.array([[x["fcorr"] for x in r] for r in res])
    E = np.array([[x.get("eps", np.nan) for x in r] for r in res])
    sd = F.std(axis=0, ddof=1) if nrep > 1 else np.zeros(F.shape[1])
    return Sweep(np.array(g), F, E, F.mean(axis=0), sd, E.mean(axis=0))
