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
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from ..tuning import GridSearch


class CompetitiveClassifier(nn.Module):
    """Base class: frozen input layer + trained readout.

    Subclasses define ``hidden(x)`` and ``logits(x)`` on float32 tensors [B, 784] of pixels in
    [0, 1]; ``W`` is the input layer [K, 784] and ``S`` the readout [10, K].
    """

    kind = "competitive"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The logits, ``self.logits(x)``.

        Parameters
        ----------
        x : torch.Tensor
            Pixels [B, D] in [0, 1].

        Returns
        -------
        torch.Tensor
            Logits [B, 10].
        """
        return self.logits(x)

    @torch.no_grad()
    def predict(self, x: np.ndarray | torch.Tensor, batch_size: int = 2000) -> np.ndarray:
        """Predicted class argmax_c logits_c(x) per row, in chunks of ``batch_size``.

        Parameters
        ----------
        x : np.ndarray or torch.Tensor
            Pixels [N, D] (D = ``input_dim``, default 784).
        batch_size : int
            Rows per forward pass.

        Returns
        -------
        np.ndarray
            int64 [N] class indices.

        Raises
        ------
        TypeError, ValueError
            If ``x`` is not a finite 2-d array/tensor of the right width.
        """
        x = as_tensor(x, "x", self.device, 2, 784 if self.input_dim is None else self.input_dim)
        return (
            torch.cat(
                [self.logits(x[i : i + batch_size]).argmax(1) for i in range(0, len(x), batch_size)]
            )
            .cpu()
            .numpy()
        )

    @torch.no_grad()
    def accuracy(self, x: np.ndarray | torch.Tensor, y: np.ndarray | torch.Tensor) -> float:
        """Fraction of rows of ``x`` predicted as their label, mean(predict(x) == y).

        Parameters
        ----------
        x : np.ndarray or torch.Tensor
            Pixels [N, D].
        y : np.ndarray or torch.Tensor
            Labels [N].

        Returns
        -------
        float
            Accuracy in [0, 1].
        """
        return float((self.predict(x) == np.asarray(y)).mean())

    @torch.no_grad()
    def hidden_np(self, x: np.ndarray | torch.Tensor, batch_size: int = 2000) -> np.ndarray:
        """Hidden code ``self.hidden(x)`` as a numpy array, in chunks of ``batch_size``.

        Parameters
        ----------
        x : np.ndarray or torch.Tensor
            Pixels [N, D].
        batch_size : int
            Rows per forward pass.

        Returns
        -------
        np.ndarray
            float32 [N, K].
        """
        x = as_tensor(x, "x", self.device, 2)
        return (
            torch.cat([self.hidden(x[i : i + batch_size]) for i in range(0, len(x), batch_size)])
            .cpu()
            .numpy()
        )

    @property
    def device(self) -> torch.device:
        """Device of the model's buffers.

        Returns
        -------
        torch.device
        """
        return next(iter(self.buffers())).device

    input_dim = None

    def input_weights(self) -> np.ndarray:
        """A copy of the input layer ``W``.

        Returns
        -------
        np.ndarray
            float32 [K, D].
        """
        return self.W.detach().cpu().numpy().copy()

    def readout_weights(self) -> np.ndarray:
        """A copy of the readout ``S``.

        Returns
        -------
        np.ndarray
            float32 [10, K].
        """
        return self.S.detach().cpu().numpy().copy()


class KHClassifier(CompetitiveClassifier):
    """hopfield19 readout (krotov2019unsupervised) on a frozen KH/KH-nn layer.

    h = relu(W x/|x|)^n, logits = beta S h; the model's own loss is
    sum_c |tanh(logits_c) - t_c|^m with t = +-1.

    Parameters
    ----------
    W : np.ndarray or torch.Tensor
        Input layer [K, D].
    S : np.ndarray or torch.Tensor
        Readout [10, K].
    beta : float
        Readout gain.
    n, m : float
        Power of the hidden activation and of the loss.
    kind : str
        ``"kh"`` or ``"kh_nn"``.
    """

    def __init__(
        self,
        W: np.ndarray | torch.Tensor,
        S: np.ndarray | torch.Tensor,
        beta: float,
        n: float = 4.5,
        m: float = 6.0,
        kind: str = "kh",
    ) -> None:
        super().__init__()
        self.register_buffer("W", torch.as_tensor(W, dtype=torch.float32).clone())
        self.register_buffer("S", torch.as_tensor(S, dtype=torch.float32).clone())
        self.beta, self.n, self.m, self.kind = float(beta), float(n), float(m), kind
        self.selection = {}

    def hidden(self, x: torch.Tensor) -> torch.Tensor:
        """Hidden features h = relu(<W_mu, x/|x|>)^n.

        Parameters
        ----------
        x : torch.Tensor
            Pixels [B, D].

        Returns
        -------
        torch.Tensor
            [B, K], dimensionless.
        """
        return torch.relu(unit_rows(x) @ self.W.T).pow(self.n)

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """Logits beta S h(x) (the tanh is only in :meth:`own_loss`).

        Parameters
        ----------
        x : torch.Tensor
            Pixels [B, D].

        Returns
        -------
        torch.Tensor
            [B, 10].
        """
        return self.beta * (self.hidden(x) @ self.S.T)

    def own_loss(self, x: torch.Tensor, y: torch.Tensor, reduction: str = "none") -> torch.Tensor:
        """The hopfield19 loss sum_alpha |tanh(logits_alpha) - t_alpha|^m, t = +-1 (m literal).

        Parameters
        ----------
        x : torch.Tensor
            Pixels [B, D].
        y : torch.Tensor
            int64 labels [B].
        reduction : str
            ``"none"`` (per example); anything else gives the mean.

        Returns
        -------
        torch.Tensor
            [B] or a scalar.
        """
        t = 2.0 * F.one_hot(y, self.S.shape[0]).float() - 1.0
        loss = (torch.tanh(self.logits(x)) - t).abs().pow(self.m).sum(1)
        return loss if reduction == "none" else loss.mean()


def rr_scores(W: torch.Tensor, b: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
    """RR's scores s_i(x) = ⟨W_i, x/‖x‖⟩ / ‖W_i‖ + b_i (dimensionless).

    The cosine of input and kernel plus the unit's bias.

    Parameters
    ----------
    W : torch.Tensor
        [K, D].
    b : torch.Tensor
        [K].
    X : torch.Tensor
        [n, D].

    Returns
    -------
    torch.Tensor
        [n, K].
    """
    return (unit_rows(X) @ W.T) / W.norm(dim=1).clamp_min(1e-30) + b


def kwta_threshold(s: torch.Tensor, k_h: int) -> torch.Tensor:
    """The k-WTA threshold: the (k_h + 1)-th largest score of each row.

    Parameters
    ----------
    s : torch.Tensor
        Scores [n, K].
    k_h : int
        Number of winners (< K).

    Returns
    -------
    torch.Tensor
        [n, 1].
    """
    return torch.topk(s, k_h + 1, dim=1).values[:, -1:]


@torch.no_grad()
def rr_features(
    W: np.ndarray | torch.Tensor,
    b: np.ndarray | torch.Tensor,
    X: np.ndarray | torch.Tensor,
    k_h: int,
) -> torch.Tensor:
    """RR's continuous k-WTA features h_i = [s_i − s_(k_h+1)]_+ (before the readout's 1/σ_h).

    The k_h best units keep their margin over the first loser, all others are 0; s are the
    scores of :func:`rr_scores`.

    Parameters
    ----------
    W : np.ndarray or torch.Tensor
        [K, D].
    b : np.ndarray or torch.Tensor
        [K].
    X : np.ndarray or torch.Tensor
        [n, D].
    k_h : int
        Number of winners (< K).

    Returns
    -------
    torch.Tensor
        float32 [n, K] (no gradient).
    """
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
    ``freeze_threshold``). h = [s - s_(k_h+1)]_+ / sigma_h, logits = S h + c.

    Parameters
    ----------
    W : np.ndarray or torch.Tensor
        Input layer [K, D].
    b : np.ndarray or torch.Tensor
        Homeostatic biases [K].
    S : np.ndarray or torch.Tensor
        Readout [10, K].
    c : np.ndarray or torch.Tensor
        Readout biases [10].
    k_h : int
        Number of k-WTA winners.
    sigma_h : float
        Feature scale (the standard deviation of the training features).
    kind : str
        ``"rr"`` or ``"rr_additive"``.
    """

    def __init__(
        self,
        W: np.ndarray | torch.Tensor,
        b: np.ndarray | torch.Tensor,
        S: np.ndarray | torch.Tensor,
        c: np.ndarray | torch.Tensor,
        k_h: int,
        sigma_h: float,
        kind: str = "rr",
    ) -> None:
        super().__init__()
        self.register_buffer("W", torch.as_tensor(W, dtype=torch.float32).clone())
        self.register_buffer("b", torch.as_tensor(b, dtype=torch.float32).clone())
        self.register_buffer("S", torch.as_tensor(S, dtype=torch.float32).clone())
        self.register_buffer("c", torch.as_tensor(c, dtype=torch.float32).clone())
        self.k_h, self.sigma_h, self.kind = int(k_h), float(sigma_h), kind
        self.threshold_mode = "exact"
        self._frozen = None

    def scores(self, x: torch.Tensor) -> torch.Tensor:
        """Scores s = <W_mu, x/|x|>/|W_mu| + b_mu (:func:`rr_scores`).

        Parameters
        ----------
        x : torch.Tensor
            Pixels [B, D].

        Returns
        -------
        torch.Tensor
            [B, K].
        """
        return rr_scores(self.W, self.b, x)

    def threshold(self, s: torch.Tensor) -> torch.Tensor:
        """The k-WTA threshold s_(k_h+1) of each row (:func:`kwta_threshold`).

        Parameters
        ----------
        s : torch.Tensor
            Scores [B, K].

        Returns
        -------
        torch.Tensor
            [B, 1].
        """
        return kwta_threshold(s, self.k_h)

    def hidden(self, x: torch.Tensor) -> torch.Tensor:
        """Features h = [s - thr]_+ / sigma_h with thr set by ``threshold_mode``.

        Parameters
        ----------
        x : torch.Tensor
            Pixels [B, D].

        Returns
        -------
        torch.Tensor
            [B, K].

        Raises
        ------
        RuntimeError
            In mode "frozen" without a threshold frozen on a batch of this size.
        """
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
    def freeze_threshold(self, x: torch.Tensor) -> None:
        """Store the thresholds of the batch ``x`` for mode "frozen".

        Parameters
        ----------
        x : torch.Tensor
            Pixels [B, D] (usually the clean images).
        """
        self._frozen = self.threshold(self.scores(x))

    @contextlib.contextmanager
    def mode(
        self, threshold_mode: str, x_clean: torch.Tensor | None = None
    ) -> Iterator[RRClassifier]:
        """Context manager that sets ``threshold_mode`` and restores it on exit.

        Parameters
        ----------
        threshold_mode : str
            "exact", "bpda" or "frozen".
        x_clean : torch.Tensor or None
            For "frozen": the batch whose thresholds are frozen.

        Yields
        ------
        RRClassifier
            ``self``.

        Raises
        ------
        ValueError
            If ``threshold_mode`` is unknown.
        """
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

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """Logits S h(x) + c.

        Parameters
        ----------
        x : torch.Tensor
            Pixels [B, D].

        Returns
        -------
        torch.Tensor
            [B, 10].
        """
        return self.hidden(x) @ self.S.T + self.c


