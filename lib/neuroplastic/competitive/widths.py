"""Width sweep with one fixed recipe (ch04 §4.7): does the rule remove the need to pre-optimise
the architecture?

Each point (kind, K, seed) trains -- or loads from the model cache -- the model with the same
recipe at every width (only ``n_hidden`` changes; RR's readout keeps ``k_h = K // 8``), then records
test accuracy, non-silent synapses ``N_nz`` (both layers), ``N_nz / N_tot`` with
``N_tot = D K + K C``, RR's wins per unit in the last epoch (mean, and the share of units with
fewer than 10 wins) and, from a coarse one-shot input-layer pruning grid, ``N_min`` and
``F = N_tot / N_min`` (0.5 pp absolute tolerance).
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

from ._util import check_int, check_seed
from .cache import get_or_train, param_hash, resolve_data
from .configs import BPConfig, KHConfig, RRConfig
from .counting import count_synapses
from .pruning import minimal_synapses, overparameterization_factor, pruning_curve

_data = functools.lru_cache(maxsize=2)(resolve_data)  # one parse of the data set per process

__all__ = ["with_width", "width_point", "width_sweep", "COARSE_LEVELS"]

COARSE_LEVELS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99)


def with_width(kind: str, cfg, n_hidden: int):
    """``cfg`` (as for ``get_or_train``) with only ``n_hidden`` replaced."""
    n_hidden = check_int("n_hidden", n_hidden, 2)
    if kind == "bp":
        if not isinstance(cfg, BPConfig):
            raise TypeError("cfg for kind 'bp' must be a BPConfig")
        return dataclasses.replace(cfg, n_hidden=n_hidden)
    if kind in ("rr", "kh"):
        lay, ro = cfg
        if not isinstance(lay, (RRConfig, KHConfig)):
            raise TypeError(f"cfg for kind {kind!r} must be a (layer config, readout config) tuple")
        return (dataclasses.replace(lay, n_hidden=n_hidden), ro)
    raise ValueError(f"kind must be 'bp', 'rr' or 'kh', got {kind!r}")


def width_point(name: str, kind: str, cfg, n_hidden: int, seed: int, data_id: str,
                levels=COARSE_LEVELS) -> dict:
    """One point of the sweep (a picklable top-level function for ``parallel.sweep``)."""
    import torch
    torch.set_num_threads(1)
    seed = check_seed(seed)
    c = with_width(kind, cfg, n_hidden)
    Xtr, ytr, Xte, yte = _data(data_id)
    model, status = get_or_train(kind, c, data_id, seed, data=(Xtr, ytr), return_status=True)
    cnt = count_synapses(model)
    curve = pruning_curve(model, Xte, yte, levels)
    n_min, _ = minimal_synapses(curve)
    row = {"model": name, "K": n_hidden, "seed": seed, "acc": float(curve.acc[0]),
           "N_tot": cnt.total, "N_nz": cnt.nonzero, "nz_frac": cnt.nonzero / cnt.total,
           "N_min": n_min, "F": overparameterization_factor(cnt.total, n_min),
           "r": cnt.nonzero / n_min, "min_passes_all": bool(curve.acc[-1] >= curve.acc[0] - 0.005),
           "wins_mean": np.nan, "dead_frac": np.nan, "cache": status,
           "hash": param_hash(kind, c, data_id, seed)}
    layer = getattr(model, "layer", None)
    if layer is not None and getattr(layer, "wins", None) is not None:
        w = np.asarray(layer.wins)
        row["wins_mean"], row["dead_frac"] = float(w.mean()), float((w < 10).mean())
    return row


def width_sweep(models: dict, widths, seeds, data_id: str = "mnist-subset-split0",
                levels=COARSE_LEVELS, n_jobs=None, backend: str = "loky", progress: bool = True):
    """``pandas.DataFrame`` with one row per (model, K, seed); ``models``: {name: (kind, cfg)}
    (the recipe; only ``n_hidden`` is changed). Points run through ``neuroplastic.parallel.sweep``;
    each trained model is cached under its own hash by ``get_or_train``."""
    import pandas as pd

    from neuroplastic.parallel import sweep

    if not isinstance(models, dict) or not models:
        raise ValueError("models must be a non-empty dict {name: (kind, cfg)}")
    widths = [check_int("widths[i]", int(k) if isinstance(k, np.integer) else k, 2) for k in widths]
    seeds = [check_seed(s) for s in seeds]
    if not widths or not seeds:
        raise ValueError("widths and seeds must be non-empty")
    for name, (kind, cfg) in models.items():
        with_width(kind, cfg, widths[0])  # validates kind and cfg early
    tasks = [dict(name=n, kind=k, cfg=c, n_hidden=K, seed=s, data_id=data_id, levels=tuple(levels))
             for n, (k, c) in models.items() for K in sorted(widths, reverse=True) for s in seeds]
    rows = sweep(width_point, tasks, n_jobs=n_jobs, backend=backend, desc="width sweep", progress=progress)
    return pd.DataFrame(rows).sort_values(["model", "K", "seed"]).reset_index(drop=True)
