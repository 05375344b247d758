"""Magnitude pruning, minimal synapse counts and the overparameterisation factor (ch04 §4.4).

* ``prune_magnitude(model, q)``: among the currently **non-zero** weights of a layer, zero the
  ``round(q n_nz)`` smallest in magnitude -- i.e. every weight at or below the empirical
  ``q``-quantile (ties at the threshold go too). ``q = 0`` changes nothing; ``q = 1`` silences
  the layer. Default: the input -> hidden layer only; ``layers="both"`` applies ``q`` to each layer.
  The forward pass uses the pruned weights as they are (RR's cosine drive renormalises by the
  pruned row norm).
* ``pruning_curve``: test accuracy and label transinformation ``T`` (bits) per level, with the
  per-example correctness kept for the bootstrap; optional readout refit after pruning and
  optional bisection refinement of the minimal-synapse level. The refit is applied only where
  something was pruned (``q > 0``), so both variants share the trained net as reference acc(0).
* ``N_min``: the smallest counted ``N_nz`` (both layers) with ``acc(q) >= acc(0) - tol``
  (``mode="absolute"``, tol in accuracy units: 0.005 = 0.5 pp) or ``acc(q) >= (1 - tol) acc(0)``
  (``mode="relative"``). Overparameterisation factor ``F = N_tot / N_min``; redundancy of the
  trained net ``r = N_nz(0) / N_min``.
* Matched counts: :func:`prune_to_count` prunes a network's input layer so that its total
  ``N_nz`` is the smallest count >= a target (e.g. another network's ``N_nz``), optionally with
  the readout refitted; :func:`point_at_minimum` reads ``(N_min, acc, T)`` off a curve, so that
  capacities can be compared at each network's own minimum.
"""

from __future__ import annotations

import functools
import numbers
from dataclasses import dataclass

import numpy as np
import torch

from ..validation import check_seed
from .continuation import clone_model, model_kind, refit_readout
from .counting import count_synapses, layer_weights
from .information import confusion_matrix, transinformation
from .tensors import as_labels, as_tensor

__all__ = [
    "PruningCurve",
    "prune_magnitude",
    "fraction_for_count",
    "pruning_curve",
    "minimal_synapses",
    "bootstrap_minimal_synapses",
    "overparameterization_factor",
    "redundancy",
    "readout_refitter",
    "prune_to_count",
    "point_at_minimum",
]

_LAYERS = ("input", "both")


def _check_fraction(fraction, name="fraction"):
    if isinstance(fraction, bool) or not isinstance(fraction, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(fraction).__name__}")
    f = float(fraction)
    if not 0.0 <= f <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {fraction}")
    return f


def _check_layers(layers):
    if layers not in _LAYERS:
        raise ValueError(f"layers must be one of {_LAYERS}, got {layers!r}")
    return layers


def _prune_tensor_(W: torch.Tensor, q: float) -> None:
    a = W.abs()
    nz = a[a != 0]
    n_prune = int(round(q * nz.numel()))
    if n_prune == 0:
        return
    thr = torch.kthvalue(nz.flatten().cpu(), n_prune).values.to(W.device)
    W.masked_fill_(a <= thr, 0.0)


def prune_magnitude(model, fraction: float, layers: str = "input"):
    """A pruned copy of ``model`` (the original is untouched); see the module docstring."""
    q = _check_fraction(fraction)
    _check_layers(layers)
    out = clone_model(model)
    with torch.no_grad():
        for name, W in layer_weights(out):
            if name == "input" or layers == "both":
                _prune_tensor_(W, q)
    return out


def fraction_for_count(model, n_nonzero: int, layers: str = "input") -> float:
    """The pruning fraction ``q`` of the input layer (``layers="input"``) that brings the total
    non-zero count (both layers) of ``model`` closest to ``n_nonzero`` from above."""
    _check_layers(layers)
    if layers != "input":
        raise ValueError("fraction_for_count supports layers='input' only")
    if isinstance(n_nonzero, bool) or not isinstance(n_nonzero, (int, np.integer)) or n_nonzero < 0:
        raise ValueError(f"n_nonzero must be an int >= 0, got {n_nonzero!r}")
    c = count_synapses(model)
    n_in = c.per_layer["input"][1]
    n_rest = c.nonzero - n_in
    target_in = min(max(int(n_nonzero) - n_rest, 0), n_in)
    return float((n_in - target_in) / n_in) if n_in else 0.0


def prune_to_count(model, n_nonzero: int, refit=None, seed=0):
    """``(pruned copy, N_nz)``: ``model`` with its input layer magnitude-pruned
    (:func:`fraction_for_count`) so that its total non-zero count (both layers) is the smallest
    reachable count >= ``n_nonzero`` (ties at the threshold may take it a few synapses below),
    then ``refit(model, seed=seed)`` if given and anything was pruned. A target at or above the
    current count returns an unpruned copy."""
    model_kind(model)
    if refit is not None and not callable(refit):
        raise TypeError("refit must be None or a callable refit(model, seed=...)")
    seed = check_seed(seed)
    q = fraction_for_count(model, n_nonzero)  # round(q n_in) = exactly the weights to prune
    m = prune_magnitude(model, q)
    if refit is not None and q > 0:
        m = refit(m, seed=seed)
    return m, count_synapses(m).nonzero


