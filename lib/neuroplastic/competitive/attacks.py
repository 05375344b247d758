"""White-box L-infinity attacks in pixel space [0, 1]^784, batched.

FGSM (Goodfellow et al. 2015): x' = clip_[0,1](x + eps sgn grad_x L).
PGD (Madry et al. 2018): start clip(x + U(-eps, eps)); ``iters`` steps
x <- Proj_{B_inf(x0, eps) and [0,1]}(x + step sgn grad_x L); an example counts as robust
only if every restart fails. ``backward="bpda"``/``"frozen"`` (RR models) detach or
freeze the k-WTA threshold (adaptive attacks, Tramer et al. 2020).
"""

from __future__ import annotations

import contextlib

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from ..validation import check_choice, check_float, check_int, check_seed
from .tensors import as_labels, as_tensor


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


def fgsm(model, x, y, eps, loss="ce", backward=None) -> torch.Tensor:
    """Fast gradient sign method; returns x' (same shape as x)."""
    x, y, eps = _prep(model, x, y, eps)
    check_choice("loss", loss, ("ce", "own"))
    if eps == 0:
        return x.clone()
    g = _grad(model, x, y, loss, backward, x)
    return (x + eps * g.sign()).clamp_(0.0, 1.0)


def pgd(
    model,
    x,
    y,
    eps,
    step=0.01,
    iters=40,
    restarts=1,
    random_start=True,
    seed=0,
    loss="ce",
    backward=None,
) -> torch.Tensor:
    """Projected gradient descent with random start and restarts; returns, per example,
    the first adversarial point found (else the last restart's point)."""
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
    model, x, y, attack="pgd", eps_grid=(0.0, 0.1, 0.3), batch_size=1000, **kwargs
) -> pd.DataFrame:
    """Accuracy under ``attack`` ("fgsm", "pgd" or a callable) at each eps, in chunks of
    ``batch_size``. Returns a DataFrame (eps, accuracy) and per-example correctness in
    ``.attrs["correct"]``."""
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
    source, targets, x, y, eps_grid, batch_size=1000, **pgd_kwargs
) -> pd.DataFrame:
    """PGD examples crafted on ``source`` and evaluated on each model of ``targets``
    (a model or a dict name -> model). Returns a DataFrame (eps, <name>...)."""
    if not isinstance(targets, dict):
        targets = {"target": targets}
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


def masking_checks(tables: dict) -> dict:
    """The five gradient-masking checks (Athalye et al. 2018; Carlini et al. 2019).

    ``tables``: {"fgsm": DataFrame(eps, accuracy), "pgd": DataFrame(eps, accuracy),
    optional "transfer": DataFrame(eps, accuracy) for examples crafted on another model,
    optional "pgd200_0.1" and "pgd40_0.1": accuracies at eps = 0.1}. Accuracies are
    fractions. Returns {check: (passed | None, detail)}; None = not evaluable.
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
    gap = max(pg.loc[e] - fg.loc[e] for e in common)
    out["2 PGD <= FGSM + 1pp"] = (bool(gap <= 0.01), f"max(PGD - FGSM) = {100 * gap:+.1f} pp")
    rises = []
    for s in (pg, fg):
        s = s.sort_index()
        rises.append(float(np.max(np.diff(s.values))) if len(s) > 1 else 0.0)
    r = max(rises)
    out["3 no rise with eps > 1pp"] = (bool(r <= 0.01), f"largest rise = {100 * r:+.1f} pp")
    if "transfer" in tables:
        tr = tables["transfer"].set_index("eps")["accuracy"]
        cm = sorted(set(pg.index) & set(tr.index))
        d = max(pg.loc[e] - tr.loc[e] for e in cm)
        out["4 transfer >= white-box - 2pp"] = (
            bool(d <= 0.02),
            f"max(white-box - transfer) = {100 * d:+.1f} pp",
        )
    else:
        out["4 transfer >= white-box - 2pp"] = (None, "no transfer table")
    if "pgd200_0.1" in tables and "pgd40_0.1" in tables:
        d = abs(tables["pgd200_0.1"] - tables["pgd40_0.1"])
        out["5 PGD-200 ~ PGD-40 at 0.1"] = (bool(d <= 0.02), f"|PGD200 - PGD40| = {100 * d:.1f} pp")
    else:
        out["5 PGD-200 ~ PGD-40 at 0.1"] = (None, "PGD-200 not run")
    return out
