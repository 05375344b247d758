"""Network layouts: which binary patterns are legal and which synapses exist.

* :class:`KofN` — N units, patterns with exactly K ones (activity a = K/N).
* :class:`Modular` — H hypercolumns of M units each (N = HM); unit ``h*M + m`` is unit m of
  hypercolumn h; exactly one active unit per hypercolumn (K = H, a = 1/M).
* :class:`Free` — N units, Bernoulli(p) patterns (variable activity, expected K = pN); used by ch02.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..validation import check_float, check_int


@dataclass(frozen=True)
class KofN:
    """K-of-N layout: N units, exactly K active (1 <= K < N)."""

    N: int
    K: int

    def __post_init__(self):
        object.__setattr__(self, "N", check_int("N", self.N, lo=2))
        object.__setattr__(self, "K", check_int("K", self.K, lo=1, hi=self.N - 1))

    @property
    def activity(self) -> float:
        """Activity a = K/N (fraction of active units per pattern)."""
        return self.K / self.N

    @property
    def groups(self) -> None:
        """No hypercolumns: ``None``."""
        return None

    @property
    def fixed_k(self) -> bool:
        """True: every pattern has exactly K active units."""
        return True

    def __str__(self):
        return f"K-of-N {self.N}/{self.K}"


@dataclass(frozen=True)
class Modular:
    """Modular layout: H hypercolumns × M units (N = H·M), one active unit per hypercolumn."""

    H: int
    M: int

    def __post_init__(self):
        object.__setattr__(self, "H", check_int("H", self.H, lo=1))
        object.__setattr__(self, "M", check_int("M", self.M, lo=2))

    @property
    def N(self) -> int:
        """Number of units N = H·M."""
        return self.H * self.M

    @property
    def K(self) -> int:
        """Active units per pattern K = H (one per hypercolumn)."""
        return self.H

    @property
    def activity(self) -> float:
        """Activity a = 1/M."""
        return 1.0 / self.M

    @property
    def groups(self) -> np.ndarray:
        """Hypercolumn id of every unit, int32[N]."""
        return np.repeat(np.arange(self.H, dtype=np.int32), self.M)

    @property
    def fixed_k(self) -> bool:
        """True: every pattern has exactly K = H active units."""
        return True

    def __str__(self):
        return f"modular {self.H}×{self.M}"


@dataclass(frozen=True)
class Free:
    """Bernoulli layout (ch02): N units, each active with probability p; ``K`` = expected pN."""

    N: int
    p: float

    def __post_init__(self):
        object.__setattr__(self, "N", check_int("N", self.N, lo=2))
        object.__setattr__(
            self, "p", check_float("p", self.p, lo=0.0, hi=1.0, lo_open=True, hi_open=True)
        )

    @property
    def K(self) -> float:
        """Expected active units per pattern K = pN (a float)."""
        return self.p * self.N

    @property
    def activity(self) -> float:
        """Activity a = p."""
        return self.p

    @property
    def groups(self) -> None:
        """No hypercolumns: ``None``."""
        return None

    @property
    def fixed_k(self) -> bool:
        """False: the number of active units varies from pattern to pattern."""
        return False

    def __str__(self):
        return f"Bernoulli N={self.N}, p={self.p:g}"


LAYOUT_TYPES = (KofN, Modular, Free)

if TYPE_CHECKING:
    Layout = KofN | Modular | Free


def check_layout(layout: object, name: str = "layout") -> Layout:
    if not isinstance(layout, LAYOUT_TYPES):
        raise TypeError(
            f"{name} must be a KofN, Modular or Free layout; got {type(layout).__name__}"
        )
    return layout


def parse_layout(spec: Layout | dict[str, Any] | str) -> Layout:
    """A layout from a layout object, a string or a dict.

    Parameters
    ----------
    spec : KofN, Modular, Free, dict or str
        A layout (returned as is); a string ``"modular:20x20"`` (H×M) or ``"kofn:400/20"``
        (N/K); or a dict ``{"kind": "modular", "H": 20, "M": 20}``,
        ``{"kind": "kofn", "N": 400, "K": 20}`` or ``{"kind": "free", "N": ..., "p": ...}``.

    Returns
    -------
    KofN, Modular or Free
        The layout.

    Raises
    ------
    ValueError
        Unknown kind or malformed string.
    TypeError
        ``spec`` is of another type.
    """
    if isinstance(spec, LAYOUT_TYPES):
        return spec
    if isinstance(spec, dict):
        d = dict(spec)
        kind = str(d.pop("kind", "")).lower()
        if kind == "modular":
            return Modular(**d)
        if kind in ("kofn", "k-of-n"):
            return KofN(**d)
        if kind in ("free", "bernoulli"):
            return Free(**d)
        raise ValueError(f"layout kind must be 'modular', 'kofn' or 'free'; got {kind!r}")
    if isinstance(spec, str):
        kind, _, rest = spec.partition(":")
        kind = kind.strip().lower()
        try:
            if kind == "modular":
                h, m = rest.lower().split("x")
                return Modular(int(h), int(m))
            if kind in ("kofn", "k-of-n"):
                n, k = rest.split("/")
                return KofN(int(n), int(k))
        except ValueError as exc:
            raise ValueError(
                f"layout string must look like 'modular:20x20' or 'kofn:400/20'; got {spec!r}"
            ) from exc
        raise ValueError(
            f"layout string must look like 'modular:20x20' or 'kofn:400/20'; got {spec!r}"
        )
    raise TypeError(
        f"layout must be a KofN/Modular/Free, a dict or a string; got {type(spec).__name__}"
    )


def removed_mask(layout: Layout, *, include_diagonal: bool = False) -> np.ndarray:
    """The set D of removed synapses as a mask.

    D = the diagonal (unless ``include_diagonal``) plus, in a modular layout, every pair (i, j)
    inside one hypercolumn.

    Parameters
    ----------
    layout : KofN, Modular or Free
        Network layout.
    include_diagonal : bool
        Keep the self-connections i = j (remove them otherwise).

    Returns
    -------
    numpy.ndarray
        bool[N, N], True where the synapse is removed.

    Raises
    ------
    TypeError
        ``layout`` is not a layout.
    """
    check_layout(layout)
    N = layout.N
    if isinstance(layout, Modular):
        g = layout.groups
        D = g[:, None] == g[None, :]
    else:
        D = np.zeros((N, N), dtype=bool)
    if include_diagonal:
        np.fill_diagonal(D, False)
    else:
        np.fill_diagonal(D, True)
    return D
