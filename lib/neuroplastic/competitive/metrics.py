"""Sparsity, Dale and representation metrics (dimensionless, except the information in bits).

* silent_fraction: share of weights exactly 0 (``rel_threshold=0``) or below
  rel_threshold * max|W|.
* hoyer (Hoyer 2004, hoyer2004nonnegative): (sqrt(D) - |w|_1/|w|_2) / (sqrt(D) - 1) per row.
* population / lifetime sparseness (Vinje & Gallant 2000, vinje2000sparse):
  (1 - (sum r / N)^2 / (sum r^2 / N)) / (1 - 1/N), across units / across stimuli.
* dale_input (D1): share of input pixels whose non-silent outgoing weights (a column of W)
  share one sign. dale_outgoing (D2(tau)): share of hidden units whose readout weights with
  |S| > tau max|S| share one sign, among units with any; plus the soft index
  mean max(n+, n-)/(n+ + n-).
* class_selectivity (Morcos et al. 2018, morcos2018importance):
  SI = (r_max - mean r_other)/(r_max + mean r_other) from class-mean activity; silent units
  excluded.
* unit_label_information: I(1[h > 0]; Y) in bits.
* kernel_prototype_cosine: max cosine of each kernel with the ten class-mean images.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..validation import check_int


def _arr2(W, name="W"):
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2:
        raise ValueError(f"{name} must be 2-d, got shape {W.shape}")
    return W


def silent_fraction(W: ArrayLike, rel_threshold: float = 0.0) -> float:
    """Share of weights that are silent: W == 0, or |W| < rel_threshold max|W| when > 0.

    Parameters
    ----------
    W : array_like
        2-d weights.
    rel_threshold : float
        Threshold relative to the largest magnitude, in [0, 1).

    Returns
    -------
    float
        Fraction in [0, 1].

    Raises
    ------
    ValueError
        If ``W`` is not 2-d or ``rel_threshold`` is out of range.
    """
    W = _arr2(W)
    if not 0 <= rel_threshold < 1:
        raise ValueError(f"rel_threshold must be in [0, 1), got {rel_threshold}")
    if rel_threshold == 0:
        return float((W == 0).mean())
    return float((np.abs(W) < rel_threshold * np.abs(W).max()).mean())


def hoyer(W: ArrayLike) -> np.ndarray:
    """Hoyer sparseness per row, (sqrt(D) - ‖w‖₁/‖w‖₂) / (sqrt(D) - 1).

    0 for a uniform row, 1 for a single non-zero entry (dimensionless).

    Parameters
    ----------
    W : array_like
        2-d [K, D].

    Returns
    -------
    np.ndarray
        [K].

    Raises
    ------
    ValueError
        If ``W`` is not 2-d.
    """
    W = _arr2(W)
    D = W.shape[1]
    l1, l2 = np.abs(W).sum(1), np.sqrt((W**2).sum(1))
    return (np.sqrt(D) - l1 / np.maximum(l2, 1e-300)) / (np.sqrt(D) - 1)


def _vg(R, axis):
    R = np.asarray(R, dtype=np.float64)
    N = R.shape[axis]
    m1, m2 = R.mean(axis), (R**2).mean(axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = (1 - m1**2 / m2) / (1 - 1 / N)
    return s


def population_sparseness(H: ArrayLike) -> np.ndarray:
    """Vinje–Gallant sparseness across units, per stimulus.

    S = (1 - (sum r / N)^2 / (sum r^2 / N)) / (1 - 1/N) over the N units of a row.

    Parameters
    ----------
    H : array_like
        Activities [stimuli, units].

    Returns
    -------
    np.ndarray
        [stimuli]; NaN for an all-silent row.

    Raises
    ------
    ValueError
        If ``H`` is not 2-d.
    """
    return _vg(_arr2(H, "H"), 1)


def lifetime_sparseness(H: ArrayLike) -> np.ndarray:
    """Vinje–Gallant sparseness across stimuli, per unit.

    S = (1 - (sum r / N)^2 / (sum r^2 / N)) / (1 - 1/N) over the N stimuli of a column.

    Parameters
    ----------
    H : array_like
        Activities [stimuli, units].

    Returns
    -------
    np.ndarray
        [units]; NaN for a unit never active.

    Raises
    ------
    ValueError
        If ``H`` is not 2-d.
    """
    return _vg(_arr2(H, "H"), 0)


def active_units(H: ArrayLike) -> np.ndarray:
    """Number of active units (h > 0) per stimulus.

    Parameters
    ----------
    H : array_like
        Activities [stimuli, units].

    Returns
    -------
    np.ndarray
        int [stimuli], unit counts.

    Raises
    ------
    ValueError
        If ``H`` is not 2-d.
    """
    return (_arr2(H, "H") > 0).sum(1)


def dale_input(W: ArrayLike) -> float:
    """D1: share of inputs (columns of W) whose non-zero weights share one sign.

    All-zero columns count as satisfying it.

    Parameters
    ----------
    W : array_like
        2-d [K, D] (a column holds one input's outgoing weights).

    Returns
    -------
    float
        Fraction in [0, 1].

    Raises
    ------
    ValueError
        If ``W`` is not 2-d.
    """
    W = _arr2(W)
    pos, neg = (W > 0).any(0), (W < 0).any(0)
    return float((~(pos & neg)).mean())


def dale_outgoing(S: ArrayLike, rel_threshold: float = 0.0) -> tuple[float, float]:
    """D2(tau) and the soft Dale index of a readout S (classes x units).

    Counting only weights with |S| > tau max|S| (tau = ``rel_threshold``), D2 is the share of
    hidden units with any such weight whose weights share one sign, and the soft index is the
    mean of max(n+, n-)/(n+ + n-) over those units.

    Parameters
    ----------
    S : array_like
        2-d readout [classes, units].
    rel_threshold : float
        tau in [0, 1).

    Returns
    -------
    D2, soft : float
        Fractions in [0, 1]; both NaN when no weight passes the threshold.

    Raises
    ------
    ValueError
        If ``S`` is not 2-d or ``rel_threshold`` is out of range.
    """
    S = _arr2(S, "S")
    if not 0 <= rel_threshold < 1:
        raise ValueError(f"rel_threshold must be in [0, 1), got {rel_threshold}")
    mask = np.abs(S) > rel_threshold * np.abs(S).max()
    npos, nneg = ((S > 0) & mask).sum(0), ((S < 0) & mask).sum(0)
    tot = npos + nneg
    have = tot > 0
    if not have.any():
        return float("nan"), float("nan")
    single = ((npos == 0) | (nneg == 0))[have]
    soft = np.maximum(npos, nneg)[have] / tot[have]
    return float(single.mean()), float(soft.mean())


def class_means(H: ArrayLike, y: ArrayLike, n_classes: int = 10) -> np.ndarray:
    """Class-mean activity M[c] = mean_{i : y_i = c} H[i] (zeros for an absent class).

    Parameters
    ----------
    H : array_like
        Activities [N, units].
    y : array_like
        Labels [N].
    n_classes : int
        Number of classes.

    Returns
    -------
    np.ndarray
        float64 [n_classes, units].

    Raises
    ------
    ValueError
        If ``H`` is not 2-d or ``y`` has not one label per row.
    """
    H = _arr2(H, "H")
    y = np.asarray(y)
    if y.shape != (H.shape[0],):
        raise ValueError("y must have one label per row of H")
    return np.stack(
        [H[y == c].mean(0) if (y == c).any() else np.zeros(H.shape[1]) for c in range(n_classes)]
    )


def class_selectivity(H: ArrayLike, y: ArrayLike, n_classes: int = 10) -> np.ndarray:
    """Class selectivity SI = (r_max - mean r_other) / (r_max + mean r_other) per unit.

    r are the class-mean activities (:func:`class_means`); dimensionless, in [0, 1] for
    nonnegative activity.

    Parameters
    ----------
    H : array_like
        Activities [N, units].
    y : array_like
        Labels [N].
    n_classes : int
        Number of classes.

    Returns
    -------
    np.ndarray
        One SI per non-silent unit (silent units dropped).

    Raises
    ------
    ValueError
        If ``H`` is not 2-d, ``y`` has not one label per row or ``n_classes < 2``.
    """
    check_int("n_classes", n_classes, 2)
    M = class_means(H, y, n_classes)
    alive = M.max(0) > 0
    M = M[:, alive]
    rmax = M.max(0)
    rother = (M.sum(0) - rmax) / (n_classes - 1)
    return (rmax - rother) / (rmax + rother)


def unit_label_information(H: ArrayLike, y: ArrayLike) -> np.ndarray:
    """Mutual information I(1[h_mu > 0]; Y) between a unit's activity and the label.

    I = sum_{a, c} p(a, c) log2[p(a, c) / (p(a) p(c))] with plug-in probabilities.

    Parameters
    ----------
    H : array_like
        Activities [N, units].
    y : array_like
        Labels [N].

    Returns
    -------
    np.ndarray
        Bits per unit, [units].

    Raises
    ------
    ValueError
        If ``H`` is not 2-d.
    """
    A = _arr2(H, "H") > 0
    y = np.asarray(y)
    classes = np.unique(y)
    py = np.array([(y == c).mean() for c in classes])
    out = np.zeros(A.shape[1])
    for a in (False, True):
        pa = (A == a).mean(0)
        for c, pc in zip(classes, py):
            pj = ((A == a) & (y == c)[:, None]).mean(0)
            with np.errstate(divide="ignore", invalid="ignore"):
                t = np.where(pj > 0, pj * np.log2(pj / (pa * pc)), 0.0)
            out += t
    return out


def kernel_prototype_cosine(
    W: ArrayLike, X: ArrayLike, y: ArrayLike, n_classes: int = 10
) -> np.ndarray:
    """Max cosine of each kernel with the class-mean images, max_c <W_mu, M_c>/(|W_mu| |M_c|).

    Parameters
    ----------
    W : array_like
        Kernels [K, D].
    X : array_like
        Images [N, D].
    y : array_like
        Labels [N].
    n_classes : int
        Number of classes.

    Returns
    -------
    np.ndarray
        [K], in [-1, 1].

    Raises
    ------
    ValueError
        If ``W`` or ``X`` is not 2-d or ``y`` has not one label per image.
    """
    W = _arr2(W)
    M = class_means(X, y, n_classes)
    Wn = W / np.maximum(np.linalg.norm(W, axis=1, keepdims=True), 1e-300)
    Mn = M / np.maximum(np.linalg.norm(M, axis=1, keepdims=True), 1e-300)
    return (Wn @ Mn.T).max(1)


def dead_units(wins: ArrayLike, min_wins: int = 10) -> np.ndarray:
    """Boolean mask of units with fewer than ``min_wins`` wins (in the last epoch).

    Parameters
    ----------
    wins : array_like
        Wins per unit (counts).
    min_wins : int
        Minimum count of a live unit.

    Returns
    -------
    np.ndarray
        bool, same shape as ``wins``.
    """
    return np.asarray(wins) < min_wins
