"""Shared helpers: argument validation, devices, threads, seeded generators."""

from __future__ import annotations

import numbers
import os

import numpy as np
import torch

RULE_VERSION = 1  # bump whenever a training kernel changes (enters every cache key)


def check_int(name, value, lo=None, hi=None):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ValueError(f"{name} must be in [{lo}, {hi}], got {value}")
    return int(value)


def check_float(name, value, lo=None, hi=None, lo_open=False, hi_open=False):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    v = float(value)
    if not np.isfinite(v):
        raise ValueError(f"{name} must be finite, got {v}")
    bad = (lo is not None and (v < lo or (lo_open and v == lo))) or (
        hi is not None and (v > hi or (hi_open and v == hi))
    )
    if bad:
        lb = "(" if lo_open else "["
        rb = ")" if hi_open else "]"
        raise ValueError(f"{name} must be in {lb}{lo}, {hi}{rb}, got {v}")
    return v


def check_choice(name, value, choices):
    if value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value


def check_seed(seed):
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**31 - 1))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int or numpy Generator, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    return int(seed)


def resolve_device(device="cpu") -> torch.device:
    """'cpu' (default), 'cuda', 'auto' (CUDA when present) or a torch.device."""
    if isinstance(device, torch.device):
        return device
    if not isinstance(device, str):
        raise TypeError(f"device must be a str or torch.device, got {type(device).__name__}")
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError("device='cuda' requested but CUDA is not available; use 'cpu' or 'auto'")
    if device != "cpu" and not device.startswith("cuda"):
        raise ValueError(f"device must be 'cpu', 'cuda[:i]' or 'auto', got {device!r}")
    return torch.device(device)


def configure_threads() -> int:
    """torch threads from $OMP_NUM_THREADS, else min(2, cpus). Returns the count."""
    env = os.environ.get("OMP_NUM_THREADS")
    n = int(env) if env and env.isdigit() and int(env) > 0 else min(2, os.cpu_count() or 1)
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n


def generator(seed: int, device: torch.device) -> torch.Generator:
    g = torch.Generator(device=device)
    g.manual_seed(int(seed))
    return g


def as_tensor(X, name="X", device="cpu", dim=2, width=None) -> torch.Tensor:
    """float32 tensor on device; validates dimensionality, width and finiteness."""
    if isinstance(X, torch.Tensor):
        t = X.detach().to(device=device, dtype=torch.float32)
    elif isinstance(X, np.ndarray):
        arr = np.ascontiguousarray(X, dtype=np.float32)
        if not arr.flags.writeable:  # e.g. a joblib memmap in a worker
            arr = arr.copy()
        t = torch.from_numpy(arr).to(device)
    else:
        raise TypeError(f"{name} must be a numpy array or torch tensor, got {type(X).__name__}")
    if t.dim() != dim:
        raise ValueError(f"{name} must be {dim}-d, got shape {tuple(t.shape)}")
    if width is not None and t.shape[-1] != width:
        raise ValueError(f"{name} must have {width} columns, got {t.shape[-1]}")
    if not torch.isfinite(t).all():
        raise ValueError(f"{name} must be finite")
    return t


def as_labels(y, n, device="cpu", n_classes=10) -> torch.Tensor:
    if isinstance(y, torch.Tensor):
        t = y.detach().to(device=device, dtype=torch.int64)
    elif isinstance(y, np.ndarray):
        if not np.issubdtype(y.dtype, np.integer):
            raise TypeError("y must hold integers")
        t = torch.from_numpy(y.astype(np.int64)).to(device)
    else:
        raise TypeError(f"y must be a numpy array or torch tensor, got {type(y).__name__}")
    if t.dim() != 1 or t.shape[0] != n:
        raise ValueError(f"y must be 1-d with {n} entries, got shape {tuple(t.shape)}")
    if n and (t.min() < 0 or t.max() >= n_classes):
        raise ValueError(f"y must be in [0, {n_classes - 1}]")
    return t


def unit_rows(X: torch.Tensor) -> torch.Tensor:
    """x / ||x||_2 row-wise (a zero row stays zero)."""
    return X / X.norm(dim=1, keepdim=True).clamp_min(1e-12)
