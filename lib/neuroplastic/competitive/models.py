"""Classifiers as ``nn.Module``s mapping pixels x in [0, 1]^784 to logits, with every
normalisation and k-WTA inside (so attacks see the whole model), and their training.

* ``KHClassifier``: h = relu(W x/|x|)^n, logits = beta S h (the tanh is only in the loss).
* ``RRClassifier``: s = <W, x/|x|>/|W| + b, h = [s - s_(k_h+1)]_+ / sigma_h, logits = S h + c.
* ``BPNet``: 784-K-10 ReLU net.
All expose ``logits``, ``hidden``, ``predict``, ``input_weights``, ``readout_weights``.
"""

from __future__ import annotations

import contextlib
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..runtime import configure_threads, resolve_device
from ..validation import check_int, check_seed, torch_generator
from .batches import batch_plan
from .configs import BPConfig, KHReadoutConfig, RRReadoutConfig
from .kh import KHLayer
from .rr import RRLayer
from .tensors import as_labels, as_tensor, unit_rows


class CompetitiveClassifier(nn.Module):
    """Base class: frozen input layer + trained readout."""

    kind = "competitive"

    def forward(self, x):
        return self.logits(x)

    @torch.no_grad()
    def predict(self, x, batch_size: int = 2000) -> np.ndarray:
        x = as_tensor(x, "x", self.device, 2, 784 if self.input_dim is None else self.input_dim)
        return (
            torch.cat(
                [self.logits(x[i : i + batch_size]).argmax(1) for i in range(0, len(x), batch_size)]
            )
            .cpu()
            .numpy()
        )

    @torch.no_grad()
    def accuracy(self, x, y) -> float:
        return float((self.predict(x) == np.asarray(y)).mean())

    @torch.no_grad()
    def hidden_np(self, x, batch_size: int = 2000) -> np.ndarray:
        x = as_tensor(x, "x", self.device, 2)
        return (
            torch.cat([self.hidden(x[i : i + batch_size]) for i in range(0, len(x), batch_size)])
            .cpu()
            .numpy()
        )

    @property
    def device(self):
        return next(iter(self.buffers())).device

    input_dim = None

    def input_weights(self) -> np.ndarray:
        return self.W.detach().cpu().numpy().copy()

    def readout_weights(self) -> np.ndarray:
        return self.S.detach().cpu().numpy().copy()


class KHClassifier(CompetitiveClassifier):
    """hopfield19 readout on a frozen KH/KH-nn layer."""

    def __init__(self, W, S, beta, n=4.5, m=6.0, kind="kh"):
        super().__init__()
        self.register_buffer("W", torch.as_tensor(W, dtype=torch.float32).clone())
        self.register_buffer("S", torch.as_tensor(S, dtype=torch.float32).clone())
        self.beta, self.n, self.m, self.kind = float(beta), float(n), float(m), kind
        self.selection = {}

    def hidden(self, x):
        return torch.relu(unit_rows(x) @ self.W.T).pow(self.n)

    def logits(self, x):
        return self.beta * (self.hidden(x) @ self.S.T)

    def own_loss(self, x, y, reduction="none"):
        """sum_alpha |tanh(logits) - t|^m with t = +-1 (m applied literally)."""
        t = 2.0 * F.one_hot(y, self.S.shape[0]).float() - 1.0
        loss = (torch.tanh(self.logits(x)) - t).abs().pow(self.m).sum(1)
        return loss if reduction == "none" else loss.mean()


