"""Wall-clock helpers for chapters that state their own runtime."""

from __future__ import annotations

import time


class Stopwatch:
    """Measures wall time from construction; ``elapsed`` in seconds."""

    def __init__(self):
        self._t0 = time.perf_counter()

    @property
    def elapsed(self) -> float:
        """Wall time since construction.

        Returns
        -------
        float
            Seconds.
        """
        return time.perf_counter() - self._t0


def runtime_text(seconds: float) -> str:
    """A runtime in words: ``'42 s'`` below two minutes, else ``'3.5 min'``.

    Parameters
    ----------
    seconds : float
        Seconds (>= 0).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``seconds < 0``.
    """
    if seconds < 0:
        raise ValueError(f"seconds must be >= 0; got {seconds}")
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"
