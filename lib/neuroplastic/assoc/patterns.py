"""Sparse binary pattern sets and their prefix-consistent generators.

A :class:`PatternSet` holds, for each of P patterns, the sorted indices of its active units
(``idx: int32[P, K]``). All generators draw rows in blocks of 256 from
``SeedSequence(seed, spawn_key=(stream, block))``, so the first P rows of a draw of P' > P patterns
equal a draw of P patterns with the same seed (nested pattern sets for capacity searches).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..validation import check_float, check_int, check_seed
from .layouts import Free, Modular, check_layout

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, DTypeLike

    from .layouts import Layout

# stream tags (distinct random streams derived from one seed)
TAG_PATTERNS = 1
TAG_PERM = 2
TAG_PARENTS = 3
TAG_PARENT_ROWS = 4
TAG_CUES = 5
TAG_PROTO = 6
TAG_TRAIN = 7
TAG_TEST = 8

BLOCK = 256
"""Rows per block of every row-wise generator."""


def block_rng(seed: int, tag: int, block: int) -> np.random.Generator:
    """Generator for block ``block`` of stream ``tag``: ``SeedSequence(seed, spawn_key=(tag,
    block))``. Row-wise generators draw rows in blocks of :data:`BLOCK` from these, so the first P
    rows never depend on how many rows were requested (prefix consistency)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(tag, block)))


@dataclass(frozen=True, eq=False)
class PatternSet:
    """P binary patterns as sorted active-unit indices ``idx: int32[P, K]`` on ``layout``."""

    idx: np.ndarray
    layout: object

    def __post_init__(self):
        check_layout(self.layout)
        idx = np.asarray(self.idx)
        if idx.ndim != 2:
            raise ValueError(f"idx must be a 2-D array [P, K]; got shape {idx.shape}")
        if idx.size and (idx.min() < 0 or idx.max() >= self.layout.N):
            raise ValueError(f"idx entries must lie in [0, {self.layout.N - 1}]")
        if not np.issubdtype(idx.dtype, np.integer):
            raise TypeError(f"idx must be an integer array; got dtype {idx.dtype}")
        object.__setattr__(self, "idx", np.ascontiguousarray(idx, dtype=np.int32))

    @property
    def P(self) -> int:
        """Number of patterns P."""
        return self.idx.shape[0]

    @property
    def K(self) -> int:
        """Active units per pattern K."""
        return self.idx.shape[1]

    @property
    def N(self) -> int:
        """Number of units N of the layout."""
        return self.layout.N

    def __len__(self):
        return self.P

    def prefix(self, P: int) -> PatternSet:
        """The first P patterns.

        Parameters
        ----------
        P : int
            Number of patterns, 0 <= P <= self.P.

        Returns
        -------
        PatternSet
            Patterns 0..P−1.

        Raises
        ------
        ValueError
            P out of range.
        """
        P = check_int("P", P, lo=0, hi=self.P)
        return PatternSet(self.idx[:P], self.layout)

    def rows(self, index: slice | ArrayLike) -> PatternSet:
        """The patterns at ``index``.

        Parameters
        ----------
        index : slice or array_like of int
            Rows to take (repetitions allowed).

        Returns
        -------
        PatternSet
            The selected patterns on the same layout.
        """
        return PatternSet(self.idx[index], self.layout)

    def to_dense(self, dtype: DTypeLike = np.uint8) -> np.ndarray:
        """Dense 0/1 matrix.

        Parameters
        ----------
        dtype : dtype
            Element type.

        Returns
        -------
        numpy.ndarray
            X[P, N] with X[μ, i] = ξ_i^μ.
        """
        out = np.zeros((self.P, self.N), dtype=dtype)
        if self.P:
            out[np.arange(self.P)[:, None], self.idx] = 1
        return out

    @classmethod
    def from_dense(cls, X: ArrayLike, layout: Layout) -> PatternSet:
        """From a 0/1 matrix whose rows all have the same number of ones.

        Parameters
        ----------
        X : array_like
            0/1 matrix [P, N] (any non-zero counts as 1).
        layout : KofN, Modular or Free
            Layout of the patterns (N columns).

        Returns
        -------
        PatternSet
            The patterns.

        Raises
        ------
        ValueError
            Wrong shape or rows with different numbers of ones.
        """
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != layout.N:
            raise ValueError(f"X must have shape [P, {layout.N}]; got {X.shape}")
        k = (X != 0).sum(axis=1)
        if X.shape[0] and np.any(k != k[0]):
            raise ValueError("X rows must all have the same number of ones")
        idx = np.nonzero(X)[1].reshape(X.shape[0], -1) if X.shape[0] else np.zeros((0, 0))
        return cls(idx.astype(np.int32), layout)

    def equal_rows(self, other: PatternSet) -> np.ndarray:
        """Row-wise exact equality with another pattern set.

        Parameters
        ----------
        other : PatternSet
            P patterns on the same layout.

        Returns
        -------
        numpy.ndarray
            bool[P]: row μ of self equals row μ of other.

        Raises
        ------
        TypeError, ValueError
            ``other`` is not a PatternSet or has another layout or P.
        """
        check_same(self, other, "other")
        if self.K != other.K:
            return np.zeros(self.P, dtype=bool)
        return np.all(self.idx == other.idx, axis=1)

    def __eq__(self, other):
        return (
            isinstance(other, PatternSet)
            and self.layout == other.layout
            and self.idx.shape == other.idx.shape
            and bool(np.all(self.idx == other.idx))
        )

    def __repr__(self):
        return f"PatternSet(P={self.P}, K={self.K}, layout={self.layout!r})"


