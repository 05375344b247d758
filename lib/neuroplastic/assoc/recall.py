"""Retrieval: x(0) = cue, x(t+1) = F(b^{(k_t)} + x(t) W^{(k_t)}), synchronous, up to T_max steps.

One entry point, :func:`recall`, for every weight source and activation. k_t is the noise level
assumed at step t: fixed weights (a :class:`Network`) have one level; a noise-aware weight source
(:class:`~neuroplastic.assoc.noise.NoiseTable`) is read at the cue's level ``cue_key`` and, with
adaptive noise estimation (an :class:`~neuroplastic.assoc.ane.ANE` strategy that the engine calls
after every step), at the level the strategy estimates from the new state.

Two kernels, same semantics (ties broken by hash(seed, query, unit), each query stops at its
fixed point, 2-cycles flagged):

* fixed weights, k-WTA/HWTA, no ANE: :func:`neuroplastic.assoc.kernels.recall_kernel` gathers
  the K rows of W of the active units (cost Q·K·N per step instead of Q·N²), ``prange`` over
  queries; the whole run is one kernel call (the final state is identical to running all T_max
  steps: the dynamics are deterministic). States come back as a PatternSet.
* everything else (thresholds/MAP, l-WTA schedules, oracle activity, noise tables, ANE): a Python
  loop over steps calls :func:`step_kernel` once per step (typed list of the weight tables in
  use and a table index per query; gather of the active rows; the activation by heap selection,
  per-hypercolumn WTA or threshold; the posterior mass ĉ of the new state for posterior ANE).
  Queries stop at a fixed point of (state, noise level). States come back as uint8[Q, N].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numba import njit, prange
from numba.typed import List

from ..validation import check_int, check_seed
from .activations import (
    HWTA,
    KWTA,
    LOG_HALF,
    MAP,
    Activation,
    Core,
    OracleKWTA,
    Schedule,
    Threshold,
    check_activation,
    default_activation,
)
from .ane import ANE
from .free import dense
from .kernels import _better as _beats
from .kernels import _sift_down as _sift
from .kernels import recall_kernel, support_kernel, tie_key, veto_nan
from .layouts import Modular
from .noise import POTENTIAL_KIND, NoiseTable
from .patterns import PatternSet
from .rules import Network

if TYPE_CHECKING:
    from collections.abc import Callable

    from numpy.typing import ArrayLike

    from .free import VarPatternSet


@dataclass(frozen=True, eq=False)
class Recall:
    """Result of :func:`recall`.

    states: final states (a PatternSet on the fast path, uint8[Q, N] otherwise); steps int16[Q]
    (updates until the fixed point was detected, T_max if none); cycled bool[Q] (a 2-cycle was
    seen); correct bool[Q] (exact recall, fast path with targets); noise_trace
    float32[T_max, Q, 2] (assumed (p_m, p_f) at each step, NaN after a query stopped);
    true_trace float32[T_max, Q, 2] (true (p_m, p_f) of the state entering each step) and
    overlap_trace float64[T_max + 1, Q] (overlap of the state entering step t with the target;
    row T_max = final state), both with targets on the level engine; oracle_activity: the
    activation used the targets' activity."""

    states: object
    steps: np.ndarray
    cycled: np.ndarray
    correct: np.ndarray | None = None
    noise_trace: np.ndarray | None = None
    true_trace: np.ndarray | None = None
    overlap_trace: np.ndarray | None = None
    oracle_activity: bool = False


def _check_inputs(net, cues, activation, T_max, seed):
    if not isinstance(net, Network):
        raise TypeError(f"net must be a Network (from build); got {type(net).__name__}")
    if not isinstance(cues, PatternSet):
        raise TypeError(f"cues must be a PatternSet; got {type(cues).__name__}")
    if cues.N != net.N or (net.layout is not None and cues.layout != net.layout):
        raise ValueError(
            f"cues layout {cues.layout!r} does not match the network "
            f"({net.layout!r}) (mismatched layouts)"
        )
    if activation is None:
        activation = default_activation(cues.layout)
    if not isinstance(activation, Activation):
        raise TypeError(
            f"activation must be an Activation (KWTA, HWTA, ...); got {type(activation).__name__}"
        )
    T_max = check_int("T_max", T_max, lo=1, hi=10000)
    seed = check_seed(seed)
    return activation, T_max, seed


