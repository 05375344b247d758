"""Retrieval cues (distorted patterns) and the cue-noise model used by the Bayes rule.

:func:`flip_cues` keeps the activity: in a modular layout ``nflip`` hypercolumns move their active
unit to a different unit of the same hypercolumn; in K-of-N ``nflip`` active units are switched off
and ``nflip`` inactive ones switched on. Hamming distance to the pattern is 2·nflip. A fractional
``nflip`` gives each pattern ⌊nflip⌋ or ⌈nflip⌉ flips with the exact mean. The cue of pattern μ
depends only on (seed, μ), hence is the same for every P (nested sets).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..validation import check_float, check_seed
from .layouts import Free, Modular, check_layout
from .patterns import BLOCK, TAG_CUES, PatternSet, block_rng

if TYPE_CHECKING:
    from .layouts import Layout


def _n_flips(nflip: float, rng: np.random.Generator, n: int) -> np.ndarray:
    lo = math.floor(nflip)
    frac = nflip - lo
    u = rng.random(n)
    return (lo + (u < frac)).astype(np.int64)


def flip_cues(patterns: PatternSet, nflip: float, *, seed: int, tag: int = TAG_CUES) -> PatternSet:
    """Flip-distorted copies of ``patterns`` (see the module docstring).

    Each cue keeps the activity K; its Hamming distance to the pattern is 2·(number of flips).

    Parameters
    ----------
    patterns : PatternSet
        Patterns on a KofN or Modular layout.
    nflip : float
        Mean number of flips per pattern, 0 <= nflip <= K (and <= N − K for K-of-N); a fraction
        gives ⌊nflip⌋ or ⌈nflip⌉ flips with mean nflip.
    seed : int
        Seed; the cue of pattern μ depends only on (seed, μ).
    tag : int
        Random-stream tag (distinct streams from one seed).

    Returns
    -------
    PatternSet
        Cues on the same layout, one per pattern.

    Raises
    ------
    TypeError
        ``patterns`` is not a PatternSet.
    ValueError
        A Free layout or nflip out of range.
    """
    if not isinstance(patterns, PatternSet):
        raise TypeError(f"patterns must be a PatternSet; got {type(patterns).__name__}")
    layout = patterns.layout
    if isinstance(layout, Free):
        raise ValueError("flip_cues: layout Free is not supported; use partial_cues (ch02)")
    K, N = layout.K, layout.N
    hi = K if isinstance(layout, Modular) else min(K, N - K)
    nflip = check_float("nflip", nflip, lo=0.0, hi=float(hi))
    seed = check_seed(seed)
    P = patterns.P
    out = np.empty_like(patterns.idx)
    for b in range(-(-P // BLOCK)):
        s, e = b * BLOCK, min(P, (b + 1) * BLOCK)
        n = e - s
        rng = block_rng(seed, tag, b)
        nf = _n_flips(nflip, rng, BLOCK)[:n]
        idx = patterns.idx[s:e].astype(np.int64)
        keys = rng.random((BLOCK, K))[:n]
        rank = np.argsort(np.argsort(keys, axis=1), axis=1)
        flip = rank < nf[:, None]  # which active units / hypercolumns flip
        if isinstance(layout, Modular):
            M = layout.M
            off = rng.integers(1, M, size=(BLOCK, K))[:n]
            h = idx // M
            m = idx % M
            new = np.where(flip, h * M + (m + off) % M, idx)
        else:
            keys_in = rng.random((BLOCK, N))[:n]
            r = np.arange(n)[:, None]
            keys_in[r, idx] = np.inf  # active units are never switched on
            nfmax = int(nf.max()) if n else 0
            if nfmax:
                cand = np.argpartition(keys_in, nfmax - 1, axis=1)[:, :nfmax]
                ck = np.take_along_axis(keys_in, cand, axis=1)
                cand = np.take_along_axis(cand, np.argsort(ck, axis=1), axis=1)
                cand = np.where(np.arange(nfmax)[None, :] < nf[:, None], cand, N)
            else:
                cand = np.zeros((n, 0), dtype=np.int64)
            kept = np.where(flip, N, idx)
            new = np.sort(np.concatenate([kept, cand], axis=1), axis=1)[:, :K]
        out[s:e] = np.sort(new, axis=1)
    return PatternSet(out, layout)


@dataclass(frozen=True)
class CueNoise:
    """Cue noise model: p_miss = P(cue 0 | stored 1), p_false = P(cue 1 | stored 0)."""

    p_miss: float
    p_false: float

    def __post_init__(self):
        object.__setattr__(self, "p_miss", check_float("p_miss", self.p_miss, lo=0.0, hi=1.0))
        object.__setattr__(self, "p_false", check_float("p_false", self.p_false, lo=0.0, hi=1.0))

    @classmethod
    def from_flips(cls, nflip: float, layout: Layout) -> CueNoise:
        """Noise of flip cues: p_m = nflip/K, p_f = nflip/(N − K) (flips keep the activity).

        Parameters
        ----------
        nflip : float
            Mean flips per cue, 0 <= nflip <= K.
        layout : KofN, Modular or Free
            Layout (K, N).

        Returns
        -------
        CueNoise
            The noise model.

        Raises
        ------
        ValueError
            nflip out of range.
        """
        check_layout(layout)
        K, N = layout.K, layout.N
        nflip = check_float("nflip", nflip, lo=0.0, hi=float(K))
        return cls(nflip / K, nflip / (N - K))

    @classmethod
    def from_counts(cls, c: float, f: float, layout: Layout) -> CueNoise:
        """Noise of a cue with c correct and f false active units.

        p_m = (K − c)/K, p_f = f/(N − K).

        Parameters
        ----------
        c : float
            Correct active units, 0 <= c <= K.
        f : float
            False active units, 0 <= f <= N − K.
        layout : KofN, Modular or Free
            Layout (K, N).

        Returns
        -------
        CueNoise
            The noise model.

        Raises
        ------
        ValueError
            c or f out of range.
        """
        check_layout(layout)
        K, N = layout.K, layout.N
        c = check_float("c", c, lo=0.0, hi=float(K))
        f = check_float("f", f, lo=0.0, hi=float(N - K))
        return cls((K - c) / K, f / (N - K))
