"""Minibatch index plans: the one way every training loop of the package draws its batches.

An epoch is one pass through a fresh permutation ``torch.randperm(n, generator=g)`` cut into
batches of ``batch_size`` (the last one shorter). A fixed number of updates instead cycles through
permutations, drawing a new one whenever the next full batch would run past the end.
"""

from __future__ import annotations

import torch


def batches(
    n: int,
    batch_size: int,
    g: torch.Generator,
    updates: int | None = None,
    device: str | torch.device = "cpu",
) -> list[torch.Tensor]:
    """Minibatch index tensors drawn from ``g``.

    Parameters
    ----------
    n : int
        Number of examples.
    batch_size : int
        Examples per minibatch.
    g : torch.Generator
        Source of the permutations (on ``device``).
    updates : int or None
        None: one pass through a fresh permutation of ``range(n)`` (the last batch shorter);
        else that many full batches of ``min(batch_size, n)`` indices, cycling through fresh
        permutations.
    device : str or torch.device
        Device of the index tensors.

    Returns
    -------
    list of torch.Tensor
        int64 index batches.
    """
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


def batch_plan(
    n: int,
    batch_size: int,
    epochs: int,
    steps: int | None,
    g: torch.Generator,
    device: str | torch.device = "cpu",
) -> tuple[list[tuple[int, torch.Tensor]], int]:
    """The whole minibatch schedule of a training run.

    Parameters
    ----------
    n, batch_size : int
        Examples and examples per minibatch.
    epochs : int
        Passes through the data (used when ``steps`` is None).
    steps : int or None
        Exactly this many minibatch updates instead of ``epochs`` passes.
    g : torch.Generator
        Source of the permutations.
    device : str or torch.device
        Device of the index tensors.

    Returns
    -------
    plan : list of (int, torch.Tensor)
        ``(t, batch)`` with t the epoch (0-based) or, with ``steps``, the step.
    horizon : int
        ``epochs``, or ``steps`` when given (the length of a linear rate decay ``1 - t/horizon``).
    """
    if steps is None:
        plan = [(e, b) for e in range(epochs) for b in batches(n, batch_size, g, None, device)]
        return plan, epochs
    return list(enumerate(batches(n, batch_size, g, steps, device))), steps
