"""Width sweep (ch04 §4.7): does the rule remove the need to pre-optimise the architecture?

Two training protocols (``protocol``):

* ``"equal_wins"`` (the chapter's main protocol): the competitive layer (RR, KH) trains for
  ``E(K) = max(1, round_half_up(E_ref K / K_ref))`` epochs, so that every unit wins as often on
  average as at the reference width: with ``k_win`` winners per example, the mean number of wins
  per unit over training is ``E N_train k_win / K``, constant in ``K``. The readout and BP keep
  their epochs (they have no winners).
* ``"fixed"``: the same recipe at every width (only ``n_hidden`` changes); larger ``K`` then
  means fewer wins per unit (each unit learns only when it wins).

Each point (kind, K, seed) trains -- or loads from the model cache -- the model (RR's readout
keeps ``k_h = K // 8``), then records the protocol, the layer epochs, test accuracy, non-silent
synapses ``N_nz`` (both layers), ``N_nz / N_tot`` with ``N_tot = D K + K C``, RR's wins per unit
in the last epoch (mean, and the share of units with fewer than 10 wins) and over all of training
(``wins_total = E N_train k_win / K``), and, from a coarse one-shot input-layer pruning grid,
``N_min`` and ``F = N_tot / N_min`` (0.5 pp absolute tolerance).
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

__all__ = ["with_width", "equal_wins_epochs", "width_point", "width_sweep", "COARSE_LEVELS",
           "PROTOCOLS"]

PROTOCOLS = ("equal_wins", "fixed")

COARSE_LEVELS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99)


def equal_wins_epochs(epochs_ref: int, n_hidden: int, k_ref: int) -> int:
    """``max(1, floor(epochs_ref * n_hidden / k_ref + 1/2))``: the layer epochs at width
    ``n_hidden`` that give each unit the mean number of wins it gets at width ``k_ref`` with
    ``epochs_ref`` epochs (exact when ``epochs_ref * n_hidden / k_ref`` is an integer)."""
    epochs_ref = check_int("epochs_ref", epochs_ref, 1)
    n_hidden = check_int("n_hidden", n_hidden, 1)
    k_ref = check_int("k_ref", k_ref, 1)
    return max(1, (2 * epochs_ref * n_hidden + k_ref) // (2 * k_ref))


def with_width(kind: str, cfg, n_hidden: int, protocol: str = "fixed", k_ref: int | None = None):
    """``cfg`` (as for ``get_or_train``) with ``n_hidden`` replaced; with
    ``protocol="equal_wins"`` the competitive layer's epochs also scale as
    :func:`equal_wins_epochs` relative to ``k_ref`` (default: the width of ``cfg``)."""
    n_hidden = check_int("n_hidden", n_hidden, 2)
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {PROTOCOLS}, got {protocol!r}")
    if kind == "bp":
        if not isinstance(cfg, BPConfig):
            raise TypeError("cfg for kind 'bp' must be a BPConfig")
        return dataclasses.replace(cfg, n_hidden=n_hidden)  # no winners: epochs unchanged
    if kind in ("rr", "kh"):
        lay, ro = cfg
        if not isinstance(lay, (RRConfig, KHConfig)):
            raise TypeError(f"cfg for kind {kind!r} must be a (layer config, readout config) tuple")
        epochs = lay.epochs
        if protocol == "equal_wins":
            epochs = equal_wins_epochs(lay.epochs, n_hidden, lay.n_hidden if k_ref is None else k_ref)
        return (dataclasses.replace(lay, n_hidden=n_hidden, epochs=epochs), ro)
    raise ValueError(f"kind must be 'bp', 'rr' or 'kh', got {kind!r}")


def width_point(name: str, kind: str, cfg, n_hidden: int, seed: int, data_id: str,
                levels=COARSE_LEVELS, protocol: str = "fixed", k_ref: int | None = None) -> dict:
    """One point of the sweep (a picklable top-level function for ``parallel.sweep``)."""
    import torch
    torch.set_num_threads(1)
    seed = check_seed(seed)
    c = with_width(kind, cfg, n_hidden, protocol, k_ref)
    Xtr, ytr, Xte, yte = _data(data_id)
    model, status = get_or_train(kind, c, data_id, seed, data=(Xtr, ytr), return_status=True)
    cnt = count_synapses(model)
    curve = pruning_curve(model, Xte, yte, levels)
    n_min, _ = minimal_synapses(curve)
    lay = c[0] if isinstance(c, tuple) else c
    row = {"model": name, "protocol": protocol, "K": n_hidden, "seed": seed, "epochs": lay.epochs,
           "acc": float(curve.acc[0]),
           "N_tot": cnt.total, "N_nz": cnt.nonzero, "nz_frac": cnt.nonzero / cnt.total,
           "N_min": n_min, "F": overparameterization_factor(cnt.total, n_min),
           "r": cnt.nonzero / n_min, "min_passes_all": bool(curve.acc[-1] >= curve.acc[0] - 0.005),
           "wins_mean": np.nan, "dead_frac": np.nan, "wins_total": np.nan, "cache": status,
           "hash": param_hash(kind, c, data_id, seed)}
    layer = getattr(model, "layer", None)
    if layer is not None and getattr(layer, "wins", None) is not None:
        w = np.asarray(layer.wins)
        row["wins_mean"], row["dead_frac"] = float(w.mean()), float((w < 10).mean())
        if isinstance(lay, RRConfig):  # k_win winners per example: E N k_win / K wins per unit
            row["wins_total"] = lay.epochs * len(ytr) * lay.k_win / n_hidden
    return row


def width_sweep(models: dict, widths, seeds, data_id: str = "mnist-subset-split0",
                levels=COARSE_LEVELS, n_jobs=None, backend: str = "loky", progress: bool = True,
                protocols=("fixed",), k_ref: int | None = None):
    """``pandas.DataFrame`` with one row per (protocol, model, K, seed); ``models``:
    {name: (kind, cfg)} (the recipe at its reference width ``k_ref``, default the cfg's own).
    ``protocols``: any of :data:`PROTOCOLS` (module docstring). Points run through
    ``neuroplastic.parallel.sweep``; each trained model is cached under its own hash by
    ``get_or_train``, so a point shared by two protocols (BP; the reference width) trains once."""
    import pandas as pd

    from neuroplastic.parallel import sweep

    if not isinstance(models, dict) or not models:
        raise ValueError("models must be a non-empty dict {name: (kind, cfg)}")
    widths = [check_int("widths[i]", int(k) if isinstance(k, np.integer) else k, 2) for k in widths]
    seeds = [check_seed(s) for s in seeds]
    if not widths or not seeds:
        raise ValueError("widths and seeds must be non-empty")
    protocols = tuple(protocols)
    if not protocols or any(p not in PROTOCOLS for p in protocols) or len(set(protocols)) != len(protocols):
        raise ValueError(f"protocols must be distinct values from {PROTOCOLS}, got {protocols!r}")
    if k_ref is not None:
        k_ref = check_int("k_ref", k_ref, 1)
    for name, (kind, cfg) in models.items():
        with_width(kind, cfg, widths[0])  # validates kind and cfg early
    # one task per distinct trained model: BP is the same under both protocols
    tasks, seen = [], {}
    for p in protocols:
        for n, (k, c) in models.items():
            for K in sorted(widths, reverse=True):
                for s in seeds:
                    key = (n, param_hash(k, with_width(k, c, K, p, k_ref), data_id, s))
                    if key not in seen:
                        seen[key] = p
                        tasks.append(dict(name=n, kind=k, cfg=c, n_hidden=K, seed=s, data_id=data_id,
                                          levels=tuple(levels), protocol=p, k_ref=k_ref))
    rows = sweep(width_point, tasks, n_jobs=n_jobs, backend=backend, desc="width sweep", progress=progress)
    out = []
    by_hash = {(r["model"], r["hash"]): r for r in rows}
    for p in protocols:  # every protocol gets its full table, shared points repeated
        for n, (k, c) in models.items():
            for K in widths:
                for s in seeds:
                    r = dict(by_hash[n, param_hash(k, with_width(k, c, K, p, k_ref), data_id, s)])
                    r["protocol"] = p
                    out.append(r)
    return pd.DataFrame(out).sort_values(["protocol", "model", "K", "seed"]).reset_index(drop=True)
