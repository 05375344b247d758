"""Cue noise and the weights that depend on it: the exact Bayes rule and the two stabilized
BCPNN forms for any noise level, and the lazily built table of them used by adaptive noise
estimation (ANE, :mod:`neuroplastic.assoc.ane`).

All three rules are functions of the counters (M11, M1, P) and of the noise parameters of the
state that is fed to the network, p_m = P(state 0 | stored 1), p_f = P(state 1 | stored 0).
Bayes uses maximum-likelihood counts (α = 0, no pseudo-count: a pair that never co-occurred is a
structural zero and, with p_f = 0, vetoes its target, W = −∞) and takes p_f at its word (p_f = 0
for deletion-only cues, only capped at 1 − p_min); p_m is kept in [p_min, 1 − p_min] so that the
silent-input terms, which go into the bias, stay finite. The stabilized forms S2/S3 [R] clamp
both to [p_min, 1 − p_min] and use a pseudo-count α = 0.01 (spread over the cells by the
marginals by default). With α, α is added to each cell M11, M10, M01, M00 and
M1_j = M11 + M01, M0_j = M10 + M00 are sums of the (pseudo-counted) cells.
Likelihoods (first index: state bit of the presynaptic unit i, second: true state of j):

    L11 = [M11(1−p_m) + M01 p_f]/M1_j      L01 = [M11 p_m + M01(1−p_f)]/M1_j
    L10 = [M10(1−p_m) + M00 p_f]/M0_j      L00 = [M10 p_m + M00(1−p_f)]/M0_j

* ``bayes`` (kind 0, log-odds): W = log(L11/L10) − log(L01/L00),
  b_j = log[(M1_j+α)/(P−M1_j+α)] + Σ_{i∉D} log(L01/L00); diagonal (``include_diagonal``)
  W_jj = log[(1−p_m)(1−p_f)/(p_m p_f)] (+∞ for p_f = 0) with bias term log[p_m/(1−p_f)].
  Limits: log(0/0) = 0 (no evidence), log(0/x) = −∞ (veto), log(x/0) = +∞; a unit never
  stored active has b_j = −∞ and W[:, j] = 0.
* ``bcpnn_s2`` (kind 1, log-posterior, "noise-aware BCPNN"):
  W = log{P'·[M11(1−p_m) + M01 p_f] / (M1_j·[M1_i(1−p_m) + M0_i p_f])}
    = log[P(ũ_i=1|u_j=1)/P(ũ_i=1)]
  with P' = M11+M10+M01+M00, M1_i = M11+M10, M0_i = M01+M00 (pseudo-counted);
  b_j = log[(M1_j+α)/(P+2α)]. Diagonal: log[(1−p_m)/(p_j(1−p_m) + (1−p_j)p_f)].
* ``bcpnn_s3`` (kind 2, log-odds on active inputs only): W = log(L11/L10),
  b_j = log[(M1_j+α)/(P−M1_j+α)]. Diagonal: log[(1−p_m)/p_f].

D (removed synapses) = the diagonal unless ``include_diagonal``, plus every intra-hypercolumn pair
of a modular layout; W = 0 there and D is left out of bias sums. Arithmetic in float64 in the
one kernel :func:`neuroplastic.assoc.kernels.level_weights` (used by ``rules.build`` and
:class:`NoiseTable` alike), stored float32.
Units: W and b are natural-log odds (kinds 0, 2) or log posterior ratios (kind 1), in nats.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import numpy as np

from ..validation import check_choice, check_float, check_int
from .counts import Counts
from .cues import CueNoise
from .kernels import level_weights
from .layouts import Modular, check_layout

if TYPE_CHECKING:
    from .layouts import Layout

NOISE_RULES = {"bayes": 0, "bcpnn_s2": 1, "bcpnn_s3": 2}
"""Rules whose weights depend on the noise of the state (the ANE handle); value = kernel kind."""

POTENTIAL_KIND = {
    "bayes": "logodds",
    "bcpnn_s3": "logodds",
    "bcpnn_s2": "logpost",
    "bcpnn": "logpost",
    "willshaw": "count",
    "hebb": "none",
    "covar": "none",
}
"""What a rule's potential x_j means: log-odds (MAP threshold 0, posterior σ(x)), log-posterior
(threshold log ½, posterior min(1, e^x)), an integer input count (Willshaw) or nothing."""


def clamp_noise(
    p_miss: float, p_false: float, p_min: float, exact_false: bool = False
) -> tuple[float, float]:
    """(p_m, p_f) clamped to [p_min, 1 − p_min]; with ``exact_false`` (Bayes) p_f is only capped
    at 1 − p_min and may be 0: a cue model without false units is taken at its word."""
    pm = min(max(float(p_miss), p_min), 1 - p_min)
    pf = (
        min(float(p_false), 1 - p_min)
        if exact_false
        else min(max(float(p_false), p_min), 1 - p_min)
    )
    return pm, pf


def groups_of(layout: Layout) -> np.ndarray:
    """int32[N]: hypercolumn id (modular) or the unit's own index (so only i = j is removed)."""
    if isinstance(layout, Modular):
        return np.ascontiguousarray(layout.groups, dtype=np.int32)
    return np.arange(layout.N, dtype=np.int32)


