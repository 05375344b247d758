"""The experiments layer of chapter 6 (``neuroplastic.experiments.simulations``): its drivers
check what they claim to check, and fail where they should."""

from types import SimpleNamespace

import matplotlib
import numpy as np
import pandas as pd
import pytest

from neuroplastic import book
from neuroplastic.experiments import simulations as ex
from neuroplastic.experiments.simulations.classify import Classify
from neuroplastic.experiments.simulations.gaussian import GaussData
from neuroplastic.experiments.simulations.hello import Hello
from neuroplastic.experiments.simulations.lif_scope import LIFPlot, LIFScope
from neuroplastic.experiments.simulations.memory import MemoryExplorer
from neuroplastic.sim import HeadlessRunner, Store, lif

matplotlib.use("Agg")

ALL_RAN = {f"S{i}": True for i in range(1, 11)}


def test_profiles_share_their_keys():
    assert set(ex.PROFILES) == set(book.VALID_PROFILES)
    assert set(ex.PROFILES["quick"]) == set(ex.PROFILES["paper"])


def test_kernel_package_does_not_hold_the_examples():
    import neuroplastic.sim as sim_pkg

    assert not hasattr(sim_pkg, "examples")
    assert Hello.__module__ == "neuroplastic.experiments.simulations.hello"


def test_hello_round_trip(tmp_path):
    with Store(tmp_path / "s.db") as store:
        r = HeadlessRunner(Hello(), store=store).init()
        r.set("name", "IVISIT")
        r.run(3)
        r.save_config("greet")
        assert ex.hello_round_trip(store, "greet")
        # a configuration that carries only the default name proves nothing: the check fails
        HeadlessRunner(Hello(), store=store).init().save_config("default")
        assert not ex.hello_round_trip(store, "default")
        with pytest.raises(ValueError, match="steps"):
            ex.hello_round_trip(store, "greet", steps=0)


def test_lif_rate_table_matches_the_analytic_period():
    r = HeadlessRunner(LIFScope()).init()
    r.run(2000)
    t = ex.lif_rate_table(r)
    assert list(t["neuron"]) == ["n1", "n2", "n3"]
    np.testing.assert_allclose(t["T (ms)"], lif.period([16.0, 20.0, 30.0]))
    assert (t["|ΔT| (ms)"] <= 0.2).all()
    with pytest.raises(TypeError, match="LIFScope"):
        ex.lif_rate_table(HeadlessRunner(Hello()).init())


def test_fi_curve_silent_below_threshold_and_close_above():
    fi = ex.fi_curve([10.0, 14.0, 20.0, 40.0], n_steps=5000)
    assert list(fi["measured (Hz)"][:2]) == [0.0, 0.0]
    np.testing.assert_allclose(fi["measured (Hz)"][2:], fi["analytic (Hz)"][2:], rtol=0.03)
    with pytest.raises(ValueError, match="n_steps"):
        ex.fi_curve([20.0], n_steps=0)


def test_frame_times_and_speedup():
    t = ex.frame_times(LIFScope, 3)
    assert t.shape == (3,) and (t > 0).all()
    assert ex.speedup([1.0, 2.0, 3.0], [20.0, 40.0, 60.0]) == pytest.approx(20.0)
    for bad in (([], [1.0]), ([1.0], [0.0]), ([-1.0], [1.0])):
        with pytest.raises(ValueError, match="positive"):
            ex.speedup(*bad)
    table = ex.frame_time_table([0.001, 0.003], [0.01, 0.03])
    assert list(table["display"]) == ["scope", "Matplotlib plot"]
    assert table["median (ms/frame)"].tolist() == pytest.approx([2.0, 20.0])
    with pytest.raises(ValueError, match="n_frames"):
        ex.frame_times(LIFPlot, 0)


def test_gauss_independence():
    out = ex.gauss_independence(HeadlessRunner(GaussData()).init())
    assert out == {"untouched": True, "reported": True, "ok": True}


def test_pointer_script_counts_points():
    r = HeadlessRunner(Classify(grid=10)).init()
    out = ex.run_pointer_script(r)
    assert out["ok"] and out["at_query"]
    assert out["n_after"] == out["n_before"] + 3 - 1
    # another script and query: the count follows the script
    r2 = HeadlessRunner(Classify(grid=10)).init()
    out2 = ex.run_pointer_script(r2, script=(("delete nearest", ((2.0, -1.0),)),), query=(1.0, 1.0))
    assert out2["n_after"] == out2["n_before"] - 1 and out2["ok"]


def test_memory_curve_small():
    mem = ex.memory_curve(HeadlessRunner(MemoryExplorer()).init(), 200, [20, 400])
    assert mem.first_exact == 1.0
    assert list(mem.curve.columns) == ["M", "exact fraction", "output noise"]
    assert mem.ok
    flat = ex.MemoryCurve(
        1.0, pd.DataFrame({"M": [10, 20], "exact fraction": [1.0, 1.0], "output noise": [0.0, 0.0]})
    )
    assert not flat.ok  # an error that does not rise fails S7


def test_store_checks(tmp_path):
    with Store(tmp_path / "s.db") as store:
        by_grade = ex.save_lif_configs(store)
        assert by_grade["name"].iloc[-1] == "default"  # no grade sorts last
        checks = ex.store_checks(store, n_procs=2, n_each=3)
    assert checks.ok, checks
    assert checks.proc_rows == 6 and checks.exit_codes == [0, 0]
    assert "RI" in checks.diff_text()
    assert not ex.StoreChecks(checks.diff, True, [0], 5, 6, True, True, 1).ok


