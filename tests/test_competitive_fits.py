"""Truncated MLE fits recover known distributions; AIC picks the right family."""

import numpy as np
import pytest

from neuroplastic.competitive import (
    compare_fits,
    fit_distribution,
    normalize_weights,
    sample_kww,
    trunc_cdf,
    trunc_pdf,
)
from neuroplastic.competitive.fits import best_fit, log_density_hump


def _lognormal(n, mu, sigma, x_min, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    while sum(len(o) for o in out) < n:
        x = rng.lognormal(mu, sigma, 2 * n)
        out.append(x[(x >= x_min) & (x <= 1)])
    return np.concatenate(out)[:n]


def test_lognormal_recovered():
    x = _lognormal(200_000, -3.0, 0.8, 0.005)
    r = fit_distribution(x, "lognormal", 0.005)
    assert abs(r.params["mu"] + 3.0) < 0.02 and abs(r.params["sigma"] - 0.8) < 0.02
    df = compare_fits(x, 0.005)
    assert df.family.iloc[0] == "lognormal" and df.ks_d.iloc[0] < 0.01


def test_stretched_recovered():
    x = sample_kww(200_000, 0.05, 0.5, 0.005, seed=1)
    r = fit_distribution(x, "stretched", 0.005)
    assert abs(r.params["beta"] - 0.5) < 0.03
    assert compare_fits(x, 0.005).family.iloc[0] == "stretched"


@pytest.mark.parametrize(
    "family,params",
    [
        ("lognormal", {"mu": -2.0, "sigma": 1.0}),
        ("stretched", {"lam": 0.05, "beta": 0.4}),
        ("compressed", {"lam": 0.3, "beta": 2.0}),
        ("weibull", {"lam": 0.2, "beta": 0.7}),
        ("stretched", {"lam": 2e-7, "beta": 0.05}),
    ],
)
def test_pdf_normalised_and_cdf_consistent(family, params):
    g = np.logspace(np.log10(0.005), 0, 20001)
    p = trunc_pdf(family, params, g, 0.005)
    assert np.trapezoid(p, g) == pytest.approx(1.0, rel=2e-3)
    c = trunc_cdf(family, params, g, 0.005)
    assert c[0] == pytest.approx(0, abs=1e-9) and c[-1] == pytest.approx(1, abs=1e-6)
    assert np.all(np.diff(c) >= -1e-12)


def test_normalize_weights():
    W = np.array([[0.0, 1.0, 2.0], [0.001, 4.0, 0.5]])
    v = normalize_weights(W, "layer", 0.005)
    np.testing.assert_allclose(np.sort(v), [0.125, 0.25, 0.5, 1.0])
    v = normalize_weights(W, "unit", 0.005, exclude_rows=[1])
    np.testing.assert_allclose(np.sort(v), [0.5, 1.0])


def test_validation():
    with pytest.raises(ValueError, match="family"):
        fit_distribution(np.ones(100) * 0.5, "gamma")
    with pytest.raises(ValueError, match="x_min"):
        fit_distribution(np.ones(100) * 0.5, "lognormal", x_min=0)
    with pytest.raises(ValueError, match="at least 10"):
        fit_distribution(np.ones(5) * 0.5, "lognormal")
    with pytest.raises(ValueError, match="mode"):
        normalize_weights(np.ones((2, 2)), "row")


def _powerlaw(n, alpha, x_min, seed=0):
    """Inverse-CDF samples of x^-alpha on [x_min, 1]."""
    u = np.random.default_rng(seed).uniform(size=n)
    a = 1.0 - alpha
    return (x_min**a + u * (1.0 - x_min**a)) ** (1.0 / a)


def test_powerlaw_recovered_and_normalised():
    x = _powerlaw(100_000, 1.4, 0.005)
    r = fit_distribution(x, "powerlaw", 0.005)
    assert abs(r.params["alpha"] - 1.4) < 0.02 and not r.degenerate
    g = np.logspace(np.log10(0.005), 0, 20001)
    for alpha in (1.4, 1.0, -0.5):
        assert np.trapezoid(trunc_pdf("powerlaw", {"alpha": alpha}, g, 0.005), g) == pytest.approx(
            1.0, rel=2e-3
        )
        c = trunc_cdf("powerlaw", {"alpha": alpha}, g, 0.005)
        assert c[0] == pytest.approx(0, abs=1e-9) and c[-1] == pytest.approx(1, abs=1e-9)


def test_degenerate_lognormal_rejected_for_a_power_law():
    """A power law drives the lognormal's mu to its bound: that fit is flagged and left out of
    the AIC contest, the power law wins, and the shape test finds no interior mode."""
    x = _powerlaw(100_000, 1.4, 0.005, seed=3)
    ln = fit_distribution(x, "lognormal", 0.005)
    assert "mu" in ln.at_bound and ln.degenerate
    df = compare_fits(x, 0.005)
    assert df.family.iloc[0] == "powerlaw" and df.d_aic.iloc[0] == 0
    row = df.set_index("family").loc["lognormal"]
    assert row.degenerate and np.isnan(row.d_aic)
    assert best_fit(df).family == "powerlaw"
    assert not log_density_hump(x, 0.005)["interior"]


def test_compressed_at_beta_one_is_degenerate():
    """Stretched-like data push the compressed fit onto beta = 1 (a plain exponential)."""
    x = sample_kww(100_000, 0.05, 0.5, 0.005, seed=2)
    co = fit_distribution(x, "compressed", 0.005)
    assert co.at_bound == ("beta",) and co.params["beta"] == pytest.approx(1.0)
    df = compare_fits(x, 0.005).set_index("family")
    assert df.loc["compressed"].degenerate and not df.loc["stretched"].degenerate
    # a plain exponential sits on the shared edge beta = 1 of both halves: exactly one of them
    # stays in the contest, with beta close to 1
    e = sample_kww(100_000, 0.1, 1.0, 0.005, seed=4)
    de = compare_fits(e, 0.005).set_index("family").loc[["stretched", "compressed"]]
    kept = de[~de.degenerate.astype(bool)]
    assert len(kept) == 1 and kept.beta.iloc[0] == pytest.approx(1.0, abs=0.02)


def test_hump_detects_an_interior_lognormal_mode():
    x = _lognormal(100_000, -3.0, 0.8, 0.005)
    h = log_density_hump(x, 0.005)
    assert h["interior"] and 0.02 < h["mode"] < 0.09
    with pytest.raises(ValueError, match="bins"):
        log_density_hump(x, 0.005, bins=3)
    with pytest.raises(ValueError, match="rise"):
        log_density_hump(x, 0.005, rise=0.5)
