"""Noise-aware weights (ch02): the Bayes rule and the two stabilized BCPNN forms, for any cue
noise level, and the lazily built table of them used by adaptive noise estimation (ANE).

All three rules are functions of the counters (M11, M1, P) and of the noise parameters of the
state that is fed to the network, p_m = P(state 0 | stored 1), p_f = P(state 1 | stored 0),
clamped to [p_min, 1 − p_min]. A pseudo-count α is added to each cell M11, M10, M01, M00;
M1_j = M11 + M01 and M0_j = M10 + M00 are then sums of pseudo-counted cells (per pair).
Likelihoods (first index: state bit of the presynaptic unit i, second: true state of j):

    L11 = [M11(1−p_m) + M01 p_f]/M1_j      L01 = [M11 p_m + M01(1−p_f)]/M1_j
    L10 = [M10(1−p_m) + M00 p_f]/M0_j      L00 = [M10 p_m + M00(1−p_f)]/M0_j

* ``bayes`` (kind 0, log-odds): W = log(L11/L10) − log(L01/L00),
  b_j = log[(M1_j+α)/(P−M1_j+α)] + Σ_{i∉D} log(L01/L00); diagonal (``include_diagonal``)
  W_jj = log[(1−p_m)(1−p_f)/(p_m p_f)] with bias term log[p_m/(1−p_f)].
* ``bcpnn_s2`` (kind 1, log-posterior, "noise-aware BCPNN"):
  W = log{P'·[M11(1−p_m) + M01 p_f] / (M1_j·[M1_i(1−p_m) + M0_i p_f])} = log[P(ũ_i=1|u_j=1)/P(ũ_i=1)]
  with P' = M11+M10+M01+M00, M1_i = M11+M10, M0_i = M01+M00 (pseudo-counted);
  b_j = log[(M1_j+α)/(P+2α)]. Diagonal: log[(1−p_m)/(p_j(1−p_m) + (1−p_j)p_f)].
* ``bcpnn_s3`` (kind 2, log-odds on active inputs only): W = log(L11/L10),
  b_j = log[(M1_j+α)/(P−M1_j+α)]. Diagonal: log[(1−p_m)/p_f].

D (removed synapses) = the diagonal unless ``include_diagonal``, plus every intra-hypercolumn pair
of a modular layout; W = 0 there and D is left out of bias sums. Arithmetic in float64 (same
operation order as :func:`neuroplastic.assoc.rules.build` for ``bayes``), stored float32.
Units: W and b are natural-log odds (kinds 0, 2) or log posterior ratios (kind 1), in nats.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
from numba import njit

from ._validate import check_choice, check_float, check_int
from .counts import Counts
from .cues import CueNoise
from .layouts import Modular, check_layout
from .rules import Network

NOISE_RULES = {"bayes": 0, "bcpnn_s2": 1, "bcpnn_s3": 2}
"""Rules whose weights depend on the noise of the state (the ANE handle); value = kernel kind."""

POTENTIAL_KIND = {"bayes": "logodds", "bcpnn_s3": "logodds", "bcpnn_s2": "logpost",
                  "bcpnn": "logpost", "willshaw": "count", "hebb": "none", "covar": "none"}
"""What a rule's potential x_j means: log-odds (MAP threshold 0, posterior σ(x)), log-posterior
(threshold log ½, posterior min(1, e^x)), an integer input count (Willshaw) or nothing."""


def clamp_noise(p_miss: float, p_false: float, p_min: float) -> tuple[float, float]:
    """(p_m, p_f) clamped to [p_min, 1 − p_min]."""
    return (min(max(float(p_miss), p_min), 1 - p_min), min(max(float(p_false), p_min), 1 - p_min))


def groups_of(layout) -> np.ndarray:
    """int32[N]: hypercolumn id (modular) or the unit's own index (so only i = j is removed)."""
    if isinstance(layout, Modular):
        return np.ascontiguousarray(layout.groups, dtype=np.int32)
    return np.arange(layout.N, dtype=np.int32)