class BPNet(CompetitiveClassifier):
    """784-K-10 ReLU network trained end to end by backprop.

    h = relu(W1 x + b1) (x/|x| with ``unit_input``), logits = W2 h + b2.

    Parameters
    ----------
    n_in, n_hidden, n_out : int
        Layer sizes.
    unit_input : bool
        Feed x/|x| instead of x.
    kind : str
        ``"bp"``, ``"bp_nn"`` or ``"bp_unit"``.
    """

    def __init__(
        self,
        n_in: int = 784,
        n_hidden: int = 400,
        n_out: int = 10,
        unit_input: bool = False,
        kind: str = "bp",
    ) -> None:
        super().__init__()
        self.fc1 = nn.Linear(n_in, n_hidden)
        self.fc2 = nn.Linear(n_hidden, n_out)
        self.unit_input, self.kind = bool(unit_input), kind

    @property
    def device(self) -> torch.device:
        """Device of the parameters.

        Returns
        -------
        torch.device
        """
        return self.fc1.weight.device

    def hidden(self, x: torch.Tensor) -> torch.Tensor:
        """Hidden activity relu(W1 x + b1) (x/|x| with ``unit_input``).

        Parameters
        ----------
        x : torch.Tensor
            Pixels [B, n_in].

        Returns
        -------
        torch.Tensor
            [B, n_hidden].
        """
        return torch.relu(self.fc1(unit_rows(x) if self.unit_input else x))

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """Logits W2 h(x) + b2.

        Parameters
        ----------
        x : torch.Tensor
            Pixels [B, n_in].

        Returns
        -------
        torch.Tensor
            [B, n_out].
        """
        return self.fc2(self.hidden(x))

    def input_weights(self) -> np.ndarray:
        """A copy of W1.

        Returns
        -------
        np.ndarray
            float32 [n_hidden, n_in].
        """
        return self.fc1.weight.detach().cpu().numpy().copy()

    def readout_weights(self) -> np.ndarray:
        """A copy of W2.

        Returns
        -------
        np.ndarray
            float32 [n_out, n_hidden].
        """
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


