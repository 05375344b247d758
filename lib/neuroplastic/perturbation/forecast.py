r"""Training the RNN forecaster, one-step validation error, free-running forecasts and VPT.

* One-step validation MSE: mean over windows and the 3 variables of (x_hat_{t+1} - x_{t+1})^2 in
  z-units.
* Free-running forecast: from ``starts`` evenly spaced points in the validation segment, seed the
  model with the true window, then feed back its own predictions; e(t) is the RMS (over the 3
  variables) z-scored error t steps ahead, t = 1..horizon.
* Valid prediction time: the number of steps before e(t) first exceeds ``threshold`` (0.5),
  converted to Lyapunov times t * dt * lambda_1; median over starts. A forecast that never
  exceeds it gets the cap horizon * dt * lambda_1.
* Divergence: a run has diverged when its training loss is non-finite **or** exceeds
  ``DIVERGE_FACTOR`` (100) times the initial training loss L(theta_0) (z-units squared; the
  mean predictor scores about 1, so 100x is a blow-up, never a slow start). Such a run stops
  there; its final MSE is inf, so it never sets a to-target target and a grid search counts it
  as failed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from ..validation import check_choice, check_float, check_int
from .chaos import ForecastData
from .models import ElmanRNN, state_hash
from .optimizers import METHODS, PERTURBATIVE, make_optimizer
from .spectral import SpectralReset

#: a training loss above this multiple of the initial training loss counts as diverged
DIVERGE_FACTOR = 100.0


def is_diverged(loss: float, initial: float, factor: float = DIVERGE_FACTOR) -> bool:
    """True when ``loss`` is non-finite or ``loss > factor * initial`` (a finite blow-up).

    Parameters
    ----------
    loss : float
        Current training loss (z-units squared).
    initial : float
        The run's initial training loss (> 0, finite).
    factor : float
        Blow-up factor > 1.

    Returns
    -------
    bool
        Whether the run has diverged.

    Raises
    ------
    ValueError
        If ``factor`` <= 1 or ``initial`` is not a finite positive number.
    """
    factor = check_float("factor", factor, 1.0, lo_open=True)
    initial = float(initial)
    if not np.isfinite(initial) or initial <= 0:
        raise ValueError(f"initial must be a finite loss > 0; got {initial}")
    loss = float(loss)
    return bool(not np.isfinite(loss) or loss > factor * initial)


def _check_data(data):
    if not isinstance(data, ForecastData):
        raise TypeError(f"data must be a ForecastData; got {type(data).__name__}")


def rnn_loss(model: ElmanRNN, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """MSE of the model's outputs against y, reduced in float64: mean (f(X) - y)^2.

    Parameters
    ----------
    model : ElmanRNN
        The forecaster.
    X : torch.Tensor
        Windows [B, T, n_in].
    y : torch.Tensor
        Targets [B, n_out].

    Returns
    -------
    torch.Tensor
        Scalar float64 loss (z-units squared).
    """
    return ((model(X).to(torch.float64) - y.to(torch.float64)) ** 2).mean()


@torch.no_grad()
def val_mse(model: ElmanRNN, data: ForecastData) -> float:
    """One-step validation MSE of the predicted next states (z-units squared).

    MSE = mean over windows and variables of (x_hat_{t+1} - x_{t+1})^2, without gradients.

    Parameters
    ----------
    model : ElmanRNN
        The forecaster.
    data : ForecastData
        The forecasting problem.

    Returns
    -------
    float
        The validation MSE.

    Raises
    ------
    TypeError
        If ``data`` is not a ForecastData.
    """
    _check_data(data)
    pred = data.to_state(model(data.X_val), data.X_val)
    return float(((pred.double() - data.yv_state.double()) ** 2).mean())


def _start_indices(data: ForecastData, starts: int, horizon: int) -> np.ndarray:
    first = data.n_train + data.lookback
    last = data.n_used - 1
    idx = np.linspace(first, last, starts).round().astype(int)
    if idx[-1] + horizon > data.series_z.shape[0]:
        raise ValueError(
            f"horizon={horizon} needs {idx[-1] + horizon - data.series_z.shape[0]} "
            "more continuation states (simulate with a larger extra)"
        )
    return idx


@torch.no_grad()
def free_run(
    model: ElmanRNN, data: ForecastData, starts: int = 10, horizon: int = 300
) -> np.ndarray:
    """RMS z-scored error e(t), t = 1..horizon, of the closed-loop forecast.

    e(t) = sqrt(mean over the 3 variables of (x_hat_{s+t} - x_{s+t})^2), the model fed back its
    own predictions after a true seed window.

    Parameters
    ----------
    model : ElmanRNN
        The forecaster.
    data : ForecastData
        The forecasting problem (with enough continuation states).
    starts : int
        Number of evenly spaced start points in the validation segment.
    horizon : int
        Forecast length (time steps).

    Returns
    -------
    numpy.ndarray
        e in z-units, shape [starts, horizon].

    Raises
    ------
    TypeError
        If ``data`` is not a ForecastData.
    ValueError
        If ``horizon`` runs past the simulated continuation.
    """
    _check_data(data)
    starts = check_int("starts", starts, 1)
    horizon = check_int("horizon", horizon, 1)
    idx = _start_indices(data, starts, horizon)
    z = torch.as_tensor(data.series_z, dtype=torch.float32, device=data.X_val.device)
    L = data.lookback
    window = torch.stack([z[i - L : i] for i in idx])  # [S, L, 3]
    err = np.empty((starts, horizon))
    for t in range(horizon):
        pred = data.to_state(model(window), window)
        truth = z[idx + t]
        err[:, t] = ((pred.double() - truth.double()) ** 2).mean(-1).sqrt().cpu().numpy()
        window = torch.cat([window[:, 1:], pred[:, None, :]], dim=1)
    return err


def persistence_free_run(data: ForecastData, starts: int = 10, horizon: int = 300) -> np.ndarray:
    """e(t) of the persistence forecast x_hat_{s+t} = x_{s-1} from the same starts as free_run.

    Parameters
    ----------
    data : ForecastData
        The forecasting problem.
    starts : int
        Number of start points.
    horizon : int
        Forecast length (time steps).

    Returns
    -------
    numpy.ndarray
        RMS error in z-units, shape [starts, horizon].

    Raises
    ------
    TypeError
        If ``data`` is not a ForecastData.
    ValueError
        If ``horizon`` runs past the simulated continuation.
    """
    _check_data(data)
    starts = check_int("starts", starts, 1)
    horizon = check_int("horizon", horizon, 1)
    idx = _start_indices(data, starts, horizon)
    z = data.series_z.astype(np.float64)
    out = np.empty((starts, horizon))
    for j, i in enumerate(idx):
        out[j] = np.sqrt(((z[i : i + horizon] - z[i - 1]) ** 2).mean(-1))
    return out


def valid_prediction_time(
    err: np.ndarray, threshold: float = 0.5, dt: float = 0.01, lyap: float = 0.9056
) -> float:
    """Median over rows of (steps before err first exceeds threshold) * dt * lyap.

    A NaN error counts as exceeded; a row that never exceeds gives horizon * dt * lyap.

    Parameters
    ----------
    err : numpy.ndarray
        Errors e(t) [horizon] or [starts, horizon] (z-units).
    threshold : float
        Error threshold > 0 (z-units).
    dt : float
        Time step > 0 (model time units).
    lyap : float
        lambda_1 > 0 (per model time unit).

    Returns
    -------
    float
        The valid prediction time in Lyapunov times.

    Raises
    ------
    ValueError
        If ``err`` has the wrong shape or a number is out of range.
    """
    err = np.atleast_2d(np.asarray(err, dtype=np.float64))
    if err.ndim != 2 or err.shape[1] < 1:
        raise ValueError(f"err must be [horizon] or [starts, horizon]; got shape {err.shape}")
    threshold = check_float("threshold", threshold, 0.0, lo_open=True)
    dt = check_float("dt", dt, 0.0, lo_open=True)
    lyap = check_float("lyap", lyap, 0.0, lo_open=True)
    vals = []
    for row in err:
        bad = np.flatnonzero(~(row <= threshold))  # nan counts as exceeded
        steps = bad[0] if bad.size else row.size
        vals.append(steps * dt * lyap)
    return float(np.median(vals))


@dataclass
class TrainResult:
    """Outcome of :func:`train`. ``curve`` rows: (step, val MSE, train wall s, FPE so far)."""

    method: str
    lr: float
    seed: int
    curve: np.ndarray
    final_val: float
    best_val: float
    forward_passes: int
    wall_time: float
    time_per_step: float
    fpe_per_step: float
    diverged: bool
    init_hash: str
    train_loss: np.ndarray
    resets: int = 0
    extra: dict = field(default_factory=dict)

    def to_target(self, target: float) -> dict:
        """Steps, FPE and training wall time until the validation MSE first falls below target.

        The crossing is only seen at evaluations: it happened after ``steps_after`` (the
        previous evaluation, -1 if the first one already meets the target) and at or before
        ``steps``; with evaluations every step the two differ by 1 and ``steps`` is exact.

        Parameters
        ----------
        target : float
            Validation MSE target (z-units squared).

        Returns
        -------
        dict
            ``steps``, ``steps_after`` (optimizer steps), ``fpe`` (forward-pass equivalents)
            and ``wall_s`` (s); all NaN when the target is never met.
        """
        hit = np.flatnonzero(self.curve[:, 1] <= target)
        if not hit.size:
            return {"steps": np.nan, "steps_after": np.nan, "fpe": np.nan, "wall_s": np.nan}
        r = self.curve[hit[0]]
        prev = float(self.curve[hit[0] - 1, 0]) if hit[0] > 0 else -1.0
        return {
            "steps": float(r[0]),
            "steps_after": prev,
            "fpe": float(r[3]),
            "wall_s": float(r[2]),
        }


def train(
    model: ElmanRNN,
    method: str,
    data: ForecastData,
    steps: int,
    lr: float,
    seed: int = 0,
    *,
    eval_every: int = 50,
    eval_dense: int = 0,
    sigma: float = 1e-4,
    spectral_every: int | None = None,
    diverge_factor: float = DIVERGE_FACTOR,
    **opt_overrides: Any,
) -> TrainResult:
    """Full-batch training of ``model`` on ``data.X_train`` for ``steps`` steps.

    Gradient methods ("sgd", "adam") use full BPTT over the window; perturbative ones call
    ``step(closure)`` with the fixed training batch. ``spectral_every`` (None = never) resets
    rho(W_hh) to 1 at steps 0, k, 2k, ... (before the update; for gradient methods after
    zero_grad, before the forward). The validation MSE is evaluated at step 0, at every step
    t < ``eval_dense`` (so that an early crossing of a target is measured to the step), every
    ``eval_every`` steps and at the end. A training loss that is non-finite or above
    ``diverge_factor`` times the initial one (:func:`is_diverged`) stops the run
    (``diverged``; the final MSE is then inf). Wall times exclude evaluations.

    Parameters
    ----------
    model : ElmanRNN
        The forecaster, trained in place.
    method : str
        One of ``METHODS``.
    data : ForecastData
        The forecasting problem.
    steps : int
        Optimizer steps >= 1.
    lr : float
        Learning rate eta_0 >= 0.
    seed : int
        Noise seed of perturbative optimizers.
    eval_every : int
        Validation interval >= 1 (steps).
    eval_dense : int
        Evaluate at every step t < ``eval_dense``.
    sigma : float
        Perturbation std (parameter units).
    spectral_every : int or None
        Spectral-reset interval (steps), None = never.
    diverge_factor : float
        Blow-up factor > 1 of :func:`is_diverged`.
    **opt_overrides
        Optimizer flag overrides.

    Returns
    -------
    TrainResult
        Curve (step, val MSE, wall s, FPE), final/best MSE, timings and counters.

    Raises
    ------
    TypeError
        If ``model`` is not an ElmanRNN or ``data`` not a ForecastData.
    ValueError
        If an argument is out of range.
    """
    check_choice("method", method, METHODS)
    _check_data(data)
    steps = check_int("steps", steps, 1)
    eval_every = check_int("eval_every", eval_every, 1)
    eval_dense = check_int("eval_dense", eval_dense, 0)
    diverge_factor = check_float("diverge_factor", diverge_factor, 1.0, lo_open=True)
    lr = check_float("lr", lr, 0.0)
    if not isinstance(model, ElmanRNN):
        raise TypeError(f"model must be an ElmanRNN; got {type(model).__name__}")
    init_hash = state_hash(model)
    spectral = (
        SpectralReset([model.recurrent_weight], every=spectral_every)
        if spectral_every is not None
        else None
    )
    pert = method in PERTURBATIVE
    opt = make_optimizer(
        method,
        model.parameters(),
        lr,
        sigma=sigma,
        seed=seed,
        spectral=spectral if pert else None,
        **opt_overrides,
    )
    X, y = data.X_train, data.y_train

    def closure():
        return rnn_loss(model, X, y)

    curve, losses = [], []
    wall, fpe_count, diverged = 0.0, 0.0, False
    step_times = []
    L_init = None
    for t in range(steps + 1):
        if t % eval_every == 0 or t < eval_dense or t == steps:
            v = val_mse(model, data)
            curve.append((t, v if np.isfinite(v) else np.inf, wall, fpe_count))
        if t == steps:
            break
        t0 = time.perf_counter()
        if pert:
            L = opt.step(closure)
        else:
            if spectral is not None:
                spectral(t)
            opt.zero_grad(set_to_none=True)
            Lt = closure()
            Lt.backward()
            opt.step()
            L = float(Lt.detach())
        dt_ = time.perf_counter() - t0
        wall += dt_
        step_times.append(dt_)
        losses.append(L)
        if L_init is None and np.isfinite(L) and L > 0:
            L_init = L
        if not np.isfinite(L) or (L_init is not None and is_diverged(L, L_init, diverge_factor)):
            diverged = True
            curve.append((t + 1, np.inf, wall, fpe_count))
            break
    fpe_step = (
        float(opt.last["passes"])
        if pert and opt.last
        else _forward_time_ratio(model, X, float(np.median(step_times)))
        if not pert
        else 2.0
    )
    curve = np.array(curve, dtype=np.float64)
    curve[:, 3] = curve[:, 0] * fpe_step
    finals = curve[:, 1]
    return TrainResult(
        method=method,
        lr=lr,
        seed=int(seed),
        curve=curve,
        final_val=float(finals[-1]) if not diverged else np.inf,
        best_val=float(np.min(finals)),
        forward_passes=model.forward_passes,
        wall_time=wall,
        time_per_step=float(np.median(step_times)),
        fpe_per_step=fpe_step,
        diverged=diverged,
        init_hash=init_hash,
        train_loss=np.array(losses),
        resets=spectral.n_resets if spectral is not None else 0,
    )


@torch.no_grad()
def _forward_time_ratio(model, X, t_step: float, repeats: int = 3) -> float:
    """t_step / median no-grad forward time on X (BPTT's forward-pass equivalents per step)."""
    n0 = model.forward_passes
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        model(X)
        ts.append(time.perf_counter() - t0)
    model.forward_passes = n0
    return t_step / float(np.median(ts))
