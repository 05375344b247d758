"""Continue training a trained model: the whole model (continual learning, chapter 4)
or only its readout (refit after pruning, chapter 4).

Every function returns a **copy**; the model passed in is never modified.

* BP: Adam (fresh optimiser, learning rate ``cfg.lr``) on softmax cross-entropy; the readout
  refit updates only ``W2, b2``. BP-nn keeps ``W1 >= 0`` by projection after each step.
* RR: the RR input rule (steps 1-8 of :mod:`.rr`, including homeostasis and structural
  plasticity, with the learning-rate schedule restarted over the new epochs) from the stored
  ``W, b``; then the readout continues from its ``S, c`` by antithetic node perturbation
  (``eta_t = eta (1 - t/T)``, synaptic decay), on features scaled by the stored ``sigma_h``.
* KH / KH-nn: the Krotov-Hopfield update (``eps_e = eps0 (1 - e/E)``) from the stored ``W``;
  then Adam on ``S`` with the model's own loss ``sum |tanh(beta S h) - t|^m``.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable

import numpy as np
import torch
import torch.nn.functional as F

from ..runtime import configure_threads
from ..validation import check_int, check_seed, torch_generator
from .batches import batches
from .configs import BPConfig, KHConfig, KHReadoutConfig, RRConfig, RRReadoutConfig
from .kh import kh_step
from .models import BPNet, KHClassifier, RRClassifier, rr_readout_step
from .rr import RRState, rr_step, rr_structural
from .tensors import as_labels, as_tensor

__all__ = ["clone_model", "refit_readout", "continue_training", "model_kind"]


def model_kind(model: BPNet | KHClassifier | RRClassifier) -> str:
    """The kind of a trained model.

    Parameters
    ----------
    model : BPNet, KHClassifier or RRClassifier

    Returns
    -------
    str
        ``"bp"`` (BPNet of any flavour), ``"rr"`` or ``"kh"``.

    Raises
    ------
    TypeError
        For any other type.
    """
    if isinstance(model, BPNet):
        return "bp"
    if isinstance(model, RRClassifier):
        return "rr"
    if isinstance(model, KHClassifier):
        return "kh"
    raise TypeError(
        f"model must be a BPNet, RRClassifier or KHClassifier, got {type(model).__name__}"
    )


def clone_model(model: BPNet | KHClassifier | RRClassifier) -> BPNet | KHClassifier | RRClassifier:
    """A deep copy of ``model``.

    The (read-only) training record ``model.layer``, if any, is shared rather than copied.

    Parameters
    ----------
    model : BPNet, KHClassifier or RRClassifier

    Returns
    -------
    BPNet, KHClassifier or RRClassifier
        The copy.

    Raises
    ------
    TypeError
        For any other type.
    """
    model_kind(model)
    layer = model.__dict__.pop("layer", None)
    try:
        out = copy.deepcopy(model)
    finally:
        if layer is not None:
            model.layer = layer
    if layer is not None:
        out.layer = layer
    return out


def _layer_cfg(model, cfg, expected):
    if cfg is None:
        layer = getattr(model, "layer", None)
        cfg = getattr(layer, "config", None)
    if not isinstance(cfg, expected):
        raise TypeError(
            f"layer_cfg must be a {expected.__name__} (or the model must carry "
            f"model.layer.config), got {type(cfg).__name__}"
        )
    return cfg


def _bp_cfg(model, cfg):
    if cfg is None:
        cfg = BPConfig(
            n_hidden=model.fc1.weight.shape[0],
            nonneg_hidden=model.kind == "bp_nn",
            unit_input=model.unit_input,
        )
    if not isinstance(cfg, BPConfig):
        raise TypeError(f"layer_cfg must be a BPConfig for a BPNet, got {type(cfg).__name__}")
    return cfg


def _train_bp(net, X, y, epochs, seed, cfg: BPConfig, readout_only: bool, classes=None):
    g = torch_generator(seed, torch.device("cpu"))
    if classes is not None:  # masked softmax over ``classes``: labels re-indexed into them
        cls = torch.as_tensor(classes, dtype=torch.long)
        remap = torch.full((int(net.fc2.out_features),), -1, dtype=torch.long)
        remap[cls] = torch.arange(len(cls))
        y = remap[y]
        if bool((y < 0).any()):
            raise ValueError(f"every label must be in classes={list(map(int, cls))}")
    params = [net.fc2.weight, net.fc2.bias] if readout_only else list(net.parameters())
    opt = torch.optim.Adam(params, lr=cfg.lr)
    net.train()
    for _ in range(epochs):
        for idx in batches(len(X), cfg.batch_size, g):
            opt.zero_grad(set_to_none=True)
            if readout_only:
                with torch.no_grad():
                    h = net.hidden(X[idx])
                z = net.fc2(h)
            else:
                z = net.logits(X[idx])
            loss = F.cross_entropy(z if classes is None else z[:, cls], y[idx])
            loss.backward()
            opt.step()
            with torch.no_grad():
                if cfg.nonneg_hidden and not readout_only:
                    net.fc1.weight.clamp_(min=0.0)
                if cfg.nonneg_readout:
                    net.fc2.weight.clamp_(min=0.0)
    net.eval()
    for p in net.parameters():
        p.grad = None
    return net


def _rr_readout_continue(model: RRClassifier, X, y, epochs, seed, cfg: RRReadoutConfig):
    g = torch_generator(seed, torch.device("cpu"))
    with torch.no_grad():
        H = model.hidden(X)
    S, c = model.S, model.c
    total = max(epochs, 1)
    for e in range(epochs):
        eta = cfg.eta * (1.0 - e / total)
        for idx in batches(len(H), cfg.batch_size, g):
            rr_readout_step(S, c, H[idx], y[idx], eta, cfg, g)
    return model


def _kh_readout_continue(model: KHClassifier, X, y, epochs, seed, cfg: KHReadoutConfig):
    g = torch_generator(seed, torch.device("cpu"))
    with torch.no_grad():
        H = model.hidden(X)
    S = model.S.clone().requires_grad_(True)
    opt = torch.optim.Adam([S], lr=cfg.lr)
    t = 2.0 * F.one_hot(y, S.shape[0]).float() - 1.0
    for _ in range(epochs):
        for idx in batches(len(H), cfg.batch_size, g):
            opt.zero_grad(set_to_none=True)
            (torch.tanh(model.beta * (H[idx] @ S.T)) - t[idx]).abs().pow(model.m).sum().backward()
            opt.step()
    model.S.copy_(S.detach())
    return model


def _check_xy(model, X, y, need_y=True):
    X = as_tensor(X, "X", "cpu", 2)
    if y is None:
        if need_y:
            raise ValueError("y is required (labels for the readout)")
        return X, None
    return X, as_labels(y, X.shape[0], "cpu")


def refit_readout(
    model: BPNet | KHClassifier | RRClassifier,
    X: np.ndarray | torch.Tensor,
    y: np.ndarray | torch.Tensor,
    *,
    epochs: int,
    seed: int | np.random.Generator = 0,
    readout_cfg: RRReadoutConfig | KHReadoutConfig | BPConfig | None = None,
) -> BPNet | KHClassifier | RRClassifier:
    """Retrain only the readout of a copy of ``model``, starting from its current readout.

    The model's own readout rule (module docstring): BP Adam on cross-entropy (W2, b2 only), RR
    node perturbation with rate eta (1 - e/E) and synaptic decay, KH Adam on its own loss.

    Parameters
    ----------
    model : BPNet, KHClassifier or RRClassifier
        Unchanged.
    X : np.ndarray or torch.Tensor
        Training images [N, D].
    y : np.ndarray or torch.Tensor
        Labels [N].
    epochs : int
        Readout epochs (>= 0; 0 returns an unchanged copy).
    seed : int or np.random.Generator
        Seed of the batch order (and of the perturbations).
    readout_cfg : RRReadoutConfig, KHReadoutConfig, BPConfig or None
        For RR/KH the readout config (default: the config's defaults); for BP a ``BPConfig``
        (default lr 1e-3, batch 100).

    Returns
    -------
    BPNet, KHClassifier or RRClassifier
        The refitted copy, on the CPU.

    Raises
    ------
    TypeError
        If ``model`` or ``readout_cfg`` has the wrong type.
    ValueError
        If ``y`` is missing or the data, ``epochs`` or ``seed`` are invalid.
    """
    kind = model_kind(model)
    epochs = check_int("epochs", epochs, 0)
    seed = check_seed(seed)
    configure_threads()
    out = clone_model(model).to("cpu")
    X, y = _check_xy(out, X, y)
    if epochs == 0:
        return out
    if kind == "bp":
        cfg = _bp_cfg(out, readout_cfg)
        return _train_bp(out, X, y, epochs, seed, cfg, readout_only=True)
    with torch.no_grad():
        if kind == "rr":
            cfg = readout_cfg if readout_cfg is not None else RRReadoutConfig()
            if not isinstance(cfg, RRReadoutConfig):
                raise TypeError(f"readout_cfg must be an RRReadoutConfig, got {type(cfg).__name__}")
            return _rr_readout_continue(out, X, y, epochs, seed, cfg)
    cfg = readout_cfg if readout_cfg is not None else KHReadoutConfig()
    if not isinstance(cfg, KHReadoutConfig):
        raise TypeError(f"readout_cfg must be a KHReadoutConfig, got {type(cfg).__name__}")
    return _kh_readout_continue(out, X, y, epochs, seed, cfg)


def continue_training(
    model: BPNet | KHClassifier | RRClassifier,
    X: np.ndarray | torch.Tensor,
    y: np.ndarray | torch.Tensor | None = None,
    *,
    epochs: int,
    seed: int | np.random.Generator = 0,
    layer_cfg: RRConfig | KHConfig | BPConfig | None = None,
    readout_cfg: RRReadoutConfig | KHReadoutConfig | None = None,
    readout_epochs: int | None = None,
    classes: Iterable[int] | None = None,
) -> BPNet | KHClassifier | RRClassifier:
    """Continue training a copy of ``model`` on ``X`` (and labels ``y``) from its current state.

    The schedules restart over the new epochs (RR: eta_e = eta0 (1 - e/E); KH: eps_e = eps0
    (1 - e/E)); see the module docstring for the rules. ``epochs=0`` and ``readout_epochs=0``
    return an unchanged copy.

    Parameters
    ----------
    model : BPNet, KHClassifier or RRClassifier
        Unchanged.
    X : np.ndarray or torch.Tensor
        Training images [N, D] (nonnegative for RR).
    y : np.ndarray or torch.Tensor or None
        Labels [N]; BP needs them; for RR/KH they enable the readout phase.
    epochs : int
        Passes of the input-layer rule (BP: of end-to-end backprop), >= 0.
    seed : int or np.random.Generator
        Seed of the batch order and the regrowth (readout phase: ``seed + 1``).
    layer_cfg : RRConfig, KHConfig, BPConfig or None
        The model's layer config (default: ``model.layer.config`` as stored by the cache; for
        BP one is inferred); only its ``epochs`` is replaced.
    readout_cfg : RRReadoutConfig, KHReadoutConfig or None
        Readout config (default: the config's defaults).
    readout_epochs : int or None
        Readout epochs after the layer phase (default ``readout_cfg.epochs``, or 0 when
        ``epochs == 0``).
    classes : iterable of int or None
        BP only: train through a *masked* head, the softmax taken over these output classes
        alone (task-incremental learning: the rows of other classes get no gradient and the
        hidden layer serves only this task's head).

    Returns
    -------
    BPNet, KHClassifier or RRClassifier
        The trained copy, on the CPU (RR: with ``last_wins``, int64 [K], when ``epochs > 0``).

    Raises
    ------
    TypeError
        If ``model``, ``layer_cfg`` or ``readout_cfg`` has the wrong type.
    ValueError
        If ``classes`` is given for RR/KH or is invalid, ``y`` is missing for BP, or the data,
        ``epochs``, ``readout_epochs`` or ``seed`` are invalid.
    """
    kind = model_kind(model)
    epochs = check_int("epochs", epochs, 0)
    seed = check_seed(seed)
    if classes is not None:
        if kind != "bp":
            raise ValueError("classes (a masked head) is supported for BP models only")
        classes = [int(c) for c in classes]
        if not classes or len(set(classes)) != len(classes):
            raise ValueError(f"classes must be distinct class indices, got {classes}")
    configure_threads()
    out = clone_model(model).to("cpu")
    X, y = _check_xy(out, X, y, need_y=(kind == "bp"))
    if kind == "bp":
        cfg = _bp_cfg(out, layer_cfg)
        if classes is not None and not all(0 <= c < out.fc2.out_features for c in classes):
            raise ValueError(f"classes must lie in [0, {out.fc2.out_features - 1}], got {classes}")
        if epochs:
            _train_bp(out, X, y, epochs, seed, cfg, readout_only=False, classes=classes)
        return out
    if readout_cfg is None:
        readout_cfg = RRReadoutConfig() if kind == "rr" else KHReadoutConfig()
    if readout_epochs is None:
        readout_epochs = readout_cfg.epochs if epochs > 0 else 0
    readout_epochs = check_int("readout_epochs", readout_epochs, 0)
    g = torch_generator(seed, torch.device("cpu"))
    with torch.no_grad():
        if kind == "rr":
            cfg = _layer_cfg(model, layer_cfg, RRConfig)
            if float(X.min()) < 0:
                raise ValueError("X must be nonnegative (pixels in [0, 1])")
            if epochs:
                cfg = dataclasses.replace(cfg, epochs=epochs)
                state = RRState(W=out.W.clone(), b=out.b.clone(), wins=torch.zeros(out.W.shape[0]))
                for e in range(epochs):
                    eta = cfg.eta0 * (1.0 - e / epochs)
                    state.wins.zero_()
                    for idx in batches(len(X), cfg.batch_size, g):
                        rr_step(state, X[idx], eta, cfg)
                    rr_structural(state, e, cfg, g)
                out.W.copy_(state.W)
                out.b.copy_(state.b)
                out.last_wins = state.wins.numpy().astype(np.int64)
            if y is not None and readout_epochs:
                if not isinstance(readout_cfg, RRReadoutConfig):
                    raise TypeError("readout_cfg must be an RRReadoutConfig")
                _rr_readout_continue(out, X, y, readout_epochs, seed + 1, readout_cfg)
            return out
        cfg = _layer_cfg(model, layer_cfg, KHConfig)
        for e in range(epochs):
            eps = cfg.eps0 * (1.0 - e / epochs)
            for idx in batches(len(X), cfg.batch_size, g):
                kh_step(out.W, X[idx], cfg.p, cfg.k, cfg.delta, eps, cfg.R, cfg.nonneg)
    if y is not None and readout_epochs:
        if not isinstance(readout_cfg, KHReadoutConfig):
            raise TypeError("readout_cfg must be a KHReadoutConfig")
        _kh_readout_continue(out, X, y, readout_epochs, seed + 1, readout_cfg)
    return out