def rr_scores(W: torch.Tensor, b: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
    """RR's scores s_i(x) = ⟨W_i, x/‖x‖⟩ / ‖W_i‖ + b_i (the cosine of input and kernel plus the
    unit's bias), shape [n, K]."""
    return (unit_rows(X) @ W.T) / W.norm(dim=1).clamp_min(1e-30) + b


def kwta_threshold(s: torch.Tensor, k_h: int) -> torch.Tensor:
    """The (k_h + 1)-th largest score of each row, shape [n, 1]: the k-WTA threshold."""
    return torch.topk(s, k_h + 1, dim=1).values[:, -1:]


@torch.no_grad()
def rr_features(W, b, X, k_h: int) -> torch.Tensor:
    """RR's continuous k-WTA features h_i = [s_i − s_(k_h+1)]_+ (before the readout's scale
    1/σ_h): the k_h best units keep their margin over the first loser, all others are 0.

    ``W`` [K, D], ``b`` [K] and ``X`` [n, D] may be tensors or arrays (float32); returns a
    float32 tensor [n, K] (no gradient)."""
    W, b, X = (
        torch.as_tensor(np.asarray(a) if not torch.is_tensor(a) else a, dtype=torch.float32)
        for a in (W, b, X)
    )
    s = rr_scores(W, b, X)
    return torch.relu(s - kwta_threshold(s, k_h))


class RRClassifier(CompetitiveClassifier):
    """Local readout on RR's continuous k-WTA features.

    ``threshold_mode``: "exact" (gradients flow through the k-th score), "bpda" (the
    threshold is detached in the backward pass) or "frozen" (fixed at values set by
    ``freeze_threshold``)."""

    def __init__(self, W, b, S, c, k_h, sigma_h, kind="rr"):
        super().__init__()
        self.register_buffer("W", torch.as_tensor(W, dtype=torch.float32).clone())
        self.register_buffer("b", torch.as_tensor(b, dtype=torch.float32).clone())
        self.register_buffer("S", torch.as_tensor(S, dtype=torch.float32).clone())
        self.register_buffer("c", torch.as_tensor(c, dtype=torch.float32).clone())
        self.k_h, self.sigma_h, self.kind = int(k_h), float(sigma_h), kind
        self.threshold_mode = "exact"
        self._frozen = None

    def scores(self, x):
        return rr_scores(self.W, self.b, x)

    def threshold(self, s):
        return kwta_threshold(s, self.k_h)

    def hidden(self, x):
        s = self.scores(x)
        if self.threshold_mode == "frozen":
            if self._frozen is None or self._frozen.shape[0] != s.shape[0]:
                raise RuntimeError(
                    "threshold_mode='frozen' needs freeze_threshold(x) on this batch"
                )
            thr = self._frozen
        else:
            thr = self.threshold(s)
            if self.threshold_mode == "bpda":
                thr = thr.detach()
        return torch.relu(s - thr) / self.sigma_h

    @torch.no_grad()
    def freeze_threshold(self, x):
        self._frozen = self.threshold(self.scores(x))

    @contextlib.contextmanager
    def mode(self, threshold_mode, x_clean=None):
        old = self.threshold_mode
        if threshold_mode not in ("exact", "bpda", "frozen"):
            raise ValueError("threshold_mode must be 'exact', 'bpda' or 'frozen'")
        self.threshold_mode = threshold_mode
        if threshold_mode == "frozen":
            self.freeze_threshold(x_clean)
        try:
            yield self
        finally:
            self.threshold_mode, self._frozen = old, None

    def logits(self, x):
        return self.hidden(x) @ self.S.T + self.c


class BPNet(CompetitiveClassifier):
    """784-K-10 ReLU network trained end to end by backprop."""

    def __init__(self, n_in=784, n_hidden=400, n_out=10, unit_input=False, kind="bp"):
        super().__init__()
        self.fc1 = nn.Linear(n_in, n_hidden)
        self.fc2 = nn.Linear(n_hidden, n_out)
        self.unit_input, self.kind = bool(unit_input), kind

    @property
    def device(self):
        return self.fc1.weight.device

    def hidden(self, x):
        return torch.relu(self.fc1(unit_rows(x) if self.unit_input else x))

    def logits(self, x):
        return self.fc2(self.hidden(x))

    def input_weights(self):
        return self.fc1.weight.detach().cpu().numpy().copy()

    def readout_weights(self):
        return self.fc2.weight.detach().cpu().numpy().copy()


# --------------------------------------------------------------------------- training


def _adam(params, lr):
    """Adam with the fused CPU/CUDA kernel when available (same math, fewer launches)."""
    params = list(params)
    try:
        return torch.optim.Adam(params, lr=lr, fused=True)
    except (RuntimeError, TypeError, ValueError):
        return torch.optim.Adam(params, lr=lr, foreach=True)


def _init_linear(layer: nn.Linear, g: torch.Generator):
    """PyTorch's default Linear init, drawn from ``g`` (deterministic)."""
    nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=g)
    bound = 1.0 / math.sqrt(layer.weight.shape[1])
    nn.init.uniform_(layer.bias, -bound, bound, generator=g)


