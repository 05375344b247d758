"""Grid searches of the competitive package widen beyond a winning edge and report the edge."""

import numpy as np
import pytest

from neuroplastic.competitive import BPConfig, KHConfig, KHReadoutConfig, train_kh, train_readout
from neuroplastic.competitive.fewshot import tune_few_shot, validation_split
from neuroplastic.competitive.models import widen_grid


def test_widen_grid_moves_until_interior():
    seen = []

    def score(v):
        seen.append(v)
        return -abs(np.log10(v) - 3.0)  # peak at 1000

    gs = widen_grid("beta", [0.01, 0.1, 1.0, 10.0], score, max_widen=3)
    assert gs.best == pytest.approx(1000.0) and gs.on_edge is None
    assert max(gs.grid) == pytest.approx(10_000.0)


def test_widen_grid_reports_an_edge_it_cannot_leave():
    gs = widen_grid("beta", [0.01, 0.1, 1.0], lambda v: v, max_widen=2)  # always better upward
    assert gs.on_edge == "upper" and gs.best == pytest.approx(100.0) and len(gs.grid) == 5
    gs = widen_grid("eta", [1.0, 2.0, 4.0], lambda v: -v, max_widen=1, factor=2.0)
    assert gs.on_edge == "lower" and gs.best == pytest.approx(0.5)
    # ties go to the smaller value, as before
    assert widen_grid("beta", [0.1, 1.0, 10.0], lambda v: 1.0, max_widen=0).best == pytest.approx(
        0.1
    )


def test_kh_beta_search_is_a_grid_search():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(10), 12)
    X = (rng.random((120, 784)) * 0.2).astype(np.float32)
    X[np.arange(120), y * 70] = 1.0
    layer = train_kh(X, KHConfig(n_hidden=12, k=3, epochs=2, batch_size=20), seed=0)
    m = train_readout(layer, X, y, KHReadoutConfig(epochs=2, batch_size=20, beta_widen=1), seed=0)
    gs = m.beta_search
    assert set(gs.grid) == set(m.selection) and m.beta == gs.best
    assert gs.grid[0] <= 0.01 and gs.grid[-1] >= 10.0
    with pytest.raises(ValueError, match="beta_grid"):
        KHReadoutConfig(beta_grid=(1.0, 0.1))
    with pytest.raises(ValueError, match="beta_grid"):
        KHReadoutConfig(beta_grid=())


def test_few_shot_tuning_uses_a_validation_split_and_min_points():
    rng = np.random.default_rng(1)
    y = np.repeat(np.arange(10), 30)
    X = (rng.random((300, 784)) * 0.1).astype(np.float32)
    X[np.arange(300), y * 50] = 1.0
    pool, val = validation_split(y, 100, seed=0)
    assert (
        len(val) == 100 and not set(pool) & set(val) and np.bincount(y[val]).tolist() == [10] * 10
    )
    gs, n = tune_few_shot(
        "lr",
        lambda lr: ("bp", BPConfig(n_hidden=8, lr=lr)),
        [1e-3, 1e-2],
        X,
        y,
        [1],
        [0],
        n_val=100,
        steps=5,
        max_widen=0,
        min_points=4,
    )
    assert n == len(gs.grid) == 4 and gs.best in gs.grid
