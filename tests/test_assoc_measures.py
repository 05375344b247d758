"""Measures: ε, bits per synapse, prototype window, bootstrap (spec ch01 §4, §7)."""

import numpy as np
import pytest

from neuroplastic import assoc as A


def test_eps_one_wrong_hypercolumn():
    lay = A.Modular(20, 20)
    t = A.random_patterns(5, lay, seed=1)
    s = A.flip_cues(t, 1, seed=2)
    assert A.output_noise(s, t) == pytest.approx(2 / 20)
    miss, false = A.error_counts(s, t)
    assert (miss == 1).all() and (false == 1).all()
    assert A.exact_fraction(s, t) == 0.0 and A.exact_fraction(t, t) == 1.0


def test_information_values():
    lay = A.Modular(20, 20)
    assert A.info_per_pattern(lay, "v1") == pytest.approx(114.56, abs=0.01)
    assert A.info_per_pattern(lay, "error_corrected", errors=0.0) == pytest.approx(86.44, abs=0.01)
    # errors reduce the information
    assert A.info_per_pattern(lay, "error_corrected", errors=0.05) < 86.44
    # transinformation without errors = log2 C(N, K) approx N H_b(a)
    assert A.transinformation(400, 20, 0, 0) == pytest.approx(400 * A.binary_entropy(0.05))


def test_bits_per_synapse_conventions():
    lay = A.Modular(20, 20)
    N = 400
    cl = A.bits_per_synapse(505, lay, info="v1", synapses="sym")
    assert cl == pytest.approx(505 * 114.557 / (N * (N - 1) / 2), rel=1e-4)
    assert A.bits_per_synapse(505, lay, synapses="sym", symmetric=False) == pytest.approx(
        505 * A.info_per_pattern(lay) / N**2
    )
    ce = A.bits_per_synapse(505, lay, info="error_corrected", synapses="exist", errors=0.0)
    assert ce == pytest.approx(505 * 86.44 / (N * (N - 20) / 2), rel=1e-3)
    assert A.n_synapses(A.KofN(400, 20), "exist") == 400 * 399 / 2
    assert A.n_synapses(lay, "directed") == 400 * 380
    assert A.n_synapses(lay, "all") == 400**2


def test_prototype_score_and_window():
    lay = A.Modular(4, 5)
    protos = A.random_patterns(3, lay, seed=0)
    labels = np.array([0, 1, 2, 2], dtype=np.int32)
    states = protos.rows(labels)
    assert A.prototype_score(states, protos, labels) == 1.0
    assert A.prototype_score(states, protos, np.array([1, 1, 2, 2], dtype=np.int32)) == 0.75
    w = A.score_window([2, 5, 10, 20, 40], [0.5, 0.95, 0.9, 0.2, 0.93])
    assert w.intervals == ((5.0, 10.0), (40.0, 40.0)) and w.upper == 40.0
    assert np.isnan(A.score_window([1, 2], [0.1, 0.2]).upper)


def test_bootstrap_ci():
    lo, hi = A.bootstrap_ci(np.arange(10.0), seed=0)
    assert lo < 4.5 < hi
    assert A.bootstrap_ci(np.arange(10.0), seed=0) == (lo, hi)
    assert A.bootstrap_ci(np.ones(5), seed=0) == (1.0, 1.0)
