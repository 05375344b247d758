"""Divergence flag, to-target brackets and the widening grid search of chapter 5's tuning."""

import math

import numpy as np
import pytest

from neuroplastic.perturbation import (DIVERGE_FACTOR, ElmanRNN, TrainResult, is_diverged,
                                       make_forecasting_data, simulate, train)
from neuroplastic.perturbation.experiments import adaptive_grid_search, to_target


def test_is_diverged_flags_finite_blowups_and_nonfinite_losses():
    assert is_diverged(8.8e17, 1.4)            # the audit's finite blow-up
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
    assert np.isfinite(res.train_loss).all()        # finite, yet flagged
    assert res.train_loss[-1] > DIVERGE_FACTOR * res.train_loss[0]
    assert res.final_val == math.inf
    ok = train(ElmanRNN(hidden=8, seed=0), "adam", small_data, 20, 1e-3, eval_every=5)
    assert not ok.diverged and np.isfinite(ok.final_val)


def test_dense_early_evaluation_brackets_the_crossing_to_one_step(small_data):
    res = train(ElmanRNN(hidden=8, seed=0), "adam", small_data, 60, 1e-2, eval_every=25,
                eval_dense=30)
    steps = res.curve[:, 0]
    assert list(steps[:30]) == list(range(30)) and list(steps[30:]) == [50, 60]
    target = float(res.curve[5, 1]) * 1.0000001
    tt = res.to_target(target)
    assert tt["steps"] - tt["steps_after"] == 1 and tt["steps"] <= 5
    coarse = train(ElmanRNN(hidden=8, seed=0), "adam", small_data, 60, 1e-2, eval_every=25)
    tc = coarse.to_target(target)
    assert tc["steps_after"] < tt["steps"] <= tc["steps"]   # the coarse value is only a bound


def _result(method, curve, final):
    curve = np.asarray(curve, dtype=float)
    return TrainResult(method=method, lr=1.0, seed=0, curve=curve, final_val=final,
                       best_val=float(np.min(curve[:, 1])), forward_passes=0, wall_time=1.0,
                       time_per_step=0.01, fpe_per_step=2.0, diverged=not np.isfinite(final),
                       init_hash="x", train_loss=np.zeros(1))


def test_to_target_ignores_diverged_runs():
    good = _result("wp", [(0, 1.0, 0, 0), (10, 0.1, 1, 20), (20, 0.05, 2, 40)], 0.05)
    adam = _result("adam", [(0, 1.0, 0, 0), (10, 0.01, 1, 30), (20, 0.001, 2, 60)], 0.001)
    blown = _result("wp", [(0, 1.0, 0, 0), (10, np.inf, 1, 20)], np.inf)
    e3 = {"runs": [{"system": "lorenz", "method": r.method, "result": r}
                   for r in (good, adam, blown)]}
    t = to_target(e3, "lorenz", ["wp", "adam"]).set_index("method")
    assert t.loc["wp", "target_mse"] == 0.05       # the diverged run does not set it
    assert t.loc["wp", "reached"] == 0.5           # and it never reaches it
    assert t.loc["adam", "steps"] == 10 and t.loc["adam", "steps_after"] == 0


def test_adaptive_grid_widens_until_the_best_is_interior():
    calls = []

    def run(points):
        calls.extend(points)
        # optimum at 10, divergence above 30 for key "a"; optimum at 0.05 for key "b"
        return [(math.inf if (k == "a" and v > 30) else (math.log(v / (10 if k == "a" else 0.05))) ** 2)
                for k, v in points]

    searches, scores = adaptive_grid_search(run, {"a": [1, 2, 3], "b": [1, 2, 3]}, max_rounds=8)
    assert searches["a"].on_edge is None and 6 <= searches["a"].best <= 16
    assert searches["b"].on_edge is None and searches["b"].best < 1
    assert len(calls) == len(set(calls))           # nothing is run twice
    capped, _ = adaptive_grid_search(run, {"a": [1, 2, 3]}, max_rounds=1)
    assert capped["a"].on_edge == "upper" and capped["a"].grid == (1, 2, 3, 6)


def test_adaptive_grid_stops_at_divergence_and_equalises_budgets():
    def run(points):
        return [math.inf if v > 5 else -v for k, v in points]   # better up to divergence

    searches, _ = adaptive_grid_search(run, {"wp": [1, 2], "d1": [1, 2, 4]}, max_rounds=6,
                                       equal_groups=[["wp", "d1"]])
    for k in ("wp", "d1"):
        assert searches[k].best == 4 and searches[k].on_edge is None
    assert searches["wp"].grid == searches["d1"].grid   # equal budgets
    assert max(searches["wp"].grid) == 8                # the first point past divergence
