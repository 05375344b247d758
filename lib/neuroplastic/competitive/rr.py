"""RR: our reconstruction of a sparse, biologically guided competitive rule.

NOT the authors' rule (their equations were not available). State: W >= 0 (K x D) and
a homeostatic bias b (K). Per minibatch of raw pixels x in [0, 1]^D:
 1. drive u_mu = <W_mu, x/|x|> / |W_mu|_2 in [0, 1]; score s = u + b;
 2. the top k_win units by s are winners (Hebbian); the rank-k_anti unit is anti-Hebbian (delta);
 3. local signal e_{mu i}(x) = x_i - Ibar_mu(x), Ibar_mu = sum_j W_mu j x_j / sum_j W_mu j;
 4. G = mean_{won} e - delta mean_{rank k_anti} e (an empty mean is 0);
 5. multiplicative plasticity W <- W exp(eta_e G), eta_e = eta0 (1 - e/E)
    (ablation A1, plasticity="additive": W <- [W + eta_e G mean(W_mu)]_+ );
 6. synaptic scaling W_mu <- W_mu / sum_i W_mu i;
 7. homeostasis b <- b + eta_b (k_win/K - wins_mu / |batch|);
 8. end of epoch: prune W < theta max_j W_mu j to 0; regrow each silent synapse with
    probability regrow0 (1 - (e+1)/E) at 2 theta max_j W_mu j; then step 6 again.
Steps 5-6 are multiplicative, so no clamp is needed for W >= 0 (no clip anywhere).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import torch

from ..runtime import configure_threads, resolve_device
from ..validation import check_int, check_seed, torch_generator
from .batches import batches
from .configs import RRConfig
from .kh import _check_snapshots
from .tensors import as_tensor, unit_rows

_TINY = 1e-30


@dataclass
class RRState:
    """Mutable RR training state.

    Attributes
    ----------
    W : torch.Tensor
        Weights [K, D], >= 0, rows summing to 1 after each step.
    b : torch.Tensor
        Homeostatic biases [K] (added to the dimensionless scores).
    wins : torch.Tensor
        Wins per unit [K] counted since the last reset.
    """

    W: torch.Tensor
    b: torch.Tensor
    wins: torch.Tensor


def rr_scores(W: torch.Tensor, b: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """RR scores s = <W_mu, x/|x|>/|W_mu|_2 + b_mu (cosine drive plus bias, dimensionless).

    Parameters
    ----------
    W : torch.Tensor
        Weights [K, D].
    b : torch.Tensor
        Biases [K].
    x : torch.Tensor
        Inputs [B, D].

    Returns
    -------
    torch.Tensor
        Scores [B, K].
    """
    return (unit_rows(x) @ W.T) / W.norm(dim=1).clamp_min(_TINY) + b


def rr_step(state: RRState, x: np.ndarray | torch.Tensor, eta: float, cfg: RRConfig) -> RRState:
    """One minibatch of RR steps 1-7 of the module docstring, in place on ``state``.

    G = mean_{won} e - delta mean_{rank k_anti} e with e_{mu i} = x_i - Ibar_mu(x);
    W <- W exp(eta G) (additive: [W + eta G mean(W_mu)]_+), rows rescaled to sum 1;
    b <- b + eta_b (k_win/K - wins_mu / B).

    Parameters
    ----------
    state : RRState
        Updated in place (``W``, ``b``, ``wins``).
    x : np.ndarray or torch.Tensor
        Minibatch [B, D] of raw pixels in [0, 1].
    eta : float
        Learning rate of this step (dimensionless).
    cfg : RRConfig
        ``k_win``, ``k_anti``, ``delta``, ``eta_b`` and ``plasticity``.

    Returns
    -------
    RRState
        ``state``.

    Raises
    ------
    TypeError
        If ``state`` or ``cfg`` has the wrong type.
    ValueError
        If ``x`` has the wrong shape or non-finite entries.
    """
    if not isinstance(state, RRState):
        raise TypeError("state must be an RRState")
    if not isinstance(cfg, RRConfig):
        raise TypeError("cfg must be an RRConfig")
    W, b = state.W, state.b
    x = as_tensor(x, "x", W.device, 2, W.shape[1])
    B, K = x.shape[0], W.shape[0]
    s = rr_scores(W, b, x)
    top = torch.topk(s, cfg.k_anti, dim=1, sorted=True).indices
    win = top[:, : cfg.k_win].reshape(-1)  # (B * k_win,)
    anti = top[:, cfg.k_anti - 1]
    rowsum = W.sum(1).clamp_min(_TINY)
    xw = x.repeat_interleave(cfg.k_win, dim=0) if cfg.k_win > 1 else x

    ibar_w = (xw * W[win]).sum(1) / rowsum[win]  # Ibar of each (sample, winner)
    ibar_a = (x * W[anti]).sum(1) / rowsum[anti]
    ones_w = torch.ones_like(ibar_w)
    n_w = torch.zeros(K, device=W.device).index_add_(0, win, ones_w)
    n_a = torch.zeros(K, device=W.device).index_add_(0, anti, torch.ones_like(ibar_a))
    Gw = torch.zeros_like(W).index_add_(0, win, xw)
    Gw.sub_(torch.zeros(K, device=W.device).index_add_(0, win, ibar_w).unsqueeze(1))
    Gw.div_(n_w.clamp_min(1.0).unsqueeze(1))
    Ga = torch.zeros_like(W).index_add_(0, anti, x)
    Ga.sub_(torch.zeros(K, device=W.device).index_add_(0, anti, ibar_a).unsqueeze(1))
    Ga.div_(n_a.clamp_min(1.0).unsqueeze(1))
    G = Gw.sub_(Ga, alpha=cfg.delta)

    if cfg.plasticity == "multiplicative":
        W.mul_(torch.exp(G.mul_(eta)))
    else:  # A1: additive step, needs a clip
        W.add_(G.mul_(eta) * W.mean(1, keepdim=True)).clamp_(min=0.0)
    W.div_(W.sum(1, keepdim=True).clamp_min(_TINY))
    b.add_(cfg.eta_b * (cfg.k_win / K - n_w / B))
    state.wins.add_(n_w)
    return state


def rr_structural(state: RRState, epoch: int, cfg: RRConfig, generator: torch.Generator) -> RRState:
    """RR step 8 (structural plasticity) at the end of ``epoch``, in place on ``state.W``.

    Prune W_{mu i} < theta max_j W_{mu j} to 0; regrow each silent synapse with probability
    regrow0 (1 - (epoch+1)/E) at 2 theta max_j W_{mu j}; rescale rows to sum 1. Leaves W
    bit-identical when nothing is pruned or regrown.

    Parameters
    ----------
    state : RRState
        Updated in place.
    epoch : int
        0-based epoch, in [0, cfg.epochs - 1].
    cfg : RRConfig
        ``theta``, ``regrow0`` and ``epochs`` (E).
    generator : torch.Generator
        Source of the regrowth draws.

    Returns
    -------
    RRState
        ``state``.

    Raises
    ------
    TypeError
        If ``state`` is not an RRState.
    ValueError
        If ``epoch`` is out of range.
    """
    if not isinstance(state, RRState):
        raise TypeError("state must be an RRState")
    check_int("epoch", epoch, 0, cfg.epochs - 1)
    W = state.W
    rowmax = W.max(dim=1, keepdim=True).values
    changed = False
    if cfg.theta > 0:
        prune = (W < cfg.theta * rowmax) & (W > 0)
        if bool(prune.any()):
            W.masked_fill_(prune, 0.0)
            changed = True
    r = cfg.regrow0 * (1.0 - (epoch + 1) / cfg.epochs)
    if r > 0 and cfg.theta > 0:
        silent = W == 0
        draw = torch.rand(W.shape, generator=generator, device=W.device) < r
        grow = silent & draw
        if bool(grow.any()):
            W.copy_(torch.where(grow, (2 * cfg.theta) * rowmax.expand_as(W), W))
            changed = True
    if changed:
        W.div_(W.sum(1, keepdim=True).clamp_min(_TINY))
    return state


@dataclass
class RRLayer:
    """A trained RR layer.

    Attributes
    ----------
    W : torch.Tensor
        Weights [K, D] (>= 0) on the CPU.
    b : torch.Tensor
        Homeostatic biases [K].
    wins : np.ndarray
        int64 [K], wins per unit in the last epoch.
    silent_history : list of dict
        One per epoch (epoch 0 = init): fractions of synapses exactly 0 and below 0.005 of the
        layer max.
    snapshots : dict
        ``{epoch: (W, b)}`` for the requested epochs.
    config : RRConfig or None
    kind : str
        ``"rr"`` or ``"rr_additive"``.
    """

    W: torch.Tensor
    b: torch.Tensor
    wins: np.ndarray
    silent_history: list = field(default_factory=list)
    snapshots: dict = field(default_factory=dict)
    config: RRConfig | None = None
    kind: str = "rr"


def _silent_record(W, epoch):
    mx = float(W.max())
    return {
        "epoch": epoch,
        "silent_exact": float((W == 0).float().mean()),
        "silent_below_0.005": float((W < 0.005 * mx).float().mean()),
    }


def train_rr(
    X: np.ndarray | torch.Tensor,
    cfg: RRConfig,
    seed: int | np.random.Generator = 0,
    snapshots: Iterable[int] = (),
    device: str | torch.device = "cpu",
    updates_per_epoch: int | None = None,
    progress: bool = False,
) -> RRLayer:
    """Train RR on raw inputs ``X`` (N x D in [0, 1]).

    Init W ~ U(0.5, 1) then row-normalised (dense, uniform), b = 0; in epoch e of E the rate is
    eta_e = eta0 (1 - e/E); :func:`rr_step` per minibatch, :func:`rr_structural` per epoch.

    Parameters
    ----------
    X : np.ndarray or torch.Tensor
        Nonnegative training inputs [N, D].
    cfg : RRConfig
        Layer configuration.
    seed : int or np.random.Generator
        Seed of the initialisation, the batch order and the regrowth.
    snapshots : iterable of int
        Epochs (0..E, 0 = init) at which ``(W, b)`` is kept.
    device : str or torch.device
        "cpu", "cuda[:i]" or "auto".
    updates_per_epoch : int or None
        Minibatches per epoch instead of one pass (few-shot variant S).
    progress : bool
        Show a tqdm bar over epochs.

    Returns
    -------
    RRLayer
        The trained layer (on the CPU).

    Raises
    ------
    TypeError
        If ``cfg`` is not an RRConfig.
    ValueError
        If ``X`` is negative or malformed, or ``seed``, ``snapshots`` or ``updates_per_epoch``
        is invalid.
    """
    if not isinstance(cfg, RRConfig):
        raise TypeError("cfg must be an RRConfig")
    seed = check_seed(seed)
    dev = resolve_device(device)
    configure_threads()
    X = as_tensor(X, "X", dev, 2)
    if float(X.min()) < 0:
        raise ValueError("X must be nonnegative (pixels in [0, 1])")
    if updates_per_epoch is not None:
        check_int("updates_per_epoch", updates_per_epoch, 1)
    snaps = _check_snapshots(snapshots, cfg.epochs)
    g = torch_generator(seed, dev)
    W = torch.rand(cfg.n_hidden, X.shape[1], generator=g, device=dev) * 0.5 + 0.5
    W.div_(W.sum(1, keepdim=True))
    state = RRState(
        W=W, b=torch.zeros(cfg.n_hidden, device=dev), wins=torch.zeros(cfg.n_hidden, device=dev)
    )
    hist = [_silent_record(W, 0)]
    out_snaps = {0: (W.cpu().clone(), state.b.cpu().clone())} if 0 in snaps else {}
    it = range(cfg.epochs)
    if progress:
        from tqdm.auto import tqdm

        it = tqdm(it, desc="RR", leave=False)
    for e in it:
        eta = cfg.eta0 * (1.0 - e / cfg.epochs)
        state.wins.zero_()
        plan = batches(X.shape[0], cfg.batch_size, g, updates_per_epoch, dev)
        Xp = X[torch.cat(plan)]
        pos = 0
        for bidx in plan:
            rr_step(state, Xp[pos : pos + len(bidx)], eta, cfg)
            pos += len(bidx)
        rr_structural(state, e, cfg, g)
        hist.append(_silent_record(state.W, e + 1))
        if e + 1 in snaps:
            out_snaps[e + 1] = (state.W.cpu().clone(), state.b.cpu().clone())
    return RRLayer(
        W=state.W.cpu(),
        b=state.b.cpu(),
        wins=state.wins.cpu().numpy().astype(np.int64),
        silent_history=hist,
        snapshots=out_snaps,
        config=cfg,
        kind="rr" if cfg.plasticity == "multiplicative" else "rr_additive",
    )
