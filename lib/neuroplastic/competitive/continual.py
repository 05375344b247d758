"""Measures of continual learning without replay: digits 0-4, then digits 5-9.

The experiment itself (phase 1 on the *old* classes through the model cache, phase 2 continuing
every part of the model on the *new* classes with :func:`continuation.continue_training`) is
:func:`neuroplastic.experiments.competitive.information.run_continual`; this module holds the
measures it applies after each phase (accuracies are fractions):

* task accuracy with the model's own readout on old-class and new-class test images
  (``A_old``, ``A_new``);
* probe accuracy: a fresh linear softmax readout trained by the exact delta rule
  (``Delta S = -eta (softmax(z) - onehot(y)) h^T``) on the z-scored codes of **all** training
  images, tested on old / new test images (``P_old``, ``P_new``): forgetting in the
  representation itself, separated from readout interference;
* forgetting ``F_task = A_old(1) - A_old(2)`` and ``F_rep = P_old(1) - P_old(2)``;
* per-phase heads (task-incremental learning, a variant): each phase has its own head and the
  task identity is given at test time, so a prediction is the argmax over that task's classes
  only (a *masked* head). The phase-1 head is frozen after phase 1; old digits after phase 2 are
  read by it from the phase-2 features, new digits by the phase-2 head. BP's phase 2 trains
  through the masked new-task head (softmax over digits 5-9 only, so the hidden layer serves only
  that head); RR's and KH's input layers learn without labels, so their phase-2 features are
  those of the shared-readout run. ``F_task`` then measures forgetting caused by the features
  alone, with no readout interference;
* synapse bookkeeping of the input layer: silent fraction after each phase, synapses *grown*
  (silent -> non-silent) and *lost* (non-silent -> silent) in phase 2, and hidden units whose
  preferred class (argmax of class-mean activity on all training images) moved from an old to
  a new class.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch
from numpy.typing import ArrayLike

from ..validation import check_int, check_seed, torch_generator
from .continuation import clone_model, model_kind

if TYPE_CHECKING:
    from .models import BPNet, KHClassifier, RRClassifier

__all__ = [
    "ContinualResult",
    "class_split",
    "forgetting",
    "synapse_turnover",
    "preferred_classes",
    "units_moved",
    "linear_probe",
    "masked_accuracy",
    "with_readout_of",
    "OLD",
    "NEW",
]

OLD = (0, 1, 2, 3, 4)
NEW = (5, 6, 7, 8, 9)


def _labels(name, y):
    y = np.asarray(y)
    if y.ndim != 1 or (y.size and not np.issubdtype(y.dtype, np.integer)):
        raise TypeError(f"{name} must be a 1-d integer array")
    return y.astype(np.int64, copy=False)


def class_split(
    y: ArrayLike, old: Iterable[int] = OLD, new: Iterable[int] = NEW
) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the examples of the old and of the new classes.

    Parameters
    ----------
    y : array_like
        1-d integer labels.
    old, new : iterable of int
        Disjoint, non-empty class sets that together cover every label present in ``y``.

    Returns
    -------
    idx_old, idx_new : np.ndarray
        Sorted indices into ``y``.

    Raises
    ------
    TypeError
        If ``y`` is not a 1-d integer array.
    ValueError
        If the class sets are empty, overlap or miss a label.
    """
    y = _labels("y", y)
    old, new = tuple(int(c) for c in old), tuple(int(c) for c in new)
    if not old or not new:
        raise ValueError("old and new must each name at least one class")
    if set(old) & set(new):
        raise ValueError(
            f"old and new must be disjoint, both contain {sorted(set(old) & set(new))}"
        )
    missing = set(np.unique(y).tolist()) - set(old) - set(new)
    if missing:
        raise ValueError(f"labels {sorted(missing)} are in neither old nor new")
    return np.flatnonzero(np.isin(y, old)), np.flatnonzero(np.isin(y, new))


def forgetting(before: float, after: float) -> float:
    """Forgetting ``F = before - after`` in accuracy units (fractions; negative = improved).

    Parameters
    ----------
    before, after : float
        Accuracies in [0, 1].

    Returns
    -------
    float
        In [-1, 1].

    Raises
    ------
    TypeError
        If an argument is not a number.
    ValueError
        If an argument lies outside [0, 1].
    """
    for name, v in (("before", before), ("after", after)):
        if not isinstance(v, (int, float, np.floating, np.integer)) or isinstance(v, bool):
            raise TypeError(f"{name} must be a number, got {type(v).__name__}")
        if not 0 <= float(v) <= 1:
            raise ValueError(f"{name} must be an accuracy in [0, 1], got {v}")
    return float(before) - float(after)


