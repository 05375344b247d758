r"""Chaotic time series (Lorenz, Rossler) by classical RK4, the forecasting windows and baselines.

Lorenz:  x' = s(y - x), y' = x(r - z) - y, z' = xy - b z  with (s, r, b) = (10, 28, 8/3).
Rossler: x' = -y - z, y' = x + a y, z' = b + z(x - c)      with (a, b, c) = (0.2, 0.2, 5.7).
Time is in model time units; dt = 0.01 by default. lambda_1 (per time unit, Sprott 2003):
0.9056 (Lorenz), 0.0714 (Rossler).

Forecasting data: of the kept ``n_used`` = 5000 states, the first 80 % train and the
last 20 % validate (chronological); each variable is z-scored with the training mean and std
(z-units). A sample is a window of ``lookback`` consecutive states; the target is the next state
(or the increment x_{t+1} - x_t). Training windows start every ``stride`` steps and all lie in the
training segment; validation windows (stride 1) lie inside the validation segment. States beyond
``n_used`` (``extra``) are a continuation used only for free-running forecasts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from ..validation import check_choice, check_float, check_int, check_seed

SYSTEMS = {"lorenz": (10.0, 28.0, 8.0 / 3.0), "rossler": (0.2, 0.2, 5.7)}
LYAPUNOV = {"lorenz": 0.9056, "rossler": 0.0714}


def vector_field(system: str, x: np.ndarray) -> np.ndarray:
    """dx/dt for states x of shape [..., 3] (float64; per model time unit).

    Parameters
    ----------
    system : str
        "lorenz" or "rossler".
    x : numpy.ndarray
        States [..., 3].

    Returns
    -------
    numpy.ndarray
        dx/dt, same shape as ``x``.

    Raises
    ------
    ValueError
        If ``system`` is unknown or the last dimension is not 3.
    """
    check_choice("system", system, tuple(SYSTEMS))
    x = np.asarray(x, dtype=np.float64)
    if x.shape[-1] != 3:
        raise ValueError(f"x must have last dimension 3; got shape {x.shape}")
    a, b, c = SYSTEMS[system]
    X, Y, Z = x[..., 0], x[..., 1], x[..., 2]
    if system == "lorenz":
        d = (a * (Y - X), X * (b - Z) - Y, X * Y - c * Z)
    else:
        d = (-Y - Z, X + a * Y, b + Z * (X - c))
    return np.stack(d, axis=-1)


def _f_scalar(system):
    a, b, c = SYSTEMS[system]
    if system == "lorenz":
        return lambda X, Y, Z: (a * (Y - X), X * (b - Z) - Y, X * Y - c * Z)
    return lambda X, Y, Z: (-Y - Z, X + a * Y, b + Z * (X - c))


def _rk4_step(f, X, Y, Z, dt):
    k1 = f(X, Y, Z)
    k2 = f(X + 0.5 * dt * k1[0], Y + 0.5 * dt * k1[1], Z + 0.5 * dt * k1[2])
    k3 = f(X + 0.5 * dt * k2[0], Y + 0.5 * dt * k2[1], Z + 0.5 * dt * k2[2])
    k4 = f(X + dt * k3[0], Y + dt * k3[1], Z + dt * k3[2])
    h = dt / 6.0
    return (
        X + h * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]),
        Y + h * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]),
        Z + h * (k1[2] + 2 * k2[2] + 2 * k3[2] + k4[2]),
    )


def simulate(
    system: str,
    n_steps: int = 5000,
    dt: float = 0.01,
    x0: Sequence[float] | np.ndarray = (1.0, 0.0, 0.0),
    burn_in: int = 1000,
    extra: int = 0,
) -> np.ndarray:
    """RK4 trajectory x_{i+1} = RK4(x_i, dt): states x_burn_in, ..., x_{burn_in+n_steps+extra-1}.

    x_0 = ``x0``; the first ``burn_in`` states are discarded (0 keeps x_0 as the first row).

    Parameters
    ----------
    system : str
        "lorenz" or "rossler".
    n_steps : int
        Number of kept states >= 1.
    dt : float
        Step in model time units, in (0, 1].
    x0 : sequence of 3 floats
        Initial state.
    burn_in : int
        Discarded leading states >= 0.
    extra : int
        Continuation states appended after the ``n_steps``.

    Returns
    -------
    numpy.ndarray
        float64 states, shape [n_steps + extra, 3].

    Raises
    ------
    ValueError
        If an argument is out of range, ``x0`` is not 3 finite numbers or the trajectory
        diverges.
    """
    check_choice("system", system, tuple(SYSTEMS))
    n_steps = check_int("n_steps", n_steps, 1)
    dt = check_float("dt", dt, 0.0, 1.0, lo_open=True)
    burn_in = check_int("burn_in", burn_in, 0)
    extra = check_int("extra", extra, 0)
    x0 = np.asarray(x0, dtype=np.float64)
    if x0.shape != (3,) or not np.all(np.isfinite(x0)):
        raise ValueError(f"x0 must be 3 finite numbers; got {x0!r}")
    f = _f_scalar(system)
    total = burn_in + n_steps + extra
    out = np.empty((n_steps + extra, 3))
    X, Y, Z = (float(v) for v in x0)
    for i in range(total):
        if i >= burn_in:
            out[i - burn_in] = (X, Y, Z)
        X, Y, Z = _rk4_step(f, X, Y, Z, dt)
    if not np.all(np.isfinite(out)):
        raise ValueError(f"the trajectory diverged; dt={dt} is too large for {system}")
    return out


def lyapunov_exponent(
    system: str,
    n_steps: int = 100_000,
    dt: float = 0.01,
    seed: int | np.random.Generator = 0,
    transient: int = 2000,
    d0: float = 1e-8,
) -> float:
    """Largest Lyapunov exponent lambda_1 (per time unit) by benettin1980lyapunov.

    A reference and a companion trajectory at distance d0 (random direction from ``seed``) are
    integrated by RK4; after each step the separation d is renormalised to d0 and log(d/d0)
    accumulated: lambda_1 = sum log(d/d0) / (n_steps dt).

    Parameters
    ----------
    system : str
        "lorenz" or "rossler".
    n_steps : int
        Number of averaged RK4 steps >= 1.
    dt : float
        Step in model time units, in (0, 1].
    seed : int or numpy.random.Generator
        Seed of the initial separation direction.
    transient : int
        RK4 steps discarded from x_0 = (1, 0, 0) before measuring.
    d0 : float
        Separation in (0, 1e-3] (state units).

    Returns
    -------
    float
        lambda_1 in nats per model time unit.

    Raises
    ------
    ValueError
        If an argument is out of range.
    """
    check_choice("system", system, tuple(SYSTEMS))
    n_steps = check_int("n_steps", n_steps, 1)
    dt = check_float("dt", dt, 0.0, 1.0, lo_open=True)
    transient = check_int("transient", transient, 0)
    d0 = check_float("d0", d0, 0.0, 1e-3, lo_open=True)
    rng = np.random.default_rng(check_seed(seed))
    f = _f_scalar(system)
    X, Y, Z = 1.0, 0.0, 0.0
    for _ in range(transient):
        X, Y, Z = _rk4_step(f, X, Y, Z, dt)
    u = rng.standard_normal(3)
    u *= d0 / np.linalg.norm(u)
    A, B, C = X + u[0], Y + u[1], Z + u[2]
    total = 0.0
    for _ in range(n_steps):
        X, Y, Z = _rk4_step(f, X, Y, Z, dt)
        A, B, C = _rk4_step(f, A, B, C, dt)
        dx, dy, dz = A - X, B - Y, C - Z
        d = math.sqrt(dx * dx + dy * dy + dz * dz)
        total += math.log(d / d0)
        r = d0 / d
        A, B, C = X + dx * r, Y + dy * r, Z + dz * r
    return total / (n_steps * dt)


@dataclass
class ForecastData:
    """Windows and bookkeeping of one forecasting problem (tensors float32, z-units).

    X_train [N_tr, L, 3], y_train [N_tr, 3]; X_val [N_val, L, 3], y_val [N_val, 3] (targets as
    defined by ``target``; ``yv_state`` holds the validation next states); train_idx / val_idx are
    the target indices into ``series_z``; mean/std are per-variable training statistics (original
    units); ``series_z`` [n_used + extra, 3] is the whole z-scored series.
    """

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor
    yv_state: torch.Tensor
    train_idx: np.ndarray
    val_idx: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    series_z: np.ndarray
    n_train: int
    n_used: int
    lookback: int
    target: str

    def to_state(self, y_hat: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
        """Model outputs -> predicted next states (adds the last input for ``increment``).

        x_hat_{t+1} = y_hat (``state``) or x_t + y_hat (``increment``), z-units.

        Parameters
        ----------
        y_hat : torch.Tensor
            Model outputs [N, 3].
        X : torch.Tensor
            The input windows [N, L, 3].

        Returns
        -------
        torch.Tensor
            Predicted next states [N, 3].
        """
        return y_hat if self.target == "state" else X[:, -1] + y_hat


def make_forecasting_data(
    series: np.ndarray,
    lookback: int = 32,
    train_frac: float = 0.8,
    stride: int = 8,
    target: str = "state",
    n_used: int | None = 5000,
    device: str | torch.device = "cpu",
) -> ForecastData:
    """Windows of a trajectory from :func:`simulate` (see module docstring).

    ``n_used`` states (default 5000; None = all) make the train/validation split; the rest is the
    free-running continuation. z = (x - mean_train) / std_train per variable.

    Parameters
    ----------
    series : numpy.ndarray
        Trajectory [n, 3].
    lookback : int
        Window length L >= 1 (steps).
    train_frac : float
        Training share of the ``n_used`` states, in (0, 1).
    stride : int
        Step between training windows >= 1.
    target : str
        "state" (x_{t+1}) or "increment" (x_{t+1} - x_t).
    n_used : int or None
        States used for the split (None = all).
    device : str or torch.device
        Where the tensors live.

    Returns
    -------
    ForecastData
        The float32 windows, targets and bookkeeping.

    Raises
    ------
    ValueError
        If ``series`` is not [n, 3], an argument is out of range or a segment holds no window.
    """
    series = np.asarray(series, dtype=np.float64)
    if series.ndim != 2 or series.shape[1] != 3:
        raise ValueError(f"series must have shape [n, 3]; got {series.shape}")
    lookback = check_int("lookback", lookback, 1)
    train_frac = check_float("train_frac", train_frac, 0.0, 1.0, lo_open=True, hi_open=True)
    stride = check_int("stride", stride, 1)
    check_choice("target", target, ("state", "increment"))
    n_used = series.shape[0] if n_used is None else check_int("n_used", n_used, 2, series.shape[0])
    n_train = int(round(train_frac * n_used))
    if n_train < lookback + 1 or n_used - n_train < lookback + 1:
        raise ValueError(
            f"lookback={lookback} leaves no window in a segment; need both segments "
            f"> lookback (train {n_train}, validation {n_used - n_train})"
        )
    mean = series[:n_train].mean(axis=0)
    std = series[:n_train].std(axis=0)
    z = (series - mean) / std

    def windows(first_target: int, last_target: int, step: int):
        idx = np.arange(first_target, last_target + 1, step)
        X = np.stack([z[i - lookback : i] for i in idx])
        return idx, X

    tr_idx, Xtr = windows(lookback, n_train - 1, stride)
    va_idx, Xva = windows(n_train + lookback, n_used - 1, 1)
    ytr_state, yva_state = z[tr_idx], z[va_idx]
    if target == "increment":
        ytr, yva = ytr_state - z[tr_idx - 1], yva_state - z[va_idx - 1]
    else:
        ytr, yva = ytr_state, yva_state
    t = lambda a: torch.as_tensor(a, dtype=torch.float32, device=device)  # noqa: E731
    return ForecastData(
        t(Xtr),
        t(ytr),
        t(Xva),
        t(yva),
        t(yva_state),
        tr_idx,
        va_idx,
        mean,
        std,
        z.astype(np.float32),
        n_train,
        n_used,
        lookback,
        target,
    )


def naive_baselines(data: ForecastData) -> dict:
    """One-step validation MSE (z-units) of persistence (x_t), linear (2x_t - x_{t-1}), mean (0).

    Parameters
    ----------
    data : ForecastData
        The forecasting problem.

    Returns
    -------
    dict
        ``{"persistence", "linear", "mean"}`` -> MSE in z-units squared.

    Raises
    ------
    TypeError
        If ``data`` is not a ForecastData.
    """
    if not isinstance(data, ForecastData):
        raise TypeError(f"data must be a ForecastData; got {type(data).__name__}")
    X = data.X_val.double()
    y = data.yv_state.double()
    last, prev = X[:, -1], X[:, -2] if X.shape[1] > 1 else X[:, -1]
    mse = lambda p: float(((p - y) ** 2).mean())  # noqa: E731
    return {
        "persistence": mse(last),
        "linear": mse(2 * last - prev),
        "mean": mse(torch.zeros_like(y)),
    }


def forecasting_data(
    system: str,
    lookback: int = 32,
    stride: int = 8,
    target: str = "state",
    burn_in: int = 1000,
    n_used: int = 5000,
    extra: int = 0,
    device: str | torch.device = "cpu",
) -> ForecastData:
    """:func:`simulate` then :func:`make_forecasting_data` with the chapter's defaults.

    Parameters
    ----------
    system : str
        "lorenz" or "rossler".
    lookback, stride : int
        Window length and training-window step (time steps).
    target : str
        "state" or "increment".
    burn_in, n_used, extra : int
        Discarded, split and continuation states (dt = 0.01 time units each).
    device : str or torch.device
        Where the tensors live.

    Returns
    -------
    ForecastData
        The forecasting problem.
    """
    series = simulate(system, n_steps=n_used, burn_in=burn_in, extra=extra)
    return make_forecasting_data(
        series, lookback=lookback, stride=stride, target=target, n_used=n_used, device=device
    )
