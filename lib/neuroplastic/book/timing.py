"""Wall-clock helpers for chapters that state their own runtime."""

from __future__ import annotations

import time


class Stopwatch:
    """Measures wall time from construction; ``elapsed`` in seconds."""

    def __init__(self):
        self._t0 = time.perf_counter()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self._t0


def runtime_text(seconds: float) -> str:
    """``'42 s'`` below two minutes, else ``'3.5 min'``."""
    if seconds < 0:
        raise ValueError(f"seconds must be >= 0; got {seconds}")
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"
