"""Grid and random parameter search over declared parameters (beyond IVISIT).

Each evaluation builds a fresh simulation with ``make_sim()``, applies the configuration (a dict
name -> value; ``"RI.n1"`` sets one key of a dict-slider), runs ``init`` and ``steps`` steps
headlessly (no display refresh) and calls ``objective(runner) -> float``. With a ``store`` every
evaluation is saved as a configuration whose grade is the objective (NULL and the error message
as comment on failure), linked to a ``search_runs`` row. Evaluations may run in parallel through
:func:`neuroplastic.parallel.sweep` (``make_sim`` and ``objective`` must then be picklable
top-level callables); only the parent process writes to the store.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .runner import HeadlessRunner
from .simulation import sim_spec
from .specs import Checkbox, DictSlider, Dropdown, Radio, Slider, checkbox_combinations

if TYPE_CHECKING:
    from .directives import SimSpec
    from .simulation import Simulation
    from .store import Store

__all__ = ["search", "space_from_spec", "SearchResult", "evaluate"]


@dataclass
class SearchResult:
    """``table``: DataFrame (one row per evaluation: the configuration, objective, error, name);
    ``best``: the best configuration dict (by ``maximize``); ``run_id``: the store's search run."""

    table: object
    best: dict
    best_value: float
    run_id: int | None


def space_from_spec(
    spec: Simulation | type[Simulation] | SimSpec,
    include: Iterable[str] | None = None,
    grid_points: int = 5,
) -> dict:
    """Default search space from declarations.

    Sliders -> their steps (ints with <= grid_points steps) or ``grid_points`` evenly spaced
    values; dropdowns/radios -> all options; checkboxes -> all 2**n combinations; dict-slider
    items as ``"name.key"``. Buttons and text boxes are skipped.

    Parameters
    ----------
    spec : Simulation (class or instance) or SimSpec
        The declarations.
    include : iterable of str or None
        Restricts the names (a dict-slider name includes all its keys).
    grid_points : int
        Values per slider >= 2.

    Returns
    -------
    dict
        Key -> list of candidate values.

    Raises
    ------
    ValueError
        If ``grid_points`` is not an int >= 2.
    """
    spec = sim_spec(spec)
    if isinstance(grid_points, bool) or not isinstance(grid_points, int) or grid_points < 2:
        raise ValueError(f"grid_points must be an int >= 2, got {grid_points!r}")
    space = {}
    for name, s in spec.parameters.items():
        if (
            include is not None
            and name not in include
            and not any(i.startswith(name + ".") for i in include)
        ):
            continue
        if isinstance(s, Slider):
            space[name] = s.grid(grid_points)
        elif isinstance(s, (Dropdown, Radio)):
            space[name] = list(s.options)
        elif isinstance(s, Checkbox):
            space[name] = checkbox_combinations(s)
        elif isinstance(s, DictSlider):
            for k, it in s.items.items():
                if include is None or name in include or f"{name}.{k}" in include:
                    space[f"{name}.{k}"] = it.grid(grid_points)
    return space


def _apply(runner, config):
    for key, v in config.items():
        if "." in key:
            name, sub = key.split(".", 1)
            runner.set(name, {sub: v})
        else:
            runner.set(key, v)


def evaluate(
    make_sim: Callable[[], Simulation],
    objective: Callable[[HeadlessRunner], float],
    config: dict,
    steps: int,
) -> tuple[float | None, str | None]:
    """One evaluation: fresh simulation, apply ``config``, ``init``, ``steps`` steps, objective.

    Parameters
    ----------
    make_sim : callable
        Builds a fresh Simulation.
    objective : callable
        ``objective(runner) -> float`` (must be finite).
    config : dict
        Key -> value (``"name.key"`` sets one dict-slider item).
    steps : int
        Steps run before the objective (no display refresh).

    Returns
    -------
    value : float or None
        The objective, or None on failure.
    error : str or None
        ``"ExceptionType: message"`` on failure, else None (exceptions are caught).
    """
    try:
        runner = HeadlessRunner(make_sim())
        _apply(runner, config)
        runner.init()
        runner.run(steps, refresh=False)
        v = float(objective(runner))
        if not math.isfinite(v):
            raise ValueError(f"objective returned {v}")
        return v, None
    except Exception as e:  # noqa: BLE001 - a failure is recorded, the search continues
        return None, f"{type(e).__name__}: {e}"