def train_bp(
    X: np.ndarray | torch.Tensor,
    y: np.ndarray | torch.Tensor,
    cfg: BPConfig,
    seed: int | np.random.Generator = 0,
    device: str | torch.device = "cpu",
    steps: int | None = None,
) -> BPNet:
    """Train a :class:`BPNet` by Adam on the mean softmax cross-entropy (nats).

    PyTorch's default Linear init drawn from ``seed``; ``cfg.nonneg_hidden``: W1 <- |W1| at init
    and W1 <- max(W1, 0) after every step (projected gradient); ``cfg.nonneg_readout`` likewise
    for W2.

    Parameters
    ----------
    X : np.ndarray or torch.Tensor
        Training pixels [N, D].
    y : np.ndarray or torch.Tensor
        Labels [N] in 0..9.
    cfg : BPConfig
        Network and optimiser settings.
    seed : int or np.random.Generator
        Seed of the init (``seed``) and the batch order (``seed + 1``).
    device : str or torch.device
        "cpu", "cuda[:i]" or "auto".
    steps : int or None
        A fixed number of minibatch updates instead of ``cfg.epochs`` passes.

    Returns
    -------
    BPNet
        The trained net (eval mode, on ``device``).

    Raises
    ------
    TypeError
        If ``cfg`` is not a BPConfig or the data have the wrong type.
    ValueError
        If the data, ``seed`` or ``steps`` are invalid.
    """
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


