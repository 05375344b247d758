"""Analytic checks of the learning rules (spec ch01 §7)."""

import numpy as np
import pytest

from neuroplastic import assoc as A


def _pats(layout, P, seed=0):
    return A.random_patterns(P, layout, seed=seed)


def test_bcpnn_floors_and_values():
    lay = A.Modular(4, 5)
    # pattern set that never uses unit 4 (hc 0, unit 4)
    pats = A.PatternSet(np.array([[0, 5, 10, 15], [1, 6, 10, 16], [0, 7, 11, 15]]), lay)
    c = A.count(pats)
    net = A.build("bcpnn", c, lay)
    P = 3
    eps = 1 / (P + 1)
    p = c.M1 / P
    ph = np.maximum(p, eps)
    assert ph[4] == eps
    np.testing.assert_allclose(net.b, np.log(ph), rtol=1e-6)
    D = A.removed_mask(lay)
    for i in range(lay.N):
        for j in range(lay.N):
            if D[i, j]:
                assert net.W[i, j] == 0
            elif c.M11[i, j] == 0:
                np.testing.assert_allclose(net.W[i, j], np.log(eps**2 / (ph[i] * ph[j])), rtol=1e-6)
            else:  # floors inactive when counts > 0
                pij = c.M11[i, j] / P
                np.testing.assert_allclose(net.W[i, j], np.log(pij / (p[i] * p[j])), rtol=1e-6)


def test_bcpnn_custom_eps():
    lay = A.KofN(10, 2)
    c = A.count(_pats(lay, 5))
    net = A.build("bcpnn", c, lay, eps=0.01)
    assert np.isfinite(net.W).all()
    assert net.b.min() >= np.log(0.01) - 1e-6


def test_willshaw_hebb_covar():
    lay = A.Modular(5, 6)
    pats = _pats(lay, 40)
    c = A.count(pats)
    D = A.removed_mask(lay)
    P = 40
    w = A.build("willshaw", c, lay).W
    assert set(np.unique(w)) <= {0.0, 1.0}
    np.testing.assert_array_equal(w[~D], (c.M11 > 0)[~D].astype(np.float32))
    assert (w[D] == 0).all()
    h = A.build("hebb", c, lay).W
    np.testing.assert_allclose(h[~D], (c.M11 / P)[~D], rtol=1e-6)
    cv = A.build("covar", c, lay).W
    p = c.M1 / P
    np.testing.assert_allclose(cv[~D], (c.M11 / P - np.outer(p, p))[~D], atol=1e-7)
    cg = A.build("covar", c, lay, mean="global").W
    hs = A.build("hopfield", c, lay).W
    np.testing.assert_allclose(cg, hs, atol=1e-7)  # sparse Hopfield == covar, global mean
    a = lay.activity
    X = pats.to_dense(np.float64)
    ref = (X - a).T @ (X - a) / P
    np.testing.assert_allclose(hs[~D], ref[~D], atol=1e-6)
    pm = A.build("hopfield", c, lay, variant="pm1").W
    ref = (2 * X - 1).T @ (2 * X - 1) / P
    np.testing.assert_allclose(pm[~D], ref[~D], atol=1e-6)


def test_precovar_variants():
    lay = A.KofN(12, 3)
    pats = _pats(lay, 30)
    c = A.count(pats)
    P = 30
    X = pats.to_dense(np.float64)
    p = X.mean(0)
    D = A.removed_mask(lay)
    wa = A.build("precovar", c, lay).W
    ref = (X.T @ X / P - np.outer(p, p)) / np.maximum(p, 1 / (P + 1))[:, None]
    np.testing.assert_allclose(wa[~D], ref[~D], atol=1e-6)
    wb = A.build("precovar", c, lay, variant="b").W
    np.testing.assert_allclose(wb[~D], (X.T @ X / P - lay.activity * p[:, None])[~D], atol=1e-6)
    wc = A.build("precovar", c, lay, variant="c").W
    run = np.cumsum(X, axis=0) / np.arange(1, P + 1)[:, None]
    ref = (X[:, :, None] * (X[:, None, :] - run[:, None, :])).sum(0) / P
    np.testing.assert_allclose(wc[~D], ref[~D], atol=1e-6)
    # c differs from covar (batch mean would make them equal)
    assert not np.allclose(wc, A.build("covar", c, lay).W, atol=1e-4)