@dataclass(frozen=True)
class PruningCurve:
    """One pruning curve, sorted by level. ``n_nonzero``: non-zero synapses of both layers;
    ``acc``: test accuracy (fraction); ``T``: plug-in transinformation (bits); ``correct``:
    bool (levels x examples); ``refined``: which points came from bisection; ``n_total``."""

    levels: np.ndarray
    n_nonzero: np.ndarray
    acc: np.ndarray
    T: np.ndarray
    correct: np.ndarray
    refined: np.ndarray
    n_total: int
    layers: str = "input"
    refit: bool = False

    def frame(self):
        import pandas as pd

        return pd.DataFrame(
            {
                "level": self.levels,
                "n_nonzero": self.n_nonzero,
                "acc": self.acc,
                "T_bits": self.T,
                "refined": self.refined,
            }
        )


def _evaluate(model, X, y_np, q, layers, refit, seed):
    m = prune_magnitude(model, q, layers)
    if refit is not None and q > 0:  # nothing pruned at q = 0: the trained net is the reference
        m = refit(m, seed=seed)
    with torch.no_grad():
        pred = m.logits(X).argmax(1).cpu().numpy()
    correct = pred == y_np
    T = transinformation(confusion_matrix(y_np, pred))
    return count_synapses(m).nonzero, float(correct.mean()), T, correct


def _check_levels(levels):
    lv = np.asarray(levels, dtype=np.float64)
    if lv.ndim != 1 or lv.size < 1:
        raise ValueError("levels must be a non-empty 1-d sequence")
    if lv[0] != 0.0 or np.any(np.diff(lv) <= 0) or lv[-1] > 1:
        raise ValueError("levels must start at 0, increase strictly and stay <= 1")
    return lv


def _passing(acc, acc0, tol, mode):
    if mode == "absolute":
        return acc >= acc0 - tol - 1e-12
    return acc >= (1.0 - tol) * acc0 - 1e-12


def _check_tol_mode(tol, mode):
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not 0 <= tol < 1:
        raise ValueError(f"tol must be a real number in [0, 1), got {tol!r}")
    if mode not in ("absolute", "relative"):
        raise ValueError(f"mode must be 'absolute' or 'relative', got {mode!r}")
    return float(tol)


def _bracket(levels, acc, tol, mode):
    """(last passing level, first failing level above it) or None when nothing fails."""
    ok = _passing(acc, acc[0], tol, mode)
    i = int(np.flatnonzero(ok).max())
    if i == len(levels) - 1:
        return None
    return levels[i], levels[i + 1]


def pruning_curve(
    model,
    X,
    y,
    levels,
    layers: str = "input",
    refit=None,
    seed=0,
    refine_steps: int = 0,
    tol: float = 0.005,
    mode: str = "absolute",
) -> PruningCurve:
    """Evaluate ``model`` pruned at every level (batched: the whole ``X`` per level).

    ``refit``: ``None`` or a callable ``refit(model, seed=...) -> model`` applied after pruning
    (see :func:`readout_refitter`). ``refine_steps > 0``: that many bisection steps on ``q``
    between the last passing and the first failing level (criterion ``tol``/``mode``), added
    to the curve. The original model is unchanged."""
    model_kind(model)
    lv = _check_levels(levels)
    _check_layers(layers)
    if refit is not None and not callable(refit):
        raise TypeError("refit must be None or a callable refit(model, seed=...)")
    seed = check_seed(seed)
    if isinstance(refine_steps, bool) or not isinstance(refine_steps, int) or refine_steps < 0:
        raise ValueError(f"refine_steps must be an int >= 0, got {refine_steps!r}")
    tol = _check_tol_mode(tol, mode)
    X = as_tensor(X, "X", "cpu", 2)
    y_np = as_labels(y, X.shape[0], "cpu").numpy()
    model = model.to("cpu")
    rows = {float(q): _evaluate(model, X, y_np, float(q), layers, refit, seed) for q in lv}
    refined = set()
    if refine_steps:
        br = _bracket(lv, np.array([rows[q][1] for q in lv]), tol, mode)
        if br is not None:
            lo, hi = br
            acc0 = rows[0.0][1]
            for _ in range(refine_steps):
                mid = 0.5 * (lo + hi)
                rows[mid] = _evaluate(model, X, y_np, mid, layers, refit, seed)
                refined.add(mid)
                if _passing(np.array([rows[mid][1]]), acc0, tol, mode)[0]:
                    lo = mid
                else:
                    hi = mid
    qs = np.array(sorted(rows))
    return PruningCurve(
        levels=qs,
        n_nonzero=np.array([rows[q][0] for q in qs], dtype=np.int64),
        acc=np.array([rows[q][1] for q in qs]),
        T=np.array([rows[q][2] for q in qs]),
        correct=np.stack([rows[q][3] for q in qs]),
        refined=np.array([q in refined for q in qs]),
        n_total=count_synapses(model).total,
        layers=layers,
        refit=refit is not None,
    )


