"""A small VAE estimate of the information rate of a hidden code (chapter 4).

Codes ``h in R^d`` are first standardised (constant units dropped, each unit z-scored with the
training statistics). The VAE has encoder ``d -> hidden -> (mu, log sigma^2) in R^latent`` and
decoder ``latent -> hidden -> d`` (ReLU), a Gaussian likelihood with *fixed* variance ``tau``
per unit (distortion scale: ``tau = 0.1`` is 10 % of each unit's variance), prior ``N(0, I)``
and beta = 1. Loss per example (nats): ``|h - dec(z)|^2 / (2 tau) + KL(q(z|h) || p(z))``.

Reported on the test codes:

* rate ``R = E_h KL(q(z|h) || N(0, I)) / ln 2`` in **bits** per code vector;
* distortion ``D = E |h - dec(mu(h))|^2 / d`` (mean squared error per unit, in units of the
  unit's training variance).

``R`` upper-bounds ``I(H; Z)`` (Alemi et al. 2018, alemi2018fixing) and approximates the
rate-distortion function of the code at distortion ``tau``; for a Gaussian code with covariance
eigenvalues ``lambda_j`` the optimum is ``sum_j max(0, log2(lambda_j / tau) / 2)`` (reverse
water-filling). It is **not** ``I(X; H)``. Compare values only under identical settings (tau,
latent size, architecture).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
import torch
from numpy.typing import ArrayLike
from torch import nn

from ..runtime import configure_threads
from ..validation import check_int, check_seed, torch_generator

__all__ = ["VAERate", "standardize_codes", "vae_rate", "gaussian_rate_distortion"]


def _codes(name, H):
    if isinstance(H, torch.Tensor):
        H = H.detach().cpu().numpy()
    if not isinstance(H, np.ndarray):
        raise TypeError(f"{name} must be a numpy array or torch tensor, got {type(H).__name__}")
    if H.ndim != 2 or H.shape[0] < 2 or H.shape[1] < 1:
        raise ValueError(
            f"{name} must be 2-d (examples x units) with >= 2 rows, got shape {H.shape}"
        )
    H = H.astype(np.float64)
    if not np.all(np.isfinite(H)):
        raise ValueError(f"{name} must be finite")
    return H


def standardize_codes(
    H_train: np.ndarray | torch.Tensor, H_test: np.ndarray | torch.Tensor, min_std: float = 1e-8
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Drop constant units and z-score the rest with the training statistics.

    z = (h - mean_train) / std_train per unit, for the units with std_train > ``min_std``.

    Parameters
    ----------
    H_train, H_test : np.ndarray or torch.Tensor
        Finite codes [examples, units] (>= 2 rows each), same units.
    min_std : float
        Units with training standard deviation <= this are dropped.

    Returns
    -------
    A, B : np.ndarray
        float32 standardised training and test codes (dimensionless).
    kept : np.ndarray
        Indices of the kept units.

    Raises
    ------
    TypeError
        If a code is not an array or tensor.
    ValueError
        If the codes are malformed, differ in width, or every unit is constant.
    """
    A, B = _codes("H_train", H_train), _codes("H_test", H_test)
    if A.shape[1] != B.shape[1]:
        raise ValueError(
            f"H_train and H_test must have the same units, got {A.shape[1]} and {B.shape[1]}"
        )
    mu, sd = A.mean(0), A.std(0)
    kept = np.flatnonzero(sd > min_std)
    if kept.size == 0:
        raise ValueError("every unit of H_train is constant; nothing to encode")
    A = (A[:, kept] - mu[kept]) / sd[kept]
    B = (B[:, kept] - mu[kept]) / sd[kept]
    return A.astype(np.float32), B.astype(np.float32), kept


def gaussian_rate_distortion(eigenvalues: ArrayLike, tau: float) -> float:
    """Reverse water-filling at per-unit distortion ``tau``: ``sum_j max(0, log2(lambda_j/tau)/2)``.

    The exact rate of a Gaussian source whose every component is distorted by at most tau.

    Parameters
    ----------
    eigenvalues : array_like
        Covariance eigenvalues ``lambda_j`` (1-d, >= 0, in the units of ``tau``).
    tau : float
        Distortion per component (> 0).

    Returns
    -------
    float
        Rate in bits per code vector.

    Raises
    ------
    ValueError
        If ``eigenvalues`` is not 1-d and non-negative or ``tau`` is not > 0.
    """
    lam = np.asarray(eigenvalues, dtype=np.float64)
    if lam.ndim != 1 or (lam < 0).any():
        raise ValueError("eigenvalues must be a 1-d array of non-negative numbers")
    if not isinstance(tau, numbers.Real) or not tau > 0:
        raise ValueError(f"tau must be > 0, got {tau!r}")
    with np.errstate(divide="ignore"):
        return float(np.maximum(0.0, 0.5 * np.log2(lam / tau)).sum())


