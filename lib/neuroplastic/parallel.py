"""The one sweep helper: every grid of independent runs (seeds, rules, conditions) goes here.

``sweep(fn, tasks)`` calls ``fn(**task)`` for each task through joblib: local loky processes by
default, a Dask cluster with ``backend="dask"`` (a ``dask.distributed.Client`` must be running;
joblib's dask backend sends the calls to it), or inline with ``backend="sequential"``. Results
come back in task order. Inside workers, numba and torch run one thread each so that ``n_jobs``
processes never oversubscribe the cores.

One setting sends a whole chapter to a cluster: with ``NEUROPLASTIC_SCHEDULER=tcp://host:8786``
(or ``neuroplastic run chNN --scheduler tcp://host:8786``) every sweep that would use local
processes connects to that Dask scheduler instead; ``backend="sequential"`` stays inline.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import distributed

BACKENDS = ("loky", "dask", "sequential")
SCHEDULER_ENV = "NEUROPLASTIC_SCHEDULER"


def scheduler_client() -> distributed.Client | None:
    """The Dask client for ``$NEUROPLASTIC_SCHEDULER`` (one per process).

    Reuses the process's default client when it is connected to that address, else connects.

    Returns
    -------
    distributed.Client or None
        ``None`` if the variable is unset or empty.
    """
    address = os.environ.get(SCHEDULER_ENV, "").strip()
    if not address:
        return None
    from distributed import Client, default_client

    try:
        client = default_client()
        if client.scheduler.address == address:
            return client
    except ValueError:
        pass
    return Client(address, set_as_default=True)


def default_n_jobs() -> int:
    """The default worker count: ``$NEUROPLASTIC_N_JOBS`` if set, else ``min(2, cpu count)``.

    Returns
    -------
    int
        Worker processes (>= 1).

    Raises
    ------
    ValueError
        If ``$NEUROPLASTIC_N_JOBS`` is < 1 (or not an integer).
    """
    env = os.environ.get("NEUROPLASTIC_N_JOBS")
    if env:
        n = int(env)
        if n < 1:
            raise ValueError(f"NEUROPLASTIC_N_JOBS must be >= 1; got {env!r}")
        return n
    return max(1, min(2, os.cpu_count() or 1))


def _single_threaded(fn: Callable, task: Mapping[str, Any]):
    if "numba" in sys.modules:
        import numba

        numba.set_num_threads(1)
    if "torch" in sys.modules:
        import torch

        torch.set_num_threads(1)
    return fn(**task)


def sweep(
    fn: Callable,
    tasks: Iterable[Mapping[str, Any]],
    *,
    n_jobs: int | None = None,
    backend: str = "loky",
    desc: str | None = None,
    progress: bool = True,
) -> list:
    """Return ``[fn(**task) for task in tasks]``, computed in parallel.

    Parameters
    ----------
    fn : callable
        A picklable top-level function.
    tasks : iterable of mapping
        Keyword-argument dicts, one per call.
    n_jobs : int, optional
        Worker processes (>= 1); default :func:`default_n_jobs`. Ignored for dask, where the
        cluster's workers decide.
    backend : {"loky", "dask", "sequential"}, default "loky"
        Local processes, the running Dask client, or inline.
    desc : str, optional
        The tqdm label.
    progress : bool, default True
        Show the tqdm bar.

    Returns
    -------
    list
        ``fn(**task)`` for each task, in task order.

    Raises
    ------
    TypeError
        If ``fn`` is not callable or a task is not a mapping.
    ValueError
        For an unknown ``backend``, ``n_jobs`` not an int >= 1, or ``backend="dask"`` without a
        running Dask client.
    """
    from tqdm.auto import tqdm

    if not callable(fn):
        raise TypeError(f"fn must be callable; got {type(fn).__name__}")
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}; got {backend!r}")
    tasks = list(tasks)
    for i, t in enumerate(tasks):
        if not isinstance(t, Mapping):
            raise TypeError(
                f"tasks[{i}] must be a mapping of keyword arguments; got {type(t).__name__}"
            )
    n_jobs = default_n_jobs() if n_jobs is None else n_jobs
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1:
        raise ValueError(f"n_jobs must be an int >= 1; got {n_jobs!r}")
    if backend == "loky" and scheduler_client() is not None:
        backend = "dask"
    bar = tqdm(total=len(tasks), desc=desc, disable=not progress, leave=False)
    if backend == "sequential" or (backend == "loky" and (n_jobs == 1 or len(tasks) <= 1)):
        out = []
        for t in tasks:
            out.append(fn(**t))
            bar.update()
        bar.close()
        return out

    from joblib import Parallel, delayed, parallel_config

    if backend == "dask":
        try:
            from distributed import get_client

            get_client()
        except (ImportError, ValueError) as exc:
            raise ValueError(
                "backend='dask' needs a running dask.distributed Client "
                "(e.g. Client(LocalCluster()) or Client('tcp://scheduler:8786'))"
            ) from exc
        config = parallel_config(backend="dask")
    else:
        config = parallel_config(backend="loky", n_jobs=n_jobs)
    out = []
    with config:
        gen = Parallel(return_as="generator")(delayed(_single_threaded)(fn, t) for t in tasks)
        for result in gen:
            out.append(result)
            bar.update()
    bar.close()
    return out