def _noise(pm, pf):
    return A.CueNoise(pm, pf)


def test_bayes_uninformative_cue():
    lay = A.KofN(20, 4)
    c = A.count(_pats(lay, 30))
    net = A.build("bayes", c, lay, noise=_noise(0.3, 0.7))
    np.testing.assert_allclose(net.W, 0, atol=1e-6)
    M1 = c.M1.astype(float)
    with np.errstate(divide="ignore"):
        prior = np.log(M1 / (30 - M1))  # maximum likelihood: no pseudo-count
    np.testing.assert_allclose(net.b, prior, rtol=1e-5, atol=1e-6)


def _counts(M11, M1, P):
    return A.Counts(np.array(M11), np.array(M1), P)


def test_bayes_independent_counts_zero_weight():
    lay = A.KofN(2, 1)
    c = _counts([[10, 2], [2, 20]], [10, 20], 100)  # 2·72 = 8·18
    for pm, pf in [(0.2, 0.05), (0.01, 0.3), (0.5, 0.5)]:
        W = A.build("bayes", c, lay, noise=_noise(pm, pf), alpha=1e-12, p_min=1e-12).W
        assert abs(W[0, 1]) < 1e-6 and abs(W[1, 0]) < 1e-6


def test_bayes_noiseless_log_odds_ratio():
    lay = A.KofN(2, 1)
    c = _counts([[30, 7], [7, 25]], [30, 25], 100)
    W = A.build("bayes", c, lay, noise=_noise(0.0, 0.0), alpha=1e-12, p_min=1e-12).W
    M11, M10, M01, M00 = 7, 23, 18, 100 - 30 - 25 + 7
    np.testing.assert_allclose(W[0, 1], np.log(M11 * M00 / (M10 * M01)), rtol=1e-5)


def test_bayes_covariance_limit():
    lay = A.KofN(2, 1)
    P = 10**6
    pi, pj = 0.1, 0.2
    M11 = int(round(pi * pj * (1 + 1e-3) * P))  # δ = 1e-3 p_i p_j
    c = _counts([[int(pi * P), M11], [M11, int(pj * P)]], [int(pi * P), int(pj * P)], P)
    W = A.build("bayes", c, lay, noise=_noise(0.0, 0.0), alpha=1e-9, p_min=1e-12).W
    delta = M11 / P - pi * pj
    expect = delta / (pi * (1 - pi) * pj * (1 - pj))
    np.testing.assert_allclose(W[0, 1], expect, rtol=0.01)


def test_bayes_diagonal_and_boms_symmetric():
    lay = A.Modular(4, 5)
    c = A.count(_pats(lay, 25))
    pm, pf = 0.25, 0.25 / 4
    net = A.build("bayes", c, lay, noise=_noise(pm, pf), include_diagonal=True)
    np.testing.assert_allclose(np.diag(net.W), np.log((1 - pm) * (1 - pf) / (pm * pf)), rtol=1e-6)
    bom = A.build("bayes", c, lay, noise=_noise(pm, pf))
    assert not np.allclose(bom.W, bom.W.T)
    boms = A.build("boms", c, lay, noise=_noise(pm, pf))
    np.testing.assert_array_equal(boms.W, boms.W.T)
    np.testing.assert_allclose(boms.W, (bom.W + bom.W.T) / 2, atol=1e-6)
    np.testing.assert_allclose(boms.b, bom.b)
    assert boms.symmetric and not bom.symmetric
    sym = A.build("bayes", c, lay, noise=_noise(pm, pf), symmetrize=True)
    np.testing.assert_array_equal(sym.W, boms.W)


