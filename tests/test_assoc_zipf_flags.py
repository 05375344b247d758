"""Chapter 1 verdict inputs (issue 10 item 5): the Zipf calibration to equal mean pattern overlap,
the exclusion of unconverged or too coarse P90 values, and the CI tolerance of ordered P90
comparisons."""

import numpy as np
import pandas as pd
import pytest

from neuroplastic import assoc as A
from neuroplastic.assoc.patterns import zipf_overlap, zipf_skew_for_overlap, zipf_unit_probabilities
from neuroplastic.experiments.hebbian import MIN_P90, capacity_table, flag_cells, order_within_ci


def empirical_overlap(pats: A.PatternSet) -> float:
    """Unbiased mean overlap of two distinct patterns: (Σ_i c_i² − Σ_i c_i) / (P(P−1)) with c_i
    the number of patterns using unit i (average over all ordered pairs of distinct patterns)."""
    c = np.bincount(pats.idx.ravel(), minlength=pats.N).astype(float)
    P = pats.P
    return float((np.sum(c * c) - np.sum(c)) / (P * (P - 1)))


@pytest.mark.parametrize("layout", [A.Modular(10, 20), A.KofN(200, 10)])
def test_uniform_overlap_and_limits(layout):
    assert zipf_overlap(layout, 0.0) == pytest.approx(layout.K**2 / layout.N)
    p = zipf_unit_probabilities(layout, 0.8)
    assert p.sum() == pytest.approx(layout.K, rel=1e-9)  # K active units per pattern
    assert (p >= 0).all() and (p <= 1 + 1e-12).all()
    ovs = [zipf_overlap(layout, s) for s in (0.0, 0.3, 0.8, 1.5, 4.0)]
    assert np.all(np.diff(ovs) > 0) and ovs[-1] < layout.K  # monotone, below the limit K


def test_kofn_inclusion_probabilities_small_exact():
    """N = 4, K = 2: inclusion probabilities of weighted sampling without replacement by brute
    force over the 12 ordered draws."""
    lay = A.KofN(4, 2)
    s = 1.3
    w = np.arange(1, 5, dtype=float) ** -s
    pi = np.zeros(4)
    for a in range(4):
        for b in range(4):
            if a != b:
                pr = w[a] / w.sum() * w[b] / (w.sum() - w[a])
                pi[a] += pr
                pi[b] += pr
    np.testing.assert_allclose(zipf_unit_probabilities(lay, s), pi, atol=1e-10)


@pytest.mark.parametrize("layout,skew", [(A.KofN(200, 10), 0.7), (A.Modular(10, 20), 1.0)])
def test_overlap_matches_generated_patterns(layout, skew):
    """The exact overlap equals the mean overlap of patterns drawn by random_patterns, within
    five standard errors (estimated from 8 independent seeds)."""
    est = [empirical_overlap(A.random_patterns(4000, layout, skew=skew, seed=s)) for s in range(8)]
    se = np.std(est, ddof=1) / np.sqrt(len(est))
    assert abs(np.mean(est) - zipf_overlap(layout, skew)) < 5 * se + 1e-3


@pytest.mark.parametrize("sizes", [((10, 20), (200, 10)), ((20, 20), (400, 20))])
@pytest.mark.parametrize("s", [0.5, 1.0])
def test_calibrated_overlap_equal_across_layouts(sizes, s):
    mod, kofn = A.Modular(*sizes[0]), A.KofN(*sizes[1])
    target = zipf_overlap(mod, s)
    sk = zipf_skew_for_overlap(kofn, target)
    assert 0 < sk < s  # K-of-N needs a smaller exponent for the same overlap
    assert zipf_overlap(kofn, sk) == pytest.approx(target, rel=1e-5)
    assert zipf_overlap(kofn, s) > 1.1 * target  # the raw exponent overshoots


def test_calibrated_overlap_in_generated_patterns():
    """Generated patterns of both layouts at the calibrated exponents have the same mean
    overlap within sampling error (8 seeds each, 5 standard errors)."""
    mod, kofn = A.Modular(10, 20), A.KofN(200, 10)
    sk = zipf_skew_for_overlap(kofn, zipf_overlap(mod, 1.0))
    em = [empirical_overlap(A.random_patterns(3000, mod, skew=1.0, seed=s)) for s in range(8)]
    ek = [empirical_overlap(A.random_patterns(3000, kofn, skew=sk, seed=s)) for s in range(8)]
    se = np.hypot(np.std(em, ddof=1), np.std(ek, ddof=1)) / np.sqrt(8)
    assert abs(np.mean(em) - np.mean(ek)) < 5 * se + 1e-3
    raw = [empirical_overlap(A.random_patterns(3000, kofn, skew=1.0, seed=s)) for s in range(8)]
    assert np.mean(raw) > np.mean(em) + 10 * se


