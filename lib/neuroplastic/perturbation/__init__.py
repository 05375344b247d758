"""Weight perturbation and the Dopamine optimizer (Nambusubramaniyan et al. 2025), with the XOR
and chaotic-forecasting tasks of chapter 5.

Modules: ``optimizers`` (WeightPerturbation, Dopamine, presets, make_optimizer), ``spectral``
(spectral-radius reset), ``models`` (XORNet, ElmanRNN), ``tasks`` (XOR), ``chaos`` (Lorenz and
Rossler by RK4, windows, naive baselines, Lyapunov exponent), ``forecast`` (training, free-running
forecasts, valid prediction time) and ``measure`` (compute and peak memory per step). The
chapter's drivers are in :mod:`neuroplastic.experiments.dopamine`.
"""

from .chaos import (
    LYAPUNOV,
    SYSTEMS,
    ForecastData,
    forecasting_data,
    lyapunov_exponent,
    make_forecasting_data,
    naive_baselines,
    simulate,
)
from .forecast import (
    DIVERGE_FACTOR,
    TrainResult,
    free_run,
    is_diverged,
    persistence_free_run,
    rnn_loss,
    train,
    val_mse,
    valid_prediction_time,
)
from .models import ElmanRNN, XORNet, state_hash
from .optimizers import (
    METHODS,
    PERTURBATIVE,
    PRESETS,
    Dopamine,
    WeightPerturbation,
    make_optimizer,
    presets,
)
from .spectral import SpectralReset, spectral_radius
from .tasks import xor_data, xor_loss, xor_run, xor_summary

__all__ = [
    "LYAPUNOV",
    "SYSTEMS",
    "ForecastData",
    "forecasting_data",
    "lyapunov_exponent",
    "make_forecasting_data",
    "naive_baselines",
    "simulate",
    "DIVERGE_FACTOR",
    "is_diverged",
    "TrainResult",
    "free_run",
    "persistence_free_run",
    "rnn_loss",
    "train",
    "val_mse",
    "valid_prediction_time",
    "ElmanRNN",
    "XORNet",
    "state_hash",
    "METHODS",
    "PERTURBATIVE",
    "PRESETS",
    "Dopamine",
    "WeightPerturbation",
    "make_optimizer",
    "presets",
    "SpectralReset",
    "spectral_radius",
    "xor_data",
    "xor_loss",
    "xor_run",
    "xor_summary",
]
