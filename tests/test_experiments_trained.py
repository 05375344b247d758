"""Trained-model store (experiments.competitive.trained): hit without training, a new key on
any change of a training input or of the training code, a damaged file raises."""

import dataclasses

import numpy as np
import pytest
import torch

from neuroplastic.cache import CacheError, module_closure
from neuroplastic.competitive import BPConfig, KHConfig, KHReadoutConfig, model_configs
from neuroplastic.experiments.competitive import trained


@pytest.fixture
def tiny(monkeypatch, tmp_path):
    monkeypatch.setenv("NEUROPLASTIC_CACHE", str(tmp_path))
    rng = np.random.default_rng(0)
    return rng.random((60, 784)).astype(np.float32), np.repeat(np.arange(10), 6)


def test_hit_without_training(tiny, monkeypatch):
    cfg = BPConfig(n_hidden=4, epochs=1)
    m1, s1 = trained.trained_model("bp", cfg, "tiny", 0, data=tiny, return_status=True)
    assert s1 == "miss"
    calls = []
    monkeypatch.setattr(trained, "_train", lambda *a, **k: calls.append(a))
    m2, s2 = trained.trained_model("bp", cfg, "tiny", 0, data=tiny, return_status=True)
    assert s2 == "hit" and calls == []
    assert torch.equal(m1.fc1.weight, m2.fc1.weight)


def test_no_cache_environment_reports_a_miss(tiny, monkeypatch):
    cfg = BPConfig(n_hidden=4, epochs=1)
    trained.trained_model("bp", cfg, "tiny", 0, data=tiny)
    monkeypatch.setenv("NEUROPLASTIC_NO_CACHE", "1")
    _, status = trained.trained_model("bp", cfg, "tiny", 0, data=tiny, return_status=True)
    assert status == "miss"


def test_key_changes_with_every_training_input():
    key = trained._stored_model.cache_key
    cfg = (KHConfig(n_hidden=10, k=3), KHReadoutConfig())
    base = key("kh", cfg, "d", 0, "cpu", None)
    assert base == key("kh", cfg, "d", 0, "cpu", None)
    for f in dataclasses.fields(KHConfig):
        v = getattr(cfg[0], f.name)
        new = (not v) if isinstance(v, bool) else v + 1
        changed = (dataclasses.replace(cfg[0], **{f.name: new}), cfg[1])
        assert key("kh", changed, "d", 0, "cpu", None) != base, f.name
    assert key("kh", cfg, "d", 1, "cpu", None) != base
    assert key("kh", cfg, "e", 0, "cpu", None) != base
    assert key("kh", cfg, "d", 0, "cuda", None) != base
    X, y = np.zeros((2, 784), np.float32), np.zeros(2, np.int64)
    assert key("kh", cfg, "d", 0, "cpu", (X, y)) != key("kh", cfg, "d", 0, "cpu", (X + 1, y))


def test_training_code_is_part_of_the_key():
    """An edit of any training kernel changes the source fingerprint in the key (no version
    number kept by hand)."""
    closure = module_closure(trained.__name__)
    for kernel in ("kh", "rr", "models", "configs"):
        assert f"neuroplastic.competitive.{kernel}" in closure


def test_truncated_file_raises(tiny):
    cfg = BPConfig(n_hidden=4, epochs=1)
    trained.trained_model("bp", cfg, "tiny", 0, data=tiny)
    path = trained._stored_model.cache_path("bp", cfg, "tiny", 0, "cpu", tiny)
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(CacheError, match="refresh=True"):
        trained.trained_model("bp", cfg, "tiny", 0, data=tiny)
    m = trained.trained_model("bp", cfg, "tiny", 0, data=tiny, refresh=True)
    assert m.fc1.weight.shape == (4, 784)


def test_validation(tiny):
    cfgs = model_configs(n_hidden=10, bp_epochs=1)
    with pytest.raises(ValueError, match="kind"):
        trained.trained_model("svm", BPConfig(), "tiny", 0, data=tiny)
    with pytest.raises(TypeError, match="cfg for kind 'kh'"):
        trained.trained_model("kh", BPConfig(), "tiny", 0, data=tiny)
    with pytest.raises(ValueError, match="seed"):
        trained.trained_model(*cfgs["BP"], seed=-1)
    with pytest.raises(TypeError, match="data"):
        trained.trained_model(*cfgs["BP"], data=tiny[0])
    with pytest.raises(ValueError, match="data_id"):
        trained.resolve_data("cifar")
