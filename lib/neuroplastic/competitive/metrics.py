"""Sparsity, Dale and representation metrics (all dimensionless).

* silent_fraction: share of weights exactly 0 (``rel_threshold=0``) or below
  rel_threshold * max|W|.
* hoyer (Hoyer 2004): (sqrt(D) - |w|_1/|w|_2) / (sqrt(D) - 1) per row.
* population / lifetime sparseness (Vinje & Gallant 2000):
  (1 - (sum r / N)^2 / (sum r^2 / N)) / (1 - 1/N), across units / across stimuli.
* dale_input (D1): share of input pixels whose non-silent outgoing weights (a column of W)
  share one sign. dale_outgoing (D2(tau)): share of hidden units whose readout weights with
  |S| > tau max|S| share one sign, among units with any; plus the soft index
  mean max(n+, n-)/(n+ + n-).
* class_selectivity (Morcos et al. 2018): SI = (r_max - mean r_other)/(r_max + mean r_other)
  from class-mean activity; silent units excluded.
* unit_label_information: I(1[h > 0]; Y) in bits.
* kernel_prototype_cosine: max cosine of each kernel with the ten class-mean images.
"""

from __future__ import annotations

import numpy as np


def _arr2(W, name="W"):
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2:
        raise ValueError(f"{name} must be 2-d, got shape {W.shape}")
    return W


def silent_fraction(W, rel_threshold=0.0) -> float:
    W = _arr2(W)
    if not 0 <= rel_threshold < 1:
        raise ValueError(f"rel_threshold must be in [0, 1), got {rel_threshold}")
    if rel_threshold == 0:
        return float((W == 0).mean())
    return float((np.abs(W) < rel_threshold * np.abs(W).max()).mean())


def hoyer(W) -> np.ndarray:
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


def population_sparseness(H) -> np.ndarray:
    """Per stimulus (rows of H: stimuli x units); NaN for an all-silent row."""
    return _vg(_arr2(H, "H"), 1)


def lifetime_sparseness(H) -> np.ndarray:
    """Per unit (columns of H); NaN for a unit never active."""
    return _vg(_arr2(H, "H"), 0)


def active_units(H) -> np.ndarray:
    return (_arr2(H, "H") > 0).sum(1)


def dale_input(W) -> float:
    """D1: share of inputs (columns) whose non-zero weights share a sign.

    All-zero columns count."""
    W = _arr2(W)
    pos, neg = (W > 0).any(0), (W < 0).any(0)
    return float((~(pos & neg)).mean())


def dale_outgoing(S, rel_threshold=0.0):
    """D2(tau) and the soft index for the readout S (classes x units). Returns (D2, soft)."""
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


def class_means(H, y, n_classes=10):
    H = _arr2(H, "H")
    y = np.asarray(y)
    if y.shape != (H.shape[0],):
        raise ValueError("y must have one label per row of H")
    return np.stack(
        [H[y == c].mean(0) if (y == c).any() else np.zeros(H.shape[1]) for c in range(n_classes)]
    )


def class_selectivity(H, y, n_classes=10) -> np.ndarray:
    """SI per non-silent unit (silent units dropped)."""
    M = class_means(H, y, n_classes)
    alive = M.max(0) > 0
    M = M[:, alive]
    rmax = M.max(0)
    rother = (M.sum(0) - rmax) / (n_classes - 1)
    return (rmax - rother) / (rmax + rother)


def unit_label_information(H, y) -> np.ndarray:
    """I(1[h_mu > 0]; Y) in bits per unit."""
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


def kernel_prototype_cosine(W, X, y, n_classes=10) -> np.ndarray:
    """Max cosine of each kernel (row of W) with the class-mean images."""
    W = _arr2(W)
    M = class_means(X, y, n_classes)
    Wn = W / np.maximum(np.linalg.norm(W, axis=1, keepdims=True), 1e-300)
    Mn = M / np.maximum(np.linalg.norm(M, axis=1, keepdims=True), 1e-300)
    return (Wn @ Mn.T).max(1)


def dead_units(wins, min_wins=10) -> np.ndarray:
    """Boolean mask of units with fewer than ``min_wins`` wins (in the last epoch)."""
    return np.asarray(wins) < min_wins
