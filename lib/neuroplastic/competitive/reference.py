"""Plain numpy transcriptions used as references by tests and benchmarks.

``kh_step_numpy`` follows the official Krotov–Hopfield code line by line: generic
sgn(W)|W|^{p-1}, a full argsort per sample and a dense g v^T product. It is not
optimised on purpose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch


def kh_step_numpy(
    W: np.ndarray,
    v: np.ndarray,
    p: float,
    k: int,
    delta: float,
    eps: float,
    R: float = 1.0,
    nonneg: bool = False,
) -> np.ndarray:
    """One KH minibatch step, the official code's loop body (see :func:`.kh.kh_step`).

    Parameters
    ----------
    W : np.ndarray
        Weights [K, D], updated in place.
    v : np.ndarray
        Minibatch [B, D].
    p, k, delta, eps, R : float
        Lebesgue exponent, anti-Hebbian rank, its strength, step size and radius.
    nonneg : bool
        Clip ``W`` at 0 after the step (KH-nn).

    Returns
    -------
    np.ndarray
        ``W``.
    """
    hid, N = W.shape
    inputs = np.transpose(v)  # N x Num, as in the official code
    Num = inputs.shape[1]
    sig = np.sign(W)
    tot_input = np.dot(sig * np.absolute(W) ** (p - 1), inputs)
    y = np.argsort(tot_input, axis=0)
    yl = np.zeros((hid, Num), dtype=W.dtype)
    yl[y[hid - 1, :], np.arange(Num)] = 1.0
    yl[y[hid - k], np.arange(Num)] = -delta
    xx = np.sum(np.multiply(yl, tot_input), 1)
    ds = (R**p) * np.dot(yl, np.transpose(inputs)) - np.multiply(
        np.tile(xx.reshape(xx.shape[0], 1), (1, N)), W
    )
    nc = np.amax(np.absolute(ds))
    if nc < 1e-30:
        nc = 1e-30
    W += eps * np.true_divide(ds, nc)
    if nonneg:
        np.maximum(W, 0.0, out=W)
    return W


def kh_epoch_numpy(
    W: np.ndarray,
    X: np.ndarray,
    p: float,
    k: int,
    delta: float,
    eps: float,
    batch_size: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """One epoch of the reference: shuffle, then :func:`kh_step_numpy` per minibatch (R = 1).

    Parameters
    ----------
    W : np.ndarray
        Weights [K, D], updated in place.
    X : np.ndarray
        Training inputs [N, D].
    p, k, delta, eps : float
        As for :func:`kh_step_numpy`.
    batch_size : int
        Examples per minibatch.
    rng : np.random.Generator
        Source of the permutation.

    Returns
    -------
    np.ndarray
        ``W``.
    """
    Xs = X[rng.permutation(len(X))]
    for i in range(0, len(X), batch_size):
        kh_step_numpy(W, Xs[i : i + batch_size], p, k, delta, eps)
    return W


def per_sample_fgsm_loop(model: Any, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """FGSM one example at a time (the per-sample baseline for the batched attack).

    Parameters
    ----------
    model : CompetitiveClassifier or BPNet
        Anything with ``logits``.
    x : torch.Tensor
        Pixels [B, D] in [0, 1].
    y : torch.Tensor
        Labels [B].
    eps : float
        L-infinity budget in pixel units.

    Returns
    -------
    torch.Tensor
        Adversarial pixels [B, D].
    """
    import torch

    out = []
    for i in range(len(x)):
        xi = x[i : i + 1].clone().requires_grad_(True)
        loss = torch.nn.functional.cross_entropy(model.logits(xi), y[i : i + 1])
        (g,) = torch.autograd.grad(loss, xi)
        out.append((xi + eps * g.sign()).clamp(0, 1).detach())
    return torch.cat(out)


def per_sample_pgd_loop(
    model: Any,
    x: torch.Tensor,
    y: torch.Tensor,
    eps: float,
    step: float = 0.01,
    iters: int = 40,
    seed: int = 0,
) -> torch.Tensor:
    """PGD one example at a time (no batching), random start, one restart.

    Parameters
    ----------
    model : CompetitiveClassifier or BPNet
        Anything with ``logits``.
    x : torch.Tensor
        Pixels [B, D] in [0, 1].
    y : torch.Tensor
        Labels [B].
    eps, step : float
        Budget and step size in pixel units.
    iters : int
        Steps.
    seed : int
        Seed of the random starts.

    Returns
    -------
    torch.Tensor
        Adversarial pixels [B, D].
    """
    import torch

    g = torch.Generator().manual_seed(seed)
    out = []
    for i in range(len(x)):
        x0 = x[i : i + 1]
        xa = (x0 + (torch.rand(x0.shape, generator=g) * 2 - 1) * eps).clamp(0, 1)
        for _ in range(iters):
            xa.requires_grad_(True)
            loss = torch.nn.functional.cross_entropy(model.logits(xa), y[i : i + 1])
            (gr,) = torch.autograd.grad(loss, xa)
            xa = torch.min(torch.max(xa.detach() + step * gr.sign(), x0 - eps), x0 + eps).clamp(
                0, 1
            )
        out.append(xa.detach())
    return torch.cat(out)
