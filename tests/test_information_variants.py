"""Chapter 4 variant logic (issue "Trustworthy verdicts II"): capacities at matched synapse
counts and at N_min, the equal-wins width protocol, and per-phase masked heads."""

import math

import numpy as np
import pytest
import torch

from neuroplastic.competitive import BPConfig, RRConfig, RRReadoutConfig, train_bp
from neuroplastic.competitive.continual import NEW, OLD, masked_accuracy, with_readout_of
from neuroplastic.competitive.continuation import continue_training
from neuroplastic.competitive.counting import count_synapses
from neuroplastic.competitive.information import compare_synaptic_capacity
from neuroplastic.competitive.models import BPNet
from neuroplastic.competitive.pruning import PruningCurve, point_at_minimum, prune_to_count
from neuroplastic.competitive.widths import equal_wins_epochs, with_width
from neuroplastic.experiments.competitive.information import width_sweep

torch.set_num_threads(1)


# ------------------------------------------------------- C_S at matched counts and at N_min


def test_capacity_comparison_exact():
    c = compare_synaptic_capacity(4000, 3.0, 60_000, 2.0, 300_000)
    assert c.cs_a == pytest.approx(4000 * 3.0 / 60_000)
    assert c.cs_b == pytest.approx(4000 * 2.0 / 300_000)
    assert c.ratio == pytest.approx((3.0 / 2.0) * (300_000 / 60_000))
    assert c.count_ratio == pytest.approx(0.2)
    assert c.a_at_least(2.0) and not c.a_at_least(8.0)


def test_matched_counts_reduce_to_transinformation_ratio():
    # the audit's numbers: RR 2.84 bits vs BP pruned to RR's count 2.90 bits
    c = compare_synaptic_capacity(4000, 2.84, 65_000, 2.90, 65_010, match_tol=0.001)
    assert c.ratio == pytest.approx(2.84 / 2.90 * 65_010 / 65_000)
    assert not c.a_at_least(1.0)  # the sparse net is not more efficient at equal counts
    # the same T with an unpruned baseline of 5x the synapses looks 5x better
    u = compare_synaptic_capacity(4000, 2.84, 65_000, 2.90, 325_000)
    assert u.a_at_least(2.0) and u.ratio == pytest.approx(5 * 2.84 / 2.90)


def test_matched_counts_refuse_unmatched():
    with pytest.raises(ValueError, match="not matched"):
        compare_synaptic_capacity(4000, 2.8, 65_000, 2.9, 70_000, match_tol=0.01)
    compare_synaptic_capacity(4000, 2.8, 65_000, 2.9, 65_500, match_tol=0.01)  # 0.76 %: fine


@pytest.mark.parametrize(
    "kwargs, exc",
    [
        (dict(n_train=0), ValueError),
        (dict(T_a=-1.0), ValueError),
        (dict(n_b=0), ValueError),
        (dict(n_a=1.5), TypeError),
        (dict(match_tol=1.0), ValueError),
        (dict(match_tol=-0.1), ValueError),
    ],
)
def test_capacity_comparison_validation(kwargs, exc):
    args = dict(n_train=10, T_a=1.0, n_a=5, T_b=1.0, n_b=5) | kwargs
    with pytest.raises(exc):
        compare_synaptic_capacity(
            args.pop("n_train"),
            args.pop("T_a"),
            args.pop("n_a"),
            args.pop("T_b"),
            args.pop("n_b"),
            **args,
        )


def test_zero_baseline_information_gives_infinite_ratio():
    assert math.isinf(compare_synaptic_capacity(10, 1.0, 5, 0.0, 5).ratio)


@pytest.fixture(scope="module")
def bp():
    rng = np.random.default_rng(1)
    protos = (rng.random((10, 784)) < 0.15).astype(np.float32)
    y = np.repeat(np.arange(10), 30)
    X = np.clip(protos[y] * rng.uniform(0.5, 1, (300, 784)), 0, 1).astype(np.float32)
    return train_bp(X, y, BPConfig(n_hidden=16, epochs=2), seed=0), X, y


