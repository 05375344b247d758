"""The chapter's examples: LIF vs analytic, Gaussian statistics, classification, hello world."""

import numpy as np
import pytest

from neuroplastic.experiments.simulations.classify import Classify
from neuroplastic.experiments.simulations.gaussian import GaussData
from neuroplastic.experiments.simulations.hello import HELLO_DIRECTIVES, Hello, HelloDirectives
from neuroplastic.experiments.simulations.lif_scope import LIFPlot, LIFScope
from neuroplastic.sim import HeadlessRunner, count_user_lines, lif, mlkit, sim_spec


def test_lif_isi_within_two_dt_of_analytic_and_silent_below_threshold():
    dt = 0.1
    RI = [16.0, 20.0, 30.0, 14.0, 15.0]
    V, spikes = lif.simulate(RI, dt=dt, n_steps=4000)
    T = lif.period(RI)
    assert np.allclose(T[:3], [29.7, 15.9, 8.9], atol=0.05)
    for s, t in zip(spikes[:3], T[:3]):
        isi = np.diff(s)
        assert len(isi) >= 5 and np.all(np.abs(isi - t) <= 2 * dt)
    assert len(spikes[3]) == 0 and len(spikes[4]) == 0 and np.isinf(T[3:]).all()
    assert lif.current_for_rate(1000.0 / T[1]) == pytest.approx(20.0)


def test_lif_example_measures_rates_close_to_analytic():
    r = HeadlessRunner(LIFScope()).init()
    r.run(2000)
    measured = [lif.measured_rate(s, r.sim.t) for s in r.sim.spikes]
    analytic = lif.rate([16.0, 20.0, 30.0])
    for m, a in zip(measured, analytic):
        assert abs(1000 / m - 1000 / a) <= 2 * 0.1
    assert r.rendered["scope"].shape == (160, 400, 3)


def test_gaussian_means_and_covariances_within_four_standard_errors():
    rng = np.random.default_rng(0)
    n, mu, S = 20000, (1.0, -2.0), (2.0, 1.0, 0.8)
    X = mlkit.gauss_2d(n, *mu, *S, rng)
    m, C = mlkit.sample_stats(X)
    se_m = np.sqrt(np.array([S[0], S[1]]) / n)
    assert np.all(np.abs(m - mu) <= 4 * se_m)
    true = np.array([[S[0], S[2]], [S[2], S[1]]])
    se_c = np.sqrt((true**2 + np.outer(np.diag(true), np.diag(true))) / n)
    assert np.all(np.abs(C - true) <= 4 * se_c)
    with pytest.raises(ValueError, match="Sigma_12"):
        mlkit.gauss_2d(5, 0, 0, 1.0, 1.0, 2.0, rng)


def test_class_streams_are_independent_and_non_psd_is_shown():
    r = HeadlessRunner(GaussData()).init()
    r.step()
    X2 = r.sim.X[1].copy()
    r.set("class1", {"mu_1": 3.0, "N": 50})
    r.step()
    assert np.array_equal(r.sim.X[1], X2) and len(r.sim.X[0]) == 50
    r.set("class1", {"Sigma_12": 4.0})
    r.cycle()
    assert "must be <=" in r.rendered["stats"] and len(r.sim.X[0]) == 0


def test_classification_cv_error_nn_and_drag():
    rng = np.random.default_rng(1)
    X = np.vstack([rng.standard_normal((200, 2)) + [-3, 0], rng.standard_normal((200, 2)) + [3, 0]])
    y = np.repeat([0, 1], 200)
    for m in mlkit.CLASSIFIERS:
        assert mlkit.cv_error(m, X, y, K=5, S=5, seed=0) < 0.05
    assert np.array_equal(mlkit.fit_predict("k-NN", X, y, X[:50], K=1), y[:50])
    r = HeadlessRunner(Classify(grid=20)).init()
    r.cycle()
    X0 = r.sim.Xy[0].copy()
    i = 7
    r.set("action", "move point")
    r.step()
    r.drag("regions", [tuple(X0[i]), (0.5, 0.5), (4.0, -4.0)])
    assert np.allclose(r.sim.Xy[0][i], (4.0, -4.0)) and np.allclose(
        np.delete(r.sim.Xy[0], i, 0), np.delete(X0, i, 0)
    )
    r.set("action", "add class 1")
    r.step()
    r.click("regions", 0.0, 0.0)
    assert len(r.sim.Xy[0]) == len(X0) + 1 and r.sim.Xy[1][-1] == 1


def test_hello_world_both_ways_and_line_counts():
    assert sim_spec(Hello) == sim_spec(HelloDirectives)
    for cls in (Hello, HelloDirectives):
        r = HeadlessRunner(cls()).init()
        r.run(3)
        assert r.rendered["greeting"] == "Hello, world! Hello, world! Hello, world! (step 3)"
    assert (
        count_user_lines(Hello) <= 25 and count_user_lines(HelloDirectives, HELLO_DIRECTIVES) <= 25
    )
    for cls in (LIFScope, LIFPlot, GaussData, Classify):
        assert count_user_lines(cls) <= 120


def test_memory_explorer_perfect_at_stated_load_and_error_rises():
    from neuroplastic.experiments.simulations.memory import MemoryExplorer

    r = HeadlessRunner(MemoryExplorer()).init()
    r.step()  # willshaw, N=1000, k=10, M=100, half cue
    assert r.sim.exact == 1.0
    r.set("N", 400)
    r.set("M", 4000)
    r.step()
    assert r.sim.exact < 0.5


def test_mnist_trainer_quick_threshold():
    pytest.importorskip("torch")
    from neuroplastic.experiments.simulations.mnist import MNISTTrainer

    r = HeadlessRunner(MNISTTrainer()).init()
    r.step(2)
    assert r.sim.test_accuracy >= 0.75
    assert len(r.sim.hist) == 2