def _check_curve(curve):
    if not isinstance(curve, PruningCurve):
        raise TypeError(f"curve must be a PruningCurve, got {type(curve).__name__}")
    if curve.levels[0] != 0:
        raise ValueError("curve must contain level 0 (the unpruned model)")
    return curve


def _n_min(n_nonzero, levels, acc, tol, mode):
    ok = _passing(acc, acc[0], tol, mode)
    i = int(np.argmin(np.where(ok, n_nonzero, np.iinfo(np.int64).max)))
    return int(n_nonzero[i]), float(levels[i])


def minimal_synapses(curve, tol: float = 0.005, mode: str = "absolute", refine=None):
    """``(N_min, level)``: the smallest ``n_nonzero`` on the curve whose accuracy passes the
    criterion (module docstring). ``refine``: optional callable ``level -> (n_nonzero, correct)``
    evaluating one more level; then 6 bisection steps between the last passing and first failing
    level are added first. When no level fails, ``N_min`` is the count at the highest level (an
    upper bound)."""
    _check_curve(curve)
    tol = _check_tol_mode(tol, mode)
    levels, nnz, acc = list(curve.levels), list(curve.n_nonzero), list(curve.acc)
    if refine is not None:
        if not callable(refine):
            raise TypeError("refine must be None or a callable level -> (n_nonzero, correct)")
        br = _bracket(np.array(levels), np.array(acc), tol, mode)
        if br is not None:
            lo, hi = br
            for _ in range(6):
                mid = 0.5 * (lo + hi)
                n, correct = refine(mid)
                a = float(np.mean(correct))
                levels.append(mid), nnz.append(int(n)), acc.append(a)
                if _passing(np.array([a]), acc[0], tol, mode)[0]:
                    lo = mid
                else:
                    hi = mid
    return _n_min(np.array(nnz), np.array(levels), np.array(acc), tol, mode)


def point_at_minimum(curve, tol: float = 0.005, mode: str = "absolute"):
    """``(N_min, level, acc, T)``: the point of ``curve`` at its minimal synapse count (the
    criterion of :func:`minimal_synapses`; refined points included)."""
    _check_curve(curve)
    tol = _check_tol_mode(tol, mode)
    n_min, level = _n_min(curve.n_nonzero, curve.levels, curve.acc, tol, mode)
    j = int(np.flatnonzero(curve.levels == level)[0])
    return n_min, level, float(curve.acc[j]), float(curve.T[j])


def bootstrap_minimal_synapses(
    curve,
    tol: float = 0.005,
    n_boot: int = 200,
    seed=0,
    mode: str = "absolute",
    level: float = 0.95,
):
    """``(N_min, lo, hi)``: ``N_min`` on all test examples and a percentile bootstrap interval
    from ``n_boot`` resamples of the test examples applied to the stored correctness vectors."""
    _check_curve(curve)
    tol = _check_tol_mode(tol, mode)
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 1:
        raise ValueError(f"n_boot must be an int >= 1, got {n_boot!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(check_seed(seed))
    n_min, _ = _n_min(curve.n_nonzero, curve.levels, curve.acc, tol, mode)
    N = curve.correct.shape[1]
    C = curve.correct.astype(np.float64)
    vals = np.empty(n_boot)
    for b in range(n_boot):
        counts = np.bincount(rng.integers(0, N, N), minlength=N)
        acc_b = C @ counts / N
        vals[b] = _n_min(curve.n_nonzero, curve.levels, acc_b, tol, mode)[0]
    a = (1 - level) / 2
    lo, hi = np.quantile(vals, [a, 1 - a])
    return n_min, float(lo), float(hi)


def overparameterization_factor(n_total, n_min) -> float:
    """``F = N_tot / N_min`` (dimensionless)."""
    for name, v in (("n_total", n_total), ("n_min", n_min)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"{name} must be a number, got {type(v).__name__}")
        if not v > 0:
            raise ValueError(f"{name} must be > 0, got {v}")
    if n_min > n_total:
        raise ValueError(f"n_min ({n_min}) must not exceed n_total ({n_total})")
    return float(n_total) / float(n_min)


def redundancy(n_nonzero_trained, n_min) -> float:
    """``r = N_nz(q=0) / N_min``: how far the trained net sits above its own minimum."""
    return overparameterization_factor(n_nonzero_trained, n_min)


def _refit(model, X, y, epochs, readout_cfg, seed=0):
    return refit_readout(model, X, y, epochs=epochs, seed=seed, readout_cfg=readout_cfg)


def readout_refitter(X, y, epochs: int, readout_cfg=None):
    """A picklable ``refit(model, seed=...)`` that retrains only the readout on ``(X, y)`` for
    ``epochs`` epochs with the model's own rule (:func:`continuation.refit_readout`)."""
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be an int >= 0, got {epochs!r}")
    return functools.partial(_refit, X=X, y=y, epochs=epochs, readout_cfg=readout_cfg)