def _csr(cues: PatternSet):
    P, K = cues.idx.shape
    ptr = np.arange(P + 1, dtype=np.int64) * K
    return ptr, cues.idx.reshape(-1)


def recall(
    source: Network | NoiseTable,
    cues: PatternSet | VarPatternSet | ArrayLike,
    *,
    activation: Activation | None = None,
    T_max: int = 15,
    early_stop: bool = True,
    seed: int = 0,
    ane: ANE | None = None,
    targets: PatternSet | VarPatternSet | ArrayLike | None = None,
    cue_key: tuple[int, int] | None = None,
    K: float | None = None,
    q_offset: int = 0,
) -> Recall:
    """Retrieve from all ``cues`` at once: x(t+1) = F(b^{(k_t)} + x(t) W^{(k_t)}), t < T_max.

    Synchronous updates; each query stops at its fixed point (2-cycles flagged); ties are broken
    by hash(seed, query, unit). The fast kernel runs for a Network with a PatternSet of cues,
    KWTA/HWTA and no ANE, cue_key or K; everything else runs on the level engine (module doc).

    Parameters
    ----------
    source : Network or NoiseTable
        Fixed weights, or weights per noise level (needs ``cue_key``).
    cues : PatternSet, VarPatternSet or array_like
        Cues, a PatternSet or uint8[Q, N] rows (any activity).
    activation : Activation, optional
        HWTA() (modular) or KWTA(k) (default HWTA for modular, KWTA(K) otherwise), or MAP,
        Threshold, OracleKWTA, Schedule, Core.
    T_max : int
        Maximum number of steps, 1..10000.
    early_stop : bool
        Stop a query at its fixed point.
    seed : int
        Seed of the tie-breaking keys.
    ane : ANE, optional
        Adaptive noise estimation (None: the cue's level at every step).
    targets : PatternSet, VarPatternSet or array_like, optional
        Target rows (oracle ANE/activity need them; they give ``correct`` or the traces).
    cue_key : tuple of int, optional
        (c, f) = correct and false units of the cue; fixes the level of step 0 and, without
        ANE, of every step; Willshaw's MAP threshold is the active inputs minus f.
    K : float, optional
        Expected activity for noise levels (default layout.K).
    q_offset : int
        Query id of the first cue (tie keys use q_offset + row), so a subset of cues can
        reproduce the full run.

    Returns
    -------
    Recall
        Final states (a PatternSet on the fast path, uint8[Q, N] otherwise), steps, 2-cycle
        flags and, with targets, correctness or traces.

    Raises
    ------
    TypeError
        ``source``, ``cues`` or ``activation`` of the wrong type.
    ValueError
        Mismatched layouts, invalid T_max or seed, an activation or ANE the rule or layout
        does not support, or missing targets, cue_key or schedule.
    """
    fast = (
        isinstance(source, Network)
        and isinstance(cues, PatternSet)
        and ane is None
        and cue_key is None
        and K is None
        and (activation is None or type(activation) in (KWTA, HWTA))
    )
    if not fast:
        return _recall_levels(
            source,
            cues,
            activation=activation,
            T_max=T_max,
            ane=ane,
            targets=targets,
            cue_key=cue_key,
            seed=seed,
            K=K,
            q_offset=q_offset,
            early_stop=early_stop,
        )
    net = source
    activation, T_max, seed = _check_inputs(net, cues, activation, T_max, seed)
    mode, k, M = activation.kernel_mode(cues.layout)
    ptr, ind = _csr(cues)
    W, b = net.kernel_arrays()
    states, steps, cycled = recall_kernel(
        W, b, ptr, ind, mode, k, M, T_max, bool(early_stop), np.int64(seed), np.int64(q_offset)
    )
    st = PatternSet(states, cues.layout)
    correct = None
    if targets is not None:
        from .measures import correct_rows

        correct = correct_rows(st, targets)
    return Recall(st, steps, cycled, correct)


