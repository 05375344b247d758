"""Small argument checkers shared by the assoc modules (messages name the argument and range)."""

from __future__ import annotations

import numbers

import numpy as np


def check_int(name: str, value, *, lo: int | None = None, hi: int | None = None) -> int:
    """Return ``value`` as int; TypeError if not integral, ValueError if outside [lo, hi]."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            value = int(value)
        else:
            raise TypeError(f"{name} must be an integer; got {value!r} ({type(value).__name__})")
    value = int(value)
    if lo is not None and value < lo:
        raise ValueError(
            f"{name} must be >= {lo}"
            + (f" and <= {hi}" if hi is not None else "")
            + f"; got {value}"
        )
    if hi is not None and value > hi:
        raise ValueError(
            f"{name} must be <= {hi}"
            + (f" and >= {lo}" if lo is not None else "")
            + f"; got {value}"
        )
    return value


def check_float(
    name: str,
    value,
    *,
    lo: float | None = None,
    hi: float | None = None,
    lo_open: bool = False,
    hi_open: bool = False,
) -> float:
    """Return ``value`` as a finite float within the (open/closed) range."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number; got {value!r} ({type(value).__name__})")
    value = float(value)
    lb = "(" if lo_open else "["
    rb = ")" if hi_open else "]"
    rng = f"{lb}{'-inf' if lo is None else lo}, {'inf' if hi is None else hi}{rb}"
    bad = not np.isfinite(value)
    if lo is not None:
        bad |= value <= lo if lo_open else value < lo
    if hi is not None:
        bad |= value >= hi if hi_open else value > hi
    if bad:
        raise ValueError(f"{name} must be a finite number in {rng}; got {value}")
    return value


def check_choice(name: str, value, choices) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}; got {value!r}")
    return value


def seed_int(seed, name: str = "seed") -> int:
    """Turn an int seed or a ``numpy.random.Generator`` into a non-negative int seed."""
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63 - 1))
    if isinstance(seed, bool) or not isinstance(seed, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be a non-negative int or a numpy Generator; got {seed!r}")
    if seed < 0:
        raise ValueError(f"{name} must be >= 0; got {seed}")
    return int(seed)


BLOCK = 256


def block_rng(seed: int, tag: int, block: int) -> np.random.Generator:
    """Generator for block ``block`` of stream ``tag``.

    It is ``SeedSequence(seed, spawn_key=(tag, block))``.

    Every row-wise generator draws rows in blocks of :data:`BLOCK` from these, so the first P
    rows never depend on how many rows were requested (prefix consistency)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(tag, block)))
