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
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    import pandas as pd
    from numpy.typing import ArrayLike

    from .layouts import Layout
    from .patterns import PatternSet
    from .rules import Network


class StorageTask:
    """fcorr(P) for one rule and condition; ``task(P, rep, seed) -> float``.

    rule: registry name or spec string ("covar:mean=global"); params: extra rule parameters
    (the Bayes rules get ``noise = CueNoise.from_flips(nflip, layout)`` unless given);
    skew: Zipf exponent of the pattern ensemble; redraw: parent-correlated ensemble with this
    re-draw probability (None = independent patterns); T_max: retrieval steps.
    ``task.evaluate(P, rep, seed)`` returns a dict with fcorr, eps (output noise), miss/false
    rates, mean steps and the fraction of 2-cycles. ``retrieve``: the retrieval function
    (:func:`recall`); a subclass may plug in a reference such as ``recall_dense``.

    Parameters
    ----------
    rule : str, tuple or dict
        Rule name or spec (:func:`~neuroplastic.assoc.rules.parse_rule`).
    layout : KofN or Modular
        Network layout.
    nflip : float
        Mean flips per cue, 0 <= nflip <= K (and <= N − K for K-of-N).
    T_max : int
        Maximum retrieval steps (>= 1).
    params : dict, optional
        Extra rule parameters.
    skew : float
        Zipf exponent (>= 0).
    redraw : float, optional
        Re-draw probability of parent-correlated patterns, in [0, 1].
    n_parents : int
        Parents of the correlated ensemble (>= 1).
    self_gain : float
        Diagonal weight (>= 0).
    activation : Activation, optional
        Default: the layout's default WTA.
    early_stop : bool
        Stop each query at its fixed point.

    Raises
    ------
    ValueError, TypeError
        Invalid arguments or rule parameters (probed by one build at construction).
    """

    retrieve = staticmethod(recall)

    def __init__(
        self,
        rule: str | tuple | dict,
        layout: Layout,
        nflip: float,
        *,
        T_max: int = 15,
        params: dict[str, Any] | None = None,
        skew: float = 0.0,
        redraw: float | None = None,
        n_parents: int = 10,
        self_gain: float = 0.0,
        activation: Activation | None = None,
        early_stop: bool = True,
    ) -> None:
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

    def patterns(self, P: int, seed: int) -> PatternSet:
        """P patterns of the task's ensemble (random, or parent-correlated with ``redraw``).

        Parameters
        ----------
        P : int
            Number of patterns.
        seed : int
            Seed (prefix-consistent).

        Returns
        -------
        PatternSet
            The patterns.
        """
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

    def counts(self, P: int, rep: int = 0, seed: int = 0) -> tuple[Counts, dict[str, Any]]:
        """Counters of the first P patterns of repetition (rep, seed).

        The counts are updated incrementally in place (rows added or removed as P moves).

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
        tuple
            (Counts, state dict with the pattern ``pool``, flip ``cues`` and ``counts``).
        """
        P = check_int("P", P, lo=1)
        st = self._pool((int(rep), check_seed(seed)), P)
        c = st["counts"]
        if P > c.P:
            c.add(st["pool"].rows(slice(c.P, P)))
        elif P < c.P:
            c.remove(st["pool"].rows(slice(P, c.P)))
        return c, st

    def network(self, P: int, rep: int = 0, seed: int = 0) -> tuple[Network, dict[str, Any]]:
        """The network storing the first P patterns of repetition (rep, seed).

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
        tuple
            (Network, state dict as in :meth:`counts`).
        """
        c, st = self.counts(P, rep, seed)
        return build(self.rule, c, self.layout, self_gain=self.self_gain, **self.params), st

    def evaluate(self, P: int, rep: int = 0, seed: int = 0) -> dict[str, float]:
        """Retrieval quality at load P: store P patterns, recall them from their flip cues.

        Parameters
        ----------
        P : int
            Load (patterns, >= 1).
        rep : int
            Repetition index.
        seed : int
            Seed of the repetition (also the tie-key seed).

        Returns
        -------
        dict
            P; fcorr (fraction recalled exactly); eps (mean (miss + false)/K); miss and false
            (mean per K); steps (mean retrieval steps); cycled (fraction of 2-cycles).
        """
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

    def __call__(self, P: int, rep: int = 0, seed: int = 0) -> float:
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


def search_one(
    task: Callable[[int, int, int], float],
    *,
    target: float,
    P0: float,
    step: float,
    jitter: float,
    max_steps: int,
    rep: int,
    seed: int,
) -> tuple[float, list[tuple[float, int, float, float]], bool]:
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
    task: Callable[[int, int, int], float],
    *,
    target: float = 0.9,
    P0: float,
    step: float = 0.5,
    jitter: float = 0.125,
    max_steps: int = 20,
    nrep: int = 10,
    seed: int = 0,
    n_jobs: int | None = None,
    progress: bool = False,
) -> CapacitySearch:
    """Adaptive search for the load P where fcorr crosses ``target``.

    Per repetition r (seed + 17 r): start at P0·(1 + U(−jitter, jitter)), relative step k = step;
    if fcorr > target P ← P(1+k) else P ← P/(1+k); k halves at every crossing of the target;
    stop when k ≤ 1/P or after max_steps evaluations. Estimate = mean P over the second half of
    the steps from the first crossing on. Repetitions run through
    ``neuroplastic.parallel.sweep``.

    Parameters
    ----------
    task : callable
        ``task(P, rep, seed) -> fcorr`` (e.g. a :class:`StorageTask`).
    target : float
        Target fcorr in (0, 1).
    P0 : float
        Starting load (patterns, >= 1).
    step : float
        Initial relative step k (> 0).
    jitter : float
        Relative jitter of the start, in [0, 1).
    max_steps : int
        Maximum evaluations per repetition.
    nrep : int
        Repetitions (>= 1).
    seed : int
        Base seed.
    n_jobs : int, optional
        Worker processes (None: the sweep default).
    progress : bool
        Show a progress bar.

    Returns
    -------
    CapacitySearch
        Mean and sd (ddof 1) of the per-repetition estimates (patterns), the estimates, the
        traces and the convergence flags.

    Raises
    ------
    TypeError
        ``task`` is not callable.
    ValueError
        An argument out of range.
    """
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


