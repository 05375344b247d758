"""ε(P) measures (P_ε, bootstrap, completion bits) and ensembles (Bernoulli, Palm, partial cues)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neuroplastic.assoc.free import (
    VarPatternSet,
    bernoulli_patterns,
    palm_chunk,
    palm_patterns,
    partial_cues,
)
from neuroplastic.assoc.layouts import KofN, Modular
from neuroplastic.assoc.measures import (
    binary_entropy,
    bootstrap_compare,
    bootstrap_eps_capacity,
    capacity_bits,
    cue_information,
    eps_capacity,
    transinformation,
)
from neuroplastic.assoc.patterns import random_patterns
from neuroplastic.assoc.retrieval_curves import (
    ANEStorageTask,
    config,
    eps_curves,
    label_symmetric,
    standard_configs,
)


def test_transinformation_limits():
    N, K = 1000, 20
    assert transinformation(N, K, 0.0, 0.0) == pytest.approx(N * float(binary_entropy(K / N)))
    for qm in (0.1, 0.4):
        assert transinformation(N, K, qm, 1 - qm) == pytest.approx(0.0, abs=1e-9)


def test_capacity_bits_conventions():
    a = capacity_bits(500, 100, 5, 0.01, 0.001)
    s = capacity_bits(500, 100, 5, 0.01, 0.001, synapses="sym")
    assert s / a == pytest.approx(100 * 100 / (100 * 99 / 2))
    # asymmetric rules are charged N² under ch01's "sym" convention, never halved
    s_asym = capacity_bits(500, 100, 5, 0.01, 0.001, synapses="sym", symmetric=False)
    assert s_asym == pytest.approx(a)
    with pytest.raises(ValueError, match="synapses"):
        capacity_bits(500, 100, 5, 0, 0, synapses="x")
    assert not label_symmetric("bayes+diag/kwta/iter/none")
    assert not label_symmetric("bcpnn_s2[cell α]/kwta/iter/none")
    assert label_symmetric("bcpnn/kwta/iter/none") and label_symmetric("willshaw/map/one/none")


def test_completion_bits_subtract_the_cue():
    N, K = 1000, 20
    # a half cue without false units carries exactly the information of its kept units' channel
    t_cue = cue_information(N, K, 10, 0)
    assert 0 < t_cue < transinformation(N, K, 0.0, 0.0)
    # perfect output: completion information = full information − cue information
    full = capacity_bits(100, N, K, 0.0, 0.0)
    comp = capacity_bits(100, N, K, 0.0, 0.0, cue=(10, 0))
    assert comp == pytest.approx(full - 100 * t_cue / N**2)
    # an output no better than the cue adds nothing
    assert capacity_bits(100, N, K, 0.5, 0.0, cue=(10, 0)) == pytest.approx(0.0, abs=1e-12)


def test_eps_capacity_exact_on_linear_curve():
    P = np.geomspace(100, 3200, 9)
    eps = 0.02 * np.log(P / 100)  # linear in log P
    target = 100 * math.exp(0.03 / 0.02)
    r = eps_capacity(P, eps, 0.03)
    assert r.value == pytest.approx(target, rel=1e-9) and r.censored is None


def test_eps_capacity_first_crossing_and_recrossing():
    P = [100, 200, 400, 800, 1600]
    r = eps_capacity(P, [0.0, 0.02, 0.005, 0.5, 0.9], 0.01)
    assert 100 < r.value < 200 and r.recrossed
    assert eps_capacity(P, [0.05, 0.1, 0.2, 0.3, 0.4], 0.01).censored == "below"
    r = eps_capacity(P, [0, 0, 0, 0, 0.001], 0.01)
    assert r.censored == "above" and r.value == 1600


@pytest.mark.parametrize("bad", [0, 1, -0.1, 1.5])
def test_eps0_validation(bad):
    with pytest.raises(ValueError, match="eps0"):
        eps_capacity([1, 2], [0, 1], bad)


def _df(shift, seed):
    rng = np.random.default_rng(seed)
    rows = []
    for net in range(2):
        for P in (100, 200, 400, 800):
            p = min(0.9, 0.002 * (P / 100) ** 2 * shift)
            for q in range(50):
                rows.append(
                    {"P": P, "net": net, "query": q, "miss": rng.binomial(10, p), "false": 0}
                )
    return pd.DataFrame(rows)


def test_bootstrap_ci_brackets_point_and_compare():
    d = _df(1.0, 0)
    v, lo, hi, cens = bootstrap_eps_capacity(d, 0.03, K=10, n_boot=200, seed=1)
    assert lo <= v <= hi and cens is None
    c = bootstrap_compare(d, _df(4.0, 0), 0.03, K=10, n_boot=200, seed=1)
    assert c["ratio"] > 1 and c["lo"] > 1
    with pytest.raises(ValueError, match="same P grid"):
        bootstrap_compare(d, d[d["P"] < 800], 0.03, K=10)


def test_bernoulli_patterns_prefix_and_validation():
    a = bernoulli_patterns(300, 50, 0.1, seed=3)
    b = bernoulli_patterns(100, 50, 0.1, seed=3)
    assert np.array_equal(a.prefix(100).to_dense(), b.to_dense())
    assert abs(a.sizes.mean() - 5) < 0.6
    for bad in (0.0, 1.0, 1.5, -0.1):
        with pytest.raises(ValueError, match="p"):
            bernoulli_patterns(10, 50, bad, seed=0)


def test_palm_balanced_usage_is_constant():
    N, K = 60, 6
    C = palm_chunk(N, K)
    for P in (C, 2 * C):
        X = palm_patterns(P, N, K, seed=1).to_dense()
        assert np.all(X.sum(axis=1) == K)
        assert np.all(X.sum(axis=0) == P * K // N)
    X = palm_patterns(C, N, K, seed=1).to_dense()
    # swaps removed the within-block disjointness
    assert (X[0] & X[1]).sum() + (X[0] & X[2]).sum() + (X[3] & X[4]).sum() > 0 or np.any(
        X[: N // K].sum(axis=0) > 1
    )
    assert np.array_equal(palm_patterns(C + 5, N, K, seed=1).to_dense()[:C], X)
    with pytest.raises(ValueError, match="divide"):
        palm_patterns(10, 61, 6, seed=0)
    with pytest.raises(ValueError, match="variant"):
        palm_patterns(10, 60, 6, variant="x", seed=0)
    assert palm_patterns(10, 64, 3, variant="log2", seed=0).K == 6
    assert isinstance(palm_patterns(10, 60, 6, variant="block", seed=0).layout, Modular)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 5), st.integers(0, 8), st.integers(0, 99))
def test_partial_cues_counts(c, f, seed):
    pats = random_patterns(40, KofN(50, 5), seed=seed)
    cues = partial_cues(pats, c=c, f=f, seed=seed)
    X, Y = pats.to_dense(), cues.to_dense()
    assert np.all((X & Y).sum(axis=1) == c)
    assert np.all((Y & (1 - X)).sum(axis=1) == f)
    # the cue of pattern μ depends only on (seed, μ)
    assert np.array_equal(partial_cues(pats.prefix(10), c=c, f=f, seed=seed).to_dense(), Y[:10])


def test_partial_cues_bernoulli_and_validation():
    pats = bernoulli_patterns(60, 80, 0.1, seed=2)
    cues = partial_cues(pats, lam=0.5, kappa=0.25, seed=1)
    X, Y = pats.to_dense(), cues.to_dense()
    assert np.array_equal((X & Y).sum(axis=1), np.rint(0.5 * X.sum(axis=1)))
    assert np.array_equal((Y & (1 - X)).sum(axis=1), np.rint(0.25 * X.sum(axis=1)))
    kp = random_patterns(10, KofN(50, 5), seed=0)
    with pytest.raises(ValueError, match="c"):
        partial_cues(kp, c=6, seed=0)
    with pytest.raises(ValueError, match="f"):
        partial_cues(kp, c=2, f=46, seed=0)
    with pytest.raises(ValueError, match="lam"):
        partial_cues(kp, lam=1.5, seed=0)
    with pytest.raises(ValueError, match="exactly one"):
        partial_cues(kp, seed=0)
    with pytest.raises(TypeError, match="patterns"):
        partial_cues(np.zeros((3, 3)), c=1, seed=0)
    with pytest.raises(ValueError, match="indptr"):
        VarPatternSet(np.array([0, 5]), np.array([1, 2]), KofN(10, 2))


def test_eps_curves_small_and_deterministic():
    cfgs = [
        config("bayes", "kwta", True, "posterior"),
        config("bcpnn", "map", False),
        config("willshaw", "map", True, "calibrated", params={"self_gain": 1.0}),
    ]
    a = eps_curves("constk", 60, 6, 3, 0, [20, 40], cfgs, net=0, n_queries=10, T_max=4, seed=1)
    b = eps_curves("constk", 60, 6, 3, 0, [20, 40], cfgs, net=0, n_queries=10, T_max=4, seed=1)
    pd.testing.assert_frame_equal(a["df"], b["df"])
    assert len(a["df"]) == 2 * 3 * 10
    assert len({c["label"] for c in standard_configs("constk")}) == len(standard_configs("constk"))
    with pytest.raises(ValueError, match="ensemble"):
        eps_curves("gauss", 60, 6, 3, 0, [20], cfgs, net=0, n_queries=5, T_max=2, seed=0)
    with pytest.raises(ValueError, match="increasing"):
        eps_curves("constk", 60, 6, 3, 0, [40, 20], cfgs, net=0, n_queries=5, T_max=2, seed=0)


def test_ane_storage_task_matches_ch01_protocol():
    lay = Modular(6, 10)
    t = ANEStorageTask(lay, 1, ane="posterior", T_max=6)
    r = t.evaluate(5, 0, 0)
    assert r["fcorr"] == 1.0 and r["P"] == 5
    assert 0.0 <= t(60, 0, 0) <= 1.0
    with pytest.raises(ValueError, match="ane"):
        ANEStorageTask(lay, 1, ane="oracle")
