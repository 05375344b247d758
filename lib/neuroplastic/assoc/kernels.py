"""numba kernels of the assoc package (all compiled with ``cache=True``, ``fastmath=False``).

* :func:`scatter_counts` — M11/M1 update from sparse patterns, O(P·K²).
* :func:`precovar_c_acc` — Σ_μ ξ_i^μ m_j^μ for the incremental presynaptic covariance rule.
* :func:`tie_key` — counter-based 63-bit hash of (seed, query, unit) (splitmix64 finaliser).
* :func:`recall_kernel` — sparse-gather synchronous WTA retrieval, ``prange`` over queries.
* :func:`support_kernel` — one step of supports s = b + Σ_{i active} W[i, :] (tests).
* :func:`level_weights` — the noise-aware weights (Bayes, S2, S3) for one noise level.
* :func:`rule_kernel`, :func:`integer_kernel` — fused weight builds of the count-based rules.

Infinite weights (Bayes: −∞ veto, +∞ certainty) are summed only over active inputs (never
0·∞); a support that receives both sums to NaN and is set to −∞ (:func:`veto_nan`).

No random numbers are drawn inside kernels: the only randomness is the tie key, a pure
function of explicit integers, so results do not depend on the thread count.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

_C1 = np.uint64(0x9E3779B97F4A7C15)
_C2 = np.uint64(0xBF58476D1CE4E5B9)
_C3 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S1 = np.uint64(1)
NINF = -np.inf
PINF = np.inf


@njit(cache=True, inline="always")
def _mix(z):
    z = (z ^ (z >> _S30)) * _C2
    z = (z ^ (z >> _S27)) * _C3
    return z ^ (z >> _S31)


@njit(cache=True)
def tie_key(seed, query, unit):
    """Tie-breaking key of one (seed, query, unit): a splitmix64 chain, shifted to 63 bits.

    Parameters
    ----------
    seed, query, unit : int
        Non-negative integers (cast to uint64).

    Returns
    -------
    numpy.int64
        Key in [0, 2⁶³); the larger key wins a tie.
    """
    z = _mix(np.uint64(seed) + _C1)
    z = _mix((z ^ np.uint64(query)) + _C1)
    z = _mix((z ^ np.uint64(unit)) + _C1)
    return np.int64(z >> _S1)


def tie_keys_numpy(seed: int, queries: np.ndarray, N: int) -> np.ndarray:
    """Vectorised :func:`tie_key` for dense references: int64[len(queries), N]."""
    with np.errstate(over="ignore"):

        def mix(z):
            z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            return z ^ (z >> np.uint64(31))

        c1 = np.uint64(0x9E3779B97F4A7C15)
        z = mix(np.uint64(seed) + c1)
        zq = mix((z ^ np.asarray(queries, dtype=np.uint64)) + c1)[:, None]
        zu = mix((zq ^ np.arange(N, dtype=np.uint64)[None, :]) + c1)
        return (zu >> np.uint64(1)).astype(np.int64)


@njit(cache=True)
def scatter_counts(idx, M11, M1, sign):
    """M11[a, b] += sign and M1[a] += sign for every pair (a, b) of active units in every row.

    Cost O(P·K²); updates in place, returns nothing.

    Parameters
    ----------
    idx : numpy.ndarray
        int32[P, K] active units of each pattern.
    M11 : numpy.ndarray
        int32[N, N] co-activation counts (modified).
    M1 : numpy.ndarray
        int32[N] unit counts (modified).
    sign : numpy.int32
        +1 to add the patterns, −1 to remove them.
    """
    P, K = idx.shape
    for mu in range(P):
        for x in range(K):
            a = idx[mu, x]
            M1[a] += sign
            for y in range(K):
                M11[a, idx[mu, y]] += sign


@njit(cache=True)
def precovar_c_acc(idx, N):
    """R[i, j] = Σ_μ ξ_i^μ m_j^μ with m_j^μ = (1/μ) Σ_{ν ≤ μ} ξ_j^ν (running mean incl. μ).

    The accumulator of the incremental presynaptic covariance rule (precovar "c").

    Parameters
    ----------
    idx : numpy.ndarray
        int32[P, K] active units of the patterns, in storage order.
    N : int
        Number of units.

    Returns
    -------
    numpy.ndarray
        R float64[N, N] (pattern counts).
    """
    P, K = idx.shape
    R = np.zeros((N, N), dtype=np.float64)
    C = np.zeros(N, dtype=np.float64)
    m = np.empty(N, dtype=np.float64)
    for mu in range(P):
        for x in range(K):
            C[idx[mu, x]] += 1.0
        inv = 1.0 / (mu + 1)
        for j in range(N):
            m[j] = C[j] * inv
        for x in range(K):
            row = idx[mu, x]
            for j in range(N):
                R[row, j] += m[j]
    return R


@njit(cache=True, inline="always")
def _better(s, key, a, b):
    """True if unit a beats unit b: larger support, ties broken by larger key."""
    if s[a] > s[b]:
        return True
    if s[a] < s[b]:
        return False
    return key[a] > key[b]


@njit(cache=True)
def _sift_down(heap, n, pos, s, key):
    # min-heap by (s, key): the root is the weakest of the current top-k
    while True:
        left = 2 * pos + 1
        if left >= n:
            return
        child = left
        right = left + 1
        if right < n and _better(s, key, heap[left], heap[right]):
            child = right
        if _better(s, key, heap[pos], heap[child]):
            heap[pos], heap[child] = heap[child], heap[pos]
            pos = child
        else:
            return


@njit(cache=True)
def _select_topk(s, key, k, heap, out):
    """Write the k best units by (s, key) into out (sorted ascending by index). O(N log k)."""
    N = s.shape[0]
    for j in range(k):
        heap[j] = j
    for pos in range(k // 2 - 1, -1, -1):
        _sift_down(heap, k, pos, s, key)
    for j in range(k, N):
        if _better(s, key, j, heap[0]):
            heap[0] = j
            _sift_down(heap, k, 0, s, key)
    for j in range(k):
        out[j] = heap[j]
    # insertion sort of k indices (k small)
    for a in range(1, k):
        v = out[a]
        b = a - 1
        while b >= 0 and out[b] > v:
            out[b + 1] = out[b]
            b -= 1
        out[b + 1] = v


@njit(cache=True)
def _hwta(s, M, H, seed, q, out):
    """Per-hypercolumn argmax; ties broken by the larger tie key."""
    for h in range(H):
        base = h * M
        best = base
        bs = s[base]
        bk = np.int64(-1)
        for m in range(1, M):
            u = base + m
            v = s[u]
            if v > bs:
                best = u
                bs = v
                bk = np.int64(-1)
            elif v == bs:
                if bk < 0:
                    bk = tie_key(seed, q, best)
                ku = tie_key(seed, q, u)
                if ku > bk:
                    best = u
                    bk = ku
        out[h] = best


@njit(cache=True)
def _supports(W, b, state, n, s):
    N = s.shape[0]
    for j in range(N):
        s[j] = b[j]
    for x in range(n):
        row = state[x]
        for j in range(N):
            s[j] += W[row, j]
    veto_nan(s)


@njit(cache=True, inline="always")
def veto_nan(s):
    """Supports with both a −∞ (veto) and a +∞ term sum to NaN: the veto wins (s_j = −∞).
    Only the Bayes weights have infinities; NaN cannot arise otherwise.

    Parameters
    ----------
    s : numpy.ndarray
        float[N] supports, modified in place (NaN -> −∞).
    """
    for j in range(s.shape[0]):
        if s[j] != s[j]:
            s[j] = NINF


@njit(cache=True)
def _same(a, na, b, nb):
    if na != nb:
        return False
    for x in range(na):
        if a[x] != b[x]:
            return False
    return True


@njit(cache=True, parallel=True)
def recall_kernel(W, b, cue_ptr, cue_ind, mode, k, M, T_max, early_stop, seed, q_offset):
    """Synchronous WTA retrieval of Q cues given in CSR form (cue_ptr, cue_ind).

    mode 0: HWTA with contiguous hypercolumns of M units (output width k = N // M);
    mode 1: k-WTA. Tie keys use query id ``q_offset + q``. Returns (states int32[Q, k],
    steps int16[Q], cycled bool[Q]). steps = number of updates until x(t) = x(t−1) was detected
    (T_max if never); a 2-cycle x(t) = x(t−2) ≠ x(t−1) sets cycled and, with early stop, the
    state at T_max is taken from the cycle (identical to running on).

    Parameters
    ----------
    W : numpy.ndarray
        float32[N, N] weights (row = presynaptic).
    b : numpy.ndarray
        float32[N] biases.
    cue_ptr : numpy.ndarray
        int64[Q + 1] row pointers of the cues.
    cue_ind : numpy.ndarray
        int32 active units of the cues.
    mode : int
        0 (HWTA) or 1 (k-WTA).
    k : int
        Winners per step (mode 1); the output width.
    M : int
        Units per hypercolumn (mode 0).
    T_max : int
        Maximum number of steps.
    early_stop : bool
        Stop each query at its fixed point or 2-cycle.
    seed : int
        Seed of the tie keys.
    q_offset : int
        Query id of the first cue.

    Returns
    -------
    tuple of numpy.ndarray
        (states int32[Q, k] sorted active units, steps int16[Q], cycled bool[Q]).
    """
    N = W.shape[1]
    Q = cue_ptr.shape[0] - 1
    out = np.empty((Q, k), dtype=np.int32)
    steps = np.empty(Q, dtype=np.int16)
    cycled = np.zeros(Q, dtype=np.bool_)
    kmax = k
    for q in range(Q):
        w = cue_ptr[q + 1] - cue_ptr[q]
        if w > kmax:
            kmax = w
    for q in prange(Q):
        s = np.empty(N, dtype=np.float32)
        cur = np.empty(kmax, dtype=np.int32)
        prev = np.empty(kmax, dtype=np.int32)
        new = np.empty(kmax, dtype=np.int32)
        heap = np.empty(k, dtype=np.int32)
        qid = q_offset + q
        key = np.empty(N if mode == 1 else 0, dtype=np.int64)
        if mode == 1:
            for j in range(N):
                key[j] = tie_key(seed, qid, j)
        ncur = cue_ptr[q + 1] - cue_ptr[q]
        for x in range(ncur):
            cur[x] = cue_ind[cue_ptr[q] + x]
        nprev = -1
        t = 0
        done = False
        cyc = False
        while t < T_max and not done:
            _supports(W, b, cur, ncur, s)
            if mode == 0:
                _hwta(s, M, k, seed, qid, new)
            else:
                _select_topk(s, key, k, heap, new)
            t += 1
            if _same(new, k, cur, ncur):
                if early_stop:
                    done = True
            elif nprev >= 0 and _same(new, k, prev, nprev):
                cyc = True
                if early_stop:
                    # period-2 orbit: x(T_max) = x(t) if (T_max − t) even else x(t−1)
                    if (T_max - t) % 2 == 1:
                        for x in range(k):
                            new[x] = cur[x]
                    t = T_max
                    done = True
            for x in range(ncur):
                prev[x] = cur[x]
            nprev = ncur
            for x in range(k):
                cur[x] = new[x]
            ncur = k
        for x in range(k):
            out[q, x] = cur[x]
        steps[q] = t
        cycled[q] = cyc
    return out, steps, cycled


@njit(cache=True, parallel=True)
def support_kernel(W, b, cue_ptr, cue_ind):
    """One-step supports s_j = b_j + Σ_{i ∈ cue} W_ij of every cue (gather order = cue order).

    Parameters
    ----------
    W : numpy.ndarray
        float32[N, N] weights (row = presynaptic).
    b : numpy.ndarray
        float32[N] biases.
    cue_ptr : numpy.ndarray
        int64[Q + 1] row pointers of the cues.
    cue_ind : numpy.ndarray
        int32 active units of the cues.

    Returns
    -------
    numpy.ndarray
        float32[Q, N] supports (NaN from −∞ + ∞ set to −∞, :func:`veto_nan`).
    """
    N = W.shape[1]
    Q = cue_ptr.shape[0] - 1
    out = np.empty((Q, N), dtype=np.float32)
    for q in prange(Q):
        n = cue_ptr[q + 1] - cue_ptr[q]
        _supports(W, b, cue_ind[cue_ptr[q] : cue_ptr[q + 1]], n, out[q])
    return out


# --------------------------------------------------------------------------------------------
# noise-aware weights (Bayes, S2, S3): the one implementation, used by rules.build and NoiseTable
# --------------------------------------------------------------------------------------------


@njit(cache=True, inline="always")
def _llr(a, b):
    """log(a/b) with the limits of a likelihood ratio: 0/0 -> 0 (the event is impossible under
    both hypotheses and carries no evidence), 0/b -> −∞ (veto), a/0 -> +∞ (certainty)."""
    if a == 0.0:
        return 0.0 if b == 0.0 else NINF
    if b == 0.0:
        return PINF
    return np.log(a / b)


@njit(cache=True, parallel=True)
def level_weights(M11, M1, P, pm, pf, alpha, kind, include_diagonal, groups, smoothing=0):
    """(W float32[N, N], b float32[N]) of rule ``kind`` for one noise level (see module doc).

    This is the one implementation of the noise-aware weights (Bayes, S2, S3); ``rules.build``
    and :class:`NoiseTable` both call it. smoothing 0: α on each cell (α = 0 for Bayes by
    default: maximum likelihood); 1 ("marginal"): the 4α pseudo-counts are spread over the
    cells in proportion to the independent marginals p̃ = (M1 + α)/(P + 2α).
    Bayes (kind 0) may contain ±∞: −∞ vetoes (L11 = 0, e.g. M11 = 0 with p_f = 0), +∞ certainty
    (L10 = 0, and the diagonal when p_f = 0); b_j = −∞ for a unit never stored active.

    Parameters
    ----------
    M11 : numpy.ndarray
        int32[N, N] co-activation counts.
    M1 : numpy.ndarray
        int32[N] unit counts.
    P : float
        Number of stored patterns.
    pm, pf : float
        Assumed state noise p_m = P(state 0 | stored 1), p_f = P(state 1 | stored 0).
    alpha : float
        Pseudo-count α (pattern counts).
    kind : int
        0 bayes (log-odds), 1 bcpnn_s2 (log-posterior), 2 bcpnn_s3 (log-odds, active inputs).
    include_diagonal : bool
        Keep the self-connections.
    groups : numpy.ndarray
        int32[N] hypercolumn id (or the unit's own index): pairs in one group are removed.
    smoothing : int
        0 "cell", 1 "marginal".

    Returns
    -------
    tuple of numpy.ndarray
        (W float32[N, N], b float32[N]) in nats.
    """
    N = M1.shape[0]
    pt = np.zeros(N, dtype=np.float64)
    if smoothing != 0:
        for i in range(N):
            pt[i] = (np.float64(M1[i]) + alpha) / (P + 2 * alpha)
    W = np.zeros((N, N), dtype=np.float32)
    b = np.empty(N, dtype=np.float32)
    for j in prange(N):
        m1j = np.float64(M1[j])
        bsum = 0.0
        # Bayes: a column whose conditional probabilities are undefined (M1_j = 0 or M0_j = 0
        # without pseudo-counts) is left at 0; its prior (±∞) decides.
        dead = kind == 0 and (m1j + 2 * alpha == 0.0 or P - m1j + 2 * alpha == 0.0)
        for i in range(N):
            diag = i == j
            if diag:
                if not include_diagonal:
                    continue
            elif groups[i] == groups[j]:
                continue
            if dead:
                continue
            m11 = np.float64(M11[i, j])
            m1i = np.float64(M1[i])
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
                if diag:
                    off = _llr(pm, 1 - pf)
                    w = _llr(1 - pm, pf) - off
                else:
                    M1j = a11 + a01
                    M0j = a10 + a00
                    L11 = (a11 * (1 - pm) + a01 * pf) / M1j
                    L01 = (a11 * pm + a01 * (1 - pf)) / M1j
                    L10 = (a10 * (1 - pm) + a00 * pf) / M0j
                    L00 = (a10 * pm + a00 * (1 - pf)) / M0j
                    off = _llr(L01, L00)
                    w = _llr(L11, L10) - off
                W[i, j] = w
                bsum += off
            elif kind == 1:
                if diag:
                    pj = (m1j + alpha) / (P + 2 * alpha)
                    w = np.log((1 - pm) / (pj * (1 - pm) + (1 - pj) * pf))
                else:
                    Pp = a11 + a10 + a01 + a00
                    M1j = a11 + a01
                    M1i = a11 + a10
                    M0i = a01 + a00
                    w = np.log(
                        Pp * (a11 * (1 - pm) + a01 * pf) / (M1j * (M1i * (1 - pm) + M0i * pf))
                    )
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
        if kind == 1:
            b[j] = np.log((m1j + alpha) / (P + 2 * alpha))
        else:
            b[j] = _llr(m1j + alpha, P - m1j + alpha) + bsum
    return W, b


RULE_CODES = {
    "hebb": 0,
    "covar_unit": 1,
    "covar_global": 2,
    "precovar_a": 3,
    "precovar_b": 4,
    "hopfield_pm1": 5,
    "willshaw": 6,
    "bcpnn": 7,
}


@njit(cache=True, inline="always")
def _removed(groups, i, j, incl_diag):
    if i == j:
        return not incl_diag
    if groups[0] < 0:
        return False
    return groups[i] == groups[j]


@njit(cache=True, parallel=True)
def rule_kernel(code, M11, M1, P, groups, incl_diag, a, f0, f1, f2, self_gain, symmetrize):
    """Fused weight build (float64 maths, float32 output) for the count-based rules.

    code: see RULE_CODES. groups: hypercolumn id per unit, or [-1] for no groups. a: activity.
    bcpnn: f0 = ε (f1, f2, symmetrize unused). The noise-aware rules use :func:`level_weights`.
    Removed synapses D get 0; the diagonal gets self_gain unless incl_diag.

    Parameters
    ----------
    code : int
        Rule code (:data:`RULE_CODES`).
    M11, M1 : numpy.ndarray
        int32[N, N] co-activation and int32[N] unit counts.
    P : int
        Number of stored patterns.
    groups : numpy.ndarray
        int32 hypercolumn id per unit, or [-1] for no groups.
    incl_diag : bool
        Keep the diagonal (else W_jj = self_gain).
    a : float
        Layout activity K/N.
    f0, f1, f2 : float
        Rule constants (bcpnn: f0 = ε; f1, f2 unused).
    self_gain : float
        Diagonal weight.
    symmetrize : bool
        Unused.

    Returns
    -------
    tuple of numpy.ndarray
        (W float32[N, N], b float64[N]) (nats for bcpnn).
    """
    N = M1.shape[0]
    W = np.empty((N, N), dtype=np.float32)
    b = np.zeros(N, dtype=np.float64)
    Pf = float(max(P, 1))
    if code == 7:
        for j in range(N):
            b[j] = np.log(max(float(M1[j]) / Pf, f0))
    for i in prange(N):
        pi = float(M1[i]) / Pf
        for j in range(N):
            if i == j and not incl_diag:
                W[i, j] = np.float32(self_gain)
                continue
            if _removed(groups, i, j, incl_diag):
                W[i, j] = 0.0
                continue
            pj = float(M1[j]) / Pf
            pij = float(M11[i, j]) / Pf
            if code == 0:
                w = pij
            elif code == 1:
                w = pij - pi * pj
            elif code == 2:
                w = pij - a * (pi + pj) + a * a
            elif code == 3:
                w = (pij - pi * pj) / max(pi, 1.0 / (P + 1.0))
            elif code == 4:
                w = pij - a * pi
            elif code == 5:
                w = 4.0 * pij - 2.0 * (pi + pj) + 1.0
            elif code == 6:
                w = 1.0 if M11[i, j] > 0 else 0.0
            else:
                w = np.log(max(pij, f0 * f0) / (max(pi, f0) * max(pj, f0)))
            W[i, j] = np.float32(w)
    return W, b


@njit(cache=True, parallel=True)
def integer_kernel(code, M11, M1, P, groups, num, den):
    """Integer numerators s·W (as float32) of the rules linear in the counts, with a = num/den:
    hebb M11 (s = P); covar_unit P·M11 − M1_i M1_j (s = P²); covar_global
    den²M11 − num·den(M1_i + M1_j) + num²P (s = P·den²); precovar_b den·M11 − num·M1_i
    (s = P·den); hopfield_pm1 4M11 − 2(M1_i + M1_j) + P (s = P); willshaw 1[M11 > 0] (s = 1).
    D and the diagonal get 0.

    Parameters
    ----------
    code : int
        Integer rule code (0 hebb, 1 covar_unit, 2 covar_global, 4 precovar_b,
        5 hopfield_pm1, 6 willshaw).
    M11, M1 : numpy.ndarray
        int32[N, N] co-activation and int32[N] unit counts.
    P : int
        Number of stored patterns.
    groups : numpy.ndarray
        int32 hypercolumn id per unit, or [-1] for no groups.
    num, den : int
        Activity a = num/den in lowest terms.

    Returns
    -------
    tuple
        (Wi float32[N, N], max |entry| as a float).
    """
    N = M1.shape[0]
    Wi = np.empty((N, N), dtype=np.float32)
    mx = np.zeros(N, dtype=np.int64)
    for i in prange(N):
        mi = np.int64(M1[i])
        for j in range(N):
            if _removed(groups, i, j, False):
                Wi[i, j] = 0.0
                continue
            m11 = np.int64(M11[i, j])
            mj = np.int64(M1[j])
            if code == 0:
                v = m11
            elif code == 1:
                v = np.int64(P) * m11 - mi * mj
            elif code == 2:
                v = den * den * m11 - num * den * (mi + mj) + num * num * np.int64(P)
            elif code == 4:
                v = den * m11 - num * mi
            elif code == 5:
                v = 4 * m11 - 2 * (mi + mj) + np.int64(P)
            else:
                v = np.int64(1) if m11 > 0 else np.int64(0)
            Wi[i, j] = np.float32(v)
            if abs(v) > mx[i]:
                mx[i] = abs(v)
    return Wi, float(mx.max())
