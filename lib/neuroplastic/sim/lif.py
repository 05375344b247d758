"""Leaky integrate-and-fire neurons (units: ms, mV, Hz).

Model: tau dV/dt = -(V - E_L) + RI + sigma_V sqrt(tau) xi(t); when V >= theta a spike is emitted,
V is reset to V_r and held there for ceil(t_ref/dt) steps (refractory period).

Integration by exponential Euler, exact for constant input: with a = exp(-dt/tau),
V(t+dt) = V_inf + (V(t) - V_inf) a + sigma_V sqrt((1 - a^2)/2) N(0, 1), V_inf = E_L + RI
(the noise term is the exact Ornstein-Uhlenbeck update; the stationary SD is sigma_V/sqrt 2).

Analytic period for constant input with V_inf > theta:
T = t_ref + tau ln((V_inf - V_r)/(V_inf - theta)); no spikes when V_inf <= theta.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "LIFParams",
    "simulate",
    "period",
    "rate",
    "current_for_rate",
    "lif_step",
    "refractory_steps",
]


def _pos(x, what):
    if (
        isinstance(x, bool)
        or not isinstance(x, (int, float, np.integer, np.floating))
        or not x > 0
        or not math.isfinite(x)
    ):
        raise ValueError(f"{what} must be a finite number > 0, got {x!r}")
    return float(x)


def _check(tau, theta, v_reset, e_l, t_ref, dt=None):
    _pos(tau, "tau (ms)")
    if t_ref < 0:
        raise ValueError(f"t_ref (ms) must be >= 0, got {t_ref!r}")
    if not v_reset < theta:
        raise ValueError(
            f"v_reset (mV) must be below theta (mV), got v_reset={v_reset}, theta={theta}"
        )
    if dt is not None:
        _pos(dt, "dt (ms)")


def refractory_steps(t_ref: float, dt: float) -> int:
    """Number of steps the neuron is held at V_r after a spike: ceil(t_ref/dt).

    Parameters
    ----------
    t_ref : float
        Refractory period (ms).
    dt : float
        Time step (ms).

    Returns
    -------
    int
        Steps (a 1e-9 tolerance keeps exact multiples exact).
    """
    return int(math.ceil(t_ref / dt - 1e-9))


def lif_step(
    V: np.ndarray,
    refr: np.ndarray,
    RI: ArrayLike,
    *,
    tau: float,
    theta: float,
    v_reset: float,
    e_l: float,
    t_ref: float,
    dt: float,
    noise: float = 0.0,
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One exponential-Euler step for arrays ``V`` (mV) and ``refr`` (remaining refractory steps).

    V' = V_inf + (V - V_inf) a + sigma_V sqrt((1 - a^2)/2) N(0, 1), a = exp(-dt/tau),
    V_inf = E_L + RI; held neurons stay at V_r; V' >= theta spikes and resets.

    Parameters
    ----------
    V : numpy.ndarray
        Membrane potentials (mV).
    refr : numpy.ndarray
        Remaining refractory steps (int).
    RI : array-like
        Input R I (mV).
    tau : float
        Membrane time constant (ms, > 0).
    theta : float
        Firing threshold (mV).
    v_reset : float
        Reset potential V_r (mV, < theta).
    e_l : float
        Resting potential E_L (mV).
    t_ref : float
        Refractory period (ms, >= 0).
    dt : float
        Time step (ms).
    noise : float
        sigma_V (mV); needs ``rng`` when > 0.
    rng : numpy.random.Generator or None
        Noise source.

    Returns
    -------
    V : numpy.ndarray
        New potentials (mV).
    refr : numpy.ndarray
        New refractory counters.
    spiked : numpy.ndarray
        Bool, True where a spike was emitted.
    """
    a = math.exp(-dt / tau)
    v_inf = e_l + np.asarray(RI, dtype=np.float64)
    Vn = v_inf + (V - v_inf) * a
    if noise:
        Vn = Vn + noise * math.sqrt((1 - a * a) / 2) * rng.standard_normal(np.shape(V))
    held = refr > 0
    Vn = np.where(held, v_reset, Vn)
    refr = np.where(held, refr - 1, refr)
    spiked = Vn >= theta
    if spiked.any():
        Vn = np.where(spiked, v_reset, Vn)
        refr = np.where(spiked, refractory_steps(t_ref, dt), refr)
    return Vn, refr, spiked


