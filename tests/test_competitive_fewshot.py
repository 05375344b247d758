"""Shot sampling and the few-shot protocol."""

import numpy as np
import pytest

from neuroplastic.competitive import BPConfig, few_shot_curve, paired_bootstrap_diff, sample_shots


def test_sample_shots_exact_and_deterministic():
    y = np.repeat(np.arange(10), 40)
    pool = np.arange(0, 400, 2)  # "training indices only"
    a = sample_shots(y, 5, seed=3, pool=pool)
    assert np.bincount(y[a]).tolist() == [5] * 10
    assert set(a) <= set(pool)
    np.testing.assert_array_equal(a, sample_shots(y, 5, seed=3, pool=pool))
    assert not np.array_equal(a, sample_shots(y, 5, seed=4, pool=pool))
    with pytest.raises(ValueError, match="n_per_class"):
        sample_shots(y, 0)
    with pytest.raises(ValueError, match="candidates"):
        sample_shots(y, 50)


def test_few_shot_curve_small():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(10), 20)
    X = (rng.random((200, 784)) * 0.1).astype(np.float32)
    X[np.arange(200), y * 50] = 1.0  # a class-specific pixel
    models = {"BP": ("bp", BPConfig(n_hidden=8)), "NCM": ("ncm", None)}
    df, corr = few_shot_curve(
        models, X, y, X[:50], y[:50], [1, 2], 2, variant="U", steps=20, backend="sequential"
    )
    assert len(df) == 2 * 2 * 2 and corr["NCM"].shape == (2, 2, 50)
    assert df[df.model == "NCM"].accuracy.min() > 0.5
    m, lo, hi = paired_bootstrap_diff(corr["NCM"], corr["BP"], n_boot=200)
    assert lo <= m <= hi
    with pytest.raises(ValueError, match="pretrained"):
        few_shot_curve({"RR": ("rr", None)}, X, y, X, y, [1], 1, variant="U")
    with pytest.raises(ValueError, match="variant"):
        few_shot_curve(models, X, y, X, y, [1], 1, variant="Z")
