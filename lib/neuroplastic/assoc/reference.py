"""Reference implementations of retrieval (tests and benchmarks only).

:func:`recall_dense` (numpy/BLAS) and :func:`recall_torch` compute S = b + X W on dense 0/1
matrices for all cues at every step, then the same WTA with the same tie keys as the numba
kernel; ``early_stop=False`` (default) runs T_max steps for all cues, as plain dense
implementations do. :func:`recall_noise_direct` computes, for every query and every step, the
weights of its own noise level from the counters (N² log terms per query and step), then the
potentials and the activation with the same tie keys and the same ANE update as
:func:`~neuroplastic.assoc.recall.recall`. :func:`recall_fixed_dense` is the dense b + XW
reference for fixed weights under k-WTA (all queries, all steps).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .activations import KWTA, LOG_HALF, MAP, OracleKWTA
from .ane import ANE
from .cues import CueNoise
from .kernels import tie_keys_numpy
from .noise import POTENTIAL_KIND
from .patterns import PatternSet
from .recall import Recall, _check_inputs
from .rules import build

if TYPE_CHECKING:
    from numpy.typing import DTypeLike

    from .activations import Activation
    from .counts import Counts
    from .layouts import Layout
    from .rules import Network


def dense_supports(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """S = b + X W for dense 0/1 rows X without 0·∞: infinite weights (Bayes vetoes and
    certainties) are counted separately; a row with any −∞ term gets −∞ (veto wins), else one
    with a +∞ term gets +∞ (the kernels' rule, :func:`neuroplastic.assoc.kernels.veto_nan`)."""
    if np.isfinite(W).all() and np.isfinite(b).all():
        return b + X @ W
    fin = np.isfinite(W)
    S = np.where(np.isfinite(b), b, 0).astype(W.dtype) + X @ np.where(fin, W, 0).astype(W.dtype)
    neg = (X @ np.isneginf(W).astype(X.dtype)) > 0
    pos = (X @ np.isposinf(W).astype(X.dtype)) > 0
    neg = neg | np.isneginf(b)[None, :]
    pos = pos | np.isposinf(b)[None, :]
    S = np.where(pos, np.inf, S)
    return np.where(neg, -np.inf, S).astype(W.dtype)


def _wta_numpy(S, keys, mode, k, M):
    Q, N = S.shape
    if mode == 0:
        H = N // M
        S3 = S.reshape(Q, H, M)
        K3 = keys.reshape(Q, H, M)
        top = S3.max(axis=2, keepdims=True)
        m = np.where(S3 == top, K3, -1).argmax(axis=2)
        return (np.arange(H)[None, :] * M + m).astype(np.int32)
    idx = np.empty((Q, k), dtype=np.int32)
    for q in range(Q):  # lexicographic descending by (S, key)
        idx[q] = np.sort(np.lexsort((-keys[q], -S[q]))[:k])
    return idx


def recall_dense(
    net: Network,
    cues: PatternSet,
    *,
    activation: Activation | None = None,
    T_max: int = 15,
    early_stop: bool = False,
    seed: int = 0,
    q_offset: int = 0,
    dtype: DTypeLike = np.float32,
) -> Recall:
    """numpy/BLAS reference of :func:`neuroplastic.assoc.recall` (same tie keys and semantics).

    Every step computes S = b + X W densely for all active cues, then the same WTA.

    Parameters
    ----------
    net : Network
        Fixed weights.
    cues : PatternSet
        Cues on the network's layout.
    activation : Activation, optional
        KWTA or HWTA (default: the layout's default).
    T_max : int
        Number of steps.
    early_stop : bool
        False (default): all T_max steps for all cues; True: rows that reached a fixed point
        (or a 2-cycle) are frozen and no longer computed.
    seed : int
        Seed of the tie keys.
    q_offset : int
        Query id of the first cue.
    dtype : dtype
        Float type of the products.

    Returns
    -------
    Recall
        States as a PatternSet, steps and 2-cycle flags.

    Raises
    ------
    TypeError, ValueError
        As :func:`neuroplastic.assoc.recall` for invalid inputs.
    """
    activation, T_max, seed = _check_inputs(net, cues, activation, T_max, seed)
    mode, k, M = activation.kernel_mode(cues.layout)
    Q, N = cues.P, cues.N
    W, b = net.kernel_arrays()
    W = W.astype(dtype, copy=False)
    b = b.astype(dtype, copy=False)
    keys = tie_keys_numpy(seed, np.arange(q_offset, q_offset + Q), N)
    cur = cues.idx.copy()
    prev = None
    steps = np.full(Q, T_max, dtype=np.int16)
    cycled = np.zeros(Q, dtype=bool)
    active = np.ones(Q, dtype=bool)
    final = np.zeros((Q, k), dtype=np.int32)
    for t in range(1, T_max + 1):
        rows = np.nonzero(active)[0]
        if rows.size == 0:
            break
        X = np.zeros((rows.size, N), dtype=dtype)
        X[np.arange(rows.size)[:, None], cur[rows]] = 1
        S = dense_supports(X, W, b)
        new = _wta_numpy(S, keys[rows], mode, k, M)
        if cur.shape[1] == k:
            same = np.all(new == cur[rows], axis=1)
        else:
            same = np.zeros(rows.size, bool)
        if prev is not None and prev.shape[1] == k:
            cyc = ~same & np.all(new == prev[rows], axis=1)
        else:
            cyc = np.zeros(rows.size, bool)
        cycled[rows] |= cyc
        if early_stop:
            r = rows[same]
            final[r] = new[same]
            steps[r] = t
            active[r] = False
            r = rows[cyc]
            final[r] = cur[r] if (T_max - t) % 2 == 1 else new[cyc]
            active[r] = False
        nxt = cur.copy() if cur.shape[1] == k else np.zeros((Q, k), np.int32)
        nxt[rows] = new
        prev, cur = cur, nxt
    final[active] = cur[active]
    return Recall(PatternSet(final, cues.layout), steps, cycled)


def recall_torch(
    net: Network,
    cues: PatternSet,
    *,
    activation: Activation | None = None,
    T_max: int = 15,
    seed: int = 0,
    q_offset: int = 0,
    device: str = "cpu",
) -> Recall:
    """torch reference: T_max dense steps S = b + X W for all cues (no early stop).

    Same tie keys as :func:`neuroplastic.assoc.recall`; ±∞ weights as in
    :func:`dense_supports`.

    Parameters
    ----------
    net : Network
        Fixed weights.
    cues : PatternSet
        Cues on the network's layout.
    activation : Activation, optional
        KWTA or HWTA (default: the layout's default).
    T_max : int
        Number of steps.
    seed : int
        Seed of the tie keys.
    q_offset : int
        Query id of the first cue.
    device : str
        torch device.

    Returns
    -------
    Recall
        States as a PatternSet; steps = T_max and no 2-cycle flags.

    Raises
    ------
    TypeError, ValueError
        As :func:`neuroplastic.assoc.recall` for invalid inputs.
    """
    import torch

    activation, T_max, seed = _check_inputs(net, cues, activation, T_max, seed)
    mode, k, M = activation.kernel_mode(cues.layout)
    Q, N = cues.P, cues.N
    Wn, bn = net.kernel_arrays()
    W = torch.from_numpy(np.ascontiguousarray(Wn)).to(device)
    b = torch.from_numpy(np.ascontiguousarray(bn)).to(device)
    keys = torch.from_numpy(tie_keys_numpy(seed, np.arange(q_offset, q_offset + Q), N)).to(device)
    X = torch.zeros((Q, N), dtype=torch.float32, device=device)
    X.scatter_(1, torch.from_numpy(cues.idx.astype(np.int64)).to(device), 1.0)
    ar = torch.arange(Q, device=device)[:, None]
    idx = None
    finite = bool(torch.isfinite(W).all()) and bool(torch.isfinite(b).all())
    if not finite:  # Bayes ±∞: same rule as dense_supports (no 0·∞)
        Wf = torch.where(torch.isfinite(W), W, torch.zeros_like(W))
        bf = torch.where(torch.isfinite(b), b, torch.zeros_like(b))
        Wneg, Wpos = torch.isneginf(W).float(), torch.isposinf(W).float()
    for _ in range(T_max):
        if finite:
            S = torch.addmm(b[None, :].expand(Q, N), X, W)
        else:
            S = torch.addmm(bf[None, :].expand(Q, N), X, Wf)
            S = torch.where(
                ((X @ Wpos) > 0) | torch.isposinf(b)[None, :], torch.full_like(S, float("inf")), S
            )
            S = torch.where(
                ((X @ Wneg) > 0) | torch.isneginf(b)[None, :], torch.full_like(S, float("-inf")), S
            )
        if mode == 0:
            H = N // M
            S3 = S.view(Q, H, M)
            top = S3.max(dim=2, keepdim=True).values
            cand = torch.where(
                S3 == top, keys.view(Q, H, M), torch.full_like(keys.view(Q, H, M), -1)
            )
            m = cand.argmax(dim=2)
            idx = torch.arange(H, device=device)[None, :] * M + m
        else:
            o1 = torch.argsort(keys, dim=1, descending=True, stable=True)
            s1 = torch.gather(S, 1, o1)
            o2 = torch.argsort(s1, dim=1, descending=True, stable=True)
            idx = torch.gather(o1, 1, o2)[:, :k]
            idx = torch.sort(idx, dim=1).values
        X = torch.zeros_like(X)
        X[ar, idx] = 1.0
    states = idx.cpu().numpy().astype(np.int32)
    return Recall(PatternSet(states, cues.layout), np.full(Q, T_max, np.int16), np.zeros(Q, bool))


def _weights(rule, counts, layout, params, key, K):
    c, f = key
    N = layout.N
    noise = CueNoise(min(max((K - c) / K, 0.0), 1.0), min(max(f / (N - K), 0.0), 1.0))
    net = build(rule, counts, layout, noise=noise, **params)
    return net.W, net.b


def _topk(x, key, k):
    order = np.lexsort((-key, -x.astype(np.float64)))
    out = np.zeros(x.shape[0], dtype=np.uint8)
    out[order[:k]] = 1
    return out


def recall_noise_direct(
    counts: Counts,
    layout: Layout,
    rule: str,
    params: dict,
    cues: np.ndarray,
    *,
    activation: Activation,
    T_max: int,
    ane: ANE,
    targets: np.ndarray | None = None,
    cue_key: tuple[int, int],
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """(states uint8[Q, N], steps int16[Q]) computed query by query with freshly built weights."""
    X = np.ascontiguousarray(cues, dtype=np.uint8)
    Q, N = X.shape
    T = None if targets is None else np.ascontiguousarray(targets, dtype=np.uint8)
    K = float(layout.K)
    kind = POTENTIAL_KIND[rule]
    keys = tie_keys_numpy(seed, np.arange(Q), N)
    states = np.zeros_like(X)
    steps = np.full(Q, T_max, dtype=np.int16)
    for q in range(Q):
        st = X[q].copy()
        lev = (int(cue_key[0]), int(cue_key[1]))
        for t in range(T_max):
            W, b = _weights(rule, counts, layout, params, lev, K)
            x = b.copy()
            with np.errstate(invalid="ignore"):
                for i in np.nonzero(st)[0]:
                    x += W[i]
            x[np.isnan(x)] = -np.inf  # a veto beats a certainty (kernels.veto_nan)
            if isinstance(activation, MAP):
                new = (x >= np.float32(0.0 if kind == "logodds" else LOG_HALF)).astype(np.uint8)
            elif isinstance(activation, OracleKWTA):
                new = _topk(x, keys[q], int(T[q].sum()))
            elif isinstance(activation, KWTA):
                new = _topk(x, keys[q], activation.k)
            else:
                raise ValueError("reference supports MAP, KWTA and OracleKWTA")
            nl = int(new.sum())
            if ane.kind == "none":
                chat = None
            elif ane.kind == "oracle":
                chat = float((new & T[q]).sum())
            elif ane.kind == "posterior":
                chat = 0.0
                for j in np.nonzero(new)[0]:
                    v = np.float64(x[j])
                    chat += 1.0 / (1.0 + np.exp(-v)) if kind == "logodds" else min(1.0, np.exp(v))
            else:
                chat = ane.schedule[min(t + 1, len(ane.schedule) - 1)]
            if chat is None:
                nlev = lev
            else:
                c = int(min(max(np.rint(chat), 0), nl))
                nlev = (c, nl - c)
            same = np.array_equal(new, st) and nlev == lev
            st, lev = new, nlev
            if same:
                steps[q] = t + 1
                break
        states[q] = st
    return states, steps


def recall_fixed_dense(
    net: Network, cues: np.ndarray, *, k: int, T_max: int, seed: int = 0
) -> np.ndarray:
    """Dense reference for fixed weights and k-WTA: S = b + X W for all cues at every step
    (float32 BLAS), T_max steps for everyone (no early stop). Returns uint8 states."""
    X = np.ascontiguousarray(cues, dtype=np.float32)
    Q, N = X.shape
    keys = tie_keys_numpy(seed, np.arange(Q), N)
    for _ in range(T_max):
        S = dense_supports(X, net.W, net.b)
        order = np.lexsort((-keys, -S.astype(np.float64)), axis=1)
        Xn = np.zeros_like(X)
        Xn[np.arange(Q)[:, None], order[:, :k]] = 1.0
        X = Xn
    return X.astype(np.uint8)