def simulate(
    RI: ArrayLike,
    tau: float = 10.0,
    theta: float = -50.0,
    v_reset: float = -65.0,
    e_l: float = -65.0,
    t_ref: float = 2.0,
    dt: float = 0.1,
    n_steps: int = 1000,
    noise: float = 0.0,
    seed: int | np.random.Generator | None = 0,
    v0: ArrayLike | None = None,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Simulate independent LIF neurons, one per entry of ``RI`` (mV), by :func:`lif_step`.

    Parameters
    ----------
    RI : array-like
        Finite scalar or 1-D input R I (mV).
    tau : float
        Membrane time constant (ms, > 0).
    theta : float
        Firing threshold (mV).
    v_reset : float
        Reset potential V_r (mV, < theta).
    e_l : float
        Resting potential E_L (mV).
    t_ref : float
        Refractory period (ms, >= 0).
    dt : float
        Time step (ms, > 0).
    n_steps : int
        Number of steps >= 1.
    noise : float
        sigma_V >= 0 (mV).
    seed : int, Generator or None
        Seed of ``numpy.random.default_rng``.
    v0 : array-like or None
        Initial potential (mV; default E_L).

    Returns
    -------
    V : numpy.ndarray
        float64[n_steps + 1, n] (mV), V[0] = v0.
    spike_times : list of numpy.ndarray
        Per neuron, spike times in ms (a spike in step i is at (i + 1) dt).

    Raises
    ------
    ValueError
        If an argument is out of range.
    """
    RI = np.atleast_1d(np.asarray(RI, dtype=np.float64))
    if RI.ndim != 1 or not np.all(np.isfinite(RI)):
        raise ValueError("RI must be a finite scalar or 1-D array (mV)")
    _check(tau, theta, v_reset, e_l, t_ref, dt)
    if isinstance(n_steps, bool) or not isinstance(n_steps, (int, np.integer)) or n_steps < 1:
        raise ValueError(f"n_steps must be an int >= 1, got {n_steps!r}")
    if noise < 0:
        raise ValueError(f"noise (sigma_V, mV) must be >= 0, got {noise!r}")
    rng = np.random.default_rng(seed)
    n = RI.size
    V = np.empty((n_steps + 1, n))
    V[0] = e_l if v0 is None else v0
    refr = np.zeros(n, dtype=np.int64)
    spikes = [[] for _ in range(n)]
    for i in range(n_steps):
        V[i + 1], refr, sp = lif_step(
            V[i],
            refr,
            RI,
            tau=tau,
            theta=theta,
            v_reset=v_reset,
            e_l=e_l,
            t_ref=t_ref,
            dt=dt,
            noise=noise,
            rng=rng,
        )
        for j in np.flatnonzero(sp):
            spikes[j].append((i + 1) * dt)
    return V, [np.array(s) for s in spikes]


def period(
    RI: ArrayLike,
    tau: float = 10.0,
    theta: float = -50.0,
    v_reset: float = -65.0,
    e_l: float = -65.0,
    t_ref: float = 2.0,
) -> np.ndarray:
    """Analytic interspike interval T = t_ref + tau ln((V_inf - V_r)/(V_inf - theta)) (ms).

    V_inf = E_L + RI; T = inf where V_inf <= theta.

    Parameters
    ----------
    RI : array-like
        Constant input R I (mV).
    tau : float
        Membrane time constant (ms, > 0).
    theta : float
        Firing threshold (mV).
    v_reset : float
        Reset potential V_r (mV, < theta).
    e_l : float
        Resting potential E_L (mV).
    t_ref : float
        Refractory period (ms, >= 0).

    Returns
    -------
    numpy.ndarray
        T in ms (same shape as ``RI``).

    Raises
    ------
    ValueError
        If tau <= 0, t_ref < 0 or v_reset >= theta.
    """
    _check(tau, theta, v_reset, e_l, t_ref)
    v_inf = e_l + np.asarray(RI, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        T = t_ref + tau * np.log((v_inf - v_reset) / (v_inf - theta))
    return np.where(v_inf > theta, T, np.inf)


def rate(
    RI: ArrayLike,
    tau: float = 10.0,
    theta: float = -50.0,
    v_reset: float = -65.0,
    e_l: float = -65.0,
    t_ref: float = 2.0,
) -> np.ndarray:
    """Analytic firing rate 1000/T (Hz); 0 where E_L + RI <= theta.

    Parameters
    ----------
    RI : array-like
        Constant input R I (mV).
    tau : float
        Membrane time constant (ms, > 0).
    theta : float
        Firing threshold (mV).
    v_reset : float
        Reset potential V_r (mV, < theta).
    e_l : float
        Resting potential E_L (mV).
    t_ref : float
        Refractory period (ms, >= 0).

    Returns
    -------
    numpy.ndarray
        Rate in Hz.
    """
    return 1000.0 / period(RI, tau, theta, v_reset, e_l, t_ref)


def current_for_rate(
    f: ArrayLike,
    tau: float = 10.0,
    theta: float = -50.0,
    v_reset: float = -65.0,
    e_l: float = -65.0,
    t_ref: float = 2.0,
) -> np.ndarray:
    """Analytic inverse of :func:`rate`: the input RI* (mV) that fires at f Hz.

    RI* = (theta - E_L - (V_r - E_L) e^-u)/(1 - e^-u), u = (1000/f - t_ref)/tau.

    Parameters
    ----------
    f : array-like
        Target rates in (0, 1000/t_ref) Hz.
    tau : float
        Membrane time constant (ms, > 0).
    theta : float
        Firing threshold (mV).
    v_reset : float
        Reset potential V_r (mV, < theta).
    e_l : float
        Resting potential E_L (mV).
    t_ref : float
        Refractory period (ms, >= 0).

    Returns
    -------
    numpy.ndarray
        RI* in mV.

    Raises
    ------
    ValueError
        If a rate is out of range or a model parameter invalid.
    """
    _check(tau, theta, v_reset, e_l, t_ref)
    f = np.asarray(f, dtype=np.float64)
    if np.any(f <= 0) or np.any(1000.0 / f <= t_ref):
        raise ValueError(f"f (Hz) must be in (0, 1000/t_ref), got {f}")
    u = (1000.0 / f - t_ref) / tau
    e = np.exp(-u)
    return (theta - e_l - (v_reset - e_l) * e) / (1 - e)


def measured_rate(spike_times: ArrayLike, t_total: float) -> float:
    """Rate (Hz) from spike times (ms): 1000 / mean ISI when >= 2 spikes, else count / duration.

    Parameters
    ----------
    spike_times : array-like
        Spike times (ms).
    t_total : float
        Duration (ms) used with fewer than 2 spikes.

    Returns
    -------
    float
        Rate in Hz (0 when ``t_total`` <= 0 and fewer than 2 spikes).
    """
    st = np.asarray(spike_times, dtype=np.float64)
    if st.size >= 2:
        return float(1000.0 / np.mean(np.diff(st)))
    return float(st.size * 1000.0 / t_total) if t_total > 0 else 0.0


class LIFParams:  # small namespace for docs
    E_L = -65.0
    V_R = -65.0
    THETA = -50.0
    TAU = 10.0
    T_REF = 2.0