def synapse_turnover(W_before: ArrayLike, W_after: ArrayLike) -> tuple[int, int]:
    """Synapses grown (silent -> non-silent) and lost (non-silent -> silent).

    Parameters
    ----------
    W_before, W_after : array_like
        2-d weights of equal shape.

    Returns
    -------
    grown, lost : int
        Synapse counts.

    Raises
    ------
    ValueError
        If the shapes differ or are not 2-d.
    """
    A, B = np.asarray(W_before), np.asarray(W_after)
    if A.shape != B.shape or A.ndim != 2:
        raise ValueError(
            f"W_before and W_after must be 2-d of equal shape, got {A.shape} and {B.shape}"
        )
    return int(((A == 0) & (B != 0)).sum()), int(((A != 0) & (B == 0)).sum())


def preferred_classes(H: ArrayLike, y: ArrayLike, n_classes: int = 10) -> np.ndarray:
    """Per hidden unit the class with the largest mean activity, argmax_c mean_{y_i = c} H[i].

    Parameters
    ----------
    H : array_like
        Activities [examples, units].
    y : array_like
        Labels, one per row.
    n_classes : int
        Number of classes.

    Returns
    -------
    np.ndarray
        int [units]; ``-1`` for a unit silent on every example.

    Raises
    ------
    TypeError, ValueError
        If ``H``, ``y`` or ``n_classes`` is malformed.
    """
    H = np.asarray(H, dtype=np.float64)
    y = _labels("y", y)
    if H.ndim != 2 or H.shape[0] != y.size:
        raise ValueError(f"H must be 2-d with one row per label, got {H.shape} for {y.size} labels")
    n_classes = check_int("n_classes", n_classes, 1)
    M = np.stack(
        [H[y == c].mean(0) if (y == c).any() else np.zeros(H.shape[1]) for c in range(n_classes)]
    )
    pref = M.argmax(0)
    pref[np.abs(H).sum(0) == 0] = -1
    return pref


def units_moved(
    pref_before: ArrayLike,
    pref_after: ArrayLike,
    old: Iterable[int] = OLD,
    new: Iterable[int] = NEW,
) -> int:
    """Number of units whose preferred class went from a class in ``old`` to one in ``new``.

    Parameters
    ----------
    pref_before, pref_after : array_like
        Preferred classes (:func:`preferred_classes`), equal shapes.
    old, new : iterable of int
        The class sets.

    Returns
    -------
    int
        Unit count.

    Raises
    ------
    ValueError
        If the shapes differ.
    """
    a, b = np.asarray(pref_before), np.asarray(pref_after)
    if a.shape != b.shape:
        raise ValueError("pref_before and pref_after must have equal shape")
    return int((np.isin(a, old) & np.isin(b, new)).sum())


def linear_probe(
    H_train: ArrayLike,
    y_train: ArrayLike,
    H_test: ArrayLike,
    y_test: ArrayLike,
    seed: int | np.random.Generator = 0,
    epochs: int = 30,
    lr: float = 0.1,
    batch_size: int = 100,
    n_classes: int = 10,
) -> np.ndarray:
    """Per-class test accuracy of a fresh softmax readout on z-scored codes.

    Trained by the exact delta rule, Delta S = -lr (softmax(z) - onehot(y)) h^T / B (minibatch
    SGD on cross-entropy, zero init); constant units are dropped.

    Parameters
    ----------
    H_train, H_test : array_like
        Codes [examples, units], equal widths.
    y_train, y_test : array_like
        Labels, one per row.
    seed : int or np.random.Generator
        Seed of the batch order.
    epochs : int
        Passes through the training codes.
    lr : float
        Learning rate (> 0).
    batch_size : int
        Examples per minibatch.
    n_classes : int
        Number of classes.

    Returns
    -------
    np.ndarray
        Accuracy (fraction) per class, [n_classes]; NaN for classes absent from ``y_test``.

    Raises
    ------
    TypeError, ValueError
        If the codes, labels or parameters are malformed.
    """
    A, B = np.asarray(H_train, dtype=np.float64), np.asarray(H_test, dtype=np.float64)
    ytr, yte = _labels("y_train", y_train), _labels("y_test", y_test)
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[1]:
        raise ValueError(
            f"H_train and H_test must be 2-d with equal widths, got {A.shape}, {B.shape}"
        )
    if A.shape[0] != ytr.size or B.shape[0] != yte.size:
        raise ValueError("H_train/H_test must have one row per label")
    epochs = check_int("epochs", epochs, 1)
    batch_size = check_int("batch_size", batch_size, 1)
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    seed = check_seed(seed)
    mu, sd = A.mean(0), A.std(0)
    keep = sd > 1e-8
    A = torch.from_numpy(((A[:, keep] - mu[keep]) / sd[keep]).astype(np.float32))
    B = torch.from_numpy(((B[:, keep] - mu[keep]) / sd[keep]).astype(np.float32))
    y = torch.from_numpy(ytr)
    S = torch.zeros(n_classes, A.shape[1])
    c = torch.zeros(n_classes)
    g = torch_generator(seed, torch.device("cpu"))
    onehot = torch.nn.functional.one_hot(y, n_classes).float()
    for _ in range(epochs):
        perm = torch.randperm(len(A), generator=g)
        for i in range(0, len(A), batch_size):
            idx = perm[i : i + batch_size]
            e = (torch.softmax(A[idx] @ S.T + c, 1) - onehot[idx]) / len(idx)
            S -= lr * (e.T @ A[idx])
            c -= lr * e.sum(0)
    pred = (B @ S.T + c).argmax(1).numpy()
    return np.array(
        [(pred[yte == k] == k).mean() if (yte == k).any() else np.nan for k in range(n_classes)]
    )


