"""Divergence flag and to-target brackets of chapter 5's training (the widening grid search is
tested with the drivers in tests/test_experiments_dopamine.py)."""

import math

import numpy as np
import pytest

from neuroplastic.perturbation import (
    DIVERGE_FACTOR,
    ElmanRNN,
    is_diverged,
    make_forecasting_data,
    simulate,
    train,
)


def test_is_diverged_flags_finite_blowups_and_nonfinite_losses():
    assert is_diverged(8.8e17, 1.4)  # the audit's finite blow-up
    assert is_diverged(float("nan"), 1.4)
    assert is_diverged(float("inf"), 1.4)
    assert is_diverged(DIVERGE_FACTOR * 1.4 * 1.01, 1.4)
    assert not is_diverged(DIVERGE_FACTOR * 1.4 * 0.99, 1.4)
    assert not is_diverged(1e-5, 1.4)
    with pytest.raises(ValueError, match="factor"):
        is_diverged(1.0, 1.0, factor=1.0)
    with pytest.raises(ValueError, match="initial"):
        is_diverged(1.0, 0.0)


@pytest.fixture(scope="module")
def small_data():
    s = simulate("lorenz", n_steps=600, burn_in=100, extra=0)
    return make_forecasting_data(s, lookback=8, stride=8, n_used=600)


def test_train_stops_a_finite_blowup_as_diverged(small_data):
    # SGD at an absurd rate blows the loss up by orders of magnitude while it stays finite
    res = train(ElmanRNN(hidden=8, seed=0), "sgd", small_data, 50, 1e3, eval_every=5)
    assert res.diverged
    assert np.isfinite(res.train_loss).all()  # finite, yet flagged
    assert res.train_loss[-1] > DIVERGE_FACTOR * res.train_loss[0]
    assert res.final_val == math.inf
    ok = train(ElmanRNN(hidden=8, seed=0), "adam", small_data, 20, 1e-3, eval_every=5)
    assert not ok.diverged and np.isfinite(ok.final_val)


def test_dense_early_evaluation_brackets_the_crossing_to_one_step(small_data):
    res = train(
        ElmanRNN(hidden=8, seed=0), "adam", small_data, 60, 1e-2, eval_every=25, eval_dense=30
    )
    steps = res.curve[:, 0]
    assert list(steps[:30]) == list(range(30)) and list(steps[30:]) == [50, 60]
    target = float(res.curve[5, 1]) * 1.0000001
    tt = res.to_target(target)
    assert tt["steps"] - tt["steps_after"] == 1 and tt["steps"] <= 5
    coarse = train(ElmanRNN(hidden=8, seed=0), "adam", small_data, 60, 1e-2, eval_every=25)
    tc = coarse.to_target(target)
    assert tc["steps_after"] < tt["steps"] <= tc["steps"]  # the coarse value is only a bound
