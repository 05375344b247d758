"""Chapter 4 counting, pruning, continuation and continual bookkeeping on small models
(spec ch04 §7.3-7.6, 7.9)."""

import numpy as np
import pytest
import torch

from neuroplastic.competitive import (
    BPConfig,
    KHConfig,
    KHReadoutConfig,
    RRConfig,
    RRReadoutConfig,
    train_bp,
    train_kh,
    train_readout,
    train_rr,
)
from neuroplastic.competitive.continual import (
    class_split,
    forgetting,
    linear_probe,
    preferred_classes,
    synapse_turnover,
    units_moved,
)
from neuroplastic.competitive.continuation import continue_training, refit_readout
from neuroplastic.competitive.counting import count_synapses, storage_bits, synaptic_ops
from neuroplastic.competitive.models import BPNet
from neuroplastic.competitive.pruning import (
    PruningCurve,
    bootstrap_minimal_synapses,
    fraction_for_count,
    minimal_synapses,
    overparameterization_factor,
    prune_magnitude,
    pruning_curve,
    readout_refitter,
)

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    # small synthetic "digits": 10 class prototypes in [0, 1]^784 with sparse noise
    protos = (rng.random((10, 784)) < 0.15).astype(np.float32)
    y = np.repeat(np.arange(10), 60)
    X = np.clip(
        protos[y] * rng.uniform(0.5, 1.0, (600, 784)) + (rng.random((600, 784)) < 0.03), 0, 1
    )
    perm = rng.permutation(600)
    X, y = X[perm].astype(np.float32), y[perm]
    return X[:400], y[:400], X[400:], y[400:]


@pytest.fixture(scope="module")
def models(data):
    X, y, _, _ = data
    bp = train_bp(X, y, BPConfig(n_hidden=20, epochs=3), seed=0)
    rr_layer = train_rr(X, RRConfig(n_hidden=20, epochs=4), seed=0)
    rr = train_readout(rr_layer, X, y, RRReadoutConfig(epochs=5), seed=0)
    rr.layer = rr_layer
    kh_layer = train_kh(X, KHConfig(n_hidden=20, epochs=3, nonneg=True), seed=0)
    kh = train_readout(kh_layer, X, y, KHReadoutConfig(epochs=3, beta=0.1), seed=0)
    kh.layer = kh_layer
    return {"bp": bp, "rr": rr, "kh": kh}


def _weights(m):
    return [t.detach().clone() for t in m.state_dict().values()]


# ---------------------------------------------------------------- counting (§7.6)


@pytest.fixture
def hand_model():
    net = BPNet(n_in=4, n_hidden=3, n_out=2)
    with torch.no_grad():
        net.fc1.weight.copy_(torch.tensor([[1.0, 0, 0, 2], [0, 0, 0, 0], [0, 3, 0, 0]]))
        net.fc1.bias.zero_()
        net.fc2.weight.copy_(torch.tensor([[1.0, 0, 0], [0, 0, -1]]))
        net.fc2.bias.zero_()
    return net


def test_count_synapses_by_hand(hand_model):
    c = count_synapses(hand_model)
    assert (c.total, c.nonzero) == (12 + 6, 3 + 2)
    assert c.per_layer == {"input": (12, 3), "readout": (6, 2)}
    d = count_synapses(hand_model, threshold=0.5)  # |w| > 0.5 max_layer|w|: {2, 3} and {1, -1}
    assert d.nonzero == 4


def test_synaptic_ops_by_hand(hand_model):
    X = np.array([[1, 1, 0, 0], [0, 0, 1, 0]], np.float32)
    # image 1: pixels 0, 1 each have one outgoing synapse; hidden units 0 and 2 active, one each
    # image 2: pixel 2 has none; no hidden unit active -> mean (4 + 0) / 2
    assert synaptic_ops(hand_model, X) == pytest.approx(2.0)


