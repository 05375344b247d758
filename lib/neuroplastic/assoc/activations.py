"""Activation (winner-take-all) rules applied to the supports at every retrieval step.

* :class:`KWTA` (k): the k units with the largest support (ties by the hashed key).
* :class:`HWTA` (): the largest support in each hypercolumn of a modular layout.
* :class:`MAP` — threshold at the rule's maximum-a-posteriori point: x_j ≥ 0 for log-odds rules
  (bayes, bcpnn_s3), x_j ≥ log ½ for log-posterior rules (bcpnn, bcpnn_s2), Θ = the estimated
  number of correct units of the state for Willshaw (active inputs minus the assumed false ones;
  Θ = ĉ under ANE). Hebb and covariance have no principled threshold.
* :class:`Threshold` — x_j ≥ theta (a float, "half" = log ½, or "willshaw").
* :class:`OracleKWTA` — k-WTA with k = the target's activity |u^μ| (Bernoulli ensembles; needs
  targets; flagged in outputs as using oracle activity).
* :class:`Schedule` (l_0, l_1, ...) then K — l-WTA; :class:`Core` — the default core schedule
  l_0 = ⌈K/2⌉, l_{t+1} = min(K, l_t + ⌈K/4⌉) [R]. ``oracle=True`` uses K = |u^μ| per query.
  On a modular layout l-WTA keeps the l hypercolumn winners with the largest support.

The retrieval kernels dispatch on :meth:`Activation.kernel_mode`, so new activations only add a
mode.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..validation import check_float, check_int
from .layouts import Free, Modular

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from .layouts import Layout


class Activation:
    """Base class. ``kernel_mode(layout) -> (mode, k, M)`` for the numba kernel."""

    def kernel_mode(self, layout: Layout) -> tuple[int, int, int]:  # pragma: no cover - abstract
        """Kernel dispatch for ``layout``.

        Parameters
        ----------
        layout : KofN, Modular or Free
            Network layout.

        Returns
        -------
        tuple of int
            (mode, k, M): mode 0 per-hypercolumn WTA of M units, 1 k-WTA with k winners
            (k = 0: set per query), 2 threshold.
        """
        raise NotImplementedError


@dataclass(frozen=True)
class KWTA(Activation):
    """k-winners-take-all: exactly k active units after every step."""

    k: int

    def __post_init__(self):
        object.__setattr__(self, "k", check_int("k", self.k, lo=1))

    def kernel_mode(self, layout: Layout) -> tuple[int, int, int]:
        """Kernel dispatch ``(mode, k, M)`` for ``layout``: (1, k, 1), k-WTA.

        Parameters
        ----------
        layout : KofN, Modular or Free
            Network layout.

        Returns
        -------
        tuple of int
            (mode, k, M).

        Raises
        ------
        ValueError
            k >= N.
        """
        if self.k >= layout.N:
            raise ValueError(f"k must be < N = {layout.N}; got {self.k}")
        return 1, self.k, 1


@dataclass(frozen=True)
class HWTA(Activation):
    """Per-hypercolumn winner-take-all (modular layouts): exactly one unit per hypercolumn."""

    def kernel_mode(self, layout: Layout) -> tuple[int, int, int]:
        """Kernel dispatch ``(mode, k, M)`` for ``layout``: (0, H, M), one winner per hypercolumn.

        Parameters
        ----------
        layout : KofN, Modular or Free
            Network layout.

        Returns
        -------
        tuple of int
            (mode, k, M).

        Raises
        ------
        ValueError
            ``layout`` is not Modular.
        """
        if not isinstance(layout, Modular):
            raise ValueError(f"activation HWTA needs a Modular layout; got {layout!r}")
        return 0, layout.H, layout.M


def default_activation(layout: Layout) -> Activation:
    """The default WTA of a layout: HWTA for modular layouts, KWTA(round(K)) otherwise.

    Parameters
    ----------
    layout : KofN, Modular or Free
        Network layout.

    Returns
    -------
    Activation
        ``HWTA()`` or ``KWTA(round(K))``.
    """
    return HWTA() if isinstance(layout, Modular) else KWTA(int(round(layout.K)))


LOG_HALF = math.log(0.5)


@dataclass(frozen=True)
class MAP(Activation):
    """Threshold at the rule's MAP point (see module doc)."""

    def kernel_mode(self, layout: Layout) -> tuple[int, int, int]:
        """Kernel dispatch ``(mode, k, M)`` for ``layout``: (2, 0, 1), a threshold.

        Parameters
        ----------
        layout : KofN, Modular or Free
            Network layout.

        Returns
        -------
        tuple of int
            (mode, k, M).
        """
        return 2, 0, 1


@dataclass(frozen=True)
class Threshold(Activation):
    """x_j ≥ theta; theta a float (nats), "half" (log ½) or "willshaw" (Θ = active inputs)."""

    theta: object = 0.0

    def __post_init__(self):
        if isinstance(self.theta, str):
            if self.theta not in ("half", "willshaw"):
                raise ValueError(f"theta must be a float, 'half' or 'willshaw'; got {self.theta!r}")
        else:
            object.__setattr__(self, "theta", check_float("theta", self.theta))

    def kernel_mode(self, layout: Layout) -> tuple[int, int, int]:
        """Kernel dispatch ``(mode, k, M)`` for ``layout``: (2, 0, 1), a threshold.

        Parameters
        ----------
        layout : KofN, Modular or Free
            Network layout.

        Returns
        -------
        tuple of int
            (mode, k, M).
        """
        return 2, 0, 1


