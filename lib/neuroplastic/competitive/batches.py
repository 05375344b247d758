"""Minibatch index plans: the one way every training loop of the package draws its batches.

An epoch is one pass through a fresh permutation ``torch.randperm(n, generator=g)`` cut into
batches of ``batch_size`` (the last one shorter). A fixed number of updates instead cycles through
permutations, drawing a new one whenever the next full batch would run past the end.
"""

from __future__ import annotations

import torch


def batches(n: int, batch_size: int, g: torch.Generator, updates: int | None = None, device="cpu"):
    """Index batches (int64 tensors): one pass through a fresh permutation of ``range(n)`` or,
    when ``updates`` is given, that many full batches of ``min(batch_size, n)`` indices cycling
    through permutations."""
    perm = torch.randperm(n, generator=g, device=device)
    if updates is None:
        return [perm[i : i + batch_size] for i in range(0, n, batch_size)]
    out, pos, bs = [], 0, min(batch_size, n)
    for _ in range(updates):
        if pos + bs > n:
            perm, pos = torch.randperm(n, generator=g, device=device), 0
        out.append(perm[pos : pos + bs])
        pos += bs
    return out


def batch_plan(n: int, batch_size: int, epochs: int, steps: int | None, g, device="cpu"):
    """``([(t, batch)], horizon)``: ``epochs`` passes (t = epoch, horizon = epochs) or, when
    ``steps`` is given, exactly that many batches (t = step, horizon = steps)."""
    if steps is None:
        plan = [(e, b) for e in range(epochs) for b in batches(n, batch_size, g, None, device)]
        return plan, epochs
    return list(enumerate(batches(n, batch_size, g, steps, device))), steps
