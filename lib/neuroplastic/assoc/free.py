"""ch02 pattern ensembles and partial cues, with variable activity where needed.

* :class:`VarPatternSet` — P binary patterns in CSR form (``indptr``, ``indices``), for Bernoulli
  patterns and for cues/states whose activity varies; ``.to_dense()`` gives uint8[P, N].
* :func:`bernoulli_patterns` — u_i ~ Bernoulli(p) independently ([R]).
* :func:`palm_patterns` — "Palm" ensembles ([S] name, [R] definition): ``balanced`` (P1, constant
  K and constant unit usage), ``log2`` (P2, K = round(log₂N)), ``block`` (P3, modular).
* :func:`partial_cues` — keep c of a pattern's ones, add f false ones among its silent units [E].
* :func:`cue_noise_counts` — CueNoise from (c, f) (= ``CueNoise.from_counts``).
* :func:`dense` / :func:`counts_from_dense` — dense uint8 views and counters from them.

Generators are prefix-consistent: rows are drawn in fixed blocks from
``SeedSequence(seed, spawn_key=(tag, block))``; the cue of pattern μ depends only on (seed, μ).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..validation import check_choice, check_float, check_int, check_seed
from .counts import Counts
from .cues import CueNoise
from .layouts import Free, KofN, Modular, check_layout
from .patterns import BLOCK, PatternSet, block_rng, random_patterns

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, DTypeLike

    from .layouts import Layout

TAG_BERNOULLI = 21
TAG_PALM = 22
TAG_PARTIAL = 23


@dataclass(frozen=True, eq=False)
class VarPatternSet:
    """P binary patterns of variable activity in CSR form on ``layout``."""

    indptr: np.ndarray
    indices: np.ndarray
    layout: object

    def __post_init__(self):
        check_layout(self.layout)
        ptr = np.ascontiguousarray(self.indptr, dtype=np.int64)
        ind = np.ascontiguousarray(self.indices, dtype=np.int32)
        if (
            ptr.ndim != 1
            or ptr.size < 1
            or ptr[0] != 0
            or np.any(np.diff(ptr) < 0)
            or ptr[-1] != ind.size
        ):
            raise ValueError("indptr must start at 0, be non-decreasing and end at len(indices)")
        if ind.size and (ind.min() < 0 or ind.max() >= self.layout.N):
            raise ValueError(f"indices must lie in [0, {self.layout.N - 1}]")
        object.__setattr__(self, "indptr", ptr)
        object.__setattr__(self, "indices", ind)

    @property
    def P(self) -> int:
        """Number of patterns P."""
        return self.indptr.size - 1

    @property
    def N(self) -> int:
        """Number of units N of the layout."""
        return self.layout.N

    @property
    def sizes(self) -> np.ndarray:
        """Active units per pattern, int64[P]."""
        return np.diff(self.indptr)

    def __len__(self):
        return self.P

    def prefix(self, P: int) -> VarPatternSet:
        """The first P patterns.

        Parameters
        ----------
        P : int
            Number of patterns, 0 <= P <= self.P.

        Returns
        -------
        VarPatternSet
            Patterns 0..P−1.

        Raises
        ------
        ValueError
            P out of range.
        """
        P = check_int("P", P, lo=0, hi=self.P)
        return VarPatternSet(self.indptr[: P + 1], self.indices[: self.indptr[P]], self.layout)

    def to_dense(self, dtype: DTypeLike = np.uint8) -> np.ndarray:
        """Dense 0/1 matrix X[P, N] (X[μ, i] = u_i^μ) of element type ``dtype``.

        Parameters
        ----------
        dtype : dtype
            Element type.

        Returns
        -------
        numpy.ndarray
            X[P, N].
        """
        out = np.zeros((self.P, self.N), dtype=dtype)
        rows = np.repeat(np.arange(self.P), self.sizes)
        out[rows, self.indices] = 1
        return out

    @classmethod
    def from_dense(cls, X: ArrayLike, layout: Layout) -> VarPatternSet:
        """From a 0/1 matrix of any row activity.

        Parameters
        ----------
        X : array_like
            0/1 matrix [P, N] (any non-zero counts as 1).
        layout : KofN, Modular or Free
            Layout (N columns).

        Returns
        -------
        VarPatternSet
            The patterns in CSR form.

        Raises
        ------
        ValueError
            Wrong shape.
        """
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != layout.N:
            raise ValueError(f"X must have shape [P, {layout.N}]; got {X.shape}")
        r, c = np.nonzero(X)
        ptr = np.zeros(X.shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(r, minlength=X.shape[0]), out=ptr[1:])
        return cls(ptr, c.astype(np.int32), layout)

    def __repr__(self):
        return (
            f"VarPatternSet(P={self.P}, mean activity={self.sizes.mean() if self.P else 0:.2f}, "
            f"layout={self.layout!r})"
        )


def dense(
    patterns: PatternSet | VarPatternSet | ArrayLike, dtype: DTypeLike = np.uint8
) -> np.ndarray:
    """uint8[P, N] from a PatternSet, a VarPatternSet or a 0/1 array."""
    if isinstance(patterns, (PatternSet, VarPatternSet)):
        return patterns.to_dense(dtype)
    X = np.asarray(patterns)
    if X.ndim != 2:
        raise ValueError(f"patterns must be a pattern set or a 2-D 0/1 array; got shape {X.shape}")
    return (X != 0).astype(dtype)


def counts_from_dense(X: ArrayLike, layout: Layout, *, start: Counts | None = None) -> Counts:
    """Counters of dense 0/1 rows: M11 = XᵀX, M1 = column sums, P = rows (pattern counts).

    Computed by a float32 product, exact while counts < 2²⁴.

    Parameters
    ----------
    X : array_like
        0/1 rows [P, N].
    layout : KofN, Modular or Free
        Layout (N columns).
    start : Counts, optional
        Counters to add to (not modified); their ``rows`` are not carried over.

    Returns
    -------
    Counts
        The counters (``rows`` = None).

    Raises
    ------
    ValueError
        Wrong shape of X.
    """
    check_layout(layout)
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != layout.N:
        raise ValueError(f"X must have shape [P, {layout.N}]; got {X.shape}")
    Xf = X.astype(np.float32)
    M11 = (Xf.T @ Xf).astype(np.int32)
    M1 = X.sum(axis=0).astype(np.int32)
    if start is not None:
        return Counts(start.M11 + M11, start.M1 + M1, start.P + X.shape[0], layout=layout)
    return Counts(M11, M1, X.shape[0], layout=layout)


def bernoulli_patterns(P: int, N: int, p: float, *, seed: int) -> VarPatternSet:
    """P patterns on N units with u_i ~ Bernoulli(p) independently (layout ``Free(N, p)``).

    Prefix-consistent: the first P rows do not depend on how many rows are drawn.

    Parameters
    ----------
    P : int
        Number of patterns (>= 0).
    N : int
        Number of units (>= 2).
    p : float
        Activity, 0 < p < 1 (expected active units K = pN).
    seed : int
        Seed.

    Returns
    -------
    VarPatternSet
        The patterns on ``Free(N, p)``.

    Raises
    ------
    ValueError
        Invalid P, N, p or seed.
    """
    P = check_int("P", P, lo=0)
    layout = Free(N, p)
    seed = check_seed(seed)
    rows = []
    for b in range(-(-P // BLOCK)):
        n = min(BLOCK, P - b * BLOCK)
        rows.append(block_rng(seed, TAG_BERNOULLI, b).random((BLOCK, layout.N))[:n] < layout.p)
    X = np.concatenate(rows) if rows else np.zeros((0, layout.N), dtype=bool)
    return VarPatternSet.from_dense(X, layout)


def _balanced_chunk(n_rows: int, N: int, K: int, n_swaps: int, rng) -> np.ndarray:
    """n_rows (a multiple of N/K) patterns, each unit used n_rows·K/N times, then swaps."""
    B = N // K
    rows = [rng.permutation(N).reshape(B, K) for _ in range(n_rows // B)]
    X = np.zeros((n_rows, N), dtype=bool)
    idx = np.concatenate(rows)
    X[np.arange(n_rows)[:, None], idx] = True
    mus = rng.integers(0, n_rows, size=(n_swaps, 2))
    u = rng.random((n_swaps, 2))
    for s in range(n_swaps):
        a, b = mus[s]
        if a == b:
            continue
        only_a = np.flatnonzero(X[a] & ~X[b])
        only_b = np.flatnonzero(X[b] & ~X[a])
        if only_a.size == 0:
            continue
        i = only_a[int(u[s, 0] * only_a.size)]
        j = only_b[int(u[s, 1] * only_b.size)]
        X[a, i], X[a, j], X[b, j], X[b, i] = False, True, False, True
    return X


def palm_chunk(N: int, K: int) -> int:
    """Rows per independently drawn chunk of balanced Palm patterns: the smallest multiple of
    N/K that is ≥ 256."""
    B = N // K
    return B * max(1, -(-BLOCK // B))


def palm_patterns(
    P: int,
    N: int,
    K: int,
    *,
    variant: str = "balanced",
    n_swaps: int | None = None,
    seed: int,
) -> PatternSet:
    """Palm ensembles (the name is from summaries [S]; definitions are ours [R]).

    ``balanced`` (P1): patterns come in chunks of :func:`palm_chunk` rows; each chunk is made of
    blocks of N/K patterns that partition a random permutation of the units (requires K | N), so
    every unit is active in exactly (rows·K/N) patterns of a chunk; then ``n_swaps`` (default
    10·rows·K) usage-preserving swaps (patterns μ, ν, units i ∈ μ∖ν, j ∈ ν∖μ exchanged) remove the
    within-block disjointness. Prefix-consistent per chunk. Returns PatternSet on KofN(N, K).
    ``log2`` (P2): K-of-N patterns with K = round(log₂ N) (the given K is ignored).
    ``block`` (P3): modular patterns with H = K hypercolumns of N/K units (requires K | N).

    Parameters
    ----------
    P : int
        Number of patterns (>= 0).
    N : int
        Number of units (>= 2).
    K : int
        Active units per pattern, 1 <= K < N.
    variant : {"balanced", "log2", "block"}
        Ensemble P1, P2 or P3.
    n_swaps : int, optional
        Swaps per chunk (``balanced`` only); default 10·rows·K.
    seed : int
        Seed.

    Returns
    -------
    PatternSet
        On KofN(N, K) (balanced), KofN(N, round(log₂N)) (log2) or Modular(K, N/K) (block).

    Raises
    ------
    ValueError
        Invalid argument, or K does not divide N for ``balanced``/``block``.
    """
    P = check_int("P", P, lo=0)
    N = check_int("N", N, lo=2)
    K = check_int("K", K, lo=1, hi=N - 1)
    check_choice("variant", variant, ("balanced", "log2", "block"))
    seed = check_seed(seed)
    if variant == "log2":
        return random_patterns(P, KofN(N, int(round(np.log2(N)))), seed=seed)
    if N % K:
        raise ValueError(f"K must divide N for Palm variant {variant!r}; got N = {N}, K = {K}")
    if variant == "block":
        return random_patterns(P, Modular(K, N // K), seed=seed)
    C = palm_chunk(N, K)
    ns = 10 * C * K if n_swaps is None else check_int("n_swaps", n_swaps, lo=0)
    out = []
    for b in range(-(-P // C)):
        n = min(C, P - b * C)
        X = _balanced_chunk(C, N, K, ns, block_rng(seed, TAG_PALM, b))[:n]
        out.append(np.nonzero(X)[1].reshape(n, K))
    idx = np.concatenate(out) if out else np.zeros((0, K), dtype=np.int32)
    return PatternSet(idx.astype(np.int32), KofN(N, K))


def partial_cues(
    patterns: PatternSet | VarPatternSet,
    *,
    c: int | None = None,
    f: int | None = None,
    lam: float | None = None,
    kappa: float | None = None,
    seed: int,
) -> PatternSet | VarPatternSet:
    """Cues that keep ``c`` of each pattern's ones and add ``f`` false ones among its silent units.

    Give (c, f) as counts, or (lam, kappa): c = round(λ|u^μ|), f = round(κ|u^μ|) per pattern
    (the Bernoulli convention; for constant K the same). Missing f/kappa means 0. The kept and
    added units of pattern μ depend only on (seed, μ).

    Parameters
    ----------
    patterns : PatternSet or VarPatternSet
        The patterns to distort.
    c : int, optional
        Kept ones per cue (0 <= c <= min |u^μ|); exclusive with ``lam``.
    f : int, optional
        False ones per cue (<= N − max |u^μ|); exclusive with ``kappa``.
    lam : float, optional
        Kept fraction λ ∈ [0, 1].
    kappa : float, optional
        False ones as a fraction κ >= 0 of |u^μ|.
    seed : int
        Seed.

    Returns
    -------
    PatternSet or VarPatternSet
        A PatternSet for fixed-K input in count form (c, f), a VarPatternSet otherwise.

    Raises
    ------
    TypeError
        ``patterns`` of another type.
    ValueError
        Both or neither of c and lam, both f and kappa, or values out of range.
    """
    if not isinstance(patterns, (PatternSet, VarPatternSet)):
        raise TypeError(
            f"patterns must be a PatternSet or VarPatternSet; got {type(patterns).__name__}"
        )
    if (c is None) == (lam is None):
        raise ValueError("give exactly one of c (count of kept ones) or lam (fraction kept)")
    if f is not None and kappa is not None:
        raise ValueError("give at most one of f (count of false ones) or kappa (fraction)")
    layout = patterns.layout
    N = patterns.N
    X = dense(patterns, np.uint8)
    sizes = X.sum(axis=1).astype(np.int64)
    P = X.shape[0]
    kmin = int(sizes.min()) if P else 0
    kmax = int(sizes.max()) if P else 0
    if c is not None:
        c = check_int("c", c, lo=0, hi=kmin if P else None)
        cvec = np.full(P, c, dtype=np.int64)
    else:
        lam = check_float("lam", lam, lo=0.0, hi=1.0)
        cvec = np.rint(lam * sizes).astype(np.int64)
    if kappa is not None:
        kappa = check_float("kappa", kappa, lo=0.0)
        fvec = np.rint(kappa * sizes).astype(np.int64)
        if P and np.any(fvec > N - sizes):
            raise ValueError(f"kappa too large: f must be <= N − |u| = {N - kmax}")
    else:
        f = 0 if f is None else check_int("f", f, lo=0, hi=N - kmax if P else None)
        fvec = np.full(P, f, dtype=np.int64)
    seed = check_seed(seed)
    out = np.zeros_like(X)
    for b in range(-(-P // BLOCK)):
        s, e = b * BLOCK, min(P, (b + 1) * BLOCK)
        rng = block_rng(seed, TAG_PARTIAL, b)
        keys = rng.random((BLOCK, N))[: e - s]
        Xb = X[s:e].astype(bool)
        on = np.where(Xb, keys, np.inf)  # rank ones by key, keep the c smallest
        off = np.where(Xb, np.inf, keys)  # rank zeros by key, add the f smallest
        ron = np.argsort(np.argsort(on, axis=1), axis=1)
        roff = np.argsort(np.argsort(off, axis=1), axis=1)
        out[s:e] = ((Xb & (ron < cvec[s:e, None])) | (~Xb & (roff < fvec[s:e, None]))).astype(
            np.uint8
        )
    if isinstance(patterns, PatternSet) and c is not None and kappa is None:
        k = c + fvec[0] if P else c + (f or 0)
        idx = np.nonzero(out)[1].reshape(P, k) if P else np.zeros((0, k), dtype=np.int32)
        return PatternSet(idx.astype(np.int32), layout)
    return VarPatternSet.from_dense(out, layout)


def cue_noise_counts(c: float, f: float, layout: Layout) -> CueNoise:
    """CueNoise of a cue with c correct and f false units: p_m = (K − c)/K, p_f = f/(N − K)
    (K = the layout's expected activity)."""
    return CueNoise.from_counts(c, f, layout)