def widen_grid(
    name: str,
    grid: Iterable[float],
    score: Callable[[float], float],
    max_widen: int = 3,
    factor: float = 10.0,
    maximize: bool = True,
) -> GridSearch:
    """Grid search that widens the grid beyond a winning edge.

    The grid is extended by ``factor`` (values rounded to 3 significant digits) beyond whichever
    edge wins, at most ``max_widen`` times per side, until the best value is interior (ties go
    to the smaller value).

    Parameters
    ----------
    name : str
        Name of the hyperparameter.
    grid : iterable of float
        Initial values (sorted here).
    score : callable
        ``score(value) -> float``; called once per value and widening round.
    max_widen : int
        Widenings allowed per side.
    factor : float
        Ratio of a new edge value to the old edge.
    maximize : bool
        Higher scores are better.

    Returns
    -------
    neuroplastic.tuning.GridSearch
        Over every value tried; its ``on_edge`` says whether the widening stopped on an edge.
    """
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


def node_perturbation_grad(
    z: torch.Tensor, y: torch.Tensor, h: torch.Tensor, sigma: float, g: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """Antithetic node-perturbation estimate of d(mean CE)/dS and d(mean CE)/dc.

    xi ~ N(0, sigma^2), delta_b = l(z_b + xi_b) - l(z_b - xi_b) (cross-entropy, nats),
    grad_S ~ sum_b delta_b xi_b h_b^T / (2 sigma^2 B), grad_c ~ sum_b delta_b xi_b / (2 sigma^2 B).
    Uses only the global scalar delta_b, the postsynaptic perturbation and the presynaptic
    activity (three factors).

    Parameters
    ----------
    z : torch.Tensor
        Logits [B, 10].
    y : torch.Tensor
        int64 labels [B].
    h : torch.Tensor
        Features [B, K].
    sigma : float
        Perturbation standard deviation (logit units).
    g : torch.Generator
        Source of xi.

    Returns
    -------
    grad_S : torch.Tensor
        [10, K].
    grad_c : torch.Tensor
        [10].
    """
    xi = torch.randn(z.shape, generator=g, device=z.device) * sigma
    d = F.cross_entropy(z + xi, y, reduction="none") - F.cross_entropy(z - xi, y, reduction="none")
    e = (d.unsqueeze(1) * xi) / (2.0 * sigma**2 * z.shape[0])
    return e.T @ h, e.sum(0)


def delta_grad(
    z: torch.Tensor, y: torch.Tensor, h: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Exact gradient of the mean cross-entropy (the delta rule).

    e = (softmax(z) - onehot(y)) / B; grad_S = e^T h, grad_c = sum_b e_b.

    Parameters
    ----------
    z : torch.Tensor
        Logits [B, C].
    y : torch.Tensor
        int64 labels [B].
    h : torch.Tensor
        Features [B, K].

    Returns
    -------
    grad_S : torch.Tensor
        [C, K].
    grad_c : torch.Tensor
        [C].
    """
    e = (torch.softmax(z, 1) - F.one_hot(y, z.shape[1]).float()) / z.shape[0]
    return e.T @ h, e.sum(0)


def train_readout(
    layer: KHLayer | RRLayer,
    X: np.ndarray | torch.Tensor,
    y: np.ndarray | torch.Tensor,
    cfg: KHReadoutConfig | RRReadoutConfig,
    seed: int | np.random.Generator = 0,
    device: str | torch.device = "cpu",
    steps: int | None = None,
    beta: float | None = None,
    val_frac: float = 0.1,
) -> KHClassifier | RRClassifier:
    """Train the readout of a frozen layer.

    KH: Adam on S of sum |tanh(beta S h) - t|^m, h = relu(W x/|x|)^n. With ``cfg.beta`` None
    and no ``beta`` given, beta is picked from ``cfg.beta_grid`` (widened, :func:`widen_grid`)
    by accuracy on a stratified ``val_frac`` split of the training data, then the readout is
    retrained on all of it. RR: S, c from 0 by :func:`rr_readout_step` on h/sigma_h
    (:func:`rr_features`, sigma_h the features' standard deviation), rate eta (1 - t/T).

    Parameters
    ----------
    layer : KHLayer or RRLayer
        The frozen input layer.
    X : np.ndarray or torch.Tensor
        Training pixels [N, D].
    y : np.ndarray or torch.Tensor
        Labels [N] in 0..9.
    cfg : KHReadoutConfig or RRReadoutConfig
        Matching the layer.
    seed : int or np.random.Generator
        Seed of the init, the batch order, the perturbations and the validation split.
    device : str or torch.device
        "cpu", "cuda[:i]" or "auto".
    steps : int or None
        A fixed number of minibatch updates (few-shot) instead of ``cfg.epochs`` passes.
    beta : float or None
        KH readout gain, overriding ``cfg.beta``.
    val_frac : float
        Fraction of each class held out to choose beta.

    Returns
    -------
    KHClassifier or RRClassifier
        In eval mode on ``device``; a KHClassifier carries ``selection`` ({beta: validation
        accuracy}) and ``beta_search``.

    Raises
    ------
    TypeError
        If ``layer`` or ``cfg`` has the wrong type.
    ValueError
        If the data or ``steps`` are invalid, or ``k_h >= K``.
    """
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


def rr_readout_step(
    S: torch.Tensor,
    c: torch.Tensor,
    h: torch.Tensor,
    y: torch.Tensor,
    eta: float,
    cfg: RRReadoutConfig,
    g: torch.Generator,
) -> None:
    """One in-place step of RR's local readout rule on the batch (h, y).

    S <- S - eta grad_S, c <- c - eta grad_c with the gradient of :func:`node_perturbation_grad`
    or :func:`delta_grad` (``cfg.rule``), then synaptic decay towards 0 by soft thresholding:
    S <- sgn(S) max(|S| - eta lambda, 0).

    Parameters
    ----------
    S : torch.Tensor
        Readout [10, K], updated in place.
    c : torch.Tensor
        Biases [10], updated in place.
    h : torch.Tensor
        Scaled features [B, K].
    y : torch.Tensor
        int64 labels [B].
    eta : float
        Learning rate of this step.
    cfg : RRReadoutConfig
        ``rule``, ``sigma`` and ``lambda_``.
    g : torch.Generator
        Source of the perturbations.
    """
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
    layer: RRLayer,
    X: np.ndarray,
    y: np.ndarray,
    cfg: RRReadoutConfig,
    grid: Iterable[float] = (0.1, 0.5, 2.0),
    seed: int | np.random.Generator = 0,
    device: str | torch.device = "cpu",
    val_frac: float = 0.1,
    min_points: int = 0,
    factor: float = 4.0,
    max_widen: int = 2,
) -> tuple[RRClassifier, GridSearch]:
    """Choose RR's readout rate ``eta`` on a validation split, then retrain on all the data.

    The score is accuracy on a stratified ``val_frac`` split of the training data (the same
    protocol as hopfield19's beta); the grid is widened by ``factor`` beyond a winning edge
    (:func:`widen_grid`) and, alternately on both sides, to at least ``min_points`` values (so
    that RR gets a baseline's tuning budget).

    Parameters
    ----------
    layer : RRLayer
        The frozen input layer.
    X : np.ndarray
        Training pixels [N, D].
    y : np.ndarray
        Labels [N].
    cfg : RRReadoutConfig
        Readout settings; ``eta`` is replaced.
    grid : iterable of float
        Initial values of ``eta``.
    seed : int or np.random.Generator
        Seed of the split and of every readout.
    device : str or torch.device
        "cpu", "cuda[:i]" or "auto".
    val_frac : float
        Fraction of each class held out.
    min_points : int
        Minimum number of values tried.
    factor : float
        Ratio between successive added values.
    max_widen : int
        Widenings allowed per side.

    Returns
    -------
    model : RRClassifier
        Retrained with the best ``eta``; carries ``layer`` and ``eta_search``.
    search : neuroplastic.tuning.GridSearch
        Over every value tried.

    Raises
    ------
    TypeError
        If ``layer`` is not an RRLayer.
    ValueError
        If ``min_points`` or ``seed`` is invalid.
    """
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
