"""Label transinformation and the capacity family used in chapter 4.

All information is in **bits**. These are our own computable definitions (companion choice,
spec ch04 §4.2-4.3), not the formulas of Stricker et al. (2026), which were not available.

* Confusion matrix ``M[y, yhat]`` (counts) with ``N = sum M``; ``p(y, yhat) = M / N``.
* Transinformation (mutual information between true and predicted label)
  ``T = sum p(y,yhat) log2[p(y,yhat) / (p(y) p(yhat))] = H(Y) - H(Y|Yhat)``, ``0 <= T <= log2 C``.
* Miller-Madow correction (Miller 1955), applied to the three plug-in entropies:
  ``T_MM = T - (m_{y yhat} - m_y - m_yhat + 1) / (2 N ln 2)``, ``m`` = number of non-empty cells.
* Stored information ``I = N_train * T`` (bits); synaptic capacity ``C_S = I / N_nz`` (bits per
  non-silent synapse), network capacity ``C = I / N_tot`` (bits per potential synapse),
  information capacity ``C_I = I / B_store`` (bits per stored bit) (Knoblauch, Palm & Sommer 2010).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["confusion_matrix", "transinformation", "bootstrap_transinformation",
           "stored_information", "synaptic_capacity", "network_capacity", "information_capacity"]


def _labels(name, y):
    if hasattr(y, "detach"):
        y = y.detach().cpu().numpy()
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-d, got shape {y.shape}")
    if y.size and not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"{name} must hold integers, got dtype {y.dtype}")
    return y.astype(np.int64, copy=False)


def _check_n_classes(n_classes):
    if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)):
        raise TypeError(f"n_classes must be an int, got {type(n_classes).__name__}")
    if n_classes < 1:
        raise ValueError(f"n_classes must be >= 1, got {n_classes}")
    return int(n_classes)


def confusion_matrix(y_true, y_pred, n_classes: int = 10) -> np.ndarray:
    """Counts ``M[y, yhat]`` (int64, ``n_classes x n_classes``) of true label ``y`` predicted
    as ``yhat``. Labels must be integers in ``[0, n_classes - 1]`` and of equal length."""
    n_classes = _check_n_classes(n_classes)
    yt, yp = _labels("y_true", y_true), _labels("y_pred", y_pred)
    if yt.shape != yp.shape:
        raise ValueError(f"y_true and y_pred must have equal length, got {yt.size} and {yp.size}")
    for name, y in (("y_true", yt), ("y_pred", yp)):
        if y.size and (y.min() < 0 or y.max() >= n_classes):
            raise ValueError(f"{name} must lie in [0, {n_classes - 1}]")
    return np.bincount(yt * n_classes + yp, minlength=n_classes * n_classes).reshape(
        n_classes, n_classes).astype(np.int64)


def _check_confusion(confusion):
    M = np.asarray(confusion)
    if M.ndim != 2 or M.shape[0] != M.shape[1] or M.shape[0] < 1:
        raise ValueError(f"confusion must be a square 2-d array, got shape {M.shape}")
    if not (np.issubdtype(M.dtype, np.integer) or np.issubdtype(M.dtype, np.floating)):
        raise TypeError(f"confusion must be numeric, got dtype {M.dtype}")
    M = M.astype(np.float64)
    if not np.all(np.isfinite(M)) or (M < 0).any():
        raise ValueError("confusion must hold finite non-negative counts")
    if M.sum() <= 0:
        raise ValueError("confusion must hold at least one example (sum > 0)")
    return M


def _entropy_bits(p):
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


def transinformation(confusion, correction: str | None = None) -> float:
    """Label transinformation ``T`` in bits per pattern from a confusion matrix.

    ``T = H(Y) + H(Yhat) - H(Y, Yhat)`` with plug-in probabilities ``M / N``.
    ``correction="miller_madow"`` subtracts ``(m_{y yhat} - m_y - m_yhat + 1) / (2 N ln 2)``
    (can make ``T`` slightly negative for independent labels; it is returned as is)."""
    if correction not in (None, "miller_madow"):
        raise ValueError(f"correction must be None or 'miller_madow', got {correction!r}")
    M = _check_confusion(confusion)
    N = M.sum()
    pj = M / N
    py, pyh = pj.sum(1), pj.sum(0)
    T = _entropy_bits(py) + _entropy_bits(pyh) - _entropy_bits(pj.ravel())
    T = max(T, 0.0) if abs(T) < 1e-12 else T  # float round-off around 0
    if correction == "miller_madow":
        m_joint, m_y, m_yh = (M > 0).sum(), (py > 0).sum(), (pyh > 0).sum()
        T -= (m_joint - m_y - m_yh + 1) / (2.0 * N * math.log(2.0))
    return float(T)


def _check_seed(seed):
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int or a numpy Generator, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    return np.random.default_rng(int(seed))


def _check_count(name, value, lo=1):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < lo:
        raise ValueError(f"{name} must be >= {lo}, got {value}")
    return int(value)


def bootstrap_transinformation(y_true, y_pred, n_boot: int = 500, seed=0, n_classes: int = 10,
                               correction: str | None = None, level: float = 0.95):
    """``(T, lo, hi)``: plug-in (or corrected) ``T`` in bits on all examples and the percentile
    bootstrap interval at ``level`` from ``n_boot`` resamples of the examples (with replacement)."""
    n_boot = _check_count("n_boot", n_boot)
    if not isinstance(level, numbers.Real) or not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    M = confusion_matrix(y_true, y_pred, n_classes)
    T = transinformation(M, correction)
    yt, yp = _labels("y_true", y_true), _labels("y_pred", y_pred)
    if yt.size == 0:
        raise ValueError("y_true must hold at least one example")
    rng = _check_seed(seed)
    codes = yt * n_classes + yp
    Ts = np.empty(n_boot)
    for b in range(n_boot):
        idx = rng.integers(0, codes.size, codes.size)
        Mb = np.bincount(codes[idx], minlength=n_classes * n_classes).reshape(n_classes, n_classes)
        Ts[b] = transinformation(Mb, correction)
    a = (1 - level) / 2
    lo, hi = np.quantile(Ts, [a, 1 - a])
    return T, float(lo), float(hi)


def _check_pos(name, value, allow_zero=False):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    v = float(value)
    if not np.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        raise ValueError(f"{name} must be finite and {'>= 0' if allow_zero else '> 0'}, got {value!r}")
    return v


def stored_information(n_patterns, T_bits) -> float:
    """``I = n_patterns * T`` in bits (label information per stored pattern times patterns)."""
    return _check_pos("n_patterns", n_patterns) * _check_pos("T_bits", T_bits, allow_zero=True)


def synaptic_capacity(info_bits, n_nonzero) -> float:
    """``C_S = I / N_nz`` in bits per non-silent synapse."""
    return _check_pos("info_bits", info_bits, True) / _check_pos("n_nonzero", n_nonzero)


def network_capacity(info_bits, n_total) -> float:
    """``C = I / N_tot`` in bits per potential synapse."""
    return _check_pos("info_bits", info_bits, True) / _check_pos("n_total", n_total)


def information_capacity(info_bits, storage_bits) -> float:
    """``C_I = I / B_store`` in bits of information per bit of weight storage."""
    return _check_pos("info_bits", info_bits, True) / _check_pos("storage_bits", storage_bits)