def geometric_grid(P_start: int = 20, factor: float = 1.05, P_max: int = 10**7) -> Iterator[int]:
    """Geometric load grid P_start, round(P_start·factor), round(P_start·factor²), ...

    Rounded and unique, up to P_max (a generator).

    Parameters
    ----------
    P_start : int
        First load (patterns).
    factor : float
        Ratio of consecutive grid points (> 1 for a finite grid).
    P_max : int
        Largest load.

    Yields
    ------
    int
        Loads in increasing order.
    """
    last = None
    x = float(P_start)
    while x <= P_max:
        p = int(round(x))
        if p != last:
            yield p
            last = p
        x *= factor


def crossing(P: ArrayLike, f: ArrayLike, target: float = 0.9) -> float:
    """Downward crossing of ``target`` by the curve f(P), linear in log P, between the *last*
    point above the target and the next point (so a blip below the target at small P, or a
    rule that fails at P = 1, does not count).

    Parameters
    ----------
    P : array_like
        Increasing loads (patterns).
    f : array_like
        Curve values (e.g. fcorr) at P.
    target : float
        Level to cross.

    Returns
    -------
    float
        The crossing load (patterns); NaN if no point lies above the target or the last point
        still does.
    """
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
        """Load where the mean fcorr curve crosses ``target`` (:func:`crossing`; P90 by default).

        Parameters
        ----------
        target : float
            Level to cross.

        Returns
        -------
        float
            Load in patterns, or NaN.
        """
        return crossing(self.P, self.fcorr_mean, target)

    def at(self, P: float, what: str = "eps") -> float:
        """Mean ε (or fcorr) at load P, interpolated linearly in log P.

        Parameters
        ----------
        P : float
            Load (patterns, > 0); clamped to the grid ends.
        what : {"eps", "fcorr"}
            Which mean curve.

        Returns
        -------
        float
            The interpolated value.

        Raises
        ------
        ValueError
            Unknown ``what``.
        """
        check_choice("what", what, ("eps", "fcorr"))
        y = self.eps_mean if what == "eps" else self.fcorr_mean
        return float(np.interp(np.log(P), np.log(self.P), y))

    def frame(self) -> pd.DataFrame:
        """The mean curves as a table.

        Returns
        -------
        pandas.DataFrame
            Columns P, fcorr_mean, fcorr_sd, eps_mean.
        """
        import pandas as pd

        return pd.DataFrame(
            {
                "P": self.P,
                "fcorr_mean": self.fcorr_mean,
                "fcorr_sd": self.fcorr_sd,
                "eps_mean": self.eps_mean,
            }
        )


def sweep_one(
    task: Callable[[int, int, int], float],
    *,
    grid: Sequence[int],
    stop_at: float | None,
    rep: int,
    seed: int,
) -> list[dict[str, float]]:
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
    task: Callable[[int, int, int], float],
    *,
    P_start: int = 20,
    factor: float = 1.05,
    grid: Sequence[int] | None = None,
    stop_at: float = 0.001,
    nrep: int = 20,
    seed: int = 0,
    n_jobs: int | None = None,
    P_max: int = 10**6,
    progress: bool = False,
) -> Sweep:
    """fcorr on a geometric grid (P_start, ×factor, rounded, unique) until every repetition has
    fcorr ≤ stop_at, or on the given ``grid``; repetitions r use seed + 17 r. Repetitions that
    stopped earlier are evaluated on the rest of the common grid in a second pass.

    Parameters
    ----------
    task : callable
        ``task(P, rep, seed) -> fcorr``; with an ``evaluate`` method (StorageTask) ε is
        recorded too.
    P_start : int
        First load of the geometric grid (patterns).
    factor : float
        Grid ratio (> 1).
    grid : sequence of int, optional
        Explicit increasing loads (then P_start, factor, stop_at and P_max are unused).
    stop_at : float
        A repetition stops once fcorr ≤ stop_at, in [0, 1].
    nrep : int
        Repetitions (>= 1).
    seed : int
        Base seed.
    n_jobs : int, optional
        Worker processes (None: the sweep default).
    P_max : int
        Largest load of the geometric grid.
    progress : bool
        Show a progress bar.

    Returns
    -------
    Sweep
        Grid, per-repetition fcorr and ε [nrep, len(P)], their means and the sd of fcorr.

    Raises
    ------
    TypeError
        ``task`` is not callable.
    ValueError
        Invalid grid or argument.
    """
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
