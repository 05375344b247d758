r"""XOR with 2-H-1 nets trained by WP, Dopamine, SGD or Adam ([R] protocol).

Patterns {00, 01, 10, 11} -> {0, 1, 1, 0}; loss = MSE over the 4 patterns (reduced in float64);
one epoch = one full-batch step. Success: L(theta_t) < ``criterion`` (0.01) for some t <= budget;
the epochs to criterion are that first t (number of updates made). A non-finite loss is a failure
(recorded divergence). Many seeds run as replicas (one tensor op for all R runs); gradient methods
backpropagate the *sum* of the replica losses (disjoint parameters, so every gradient is unscaled).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import numpy as np
import torch

from ..bench import median_time
from ..validation import check_choice, check_float, check_int
from .models import XORNet, state_hash
from .optimizers import METHODS, PERTURBATIVE, make_optimizer


def xor_data(device: str | torch.device = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """The XOR truth table {00, 01, 10, 11} -> {0, 1, 1, 0}.

    Parameters
    ----------
    device : str or torch.device
        Where the tensors live.

    Returns
    -------
    X : torch.Tensor
        Inputs [4, 2], float32.
    y : torch.Tensor
        Targets [4], float32.
    """
    X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], device=device)
    y = torch.tensor([0.0, 1.0, 1.0, 0.0], device=device)
    return X, y


def xor_loss(model: XORNet, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-replica MSE over the 4 patterns: L = (1/4) sum_n (f(x_n) - y_n)^2, in float64.

    Parameters
    ----------
    model : XORNet
        The net (plain or replicas).
    X, y : torch.Tensor
        Inputs [4, 2] and targets [4] (from :func:`xor_data`).

    Returns
    -------
    torch.Tensor
        float64 loss, shape [R] (replicas) or [] (plain).
    """
    return ((model(X).to(torch.float64) - y.to(torch.float64)) ** 2).mean(-1)


def _beta_overrides(method: str, beta):
    if beta is None:
        return {}
    beta = check_float("beta", beta, 0.0, 1.0, hi_open=True)
    if method == "dopamine1":
        return {"beta_s": beta}
    if method in ("dopamine2", "dopamine2_as_quoted"):
        return {"beta_s": beta, "beta_eta": beta}
    raise ValueError(f"beta applies to dopamine1/dopamine2 only; got method={method!r}")


def xor_run(
    method: str,
    hidden: int,
    seeds: Iterable[int],
    budget: int,
    lr: float,
    *,
    criterion: float = 0.01,
    sigma: float = 1e-3,
    beta: float | None = None,
    early_stop: bool = True,
    record_every: int = 0,
    device: str = "cpu",
    **overrides: Any,
) -> dict:
    """Train R = len(seeds) XOR nets (replica r initialised from seeds[r]) for ``budget`` epochs.

    One epoch = one full-batch step; a run succeeds at the first epoch t with
    L(theta_t) < ``criterion`` (MSE units).

    Parameters
    ----------
    method : str
        One of ``METHODS``.
    hidden : int
        H >= 1 hidden units.
    seeds : Iterable[int]
        One initialisation seed per replica (non-empty).
    budget : int
        Maximum number of epochs >= 1.
    lr : float
        Learning rate eta_0.
    criterion : float
        Success threshold > 0 on the MSE.
    sigma : float
        Perturbation std (parameter units; perturbative methods).
    beta : float or None
        Sets beta_s (dopamine1) or beta_s and beta_eta (dopamine2*); None keeps the preset.
    early_stop : bool
        Stop once every replica succeeded or diverged.
    record_every : int
        Record L every this many epochs (0 = never).
    device : str
        Torch device.
    **overrides
        Optimizer flag overrides.

    Returns
    -------
    dict
        Numpy arrays over seeds: ``epochs`` (float, nan = failure), ``success``,
        ``diverged``, ``init_loss``, ``final_loss``; ``curve`` [n_records, R] of L every
        ``record_every`` epochs (if > 0); ``passes_per_epoch`` (closure calls per perturbation
        step, or None for gradient methods); ``grad_fpe_per_epoch`` (measured
        t(fwd+bwd+update)/t(fwd) for gradient methods); ``wall_time`` (s); ``init_hash`` (one
        per seed: same for every method); and the inputs.

    Raises
    ------
    ValueError
        If an argument is out of range, ``seeds`` is empty or ``beta`` is given for a method
        without a trace.
    """
    check_choice("method", method, METHODS)
    hidden = check_int("hidden", hidden, 1)
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds must be a non-empty list of ints")
    budget = check_int("budget", budget, 1)
    criterion = check_float("criterion", criterion, 0.0, lo_open=True)
    record_every = check_int("record_every", record_every, 0)
    R = len(seeds)
    model = XORNet(hidden, replicas=R, seed=seeds).to(device)
    init_hash = [state_hash(XORNet(hidden, seed=s)) for s in seeds]
    X, y = xor_data(device)
    overrides = {**_beta_overrides(method, beta), **overrides}
    pert = method in PERTURBATIVE
    opt = make_optimizer(
        method,
        model.parameters(),
        lr,
        sigma=sigma,
        replicas=R if pert else None,
        seed=1_000_003 + seeds[0],
        **overrides,
    )

    def closure():
        return xor_loss(model, X, y)

    epochs = np.full(R, np.nan)
    diverged = np.zeros(R, dtype=bool)
    curve = []
    init_loss = closure().detach().cpu().numpy().copy()
    t0 = time.perf_counter()
    passes = None
    for t in range(budget + 1):
        if t < budget:
            if pert:
                L = opt.step(closure)
                passes = opt.last["passes"]
            else:
                opt.zero_grad(set_to_none=True)
                Lt = closure()
                Lt.sum().backward()
                opt.step()
                L = Lt.detach()
        else:
            with torch.no_grad():
                L = closure()
        Ln = L.cpu().numpy()
        if record_every and t % record_every == 0:
            curve.append(Ln.copy())
        fin = np.isfinite(Ln)
        diverged |= ~fin
        newly = np.isnan(epochs) & fin & (Ln < criterion) & ~diverged
        epochs[newly] = t
        if early_stop and np.all(~np.isnan(epochs) | diverged):
            break
    wall = time.perf_counter() - t0
    with torch.no_grad():
        final = closure().cpu().numpy()
    grad_fpe = None
    if not pert:
        grad_fpe = _grad_fpe(model, opt, closure)
    return {
        "method": method,
        "hidden": hidden,
        "lr": lr,
        "beta": beta,
        "seeds": seeds,
        "epochs": epochs,
        "success": ~np.isnan(epochs),
        "diverged": diverged,
        "init_loss": init_loss,
        "final_loss": final,
        "curve": np.array(curve) if curve else None,
        "record_every": record_every,
        "passes_per_epoch": passes,
        "grad_fpe_per_epoch": grad_fpe,
        "wall_time": wall,
        "init_hash": init_hash,
    }