def _validate_space(spec, space):
    out = {}
    for key, vals in space.items():
        name, _, sub = key.partition(".")
        if name not in spec.parameters:
            raise ValueError(
                f"space key {key!r}: no parameter {name!r}; parameters are {list(spec.parameters)}"
            )
        s = spec.parameters[name]
        if sub:
            if not isinstance(s, DictSlider) or sub not in s.items:
                raise ValueError(f"space key {key!r}: {name!r} has no item {sub!r}")
            s = s.items[sub]
        vals = list(vals)
        if not vals:
            raise ValueError(f"space key {key!r} has no values")
        out[key] = [s.validate(key, v) for v in vals]
    return out


def search(
    make_sim: Callable[[], Simulation],
    objective: Callable[[HeadlessRunner], float],
    space: dict | None = None,
    method: str = "grid",
    n: int | None = None,
    steps: int = 1,
    seed: int = 0,
    store: Store | None = None,
    name_prefix: str = "search",
    maximize: bool = True,
    n_jobs: int = 1,
) -> SearchResult:
    """Grid or random search (see module doc).

    Grid search evaluates the Cartesian product of the value lists; random search draws ``n``
    configurations, each value uniformly from its list, with ``numpy.random.default_rng(seed)``.
    Ties for the best value go to the earliest configuration.

    Parameters
    ----------
    make_sim : callable
        Builds a fresh Simulation (picklable when ``n_jobs`` != 1).
    objective : callable
        ``objective(runner) -> float``.
    space : dict or None
        Key -> values (None: :func:`space_from_spec`); values are validated.
    method : str
        'grid' or 'random'.
    n : int or None
        Number of random configurations (random search).
    steps : int
        Steps per evaluation >= 0.
    seed : int
        Seed of the random draws.
    store : Store or None
        Save every evaluation as a graded configuration.
    name_prefix : str
        Configuration names are ``f"{name_prefix}-{i:04d}"``.
    maximize : bool
        Best = largest (True) or smallest objective.
    n_jobs : int
        Parallel workers (1 = in process).

    Returns
    -------
    SearchResult
        Table, best configuration, best value (NaN if all failed) and the store's run id.

    Raises
    ------
    ValueError
        If ``method``, ``steps``, ``n`` or a space key/value is invalid.
    """
    import pandas as pd

    if method not in ("grid", "random"):
        raise ValueError(f"method must be 'grid' or 'random', got {method!r}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps must be an int >= 0, got {steps!r}")
    proto = make_sim()
    spec = sim_spec(proto)
    space = _validate_space(spec, space if space is not None else space_from_spec(spec))
    keys = list(space)
    if method == "grid":
        configs = [dict(zip(keys, vals)) for vals in itertools.product(*(space[k] for k in keys))]
    else:
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"random search needs n (int >= 1), got {n!r}")
        rng = np.random.default_rng(seed)
        configs = [{k: space[k][int(rng.integers(len(space[k])))] for k in keys} for _ in range(n)]
    tasks = [
        {"make_sim": make_sim, "objective": objective, "config": c, "steps": steps} for c in configs
    ]
    if n_jobs == 1:
        results = [evaluate(**t) for t in tasks]
    else:
        from neuroplastic.parallel import sweep

        results = sweep(evaluate, tasks, n_jobs=n_jobs, desc=f"{method} search", progress=False)
    run_id = None
    names = [f"{name_prefix}-{i:04d}" for i in range(len(configs))]
    if store is not None:
        run_id = store.begin_search(
            proto, method, space, getattr(objective, "__name__", str(objective)), seed
        )
        for nm, c, (v, err) in zip(names, configs, results):
            r = HeadlessRunner(make_sim())
            _apply(r, c)
            r._push()
            store.save(
                r.sim,
                nm,
                values=r.sim.p.values(),
                grade=v,
                comment=err or "",
                search_run_id=run_id,
                overwrite=True,
            )
        store.finish_search(run_id)
    rows = [
        dict(c, objective=v, error=err, name=nm) for nm, c, (v, err) in zip(names, configs, results)
    ]
    table = pd.DataFrame(rows)
    ok = [(v, i) for i, (v, _) in enumerate(results) if v is not None]
    if ok:
        bv, bi = (max if maximize else min)(
            ok, key=lambda t: (t[0], -t[1]) if maximize else (t[0], t[1])
        )
        best, best_value = configs[bi], bv
    else:
        best, best_value = {}, float("nan")
    return SearchResult(table, best, best_value, run_id)