def masked_accuracy(
    model: BPNet | KHClassifier | RRClassifier, X: ArrayLike, y: ArrayLike, classes: Iterable[int]
) -> float:
    """Accuracy of a masked, task-incremental head on the examples of ``classes``.

    The prediction is argmax_{c in classes} logits_c(x).

    Parameters
    ----------
    model : BPNet, KHClassifier or RRClassifier
        A model on the CPU.
    X : array_like
        Images [N, D].
    y : array_like
        Labels [N].
    classes : iterable of int
        The task's classes.

    Returns
    -------
    float
        Fraction correct on the examples whose label is in ``classes``.

    Raises
    ------
    ValueError
        If ``classes`` is empty or out of range or no example has a label in it.
    """
    cls = np.array(sorted({int(c) for c in classes}), dtype=np.int64)
    if cls.size == 0:
        raise ValueError("classes must name at least one class")
    y = _labels("y", y)
    m = np.isin(y, cls)
    if not m.any():
        raise ValueError(f"no example of X has a label in classes={cls.tolist()}")
    with torch.no_grad():
        z = model.logits(torch.as_tensor(np.asarray(X, np.float32)[m]))
    if cls.max() >= z.shape[1]:
        raise ValueError(f"classes must lie in [0, {z.shape[1] - 1}], got {cls.tolist()}")
    pred = cls[z[:, torch.from_numpy(cls)].argmax(1).numpy()]
    return float((pred == y[m]).mean())


def with_readout_of(
    features_model: BPNet | KHClassifier | RRClassifier,
    head_model: BPNet | KHClassifier | RRClassifier,
) -> BPNet | KHClassifier | RRClassifier:
    """A copy of ``features_model`` whose readout is that of ``head_model``.

    The hidden code of the first read by the head of the second (BP: W2, b2; RR: S, c; KH: S,
    beta).

    Parameters
    ----------
    features_model, head_model : BPNet, KHClassifier or RRClassifier
        Same kind and sizes.

    Returns
    -------
    BPNet, KHClassifier or RRClassifier
        The copy.

    Raises
    ------
    TypeError
        If the kinds differ or are not supported.
    """
    kind = model_kind(features_model)
    if model_kind(head_model) != kind:
        raise TypeError("features_model and head_model must be of the same kind")
    out = clone_model(features_model)
    with torch.no_grad():
        if kind == "bp":
            out.fc2.weight.copy_(head_model.fc2.weight)
            out.fc2.bias.copy_(head_model.fc2.bias)
        elif kind == "rr":
            out.S.copy_(head_model.S)
            out.c.copy_(head_model.c)
        else:
            out.S.copy_(head_model.S)
            out.beta = head_model.beta
    return out


@dataclass(frozen=True)
class ContinualResult:
    """Pairs are (after phase 1, after phase 2). Accuracies are fractions."""

    kind: str
    task_old: tuple
    task_new: tuple
    probe_old: tuple
    probe_new: tuple
    silent_after_1: float
    silent_after_2: float
    grown: int
    lost: int
    units_moved: int
    n_input_synapses: int
    cache_status: str = ""
    #: per-phase masked heads (variant): (after phase 1, after phase 2); the new-task head does
    #: not exist after phase 1 (NaN)
    heads_task_old: tuple = (np.nan, np.nan)
    heads_task_new: tuple = (np.nan, np.nan)
    heads_probe_old: tuple = (np.nan, np.nan)

    @property
    def forgetting_task(self) -> float:
        """``F_task = A_old(1) - A_old(2)`` with the model's own readout.

        Returns
        -------
        float
            Accuracy units (fraction).
        """
        return self.task_old[0] - self.task_old[1]

    @property
    def forgetting_rep(self) -> float:
        """``F_rep = P_old(1) - P_old(2)`` from the linear probe.

        Returns
        -------
        float
            Accuracy units (fraction).
        """
        return self.probe_old[0] - self.probe_old[1]

    @property
    def forgetting_task_heads(self) -> float:
        """``F_task`` with per-phase masked heads.

        Returns
        -------
        float
            Accuracy units (fraction).
        """
        return self.heads_task_old[0] - self.heads_task_old[1]

    @property
    def forgetting_rep_heads(self) -> float:
        """``F_rep`` of the features trained with per-phase heads (BP differs; RR/KH equal).

        Returns
        -------
        float
            Accuracy units (fraction).
        """
        return self.heads_probe_old[0] - self.heads_probe_old[1]
