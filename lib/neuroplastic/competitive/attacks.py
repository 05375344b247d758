"""White-box L-infinity attacks in pixel space [0, 1]^784, batched.

FGSM (Goodfellow et al. 2015, goodfellow2015explaining): x' = clip_[0,1](x + eps sgn grad_x L).
PGD (Madry et al. 2018, madry2018towards): start clip(x + U(-eps, eps)); ``iters`` steps
x <- Proj_{B_inf(x0, eps) and [0,1]}(x + step sgn grad_x L); an example counts as robust
only if every restart fails. ``backward="bpda"``/``"frozen"`` (RR models) detach or
freeze the k-WTA threshold (adaptive attacks, Tramer et al. 2020, tramer2020adaptive).
``eps`` and ``step`` are in pixel units (pixels in [0, 1]).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from ..validation import check_choice, check_float, check_int, check_seed
from .tensors import as_labels, as_tensor

if TYPE_CHECKING:
    from .models import BPNet, CompetitiveClassifier


def _loss(model, x, y, loss):
    if loss == "ce":
        return F.cross_entropy(model.logits(x), y, reduction="sum")
    if not hasattr(model, "own_loss"):
        raise ValueError("loss='own' needs a model with own_loss (KH classifiers)")
    return model.own_loss(x, y).sum()


def _grad(model, x, y, loss, backward=None, x_clean=None):
    """Input gradient of the summed loss; ``backward`` changes only this backward pass
    (the model's forward, used to judge success, is never altered)."""
    with _backward_mode(model, backward, x_clean), torch.enable_grad():
        x = x.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(_loss(model, x, y, loss), x)
    return g


def _prep(model, x, y, eps):
    dev = model.device
    x = as_tensor(x, "x", dev, 2)
    y = as_labels(y, x.shape[0], dev)
    eps = check_float("eps", eps, 0.0, 1.0)
    if float(x.min()) < 0 or float(x.max()) > 1:
        raise ValueError("x must lie in [0, 1]")
    return x, y, eps


@contextlib.contextmanager
def _backward_mode(model, backward, x):
    check_choice("backward", backward, (None, "bpda", "frozen"))
    if backward is None:
        yield
        return
    if not hasattr(model, "mode"):
        raise ValueError(
            f"backward={backward!r} needs a model with a k-WTA threshold (RRClassifier)"
        )
    with model.mode(backward, x):
        yield


def fgsm(
    model: CompetitiveClassifier | BPNet,
    x: np.ndarray | torch.Tensor,
    y: np.ndarray | torch.Tensor,
    eps: float,
    loss: str = "ce",
    backward: str | None = None,
) -> torch.Tensor:
    """Fast gradient sign method, x' = clip_[0,1](x + eps sgn grad_x L(x, y)).

    Parameters
    ----------
    model : CompetitiveClassifier or BPNet
        The attacked model.
    x : np.ndarray or torch.Tensor
        Clean pixels [B, D] in [0, 1].
    y : np.ndarray or torch.Tensor
        Labels [B].
    eps : float
        L-infinity budget in pixel units, in [0, 1].
    loss : str
        "ce" (summed cross-entropy) or "own" (a KH model's own loss).
    backward : str or None
        RR models only: None (exact), "bpda" or "frozen" k-WTA threshold in the backward pass.

    Returns
    -------
    torch.Tensor
        x' [B, D] on the model's device.

    Raises
    ------
    ValueError
        If ``x`` leaves [0, 1], ``eps`` is out of range, or ``loss``/``backward`` is unknown or
        unsupported by the model.
    """
    x, y, eps = _prep(model, x, y, eps)
    check_choice("loss", loss, ("ce", "own"))
    if eps == 0:
        return x.clone()
    g = _grad(model, x, y, loss, backward, x)
    return (x + eps * g.sign()).clamp_(0.0, 1.0)


def pgd(
    model: CompetitiveClassifier | BPNet,
    x: np.ndarray | torch.Tensor,
    y: np.ndarray | torch.Tensor,
    eps: float,
    step: float = 0.01,
    iters: int = 40,
    restarts: int = 1,
    random_start: bool = True,
    seed: int | np.random.Generator = 0,
    loss: str = "ce",
    backward: str | None = None,
) -> torch.Tensor:
    """Projected gradient descent (L-infinity) with random start and restarts.

    Start clip(x + U(-eps, eps)); ``iters`` steps x <- Proj_{B_inf(x0, eps) and [0,1]}(x + step
    sgn grad_x L).

    Parameters
    ----------
    model : CompetitiveClassifier or BPNet
        The attacked model.
    x : np.ndarray or torch.Tensor
        Clean pixels [B, D] in [0, 1].
    y : np.ndarray or torch.Tensor
        Labels [B].
    eps : float
        L-infinity budget in pixel units, in [0, 1].
    step : float
        Step size in pixel units (> 0).
    iters : int
        Steps per restart (>= 0).
    restarts : int
        Number of restarts (>= 1).
    random_start : bool
        Start from a uniform point of the eps-ball.
    seed : int or np.random.Generator
        Seed of the random starts.
    loss : str
        "ce" or "own" (KH models).
    backward : str or None
        RR models only: None (exact), "bpda" or "frozen" k-WTA threshold.

    Returns
    -------
    torch.Tensor
        Per example the first adversarial point found (else the last restart's point), [B, D].

    Raises
    ------
    ValueError
        If ``x`` leaves [0, 1] or a parameter is invalid.
    """
    x, y, eps = _prep(model, x, y, eps)
    check_float("step", step, 0.0, lo_open=True)
    check_int("iters", iters, 0)
    check_int("restarts", restarts, 1)
    check_choice("loss", loss, ("ce", "own"))
    seed = check_seed(seed)
    g = torch.Generator(device=x.device).manual_seed(seed)
    lo, hi = (x - eps).clamp(0.0, 1.0), (x + eps).clamp(0.0, 1.0)
    best = x.clone()
    fooled = torch.zeros(len(x), dtype=torch.bool, device=x.device)
    check_choice("backward", backward, (None, "bpda", "frozen"))
    for _ in range(restarts):
        xa = x.clone()
        if random_start and eps > 0:
            xa = torch.min(
                torch.max(
                    x + (torch.rand(x.shape, generator=g, device=x.device) * 2 - 1) * eps, lo
                ),
                hi,
            )
        for _ in range(iters):
            gr = _grad(model, xa, y, loss, backward, x)
            xa = torch.min(torch.max(xa + step * gr.sign(), lo), hi)
        with torch.no_grad():
            wrong = model.logits(xa).argmax(1) != y
        keep = ~fooled
        best[keep] = xa[keep]
        fooled |= wrong
    return best.detach()


def _attack_fn(attack, kwargs):
    if callable(attack):
        return lambda m, x, y, e: attack(m, x, y, e, **kwargs)
    check_choice("attack", attack, ("fgsm", "pgd"))
    fn = fgsm if attack == "fgsm" else pgd
    return lambda m, x, y, e: fn(m, x, y, e, **kwargs)


def robust_accuracy(
    model: CompetitiveClassifier | BPNet,
    x: np.ndarray | torch.Tensor,
    y: np.ndarray | torch.Tensor,
    attack: str | Callable[..., torch.Tensor] = "pgd",
    eps_grid: Iterable[float] = (0.0, 0.1, 0.3),
    batch_size: int = 1000,
    **kwargs: Any,
) -> pd.DataFrame:
    """Accuracy (fraction correct) under ``attack`` at each budget eps, in chunks.

    Parameters
    ----------
    model : CompetitiveClassifier or BPNet
        The attacked model.
    x : np.ndarray or torch.Tensor
        Clean pixels [N, D] in [0, 1].
    y : np.ndarray or torch.Tensor
        Labels [N].
    attack : str or callable
        "fgsm", "pgd" or ``attack(model, x, y, eps, **kwargs) -> x'``.
    eps_grid : iterable of float
        Budgets in pixel units.
    batch_size : int
        Examples per attack call.
    **kwargs
        Passed to the attack.

    Returns
    -------
    pd.DataFrame
        Columns ``eps``, ``accuracy``; ``.attrs["correct"]`` maps eps to the per-example
        correctness (bool [N]).

    Raises
    ------
    ValueError
        If ``batch_size`` or ``attack`` is invalid.
    """
    check_int("batch_size", batch_size, 1)
    fn = _attack_fn(attack, kwargs)
    x = as_tensor(x, "x", model.device, 2)
    y = as_labels(y, x.shape[0], model.device)
    rows, correct = [], {}
    for eps in eps_grid:
        ok = []
        for i in range(0, len(x), batch_size):
            xa = fn(model, x[i : i + batch_size], y[i : i + batch_size], float(eps))
            with torch.no_grad():
                ok.append((model.logits(xa).argmax(1) == y[i : i + batch_size]).cpu())
        ok = torch.cat(ok).numpy()
        correct[float(eps)] = ok
        rows.append({"eps": float(eps), "accuracy": float(ok.mean())})
    df = pd.DataFrame(rows)
    df.attrs["correct"] = correct
    return df


def transfer_accuracy(
    source: CompetitiveClassifier | BPNet,
    targets: CompetitiveClassifier | BPNet | dict[str, CompetitiveClassifier | BPNet],
    x: np.ndarray | torch.Tensor,
    y: np.ndarray | torch.Tensor,
    eps_grid: Iterable[float],
    batch_size: int = 1000,
    **pgd_kwargs: Any,
) -> pd.DataFrame:
    """Accuracy of ``targets`` on PGD examples crafted on ``source`` (transfer attack).

    Parameters
    ----------
    source : CompetitiveClassifier or BPNet
        The model whose gradients craft the examples.
    targets : model or dict
        A model (named "target") or ``{name: model}``.
    x : np.ndarray or torch.Tensor
        Clean pixels [N, D] in [0, 1].
    y : np.ndarray or torch.Tensor
        Labels [N].
    eps_grid : iterable of float
        Budgets in pixel units.
    batch_size : int
        Examples per PGD call.
    **pgd_kwargs
        Passed to :func:`pgd`.

    Returns
    -------
    pd.DataFrame
        Columns ``eps`` and one accuracy (fraction) per target name.
    """
    if not isinstance(targets, dict):
        targets = {"target": targets}
    batch_size = check_int("batch_size", batch_size, 1)
    x = as_tensor(x, "x", source.device, 2)
    y = as_labels(y, x.shape[0], source.device)
    rows = []
    for eps in eps_grid:
        xa = torch.cat(
            [
                pgd(source, x[i : i + batch_size], y[i : i + batch_size], float(eps), **pgd_kwargs)
                for i in range(0, len(x), batch_size)
            ]
        )
        row = {"eps": float(eps)}
        for name, m in targets.items():
            with torch.no_grad():
                row[name] = float((torch.as_tensor(m.predict(xa)) == y.cpu()).float().mean())
        rows.append(row)
    return pd.DataFrame(rows)


def masking_checks(tables: dict[str, Any]) -> dict[str, tuple[bool | None, str]]:
    """The five gradient-masking checks (athalye2018obfuscated; carlini2019evaluating).

    1 PGD accuracy at eps = 0.5 <= 5 %; 2 PGD <= FGSM + 1 pp at every common eps; 3 no rise of
    accuracy with eps by more than 1 pp; 4 transfer accuracy >= white-box - 2 pp; 5 |PGD-200 -
    PGD-40| <= 2 pp at eps = 0.1 (pp = percentage points).

    Parameters
    ----------
    tables : dict
        ``"fgsm"``, ``"pgd"``: DataFrame(eps, accuracy); optional ``"transfer"``:
        DataFrame(eps, accuracy) for examples crafted on another model; optional
        ``"pgd200_0.1"`` and ``"pgd40_0.1"``: accuracies at eps = 0.1. Accuracies are fractions.

    Returns
    -------
    dict
        ``{check: (passed or None, detail)}``; None = not evaluable.

    Raises
    ------
    ValueError
        If ``tables`` lacks ``"pgd"`` or ``"fgsm"``.
    """
    if not isinstance(tables, dict) or "pgd" not in tables or "fgsm" not in tables:
        raise ValueError("tables must be a dict with at least 'pgd' and 'fgsm' DataFrames")
    pg = tables["pgd"].set_index("eps")["accuracy"]
    fg = tables["fgsm"].set_index("eps")["accuracy"]
    out = {}
    if 0.5 in pg.index:
        a = pg.loc[0.5]
        out["1 PGD at eps=0.5 <= 5%"] = (bool(a <= 0.05), f"PGD acc at 0.5 = {100 * a:.1f}%")
    else:
        out["1 PGD at eps=0.5 <= 5%"] = (None, "eps = 0.5 not in the grid")
    common = sorted(set(pg.index) & set(fg.index))
    if common:
        gap = max(pg.loc[e] - fg.loc[e] for e in common)
        out["2 PGD <= FGSM + 1pp"] = (bool(gap <= 0.01), f"max(PGD - FGSM) = {100 * gap:+.1f} pp")
    else:
        out["2 PGD <= FGSM + 1pp"] = (None, "PGD and FGSM share no eps")
    rises = []
    for s in (pg, fg):
        s = s.sort_index()
        rises.append(float(np.max(np.diff(s.values))) if len(s) > 1 else 0.0)
    r = max(rises)
    out["3 no rise with eps > 1pp"] = (bool(r <= 0.01), f"largest rise = {100 * r:+.1f} pp")
    if "transfer" in tables:
        tr = tables["transfer"].set_index("eps")["accuracy"]
        cm = sorted(set(pg.index) & set(tr.index))
        if cm:
            d = max(pg.loc[e] - tr.loc[e] for e in cm)
            out["4 transfer >= white-box - 2pp"] = (
                bool(d <= 0.02),
                f"max(white-box - transfer) = {100 * d:+.1f} pp",
            )
        else:
            out["4 transfer >= white-box - 2pp"] = (None, "PGD and transfer share no eps")
    else:
        out["4 transfer >= white-box - 2pp"] = (None, "no transfer table")
    if "pgd200_0.1" in tables and "pgd40_0.1" in tables:
        d = abs(tables["pgd200_0.1"] - tables["pgd40_0.1"])
        out["5 PGD-200 ~ PGD-40 at 0.1"] = (bool(d <= 0.02), f"|PGD200 - PGD40| = {100 * d:.1f} pp")
    else:
        out["5 PGD-200 ~ PGD-40 at 0.1"] = (None, "PGD-200 not run")
    return out
