"""Iterative retrieval: x(0) = cue, x(t+1) = WTA(b + x(t) W), synchronous, up to T_max steps.

The numba kernel (:func:`neuroplastic.assoc.kernels.recall_kernel`) gathers the K rows of W that
belong to active units (cost Q·K·N per step instead of Q·N²), runs the queries in parallel
(``prange``), selects winners without sorting, breaks ties by hash(seed, query, unit), and stops
each query at its fixed point x(t+1) = x(t) (the final state is identical to running all T_max
steps: the dynamics are deterministic). 2-cycles are flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import check_int, seed_int
from .activations import Activation, default_activation
from .kernels import recall_kernel, support_kernel
from .patterns import PatternSet
from .rules import Network


@dataclass(frozen=True, eq=False)
class Recall:
    """Result of :func:`recall`: final ``states``, ``steps`` (int16[Q], updates until the fixed
    point was detected, T_max if none), ``cycled`` (bool[Q], a 2-cycle was seen) and, if targets
    were given, ``correct`` (bool[Q], exact recall)."""

    states: PatternSet
    steps: np.ndarray
    cycled: np.ndarray
    correct: np.ndarray | None = None
    noise_trace: np.ndarray | None = None
    true_trace: np.ndarray | None = None


def _check_inputs(net, cues, activation, T_max, seed):
    if not isinstance(net, Network):
        raise TypeError(f"net must be a Network (from build); got {type(net).__name__}")
    if not isinstance(cues, PatternSet):
        raise TypeError(f"cues must be a PatternSet; got {type(cues).__name__}")
    if cues.N != net.N or (net.layout is not None and cues.layout != net.layout):
        raise ValueError(f"cues layout {cues.layout!r} does not match the network "
                         f"({net.layout!r}) (mismatched layouts)")
    if activation is None:
        activation = default_activation(cues.layout)
    if not isinstance(activation, Activation):
        raise TypeError(f"activation must be an Activation (KWTA, HWTA, ...); got "
                        f"{type(activation).__name__}")
    T_max = check_int("T_max", T_max, lo=1, hi=10000)
    seed = seed_int(seed)
    return activation, T_max, seed


def _csr(cues: PatternSet):
    P, K = cues.idx.shape
    ptr = (np.arange(P + 1, dtype=np.int64) * K)
    return ptr, cues.idx.reshape(-1)


def recall(net: Network, cues: PatternSet, *, activation: Activation | None = None,
           T_max: int = 15, early_stop: bool = True, seed=0, ane=None, targets=None,
           q_offset: int = 0) -> Recall:
    """Retrieve from all ``cues`` at once with the sparse numba kernel.

    activation: HWTA() (modular) or KWTA(k); default HWTA for modular, KWTA(K) otherwise.
    seed: tie-breaking key seed (int). q_offset: query id of the first cue (tie keys use
    q_offset + row), so a subset of cues can reproduce the full run."""
    activation, T_max, seed = _check_inputs(net, cues, activation, T_max, seed)
    if ane is not None:
        raise ValueError("ane: adaptive noise estimation runs through "
                         "assoc.recall_noise(NoiseTable(counts, layout, 'bayes'), cues, "
                         "activation=..., ane=ANE('posterior')); recall() takes ane=None only")
    mode, k, M = activation.kernel_mode(cues.layout)
    ptr, ind = _csr(cues)
    W, b = net.kernel_arrays()
    states, steps, cycled = recall_kernel(W, b, ptr, ind, mode, k, M, T_max,
                                          bool(early_stop), np.int64(seed), np.int64(q_offset))
    st = PatternSet(states, cues.layout)
    correct = None
    if targets is not None:
        from .measures import correct_rows
        correct = correct_rows(st, targets)
    return Recall(st, steps, cycled, correct)


def supports(net: Network, cues: PatternSet) -> np.ndarray:
    """One-step supports b + Σ_{i in cue} W[i, :] as float32[Q, N] (sparse gather)."""
    if not isinstance(net, Network):
        raise TypeError(f"net must be a Network; got {type(net).__name__}")
    if not isinstance(cues, PatternSet) or cues.N != net.N:
        raise ValueError("cues must be a PatternSet on the network's layout (mismatched layouts)")
    ptr, ind = _csr(cues)
    W, b = net.kernel_arrays()
    return support_kernel(W, b, ptr, ind)