def test_rate_search_table_compares_with_the_analytic_current():
    RI = [10.0, 20.0, 30.0]
    rows = [{"RI.n1": x, "tau": 10.0, "objective": -abs(lif.rate(x) - 50.0)} for x in RI]
    t = ex.rate_search_table(SimpleNamespace(table=pd.DataFrame(rows)), [10.0], RI)
    exact = float(lif.current_for_rate(50.0, tau=10.0))
    assert t["analytic RI* (mV)"].iloc[0] == pytest.approx(exact)
    best = t["best RI on grid (mV)"].iloc[0]
    assert bool(t["within one grid step"].iloc[0]) == (abs(best - exact) <= 10)
    bad = [{"RI.n1": x, "tau": 10.0, "objective": -abs(x - 40.0)} for x in [10.0, 11.0, 40.0]]
    t2 = ex.rate_search_table(SimpleNamespace(table=pd.DataFrame(bad)), [10.0], [10.0, 11.0, 40.0])
    assert not t2["within one grid step"].iloc[0]


def test_graded_table(tmp_path):
    with Store(tmp_path / "s.db") as store:
        sim = LIFScope()
        for i, g in enumerate([0.3, 0.1, 0.2]):
            store.save(sim, f"c{i}", grade=g)
        t = ex.graded_table(store, "lif_scope", n=2)
    assert list(t["name"]) == ["c1", "c2"]


def test_user_lines_and_budget():
    t = ex.user_lines()
    assert len(t) == 8
    assert (t["within"] == (t["user lines"] <= t["budget"])).all()
    assert t.loc[t["example"] == "hello world", "budget"].item() == ex.C2_BUDGET["hello"]


def test_every_kind_check():
    assert ex.every_kind_check()


def _verdicts(records):
    claims = book.Claims("ch06")
    for r in records:
        claims.add(**r)
    return {c.id: c.verdict for c in claims}


def test_claim_records_follow_the_checks():
    lines = ex.user_lines()
    v = _verdicts(ex.claim_records(ALL_RAN, lines, True, 25.0, "quick"))
    assert v == {f"C{i}": book.HOLDS for i in range(1, 7)}
    v = _verdicts(ex.claim_records(ALL_RAN, lines, True, 15.0, "quick"))
    assert v["C6"] == book.DEPENDS
    v = _verdicts(ex.claim_records(ALL_RAN, lines, True, 5.0, "quick"))
    assert v["C6"] == book.DOES_NOT_HOLD
    # a failed check of our re-creation is no evidence against IVISIT: "not assessable", with
    # the failed sections in the reason, never "holds"
    records = ex.claim_records({**ALL_RAN, "S8": False}, lines, False, 25.0, "quick")
    v = _verdicts(records)
    assert v["C4"] == v["C3"] == v["C5"] == book.NOT_ASSESSABLE and v["C1"] == book.HOLDS
    c4 = next(r for r in records if r["id"] == "C4")
    assert "S8" in c4["reason"]
    over = lines.assign(within=False)
    v = _verdicts(ex.claim_records(ALL_RAN, over, True, 25.0, "quick"))
    assert v["C2"] == book.NOT_ASSESSABLE


def test_claim_records_validate():
    lines = ex.user_lines()
    with pytest.raises(ValueError, match="S10"):
        ex.claim_records({f"S{i}": True for i in range(1, 10)}, lines, True, 25.0, "quick")
    with pytest.raises(ValueError, match="ratio"):
        ex.claim_records(ALL_RAN, lines, True, float("nan"), "quick")


def test_mnist_result_rule_and_validation():
    assert ex.MNISTResult(0.80, float("nan"), 2, 0, "x").ok
    assert not ex.MNISTResult(0.80, float("nan"), 8, 0, "x").ok
    with pytest.raises(ValueError, match="mlp_epochs"):
        ex.train_mnist(None, 0)


def test_figures():
    import matplotlib.pyplot as plt

    fig = ex.plot_frame_times(ex.frame_time_table([0.0005, 0.0006], [0.02, 0.03]))
    assert fig.axes[0].get_yscale() == "log"
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    assert labels and all("^" not in s and "×" not in s for s in labels)
    plt.close(fig)
    fi = ex.fi_curve([20.0, 30.0], n_steps=2000)
    plt.close(ex.plot_lif(np.zeros((10, 10, 3), np.uint8), fi))
    plt.close(ex.plot_before_after(np.zeros((4, 4, 3)), np.ones((4, 4, 3))))
    rows = [
        {"RI.n1": x, "tau": tau, "objective": -abs(lif.rate(x, tau=tau) - 50.0)}
        for tau in (5.0, 10.0)
        for x in (15.0, 20.0, 25.0)
    ]
    fig = ex.plot_rate_search(SimpleNamespace(table=pd.DataFrame(rows)), [5.0, 10.0])
    assert len(fig.axes[0].get_lines()) == 4  # two curves, two analytic markers
    plt.close(fig)


def test_ivisit_round_trip(tmp_path):
    pytest.importorskip("supy")
    from pathlib import Path

    script = Path(ex.__file__).with_name("ivisit_gauss_script.py")
    out = ex.ivisit_round_trip(script, tmp_path)
    assert out.ok, out
    assert out.same == [True, True, True]
    assert out.frame()["field"].tolist() == ["values", "timing", "grade", "positions"]
    assert all(len(line) <= 96 for line in out.notes_text().splitlines())
