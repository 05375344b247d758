"""ch02 retrieval with noise levels and ANE: single patterns, table trick vs direct weights,
ANE properties, activations, validation, determinism."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neuroplastic.assoc.activations import HWTA, KWTA, MAP, Core, OracleKWTA, Schedule, Threshold
from neuroplastic.assoc.ane import ANE
from neuroplastic.assoc.cues import CueNoise
from neuroplastic.assoc.free import bernoulli_patterns, counts_from_dense
from neuroplastic.assoc.layouts import KofN, Modular
from neuroplastic.assoc.noise import NoiseTable
from neuroplastic.assoc.patterns import random_patterns
from neuroplastic.assoc.recall import calibrate, recall
from neuroplastic.assoc.reference import recall_noise_direct
from neuroplastic.assoc.retrieval_curves import make_cues
from neuroplastic.assoc.rules import build as build_rule

LAY = KofN(60, 6)


def setup(P, seed=0, lay=LAY, c=3):
    X = random_patterns(P, lay, seed=seed).to_dense()
    cnt = counts_from_dense(X, lay)
    cues = make_cues(X, lay, c, 0, seed + 1)
    return X, cnt, cues


@pytest.mark.parametrize("rule", ["bayes", "bcpnn_s2", "bcpnn_s3", "bcpnn", "willshaw"])
@pytest.mark.parametrize("act", ["map", "kwta"])
@pytest.mark.parametrize("T_max", [1, 5])
def test_single_stored_pattern_is_retrieved(rule, act, T_max):
    X, cnt, cues = setup(1)
    if rule in ("bayes", "bcpnn_s2", "bcpnn_s3"):
        src = NoiseTable(cnt, LAY, rule, {"include_diagonal": True} if act == "map" else {})
        key = (3, 0)
    else:
        src = build_rule(rule, cnt, LAY, **({"self_gain": 1.0} if rule == "willshaw" else {}))
        key = None
    r = recall(
        src,
        cues,
        activation=MAP() if act == "map" else KWTA(6),
        T_max=T_max,
        targets=X,
        cue_key=key,
    )
    assert np.array_equal(r.states, X)


def test_zero_noise_query_keeps_stored_patterns_with_oracle_ane():
    X, cnt, _ = setup(20)
    tab = NoiseTable(cnt, LAY, "bayes")
    r = recall(tab, X, activation=KWTA(6), T_max=5, ane=ANE("oracle"), targets=X, cue_key=(6, 0))
    assert np.array_equal(r.states, X)
    assert np.all(r.steps == 1)


@pytest.mark.parametrize("kind", ["none", "oracle", "posterior", "calibrated"])
@pytest.mark.parametrize("rule", ["bayes", "bcpnn_s2"])
def test_table_recall_equals_direct_weights(kind, rule):
    """Level-indexed tables + sparse gather = weights built per query and step from the counts."""
    X, cnt, cues = setup(70, seed=5)
    tab = NoiseTable(cnt, LAY, rule)
    act = KWTA(6)
    ane = ANE(kind)
    if kind == "calibrated":
        ane = calibrate(
            tab,
            X,
            cue_fn=lambda Y, s: make_cues(Y, LAY, 3, 0, s),
            activation=act,
            T_max=6,
            cue_key=(3, 0),
            n_calib=30,
            seed=2,
        )
    r = recall(tab, cues, activation=act, T_max=6, ane=ane, targets=X, cue_key=(3, 0), seed=9)
    ref, steps = recall_noise_direct(
        cnt,
        LAY,
        rule,
        {},
        cues,
        activation=act,
        T_max=6,
        ane=ane,
        targets=X,
        cue_key=(3, 0),
        seed=9,
    )
    assert np.array_equal(r.states, ref)
    assert np.array_equal(r.steps, steps)


def test_map_table_recall_equals_direct_weights():
    X, cnt, cues = setup(60, seed=6)
    tab = NoiseTable(cnt, LAY, "bayes")
    r = recall(
        tab, cues, activation=MAP(), T_max=4, ane=ANE("posterior"), targets=X, cue_key=(3, 0)
    )
    ref, _ = recall_noise_direct(
        cnt,
        LAY,
        "bayes",
        {},
        cues,
        activation=MAP(),
        T_max=4,
        ane=ANE("posterior"),
        targets=X,
        cue_key=(3, 0),
    )
    assert np.array_equal(r.states, ref)


def test_posterior_levels_are_in_range():
    X, cnt, cues = setup(120, seed=7)
    tab = NoiseTable(cnt, LAY, "bayes")
    r = recall(
        tab, cues, activation=KWTA(6), T_max=6, ane=ANE("posterior"), targets=X, cue_key=(3, 0)
    )
    nt = r.noise_trace
    ok = ~np.isnan(nt)
    assert np.all(nt[ok] >= 0) and np.all(nt[ok] <= 1)
    # assumed p_m = (K − ĉ)/K with ĉ ∈ [0, l] and l = K after step 0
    cm = 6 * (1 - nt[1:, :, 0])
    cm = cm[~np.isnan(cm)]
    assert np.all(cm >= -1e-6) and np.all(cm <= 6 + 1e-6)
    assert np.all(np.isin(np.round(cm, 4), np.arange(7)))
    assert r.true_trace.shape == nt.shape and r.overlap_trace.shape == (7, X.shape[0])


@pytest.mark.parametrize("act", [MAP(), Threshold(0.5), KWTA(6), Core(), Schedule((2, 4))])
def test_outputs_valid_for_every_activation(act):
    X, cnt, cues = setup(90, seed=8)
    tab = NoiseTable(cnt, LAY, "bayes")
    r = recall(tab, cues, activation=act, T_max=6, targets=X, cue_key=(3, 0))
    assert r.states.shape == X.shape and set(np.unique(r.states)) <= {0, 1}
    if isinstance(act, (KWTA, Core, Schedule)):
        assert np.all(r.states.sum(axis=1) == 6)


def test_core_schedule_values():
    assert list(Core().l_at(np.arange(4), np.full(4, 20))) == [10, 15, 20, 20]
    assert list(Core().l_at(0, np.array([10, 7]))) == [5, 4]


def test_modular_hwta_and_core():
    lay = Modular(6, 10)
    X, cnt, cues = setup(40, seed=9, lay=lay, c=3)
    tab = NoiseTable(cnt, lay, "bayes")
    r = recall(
        tab, cues, activation=HWTA(), T_max=5, targets=X, cue_key=(3, 0), ane=ANE("posterior")
    )
    g = lay.groups
    for s in r.states:
        assert np.array_equal(np.sort(g[s == 1]), np.arange(6))
    r = recall(tab, cues, activation=Core(), T_max=1, targets=X, cue_key=(3, 0))
    assert np.all(r.states.sum(axis=1) == 3)


def test_bernoulli_needs_oracle_activity():
    pats = bernoulli_patterns(50, 60, 0.1, seed=1)
    X = pats.to_dense()
    cnt = counts_from_dense(X, pats.layout)
    tab = NoiseTable(cnt, pats.layout, "bayes")
    cues = make_cues(X, pats.layout, 3, 0, 2)
    with pytest.raises(ValueError, match="activation"):
        recall(tab, cues, activation=KWTA(6), targets=X, cue_key=(3, 0))
    with pytest.raises(ValueError, match="oracle"):
        recall(tab, cues, activation=Core(), targets=X, cue_key=(3, 0))
    r = recall(tab, cues, activation=OracleKWTA(), targets=X, cue_key=(3, 0))
    assert np.array_equal(r.states.sum(axis=1), X.sum(axis=1)) and r.oracle_activity


def test_validation():
    X, cnt, cues = setup(30)
    tab = NoiseTable(cnt, LAY, "bayes")
    bc = build_rule("bcpnn", cnt, LAY)
    with pytest.raises(ValueError, match="kind"):
        ANE("magic")
    with pytest.raises(ValueError, match="no noise handle"):
        recall(bc, cues, activation=KWTA(6), ane=ANE("posterior"), targets=X)
    with pytest.raises(ValueError, match="no noise handle"):
        recall(
            build_rule("hebb", cnt, LAY),
            cues,
            activation=KWTA(6),
            ane=ANE("calibrated", schedule=(3, 4)),
        )
    with pytest.raises(ValueError, match="oracle ANE needs targets"):
        recall(tab, cues, activation=KWTA(6), ane=ANE("oracle"), cue_key=(3, 0))
    with pytest.raises(ValueError, match="schedule"):
        recall(tab, cues, activation=KWTA(6), ane=ANE("calibrated"), cue_key=(3, 0))
    with pytest.raises(ValueError, match="schedule must be a non-empty"):
        ANE("calibrated", schedule=())
    # the level engine fills in the layout's default activation like the fast path
    default = recall(tab, cues, ane=ANE("oracle"), targets=X, cue_key=(3, 0))
    explicit = recall(tab, cues, activation=KWTA(6), ane=ANE("oracle"), targets=X, cue_key=(3, 0))
    assert np.array_equal(default.states, explicit.states)
    with pytest.raises(ValueError, match="cue_key"):
        recall(tab, cues, activation=KWTA(6))
    with pytest.raises(ValueError, match="posterior"):
        recall(build_rule("willshaw", cnt, LAY), cues, activation=MAP(), ane=ANE("posterior"))
    with pytest.raises(ValueError, match="threshold"):
        recall(build_rule("hebb", cnt, LAY), cues, activation=MAP())
    with pytest.raises(ValueError, match="T_max"):
        recall(tab, cues, activation=KWTA(6), T_max=0, cue_key=(3, 0))
    with pytest.raises(TypeError, match="activation"):
        recall(tab, cues, activation="kwta", cue_key=(3, 0))
    with pytest.raises(TypeError, match="source"):
        recall(np.zeros((60, 60)), cues, activation=KWTA(6))
    with pytest.raises(ValueError, match="mismatched"):
        recall(tab, np.zeros((3, 50), np.uint8), activation=KWTA(6), cue_key=(3, 0))
    with pytest.raises(ValueError, match="HWTA"):
        recall(tab, cues, activation=HWTA(), cue_key=(3, 0))


def _run(seed):
    X, cnt, cues = setup(100, seed=3)
    tab = NoiseTable(cnt, LAY, "bayes")
    a = recall(tab, cues, activation=KWTA(6), T_max=6, targets=X, cue_key=(3, 0), seed=seed)
    b = recall(
        tab,
        cues,
        activation=KWTA(6),
        T_max=6,
        ane=ANE("posterior"),
        targets=X,
        cue_key=(3, 0),
        seed=seed,
    )
    return a.states, b.states, b.steps


def test_determinism_same_seed():
    r1, r2 = _run(4), _run(4)
    for x, y in zip(r1, r2):
        assert np.array_equal(x, y)


def test_determinism_across_thread_counts():
    code = (
        "import numpy as np, hashlib, sys; sys.path.insert(0, {p!r}); "
        "from test_assoc_bayes_retrieval import _run; "
        "print(hashlib.sha256(b''.join(np.ascontiguousarray(a).tobytes() for a in "
        "_run(4))).hexdigest())"
    )
    here = os.path.dirname(__file__)
    outs = []
    for n in ("1", "2"):
        env = dict(os.environ, NUMBA_NUM_THREADS=n)
        res = subprocess.run(
            [sys.executable, "-c", code.format(p=here)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert res.returncode == 0, res.stderr[-2000:]
        outs.append(res.stdout.strip())
    assert outs[0] == outs[1]


@settings(max_examples=15, deadline=None)
@given(st.integers(5, 80), st.integers(0, 50), st.sampled_from(["bayes", "bcpnn_s2", "bcpnn_s3"]))
def test_sparse_gather_equals_dense_potentials(P, seed, rule):
    """The one-step state equals the dense reference on random small nets (k-WTA)."""
    X, cnt, cues = setup(P, seed=seed)
    tab = NoiseTable(cnt, LAY, rule)
    r = recall(tab, cues, activation=KWTA(6), T_max=1, cue_key=(3, 0), seed=seed)
    W, b = tab.get((3, 0))
    S = b[None, :].astype(np.float64) + cues.astype(np.float64) @ W.astype(np.float64)
    for q in range(cues.shape[0]):
        top = np.sort(S[q])[::-1]
        if top[5] - top[6] > 1e-4:  # no near-tie at the WTA margin
            assert set(np.nonzero(r.states[q])[0]) == set(np.argsort(-S[q])[:6])


def test_noise_levels_of_keys():
    X, cnt, _ = setup(10)
    tab = NoiseTable(cnt, LAY, "bayes")
    assert tab.key(6, 4.4) == (4, 2) and tab.key(6, 9) == (6, 0) and tab.key(6, -1) == (0, 6)
    n = tab.noise((3, 0))
    assert n == CueNoise(0.5, 0.0)