def test_storage_bits_by_hand(hand_model):
    # layer 1: min(4*3*32, 3*(32+2)) = 102; layer 2: min(3*2*32, 2*(32+2)) = 68
    assert storage_bits(hand_model) == 170
    assert storage_bits(hand_model, value_bits=1) == min(12, 3 * 3) + min(6, 2 * 3)


# ---------------------------------------------------------------- pruning (§7.3-7.5)


@pytest.mark.parametrize("kind", ["bp", "rr", "kh"])
def test_pruning_at_zero_changes_nothing(models, data, kind):
    m = models[kind]
    p = prune_magnitude(m, 0.0)
    for a, b in zip(_weights(m), _weights(p)):
        assert torch.equal(a, b)
    X = data[2]
    np.testing.assert_array_equal(m.predict(X), p.predict(X))
    assert count_synapses(p).nonzero == count_synapses(m).nonzero
    p2 = prune_magnitude(m, 0.0, layers="both")
    assert count_synapses(p2).nonzero == count_synapses(m).nonzero


@pytest.mark.parametrize("kind", ["bp", "rr", "kh"])
def test_pruning_everything(models, data, kind):
    m = models[kind]
    X, y = data[2], data[3]
    p = prune_magnitude(m, 1.0)
    assert count_synapses(p).per_layer["input"][1] == 0
    with torch.no_grad():
        z = p.logits(torch.from_numpy(X))
    assert torch.isfinite(z).all()
    pred = p.predict(X)
    assert len(np.unique(pred)) == 1
    curve = pruning_curve(m, X, y, [0.0, 1.0])
    assert curve.T[-1] == pytest.approx(0.0, abs=1e-12)


def test_prune_fraction_counts_and_original_untouched(models):
    m = models["bp"]
    before = _weights(m)
    n_in = count_synapses(m).per_layer["input"][1]
    p = prune_magnitude(m, 0.5)
    assert count_synapses(p).per_layer["input"][1] == n_in - round(0.5 * n_in)
    # the survivors are the largest
    W, Wp = m.fc1.weight.detach().abs(), p.fc1.weight.detach().abs()
    assert W[Wp == 0].max() <= W[Wp != 0].min()
    for a, b in zip(before, _weights(m)):
        assert torch.equal(a, b)


@pytest.mark.parametrize("kind", ["bp", "rr"])
def test_pruning_curve_properties(models, data, kind):
    m = models[kind]
    before = _weights(m)
    levels = [0, 0.5, 0.8, 0.9, 0.99]
    curve = pruning_curve(m, data[2], data[3], levels)
    assert np.all(np.diff(curve.n_nonzero) <= 0)
    assert curve.n_nonzero[0] == count_synapses(m).nonzero  # only non-zeros are ranked
    assert curve.correct.shape == (5, len(data[3]))
    assert curve.acc[0] == pytest.approx(m.accuracy(data[2], data[3]))
    for a, b in zip(before, _weights(m)):
        assert torch.equal(a, b)


def test_rr_curve_ranks_only_nonzeros(models, data):
    from neuroplastic.competitive.continuation import clone_model

    m = clone_model(models["rr"])
    with torch.no_grad():  # silence 40 % of the synapses, as structural plasticity would
        m.W[torch.rand(m.W.shape, generator=torch.Generator().manual_seed(0)) < 0.4] = 0.0
    n_in = count_synapses(m).per_layer["input"][1]
    assert n_in < 0.7 * m.W.numel()
    p = prune_magnitude(m, 0.5)
    assert count_synapses(p).per_layer["input"][1] == n_in - round(0.5 * n_in)
    curve = pruning_curve(m, data[2], data[3], [0, 0.5])
    assert curve.n_nonzero[0] == count_synapses(m).nonzero


