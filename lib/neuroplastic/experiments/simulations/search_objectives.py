"""Picklable factories and objectives for the chapter's parameter searches (S9)."""
from __future__ import annotations

from neuroplastic.sim import lif, mlkit


def make_lif():
    from neuroplastic.experiments.simulations.lif_scope import LIFScope
    return LIFScope()


def rate_error_50(runner) -> float:
    """-|rate - 50 Hz| of neuron n1 (rate = 1000 / mean ISI over the run)."""
    sim = runner.sim
    return -abs(lif.measured_rate(sim.spikes[0], sim.t) - 50.0)


def make_classify():
    from neuroplastic.experiments.simulations.classify import Classify
    return Classify(grid=10)


def classify_cv_error(runner) -> float:
    """S-fold cross-validated error of k-NN with the configuration's K and S."""
    sim = runner.sim
    X, y = sim.Xy
    return mlkit.cv_error("k-NN", X, y, K=sim.p.K, S=sim.p.S, seed=sim.seed)
