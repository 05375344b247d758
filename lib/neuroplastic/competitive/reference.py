"""Plain numpy transcriptions used as references by tests and benchmarks.

``kh_step_numpy`` follows the official Krotov–Hopfield code line by line: generic
sgn(W)|W|^{p-1}, a full argsort per sample and a dense g v^T product. It is not
optimised on purpose.
"""

from __future__ import annotations

import numpy as np


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
    """One KH minibatch step; ``W`` (K x D) is updated in place and returned; ``v`` is B x D."""
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
    """One epoch of the reference: shuffle, then ``kh_step_numpy`` per minibatch."""
    Xs = X[rng.permutation(len(X))]
    for i in range(0, len(X), batch_size):
        kh_step_numpy(W, Xs[i : i + batch_size], p, k, delta, eps)
    return W


def per_sample_fgsm_loop(model, x, y, eps):
    """FGSM one example at a time (the per-sample baseline for the batched attack)."""
    import torch

    out = []
    for i in range(len(x)):
        xi = x[i : i + 1].clone().requires_grad_(True)
        loss = torch.nn.functional.cross_entropy(model.logits(xi), y[i : i + 1])
        (g,) = torch.autograd.grad(loss, xi)
        out.append((xi + eps * g.sign()).clamp(0, 1).detach())
    return torch.cat(out)


def per_sample_pgd_loop(model, x, y, eps, step=0.01, iters=40, seed=0):
    """PGD one example at a time (no batching), random start."""
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
