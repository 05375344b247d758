"""Chapter 4 information measures and capacities (spec ch04 §7.1, 7.2, 7.7)."""

import math

import numpy as np
import pytest

from neuroplastic.competitive.information import (
    bootstrap_transinformation,
    confusion_matrix,
    information_capacity,
    network_capacity,
    stored_information,
    synaptic_capacity,
    transinformation,
)


def test_perfect_confusion_gives_log2_10():
    M = np.diag(np.full(10, 100))
    assert abs(transinformation(M) - math.log2(10)) < 1e-9


def test_constant_prediction_gives_zero():
    y = np.repeat(np.arange(10), 50)
    assert transinformation(confusion_matrix(y, np.zeros_like(y))) == pytest.approx(0.0, abs=1e-12)


def test_chance_outer_product_gives_zero():
    rng = np.random.default_rng(1)
    py, pyh = rng.dirichlet(np.ones(10)), rng.dirichlet(np.ones(10))
    M = np.outer(py, pyh) * 1e6  # exactly independent (float counts allowed)
    assert abs(transinformation(M)) < 1e-9


def test_binary_symmetric_channel():
    for e in (0.01, 0.1, 0.3):
        M = np.array([[1 - e, e], [e, 1 - e]]) * 1000
        h2 = -e * math.log2(e) - (1 - e) * math.log2(1 - e)
        assert transinformation(M) == pytest.approx(1 - h2, abs=1e-9)


def test_transinformation_not_symmetric_in_wrong_way():
    # a permuted perfect classifier still carries log2 C bits (T ignores label names)
    M = np.eye(4, dtype=int)[[1, 2, 3, 0]] * 25
    assert transinformation(M) == pytest.approx(2.0, abs=1e-12)


def test_miller_madow_reduces_bias_for_independent_labels():
    rng = np.random.default_rng(0)
    plug, mm = [], []
    for _ in range(200):
        yt, yp = rng.integers(0, 10, 1000), rng.integers(0, 10, 1000)
        M = confusion_matrix(yt, yp)
        plug.append(transinformation(M))
        mm.append(transinformation(M, "miller_madow"))
    assert np.mean(plug) > 0.02  # the plug-in bias is visible
    assert abs(np.mean(mm)) < abs(np.mean(plug)) / 3


def test_confusion_matrix_counts():
    M = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], n_classes=3)
    np.testing.assert_array_equal(M, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])


def test_bootstrap_interval_contains_estimate():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 10, 1000)
    yp = np.where(rng.random(1000) < 0.9, y, rng.integers(0, 10, 1000))
    T, lo, hi = bootstrap_transinformation(y, yp, n_boot=200, seed=0)
    assert lo < T < hi and hi - lo < 0.3
    assert bootstrap_transinformation(y, yp, n_boot=50, seed=4) == bootstrap_transinformation(
        y, yp, n_boot=50, seed=4
    )


def test_capacities_exact():
    info = stored_information(4000, 3.0)
    assert info == 12000.0
    assert synaptic_capacity(info, 60000) == pytest.approx(0.2)
    assert network_capacity(info, 317600) == pytest.approx(12000 / 317600)
    assert information_capacity(info, 1_000_000) == pytest.approx(0.012)


@pytest.mark.parametrize(
    "call, exc",
    [
        (lambda: transinformation(np.ones((2, 3))), ValueError),
        (lambda: transinformation(-np.eye(3)), ValueError),
        (lambda: transinformation(np.zeros((3, 3))), ValueError),
        (lambda: transinformation(np.eye(3), correction="jackknife"), ValueError),
        (lambda: confusion_matrix([0, 1], [0]), ValueError),
        (lambda: confusion_matrix([0, 10], [0, 1]), ValueError),
        (lambda: confusion_matrix([0.5, 1.0], [0, 1]), TypeError),
        (lambda: confusion_matrix([0, 1], [0, 1], n_classes=0), ValueError),
        (lambda: bootstrap_transinformation([0, 1], [0, 1], n_boot=0), ValueError),
        (lambda: bootstrap_transinformation([0, 1], [0, 1], seed=-1), ValueError),
        (lambda: synaptic_capacity(10.0, 0), ValueError),
        (lambda: network_capacity(-1.0, 10), ValueError),
        (lambda: information_capacity(1.0, "10"), TypeError),
    ],
)
def test_validation(call, exc):
    with pytest.raises(exc):
        call()