def train_bp(X, y, cfg: BPConfig, seed=0, device="cpu", steps: int | None = None) -> BPNet:
    """Adam on softmax cross-entropy. nonneg_hidden: W1 <- |W1| at init and W1 <- max(W1, 0)
    after every step (projected gradient); nonneg_readout likewise for W2.
    ``steps``: a fixed number of minibatch updates instead of ``cfg.epochs`` passes."""
    if not isinstance(cfg, BPConfig):
        raise TypeError("cfg must be a BPConfig")
    seed = check_seed(seed)
    dev = resolve_device(device)
    configure_threads()
    X = as_tensor(X, "X", dev, 2)
    y = as_labels(y, X.shape[0], dev)
    if steps is not None:
        check_int("steps", steps, 1)
    g = torch_generator(seed, torch.device("cpu"))
    kind = "bp_unit" if cfg.unit_input else ("bp_nn" if cfg.nonneg_hidden else "bp")
    net = BPNet(X.shape[1], cfg.n_hidden, 10, cfg.unit_input, kind=kind)
    _init_linear(net.fc1, g)
    _init_linear(net.fc2, g)
    with torch.no_grad():
        if cfg.nonneg_hidden:
            net.fc1.weight.abs_()
        if cfg.nonneg_readout:
            net.fc2.weight.abs_()
    net.to(dev)
    gd = torch_generator(seed + 1, dev)
    opt = _adam(net.parameters(), cfg.lr)
    plan, _ = batch_plan(len(X), cfg.batch_size, cfg.epochs, steps, gd, dev)
    for _, idx in plan:
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(net.logits(X[idx]), y[idx]).backward()
        opt.step()
        with torch.no_grad():
            if cfg.nonneg_hidden:
                net.fc1.weight.clamp_(min=0.0)
            if cfg.nonneg_readout:
                net.fc2.weight.clamp_(min=0.0)
    net.eval()
    return net


def _kh_readout_fit(H, y, beta, cfg, seed, dev, steps=None):
    g = torch_generator(seed, dev)
    S = (torch.randn(10, H.shape[1], generator=g, device=dev) * 0.01).requires_grad_(True)
    opt = _adam([S], cfg.lr)
    t = 2.0 * F.one_hot(y, 10).float() - 1.0
    plan, _ = batch_plan(len(H), cfg.batch_size, cfg.epochs, steps, g, dev)
    for _, idx in plan:
        opt.zero_grad(set_to_none=True)
        c = torch.tanh(beta * (H[idx] @ S.T))
        (c - t[idx]).abs().pow(cfg.m).sum().backward()
        opt.step()
    return S.detach()


def widen_grid(name, grid, score, max_widen=3, factor=10.0, maximize=True):
    """Grid search over the increasing ``grid`` with ``score(value)`` (higher is better when
    ``maximize``), widened by ``factor`` beyond whichever edge wins, at most ``max_widen``
    times per side, until the best value is interior (ties go to the smaller value).
    Returns a :class:`neuroplastic.tuning.GridSearch` over every value tried, whose
    ``on_edge`` says whether the widening stopped on an edge."""
    from neuroplastic.tuning import grid_search

    grid = sorted(float(g) for g in grid)
    widened = {"lower": 0, "upper": 0}
    while True:
        scores = [score(g) for g in grid]
        # ties to the smaller value: reverse so that the first maximum found is the smallest
        gs = grid_search(name, grid, [-s if maximize else s for s in scores], minimize=True)
        best = min(range(len(grid)), key=lambda i: (gs.scores[i], grid[i]))
        edge = "lower" if best == 0 else "upper" if best == len(grid) - 1 else None
        if edge is None or widened[edge] >= max_widen:
            break
        widened[edge] += 1
        grid = (
            [_round3(grid[0] / factor)] + grid
            if edge == "lower"
            else grid + [_round3(grid[-1] * factor)]
        )
    return grid_search(name, grid, scores, minimize=not maximize)