def symmetrize_veto(W: np.ndarray) -> np.ndarray:
    """(W + Wᵀ)/2 in float64, cast to float32, with −∞ (veto) dominant: a pair with a veto in
    either direction keeps −∞, else +∞ in either direction gives +∞ (no NaN from ∞ − ∞)."""
    W64 = W.astype(np.float64)
    with np.errstate(invalid="ignore"):
        S = 0.5 * (W64 + W64.T)
    if not np.isfinite(W64).all():
        neg = np.isneginf(W64) | np.isneginf(W64.T)
        pos = (np.isposinf(W64) | np.isposinf(W64.T)) & ~neg
        S[neg] = -np.inf
        S[pos] = np.inf
    return S.astype(np.float32)


def default_smoothing(rule: str) -> str:
    """ "cell" for bayes (the pseudo-count on each cell), "marginal" for the stabilized
    BCPNN forms: with α on each cell, a never-used unit j gets P(ũ_i = 1 | u_j = 1) ≈ ½ from the
    pseudo-counts alone and fires under S2/S3, which (unlike Bayes) lack the inactive-input terms
    that veto it (shown in T2 of ch02)."""
    return "cell" if rule == "bayes" else "marginal"


def _check_counts(counts, layout):
    if not isinstance(counts, Counts):
        raise TypeError(f"counts must be a Counts; got {type(counts).__name__}")
    check_layout(layout)
    if counts.N != layout.N:
        raise ValueError(
            f"layout N = {layout.N} does not match counts N = {counts.N} (mismatched layouts)"
        )


def default_alpha(rule: str) -> float:
    """0 for bayes (maximum likelihood: no pseudo-count), 0.01 for the stabilized forms [R]."""
    return 0.0 if rule in ("bayes", "bom", "boms") else 0.01


def _check_params(alpha, p_min, rule="bayes"):
    if rule in ("bayes", "bom", "boms"):
        alpha = check_float("alpha", alpha, lo=0.0)
    else:
        alpha = check_float("alpha", alpha, lo=0.0, lo_open=True)
    p_min = check_float("p_min", p_min, lo=0.0, hi=0.5, lo_open=True, hi_open=True)
    return alpha, p_min


NOISE_PARAMS = ("alpha", "p_min", "include_diagonal", "symmetrize", "smoothing")


