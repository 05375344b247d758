"""FGSM / PGD: exactness at eps = 0, constraints, loss increase, masking checks."""

import pandas as pd
import pytest
import torch

from neuroplastic.competitive import (
    BPConfig,
    RRConfig,
    RRReadoutConfig,
    fgsm,
    masking_checks,
    pgd,
    robust_accuracy,
    train_bp,
    train_readout,
    train_rr,
)
from neuroplastic.data import load_mnist, stratified_split


@pytest.fixture(scope="module")
def data():
    d = load_mnist()
    tr, te = stratified_split(d.y, 100, 10, seed=0)
    return d.X[tr], d.y[tr], torch.from_numpy(d.X[te]), torch.from_numpy(d.y[te])


@pytest.fixture(scope="module")
def bp(data):
    X, y, _, _ = data
    return train_bp(X, y, BPConfig(n_hidden=32, epochs=3), seed=0)


@pytest.fixture(scope="module")
def rr(data):
    X, y, _, _ = data
    layer = train_rr(X, RRConfig(n_hidden=24, k_anti=4, epochs=2), seed=0)
    return train_readout(layer, X, y, RRReadoutConfig(epochs=3), seed=0)


@pytest.mark.parametrize("random_start", [True, False])
def test_pgd_eps0_returns_input(bp, data, random_start):
    _, _, x, y = data
    xa = pgd(bp, x, y, 0.0, random_start=random_start, iters=5)
    assert torch.equal(xa, x)


@pytest.mark.parametrize("eps", [0.05, 0.3])
def test_pgd_constraints(bp, rr, data, eps):
    _, _, x, y = data
    for m, kw in ((bp, {}), (rr, {"backward": "bpda"}), (rr, {"backward": "frozen"})):
        xa = pgd(m, x, y, eps, iters=5, restarts=2, **kw)
        assert float(xa.min()) >= 0 and float(xa.max()) <= 1
        assert float((xa - x).abs().max()) <= eps + 1e-6


def test_fgsm_raises_loss(bp, data):
    _, _, x, y = data
    ce = torch.nn.functional.cross_entropy
    with torch.no_grad():
        l0 = ce(bp.logits(x), y, reduction="none")
        l1 = ce(bp.logits(fgsm(bp, x, y, 0.05)), y, reduction="none")
    assert l1.mean() > l0.mean()
    assert float((l1 > l0).float().mean()) >= 0.9


def test_fgsm_linear_first_order():
    lin = torch.nn.Linear(20, 10)

    class M(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.l = lin

        @property
        def device(self):
            return torch.device("cpu")

        def logits(self, x):
            return self.l(x)

    m = M()
    x = torch.rand(1, 20) * 0.5 + 0.25
    y = torch.tensor([3])
    x.requires_grad_(True)
    loss = torch.nn.functional.cross_entropy(m.logits(x), y)
    (g,) = torch.autograd.grad(loss, x)
    eps = 1e-3
    with torch.no_grad():
        rise = torch.nn.functional.cross_entropy(m.logits(fgsm(m, x.detach(), y, eps)), y) - loss
    assert float(rise) == pytest.approx(eps * float(g.abs().sum()), rel=0.05)


def test_pgd_beats_or_matches_fgsm(bp, data):
    _, _, x, y = data
    tf = robust_accuracy(bp, x, y, "fgsm", [0.1])
    tp = robust_accuracy(bp, x, y, "pgd", [0.1], iters=20)
    assert tp.accuracy.iloc[0] <= tf.accuracy.iloc[0] + 1e-9


def test_frozen_mode_does_not_change_forward(rr, data):
    _, _, x, y = data
    with torch.no_grad():
        z0 = rr.logits(x)
    xa = pgd(rr, x, y, 0.1, iters=3, backward="frozen")
    assert rr.threshold_mode == "exact"
    with torch.no_grad():
        torch.testing.assert_close(rr.logits(x), z0)
    assert xa.shape == x.shape


def test_masking_checks_flag_a_flat_curve():
    eps = [0.0, 0.1, 0.3, 0.5]
    good = {
        "fgsm": pd.DataFrame({"eps": eps, "accuracy": [0.9, 0.3, 0.05, 0.0]}),
        "pgd": pd.DataFrame({"eps": eps, "accuracy": [0.9, 0.2, 0.0, 0.0]}),
    }
    assert all(ok in (True, None) for ok, _ in masking_checks(good).values())
    bad = {
        "fgsm": pd.DataFrame({"eps": eps, "accuracy": [0.9, 0.3, 0.25, 0.26]}),
        "pgd": pd.DataFrame({"eps": eps, "accuracy": [0.9, 0.5, 0.4, 0.42]}),
        "transfer": pd.DataFrame({"eps": eps, "accuracy": [0.9, 0.1, 0.05, 0.0]}),
    }
    res = masking_checks(bad)
    assert [res[k][0] for k in sorted(res)][:4] == [False, False, False, False]


def test_validation(bp, data):
    _, _, x, y = data
    with pytest.raises(ValueError, match="eps"):
        pgd(bp, x, y, -0.1)
    with pytest.raises(ValueError, match="loss"):
        fgsm(bp, x, y, 0.1, loss="hinge")
    with pytest.raises(ValueError, match="backward"):
        pgd(bp, x, y, 0.1, backward="bpda")
    with pytest.raises(ValueError, match="x"):
        fgsm(bp, x + 2, y, 0.1)
    with pytest.raises(ValueError, match="tables"):
        masking_checks({"pgd": None})


def test_masking_checks_without_common_eps_is_not_assessable():
    import pandas as pd

    from neuroplastic.competitive.attacks import masking_checks

    pgd_t = pd.DataFrame({"eps": [0.1, 0.5], "accuracy": [0.3, 0.0]})
    fgsm_t = pd.DataFrame({"eps": [0.2], "accuracy": [0.4]})
    tr = pd.DataFrame({"eps": [0.3], "accuracy": [0.5]})
    out = masking_checks({"pgd": pgd_t, "fgsm": fgsm_t, "transfer": tr})
    assert out["2 PGD <= FGSM + 1pp"][0] is None and "share no eps" in out["2 PGD <= FGSM + 1pp"][1]
    assert out["4 transfer >= white-box - 2pp"][0] is None
    assert out["1 PGD at eps=0.5 <= 5%"][0] is True
