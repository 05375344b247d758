"""Conversion of user arrays to validated torch tensors (features, labels) and row norms."""

from __future__ import annotations

import numpy as np
import torch


def as_tensor(
    X: np.ndarray | torch.Tensor,
    name: str = "X",
    device: str | torch.device = "cpu",
    dim: int = 2,
    width: int | None = None,
) -> torch.Tensor:
    """``X`` (numpy array or tensor) as a float32 tensor on ``device``.

    Parameters
    ----------
    X : np.ndarray or torch.Tensor
        The values (a tensor is detached; a read-only array is copied).
    name : str
        Name used in error messages.
    device : str or torch.device
        Target device.
    dim : int
        Required number of dimensions.
    width : int or None
        Required size of the last dimension, when given.

    Returns
    -------
    torch.Tensor
        float32 on ``device``.

    Raises
    ------
    TypeError
        If ``X`` is neither a numpy array nor a tensor.
    ValueError
        Unless ``X`` has ``dim`` dimensions, ``width`` columns (when given) and only finite
        entries.
    """
    if isinstance(X, torch.Tensor):
        t = X.detach().to(device=device, dtype=torch.float32)
    elif isinstance(X, np.ndarray):
        arr = np.ascontiguousarray(X, dtype=np.float32)
        if not arr.flags.writeable:  # e.g. a joblib memmap in a worker
            arr = arr.copy()
        t = torch.from_numpy(arr).to(device)
    else:
        raise TypeError(f"{name} must be a numpy array or torch tensor; got {type(X).__name__}")
    if t.dim() != dim:
        raise ValueError(f"{name} must be {dim}-d; got shape {tuple(t.shape)}")
    if width is not None and t.shape[-1] != width:
        raise ValueError(f"{name} must have {width} columns; got {t.shape[-1]}")
    if not torch.isfinite(t).all():
        raise ValueError(f"{name} must be finite")
    return t


def as_labels(
    y: np.ndarray | torch.Tensor,
    n: int,
    device: str | torch.device = "cpu",
    n_classes: int = 10,
) -> torch.Tensor:
    """Integer labels ``y`` as an int64 tensor of ``n`` entries in [0, n_classes − 1].

    Parameters
    ----------
    y : np.ndarray or torch.Tensor
        Class labels (a numpy array must have an integer dtype).
    n : int
        Required number of labels.
    device : str or torch.device
        Target device.
    n_classes : int
        Number of classes.

    Returns
    -------
    torch.Tensor
        int64, shape [n], on ``device``.

    Raises
    ------
    TypeError
        If ``y`` is not an array/tensor or holds non-integers.
    ValueError
        If ``y`` is not 1-d with ``n`` entries in [0, n_classes − 1].
    """
    if isinstance(y, torch.Tensor):
        t = y.detach().to(device=device, dtype=torch.int64)
    elif isinstance(y, np.ndarray):
        if not np.issubdtype(y.dtype, np.integer):
            raise TypeError("y must hold integers")
        t = torch.from_numpy(y.astype(np.int64)).to(device)
    else:
        raise TypeError(f"y must be a numpy array or torch tensor; got {type(y).__name__}")
    if t.dim() != 1 or t.shape[0] != n:
        raise ValueError(f"y must be 1-d with {n} entries; got shape {tuple(t.shape)}")
    if n and (t.min() < 0 or t.max() >= n_classes):
        raise ValueError(f"y must be in [0, {n_classes - 1}]")
    return t


def unit_rows(X: torch.Tensor) -> torch.Tensor:
    """Rows scaled to unit Euclidean norm, x / max(‖x‖₂, 1e-12).

    Parameters
    ----------
    X : torch.Tensor
        [n, D].

    Returns
    -------
    torch.Tensor
        [n, D]; a zero row stays zero.
    """
    return X / X.norm(dim=1, keepdim=True).clamp_min(1e-12)
