"""Small argument checks shared by the perturbation modules.

The messages name the argument and its range."""

from __future__ import annotations

import math
import numbers

import numpy as np


def check_int(name: str, value, lo: int | None = None, hi: int | None = None) -> int:
    """Return ``value`` as int; raise TypeError if not integral, ValueError if outside [lo, hi]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int; got {type(value).__name__}")
    value = int(value)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ValueError(
            f"{name} must be in [{lo if lo is not None else '-inf'}, "
            f"{hi if hi is not None else 'inf'}]; got {value}"
        )
    return value


def check_float(
    name: str,
    value,
    lo: float | None = None,
    hi: float | None = None,
    *,
    lo_open: bool = False,
    hi_open: bool = False,
) -> float:
    """Return ``value`` as a finite float inside the stated interval (open or closed ends)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__}")
    value = float(value)
    left = "(" if lo_open else "["
    right = ")" if hi_open else "]"
    rng = f"{left}{lo if lo is not None else '-inf'}, {hi if hi is not None else 'inf'}{right}"
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite and in {rng}; got {value}")
    if lo is not None and (value < lo or (lo_open and value == lo)):
        raise ValueError(f"{name} must be in {rng}; got {value}")
    if hi is not None and (value > hi or (hi_open and value == hi)):
        raise ValueError(f"{name} must be in {rng}; got {value}")
    return value


def check_choice(name: str, value, choices) -> str:
    if value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}; got {value!r}")
    return value


def seed_to_int(seed, name: str = "seed") -> int:
    """An int seed from an int >= 0 or a numpy Generator (one draw)."""
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**62))
    return check_int(name, seed, 0)
