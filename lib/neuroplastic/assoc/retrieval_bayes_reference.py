"""Plain numpy references of ch02 retrieval (tests and benchmarks only).

:func:`recall_noise_direct` computes, for every query and every step, the weights of its own
noise level from the counters (N² log terms per query and step, through the numpy rule
:func:`neuroplastic.assoc.rules.build` for Bayes, the kernel of
:mod:`~neuroplastic.assoc.noise_weights` for S2/S3), then the potentials and the activation with
the same tie keys and the same ANE update as :func:`~neuroplastic.assoc.retrieval_bayes.recall_noise`.
:func:`recall_fixed_dense` is the dense b + XW reference for fixed weights (all queries, all steps).
Both follow the same semantics (fixed point of state and level, posterior ĉ, calibrated schedule).
"""

from __future__ import annotations

import numpy as np

from .activations import KWTA
from .activations_ch02 import LOG_HALF, MAP, OracleKWTA
from .ane import ANE
from .cues import CueNoise
from .kernels import tie_keys_numpy
from .noise_weights import POTENTIAL_KIND, noise_weights
from .reference import dense_supports
from .rules import build


def _weights(rule, counts, layout, params, key, K):
    c, f = key
    N = layout.N
    noise = CueNoise(min(max((K - c) / K, 0.0), 1.0), min(max(f / (N - K), 0.0), 1.0))
    if rule == "bayes" and "smoothing" not in params:
        p = {k: v for k, v in params.items() if k != "smoothing"}
        net = build("bayes", counts, layout, noise=noise, **p)
    else:
        net = noise_weights(rule, counts, layout, noise, **params)
    return net.W, net.b


def _topk(x, key, k):
    order = np.lexsort((-key, -x.astype(np.float64)))
    out = np.zeros(x.shape[0], dtype=np.uint8)
    out[order[:k]] = 1
    return out


def recall_noise_direct(counts, layout, rule: str, params: dict, cues, *, activation, T_max: int,
                        ane: ANE, targets=None, cue_key, seed: int = 0):
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
            x[np.isnan(x)] = -np.inf          # a veto beats a certainty (kernels.veto_nan)
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


def recall_fixed_dense(net, cues, *, k: int, T_max: int, seed: int = 0):
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