@njit(cache=True)
def level_weights(M11, M1, P, pm, pf, alpha, kind, include_diagonal, groups, smoothing=0):
    """(W float32[N, N], b float32[N]) of rule ``kind`` for one noise level (see module doc).

    smoothing 0: α on each cell; 1 ("marginal"): the 4α pseudo-counts are spread over the cells
    in proportion to the independent marginals p̃ = (M1 + α)/(P + 2α), so a pair without data
    gets W = 0 instead of a large weight."""
    N = M1.shape[0]
    pt = np.empty(N, dtype=np.float64)
    for i in range(N):
        pt[i] = (np.float64(M1[i]) + alpha) / (P + 2 * alpha)
    W = np.zeros((N, N), dtype=np.float32)
    bsum = np.zeros(N, dtype=np.float64)
    for i in range(N):
        m1i = np.float64(M1[i])
        for j in range(N):
            diag = i == j
            if diag:
                if not include_diagonal:
                    continue
            elif groups[i] == groups[j]:
                continue
            m11 = np.float64(M11[i, j])
            m1j = np.float64(M1[j])
            if smoothing == 0:
                a11 = m11 + alpha
                a10 = (m1i - m11) + alpha
                a01 = (m1j - m11) + alpha
                a00 = (P - m1i - m1j + m11) + alpha
            else:
                s4 = 4 * alpha
                a11 = m11 + s4 * pt[i] * pt[j]
                a10 = (m1i - m11) + s4 * pt[i] * (1 - pt[j])
                a01 = (m1j - m11) + s4 * (1 - pt[i]) * pt[j]
                a00 = (P - m1i - m1j + m11) + s4 * (1 - pt[i]) * (1 - pt[j])
            if kind == 0:
                M1j = a11 + a01
                M0j = a10 + a00
                L11 = (a11 * (1 - pm) + a01 * pf) / M1j
                L01 = (a11 * pm + a01 * (1 - pf)) / M1j
                L10 = (a10 * (1 - pm) + a00 * pf) / M0j
                L00 = (a10 * pm + a00 * (1 - pf)) / M0j
                if diag:
                    w = np.log((1 - pm) * (1 - pf) / (pm * pf))
                    off = np.log(pm / (1 - pf))
                else:
                    w = np.log(L11 / L10) - np.log(L01 / L00)
                    off = np.log(L01 / L00)
                W[i, j] = w
                bsum[j] += off
            elif kind == 1:
                if diag:
                    pj = (m1j + alpha) / (P + 2 * alpha)
                    w = np.log((1 - pm) / (pj * (1 - pm) + (1 - pj) * pf))
                else:
                    Pp = a11 + a10 + a01 + a00
                    M1j = a11 + a01
                    M1i = a11 + a10
                    M0i = a01 + a00
                    w = np.log(Pp * (a11 * (1 - pm) + a01 * pf) / (M1j * (M1i * (1 - pm) + M0i * pf)))
                W[i, j] = w
            else:
                if diag:
                    w = np.log((1 - pm) / pf)
                else:
                    M1j = a11 + a01
                    M0j = a10 + a00
                    L11 = (a11 * (1 - pm) + a01 * pf) / M1j
                    L10 = (a10 * (1 - pm) + a00 * pf) / M0j
                    w = np.log(L11 / L10)
                W[i, j] = w
    b = np.empty(N, dtype=np.float32)
    for j in range(N):
        m1j = np.float64(M1[j])
        if kind == 1:
            b[j] = np.log((m1j + alpha) / (P + 2 * alpha))
        else:
            b[j] = np.log((m1j + alpha) / (P - m1j + alpha)) + bsum[j]
    return W, b


def default_smoothing(rule: str) -> str:
    """"cell" for bayes (the spec's pseudo-count on each cell), "marginal" for the stabilized
    BCPNN forms: with α on each cell, a never-used unit j gets P(ũ_i = 1 | u_j = 1) ≈ ½ from the
    pseudo-counts alone and fires under S2/S3, which (unlike Bayes) lack the inactive-input terms
    that veto it (shown in T2 of ch02)."""
    return "cell" if rule == "bayes" else "marginal"


def _check_counts(counts, layout):
    if not isinstance(counts, Counts):
        raise TypeError(f"counts must be a Counts; got {type(counts).__name__}")
    check_layout(layout)
    if counts.N != layout.N:
        raise ValueError(f"layout N = {layout.N} does not match counts N = {counts.N} "
                         "(mismatched layouts)")


def _check_params(alpha, p_min):
    alpha = check_float("alpha", alpha, lo=0.0, lo_open=True)
    p_min = check_float("p_min", p_min, lo=0.0, hi=0.5, lo_open=True, hi_open=True)
    return alpha, p_min


