"""Sparsity, Dale and selectivity metrics against hand-computed values; node perturbation."""

import numpy as np
import pytest
import torch

from neuroplastic.competitive import (
    class_selectivity,
    dale_input,
    dale_outgoing,
    delta_grad,
    hoyer,
    lifetime_sparseness,
    node_perturbation_grad,
    population_sparseness,
    silent_fraction,
    unit_label_information,
)


def test_silent_and_hoyer():
    W = np.array([[0.0, 0.0, 1.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
    assert silent_fraction(W) == 3 / 8
    assert silent_fraction(W, 0.5) == 3 / 8
    np.testing.assert_allclose(hoyer(W), [1.0, 0.0])


def test_dale_by_hand():
    W = np.array([[1.0, -1.0, 0.0], [2.0, 1.0, 0.0]])
    assert dale_input(W) == pytest.approx(2 / 3)  # col 0: +,+ ; col 1: -,+ (mixed) ; col 2: empty
    S = np.array([[1.0, -0.05, 0.0], [-1.0, -1.0, 0.0], [0.5, -0.5, 0.0]])
    d0, soft = dale_outgoing(S, 0.0)
    assert d0 == 0.5  # unit 0 (1, -1, .5) mixed; unit 1 (-.05, -1, -.5) single; unit 2 none
    assert soft == pytest.approx(np.mean([2 / 3, 1.0]))
    S2 = S.copy()
    S2[0, 1] = 0.05  # unit 1 now mixed, but 0.05 is below 0.1 max|S|
    assert dale_outgoing(S2, 0.0)[0] == 0.0
    assert dale_outgoing(S2, 0.1)[0] == pytest.approx(0.5)


def test_dale_input_all_positive():
    assert dale_input(np.abs(np.random.default_rng(0).normal(size=(5, 7)))) == 1.0


def test_selectivity_extremes():
    y = np.repeat(np.arange(10), 5)
    onehot = np.eye(10)[y]
    np.testing.assert_allclose(class_selectivity(onehot, y), 1.0)
    np.testing.assert_allclose(class_selectivity(np.ones((50, 4)), y), 0.0)
    H = np.zeros((50, 3))
    H[:, 0] = 1.0
    assert len(class_selectivity(H, y)) == 1  # silent units excluded
    with pytest.raises(ValueError, match="n_classes"):
        class_selectivity(np.ones((5, 2)), np.zeros(5, int), n_classes=1)


def test_selectivity_by_hand():
    y = np.array([0, 1, 2])
    H = np.array([[4.0], [1.0], [1.0]])
    si = class_selectivity(H, y, n_classes=3)
    assert si[0] == pytest.approx((4 - 1) / (4 + 1))


def test_sparseness_and_information():
    R = np.array([[1.0, 0, 0, 0], [1.0, 1, 1, 1]])
    ps = population_sparseness(R)
    assert ps[0] == pytest.approx(1.0) and ps[1] == pytest.approx(0.0)
    assert lifetime_sparseness(R.T)[0] == pytest.approx(1.0)
    y = np.array([0, 0, 1, 1])
    H = np.array([[1.0], [1.0], [0.0], [0.0]])
    assert unit_label_information(H, y)[0] == pytest.approx(1.0)
    assert unit_label_information(np.ones((4, 1)), y)[0] == pytest.approx(0.0)


def test_node_perturbation_matches_gradient():
    g = torch.Generator().manual_seed(0)
    z = torch.randn(100, 10, generator=g)
    h = torch.rand(100, 16, generator=g)
    y = torch.randint(0, 10, (100,), generator=g)
    exact, _ = delta_grad(z, y, h)
    est = sum(node_perturbation_grad(z, y, h, 0.1, g)[0] for _ in range(2000)) / 2000
    cos = float((est * exact).sum() / (est.norm() * exact.norm()))
    assert cos > 0.95


def test_validation():
    with pytest.raises(ValueError, match="W"):
        silent_fraction(np.ones(3))
    with pytest.raises(ValueError, match="rel_threshold"):
        dale_outgoing(np.ones((2, 2)), 1.5)
    with pytest.raises(ValueError, match="y"):
        class_selectivity(np.ones((3, 2)), np.array([0, 1]))