def test_refit_and_refinement(models, data):
    X, y, Xte, yte = data
    m = models["rr"]
    before = _weights(m)
    refit = readout_refitter(X, y, epochs=2)
    curve = pruning_curve(m, Xte, yte, [0, 0.5, 0.9, 0.99], refit=refit, refine_steps=3)
    assert curve.refit and curve.refined.sum() in (0, 3)
    assert np.all(np.diff(curve.levels) > 0)
    for a, b in zip(before, _weights(m)):
        assert torch.equal(a, b)
    bp = models["bp"]
    r = refit_readout(bp, X, y, epochs=1, seed=0)
    assert torch.equal(r.fc1.weight, bp.fc1.weight) and not torch.equal(r.fc2.weight, bp.fc2.weight)


def _synthetic_curve(acc, nnz, n_total=1000):
    levels = np.linspace(0, 0.9, len(acc))
    correct = np.zeros((len(acc), 1000), bool)
    for i, a in enumerate(acc):
        correct[i, : int(round(a * 1000))] = True
    return PruningCurve(
        levels=levels,
        n_nonzero=np.array(nnz),
        acc=np.array(acc),
        T=np.zeros(len(acc)),
        correct=correct,
        refined=np.zeros(len(acc), bool),
        n_total=n_total,
    )


def test_minimal_synapses_synthetic():
    curve = _synthetic_curve([0.950, 0.948, 0.9455, 0.944, 0.90], [800, 600, 400, 200, 100])
    assert minimal_synapses(curve, 0.005, "absolute") == (400, pytest.approx(0.45))
    # relative: acc >= 0.995 * 0.95 = 0.94525 -> 0.9455 passes, 0.944 fails
    assert minimal_synapses(curve, 0.005, "relative")[0] == 400
    assert minimal_synapses(curve, 0.007, "absolute")[0] == 200
    assert overparameterization_factor(1000, 400) == pytest.approx(2.5)
    n, lo, hi = bootstrap_minimal_synapses(curve, 0.005, n_boot=50, seed=0)
    assert n == 400 and lo <= hi


def test_minimal_synapses_with_refine_callable():
    curve = _synthetic_curve([0.95, 0.95, 0.80], [1000, 500, 100])

    # true accuracy: passes for level <= 0.6; nnz = 1000 (1 - level)
    def refine(level):
        a = 0.95 if level <= 0.6 else 0.8
        return int(1000 * (1 - level)), np.r_[
            np.ones(int(a * 1000)), np.zeros(1000 - int(a * 1000))
        ]

    n, level = minimal_synapses(curve, refine=refine)
    assert 0.59 <= level <= 0.6 and n == int(1000 * (1 - level))


def test_fraction_for_count(models):
    m = models["bp"]
    c = count_synapses(m)
    target = c.nonzero // 2
    q = fraction_for_count(m, target)
    assert abs(count_synapses(prune_magnitude(m, q)).nonzero - target) <= 1


@pytest.mark.parametrize(
    "call, exc",
    [
        (lambda m: prune_magnitude(m, 1.5), ValueError),
        (lambda m: prune_magnitude(m, "0.5"), TypeError),
        (lambda m: prune_magnitude(m, 0.5, layers="readout"), ValueError),
        (lambda m: prune_magnitude(object(), 0.5), TypeError),
        (
            lambda m: pruning_curve(
                m, np.zeros((2, 784), np.float32), np.array([0, 1]), [0.5, 0.9]
            ),
            ValueError,
        ),
        (
            lambda m: pruning_curve(
                m, np.zeros((2, 784), np.float32), np.array([0, 1]), [0, 0.5], refit=3
            ),
            TypeError,
        ),
        (lambda m: overparameterization_factor(10, 0), ValueError),
        (lambda m: overparameterization_factor(10, 20), ValueError),
        (lambda m: minimal_synapses(_synthetic_curve([0.9, 0.8], [2, 1]), mode="pp"), ValueError),
        (lambda m: minimal_synapses([0.9, 0.8]), TypeError),
        (lambda m: count_synapses(m, threshold=1.5), ValueError),
        (lambda m: storage_bits(m, value_bits=0), ValueError),
    ],
)
def test_validation(models, call, exc):
    with pytest.raises(exc):
        call(models["bp"])


