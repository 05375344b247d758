"""Krotov & Hopfield (2019) competing hidden units, as in the official code
(DimaKrotov/Biological_Learning), and its nonnegative variant KH-nn.

Per minibatch v (B x D, raw pixels in [0, 1]):
    I_{mu b} = sum_i sgn(W_{mu i}) |W_{mu i}|^{p-1} v_{ib}                  (currents)
    g_{mu b} = 1 for the top unit of sample b, -delta for its rank-k unit, else 0
    ds_{mu i} = sum_b g_{mu b} R^p v_{ib} - (sum_b g_{mu b} I_{mu b}) W_{mu i}
    W <- W + eps * ds / max(max|ds|, 1e-30)          (KH-nn: then W <- max(W, 0))
The sphere ||W_mu||_p = R is invariant under the continuous-time rule. Weights and
inputs are dimensionless; eps is a step size per minibatch.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import torch

from ..runtime import configure_threads, resolve_device
from ..validation import check_float, check_int, check_seed, torch_generator
from .batches import batches
from .configs import KHConfig
from .tensors import as_tensor


def _signed_power(W: torch.Tensor, p: float, out: torch.Tensor | None = None) -> torch.Tensor:
    """sgn(W)|W|^{p-1} (into ``out`` when given), specialised for p = 2 and p = 3."""
    if p == 2.0:
        return W if out is None else out.copy_(W)
    if p == 3.0:
        return W * W.abs() if out is None else torch.abs(W, out=out).mul_(W)
    res = W.sign() * W.abs().pow(p - 1.0)
    return res if out is None else out.copy_(res)


def _kh_update(W, v, p, k, delta, eps, R, nonneg, work=None):
    """One in-place minibatch step; returns the index of each sample's top unit.

    Only units that are some sample's top or rank-k unit have a non-zero ds row (at most 2B of
    K), so ds is formed, normalised and added on those rows alone. ``work``: an optional
    tensor like W that holds sgn(W)|W|^{p-1}; reusing it across steps avoids allocating (and
    page-faulting) a K x D tensor per minibatch, which otherwise costs as much as the product."""
    B = v.shape[0]
    cur = v @ _signed_power(W, p, work).T  # (B, K)
    top = torch.topk(cur, k, dim=1, sorted=True).indices  # (B, k)
    i1, ik = top[:, 0], top[:, k - 1]
    ar = torch.arange(B, device=W.device)
    Rp = float(R) ** p
    units, inv = torch.unique(torch.cat([i1, ik]), return_inverse=True)
    j1, jk = inv[:B], inv[B:]  # rows of ds for each sample's units
    xx = torch.zeros(len(units), dtype=W.dtype, device=W.device)
    xx.index_add_(0, j1, cur[ar, i1])
    xx.index_add_(0, jk, cur[ar, ik], alpha=-delta)
    ds = W[units] * xx.neg_().unsqueeze(1)  # -(sum_b g cur) W on the active rows
    ds.index_add_(0, j1, v, alpha=Rp)
    ds.index_add_(0, jk, v, alpha=-delta * Rp)
    lo, hi = torch.aminmax(ds)
    nc = max(float(hi), -float(lo), 1e-30)
    W.index_add_(0, units, ds, alpha=eps / nc)
    if nonneg:
        W.clamp_(min=0.0)
    return i1


def kh_step(
    W: torch.Tensor,
    v: np.ndarray | torch.Tensor,
    p: float = 3.0,
    k: int = 7,
    delta: float = 0.4,
    eps: float = 0.04,
    R: float = 1.0,
    nonneg: bool = False,
) -> torch.Tensor:
    """One Krotov–Hopfield minibatch update of ``W`` (K x D, modified in place).

    I = sgn(W)|W|^{p-1} v^T; g = 1 for each sample's top unit, -delta for its rank-k unit;
    ds = g (R^p v) - (sum_b g I) W; W <- W + eps ds / max|ds| (KH-nn: then W <- max(W, 0)).
    Weights and inputs are dimensionless; ``eps`` is a step size per minibatch.

    Parameters
    ----------
    W : torch.Tensor
        Floating weights [K, D], updated in place.
    v : np.ndarray or torch.Tensor
        Minibatch [B, D].
    p : float
        Lebesgue exponent (>= 2).
    k : int
        Rank of the anti-Hebbian unit, in [2, K].
    delta : float
        Anti-Hebbian strength (>= 0).
    eps : float
        Step size (>= 0).
    R : float
        Radius of the invariant sphere ||W_mu||_p = R (> 0).
    nonneg : bool
        Clip ``W`` at 0 after the step (KH-nn).

    Returns
    -------
    torch.Tensor
        ``W``.

    Raises
    ------
    TypeError
        If ``W`` is not a 2-d floating tensor or ``v`` not an array/tensor.
    ValueError
        If ``v`` has the wrong width or a parameter is out of range.
    """
    if not isinstance(W, torch.Tensor) or W.dim() != 2 or not W.is_floating_point():
        raise TypeError("W must be a 2-d floating torch tensor")
    v = as_tensor(v, "v", W.device, 2, W.shape[1]).to(W.dtype)
    check_float("p", p, 2.0)
    check_int("k", k, 2, W.shape[0])
    check_float("delta", delta, 0.0)
    check_float("eps", eps, 0.0)
    check_float("R", R, 0.0, lo_open=True)
    _kh_update(W, v, float(p), int(k), float(delta), float(eps), float(R), bool(nonneg))
    return W


@dataclass
class KHLayer:
    """A trained KH layer.

    Attributes
    ----------
    W : torch.Tensor
        Weights [K, D] on the CPU.
    wins : np.ndarray
        int64 [K], wins (top unit of a sample) per unit in the last epoch.
    history : list of dict
        Per epoch: ``epoch``, ``eps``, ``median_norm`` (median ||W_mu||_p), ``active_units``.
    snapshots : dict
        ``{epoch: W copy}`` for the requested epochs (epoch 0 = init).
    config : KHConfig or None
    kind : str
        ``"kh"`` or ``"kh_nn"``.
    wins_total : np.ndarray or None
        int64 [K], wins over all epochs.
    """

    W: torch.Tensor
    wins: np.ndarray
    history: list = field(default_factory=list)
    snapshots: dict = field(default_factory=dict)
    config: KHConfig | None = None
    kind: str = "kh"
    wins_total: np.ndarray | None = None


def _check_snapshots(snapshots, epochs):
    snaps = tuple(int(s) for s in snapshots)
    for s in snaps:
        if not 0 <= s <= epochs:
            raise ValueError(f"snapshots must lie in [0, epochs={epochs}], got {s}")
    return set(snaps)


def train_kh(
    X: np.ndarray | torch.Tensor,
    cfg: KHConfig,
    seed: int | np.random.Generator = 0,
    snapshots: Iterable[int] = (),
    device: str | torch.device = "cpu",
    updates_per_epoch: int | None = None,
    progress: bool = False,
) -> KHLayer:
    """Train a KH (or KH-nn, ``cfg.nonneg``) layer on raw inputs ``X`` (N x D in [0, 1]).

    Init W ~ N(0, 1) (KH-nn: |N(0, 1)|); step size eps_e = eps0 (1 - e/E) in epoch e of E;
    data reshuffled every epoch; each minibatch applies :func:`kh_step`.

    Parameters
    ----------
    X : np.ndarray or torch.Tensor
        Training inputs [N, D].
    cfg : KHConfig
        Layer configuration.
    seed : int or np.random.Generator
        Seed of the initialisation and the batch order.
    snapshots : iterable of int
        Epochs (0..E, 0 = init) at which a copy of ``W`` is kept.
    device : str or torch.device
        "cpu", "cuda[:i]" or "auto".
    updates_per_epoch : int or None
        Minibatches per epoch instead of one pass (few-shot variant S).
    progress : bool
        Show a tqdm bar over epochs.

    Returns
    -------
    KHLayer
        The trained layer (on the CPU).

    Raises
    ------
    TypeError
        If ``cfg`` is not a KHConfig or ``X`` not an array/tensor.
    ValueError
        If ``seed``, ``X``, ``snapshots`` or ``updates_per_epoch`` is invalid.
    """
    if not isinstance(cfg, KHConfig):
        raise TypeError("cfg must be a KHConfig")
    seed = check_seed(seed)
    dev = resolve_device(device)
    configure_threads()
    X = as_tensor(X, "X", dev, 2)
    if updates_per_epoch is not None:
        check_int("updates_per_epoch", updates_per_epoch, 1)
    snaps = _check_snapshots(snapshots, cfg.epochs)
    g = torch_generator(seed, dev)
    W = torch.randn(cfg.n_hidden, X.shape[1], generator=g, device=dev)
    if cfg.nonneg:
        W.abs_()
    out_snaps = {0: W.detach().cpu().clone()} if 0 in snaps else {}
    history = []
    wins = torch.zeros(cfg.n_hidden, device=dev)
    wins_total = torch.zeros(cfg.n_hidden, device=dev)
    work = torch.empty_like(W)
    it = range(cfg.epochs)
    if progress:
        from tqdm.auto import tqdm

        it = tqdm(it, desc="KH-nn" if cfg.nonneg else "KH", leave=False)
    for e in it:
        eps = cfg.eps0 * (1.0 - e / cfg.epochs)
        wins.zero_()
        plan = batches(X.shape[0], cfg.batch_size, g, updates_per_epoch, dev)
        Xp = X[torch.cat(plan)]  # one permuted contiguous copy per epoch
        pos = 0
        for b in plan:
            v = Xp[pos : pos + len(b)]
            pos += len(b)
            i1 = _kh_update(W, v, cfg.p, cfg.k, cfg.delta, eps, cfg.R, cfg.nonneg, work)
            wins.index_add_(0, i1, torch.ones_like(i1, dtype=wins.dtype))
        wins_total += wins
        norms = W.abs().pow(cfg.p).sum(1).pow(1.0 / cfg.p)
        history.append(
            {
                "epoch": e + 1,
                "eps": eps,
                "median_norm": float(norms.median()),
                "active_units": int((wins >= 1).sum()),
            }
        )
        if e + 1 in snaps:
            out_snaps[e + 1] = W.detach().cpu().clone()
    return KHLayer(
        W=W.detach().cpu(),
        wins=wins.cpu().numpy().astype(np.int64),
        history=history,
        snapshots=out_snaps,
        config=cfg,
        kind="kh_nn" if cfg.nonneg else "kh",
        wins_total=wins_total.cpu().numpy().astype(np.int64),
    )