def test_prune_to_count_hits_target_from_above(bp):
    net, _, _ = bp
    c = count_synapses(net)
    for target in (c.nonzero // 3, c.nonzero // 2, c.nonzero - 7):
        m, n = prune_to_count(net, target)
        assert n == count_synapses(m).nonzero
        assert target <= n <= target + 1  # BP has no ties: exact up to rounding
    m, n = prune_to_count(net, c.nonzero + 100)  # above the count: nothing pruned
    assert n == c.nonzero and torch.equal(m.fc1.weight, net.fc1.weight)


def test_prune_to_count_refits_only_when_pruned(bp):
    net, _, _ = bp
    calls = []

    def refit(model, seed=0):
        calls.append(seed)
        return model

    prune_to_count(net, count_synapses(net).nonzero + 1, refit=refit, seed=3)
    assert calls == []
    prune_to_count(net, count_synapses(net).nonzero // 2, refit=refit, seed=3)
    assert calls == [3]
    with pytest.raises(TypeError):
        prune_to_count(net, 10, refit=5)


def test_point_at_minimum_synthetic():
    acc = np.array([0.950, 0.948, 0.9455, 0.944, 0.90])
    T = np.array([3.0, 2.99, 2.98, 2.95, 2.7])
    curve = PruningCurve(
        levels=np.linspace(0, 0.9, 5),
        n_nonzero=np.array([800, 600, 400, 200, 100]),
        acc=acc,
        T=T,
        correct=np.zeros((5, 10), bool),
        refined=np.zeros(5, bool),
        n_total=1000,
    )
    n, level, a, t = point_at_minimum(curve)
    assert (n, a, t) == (400, 0.9455, 2.98) and level == pytest.approx(0.45)
    assert point_at_minimum(curve, 0.007)[0] == 200


# ------------------------------------------------------------------- equal wins per unit


def test_equal_wins_epochs():
    assert [equal_wins_epochs(50, K, 400) for K in (25, 50, 100, 200, 400, 800)] == [
        3,
        6,
        13,
        25,
        50,
        100,
    ]
    assert equal_wins_epochs(10, 25, 100) == 3 and equal_wins_epochs(10, 100, 100) == 10
    assert equal_wins_epochs(1, 2, 1000) == 1  # never below one epoch
    for K in (200, 400, 800):  # wins per unit E N k / K is the same at every width
        assert equal_wins_epochs(50, K, 400) * 4000 / K == pytest.approx(50 * 4000 / 400)
    with pytest.raises(ValueError):
        equal_wins_epochs(0, 10, 10)


def test_with_width_protocols():
    rr = (RRConfig(n_hidden=400, epochs=50), RRReadoutConfig(epochs=100))
    lay, ro = with_width("rr", rr, 800, "equal_wins")
    assert (lay.n_hidden, lay.epochs, ro.epochs) == (800, 100, 100)  # readout unchanged
    assert with_width("rr", rr, 800)[0].epochs == 50  # fixed recipe
    assert with_width("rr", rr, 800, "equal_wins", k_ref=800)[0].epochs == 50
    assert with_width("bp", BPConfig(n_hidden=400, epochs=30), 800, "equal_wins").epochs == 30
    # the reference width is the very same config (so chapter 3's cached model is reused)
    assert with_width("rr", rr, 400, "equal_wins") == rr
    with pytest.raises(ValueError):
        with_width("rr", rr, 800, "double")
    with pytest.raises(ValueError):
        width_sweep({"RR": ("rr", rr)}, [25], [0], protocols=("fixed", "fixed"))
    with pytest.raises(ValueError):
        width_sweep({"RR": ("rr", rr)}, [25], [0], protocols=("budget",))


# ----------------------------------------------------------------- per-phase masked heads


def _hand_net():
    net = BPNet(n_in=4, n_hidden=4, n_out=10)
    with torch.no_grad():
        net.fc1.weight.copy_(torch.eye(4))
        net.fc1.bias.zero_()
        W2 = torch.zeros(10, 4)
        W2[0, 0] = W2[5, 0] = 1.0  # unit 0 votes for 0 and (more) for 5
        W2[5, 0] = 2.0
        W2[1, 1] = 1.0
        W2[6, 2] = 1.0
        net.fc2.weight.copy_(W2)
        net.fc2.bias.zero_()
    return net


def test_masked_accuracy_by_hand():
    net = _hand_net()
    X = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 0]], np.float32)
    y = np.array([0, 1, 6, 5])
    assert net.logits(torch.from_numpy(X)).argmax(1).tolist() == [
        5,
        1,
        6,
        5,
    ]  # unmasked: 0 read as 5
    assert masked_accuracy(net, X, y, OLD) == 1.0  # masked to 0-4 it is read as 0
    assert masked_accuracy(net, X, y, NEW) == 1.0
    with pytest.raises(ValueError):
        masked_accuracy(net, X, y, [])
    with pytest.raises(ValueError):
        masked_accuracy(net, X, np.array([7, 7, 7, 7]), OLD)


def test_with_readout_of_swaps_only_the_head():
    a, b = _hand_net(), _hand_net()
    with torch.no_grad():
        b.fc1.weight.mul_(2.0)
        b.fc2.weight.fill_(0.5)
    m = with_readout_of(b, a)
    assert torch.equal(m.fc1.weight, b.fc1.weight) and torch.equal(m.fc2.weight, a.fc2.weight)
    assert torch.equal(b.fc2.weight, torch.full_like(b.fc2.weight, 0.5))  # inputs untouched


def test_masked_bp_training_leaves_other_heads_untouched(bp):
    net, X, y = bp
    new = np.isin(y, NEW)
    m = continue_training(net, X[new], y[new], epochs=2, seed=0, classes=NEW)
    old = list(OLD)
    assert torch.equal(m.fc2.weight[old], net.fc2.weight[old])
    assert torch.equal(m.fc2.bias[old], net.fc2.bias[old])
    assert not torch.equal(m.fc1.weight, net.fc1.weight)  # the features do move
    u = continue_training(net, X[new], y[new], epochs=2, seed=0)  # shared head: old rows move
    assert not torch.equal(u.fc2.weight[old], net.fc2.weight[old])
    with pytest.raises(ValueError):
        continue_training(net, X, y, epochs=1, classes=NEW)  # labels outside the head
    with pytest.raises(ValueError):
        continue_training(net, X[new], y[new], epochs=1, classes=[5, 5])


def test_paired_bootstrap_transinformation_difference():
    from neuroplastic.competitive.information import (
        bootstrap_transinformation_difference,
        confusion_matrix,
        transinformation,
    )

    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(10), 100)
    a = np.where(rng.random(1000) < 0.95, y, rng.integers(0, 10, 1000))
    d, lo, hi = bootstrap_transinformation_difference(y, a, a, n_boot=50, seed=0)
    assert d == 0 and lo == 0 and hi == 0  # paired: identical predictions never differ
    b = np.where(rng.random(1000) < 0.6, y, rng.integers(0, 10, 1000))
    d, lo, hi = bootstrap_transinformation_difference(y, a, b, n_boot=200, seed=0)
    T = lambda p: transinformation(confusion_matrix(y, p))  # noqa: E731
    assert d == pytest.approx(T(a) - T(b)) and 0 < lo <= d <= hi
    with pytest.raises(ValueError):
        bootstrap_transinformation_difference(y, a, b[:10])