def noise_weights(rule: str, counts: Counts, layout, noise: CueNoise, *, alpha: float = 0.01,
                  p_min: float = 1e-4, include_diagonal: bool = False,
                  symmetrize: bool = False, smoothing: str | None = None) -> Network:
    """Network of a noise-aware ``rule`` ("bayes", "bcpnn_s2", "bcpnn_s3") for cue ``noise``.

    ``symmetrize`` (bayes only, ch01's "boms"): W ← (W + Wᵀ)/2 after the float64→float32 cast,
    b unchanged. ``smoothing``: "cell" (α on each cell, the spec's form; default for bayes) or
    "marginal" (default for bcpnn_s2/s3, see :func:`level_weights`)."""
    check_choice("rule", rule, tuple(NOISE_RULES))
    smoothing = default_smoothing(rule) if smoothing is None else \
        check_choice("smoothing", smoothing, ("cell", "marginal"))
    _check_counts(counts, layout)
    if not isinstance(noise, CueNoise):
        raise TypeError(f"noise must be a CueNoise; got {type(noise).__name__}")
    alpha, p_min = _check_params(alpha, p_min)
    pm, pf = clamp_noise(noise.p_miss, noise.p_false, p_min)
    W, b = level_weights(counts.M11, counts.M1, np.float64(counts.P), pm, pf, alpha,
                         NOISE_RULES[rule], bool(include_diagonal), groups_of(layout),
                         0 if smoothing == "cell" else 1)
    if symmetrize:
        if rule != "bayes":
            raise ValueError("symmetrize is only defined for rule 'bayes'")
        W = (0.5 * (W.astype(np.float64) + W.T.astype(np.float64))).astype(np.float32)
    params = {"noise": noise, "alpha": alpha, "p_min": p_min, "include_diagonal": bool(include_diagonal),
              "symmetrize": bool(symmetrize), "smoothing": smoothing}
    return Network(W, b, rule, params, bool(symmetrize), layout)


class NoiseTable:
    """Weights of a noise-aware rule for every noise level a state can have, built lazily.

    A state with l active units of which c are (estimated) correct has
    p_m = (K − c)/K and p_f = (l − c)/(N − K) (K = the layout's (expected) activity). Its key is
    ``(c, l − c)`` (integers); :meth:`key` builds it from (l, ĉ) by rounding ĉ to [0, l]. Under
    k-WTA every state after step 0 has l = K, so only K + 1 levels (plus the cue's) exist.
    Tables are kept in an LRU cache capped at ``max_table_bytes`` (each costs 4(N² + N) bytes).

    params: ``alpha`` (0.01), ``p_min`` (1e-4), ``include_diagonal`` (False), ``symmetrize``
    (False, bayes only), ``smoothing`` (:func:`default_smoothing`)."""

    def __init__(self, counts: Counts, layout, rule: str, params: dict | None = None, *,
                 max_table_bytes: int = 2**29):
        check_choice("rule", rule, tuple(NOISE_RULES))
        _check_counts(counts, layout)
        params = dict(params or {})
        bad = set(params) - {"alpha", "p_min", "include_diagonal", "symmetrize", "smoothing"}
        if bad:
            raise TypeError(f"unknown parameter(s) {sorted(bad)} for a NoiseTable; accepted: "
                            "alpha, p_min, include_diagonal, symmetrize, smoothing")
        self.smoothing = params.get("smoothing") or default_smoothing(rule)
        check_choice("smoothing", self.smoothing, ("cell", "marginal"))
        self.alpha, self.p_min = _check_params(params.get("alpha", 0.01), params.get("p_min", 1e-4))
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

    def noise(self, key) -> CueNoise:
        """The CueNoise of a key (c, f): p_m = (K − c)/K, p_f = f/(N − K), clamped to [0, 1]."""
        c, f = key
        K, N = self.K, self.N
        return CueNoise(min(max((K - c) / K, 0.0), 1.0), min(max(f / (N - K), 0.0), 1.0))

    def key(self, l: int, c_hat: float) -> tuple:
        """Key of a state with ``l`` active units and ĉ estimated correct ones."""
        l = int(l)
        c = int(min(max(round(float(c_hat)), 0), l))
        return (c, l - c)

    def get(self, key) -> tuple[np.ndarray, np.ndarray]:
        """(W float32[N, N], b float32[N]) for the noise level ``key`` = (c, f)."""
        key = (int(key[0]), int(key[1]))
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        net = noise_weights(self.rule, self.counts, self.layout, self.noise(key), alpha=self.alpha,
                            p_min=self.p_min, include_diagonal=self.include_diagonal,
                            symmetrize=self.symmetrize, smoothing=self.smoothing)
        self.builds += 1
        item = (net.W, net.b)
        self._cache[key] = item
        per = 4 * (self.N * self.N + self.N)
        while len(self._cache) > 1 and len(self._cache) * per > self.max_table_bytes:
            self._cache.popitem(last=False)
        return item

    def __repr__(self):
        return f"NoiseTable({self.rule}, N={self.N}, P={self.counts.P}, cached={len(self._cache)})"
