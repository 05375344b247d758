"""ch02 noise-aware weights: analytic limits, table trick, brute-force naive Bayes, validation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neuroplastic.assoc.counts import Counts, count
from neuroplastic.assoc.cues import CueNoise
from neuroplastic.assoc.free import bernoulli_patterns, counts_from_dense
from neuroplastic.assoc.layouts import Free, KofN, Modular
from neuroplastic.assoc.noise import NoiseTable
from neuroplastic.assoc.patterns import random_patterns
from neuroplastic.assoc.rules import build, is_noise_aware

build_rule = build


def noise_weights(rule, counts, layout, noise, **params):
    """The noise-aware weights of ``rule`` for ``noise`` through the one builder."""
    return build(rule, counts, layout, noise=noise, **params)


def bcpnn_s2(counts, layout, noise, **params):
    return noise_weights("bcpnn_s2", counts, layout, noise, **params)


def bcpnn_s3(counts, layout, noise, **params):
    return noise_weights("bcpnn_s3", counts, layout, noise, **params)


LAY = KofN(60, 6)


@pytest.fixture(scope="module")
def cnt():
    return count(random_patterns(80, LAY, seed=1))


def test_bayes_equals_shared_rule_bitwise(cnt):
    for incl in (False, True):
        for noise in (CueNoise(0.5, 0.0), CueNoise(0.2, 0.01)):
            a = build("bayes", cnt, LAY, noise=noise, include_diagonal=incl)
            b = noise_weights("bayes", cnt, LAY, noise, include_diagonal=incl)
            assert np.array_equal(a.W, b.W) and np.array_equal(a.b, b.b)


def test_bayes_modular_removes_hypercolumns():
    lay = Modular(6, 10)
    c = count(random_patterns(50, lay, seed=2))
    a = build("bayes", c, lay, noise=CueNoise(0.3, 0.03))
    b = noise_weights("bayes", c, lay, CueNoise(0.3, 0.03))
    assert np.array_equal(a.W, b.W) and np.array_equal(a.b, b.b)
    g = lay.groups
    assert np.all(b.W[g[:, None] == g[None, :]] == 0)


def test_table_level_equals_build_bitwise(cnt):
    K, N = LAY.K, LAY.N
    tab = NoiseTable(cnt, LAY, "bayes")
    for fh in range(K + 1):
        W, b = tab.get((K - fh, fh))
        ref = build("bayes", cnt, LAY, noise=CueNoise(fh / K, fh / (N - K)))
        assert np.array_equal(W, ref.W) and np.array_equal(b, ref.b)
    # the cue level (half pattern, no false units) and a zero-noise query
    W, b = tab.get((3, 0))
    ref = build("bayes", cnt, LAY, noise=CueNoise(0.5, 0.0))
    assert np.array_equal(W, ref.W) and np.array_equal(b, ref.b)
    W0, b0 = tab.get((K, 0))
    ref0 = build("bayes", cnt, LAY, noise=CueNoise(0.0, 0.0))
    assert np.array_equal(W0, ref0.W) and not np.isnan(W0).any()


def test_table_lru_cap(cnt):
    N = LAY.N
    tab = NoiseTable(cnt, LAY, "bayes", max_table_bytes=3 * 4 * (N * N + N))
    for f in range(6):
        tab.get((6 - f, f))
    assert len(tab._cache) == 3 and tab.builds == 6
    tab.get((1, 5))
    assert tab.builds == 6  # still cached


def test_uninformative_cue_gives_zero_weights(cnt):
    for pf in (0.1, 0.3):
        net = noise_weights("bayes", cnt, LAY, CueNoise(1 - pf, pf))
        assert np.abs(net.W).max() < 1e-6
        M1 = cnt.M1.astype(float)
        prior = np.log(M1 / (cnt.P - M1))  # maximum likelihood
        assert np.allclose(net.b, prior, atol=1e-5)
        s3 = bcpnn_s3(cnt, LAY, CueNoise(1 - pf, pf))
        assert np.abs(s3.W).max() < 1e-6


def test_independence_gives_zero_weight():
    # analytic counts with M11·M00 = M10·M01 for every pair: P = 100, M1 = 20, M11 = 4
    N = 5
    M11 = np.full((N, N), 4, np.int32)
    np.fill_diagonal(M11, 20)
    c = Counts(M11, np.full(N, 20, np.int32), 100, layout=KofN(N, 1))
    net = noise_weights("bayes", c, KofN(N, 1), CueNoise(0.3, 0.05), alpha=1e-9)
    assert np.abs(net.W).max() < 1e-6


def test_noise_free_limit_is_log_odds_ratio(cnt):
    net = noise_weights("bayes", cnt, LAY, CueNoise(0.0, 0.0), alpha=1e-9, p_min=1e-12)
    M11, M10, M01, M00 = cnt.cells()
    ok = (M11 > 0) & (M10 > 0) & (M01 > 0)
    np.fill_diagonal(ok, False)
    with np.errstate(divide="ignore"):
        lor = np.log(M11 * M00 / (M10 * M01))
    assert np.allclose(net.W[ok], lor[ok], rtol=1e-4, atol=1e-4)


def test_covariance_limit_weak_dependence():
    P = 10**6
    pi, pj = 0.1, 0.05
    delta = 1e-3 * pi * pj
    M1 = np.array([round(pi * P), round(pj * P)], np.int32)
    m11 = round((pi * pj + delta) * P)
    M11 = np.array([[M1[0], m11], [m11, M1[1]]], np.int32)
    c = Counts(M11, M1, P, layout=KofN(2, 1))
    W = noise_weights("bayes", c, KofN(2, 1), CueNoise(0.0, 0.0), alpha=1e-9, p_min=1e-12).W
    expect = delta / (pi * (1 - pi) * pj * (1 - pj))
    assert W[0, 1] == pytest.approx(expect, rel=0.01)


def test_diagonal_switch(cnt):
    noise = CueNoise(0.5, 0.0)
    off = noise_weights("bayes", cnt, LAY, noise)
    on = noise_weights("bayes", cnt, LAY, noise, include_diagonal=True)
    assert np.all(np.diag(off.W) == 0)
    # f = 0: a cue unit is certainly on (no clamp of p_f): W_jj = +∞, bias term log p_m
    assert np.all(np.isposinf(np.diag(on.W)))
    assert np.allclose(on.b - off.b, math.log(0.5), atol=1e-4)
    pm, pf = 0.3, 0.02
    on2 = noise_weights("bayes", cnt, LAY, CueNoise(pm, pf), include_diagonal=True)
    assert np.allclose(np.diag(on2.W), math.log((1 - pm) * (1 - pf) / (pm * pf)), rtol=1e-6)
    assert np.array_equal(np.where(np.eye(LAY.N, dtype=bool), 0, on.W), off.W)


def test_s2_limit_equals_unfloored_bcpnn(cnt):
    net = bcpnn_s2(cnt, LAY, CueNoise(0.0, 0.0), alpha=1e-9, p_min=1e-12)
    P = cnt.P
    p = cnt.M1 / P
    pij = cnt.M11 / P
    ok = cnt.M11 > 0
    np.fill_diagonal(ok, False)
    with np.errstate(divide="ignore"):
        ref = np.log(pij / np.outer(p, p))
    assert np.allclose(net.W[ok], ref[ok], rtol=1e-4, atol=1e-4)
    assert np.allclose(net.b, np.log(p), atol=1e-6)


@settings(max_examples=25, deadline=None)
@given(
    st.integers(1, 200),
    st.floats(1e-4, 1 - 1e-4),
    st.floats(1e-4, 1 - 1e-4),
    st.sampled_from(["bayes", "bcpnn_s2", "bcpnn_s3"]),
    st.booleans(),
    st.integers(0, 99),
)
def test_weights_finite(P, pm, pf, rule, diag, seed):
    lay = KofN(20, 3)
    c = count(random_patterns(P, lay, seed=seed))
    net = noise_weights(rule, c, lay, CueNoise(pm, pf), include_diagonal=diag)
    if rule == "bayes":  # p_m, p_f > 0: finite except the prior of never/always-active units
        ok = (c.M1 > 0) & (c.M1 < c.P)
        assert np.isfinite(net.W).all() and np.isfinite(net.b[ok]).all()
        assert np.all(np.isneginf(net.b[c.M1 == 0]))
    else:
        assert np.isfinite(net.W).all() and np.isfinite(net.b).all()


def test_naive_bayes_brute_force():
    """b + ũW equals the naive-Bayes log-odds computed from the definition (loop over inputs)."""
    N, P, alpha = 12, 30, 0.0  # maximum likelihood
    pats = bernoulli_patterns(P, N, 0.3, seed=3)
    lay = pats.layout
    c = counts_from_dense(pats.to_dense(), lay)
    pm, pf = 0.25, 0.1
    net = noise_weights("bayes", c, lay, CueNoise(pm, pf))
    rng = np.random.default_rng(4)
    M11, M10, M01, M00 = c.cells()
    for _ in range(5):
        cue = (rng.random(N) < 0.4).astype(np.uint8)
        x = net.b.astype(np.float64) + cue @ net.W.astype(np.float64)
        for j in range(N):
            m1 = c.M1[j]
            lo = math.log((m1 + alpha) / (P - m1 + alpha))
            for i in range(N):
                if i == j:
                    continue
                a11, a10, a01, a00 = (
                    M11[i, j] + alpha,
                    M10[i, j] + alpha,
                    M01[i, j] + alpha,
                    M00[i, j] + alpha,
                )
                # P(u_i = 1 | u_j) from the pseudo-counted cells, then the noise channel
                p1 = a11 / (a11 + a01)
                p0 = a10 / (a10 + a00)
                l1 = p1 * (1 - pm) + (1 - p1) * pf  # P(ũ_i = 1 | u_j = 1)
                l0 = p0 * (1 - pm) + (1 - p0) * pf  # P(ũ_i = 1 | u_j = 0)
                lo += math.log(l1 / l0) if cue[i] else math.log((1 - l1) / (1 - l0))
            assert x[j] == pytest.approx(lo, abs=2e-5)


def test_build_rule_dispatch_and_validation(cnt):
    assert is_noise_aware("bcpnn_s2") and is_noise_aware("bayes") and not is_noise_aware("bcpnn")
    with pytest.raises(ValueError, match="rule"):
        build_rule("nope", cnt, LAY)
    with pytest.raises(ValueError, match="noise"):
        build_rule("bcpnn_s3", cnt, LAY)
    with pytest.raises(TypeError, match="unknown parameter"):
        build_rule("bcpnn_s2", cnt, LAY, noise=CueNoise(0.5, 0), eps=1)
    with pytest.raises(ValueError, match="alpha"):
        noise_weights("bayes", cnt, LAY, CueNoise(0.5, 0), alpha=-1)
    with pytest.raises(ValueError, match="p_min"):
        noise_weights("bayes", cnt, LAY, CueNoise(0.5, 0), p_min=0.6)
    with pytest.raises(ValueError, match="smoothing"):
        noise_weights("bcpnn_s2", cnt, LAY, CueNoise(0.5, 0), smoothing="x")
    with pytest.raises(TypeError, match="noise"):
        noise_weights("bayes", cnt, LAY, (0.5, 0))
    with pytest.raises(ValueError, match="mismatched"):
        noise_weights("bayes", cnt, KofN(40, 4), CueNoise(0.5, 0))
    assert build_rule("bcpnn", cnt, LAY).rule == "bcpnn"
    assert isinstance(Free(10, 0.2).K, float)
