"""Threads and devices: how many CPU threads the kernels use and where torch computes.

The book assumes at most two cores. :func:`configure_threads` sets numba's and torch's thread
counts from ``$OMP_NUM_THREADS`` (else ``min(2, cpu count)``); :func:`resolve_device` turns a
device name into a ``torch.device`` and says clearly when CUDA was asked for but is absent.
Neither changes results: numba kernels are thread-count independent by design, and torch results
are compared at the thread count the chapters use.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch


def default_threads() -> int:
    """The default thread count: ``$OMP_NUM_THREADS`` if it is a positive int, else
    ``min(2, os.cpu_count())``.

    Returns
    -------
    int
        Threads (>= 1).
    """
    env = os.environ.get("OMP_NUM_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return min(2, os.cpu_count() or 1)


def configure_threads(n: int | None = None) -> int:
    """Set the thread count of torch and numba; return it.

    Parameters
    ----------
    n : int, optional
        Threads to use (>= 1); default :func:`default_threads`. Numba cannot exceed the count it
        was started with (``NUMBA_NUM_THREADS``), so its count is ``min(n, that)``.

    Returns
    -------
    int
        The torch thread count now in effect.
    """
    from .validation import check_int

    n = default_threads() if n is None else check_int("n", n, 1)
    import numba
    import torch

    numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n


def resolve_device(device: Any = "cpu") -> torch.device:
    """A ``torch.device`` from a device name or a ``torch.device``.

    Parameters
    ----------
    device : str or torch.device, default "cpu"
        ``"cpu"``, ``"cuda"``/``"cuda:i"``, ``"auto"`` (CUDA when present, else CPU) or a
        ``torch.device`` (returned as is).

    Returns
    -------
    torch.device

    Raises
    ------
    TypeError
        If ``device`` is neither a str nor a ``torch.device``.
    ValueError
        For an unknown name, or ``"cuda"`` on a machine without CUDA.
    """
    import torch

    if isinstance(device, torch.device):
        return device
    if not isinstance(device, str):
        raise TypeError(f"device must be a str or torch.device; got {type(device).__name__}")
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError("device='cuda' requested but CUDA is not available; use 'cpu' or 'auto'")
    if device != "cpu" and not device.startswith("cuda"):
        raise ValueError(f"device must be 'cpu', 'cuda[:i]' or 'auto'; got {device!r}")
    return torch.device(device)
