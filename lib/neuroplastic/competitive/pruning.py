"""Magnitude pruning, minimal synapse counts and the overparameterisation factor (chapter 4).

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

from ..validation import check_seed
from .continuation import clone_model, model_kind, refit_readout
from .counting import count_synapses, layer_weights
from .information import confusion_matrix, transinformation
from .tensors import as_labels, as_tensor

if TYPE_CHECKING:
    import pandas as pd

    from .configs import BPConfig, KHReadoutConfig, RRReadoutConfig
    from .models import BPNet, CompetitiveClassifier

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


def prune_magnitude(
    model: BPNet | CompetitiveClassifier, fraction: float, layers: str = "input"
) -> BPNet | CompetitiveClassifier:
    """A magnitude-pruned copy of ``model`` (the original is untouched).

    Among the non-zero weights of a layer, the ``round(q n_nz)`` smallest in magnitude are set
    to 0 (every weight at or below that empirical ``q``-quantile; ties at the threshold go too).

    Parameters
    ----------
    model : BPNet or CompetitiveClassifier
        A trained classifier.
    fraction : float
        ``q`` in [0, 1]: 0 changes nothing, 1 silences the layer.
    layers : str
        "input" (the input -> hidden layer only) or "both" (``q`` applied to each layer).

    Returns
    -------
    BPNet or CompetitiveClassifier
        The pruned copy.

    Raises
    ------
    TypeError, ValueError
        If ``fraction`` is not a real number in [0, 1], ``layers`` is unknown or ``model`` has
        the wrong type.
    """
    q = _check_fraction(fraction)
    _check_layers(layers)
    out = clone_model(model)
    with torch.no_grad():
        for name, W in layer_weights(out):
            if name == "input" or layers == "both":
                _prune_tensor_(W, q)
    return out


def fraction_for_count(
    model: BPNet | CompetitiveClassifier, n_nonzero: int, layers: str = "input"
) -> float:
    """The input-layer pruning fraction that brings the total count closest to a target.

    q = (n_in - target_in) / n_in with target_in = clip(n_nonzero - N_nz(readout), 0, n_in), so
    the non-zero count of both layers approaches ``n_nonzero`` from above.

    Parameters
    ----------
    model : BPNet or CompetitiveClassifier
        A trained classifier.
    n_nonzero : int
        Target number of non-zero synapses (both layers, >= 0).
    layers : str
        Only "input" is supported.

    Returns
    -------
    float
        ``q`` in [0, 1].

    Raises
    ------
    ValueError
        If ``layers`` is not "input" or ``n_nonzero`` is not an int >= 0.
    """
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


def prune_to_count(
    model: BPNet | CompetitiveClassifier,
    n_nonzero: int,
    refit: Callable[..., BPNet | CompetitiveClassifier] | None = None,
    seed: int | np.random.Generator = 0,
) -> tuple[BPNet | CompetitiveClassifier, int]:
    """Prune ``model``'s input layer to a target number of non-zero synapses.

    The total non-zero count (both layers) becomes the smallest reachable count >= ``n_nonzero``
    (ties at the threshold may take it a few synapses below; :func:`fraction_for_count`). A
    target at or above the current count returns an unpruned copy.

    Parameters
    ----------
    model : BPNet or CompetitiveClassifier
        A trained classifier (unchanged).
    n_nonzero : int
        Target count.
    refit : callable or None
        ``refit(model, seed=seed) -> model``, applied when anything was pruned.
    seed : int or np.random.Generator
        Passed to ``refit``.

    Returns
    -------
    model : BPNet or CompetitiveClassifier
        The pruned (and refitted) copy.
    n_nonzero : int
        Its non-zero synapse count.

    Raises
    ------
    TypeError
        If ``model`` has the wrong type or ``refit`` is not callable.
    ValueError
        If ``n_nonzero`` or ``seed`` is invalid.
    """
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
    """One pruning curve, sorted by level.

    Attributes
    ----------
    levels : np.ndarray
        Pruning fractions ``q``.
    n_nonzero : np.ndarray
        int64, non-zero synapses of both layers.
    acc : np.ndarray
        Test accuracy (fraction).
    T : np.ndarray
        Plug-in transinformation (bits per pattern).
    correct : np.ndarray
        bool [levels, examples].
    refined : np.ndarray
        bool, which points came from bisection.
    n_total : int
        Potential synapses.
    layers : str
        "input" or "both".
    refit : bool
        Whether the readout was refitted after pruning.
    """

    levels: np.ndarray
    n_nonzero: np.ndarray
    acc: np.ndarray
    T: np.ndarray
    correct: np.ndarray
    refined: np.ndarray
    n_total: int
    layers: str = "input"
    refit: bool = False

    def frame(self) -> pd.DataFrame:
        """The curve as a table.

        Returns
        -------
        pd.DataFrame
            Columns ``level``, ``n_nonzero``, ``acc``, ``T_bits``, ``refined``.
        """
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
    model: BPNet | CompetitiveClassifier,
    X: np.ndarray | torch.Tensor,
    y: np.ndarray | torch.Tensor,
    levels: Sequence[float],
    layers: str = "input",
    refit: Callable[..., BPNet | CompetitiveClassifier] | None = None,
    seed: int | np.random.Generator = 0,
    refine_steps: int = 0,
    tol: float = 0.005,
    mode: str = "absolute",
) -> PruningCurve:
    """Accuracy and transinformation of ``model`` pruned at every level.

    Batched: the whole ``X`` per level, on the CPU. The original model is unchanged (it is moved
    to the CPU).

    Parameters
    ----------
    model : BPNet or CompetitiveClassifier
        A trained classifier.
    X : np.ndarray or torch.Tensor
        Test images [N, D].
    y : np.ndarray or torch.Tensor
        Labels [N].
    levels : sequence of float
        Pruning fractions, starting at 0, strictly increasing, <= 1.
    layers : str
        "input" or "both".
    refit : callable or None
        ``refit(model, seed=...) -> model`` applied after pruning where ``q > 0`` (see
        :func:`readout_refitter`).
    seed : int or np.random.Generator
        Passed to ``refit``.
    refine_steps : int
        Bisection steps on ``q`` between the last passing and the first failing level,
        added to the curve.
    tol : float
        Accuracy tolerance of the pass criterion (module docstring).
    mode : str
        "absolute" or "relative".

    Returns
    -------
    PruningCurve

    Raises
    ------
    TypeError
        If ``model`` has the wrong type or ``refit`` is not callable.
    ValueError
        If ``levels``, ``layers``, ``refine_steps``, ``tol`` or ``mode`` is invalid.
    """
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


def minimal_synapses(
    curve: PruningCurve,
    tol: float = 0.005,
    mode: str = "absolute",
    refine: Callable[[float], tuple[int, np.ndarray]] | None = None,
) -> tuple[int, float]:
    """The smallest non-zero synapse count ``N_min`` whose accuracy passes the criterion.

    Passing: ``acc(q) >= acc(0) - tol`` ("absolute") or ``acc(q) >= (1 - tol) acc(0)``
    ("relative"). When no level fails, ``N_min`` is the count at the highest level (an upper
    bound).

    Parameters
    ----------
    curve : PruningCurve
        Must contain level 0.
    tol : float
        Tolerance in [0, 1) (accuracy units for "absolute": 0.005 = 0.5 pp).
    mode : str
        "absolute" or "relative".
    refine : callable or None
        ``level -> (n_nonzero, correct)`` evaluating one more level; then 6 bisection steps
        between the last passing and first failing level are added first.

    Returns
    -------
    N_min : int
        Synapse count.
    level : float
        Its pruning fraction.

    Raises
    ------
    TypeError
        If ``curve`` is not a PruningCurve or ``refine`` is not callable.
    ValueError
        If ``curve`` lacks level 0 or ``tol``/``mode`` is invalid.
    """
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


def point_at_minimum(
    curve: PruningCurve, tol: float = 0.005, mode: str = "absolute"
) -> tuple[int, float, float, float]:
    """The point of ``curve`` at its minimal synapse count (:func:`minimal_synapses`).

    Refined points are included.

    Parameters
    ----------
    curve : PruningCurve
        Must contain level 0.
    tol : float
        Tolerance of the pass criterion.
    mode : str
        "absolute" or "relative".

    Returns
    -------
    N_min : int
        Synapse count.
    level : float
        Pruning fraction.
    acc : float
        Accuracy (fraction).
    T : float
        Transinformation (bits per pattern).

    Raises
    ------
    TypeError, ValueError
        As for :func:`minimal_synapses`.
    """
    _check_curve(curve)
    tol = _check_tol_mode(tol, mode)
    n_min, level = _n_min(curve.n_nonzero, curve.levels, curve.acc, tol, mode)
    j = int(np.flatnonzero(curve.levels == level)[0])
    return n_min, level, float(curve.acc[j]), float(curve.T[j])


def bootstrap_minimal_synapses(
    curve: PruningCurve,
    tol: float = 0.005,
    n_boot: int = 200,
    seed: int | np.random.Generator = 0,
    mode: str = "absolute",
    level: float = 0.95,
) -> tuple[int, float, float]:
    """``N_min`` with a percentile bootstrap interval over the test examples.

    Each resample of the test examples is applied to the stored correctness vectors of every
    level.

    Parameters
    ----------
    curve : PruningCurve
        Must contain level 0.
    tol : float
        Tolerance of the pass criterion.
    n_boot : int
        Resamples (>= 1).
    seed : int or np.random.Generator
        Seed of the resampling.
    mode : str
        "absolute" or "relative".
    level : float
        Coverage of the interval, in (0, 1).

    Returns
    -------
    N_min : int
        On all test examples (synapse count).
    lo, hi : float
        The interval (synapse counts).

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid.
    """
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


def overparameterization_factor(n_total: float, n_min: float) -> float:
    """Overparameterisation factor ``F = N_tot / N_min`` (dimensionless).

    Parameters
    ----------
    n_total : float
        Potential synapses (> 0).
    n_min : float
        Minimal synapse count (> 0, <= ``n_total``).

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If an argument is not a number.
    ValueError
        If an argument is not positive or ``n_min > n_total``.
    """
    for name, v in (("n_total", n_total), ("n_min", n_min)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"{name} must be a number, got {type(v).__name__}")
        if not v > 0:
            raise ValueError(f"{name} must be > 0, got {v}")
    if n_min > n_total:
        raise ValueError(f"n_min ({n_min}) must not exceed n_total ({n_total})")
    return float(n_total) / float(n_min)


def redundancy(n_nonzero_trained: float, n_min: float) -> float:
    """Redundancy ``r = N_nz(q=0) / N_min``: how far the trained net sits above its minimum.

    Parameters
    ----------
    n_nonzero_trained : float
        Non-zero synapses of the trained net (> 0).
    n_min : float
        Its minimal synapse count (> 0, <= ``n_nonzero_trained``).

    Returns
    -------
    float
        Dimensionless ratio.

    Raises
    ------
    TypeError, ValueError
        As for :func:`overparameterization_factor`.
    """
    return overparameterization_factor(n_nonzero_trained, n_min)


def _refit(model, X, y, epochs, readout_cfg, seed=0):
    return refit_readout(model, X, y, epochs=epochs, seed=seed, readout_cfg=readout_cfg)


def readout_refitter(
    X: np.ndarray | torch.Tensor,
    y: np.ndarray | torch.Tensor,
    epochs: int,
    readout_cfg: KHReadoutConfig | RRReadoutConfig | BPConfig | None = None,
) -> Callable[..., BPNet | CompetitiveClassifier]:
    """A picklable ``refit(model, seed=...)`` that retrains only the readout.

    It calls :func:`.continuation.refit_readout` on ``(X, y)`` for ``epochs`` epochs with the
    model's own rule.

    Parameters
    ----------
    X : np.ndarray or torch.Tensor
        Training images [N, D].
    y : np.ndarray or torch.Tensor
        Labels [N].
    epochs : int
        Readout epochs (>= 0).
    readout_cfg : KHReadoutConfig, RRReadoutConfig, BPConfig or None
        As for :func:`.continuation.refit_readout`.

    Returns
    -------
    callable
        A ``functools.partial``.

    Raises
    ------
    ValueError
        If ``epochs`` is not an int >= 0.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be an int >= 0, got {epochs!r}")
    return functools.partial(_refit, X=X, y=y, epochs=epochs, readout_cfg=readout_cfg)