def noise_arrays(
    rule: str,
    counts: Counts,
    layout: Layout,
    noise: CueNoise,
    *,
    alpha: float | None = None,
    p_min: float = 1e-4,
    include_diagonal: bool = False,
    symmetrize: bool = False,
    smoothing: str | None = None,
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """(W float32[N, N], b float32[N], params) of a noise-aware ``rule`` ("bayes", "bcpnn_s2",
    "bcpnn_s3") for cue ``noise``.

    alpha: pseudo-count (default :func:`default_alpha`: 0 for bayes). p_min: floor of p_m (and,
    for S2/S3 only, of p_f). ``symmetrize`` (bayes only, ch01's "boms"): W ← (W + Wᵀ)/2 after
    the float32 cast, b unchanged, −∞ dominant (:func:`symmetrize_veto`). ``smoothing``: "cell"
    (α on each cell; default for bayes) or "marginal" (default for bcpnn_s2/s3).
    :func:`neuroplastic.assoc.rules.build` wraps the result in a Network."""
    check_choice("rule", rule, tuple(NOISE_RULES))
    smoothing = (
        default_smoothing(rule)
        if smoothing is None
        else check_choice("smoothing", smoothing, ("cell", "marginal"))
    )
    _check_counts(counts, layout)
    if not isinstance(noise, CueNoise):
        raise TypeError(f"noise must be a CueNoise; got {type(noise).__name__}")
    alpha, p_min = _check_params(default_alpha(rule) if alpha is None else alpha, p_min, rule)
    pm, pf = clamp_noise(noise.p_miss, noise.p_false, p_min, exact_false=rule == "bayes")
    W, b = level_weights(
        counts.M11,
        counts.M1,
        np.float64(counts.P),
        pm,
        pf,
        alpha,
        NOISE_RULES[rule],
        bool(include_diagonal),
        groups_of(layout),
        0 if smoothing == "cell" else 1,
    )
    if np.isnan(W).any() or np.isnan(b).any():
        raise FloatingPointError(f"rule {rule!r} produced NaN weights")
    if symmetrize:
        if rule != "bayes":
            raise ValueError("symmetrize is only defined for rule 'bayes'")
        W = symmetrize_veto(W)
    params = {
        "noise": noise,
        "alpha": alpha,
        "p_min": p_min,
        "include_diagonal": bool(include_diagonal),
        "symmetrize": bool(symmetrize),
        "smoothing": smoothing,
    }
    return W, b, params


class NoiseTable:
    """Weights of a noise-aware rule for every noise level a state can have, built lazily.

    A state with l active units of which c are (estimated) correct has
    p_m = (K − c)/K and p_f = (l − c)/(N − K) (K = the layout's (expected) activity). Its key is
    ``(c, l − c)`` (integers); :meth:`key` builds it from (l, ĉ) by rounding ĉ to [0, l]. Under
    k-WTA every state after step 0 has l = K, so only K + 1 levels (plus the cue's) exist.
    Tables are kept in an LRU cache capped at ``max_table_bytes`` (each costs 4(N² + N) bytes).

    params: ``alpha`` (:func:`default_alpha`), ``p_min`` (1e-4), ``include_diagonal`` (False),
    ``symmetrize`` (False, bayes only), ``smoothing`` (:func:`default_smoothing`).

    Parameters
    ----------
    counts : Counts
        Counters of the stored patterns (shared, not copied).
    layout : KofN, Modular or Free
        Layout of the counters.
    rule : {"bayes", "bcpnn_s2", "bcpnn_s3"}
        Noise-aware rule.
    params : dict, optional
        Rule parameters (see above).
    max_table_bytes : int
        Memory cap of the cache of tables, in bytes (at least one table is kept).

    Raises
    ------
    ValueError
        Unknown rule, invalid parameter values, mismatched layouts, or ``symmetrize`` for a rule
        other than bayes.
    TypeError
        Unknown parameter names, or ``counts`` not a Counts.
    """

    def __init__(
        self,
        counts: Counts,
        layout: Layout,
        rule: str,
        params: dict[str, Any] | None = None,
        *,
        max_table_bytes: int = 2**29,
    ) -> None:
        check_choice("rule", rule, tuple(NOISE_RULES))
        _check_counts(counts, layout)
        params = dict(params or {})
        bad = set(params) - set(NOISE_PARAMS)
        if bad:
            raise TypeError(
                f"unknown parameter(s) {sorted(bad)} for a NoiseTable; accepted: "
                "alpha, p_min, include_diagonal, symmetrize, smoothing"
            )
        self.smoothing = params.get("smoothing") or default_smoothing(rule)
        check_choice("smoothing", self.smoothing, ("cell", "marginal"))
        a = params.get("alpha")
        self.alpha, self.p_min = _check_params(
            default_alpha(rule) if a is None else a, params.get("p_min", 1e-4), rule
        )
        self.include_diagonal = bool(params.get("include_diagonal", False))
        self.symmetrize = bool(params.get("symmetrize", False))
        if self.symmetrize and rule != "bayes":
            raise ValueError("symmetrize is only defined for rule 'bayes'")
        self.max_table_bytes = check_int("max_table_bytes", max_table_bytes, lo=1)
        self.counts, self.layout, self.rule = counts, layout, rule
        self.N = layout.N
        self.K = float(layout.K)
        self._cache: OrderedDict = OrderedDict()
        self.builds = 0

    def noise(self, key: tuple[int, int]) -> CueNoise:
        """The cue noise of a level: p_m = (K − c)/K, p_f = f/(N − K), clamped to [0, 1].

        Parameters
        ----------
        key : tuple of int
            (c, f): correct and false active units.

        Returns
        -------
        CueNoise
            (p_m, p_f).
        """
        c, f = key
        K, N = self.K, self.N
        return CueNoise(min(max((K - c) / K, 0.0), 1.0), min(max(f / (N - K), 0.0), 1.0))

    def key(self, n_active: int, c_hat: float) -> tuple[int, int]:
        """Key (c, l − c) of a state with l = ``n_active`` active units, c = round(ĉ) in [0, l].

        Parameters
        ----------
        n_active : int
            Active units l of the state.
        c_hat : float
            Estimated correct units ĉ.

        Returns
        -------
        tuple of int
            (c, f) with c + f = l.
        """
        n_active = int(n_active)
        c = int(min(max(round(float(c_hat)), 0), n_active))
        return (c, n_active - c)

    def get(self, key: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        """Weights of one noise level, built on first use and kept in the LRU cache.

        Parameters
        ----------
        key : tuple of int
            (c, f): correct and false active units of the state.

        Returns
        -------
        tuple of numpy.ndarray
            (W float32[N, N], b float32[N]) in nats, from :func:`noise_arrays` at
            :meth:`noise` (key).
        """
        key = (int(key[0]), int(key[1]))
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        W, b, _ = noise_arrays(
            self.rule,
            self.counts,
            self.layout,
            self.noise(key),
            alpha=self.alpha,
            p_min=self.p_min,
            include_diagonal=self.include_diagonal,
            symmetrize=self.symmetrize,
            smoothing=self.smoothing,
        )
        self.builds += 1
        item = (W, b)
        self._cache[key] = item
        per = 4 * (self.N * self.N + self.N)
        while len(self._cache) > 1 and len(self._cache) * per > self.max_table_bytes:
            self._cache.popitem(last=False)
        return item

    def __repr__(self):
        return f"NoiseTable({self.rule}, N={self.N}, P={self.counts.P}, cached={len(self._cache)})"


STABILIZED_FORMS = {
    "S1": ("bcpnn", {}),
    "S2": ("bcpnn_s2", {}),
    "S3": ("bcpnn_s3", {}),
    "raw": ("bcpnn", {"eps": 1e-7}),
}
"""T2's BCPNN forms: name -> (rule, params). S1 is the floored BCPNN of ch01 (``bcpnn``), S2 the
noise-aware BCPNN log[P(ũ_i=1|u_j=1)/P(ũ_i=1)], S3 Bayes on active inputs only, "raw" BCPNN with
ε = 1e-7 [R]."""