def supports(net: Network, cues: PatternSet) -> np.ndarray:
    """One-step supports s_j = b_j + Σ_{i ∈ cue} W_ij (sparse gather).

    Uses :meth:`Network.kernel_arrays` (integer weights s·W when ``int_scale`` is set).

    Parameters
    ----------
    net : Network
        The network.
    cues : PatternSet
        Cues on the network's layout.

    Returns
    -------
    numpy.ndarray
        float32[Q, N] supports (nats for log rules).

    Raises
    ------
    TypeError
        ``net`` is not a Network.
    ValueError
        ``cues`` not a PatternSet on the network's layout.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a Network; got {type(net).__name__}")
    if not isinstance(cues, PatternSet) or cues.N != net.N:
        raise ValueError("cues must be a PatternSet on the network's layout (mismatched layouts)")
    ptr, ind = _csr(cues)
    W, b = net.kernel_arrays()
    return support_kernel(W, b, ptr, ind)


@njit(cache=True)
def _topk(s, key, cand, ncand, k, heap):
    """The k best of the candidate units cand[:ncand] by (s, key) into heap[:k]."""
    for x in range(k):
        heap[x] = cand[x]
    for pos in range(k // 2 - 1, -1, -1):
        _sift(heap, k, pos, s, key)
    for x in range(k, ncand):
        j = cand[x]
        if _beats(s, key, j, heap[0]):
            heap[0] = j
            _sift(heap, k, 0, s, key)


@njit(cache=True, parallel=True)
def step_kernel(Ws, bs, tix, state, todo, mode, kq, theta, M, post, seed, qids, out, chat):
    """One synchronous step for the queries with todo[q].

    state, out: uint8[Q, N]; tix: int32[Q] index into the typed lists Ws (float32[N, N]) and bs
    (float32[N]); mode 0: per-hypercolumn WTA of M units (then the kq[q] best winners if
    kq[q] < N/M), 1: k-WTA with k = kq[q], 2: threshold x_j ≥ theta[q]; post 0: no posterior,
    1: ĉ = Σ σ(x_j), 2: ĉ = Σ min(1, e^{x_j}) over the new state (written to chat[q])."""
    Q, N = state.shape
    for q in prange(Q):
        if not todo[q]:
            continue
        W = Ws[tix[q]]
        b = bs[tix[q]]
        s = np.empty(N, dtype=np.float32)
        for j in range(N):
            s[j] = b[j]
        for i in range(N):
            if state[q, i]:
                for j in range(N):
                    s[j] += W[i, j]
        veto_nan(s)
        for j in range(N):
            out[q, j] = 0
        if mode == 2:
            th = np.float32(theta[q])
            for j in range(N):
                if s[j] >= th:
                    out[q, j] = 1
        else:
            key = np.empty(N, dtype=np.int64)
            for j in range(N):
                key[j] = tie_key(seed, qids[q], j)
            if mode == 0:
                H = N // M
                cand = np.empty(H, dtype=np.int64)
                for h in range(H):
                    best = h * M
                    for m in range(1, M):
                        u = h * M + m
                        if _beats(s, key, u, best):
                            best = u
                    cand[h] = best
                k = min(kq[q], H)
                ncand = H
            else:
                cand = np.arange(N)
                k = min(kq[q], N)
                ncand = N
            if k > 0:
                heap = np.empty(k, dtype=np.int64)
                _topk(s, key, cand, ncand, k, heap)
                for x in range(k):
                    out[q, heap[x]] = 1
        c = 0.0
        if post == 1:
            for j in range(N):
                if out[q, j]:
                    c += 1.0 / (1.0 + np.exp(-np.float64(s[j])))
        elif post == 2:
            for j in range(N):
                if out[q, j]:
                    c += min(1.0, np.exp(np.float64(s[j])))
        chat[q] = c


def _source(source):
    if isinstance(source, NoiseTable):
        return source.rule, source.layout
    if isinstance(source, Network):
        if source.layout is None:
            raise ValueError("net must carry its layout (built by build)")
        return source.rule, source.layout
    raise TypeError(f"source must be a Network or a NoiseTable; got {type(source).__name__}")


def _as_dense(x, N, name):
    X = dense(x, np.uint8)
    if X.shape[1] != N:
        raise ValueError(f"{name} must have N = {N} columns; got {X.shape[1]} (mismatched layouts)")
    return np.ascontiguousarray(X)


def _recall_levels(
    source,
    cues,
    *,
    activation,
    T_max: int = 10,
    ane: ANE | None = None,
    targets=None,
    cue_key=None,
    seed=0,
    K=None,
    q_offset: int = 0,
    early_stop: bool = True,
) -> Recall:
    """The level engine of :func:`recall` (see the module doc); states uint8[Q, N]."""
    rule, layout = _source(source)
    N = layout.N
    if activation is None:
        activation = default_activation(layout)
    check_activation(activation, layout)
    T_max = check_int("T_max", T_max, lo=1, hi=10000)
    seed = check_seed(seed)
    ane = ANE("none") if ane is None else ane
    ane.check(rule, activation)
    X = _as_dense(cues, N, "cues")
    Q = X.shape[0]
    T = None if targets is None else _as_dense(targets, N, "targets")
    if T is not None and T.shape[0] != Q:
        raise ValueError(f"targets must have one row per cue ({Q}); got {T.shape[0]}")
    if ane.kind == "oracle" and T is None:
        raise ValueError("ane: oracle ANE needs targets")
    if ane.kind == "calibrated" and ane.schedule is None:
        raise ValueError(
            "ane: calibrated ANE needs a schedule (learn one with neuroplastic.assoc.calibrate)"
        )
    Kexp = float(layout.K if K is None else K)
    kind = POTENTIAL_KIND.get(rule, "none")
    # activation -> kernel mode
    Ktrue = None if T is None else T.sum(axis=1).astype(np.int64)
    oracle_act = isinstance(activation, OracleKWTA) or getattr(activation, "oracle", False)
    if oracle_act and T is None:
        raise ValueError("activation with oracle activity needs targets")
    if isinstance(activation, (MAP, Threshold)):
        if kind == "none" and not (
            isinstance(activation, Threshold) and not isinstance(activation.theta, str)
        ):
            raise ValueError(f"activation: rule {rule!r} has no principled threshold; use a WTA")
        mode = 2
    elif isinstance(activation, HWTA) or (
        isinstance(layout, Modular) and isinstance(activation, (Schedule, Core))
    ):
        mode = 0
    else:
        mode = 1
    M = layout.M if isinstance(layout, Modular) else 1
    Kq = Ktrue if oracle_act else np.full(Q, int(round(layout.K)), dtype=np.int64)

    def k_at(t):
        if isinstance(activation, KWTA):
            return np.full(Q, activation.k, dtype=np.int64)
        if isinstance(activation, OracleKWTA):
            return Kq.copy()
        if isinstance(activation, HWTA):
            return np.full(Q, layout.H, dtype=np.int64)
        if isinstance(activation, (Schedule, Core)):
            return np.asarray(activation.l_at(t, Kq), dtype=np.int64) * np.ones(Q, dtype=np.int64)
        return np.zeros(Q, dtype=np.int64)

    def l_final(t):
        if isinstance(activation, (Schedule, Core)):
            return np.all(k_at(t) == Kq)
        return True

    post = 0
    if ane.kind == "posterior":
        post = 1 if kind == "logodds" else 2 if kind == "logpost" else 0
        if post == 0:
            raise ValueError(
                f"ane: posterior ANE needs probabilistic potentials; rule {rule!r} has none"
            )
    is_table = isinstance(source, NoiseTable)
    if is_table and cue_key is None:
        raise ValueError("cue_key (c, f) of the cues is required with a NoiseTable")
    ck = None if cue_key is None else (int(cue_key[0]), int(cue_key[1]))
    if not is_table and ane.kind != "none" and rule != "willshaw":
        raise ValueError(f"ane: a fixed Network of rule {rule!r} cannot adapt; pass a NoiseTable")

    state = X.copy()
    out = np.zeros_like(state)
    prev = state.copy()
    chat = np.zeros(Q, dtype=np.float64)
    todo = np.ones(Q, dtype=bool)
    steps = np.full(Q, T_max, dtype=np.int16)
    cycled = np.zeros(Q, dtype=bool)
    noise_trace = np.full((T_max, Q, 2), np.nan, dtype=np.float32)
    true_trace = None if T is None else np.full((T_max, Q, 2), np.nan, dtype=np.float32)
    ov_trace = None if T is None else np.zeros((T_max + 1, Q), dtype=np.float64)
    qids = np.arange(q_offset, q_offset + Q, dtype=np.int64)
    # per-query level (c, f); for Willshaw the level gives its threshold
    lev = np.zeros((Q, 2), dtype=np.int64)
    l0 = state.sum(axis=1)
    if ck is not None:
        lev[:] = ck
    else:
        lev[:, 0] = l0
        lev[:, 1] = 0
    prev_lev = np.full((Q, 2), -1, dtype=np.int64)
    ov = None if T is None else (state & T).sum(axis=1).astype(np.int64)

    for t in range(T_max):
        rows = np.nonzero(todo)[0]
        if rows.size == 0:
            break
        if ov_trace is not None:
            ov_trace[t] = ov
            true_trace[t, rows, 0] = (Ktrue[rows] - ov[rows]) / np.maximum(Ktrue[rows], 1)
            true_trace[t, rows, 1] = (state[rows].sum(axis=1) - ov[rows]) / (N - Ktrue[rows])
        noise_trace[t, rows, 0] = (Kexp - lev[rows, 0]) / Kexp
        noise_trace[t, rows, 1] = lev[rows, 1] / (N - Kexp)
        # tables in use
        Ws, bs = List(), List()
        tix = np.zeros(Q, dtype=np.int32)
        if is_table:
            keys = {}
            for q in rows:
                kk = (int(lev[q, 0]), int(lev[q, 1]))
                if kk not in keys:
                    keys[kk] = len(keys)
                    W, b = source.get(kk)
                    Ws.append(W)
                    bs.append(b)
                tix[q] = keys[kk]
        else:
            Ws.append(source.W)
            bs.append(source.b)
        theta = np.zeros(Q, dtype=np.float32)
        if mode == 2:
            th = getattr(activation, "theta", None)
            if isinstance(activation, Threshold) and not isinstance(th, str):
                theta[:] = th
            elif kind == "count" or th == "willshaw":
                # Willshaw: Θ = the estimated number of correct units of the state: active
                # inputs minus the assumed false ones (the cue's f without ANE, l − ĉ under ANE)
                theta[:] = np.maximum(state.sum(axis=1) - lev[:, 1], 1)
            elif kind == "logpost" or th == "half":
                theta[:] = LOG_HALF
            else:
                theta[:] = 0.0
        kq = k_at(t)
        step_kernel(
            Ws, bs, tix, state, todo, mode, kq, theta, M, post, np.int64(seed), qids, out, chat
        )
        new = out
        # level for the next step
        nl = new.sum(axis=1).astype(np.int64)
        if T is not None:
            nov = (new & T).sum(axis=1).astype(np.int64)
        chat_next = ane.estimate(t, posterior=chat, overlap=nov if T is not None else None)
        new_lev = lev.copy()
        if chat_next is not None:
            cc = np.clip(np.rint(chat_next), 0, nl).astype(np.int64)
            new_lev[rows, 0] = cc[rows]
            new_lev[rows, 1] = nl[rows] - cc[rows]
        elif ck is None:
            new_lev[rows, 0] = nl[rows]
        same = np.all(new[rows] == state[rows], axis=1) & np.all(new_lev[rows] == lev[rows], axis=1)
        fin = bool(l_final(t)) and bool(l_final(t + 1))
        cyc = (
            np.all(new[rows] == prev[rows], axis=1)
            & np.all(new_lev[rows] == prev_lev[rows], axis=1)
            & ~same
        )
        cycled[rows[cyc]] = True
        prev[rows] = state[rows]
        prev_lev[rows] = lev[rows]
        state[rows] = new[rows]
        lev[rows] = new_lev[rows]
        if T is not None:
            ov[rows] = nov[rows]
        if early_stop and fin:
            stop = rows[same]
            steps[stop] = t + 1
            todo[stop] = False
    if ov_trace is not None:
        ov_trace[T_max] = ov
        # queries that stopped keep their overlap
        for t in range(1, T_max + 1):
            stopped = steps <= t
            ov_trace[t, stopped] = ov[stopped]
    return Recall(state, steps, cycled, None, noise_trace, true_trace, ov_trace, bool(oracle_act))


def calibrate(
    source: Network | NoiseTable,
    patterns_dense: np.ndarray,
    *,
    cue_fn: Callable[[np.ndarray, int], np.ndarray],
    activation: Activation,
    T_max: int,
    cue_key: tuple[int, int],
    n_calib: int = 100,
    seed: int = 0,
    K: float | None = None,
) -> ANE:
    """Learn the ``calibrated`` schedule on ``n_calib`` fresh cues of stored patterns.

    Pass 1 (no ANE) records the mean overlap ĉ_t (units) of the state entering step t with its
    target; pass 2 runs with that schedule and records ĉ'_t, which is returned.

    Parameters
    ----------
    source : Network or NoiseTable
        Weight source.
    patterns_dense : numpy.ndarray
        uint8[P, N] stored patterns.
    cue_fn : callable
        ``cue_fn(X, seed)`` -> uint8 cues of the rows X.
    activation : Activation
        Activation of the retrieval.
    T_max : int
        Maximum number of steps.
    cue_key : tuple of int
        (c, f) of the cues.
    n_calib : int
        Calibration cues (drawn with replacement when P < n_calib).
    seed : int
        Seed.
    K : float, optional
        Expected activity for noise levels (default layout.K).

    Returns
    -------
    ANE
        ``ANE("calibrated", n_calib, schedule=ĉ')``.
    """
    seed = check_seed(seed)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(31,)))
    P = patterns_dense.shape[0]
    rows = rng.choice(P, size=min(n_calib, P), replace=P < n_calib) if P >= 1 else np.zeros(0, int)
    rows = np.sort(rows)
    X = patterns_dense[rows]
    cues = cue_fn(X, seed + 1000003)
    r1 = recall(
        source,
        cues,
        activation=activation,
        T_max=T_max,
        ane=ANE("none"),
        targets=X,
        cue_key=cue_key,
        seed=seed + 7,
        K=K,
        q_offset=10**6,
    )
    s1 = tuple(r1.overlap_trace.mean(axis=1))
    r2 = recall(
        source,
        cues,
        activation=activation,
        T_max=T_max,
        ane=ANE("calibrated", n_calib, s1),
        targets=X,
        cue_key=cue_key,
        seed=seed + 7,
        K=K,
        q_offset=10**6,
    )
    return ANE("calibrated", n_calib, tuple(r2.overlap_trace.mean(axis=1)))
