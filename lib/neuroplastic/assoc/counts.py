"""Co-activation counters of a stored pattern set.

M1_i = Σ_μ ξ_i^μ, M11_ij = Σ_μ ξ_i^μ ξ_j^μ (symmetric, diag = M1), plus the derived cells
M10 = M1_i − M11 (pre on, post off), M01 = M1_j − M11, M00 = P − M1_i − M1_j + M11.
Updated in place by :meth:`Counts.add` / :meth:`Counts.remove` at cost O(P·K²).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .kernels import scatter_counts
from .patterns import PatternSet

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, DTypeLike

    from .layouts import Layout


class Counts:
    """Counters (M11: int32[N, N], M1: int32[N], P). Keeps the stored rows in order (``rows``)
    while the set is only grown/shrunk at its end, which the order-dependent precovar(c) needs.

    Parameters
    ----------
    M11 : array_like
        Co-activation counts M11_ij = Σ_μ ξ_i^μ ξ_j^μ, [N, N] (pattern counts).
    M1 : array_like
        Unit usage M1_i = Σ_μ ξ_i^μ, [N] (pattern counts).
    P : int
        Number of stored patterns (>= 0).
    rows : array_like, optional
        The stored patterns' active-unit indices int32[P, K], in storage order.
    layout : KofN, Modular or Free, optional
        Layout of the stored patterns.

    Raises
    ------
    ValueError
        Shapes that do not match, or P not an int >= 0.
    """

    def __init__(
        self,
        M11: ArrayLike,
        M1: ArrayLike,
        P: int,
        rows: ArrayLike | None = None,
        layout: Layout | None = None,
    ) -> None:
        M11 = np.asarray(M11)
        M1 = np.asarray(M1)
        if M11.ndim != 2 or M11.shape[0] != M11.shape[1] or M1.shape != (M11.shape[0],):
            raise ValueError(f"M11 must be [N, N] and M1 [N]; got {M11.shape} and {M1.shape}")
        if not isinstance(P, (int, np.integer)) or P < 0:
            raise ValueError(f"P must be an int >= 0; got {P!r}")
        self.M11 = np.ascontiguousarray(M11, dtype=np.int32)
        self.M1 = np.ascontiguousarray(M1, dtype=np.int32)
        self.P = int(P)
        self.rows = None if rows is None else np.ascontiguousarray(rows, dtype=np.int32)
        self.layout = layout

    @property
    def N(self) -> int:
        """Number of units N."""
        return self.M1.shape[0]

    @classmethod
    def empty(cls, layout: Layout) -> Counts:
        """Counters of no pattern (P = 0) on ``layout``.

        Parameters
        ----------
        layout : KofN, Modular or Free
            Network layout.

        Returns
        -------
        Counts
            All-zero counters with an empty ``rows`` list.
        """
        N = layout.N
        return cls(
            np.zeros((N, N), np.int32),
            np.zeros(N, np.int32),
            0,
            rows=np.zeros((0, layout.K), np.int32),
            layout=layout,
        )

    def _check(self, patterns, name="patterns"):
        if not isinstance(patterns, PatternSet):
            raise TypeError(f"{name} must be a PatternSet; got {type(patterns).__name__}")
        if patterns.N != self.N or (self.layout is not None and patterns.layout != self.layout):
            raise ValueError(
                f"{name} layout {patterns.layout!r} does not match the counts "
                f"({self.layout!r}, N = {self.N}) (mismatched layouts)"
            )

    def add(self, patterns: PatternSet) -> Counts:
        """Add patterns (appended after the current ones), in place.

        M11_ij += Σ_μ ξ_i^μ ξ_j^μ, M1_i += Σ_μ ξ_i^μ, P += patterns.P; cost O(P·K²).

        Parameters
        ----------
        patterns : PatternSet
            Patterns on the counters' layout.

        Returns
        -------
        Counts
            ``self``.

        Raises
        ------
        TypeError, ValueError
            Not a PatternSet, or a mismatched layout.
        """
        self._check(patterns)
        scatter_counts(patterns.idx, self.M11, self.M1, np.int32(1))
        self.P += patterns.P
        if self.rows is not None and self.rows.shape[1] == patterns.K:
            self.rows = np.concatenate([self.rows, patterns.idx])
        else:
            self.rows = None
        return self

    def remove(self, patterns: PatternSet) -> Counts:
        """Remove patterns that were added before, in place (the inverse of :meth:`add`).

        Parameters
        ----------
        patterns : PatternSet
            Patterns on the counters' layout that were stored before.

        Returns
        -------
        Counts
            ``self``.

        Raises
        ------
        ValueError
            More patterns than stored, a mismatched layout, or a count would become negative
            (the counters are then left unchanged).
        TypeError
            Not a PatternSet.
        """
        self._check(patterns)
        if patterns.P > self.P:
            raise ValueError(f"patterns: cannot remove {patterns.P} patterns from {self.P}")
        scatter_counts(patterns.idx, self.M11, self.M1, np.int32(-1))
        if self.M1.min() < 0 or self.M11.min() < 0:
            scatter_counts(patterns.idx, self.M11, self.M1, np.int32(1))
            raise ValueError("patterns: removing them makes counts negative (not stored here)")
        self.P -= patterns.P
        if (
            self.rows is not None
            and patterns.P <= self.rows.shape[0]
            and np.array_equal(self.rows[self.rows.shape[0] - patterns.P :], patterns.idx)
        ):
            self.rows = self.rows[: self.rows.shape[0] - patterns.P]
        else:
            self.rows = None
        return self

    def copy(self) -> Counts:
        """An independent copy (arrays copied; the layout shared).

        Returns
        -------
        Counts
            The copy.
        """
        return Counts(
            self.M11.copy(),
            self.M1.copy(),
            self.P,
            None if self.rows is None else self.rows.copy(),
            self.layout,
        )

    def cells(
        self, dtype: DTypeLike = np.float64
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The four cells of the 2×2 contingency table of every pair (i, j).

        M10 = M1_i − M11 (pre on, post off), M01 = M1_j − M11, M00 = P − M1_i − M1_j + M11
        (pattern counts; first index presynaptic i).

        Parameters
        ----------
        dtype : dtype
            Float type of the results.

        Returns
        -------
        tuple of numpy.ndarray
            (M11, M10, M01, M00), each [N, N].
        """
        M11 = self.M11.astype(dtype)
        M1 = self.M1.astype(dtype)
        M10 = M1[:, None] - M11
        M01 = M1[None, :] - M11
        M00 = self.P - M1[:, None] - M1[None, :] + M11
        return M11, M10, M01, M00

    def __repr__(self):
        return f"Counts(N={self.N}, P={self.P})"


def count(patterns: PatternSet) -> Counts:
    """Counters (M11, M1, P) of ``patterns`` by a sparse scatter, O(P·K²).

    Parameters
    ----------
    patterns : PatternSet
        Patterns to count.

    Returns
    -------
    Counts
        Counters with the rows kept in order.

    Raises
    ------
    TypeError
        ``patterns`` is not a PatternSet.
    """
    if not isinstance(patterns, PatternSet):
        raise TypeError(f"patterns must be a PatternSet; got {type(patterns).__name__}")
    return Counts.empty(patterns.layout).add(patterns)


def count_dense(patterns: PatternSet) -> Counts:
    """Reference: the same counters as :func:`count` from the dense product M11 = XᵀX.

    Used by benchmarks and tests.

    Parameters
    ----------
    patterns : PatternSet
        Patterns to count.

    Returns
    -------
    Counts
        Counters with the rows kept in order.
    """
    X = patterns.to_dense(np.float32)
    M11 = (X.T @ X).astype(np.int32)
    return Counts(
        M11,
        X.sum(axis=0).astype(np.int32),
        patterns.P,
        rows=patterns.idx.copy(),
        layout=patterns.layout,
    )