def test_skew_for_overlap_validation_and_zero():
    lay = A.KofN(200, 10)
    assert zipf_skew_for_overlap(lay, zipf_overlap(lay, 0.0)) == 0.0
    with pytest.raises(ValueError, match="overlap"):
        zipf_skew_for_overlap(lay, 0.1)  # below the uniform overlap 0.5
    with pytest.raises(ValueError, match="overlap"):
        zipf_skew_for_overlap(lay, 10.0)  # the limit K is never reached
    with pytest.raises(ValueError, match="skew"):
        zipf_overlap(lay, -0.5)
    with pytest.raises(TypeError, match="layout"):
        zipf_overlap("kofn", 0.5)
    with pytest.raises(ValueError, match="Free"):
        zipf_overlap(A.Free(100, 0.1), 0.5)
    with pytest.raises(ValueError, match="skew_max"):
        zipf_skew_for_overlap(lay, 9.0, skew_max=0.5)


def test_flag_cells_convergence_and_granularity():
    df = pd.DataFrame(
        {
            "rule": ["a", "b", "c", "d", "e"],
            "P90": [100.0, 3.2, 50.0, 19.9, np.nan],
            "n_converged": [5, 1, 4, 5, np.nan],
            "nrep": [5, 5, 5, 5, 5],
        }
    )
    out = flag_cells(df)
    assert list(out.excluded) == [False, True, True, True, True]
    assert out.flag[0] == ""
    assert "not converged (1/5" in out.flag[1] and "P90 < 20" in out.flag[1]
    assert out.flag[2].startswith("not converged (4/5")
    assert out.flag[3] == "P90 < 20"
    assert out.flag[4] == "no crossing of 90 %"
    assert MIN_P90 == 20.0
    assert not flag_cells(df, min_P90=3.0).excluded[3]
    # a sweep frame (no convergence columns): only the P90 value decides
    sw = flag_cells(pd.DataFrame({"P90": [25.0, 20.0, 19.0]}))
    assert list(sw.excluded) == [False, False, True]
    with pytest.raises(ValueError, match="p90"):
        flag_cells(pd.DataFrame({"x": [1.0]}))
    with pytest.raises(ValueError, match="min_P90"):
        flag_cells(df, min_P90=-1)
    with pytest.raises(TypeError, match="df"):
        flag_cells([1, 2])


def test_capacity_table_reports_convergence(monkeypatch):
    """A search that cannot cross 90 % (a rule that fails already at the smallest load) is
    reported as not converged and flagged; a normal one converges."""
    monkeypatch.setenv("NEUROPLASTIC_NO_CACHE", "1")
    lay = A.Modular(5, 8)
    tab = capacity_table(
        ["willshaw", "hopfield:variant=pm1"],
        lay,
        1,
        nrep=2,
        seed=0,
        n_jobs=1,
        progress=False,
        max_steps=8,
    )
    t = tab.set_index("rule")
    assert t.loc["willshaw", "n_converged"] == 2 and t.loc["willshaw", "converged"]
    flagged = flag_cells(tab.rename(columns={"P90_mean": "P90"})).set_index("rule")
    assert flagged.loc["hopfield:variant=pm1", "excluded"]


def row(p, lo, hi):
    return {"P90": p, "ci_lo": lo, "ci_hi": hi}


def test_order_within_ci():
    assert order_within_ci(row(10, 8, 12), row(20, 18, 22))  # clear order
    assert order_within_ci(row(21, 19, 23), row(20, 18, 22))  # reversed, CIs overlap
    assert order_within_ci(row(20, 20, 20), row(20, 20, 20))  # tie
    assert not order_within_ci(row(30, 28, 32), row(20, 18, 22))  # reversed, CIs apart
    # the case: covariance 3.2 < Hebb 4.8 with narrow CIs contradicts Hebb < covar
    assert not order_within_ci(row(4.8, 4.6, 5.0), row(3.2, 3.0, 3.4))
    s = pd.Series(row(5, 4, 6))
    assert order_within_ci(s, s)
    with pytest.raises(ValueError, match="lower"):
        order_within_ci({"P90": 1.0}, row(2, 1, 3))
    with pytest.raises(ValueError, match="upper"):
        order_within_ci(row(2, 1, 3), row(np.nan, 1, 3))
