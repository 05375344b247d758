"""Property tests (hypothesis, N <= 60)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from neuroplastic import assoc as A

SET = settings(max_examples=25, deadline=None)


@st.composite
def layouts(draw):
    if draw(st.booleans()):
        H = draw(st.integers(2, 6))
        M = draw(st.integers(2, 10))
        return A.Modular(H, M)
    N = draw(st.integers(6, 60))
    K = draw(st.integers(1, max(1, N // 3)))
    return A.KofN(N, K)


def _valid(ps):
    idx = ps.idx
    assert (np.diff(idx, axis=1) > 0).all()
    assert idx.min() >= 0 and idx.max() < ps.N
    if isinstance(ps.layout, A.Modular):
        assert (idx // ps.layout.M == np.arange(ps.layout.H)).all()
    else:
        assert idx.shape[1] == ps.layout.K


@SET
@given(
    layouts(),
    st.integers(1, 300),
    st.integers(0, 2**31),
    st.floats(0, 2),
    st.sampled_from([None, 0.0, 0.5, 1.0]),
)
def test_generators_valid_and_prefix_consistent(lay, P, seed, skew, redraw):
    if redraw is None:
        big = A.random_patterns(P + 260, lay, skew=skew, seed=seed)
        small = A.random_patterns(P, lay, skew=skew, seed=seed)
    else:
        big = A.parent_patterns(P + 260, lay, redraw=redraw, seed=seed)
        small = A.parent_patterns(P, lay, redraw=redraw, seed=seed)
    _valid(big)
    assert big.prefix(P) == small


@SET
@given(layouts(), st.integers(1, 40), st.integers(0, 2**31), st.data())
def test_flip_cues_keep_activity_and_distance(lay, P, seed, data):
    hi = lay.K if isinstance(lay, A.Modular) else min(lay.K, lay.N - lay.K)
    nflip = data.draw(st.integers(0, hi))
    pats = A.random_patterns(P, lay, seed=seed)
    cues = A.flip_cues(pats, nflip, seed=seed + 1)
    _valid(cues)
    d = (pats.to_dense(int) != cues.to_dense(int)).sum(axis=1)
    assert (d == 2 * nflip).all()
    # fractional nflip: each cue has floor or ceil flips, mean close to nflip
    x = data.draw(st.floats(0, hi))
    c = A.flip_cues(A.random_patterns(400, lay, seed=seed), x, seed=seed)
    d = (A.random_patterns(400, lay, seed=seed).to_dense(int) != c.to_dense(int)).sum(1) // 2
    assert set(np.unique(d)) <= {int(np.floor(x)), int(np.ceil(x))}
    assert abs(d.mean() - x) < 0.15
    # cue of pattern mu does not depend on P
    assert A.flip_cues(pats.prefix(max(1, P // 2)), nflip, seed=seed + 1) == cues.prefix(
        max(1, P // 2)
    )


@SET
@given(layouts(), st.integers(1, 80), st.integers(0, 2**31))
def test_counts_invariants(lay, P, seed):
    c = A.count(A.random_patterns(P, lay, seed=seed))
    np.testing.assert_array_equal(c.M11, c.M11.T)
    np.testing.assert_array_equal(np.diag(c.M11), c.M1)
    for cell in c.cells():
        assert (cell >= 0).all()


RULE_SPECS = [
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
    "bayes",
    "boms",
]


def _net(spec, counts, lay, nflip=1):
    name, params, _ = A.parse_rule(spec)
    if A.is_noise_aware(name):
        params["noise"] = A.CueNoise.from_flips(nflip, lay)
    return A.build(name, counts, lay, **params)


@SET
@given(layouts(), st.integers(1, 80), st.integers(0, 2**31))
def test_rule_weights_finite_symmetric_order_invariant(lay, P, seed):
    pats = A.random_patterns(P, lay, seed=seed)
    perm = np.random.default_rng(seed).permutation(P)
    c = A.count(pats)
    cp = A.count(pats.rows(perm))
    for spec in RULE_SPECS:
        net = _net(spec, c, lay)
        if net.rule in ("bayes", "bom", "boms"):
            # exact Bayes: ±∞ only where a probability is 0 (flip cues have p_f > 0, so only
            # the prior of a unit never stored active, or always active, is infinite)
            assert not np.isnan(net.W).any() and np.isfinite(net.W).all()
            M1 = c.M1
            ok = (M1 > 0) & (M1 < c.P)
            assert np.isfinite(net.b[ok]).all() and not np.isnan(net.b).any()
        else:
            assert np.isfinite(net.W).all() and np.isfinite(net.b).all()
        if net.symmetric:
            np.testing.assert_array_equal(net.W, net.W.T)
        if spec != "precovar:variant=c":  # order-dependent by construction
            other = _net(spec, cp, lay)
            np.testing.assert_array_equal(net.W, other.W)
            np.testing.assert_array_equal(net.b, other.b)


@SET
@given(
    st.integers(2, 6),
    st.integers(2, 10),
    st.integers(1, 60),
    st.integers(0, 2**31),
    st.sampled_from([0.25, 0.5, 2.0, 4.0]),
    st.integers(-3, 3),
)
def test_hwta_invariances(H, M, P, seed, lam, shift):
    lay = A.Modular(H, M)
    pats = A.random_patterns(P, lay, seed=seed)
    cues = A.flip_cues(pats, 1, seed=seed)
    c = A.count(pats)
    D = A.removed_mask(lay)
    for spec in ["bcpnn", "boms", "covar", "willshaw"]:
        net = _net(spec, c, lay)
        W, b = net.kernel_arrays()
        ref = A.recall(net, cues, seed=seed).states
        scaled = A.Network(W * np.float32(lam), b * np.float32(lam), "scaled", symmetric=False)
        assert A.recall(scaled, cues, seed=seed).states == ref
        if spec == "willshaw":  # integer weights: an integer shift is exact
            Ws = np.where(D, W, W + np.float32(shift)).astype(np.float32)
            shifted = A.Network(Ws, b, "shifted", symmetric=False)
            assert A.recall(shifted, cues, seed=seed).states == ref