# ---------------------------------------------------------------- continual (§7.9)


def test_class_split_disjoint_cover():
    y = np.random.default_rng(0).integers(0, 10, 500)
    a, b = class_split(y)
    assert set(a) & set(b) == set() and len(a) + len(b) == 500
    assert set(y[a]) <= set(range(5)) and set(y[b]) <= set(range(5, 10))
    with pytest.raises(ValueError):
        class_split(y, old=(0, 1, 2), new=(2, 3, 4, 5, 6, 7, 8, 9))
    with pytest.raises(ValueError):
        class_split(y, old=(0, 1), new=(5, 6))


def test_forgetting_and_turnover_arithmetic():
    assert forgetting(0.97, 0.0) == pytest.approx(0.97)
    assert forgetting(0.9, 0.95) == pytest.approx(-0.05)
    with pytest.raises(ValueError):
        forgetting(1.2, 0.5)
    A = np.array([[0, 1, 2], [0, 0, 3]])
    B = np.array([[1, 0, 2], [0, 4, 0]])
    assert synapse_turnover(A, B) == (2, 2)
    H = np.array([[1, 0, 0], [0, 2, 0], [3, 0, 0], [0, 0, 0]], float)
    pref = preferred_classes(H, np.array([0, 6, 0, 6]))
    assert list(pref) == [0, 6, -1]
    assert units_moved(np.array([0, 6, 1]), np.array([7, 6, 1])) == 1


@pytest.mark.parametrize("kind", ["bp", "rr", "kh"])
def test_continue_training_zero_epochs_unchanged(models, data, kind):
    m = models[kind]
    X, y = data[0], data[1]
    out = continue_training(m, X, y, epochs=0, seed=0, readout_epochs=0)
    for a, b in zip(_weights(m), _weights(out)):
        assert torch.equal(a, b)


def test_continue_training_moves_rr_and_keeps_invariants(models, data):
    m = models["rr"]
    before = _weights(m)
    X, y = data[0], data[1]
    out = continue_training(m, X[y >= 5], y[y >= 5], epochs=2, seed=0, readout_epochs=1)
    assert not torch.equal(out.W, m.W)
    assert (out.W >= 0).all() and torch.allclose(
        out.W.sum(1), torch.ones(out.W.shape[0]), atol=1e-5
    )
    for a, b in zip(before, _weights(m)):
        assert torch.equal(a, b)
    with pytest.raises(ValueError):
        continue_training(models["bp"], X, None, epochs=1)


def test_linear_probe_separable():
    rng = np.random.default_rng(0)
    y = rng.permutation(np.repeat(np.arange(10), 40))
    H = np.eye(10)[y] * 3 + rng.normal(0, 0.3, (400, 10))
    acc = linear_probe(H[:300], y[:300], H[300:], y[300:], seed=0)
    assert np.nanmean(acc) > 0.95


def test_width_and_continual_validation():
    from neuroplastic.competitive.widths import with_width
    from neuroplastic.experiments.competitive.information import run_continual, width_sweep

    c = with_width("bp", BPConfig(n_hidden=400), 25)
    assert c.n_hidden == 25 and c.epochs == BPConfig().epochs  # only the width changes
    lay, ro = with_width("rr", (RRConfig(), RRReadoutConfig()), 50)
    assert lay.n_hidden == 50 and lay.eta0 == RRConfig().eta0 and ro == RRReadoutConfig()
    with pytest.raises(ValueError):
        with_width("svm", BPConfig(), 10)
    with pytest.raises(TypeError):
        with_width("bp", RRConfig(), 10)
    with pytest.raises(ValueError):
        with_width("bp", BPConfig(), 1)
    with pytest.raises(ValueError):
        width_sweep({}, [25], [0])
    with pytest.raises(ValueError):
        run_continual("svm", BPConfig(), (None,) * 4, 0, refresh=True)
    with pytest.raises(TypeError):
        run_continual("bp", BPConfig(), "data", 0, refresh=True)
