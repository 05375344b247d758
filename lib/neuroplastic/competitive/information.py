"""Label transinformation and the capacity family used in chapter 4.

All information is in **bits**. These are our own computable definitions (companion choice),
not the formulas of Stricker et al. (2026, stricker2026information), which were not available.

* Confusion matrix ``M[y, yhat]`` (counts) with ``N = sum M``; ``p(y, yhat) = M / N``.
* Transinformation (mutual information between true and predicted label)
  ``T = sum p(y,yhat) log2[p(y,yhat) / (p(y) p(yhat))] = H(Y) - H(Y|Yhat)``, ``0 <= T <= log2 C``.
* Miller-Madow correction (Miller 1955, miller1955note), applied to the three plug-in entropies:
  ``T_MM = T - (m_{y yhat} - m_y - m_yhat + 1) / (2 N ln 2)``, ``m`` = number of non-empty cells.
* Stored information ``I = N_train * T`` (bits); synaptic capacity ``C_S = I / N_nz`` (bits per
  non-silent synapse), network capacity ``C = I / N_tot`` (bits per potential synapse),
  information capacity ``C_I = I / B_store`` (bits per stored bit) (Knoblauch, Palm & Sommer
  2010, knoblauch2010memory).
* Comparison of two networks' synaptic capacities (:func:`compare_synaptic_capacity`):
  ``C_S(a) / C_S(b) = (T_a / T_b) (N_b / N_a)``. At *matched* synapse counts (``N_a ~ N_b``,
  checked to a relative tolerance) the ratio is the ratio of the transinformations alone, so
  the comparison asks what a network of that size stores, not how few synapses it has.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..validation import as_generator, check_float, check_int

if TYPE_CHECKING:
    import torch

__all__ = [
    "confusion_matrix",
    "transinformation",
    "bootstrap_transinformation",
    "stored_information",
    "synaptic_capacity",
    "network_capacity",
    "information_capacity",
    "CapacityComparison",
    "compare_synaptic_capacity",
    "bootstrap_transinformation_difference",
]


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


def confusion_matrix(
    y_true: np.ndarray | torch.Tensor, y_pred: np.ndarray | torch.Tensor, n_classes: int = 10
) -> np.ndarray:
    """Counts ``M[y, yhat]`` of examples with true label ``y`` predicted as ``yhat``.

    Parameters
    ----------
    y_true, y_pred : np.ndarray or torch.Tensor
        Integer labels in ``[0, n_classes - 1]``, 1-d, of equal length.
    n_classes : int
        Number of classes (>= 1).

    Returns
    -------
    np.ndarray
        int64 ``[n_classes, n_classes]`` (pattern counts).

    Raises
    ------
    TypeError
        If ``n_classes`` is not an int or the labels are not integers.
    ValueError
        If the labels are not 1-d, differ in length or lie outside the range.
    """
    n_classes = _check_n_classes(n_classes)
    yt, yp = _labels("y_true", y_true), _labels("y_pred", y_pred)
    if yt.shape != yp.shape:
        raise ValueError(f"y_true and y_pred must have equal length, got {yt.size} and {yp.size}")
    for name, y in (("y_true", yt), ("y_pred", yp)):
        if y.size and (y.min() < 0 or y.max() >= n_classes):
            raise ValueError(f"{name} must lie in [0, {n_classes - 1}]")
    return (
        np.bincount(yt * n_classes + yp, minlength=n_classes * n_classes)
        .reshape(n_classes, n_classes)
        .astype(np.int64)
    )


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


def transinformation(confusion: np.ndarray, correction: str | None = None) -> float:
    """Label transinformation ``T`` in bits per pattern from a confusion matrix.

    ``T = H(Y) + H(Yhat) - H(Y, Yhat)`` with plug-in probabilities ``M / N``, ``0 <= T <= log2 C``.

    Parameters
    ----------
    confusion : np.ndarray
        Square matrix of finite non-negative counts ``M[y, yhat]``, sum > 0.
    correction : str or None
        ``"miller_madow"`` subtracts ``(m_{y yhat} - m_y - m_yhat + 1) / (2 N ln 2)`` (``m``:
        non-empty cells); this can make ``T`` slightly negative for independent labels, and it
        is returned as is.

    Returns
    -------
    float
        ``T`` in bits per pattern.

    Raises
    ------
    TypeError
        If ``confusion`` is not numeric.
    ValueError
        If ``correction`` is unknown or ``confusion`` is not a square matrix of counts with a
        positive sum.
    """
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


def bootstrap_transinformation(
    y_true: np.ndarray | torch.Tensor,
    y_pred: np.ndarray | torch.Tensor,
    n_boot: int = 500,
    seed: int | np.random.Generator = 0,
    n_classes: int = 10,
    correction: str | None = None,
    level: float = 0.95,
) -> tuple[float, float, float]:
    """Transinformation ``T`` with a percentile bootstrap interval.

    Parameters
    ----------
    y_true, y_pred : np.ndarray or torch.Tensor
        Integer labels, 1-d, of equal non-zero length.
    n_boot : int
        Resamples of the examples (with replacement).
    seed : int or np.random.Generator
        Seed of the resampling.
    n_classes : int
        Number of classes.
    correction : str or None
        As for :func:`transinformation`.
    level : float
        Coverage of the interval, in (0, 1).

    Returns
    -------
    T, lo, hi : float
        Plug-in (or corrected) ``T`` on all examples and the interval, in bits per pattern.

    Raises
    ------
    ValueError
        If ``n_boot`` or ``level`` is invalid or the labels are empty or malformed.
    """
    n_boot = check_int("n_boot", n_boot, 1)
    if not isinstance(level, numbers.Real) or not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    M = confusion_matrix(y_true, y_pred, n_classes)
    T = transinformation(M, correction)
    yt, yp = _labels("y_true", y_true), _labels("y_pred", y_pred)
    if yt.size == 0:
        raise ValueError("y_true must hold at least one example")
    rng = as_generator(seed)
    codes = yt * n_classes + yp
    Ts = np.empty(n_boot)
    for b in range(n_boot):
        idx = rng.integers(0, codes.size, codes.size)
        Mb = np.bincount(codes[idx], minlength=n_classes * n_classes).reshape(n_classes, n_classes)
        Ts[b] = transinformation(Mb, correction)
    a = (1 - level) / 2
    lo, hi = np.quantile(Ts, [a, 1 - a])
    return T, float(lo), float(hi)


def bootstrap_transinformation_difference(
    y_true: np.ndarray | torch.Tensor,
    pred_a: np.ndarray | torch.Tensor,
    pred_b: np.ndarray | torch.Tensor,
    n_boot: int = 500,
    seed: int | np.random.Generator = 0,
    n_classes: int = 10,
    level: float = 0.95,
) -> tuple[float, float, float]:
    """Difference ``T_a - T_b`` of two classifiers' plug-in transinformations, paired bootstrap.

    Each resample of the test examples is applied to both prediction vectors.

    Parameters
    ----------
    y_true : np.ndarray or torch.Tensor
        True labels, 1-d, non-empty.
    pred_a, pred_b : np.ndarray or torch.Tensor
        Predictions of the two classifiers on the same examples.
    n_boot : int
        Resamples.
    seed : int or np.random.Generator
        Seed of the resampling.
    n_classes : int
        Number of classes.
    level : float
        Coverage of the percentile interval, in (0, 1).

    Returns
    -------
    diff, lo, hi : float
        ``T_a - T_b`` and its interval, in bits per pattern.

    Raises
    ------
    ValueError
        If ``n_boot`` or ``level`` is invalid or the label vectors are empty or differ in length.
    """
    n_boot = check_int("n_boot", n_boot, 1)
    if not isinstance(level, numbers.Real) or not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    yt = _labels("y_true", y_true)
    pa, pb = _labels("pred_a", pred_a), _labels("pred_b", pred_b)
    if yt.size == 0 or pa.size != yt.size or pb.size != yt.size:
        raise ValueError("y_true, pred_a and pred_b must be non-empty and of equal length")
    ca = yt * n_classes + pa
    cb = yt * n_classes + pb
    d = transinformation(confusion_matrix(yt, pa, n_classes)) - transinformation(
        confusion_matrix(yt, pb, n_classes)
    )
    rng = as_generator(seed)
    k2 = n_classes * n_classes
    ds = np.empty(n_boot)
    for b in range(n_boot):
        idx = rng.integers(0, yt.size, yt.size)
        ds[b] = transinformation(
            np.bincount(ca[idx], minlength=k2).reshape(n_classes, n_classes)
        ) - transinformation(np.bincount(cb[idx], minlength=k2).reshape(n_classes, n_classes))
    a = (1 - level) / 2
    lo, hi = np.quantile(ds, [a, 1 - a])
    return float(d), float(lo), float(hi)


def _check_pos(name, value, allow_zero=False):
    return check_float(name, value, 0, lo_open=not allow_zero)


def stored_information(n_patterns: float, T_bits: float) -> float:
    """Stored information ``I = n_patterns * T`` in bits.

    Parameters
    ----------
    n_patterns : float
        Number of stored (training) patterns (> 0).
    T_bits : float
        Label information per pattern in bits (>= 0).

    Returns
    -------
    float
        ``I`` in bits.

    Raises
    ------
    TypeError, ValueError
        If an argument is not a real number in range.
    """
    return _check_pos("n_patterns", n_patterns) * _check_pos("T_bits", T_bits, allow_zero=True)


def synaptic_capacity(info_bits: float, n_nonzero: float) -> float:
    """Synaptic capacity ``C_S = I / N_nz`` in bits per non-silent synapse.

    Parameters
    ----------
    info_bits : float
        Stored information ``I`` in bits (>= 0).
    n_nonzero : float
        Non-silent synapses ``N_nz`` (> 0).

    Returns
    -------
    float
        Bits per synapse.

    Raises
    ------
    TypeError, ValueError
        If an argument is not a real number in range.
    """
    return _check_pos("info_bits", info_bits, True) / _check_pos("n_nonzero", n_nonzero)


def network_capacity(info_bits: float, n_total: float) -> float:
    """Network capacity ``C = I / N_tot`` in bits per potential synapse.

    Parameters
    ----------
    info_bits : float
        Stored information ``I`` in bits (>= 0).
    n_total : float
        Potential synapses ``N_tot`` (> 0).

    Returns
    -------
    float
        Bits per potential synapse.

    Raises
    ------
    TypeError, ValueError
        If an argument is not a real number in range.
    """
    return _check_pos("info_bits", info_bits, True) / _check_pos("n_total", n_total)


def information_capacity(info_bits: float, storage_bits: float) -> float:
    """Information capacity ``C_I = I / B_store`` in bits of information per bit of storage.

    Parameters
    ----------
    info_bits : float
        Stored information ``I`` in bits (>= 0).
    storage_bits : float
        Bits needed to store the weights, ``B_store`` (> 0).

    Returns
    -------
    float
        Bits per stored bit.

    Raises
    ------
    TypeError, ValueError
        If an argument is not a real number in range.
    """
    return _check_pos("info_bits", info_bits, True) / _check_pos("storage_bits", storage_bits)


@dataclass(frozen=True)
class CapacityComparison:
    """Synaptic capacities ``C_S = n_train T / N`` (bits per non-silent synapse) of two networks
    ``a`` and ``b`` and their ratio ``C_S(a) / C_S(b)``; ``count_ratio = N_a / N_b``."""

    n_train: int
    T_a: float
    n_a: int
    T_b: float
    n_b: int

    @property
    def cs_a(self) -> float:
        """``C_S(a) = n_train T_a / n_a``.

        Returns
        -------
        float
            Bits per non-silent synapse.
        """
        return synaptic_capacity(stored_information(self.n_train, self.T_a), self.n_a)

    @property
    def cs_b(self) -> float:
        """``C_S(b) = n_train T_b / n_b``.

        Returns
        -------
        float
            Bits per non-silent synapse.
        """
        return synaptic_capacity(stored_information(self.n_train, self.T_b), self.n_b)

    @property
    def ratio(self) -> float:
        """``C_S(a) / C_S(b)``, dimensionless.

        Returns
        -------
        float
            The ratio (``inf`` when ``b`` stores nothing).
        """
        return self.cs_a / self.cs_b if self.cs_b > 0 else math.inf

    @property
    def count_ratio(self) -> float:
        """``N_a / N_b``, the ratio of non-silent synapse counts.

        Returns
        -------
        float
        """
        return self.n_a / self.n_b

    def a_at_least(self, factor: float = 1.0) -> bool:
        """Whether ``C_S(a) >= factor * C_S(b)``.

        Parameters
        ----------
        factor : float
            Required ratio (> 0).

        Returns
        -------
        bool
        """
        return bool(self.cs_a >= _check_pos("factor", factor) * self.cs_b)


def compare_synaptic_capacity(
    n_train: int,
    T_a: float,
    n_a: int,
    T_b: float,
    n_b: int,
    *,
    match_tol: float | None = None,
) -> CapacityComparison:
    """Compare the synaptic capacities ``C_S`` of two networks storing ``n_train`` patterns.

    ``C_S(a) / C_S(b) = (T_a / T_b) (n_b / n_a)``.

    Parameters
    ----------
    n_train : int
        Stored patterns (>= 1).
    T_a, T_b : float
        Transinformations in bits per pattern (>= 0).
    n_a, n_b : int
        Non-silent synapses (>= 1).
    match_tol : float or None
        When given, the comparison is *at matched synapse counts*:
        ``|n_a - n_b| / max(n_a, n_b) <= match_tol`` is required, and then ``ratio`` is
        ``T_a / T_b`` up to that tolerance. Must lie in [0, 1).

    Returns
    -------
    CapacityComparison

    Raises
    ------
    ValueError
        If an argument is out of range or the counts are not matched within ``match_tol``.
    """
    n_train = check_int("n_train", n_train, 1)
    T_a = _check_pos("T_a", T_a, allow_zero=True)
    T_b = _check_pos("T_b", T_b, allow_zero=True)
    n_a, n_b = check_int("n_a", n_a, 1), check_int("n_b", n_b, 1)
    if match_tol is not None:
        tol = _check_pos("match_tol", match_tol, allow_zero=True)
        if tol >= 1:
            raise ValueError(f"match_tol must be in [0, 1), got {match_tol!r}")
        mismatch = abs(n_a - n_b) / max(n_a, n_b)
        if mismatch > tol:
            raise ValueError(
                f"n_a={n_a:,} and n_b={n_b:,} differ by {100 * mismatch:.2f} %, more than "
                f"match_tol={100 * tol:.2f} %: the counts are not matched"
            )
    return CapacityComparison(n_train, T_a, n_a, T_b, n_b)
