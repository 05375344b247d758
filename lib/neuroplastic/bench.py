"""Benchmark records: our kernel against a plain reference implementation of the same math,
timed in one run and reported as a ratio (reference seconds / our seconds).

Each benchmark script calls :func:`record`; records accumulate in ``_build/benchmarks.json``
(one per name; a rerun replaces it); the performance appendix renders them
(:mod:`neuroplastic.book.benchmarks`). :func:`best_time` and :func:`median_time` are the timers
they and the chapters share.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from .paths import atomic_write_text, build_dir
from .validation import check_int


def median_time(fn: Callable[[], object], *, repeat: int = 5) -> float:
    """Median wall time of ``fn()`` over ``repeat`` calls.

    Parameters
    ----------
    fn : callable
        Called without arguments; its result is discarded.
    repeat : int, default 5
        Calls to time (>= 1).

    Returns
    -------
    float
        Seconds.

    Raises
    ------
    ValueError
        If ``repeat`` is not an int >= 1.
    """
    if isinstance(repeat, bool) or not isinstance(repeat, int) or repeat < 1:
        raise ValueError(f"repeat must be an int >= 1; got {repeat!r}")
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def best_time(fn: Callable[[], object], *, repeat: int = 3) -> float:
    """Smallest wall time of ``fn()`` over ``repeat`` calls (after one is made).

    Parameters
    ----------
    fn : callable
        Called without arguments; its result is discarded.
    repeat : int, default 3
        Calls to time (>= 1).

    Returns
    -------
    float
        Seconds.

    Raises
    ------
    TypeError, ValueError
        If ``repeat`` is not an int >= 1.
    """
    repeat = check_int("repeat", repeat, 1)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def record(
    name: str,
    sizes: dict,
    ours_s: float,
    ref_s: float,
    agreed: bool,
    path: Path | None = None,
    **extra,
) -> dict:
    """Store one comparison of our kernel against the reference implementation.

    ``ratio = ref_s / ours_s`` (> 1 means ours is faster). The record replaces any earlier one of
    the same ``name``.

    Parameters
    ----------
    name : str
        The benchmark's name (non-empty).
    sizes : dict
        The problem sizes, for the report.
    ours_s, ref_s : float
        Wall times in seconds (> 0) of our kernel and of the reference.
    agreed : bool
        Whether both computed the same result.
    path : pathlib.Path, optional
        The records file; default ``_build/benchmarks.json``.
    **extra
        Further fields stored with the record.

    Returns
    -------
    dict
        The record written (name, sizes, ours_s, ref_s, ratio, agreed, threads, machine,
        when, and ``extra``).

    Raises
    ------
    ValueError
        If ``name`` is empty or a time is not > 0.
    """
    if not name:
        raise ValueError("name must be a non-empty string")
    if not (ours_s > 0 and ref_s > 0):
        raise ValueError(f"ours_s and ref_s must be > 0 seconds; got {ours_s}, {ref_s}")
    path = Path(path) if path else build_dir() / "benchmarks.json"
    records = json.loads(path.read_text()) if path.exists() else []
    rec = {
        "name": name,
        "sizes": sizes,
        "ours_s": ours_s,
        "ref_s": ref_s,
        "ratio": ref_s / ours_s,
        "agreed": bool(agreed),
        "threads": os.environ.get("NUMBA_NUM_THREADS", str(os.cpu_count())),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        **extra,
    }
    records = [r for r in records if r["name"] != name] + [rec]
    atomic_write_text(path, json.dumps(records, indent=2) + "\n")
    return rec
