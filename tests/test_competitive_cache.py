"""Model cache: hit without training, new hash on any change, corrupt file raises."""

import dataclasses

import numpy as np
import pytest
import torch

from neuroplastic.competitive import (
    BPConfig,
    CacheError,
    KHConfig,
    KHReadoutConfig,
    get_or_train,
    param_hash,
)
from neuroplastic.competitive import cache as cache_mod


@pytest.fixture
def tiny(monkeypatch, tmp_path):
    monkeypatch.setenv("NEUROPLASTIC_CACHE", str(tmp_path))
    rng = np.random.default_rng(0)
    return rng.random((60, 784)).astype(np.float32), np.repeat(np.arange(10), 6)


def test_hit_without_training(tiny, monkeypatch):
    cfg = BPConfig(n_hidden=4, epochs=1)
    m1, s1 = get_or_train("bp", cfg, "tiny", 0, data=tiny, return_status=True)
    assert s1 == "miss"
    calls = []
    monkeypatch.setattr(cache_mod, "_train", lambda *a, **k: calls.append(a))
    m2, s2 = get_or_train("bp", cfg, "tiny", 0, data=tiny, return_status=True)
    assert s2 == "hit" and calls == []
    assert torch.equal(m1.fc1.weight, m2.fc1.weight)


def test_hash_changes_with_every_field():
    cfg = (KHConfig(n_hidden=10, k=3), KHReadoutConfig())
    base = param_hash("kh", cfg, "d", 0)
    assert base == param_hash("kh", cfg, "d", 0)
    for f in dataclasses.fields(KHConfig):
        v = getattr(cfg[0], f.name)
        new = (not v) if isinstance(v, bool) else v + 1
        assert (
            param_hash("kh", (dataclasses.replace(cfg[0], **{f.name: new}), cfg[1]), "d", 0) != base
        )
    assert param_hash("kh", cfg, "d", 0, rule_version=999) != base
    assert param_hash("kh", cfg, "d", 1) != base
    assert param_hash("kh", cfg, "e", 0) != base
    assert param_hash("kh", cfg, "d", 0, device_type="cuda") != base


def test_truncated_file_raises(tiny):
    cfg = BPConfig(n_hidden=4, epochs=1)
    get_or_train("bp", cfg, "tiny", 0, data=tiny)
    (pt,) = list(cache_mod.cache_dir().glob("bp-*.pt"))
    pt.write_bytes(pt.read_bytes()[:100])
    with pytest.raises(CacheError, match="refresh=True"):
        get_or_train("bp", cfg, "tiny", 0, data=tiny)
    m = get_or_train("bp", cfg, "tiny", 0, data=tiny, refresh=True)
    assert m is not None


def test_validation(tiny):
    with pytest.raises(ValueError, match="kind"):
        get_or_train("svm", BPConfig(), "tiny", 0, data=tiny)
    with pytest.raises(TypeError, match="cfg"):
        get_or_train("kh", BPConfig(), "tiny", 0, data=tiny)
    with pytest.raises(ValueError, match="data_id"):
        cache_mod.resolve_data("cifar")