@dataclass(frozen=True)
class OracleKWTA(Activation):
    """k-WTA with k = |u^μ| of each query's target (oracle activity)."""

    def kernel_mode(self, layout: Layout) -> tuple[int, int, int]:
        """Kernel dispatch ``(mode, k, M)`` for ``layout``: (1, 0, 1), k-WTA with k set per query.

        Parameters
        ----------
        layout : KofN, Modular or Free
            Network layout.

        Returns
        -------
        tuple of int
            (mode, k, M).
        """
        return 1, 0, 1


@dataclass(frozen=True)
class Schedule(Activation):
    """l-WTA with l_t = ls[t] for the listed steps, then K until the fixed point."""

    ls: tuple
    oracle: bool = False

    def __post_init__(self):
        ls = tuple(check_int(f"ls[{i}]", v, lo=1) for i, v in enumerate(self.ls))
        if not ls:
            raise ValueError("ls must list at least one l value")
        object.__setattr__(self, "ls", ls)

    def kernel_mode(self, layout: Layout) -> tuple[int, int, int]:
        """Kernel dispatch ``(mode, k, M)``: (0, 0, M) on a modular layout, else (1, 0, 1).

        On a modular layout the l best hypercolumn winners are kept.

        Parameters
        ----------
        layout : KofN, Modular or Free
            Network layout.

        Returns
        -------
        tuple of int
            (mode, k, M).
        """
        return (0, 0, layout.M) if isinstance(layout, Modular) else (1, 0, 1)

    def l_at(self, t: int, K: int | ArrayLike) -> int | np.ndarray:
        """Number of winners l_t of step t: min(ls[t], K) for listed steps, K afterwards.

        Parameters
        ----------
        t : int
            Step index (0 = the step from the cue).
        K : int or array_like
            Final activity (per query when an array).

        Returns
        -------
        int or numpy.ndarray
            l_t (an array over queries when K is an array).
        """
        v = self.ls[t] if t < len(self.ls) else None
        return K if v is None else np.minimum(v, K)


@dataclass(frozen=True)
class Core(Activation):
    """Core retrieval: l_0 = ⌈K/2⌉ (or l0), l_{t+1} = min(K, l_t + ⌈K/4⌉ (or growth)), then K."""

    l0: int | None = None
    growth: int | None = None
    oracle: bool = False

    def __post_init__(self):
        if self.l0 is not None:
            object.__setattr__(self, "l0", check_int("l0", self.l0, lo=1))
        if self.growth is not None:
            object.__setattr__(self, "growth", check_int("growth", self.growth, lo=1))

    def kernel_mode(self, layout: Layout) -> tuple[int, int, int]:
        """Kernel dispatch ``(mode, k, M)``: (0, 0, M) on a modular layout, else (1, 0, 1).

        On a modular layout the l best hypercolumn winners are kept.

        Parameters
        ----------
        layout : KofN, Modular or Free
            Network layout.

        Returns
        -------
        tuple of int
            (mode, k, M).
        """
        return (0, 0, layout.M) if isinstance(layout, Modular) else (1, 0, 1)

    def l_at(self, t: int, K: int | ArrayLike) -> np.ndarray:
        """Number of winners l_t = min(K, l_0 + t·g), l_0 = ⌈K/2⌉ (or l0), g = ⌈K/4⌉ (or growth).

        Parameters
        ----------
        t : int
            Step index (0 = the step from the cue).
        K : int or array_like
            Final activity (per query when an array).

        Returns
        -------
        numpy.ndarray
            int64 l_t, of the shape of K.
        """
        K = np.asarray(K)
        l0 = np.ceil(K / 2) if self.l0 is None else np.full(K.shape, self.l0)
        g = np.ceil(K / 4) if self.growth is None else np.full(K.shape, self.growth)
        return np.minimum(K, l0 + t * g).astype(np.int64)


def check_activation(activation: Activation, layout: Layout) -> Activation:
    """Validate an activation for ``layout`` (Bernoulli k-WTA needs the oracle)."""
    if not isinstance(activation, Activation):
        raise TypeError(
            f"activation must be an Activation (MAP, Threshold, KWTA, OracleKWTA, HWTA, "
            f"Schedule, Core); got {type(activation).__name__}"
        )
    if isinstance(layout, Free) and isinstance(activation, KWTA):
        raise ValueError(
            "activation: k-WTA on Bernoulli (Free) patterns needs the true activity; "
            "use OracleKWTA() (or Core(oracle=True))"
        )
    if (
        isinstance(layout, Free)
        and isinstance(activation, (Schedule, Core))
        and not activation.oracle
    ):
        raise ValueError("activation: schedules on Bernoulli (Free) patterns need oracle=True")
    if isinstance(activation, HWTA) and not isinstance(layout, Modular):
        raise ValueError(f"activation HWTA needs a Modular layout; got {layout!r}")
    return activation


def is_wta(activation: Activation) -> bool:
    return isinstance(activation, (KWTA, HWTA, OracleKWTA, Schedule, Core))