def test_bayes_bias_excludes_D():
    lay = A.Modular(3, 4)
    c = A.count(_pats(lay, 10))
    noise = _noise(1 / 3, 1 / 9)
    net = A.build("bayes", c, lay, noise=noise, alpha=0.01)
    # recompute the bias by hand for unit j = 5
    pm, pf = noise.p_miss, noise.p_false
    P, a = 10, 0.01
    j = 5
    D = A.removed_mask(lay)
    tot = np.log((c.M1[j] + a) / (P - c.M1[j] + a))
    for i in range(lay.N):
        if D[i, j]:
            continue
        m11 = c.M11[i, j] + a
        m10 = c.M1[i] - c.M11[i, j] + a
        m01 = c.M1[j] - c.M11[i, j] + a
        m00 = P - c.M1[i] - c.M1[j] + c.M11[i, j] + a
        L01 = (m11 * pm + m01 * (1 - pf)) / (m11 + m01)
        L00 = (m10 * pm + m00 * (1 - pf)) / (m10 + m00)
        tot += np.log(L01 / L00)
    np.testing.assert_allclose(net.b[j], tot, rtol=1e-5)


def test_self_gain_and_D():
    lay = A.Modular(3, 4)
    c = A.count(_pats(lay, 10))
    net = A.build("bcpnn", c, lay, self_gain=0.5)
    np.testing.assert_array_equal(np.diag(net.W), 0.5)
    D = A.removed_mask(lay)
    np.fill_diagonal(D, False)
    assert (net.W[D] == 0).all()


def test_registry():
    assert set(A.SEVEN_RULES) <= set(A.list_rules())
    assert "boms" in A.RULES and "bom" in A.RULES
    assert A.is_noise_aware("boms") and not A.is_noise_aware("bcpnn")
    name, params, label = A.parse_rule("bayes:alpha=0.5,symmetrize=1")
    assert name == "bayes" and params == {"alpha": 0.5, "symmetrize": True}


def test_counts_incremental_matches_fresh():
    lay = A.KofN(30, 4)
    pats = _pats(lay, 50)
    c = A.count(pats.prefix(20))
    c.add(pats.rows(slice(20, 50)))
    c.remove(pats.rows(slice(35, 50)))
    ref = A.count(pats.prefix(35))
    np.testing.assert_array_equal(c.M11, ref.M11)
    np.testing.assert_array_equal(c.M1, ref.M1)
    assert c.P == 35 and np.array_equal(c.rows, pats.idx[:35])
    d = A.count_dense(pats.prefix(35))
    np.testing.assert_array_equal(d.M11, ref.M11)


@pytest.mark.parametrize("lay", [A.Modular(5, 6), A.KofN(30, 4)], ids=str)
def test_fused_kernel_matches_numpy_reference(lay):
    pats = A.random_patterns(45, lay, seed=2)
    c = A.count(pats)
    noise = A.CueNoise.from_flips(1, lay)
    specs = [
        "hebb",
        "covar",
        "covar:mean=global",
        "precovar",
        "precovar:variant=b",
        "precovar:variant=c",
        "hopfield",
        "hopfield:variant=pm1",
        "willshaw",
        "bcpnn",
        "bcpnn:eps=0.01",
        "bayes",
        "boms",
        "bayes:include_diagonal=1",
        "bayes:alpha=0.5",
    ]
    for spec in specs:
        name, params, _ = A.parse_rule(spec)
        if A.is_noise_aware(name):
            params["noise"] = noise
        for g in (0.0, 0.7):
            if params.get("include_diagonal") and g:
                continue
            a = A.build(name, c, lay, self_gain=g, **params)
            r = A.rules.build_reference(name, c, lay, self_gain=g, **params)
            np.testing.assert_allclose(a.W, r.W, rtol=2e-6, atol=1e-6, err_msg=spec)
            np.testing.assert_allclose(a.b, r.b, rtol=2e-6, atol=1e-5, err_msg=spec)
            assert a.symmetric == r.symmetric, spec
            if a.int_scale is not None:
                Wi, bi = a.kernel_arrays()
                np.testing.assert_allclose(Wi / a.int_scale, r.W, rtol=1e-5, atol=1e-6)