def check_same(a: PatternSet, b: PatternSet, name: str) -> None:
    if not isinstance(b, PatternSet):
        raise TypeError(f"{name} must be a PatternSet; got {type(b).__name__}")
    if a.layout != b.layout:
        raise ValueError(
            f"{name} has layout {b.layout!r}, expected {a.layout!r} (mismatched layouts)"
        )
    if a.P != b.P:
        raise ValueError(f"{name} has {b.P} patterns, expected {a.P}")


def _check_fixed(layout, fn):
    if isinstance(layout, Free):
        raise ValueError(
            f"{fn}: layout Free (Bernoulli) is not supported here; use bernoulli_patterns (ch02)"
        )


def _blocks(P: int):
    for b in range(-(-P // BLOCK)):
        yield b, min(BLOCK, P - b * BLOCK)


def _unit_logweights(layout, skew: float, seed: int) -> np.ndarray:
    """log of the Zipf unit weights (π(i)+1)^(-s); modular: one permutation per hypercolumn."""
    rng = block_rng(seed, TAG_PERM, 0)
    if isinstance(layout, Modular):
        perm = np.stack([rng.permutation(layout.M) for _ in range(layout.H)])  # [H, M]
        return -skew * np.log(perm + 1.0)
    perm = rng.permutation(layout.N)
    return -skew * np.log(perm + 1.0)


def _draw_block(layout, n: int, rng: np.random.Generator, logw: np.ndarray | None) -> np.ndarray:
    """n random patterns (int32[n, K], sorted)."""
    if isinstance(layout, Modular):
        H, M = layout.H, layout.M
        if logw is None:
            m = rng.integers(0, M, size=(n, H))
        else:
            w = np.exp(logw - logw.max(axis=1, keepdims=True))
            cum = np.cumsum(w / w.sum(axis=1, keepdims=True), axis=1)
            u = rng.random((n, H))
            m = np.empty((n, H), dtype=np.int64)
            for h in range(H):
                m[:, h] = np.minimum(np.searchsorted(cum[h], u[:, h], side="right"), M - 1)
        return (np.arange(H) * M + m).astype(np.int32)
    # K-of-N: Gumbel-top-K over log weights (uniform K-subset when skew = 0)
    g = rng.gumbel(size=(n, layout.N))
    if logw is not None:
        g = g + logw
    top = np.argpartition(-g, layout.K - 1, axis=1)[:, : layout.K]
    return np.sort(top, axis=1).astype(np.int32)


def random_patterns(P: int, layout: Layout, *, skew: float = 0.0, seed: int) -> PatternSet:
    """P random patterns on ``layout`` (prefix-consistent).

    Modular: each hypercolumn picks unit m with probability ∝ (π_h(m)+1)^(-skew) (π_h a random
    permutation per hypercolumn; skew = 0 is uniform). K-of-N: K distinct units drawn
    proportionally to (π(i)+1)^(-skew) without replacement (Gumbel-top-K).

    Parameters
    ----------
    P : int
        Number of patterns (>= 0).
    layout : KofN or Modular
        Layout (Free is not supported; use ``bernoulli_patterns``).
    skew : float
        Zipf exponent s >= 0 of the unit usage (dimensionless).
    seed : int
        Seed; the first P rows do not depend on how many rows are drawn.

    Returns
    -------
    PatternSet
        idx int32[P, K], sorted rows.

    Raises
    ------
    ValueError
        Invalid P, skew or seed, or a Free layout.
    """
    P = check_int("P", P, lo=0)
    check_layout(layout)
    _check_fixed(layout, "random_patterns")
    skew = check_float("skew", skew, lo=0.0)
    seed = check_seed(seed)
    logw = _unit_logweights(layout, skew, seed) if skew > 0 else None
    out = np.empty((P, layout.K), dtype=np.int32)
    for b, n in _blocks(P):
        out[b * BLOCK : b * BLOCK + n] = _draw_block(
            layout, BLOCK, block_rng(seed, TAG_PATTERNS, b), logw
        )[:n]
    return PatternSet(out, layout)


def parent_patterns(
    P: int, layout: Layout, *, n_parents: int = 10, redraw: float, seed: int
) -> PatternSet:
    """Parent-correlated patterns (prefix-consistent).

    ``n_parents`` random parents are drawn; every pattern copies a uniformly chosen parent and
    re-draws each hypercolumn (modular: uniform unit, possibly the same) or each active unit
    (K-of-N: replaced by a uniform unit among those not kept) independently with probability
    ``redraw`` ∈ [0, 1]; redraw = 1 is uncorrelated.

    Parameters
    ----------
    P : int
        Number of patterns (>= 0).
    layout : KofN or Modular
        Layout (Free is not supported).
    n_parents : int
        Number of parent patterns (>= 1).
    redraw : float
        Re-draw probability per hypercolumn / active unit, in [0, 1].
    seed : int
        Seed.

    Returns
    -------
    PatternSet
        idx int32[P, K], sorted rows.

    Raises
    ------
    ValueError
        Invalid argument or a Free layout.
    """
    P = check_int("P", P, lo=0)
    check_layout(layout)
    _check_fixed(layout, "parent_patterns")
    n_parents = check_int("n_parents", n_parents, lo=1)
    redraw = check_float("redraw", redraw, lo=0.0, hi=1.0)
    seed = check_seed(seed)
    parents = np.empty((n_parents, layout.K), dtype=np.int32)
    for b, n in _blocks(n_parents):
        parents[b * BLOCK : b * BLOCK + n] = _draw_block(
            layout, BLOCK, block_rng(seed, TAG_PARENTS, b), None
        )[:n]
    out = np.empty((P, layout.K), dtype=np.int32)
    for b, n in _blocks(P):
        rng = block_rng(seed, TAG_PARENT_ROWS, b)
        which = rng.integers(0, n_parents, size=BLOCK)
        base = parents[which]
        redo = rng.random((BLOCK, layout.K)) < redraw
        fresh = _draw_block(layout, BLOCK, rng, None)
        if isinstance(layout, Modular):
            rows = np.where(redo, fresh, base)
        else:
            keys = rng.random((BLOCK, layout.N))
            r = np.arange(BLOCK)[:, None]
            keys[r, base] = np.where(redo, 2.0, -1.0)  # kept units first, redrawn units never
            top = np.argpartition(keys, layout.K - 1, axis=1)[:, : layout.K]
            rows = np.sort(top, axis=1)
        out[b * BLOCK : b * BLOCK + n] = rows[:n]
    return PatternSet(out, layout)


def orthogonal_patterns(P: int, layout: Modular) -> PatternSet:
    """P ≤ M non-overlapping modular patterns: pattern μ uses unit μ of every hypercolumn.

    Parameters
    ----------
    P : int
        Number of patterns, 0 <= P <= M.
    layout : Modular
        Modular layout.

    Returns
    -------
    PatternSet
        idx[μ, h] = h·M + μ.

    Raises
    ------
    TypeError
        ``layout`` is not Modular.
    ValueError
        P out of range.
    """
    if not isinstance(layout, Modular):
        raise TypeError("layout must be Modular for orthogonal_patterns")
    P = check_int("P", P, lo=0, hi=layout.M)
    idx = np.arange(layout.H)[None, :] * layout.M + np.arange(P)[:, None]
    return PatternSet(idx.astype(np.int32), layout)


# ---------------------------------------------------------------------------------------------
# Zipf ensembles: unit-usage probabilities, mean pattern overlap, calibration of the exponent
# ---------------------------------------------------------------------------------------------


def _zipf_ranked_weights(n: int, skew: float) -> np.ndarray:
    """(r + 1)^(-skew) for ranks r = 0..n-1 (largest first)."""
    return np.exp(-skew * np.log(np.arange(1, n + 1, dtype=float)))


def _kofn_inclusion(w: np.ndarray, K: int, n_t: int = 256, chunk: int = 128) -> np.ndarray:
    """Exact inclusion probabilities π_i of K units drawn without replacement proportionally to
    weights w (Gumbel-top-K), by quadrature.

    Gumbel-top-K over log w equals an exponential race: unit i arrives at T_i = E_i / w_i
    (E_i ~ Exp(1)) and the first K arrivals are drawn. Hence
    π_i = ∫_0^∞ w_i e^{-w_i t} P(at most K−1 of the other units arrived by t) dt, where the
    others arrive independently with p_j(t) = 1 − e^{−w_j t} (a Poisson-binomial count, computed
    by prefix/suffix dynamic programmes truncated at K−1). The integral runs over u = log t with
    the trapezoid rule on ``n_t`` points (the integrand is smooth and decays doubly exponentially
    at both ends, so the rule converges geometrically: at N = 400, K = 20, 200 points already
    agree with 2000 to 1e-13); Σ_i π_i = K up to the quadrature error."""
    w = np.asarray(w, dtype=float)
    N = w.size
    if K >= N:
        return np.ones(N)

    def tail_le(t):  # P(at most K arrivals among all units by time t)
        c = np.zeros(K + 1)
        c[0] = 1.0
        for wj in w:
            p = -np.expm1(-wj * t)
            c[1:] = c[1:] * (1 - p) + c[:-1] * p
            c[0] *= 1 - p
        return c.sum()

    # lower end: the largest weight has arrived with probability 1e-12; upper end: more than K
    # units have arrived with probability 1 - 1e-16
    t_lo = 1e-12 / w.max()
    t_hi = 1.0 / w.max()
    while tail_le(t_hi) > 1e-16:
        t_hi *= 2.0
    u = np.linspace(np.log(t_lo), np.log(t_hi), n_t)
    du = u[1] - u[0]
    tw = np.full(n_t, du)
    tw[[0, -1]] *= 0.5
    pi = np.zeros(N)
    for a in range(0, n_t, chunk):
        t = np.exp(u[a : a + chunk])  # [T]
        p = -np.expm1(-np.outer(w, t))  # [N, T]
        q = np.exp(-np.outer(w, t))
        pre = np.zeros((N + 1, t.size, K))  # counts of units < i
        pre[0, :, 0] = 1.0
        for i in range(N):
            pre[i + 1] = pre[i] * q[i][:, None]
            pre[i + 1, :, 1:] += pre[i, :, :-1] * p[i][:, None]
        suf = np.zeros((N + 1, t.size, K))  # counts of units >= i
        suf[N, :, 0] = 1.0
        for i in range(N - 1, -1, -1):
            suf[i] = suf[i + 1] * q[i][:, None]
            suf[i, :, 1:] += suf[i + 1, :, :-1] * p[i][:, None]
        S = np.cumsum(suf[1:], axis=2)  # P(suffix count <= b)
        # P(others <= K-1) = Σ_a pre[i][a] · S[i+1][K-1-a]
        F = np.einsum("itk,itk->it", pre[:N], S[:, :, ::-1])  # [N, T]
        dens = (w[:, None] * t[None, :]) * q * F  # w t e^{-w t} F (du = dt/t)
        pi += dens @ tw[a : a + chunk]
    return pi


def zipf_unit_probabilities(layout: Layout, skew: float) -> np.ndarray:
    """Probability that each unit is active in one pattern of the Zipf ensemble, ranked from the
    most to the least used unit (the random permutation of :func:`random_patterns` only relabels
    units, so these do not depend on the seed).

    Modular: float[H, M], q_m = (m+1)^(-s) / Σ_k (k+1)^(-s) in every hypercolumn.
    K-of-N: float[N], the inclusion probabilities π_i of Gumbel-top-K sampling with weights
    (i+1)^(-s), computed exactly by quadrature (Σ π_i = K). Deterministic; no seed.

    Parameters
    ----------
    layout : KofN or Modular
        Layout (Free is not supported).
    skew : float
        Zipf exponent s >= 0.

    Returns
    -------
    numpy.ndarray
        Probabilities, float[H, M] (modular) or float[N] (K-of-N).

    Raises
    ------
    ValueError
        A Free layout or a negative skew.
    """
    check_layout(layout)
    _check_fixed(layout, "zipf_unit_probabilities")
    skew = check_float("skew", skew, lo=0.0)
    if isinstance(layout, Modular):
        q = _zipf_ranked_weights(layout.M, skew)
        return np.tile(q / q.sum(), (layout.H, 1))
    if skew == 0.0:
        return np.full(layout.N, layout.K / layout.N)
    return _kofn_inclusion(_zipf_ranked_weights(layout.N, skew), layout.K)


def zipf_overlap(layout: Layout, skew: float) -> float:
    """Mean overlap E|ξ ∧ ξ'| (shared active units) of two independent patterns of the Zipf
    ensemble with exponent ``skew``: Σ_i P(unit i active)², in units (0 ... K).

    Uniform patterns (skew = 0) give K²/N for K-of-N and H/M for modular; as skew → ∞ every
    pattern is the same and the overlap tends to K.

    Parameters
    ----------
    layout : KofN or Modular
        Layout.
    skew : float
        Zipf exponent s >= 0.

    Returns
    -------
    float
        Mean overlap in units.
    """
    return float(np.sum(zipf_unit_probabilities(layout, skew) ** 2))


def zipf_skew_for_overlap(
    layout: Layout, overlap: float, *, tol: float = 1e-6, skew_max: float = 64.0
) -> float:
    """The Zipf exponent s ≥ 0 at which :func:`zipf_overlap` of ``layout`` equals ``overlap``.

    Calibrates ensembles of different layouts to the same correlation: e.g. the K-of-N exponent
    whose mean pattern overlap equals that of a modular ensemble. ``overlap`` must lie in
    [overlap at s = 0, K) (K = active units per pattern, the limit s → ∞); the overlap rises
    monotonically with s, the root is bracketed by doubling s (up to ``skew_max``) and found by
    Brent's method to |Δs| ≤ tol. Deterministic (no seed).

    Parameters
    ----------
    layout : KofN or Modular
        Layout.
    overlap : float
        Target mean overlap (units), in [overlap at s = 0, K).
    tol : float
        Absolute tolerance on s (> 0).
    skew_max : float
        Largest exponent tried (> 0).

    Returns
    -------
    float
        The exponent s (0 when ``overlap`` is the uniform one).

    Raises
    ------
    ValueError
        Overlap out of range or not reached by s <= skew_max.
    """
    check_layout(layout)
    _check_fixed(layout, "zipf_skew_for_overlap")
    tol = check_float("tol", tol, lo=0.0, lo_open=True)
    skew_max = check_float("skew_max", skew_max, lo=0.0, lo_open=True)
    lo_ov = zipf_overlap(layout, 0.0)
    overlap = check_float(
        "overlap", overlap, lo=lo_ov * (1 - 1e-12), hi=float(layout.K), hi_open=True
    )
    if overlap <= lo_ov:
        return 0.0
    from scipy.optimize import brentq

    def f(s):
        return zipf_overlap(layout, s) - overlap

    lo, hi = 0.0, 0.5
    while f(hi) < 0:
        if hi >= skew_max:
            raise ValueError(
                f"overlap {overlap:g} is not reached by skew <= skew_max = "
                f"{skew_max:g}; raise skew_max"
            )
        lo, hi = hi, min(2.0 * hi, skew_max)
    return float(brentq(f, lo, hi, xtol=tol))
