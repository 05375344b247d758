"""Chapter 4: the VAE rate estimate (spec ch04 §7.8) and cache reuse of chapter 3's models
(§7.10)."""

import os

import numpy as np
import pytest
import torch

from neuroplastic.competitive import model_configs
from neuroplastic.competitive.vae import gaussian_rate_distortion, standardize_codes, vae_rate
from neuroplastic.experiments.competitive import trained

torch.set_num_threads(1)

SPECTRUM = np.array([16, 8, 4, 2, 1, 1, 1, 1.0])


def _gaussian(n, lam, seed):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(np.random.default_rng(99).normal(size=(len(lam), len(lam))))
    return ((rng.normal(size=(n, len(lam))) * np.sqrt(lam)) @ Q.T).astype(np.float32)


def test_reverse_water_filling_reference():
    assert gaussian_rate_distortion(SPECTRUM, 1.0) == pytest.approx(5.0)
    assert gaussian_rate_distortion(SPECTRUM, 0.25) == pytest.approx(13.0)


@pytest.mark.parametrize("tau, expected", [(1.0, 5.0), (0.25, 13.0)])
def test_vae_rate_matches_gaussian_rate_distortion(tau, expected):
    A, B = _gaussian(3000, SPECTRUM, 1), _gaussian(1000, SPECTRUM, 2)
    r = vae_rate(A, B, tau=tau, epochs=50, seed=0)
    assert abs(r.rate_bits - expected) <= 0.1 * expected, r
    assert r.n_dims == 8


def test_vae_rate_isotropic_unit_variance_is_small():
    A, B = _gaussian(3000, np.ones(8), 3), _gaussian(1000, np.ones(8), 4)
    assert vae_rate(A, B, tau=1.0, epochs=50, seed=0).rate_bits < 0.3


def test_standardize_codes_drops_constant_units():
    rng = np.random.default_rng(0)
    H = np.c_[rng.normal(2, 3, (100, 2)), np.zeros(100), np.full(100, 5.0)]
    A, B, kept = standardize_codes(H, H[:10])
    assert list(kept) == [0, 1] and A.shape == (100, 2) and B.shape == (10, 2)
    np.testing.assert_allclose(A.mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(A.std(0), 1, atol=1e-4)
    with pytest.raises(ValueError):
        standardize_codes(np.zeros((10, 3)), np.zeros((2, 3)))


@pytest.mark.parametrize(
    "kwargs, exc",
    [
        ({"tau": 0.0}, ValueError),
        ({"latent": 0}, ValueError),
        ({"epochs": 1.5}, TypeError),
        ({"H_test": np.zeros((5, 3))}, ValueError),
        ({"H_train": [[1.0, 2.0]]}, TypeError),
    ],
)
def test_vae_validation(kwargs, exc):
    args = {
        "H_train": np.random.default_rng(0).normal(size=(20, 4)),
        "H_test": np.random.default_rng(1).normal(size=(5, 4)),
        "epochs": 1,
    }
    args.update(kwargs)
    with pytest.raises(exc):
        vae_rate(**args)


# ---------------------------------------------------------------- cache reuse (§7.10)


def test_cache_reuse_with_ch03_configs_avoids_training(tmp_path, monkeypatch):
    """ch04 asks for ch03's (kind, cfg, data_id, seed): the second call must be a cache hit
    that never calls the trainer and leaves the cached file untouched."""
    monkeypatch.setenv("NEUROPLASTIC_CACHE", str(tmp_path))
    rng = np.random.default_rng(0)
    X = rng.random((200, 784)).astype(np.float32)
    y = np.repeat(np.arange(10), 20)
    cfgs = model_configs(
        n_hidden=10, kh_epochs=1, rr_epochs=1, bp_epochs=1, kh_readout_epochs=1, rr_readout_epochs=1
    )
    calls = []
    real_train = trained._train

    def counting_train(*a, **k):
        calls.append(a[0])
        return real_train(*a, **k)

    monkeypatch.setattr(trained, "_train", counting_train)
    first = {}
    for name in ("BP", "RR"):  # "chapter 3" trains
        kind, cfg = cfgs[name]
        first[name], status = trained.trained_model(
            kind, cfg, "test-data", 0, data=(X, y), return_status=True
        )
        assert status == "miss"
    assert calls == ["bp", "rr"]
    files = sorted(tmp_path.rglob("*.pt"))
    assert len(files) == 2
    mtimes = {f: os.stat(f).st_mtime_ns for f in files}

    def refuse(*a, **k):
        raise AssertionError("the trainer was called although the model is cached")

    monkeypatch.setattr(trained, "_train", refuse)
    cfgs_again = model_configs(
        n_hidden=10, kh_epochs=1, rr_epochs=1, bp_epochs=1, kh_readout_epochs=1, rr_readout_epochs=1
    )  # "chapter 4" rebuilds identical configs
    for name in ("BP", "RR"):
        kind, cfg = cfgs_again[name]
        model, status = trained.trained_model(
            kind, cfg, "test-data", 0, data=(X, y), return_status=True
        )
        assert status == "hit"
        assert model.train_seconds == first[name].train_seconds
        for a, b in zip(model.state_dict().values(), first[name].state_dict().values()):
            assert torch.equal(a, b)
    assert {f: os.stat(f).st_mtime_ns for f in files} == mtimes
    # a changed width, seed or training set is a different model: the trainer would be needed
    kind, cfg = model_configs(n_hidden=11, bp_epochs=1)["BP"]
    for args, data in [
        ((kind, cfg, "test-data", 0), (X, y)),
        ((*cfgs["BP"], "test-data", 1), (X, y)),
        ((*cfgs["BP"], "test-data", 0), (X[::-1].copy(), y)),
    ]:
        with pytest.raises(AssertionError, match="trainer was called"):
            trained.trained_model(*args, data=data)
