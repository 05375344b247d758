"""Activation (winner-take-all) rules applied to the supports at every retrieval step.

* :class:`KWTA` (k): the k units with the largest support (ties by the hashed key).
* :class:`HWTA` (): the largest support in each hypercolumn of a modular layout.
ch02 adds ``Threshold``, ``MAP``, ``Schedule`` and ``Core``; the retrieval kernel dispatches on
:meth:`Activation.kernel_mode`, so new activations only add a mode.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._validate import check_int
from .layouts import Modular


class Activation:
    """Base class. ``kernel_mode(layout) -> (mode, k, M)`` for the numba kernel."""

    def kernel_mode(self, layout):  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class KWTA(Activation):
    """k-winners-take-all: exactly k active units after every step."""

    k: int

    def __post_init__(self):
        object.__setattr__(self, "k", check_int("k", self.k, lo=1))

    def kernel_mode(self, layout):
        if self.k >= layout.N:
            raise ValueError(f"k must be < N = {layout.N}; got {self.k}")
        return 1, self.k, 1


@dataclass(frozen=True)
class HWTA(Activation):
    """Per-hypercolumn winner-take-all (modular layouts): exactly one unit per hypercolumn."""

    def kernel_mode(self, layout):
        if not isinstance(layout, Modular):
            raise ValueError(f"activation HWTA needs a Modular layout; got {layout!r}")
        return 0, layout.H, layout.M


def default_activation(layout) -> Activation:
    """HWTA for modular layouts, KWTA(K) otherwise."""
    return HWTA() if isinstance(layout, Modular) else KWTA(int(round(layout.K)))