@dataclass(frozen=True)
class VAERate:
    """Result of :func:`vae_rate`.

    Attributes
    ----------
    rate_bits : float
        Rate R in bits per code vector (test codes).
    distortion : float
        Mean squared error per unit (in units of the unit's training variance when
        standardised).
    n_dims : int
        Units encoded.
    dropped_units : int
        Filled by callers that standardised first; 0 otherwise.
    """

    rate_bits: float
    distortion: float
    n_dims: int
    dropped_units: int = 0


class _VAE(nn.Module):
    def __init__(self, d, hidden, latent):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(d, hidden), nn.ReLU(), nn.Linear(hidden, 2 * latent))
        self.dec = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(), nn.Linear(hidden, d))
        self.latent = latent

    def encode(self, h):
        out = self.enc(h)
        return out[:, : self.latent], out[:, self.latent :].clamp(-30.0, 20.0)


def _kl(mu, logvar):
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(1)


def vae_rate(
    H_train: np.ndarray | torch.Tensor,
    H_test: np.ndarray | torch.Tensor,
    latent: int = 16,
    hidden: int = 128,
    tau: float = 0.1,
    epochs: int = 30,
    batch_size: int = 100,
    lr: float = 1e-3,
    seed: int | np.random.Generator = 0,
    dropped_units: int = 0,
) -> VAERate:
    """Fit the VAE of the module docstring and return its rate and distortion on the test codes.

    Loss per example (nats): |h - dec(z)|^2 / (2 tau) + KL(q(z|h) || N(0, I)), Adam;
    R = E KL / ln 2 (bits), D = E |h - dec(mu(h))|^2 / d.

    Parameters
    ----------
    H_train, H_test : np.ndarray or torch.Tensor
        Codes [examples, units], used as given (call :func:`standardize_codes` first).
    latent : int
        Latent dimensions.
    hidden : int
        Hidden units of encoder and decoder.
    tau : float
        Fixed likelihood variance per unit (distortion scale, > 0).
    epochs : int
        Training epochs.
    batch_size : int
        Examples per minibatch.
    lr : float
        Adam learning rate.
    seed : int or np.random.Generator
        Seed of the init, the batch order and the reparameterisation noise.
    dropped_units : int
        Copied into the result.

    Returns
    -------
    VAERate

    Raises
    ------
    TypeError
        If a code is not an array or tensor.
    ValueError
        If the codes are malformed or a parameter is out of range.
    """
    A, B = _codes("H_train", H_train), _codes("H_test", H_test)
    if A.shape[1] != B.shape[1]:
        raise ValueError(
            f"H_train and H_test must have the same units, got {A.shape[1]} and {B.shape[1]}"
        )
    latent = check_int("latent", latent, 1)
    hidden = check_int("hidden", hidden, 1)
    epochs = check_int("epochs", epochs, 1)
    batch_size = check_int("batch_size", batch_size, 1)
    dropped_units = check_int("dropped_units", dropped_units, 0)
    for name, v in (("tau", tau), ("lr", lr)):
        if (
            isinstance(v, bool)
            or not isinstance(v, numbers.Real)
            or not (v > 0 and math.isfinite(v))
        ):
            raise ValueError(f"{name} must be a finite number > 0, got {v!r}")
    seed = check_seed(seed)
    configure_threads()
    cpu = torch.device("cpu")
    g = torch_generator(seed, cpu)
    torch_state = torch.random.get_rng_state()
    torch.manual_seed(seed)  # nn.Linear init draws from the global generator; restored below
    try:
        net = _VAE(A.shape[1], hidden, latent)
    finally:
        torch.random.set_rng_state(torch_state)
    At, Bt = torch.from_numpy(A.astype(np.float32)), torch.from_numpy(B.astype(np.float32))
    opt = torch.optim.Adam(net.parameters(), lr=float(lr))
    inv2tau = 1.0 / (2.0 * float(tau))
    for _ in range(epochs):
        perm = torch.randperm(len(At), generator=g)
        for i in range(0, len(At), batch_size):
            h = At[perm[i : i + batch_size]]
            mu, logvar = net.encode(h)
            z = mu + torch.randn(mu.shape, generator=g) * (0.5 * logvar).exp()
            rec = (net.dec(z) - h).pow(2).sum(1) * inv2tau
            loss = (rec + _kl(mu, logvar)).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    with torch.no_grad():
        mu, logvar = net.encode(Bt)
        rate = float(_kl(mu, logvar).mean()) / math.log(2.0)
        dist = float((net.dec(mu) - Bt).pow(2).mean())
    return VAERate(
        rate_bits=rate, distortion=dist, n_dims=int(A.shape[1]), dropped_units=dropped_units
    )
