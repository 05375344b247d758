"""neuroplastic.data: the bundled subset, strict IDX reading, registry checks, the split."""

import hashlib

import numpy as np
import pytest

from neuroplastic.data import (
    IDXError,
    load_mnist,
    read_idx,
    registry_path,
    stratified_split,
    write_idx,
)
from neuroplastic.data import mnist as mnist_mod


def _write_set(d, n_train=12, n_test=5, gz=False, seed=0):
    rng = np.random.default_rng(seed)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, n_train, dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    for stem, a in arrays.items():
        write_idx(d / (stem + (".gz" if gz else "")), a)
    return arrays


def test_subset_shapes_and_range():
    d = load_mnist()
    assert d.X.shape == (5000, 784) and d.X.dtype == np.float32
    assert d.y.dtype == np.int64 and d.y.shape == (5000,)
    assert 0.0 <= d.X.min() and d.X.max() <= 1.0
    assert np.bincount(d.y).tolist() == [500] * 10
    assert "subset" in d.source
    assert load_mnist("subset").source == d.source


def test_idx_roundtrip_raw(tmp_path):
    arrays = _write_set(tmp_path)
    d = load_mnist("idx", data_dir=tmp_path)
    assert d.X.shape == (17, 784) and d.n_train == 12
    np.testing.assert_allclose(
        d.X[:12] * 255, arrays["train-images-idx3-ubyte"].reshape(12, -1), atol=1e-3
    )
    np.testing.assert_array_equal(d.y[12:], arrays["t10k-labels-idx1-ubyte"])
    assert "IDX" in d.source
    # "auto" with a data_dir also reads IDX
    assert load_mnist(data_dir=tmp_path).n_train == 12


def test_idx_env_var(tmp_path, monkeypatch):
    (tmp_path / "mnist").mkdir()
    _write_set(tmp_path / "mnist")
    monkeypatch.setenv("NEUROPLASTIC_DATA", str(tmp_path))
    assert len(load_mnist("full")) == 17


def test_truncated_raw_file_errors(tmp_path):
    _write_set(tmp_path)
    p = tmp_path / "train-images-idx3-ubyte"
    p.write_bytes(p.read_bytes()[:-10])
    with pytest.raises(IDXError, match="truncated"):
        load_mnist("idx", data_dir=tmp_path)


def test_corrupt_gzip_errors(tmp_path):
    p = write_idx(tmp_path / "x.gz", np.zeros((3, 28, 28), np.uint8))
    p.write_bytes(p.read_bytes()[:-8])
    with pytest.raises(IDXError):
        read_idx(p)


def test_bad_magic_errors(tmp_path):
    p = tmp_path / "bad"
    p.write_bytes(b"\x01\x02\x08\x01" + b"\x00" * 8)
    with pytest.raises(IDXError, match="magic"):
        read_idx(p)


def test_registry_mismatch_errors(tmp_path):
    # tiny gz files under canonical names are not the canonical MNIST files: sha256 must fail
    _write_set(tmp_path, gz=True)
    with pytest.raises(IDXError, match="sha256"):
        load_mnist("idx", data_dir=tmp_path)


def test_registry_match_passes(tmp_path, monkeypatch):
    _write_set(tmp_path, gz=True)
    reg = tmp_path / "registry.txt"
    reg.write_text(
        "".join(
            f"{p.name} {hashlib.sha256(p.read_bytes()).hexdigest()}\n"
            for p in sorted(tmp_path.glob("*.gz"))
        )
    )
    monkeypatch.setattr(mnist_mod, "registry_path", lambda: reg)
    assert load_mnist("idx", data_dir=tmp_path).n_train == 12


def test_registry_has_canonical_names():
    text = registry_path().read_text()
    for stem in ("train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        assert stem in text


def test_missing_without_download(tmp_path):
    with pytest.raises(FileNotFoundError, match="download=True"):
        load_mnist("idx", data_dir=tmp_path)


def test_validation():
    with pytest.raises(ValueError, match="source"):
        load_mnist("cifar")
    with pytest.raises(TypeError, match="source"):
        load_mnist(3)
    with pytest.raises(TypeError, match="download"):
        load_mnist("subset", download="yes")
    with pytest.raises(ValueError, match="n_train_per_class"):
        stratified_split(np.zeros(10, int), -1)


def test_stratified_split():
    y = np.repeat(np.arange(10), 500)
    tr, te = stratified_split(y, 400, 100, seed=0)
    assert len(tr) == 4000 and len(te) == 1000 and not set(tr) & set(te)
    assert np.bincount(y[tr]).tolist() == [400] * 10 and np.bincount(y[te]).tolist() == [100] * 10
    tr2, _ = stratified_split(y, 400, 100, seed=0)
    np.testing.assert_array_equal(tr, tr2)
    tr3, _ = stratified_split(y, 400, 100, seed=1)
    assert not np.array_equal(tr, tr3)
    with pytest.raises(ValueError, match="class"):
        stratified_split(y, 450, 100)