def _round3(v: float) -> float:
    """``v`` to 3 significant digits.

    Grid values stay readable: 0.009, not 0.009000000000000001."""
    return float(f"{v:.3g}")


def _stratified_val(y: np.ndarray, frac: float, seed: int):
    rng = np.random.default_rng(seed)
    val = []
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        val.append(idx[: max(1, int(round(frac * len(idx))))])
    val = np.sort(np.concatenate(val))
    return np.setdiff1d(np.arange(len(y)), val), val


def node_perturbation_grad(z, y, h, sigma, g):
    """Antithetic node-perturbation estimate of d(mean CE)/dS and d/dc for logits z
    (B x 10), features h (B x K): xi ~ N(0, sigma^2), delta = l(z+xi) - l(z-xi),
    grad_S ~ sum_b delta_b xi_b h_b^T / (2 sigma^2 B). Uses only the global scalar delta_b,
    the postsynaptic perturbation and the presynaptic activity (three factors)."""
    xi = torch.randn(z.shape, generator=g, device=z.device) * sigma
    d = F.cross_entropy(z + xi, y, reduction="none") - F.cross_entropy(z - xi, y, reduction="none")
    e = (d.unsqueeze(1) * xi) / (2.0 * sigma**2 * z.shape[0])
    return e.T @ h, e.sum(0)


def delta_grad(z, y, h):
    """Exact gradient of the mean cross-entropy: (softmax(z) - onehot(y)) h^T / B."""
    e = (torch.softmax(z, 1) - F.one_hot(y, z.shape[1]).float()) / z.shape[0]
    return e.T @ h, e.sum(0)