def _grad_fpe(model, opt, closure, repeats: int = 50) -> float:
    """Median time of (forward + backward + update) over median time of a no-grad forward."""
    saved = {k: v.clone() for k, v in model.state_dict().items()}
    saved_opt = opt.state_dict()

    def step():
        opt.zero_grad(set_to_none=True)
        closure().sum().backward()
        opt.step()

    def fwd():
        with torch.no_grad():
            closure()

    t_step, t_fwd = median_time(step, repeat=repeats), median_time(fwd, repeat=repeats)
    model.load_state_dict(saved)
    opt.load_state_dict(saved_opt)
    return t_step / t_fwd


def xor_summary(run: dict) -> dict:
    """Success rate (%), median and IQR of epochs to criterion among successes, and FPE.

    median_fpe = median epochs * forward-pass equivalents per epoch.

    Parameters
    ----------
    run : dict
        The result of :func:`xor_run`.

    Returns
    -------
    dict
        ``success_%`` (percent of seeds), ``median_epochs``, ``q25``, ``q75`` (epochs),
        ``median_fpe``, ``fpe_per_epoch`` (forward passes), ``wall_s`` (s) and the run's
        method, hidden, lr and beta.
    """
    ep = run["epochs"][run["success"]]
    per_epoch = (
        run["passes_per_epoch"]
        if run["passes_per_epoch"] is not None
        else run["grad_fpe_per_epoch"]
    )
    q = np.percentile(ep, [25, 50, 75]) if ep.size else (np.nan,) * 3
    return {
        "method": run["method"],
        "hidden": run["hidden"],
        "lr": run["lr"],
        "beta": run["beta"],
        "success_%": 100.0 * float(run["success"].mean()),
        "median_epochs": float(q[1]),
        "q25": float(q[0]),
        "q75": float(q[2]),
        "median_fpe": float(q[1] * per_epoch) if ep.size else np.nan,
        "fpe_per_epoch": float(per_epoch),
        "wall_s": run["wall_time"],
    }


def rank_key(summary: dict) -> tuple[float, float]:
    """Sort key for tuning: highest success rate, then fewest median epochs.

    Parameters
    ----------
    summary : dict
        A :func:`xor_summary` row.

    Returns
    -------
    tuple of float
        (-success %, median epochs or inf).
    """
    med = summary["median_epochs"]
    return (-summary["success_%"], med if np.isfinite(med) else np.inf)
