"""The one set of argument checkers and seed converters of the library.

Every public function of every subpackage validates its arguments with these, so errors read
the same everywhere: they name the argument, the allowed range and the value received
(scikit-learn style). ``TypeError`` for a value of the wrong kind, ``ValueError`` for a value
outside its range.

Seeds: a seed is an int in [0, :data:`SEED_MAX`] or a ``numpy.random.Generator`` (from which one
int in that range is drawn). :func:`check_seed` gives the int, :func:`as_generator` a numpy
Generator and :func:`torch_generator` a ``torch.Generator`` seeded with it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch

SEED_MAX = 2**63 - 1
"""Largest seed (the range of a non-negative int64, accepted by numpy and torch alike)."""


def _interval(lo, hi, lo_open: bool = False, hi_open: bool = False) -> str:
    left = "(" if lo_open else "["
    right = ")" if hi_open else "]"
    return f"{left}{'-inf' if lo is None else lo}, {'inf' if hi is None else hi}{right}"


def check_int(name: str, value: Any, lo: int | None = None, hi: int | None = None) -> int:
    """Return ``value`` as an ``int`` in the closed interval [lo, hi].

    Parameters
    ----------
    name : str
        The argument's name, used in the error message.
    value : int
        An integer (Python or numpy); an integral float such as ``3.0`` is accepted, a bool is not.
    lo, hi : int, optional
        Inclusive bounds; ``None`` means unbounded.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``value`` is not integral.
    ValueError
        If ``value`` lies outside [lo, hi].
    """
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            value = int(value)
        else:
            raise TypeError(f"{name} must be an integer; got {value!r} ({type(value).__name__})")
    value = int(value)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ValueError(f"{name} must be an integer in {_interval(lo, hi)}; got {value}")
    return value


def check_float(
    name: str,
    value: Any,
    lo: float | None = None,
    hi: float | None = None,
    *,
    lo_open: bool = False,
    hi_open: bool = False,
) -> float:
    """Return ``value`` as a finite ``float`` in the interval from ``lo`` to ``hi``.

    Parameters
    ----------
    name : str
        The argument's name, used in the error message.
    value : real number
    lo, hi : float, optional
        Bounds; ``None`` means unbounded.
    lo_open, hi_open : bool
        Exclude the bound itself (an open end).

    Raises
    ------
    TypeError
        If ``value`` is not a real number (a bool is not).
    ValueError
        If ``value`` is not finite or lies outside the interval.
    """
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number; got {value!r} ({type(value).__name__})")
    value = float(value)
    bad = not math.isfinite(value)
    if lo is not None:
        bad |= value <= lo if lo_open else value < lo
    if hi is not None:
        bad |= value >= hi if hi_open else value > hi
    if bad:
        raise ValueError(
            f"{name} must be a finite number in {_interval(lo, hi, lo_open, hi_open)}; got {value}"
        )
    return value


def check_choice(name: str, value: Any, choices: Collection) -> Any:
    """Return ``value`` if it is one of ``choices``.

    Parameters
    ----------
    name : str
        The argument's name, used in the error message.
    value : object
        The value to test (an unhashable value counts as absent from a set).
    choices : collection
        The allowed values.

    Returns
    -------
    object
        ``value`` itself.

    Raises
    ------
    ValueError
        If ``value`` is not in ``choices`` (the message lists them).
    """
    try:
        ok = value in choices
    except TypeError:  # an unhashable value tested against a set
        ok = False
    if not ok:
        raise ValueError(f"{name} must be one of {tuple(choices)}; got {value!r}")
    return value


def check_seed(seed: int | np.random.Generator, name: str = "seed") -> int:
    """An int seed in [0, :data:`SEED_MAX`] from an int or a numpy Generator (one draw).

    Parameters
    ----------
    seed : int or numpy.random.Generator
        An int in [0, 2**63 - 1], or a Generator from which one such int is drawn.
    name : str, default "seed"
        The argument's name, used in the error message.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``seed`` is neither an int nor a ``numpy.random.Generator``.
    ValueError
        If the int lies outside [0, SEED_MAX].
    """
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, SEED_MAX, endpoint=True))
    if isinstance(seed, bool) or not isinstance(seed, (numbers.Integral, np.integer)):
        raise TypeError(
            f"{name} must be an int in [0, 2**63 - 1] or a numpy Generator; "
            f"got {seed!r} ({type(seed).__name__})"
        )
    if not 0 <= seed <= SEED_MAX:
        raise ValueError(f"{name} must be in [0, 2**63 - 1]; got {seed}")
    return int(seed)


def as_generator(seed: int | np.random.Generator, name: str = "seed") -> np.random.Generator:
    """``seed`` itself if it is a numpy Generator, else ``numpy.random.default_rng(seed)``.

    Parameters
    ----------
    seed : int or numpy.random.Generator
        See :func:`check_seed`.
    name : str, default "seed"
        The argument's name, used in the error message.

    Returns
    -------
    numpy.random.Generator

    Raises
    ------
    TypeError, ValueError
        As :func:`check_seed`.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(check_seed(seed, name))


def torch_generator(seed: int | np.random.Generator, device: Any = "cpu") -> torch.Generator:
    """A ``torch.Generator`` on ``device`` seeded with :func:`check_seed` of ``seed``.

    Parameters
    ----------
    seed : int or numpy.random.Generator
        See :func:`check_seed` (a Generator gives one draw).
    device : str or torch.device, default "cpu"
        The generator's device.

    Returns
    -------
    torch.Generator

    Raises
    ------
    TypeError, ValueError
        As :func:`check_seed`.
    """
    import torch

    g = torch.Generator(device=device)
    g.manual_seed(check_seed(seed))
    return g
