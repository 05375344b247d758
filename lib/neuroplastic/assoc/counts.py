"""Co-activation counters of a stored pattern set.

M1_i = Σ_μ ξ_i^μ, M11_ij = Σ_μ ξ_i^μ ξ_j^μ (symmetric, diag = M1), plus the derived cells
M10 = M1_i − M11 (pre on, post off), M01 = M1_j − M11, M00 = P − M1_i − M1_j + M11.
Updated in place by :meth:`Counts.add` / :meth:`Counts.remove` at cost O(P·K²).
"""

from __future__ import annotations

import numpy as np

from .kernels import scatter_counts
from .patterns import PatternSet


class Counts:
    """Counters (M11: int32[N, N], M1: int32[N], P). Keeps the stored rows in order (``rows``)
    while the set is only grown/shrunk at its end, which the order-dependent precovar(c) needs."""

    def __init__(self, M11, M1, P, rows=None, layout=None):
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
        return self.M1.shape[0]

    @classmethod
    def empty(cls, layout) -> Counts:
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
        """Add patterns (appended after the current ones). Returns self."""
        self._check(patterns)
        scatter_counts(patterns.idx, self.M11, self.M1, np.int32(1))
        self.P += patterns.P
        if self.rows is not None and self.rows.shape[1] == patterns.K:
            self.rows = np.concatenate([self.rows, patterns.idx])
        else:
            self.rows = None
        return self

    def remove(self, patterns: PatternSet) -> Counts:
        """Remove patterns that were added before. Returns self. Raises ValueError if a count
        would become negative."""
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
        return Counts(
            self.M11.copy(),
            self.M1.copy(),
            self.P,
            None if self.rows is None else self.rows.copy(),
            self.layout,
        )

    def cells(self, dtype=np.float64):
        """(M11, M10, M01, M00) as float arrays [N, N] (first index presynaptic i)."""
        M11 = self.M11.astype(dtype)
        M1 = self.M1.astype(dtype)
        M10 = M1[:, None] - M11
        M01 = M1[None, :] - M11
        M00 = self.P - M1[:, None] - M1[None, :] + M11
        return M11, M10, M01, M00

    def __repr__(self):
        return f"Counts(N={self.N}, P={self.P})"


def count(patterns: PatternSet) -> Counts:
    """Counters of ``patterns`` (O(P·K²) scatter)."""
    if not isinstance(patterns, PatternSet):
        raise TypeError(f"patterns must be a PatternSet; got {type(patterns).__name__}")
    return Counts.empty(patterns.layout).add(patterns)


def count_dense(patterns: PatternSet) -> Counts:
    """Reference: the same counters from the dense product XᵀX (benchmarks and tests)."""
    X = patterns.to_dense(np.float32)
    M11 = (X.T @ X).astype(np.int32)
    return Counts(
        M11,
        X.sum(axis=0).astype(np.int32),
        patterns.P,
        rows=patterns.idx.copy(),
        layout=patterns.layout,
    )