def train_readout(
    layer,
    X,
    y,
    cfg,
    seed=0,
    device="cpu",
    steps: int | None = None,
    beta=None,
    val_frac: float = 0.1,
):
    """Train the readout of a frozen layer. ``layer``: KHLayer (with KHReadoutConfig) or
    RRLayer (with RRReadoutConfig). For KH with ``cfg.beta is None`` and no ``beta``
    given, beta is picked from (0.01, 0.1, 1) on a stratified ``val_frac`` split of the
    training data, then the readout is retrained on all of it. ``steps`` fixes the
    number of minibatch updates (few-shot). Returns a ``CompetitiveClassifier``."""
    seed = check_seed(seed)
    dev = resolve_device(device)
    configure_threads()
    X = as_tensor(X, "X", dev, 2)
    y_np = np.asarray(y)
    yt = as_labels(y, X.shape[0], dev)
    if steps is not None:
        check_int("steps", steps, 1)
    if isinstance(layer, KHLayer):
        if not isinstance(cfg, KHReadoutConfig):
            raise TypeError("a KHLayer needs a KHReadoutConfig")
        W = layer.W.to(dev)
        with torch.no_grad():
            H = torch.relu(unit_rows(X) @ W.T).pow(cfg.n)
        selection, search = {}, None
        b = beta if beta is not None else cfg.beta
        if b is None:
            tr, va = _stratified_val(y_np, val_frac, seed)

            def score(cand):
                if cand not in selection:
                    S = _kh_readout_fit(H[tr], yt[tr], cand, cfg, seed, dev, steps)
                    selection[cand] = float(((H[va] @ S.T).argmax(1) == yt[va]).float().mean())
                return selection[cand]

            search = widen_grid("beta", list(cfg.beta_grid), score, cfg.beta_widen)
            b = search.best
        S = _kh_readout_fit(H, yt, float(b), cfg, seed, dev, steps)
        model = KHClassifier(W, S, b, cfg.n, cfg.m, kind=layer.kind)
        model.selection = dict(sorted(selection.items()))
        model.beta_search = search
        return model.to(dev).eval()
    if isinstance(layer, RRLayer):
        if not isinstance(cfg, RRReadoutConfig):
            raise TypeError("an RRLayer needs an RRReadoutConfig")
        W, bias = layer.W.to(dev), layer.b.to(dev)
        k_h = cfg.k_h if cfg.k_h is not None else max(1, W.shape[0] // 8)
        if k_h >= W.shape[0]:
            raise ValueError(f"k_h must be < n_hidden={W.shape[0]}, got {k_h}")
        with torch.no_grad():
            H = rr_features(W, bias, X, k_h)
            sigma_h = max(float(H.std()), 1e-12)
            H = H / sigma_h
        S, c = _rr_readout_fit(H, yt, cfg, seed, dev, steps)
        return RRClassifier(W, bias, S, c, k_h, sigma_h, kind=layer.kind).to(dev).eval()
    raise TypeError(f"layer must be a KHLayer or an RRLayer, got {type(layer).__name__}")


def _rr_readout_fit(H, y, cfg: RRReadoutConfig, seed, dev, steps=None):
    g = torch_generator(seed, dev)
    S = torch.zeros(10, H.shape[1], device=dev)
    c = torch.zeros(10, device=dev)
    plan, total = batch_plan(len(H), cfg.batch_size, cfg.epochs, steps, g, dev)
    for t, idx in plan:
        rr_readout_step(S, c, H[idx], y[idx], cfg.eta * (1.0 - t / total), cfg, g)
    return S, c


def rr_readout_step(S, c, h, y, eta, cfg: RRReadoutConfig, g) -> None:
    """One in-place step of RR's local readout rule on the batch (h, y), learning rate ``eta``:
    delta rule or node perturbation, then synaptic decay towards 0 (soft threshold λ·η)."""
    z = h @ S.T + c
    if cfg.rule == "node_perturbation":
        gS, gc = node_perturbation_grad(z, y, h, cfg.sigma, g)
    else:
        gS, gc = delta_grad(z, y, h)
    S.sub_(gS, alpha=eta)
    c.sub_(gc, alpha=eta)
    if cfg.lambda_ > 0:
        S.copy_(S.sign() * (S.abs() - eta * cfg.lambda_).clamp_min(0.0))


def tune_rr_readout(
    layer,
    X,
    y,
    cfg: RRReadoutConfig,
    grid=(0.1, 0.5, 2.0),
    seed=0,
    device="cpu",
    val_frac: float = 0.1,
    min_points: int = 0,
    factor: float = 4.0,
    max_widen: int = 2,
):
    """RR's readout rate ``eta`` chosen on a stratified ``val_frac`` validation split of the
    training data (the same protocol as hopfield19's beta), widened beyond a winning edge and
    to at least ``min_points`` values (so that RR gets a baseline's tuning budget), then the
    readout is retrained on all the data with the best value. Returns (model, GridSearch)."""
    if not isinstance(layer, RRLayer):
        raise TypeError(f"layer must be an RRLayer, got {type(layer).__name__}")
    from dataclasses import replace

    from neuroplastic.tuning import grid_search

    check_int("min_points", min_points, 0)
    X_np, y_np = np.asarray(X), np.asarray(y)
    tr, va = _stratified_val(y_np, val_frac, check_seed(seed))
    memo = {}

    def score(eta):
        if eta not in memo:
            m = train_readout(layer, X_np[tr], y_np[tr], replace(cfg, eta=float(eta)), seed, device)
            memo[eta] = m.accuracy(X_np[va], y_np[va])
        return memo[eta]

    gs = widen_grid("eta", list(grid), score, max_widen, factor, maximize=True)
    g, side = list(gs.grid), 0
    while len(g) < min_points:
        g = [_round3(g[0] / factor)] + g if side == 0 else g + [_round3(g[-1] * factor)]
        side = 1 - side
    if len(g) > len(gs.grid):
        gs = grid_search("eta", g, [score(v) for v in g], minimize=False)
    model = train_readout(layer, X_np, y_np, replace(cfg, eta=float(gs.best)), seed, device)
    model.layer = layer
    model.eta_search = gs
    return model, gs
