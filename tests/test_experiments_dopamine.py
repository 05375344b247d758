"""Chapter 5's experiments layer (neuroplastic.experiments.dopamine): the memoized drivers at toy
sizes, the tables and figures they feed, the widening grid search, the cost to a target and the
claim checks."""

import math

import matplotlib
import numpy as np
import pandas as pd
import pytest

from neuroplastic.experiments import dopamine as dp
from neuroplastic.perturbation import TrainResult

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch):
    monkeypatch.setenv("NEUROPLASTIC_NO_CACHE", "1")  # no cache files from tests


def _result(method, curve, final):
    curve = np.asarray(curve, dtype=float)
    return TrainResult(
        method=method,
        lr=1.0,
        seed=0,
        curve=curve,
        final_val=final,
        best_val=float(np.min(curve[:, 1])),
        forward_passes=0,
        wall_time=1.0,
        time_per_step=0.01,
        fpe_per_step=2.0,
        diverged=not np.isfinite(final),
        init_hash="x",
        train_loss=np.zeros(1),
    )


def _fc(runs):
    return dp.ForecastingResult(
        runs=runs, lrs={}, tuning=None, searches={}, configs={}, baselines={}, persistence={}
    )


def test_cost_to_target_ignores_diverged_runs():
    good = _result("wp", [(0, 1.0, 0, 0), (10, 0.1, 1, 20), (20, 0.05, 2, 40)], 0.05)
    adam = _result("adam", [(0, 1.0, 0, 0), (10, 0.01, 1, 30), (20, 0.001, 2, 60)], 0.001)
    blown = _result("wp", [(0, 1.0, 0, 0), (10, np.inf, 1, 20)], np.inf)
    fc = _fc([{"system": "lorenz", "method": r.method, "result": r} for r in (good, adam, blown)])
    t = dp.cost_to_target(fc, "lorenz", ["wp", "adam"]).set_index("method")
    assert t.loc["wp", "target_mse"] == 0.05  # the diverged run does not set it
    assert t.loc["wp", "reached"] == 0.5  # and it never reaches it
    assert t.loc["adam", "steps"] == 10 and t.loc["adam", "steps_after"] == 0


def test_adaptive_grid_widens_until_the_best_is_interior():
    calls = []

    def run(points):
        calls.extend(points)
        # optimum at 10, divergence above 30 for key "a"; optimum at 0.05 for key "b"
        return [
            math.inf if (k == "a" and v > 30) else math.log(v / (10 if k == "a" else 0.05)) ** 2
            for k, v in points
        ]

    searches, scores = dp.adaptive_grid_search(run, {"a": [1, 2, 3], "b": [1, 2, 3]}, max_rounds=8)
    assert searches["a"].on_edge is None and 6 <= searches["a"].best <= 16
    assert searches["b"].on_edge is None and searches["b"].best < 1
    assert len(calls) == len(set(calls))  # nothing is run twice
    capped, _ = dp.adaptive_grid_search(run, {"a": [1, 2, 3]}, max_rounds=1)
    assert capped["a"].on_edge == "upper" and capped["a"].grid == (1, 2, 3, 6)


def test_adaptive_grid_stops_at_divergence_and_equalises_budgets():
    def run(points):
        return [math.inf if v > 5 else -v for k, v in points]  # better up to divergence

    searches, _ = dp.adaptive_grid_search(
        run, {"wp": [1, 2], "d1": [1, 2, 4]}, max_rounds=6, equal_groups=[["wp", "d1"]]
    )
    for k in ("wp", "d1"):
        assert searches[k].best == 4 and searches[k].on_edge is None
    assert searches["wp"].grid == searches["d1"].grid  # equal budgets
    assert max(searches["wp"].grid) == 8  # the first point past divergence


def _run(method, seed, vals):
    steps = np.arange(len(vals), dtype=float)
    curve = np.column_stack([steps, vals, steps * 0.1, steps * 2])
    res = TrainResult(
        method,
        0.1,
        seed,
        curve,
        vals[-1],
        min(vals),
        2 * len(vals),
        1.0,
        0.1,
        2.0,
        not np.isfinite(vals[-1]),
        "h",
        np.array(vals),
    )
    return {"system": "lorenz", "method": method, "result": res}


def test_cost_to_target_is_reached_by_every_finite_run():
    fc = _fc(
        [
            _run("adam", 0, [1.0, 0.1, 0.01]),
            _run("adam", 1, [1.0, 0.2, 0.02]),
            _run("wp", 0, [1.0, 0.6, 0.5]),
            _run("wp", 1, [1.0, 0.9, 0.8]),
            _run("wp", 2, [1.0, np.inf, np.inf]),
        ]
    )
    t = dp.cost_to_target(fc, "lorenz", ["adam", "wp"]).set_index("method")
    assert (t.target_mse == 0.8).all()  # the worst finite final of any run
    assert t.loc["adam", "steps"] == 1.0  # both adam runs are below 0.8 at step 1
    assert t.loc["wp", "steps"] == 1.5  # wp seeds 0, 1 reach it at steps 1, 2
    assert t.loc["wp", "reached"] == pytest.approx(2 / 3) and t.loc["adam", "reached"] == 1.0
    with pytest.raises(ValueError, match="finite"):
        dp.cost_to_target(_fc([_run("wp", 2, [np.inf])]), "lorenz", ["wp"])


TINY_GRIDS = {
    "sgd": [[1.0, None], [2.0, None]],
    "adam": [[0.03, None], [0.1, None]],
    "wp": [[1.0, None], [2.0, None]],
    "dopamine1": [[0.03, 0.9], [0.1, 0.9]],
    "dopamine2": [[1.0, 0.99], [2.0, 0.99]],
}


@pytest.fixture(scope="module")
def tiny():
    """Every driver at toy sizes, one process."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEUROPLASTIC_NO_CACHE", "1")
        xor = dp.xor_convergence([4, 2], [0, 1, 2, 3], [10, 11], 60, TINY_GRIDS, n_jobs=1)
        lrs = {
            "sgd": 0.1,
            "adam": 1e-2,
            "wp": 1e-3,
            "dopamine1": 1e-3,
            "dopamine2": 1e-3,
            "dopamine2_fast": 1e-3,
        }
        fc = dp.forecasting_comparison(
            dp.SYSTEMS,
            dp.RNN_METHODS,
            [0],
            hidden=8,
            stride=256,
            steps=6,
            lrs=lrs,
            eval_every=2,
            free_cap=5,
            n_jobs=1,
        )
        quoted = dp.quoted_rule_check(
            [0, 1], 40, xor.best[("wp", 4)][0], 6, 1e-3, 8, 256, eval_every=2, n_jobs=1
        )
    return xor, fc, quoted


def test_xor_convergence_tunes_on_disjoint_seeds_and_evaluates_every_method(tiny):
    xor, _, _ = tiny
    assert isinstance(xor, dp.XorResult)
    assert set(xor.runs) == {(m, h) for m in dp.METHODS for h in (4, 2)}
    for (m, h), (lr, _beta) in xor.best.items():
        assert xor.searches[(m, h)].best == lr and xor.configs[(m, h)] >= 2
        assert 0 <= xor.grid_share[(m, h)] <= 1
    tab = dp.xor_table(xor)
    assert len(tab) == 12 and tab["success %"].between(0, 100).all()
    assert list(dp.xor_search_table(xor).configurations) == [xor.configs[k] for k in xor.searches]
    with pytest.raises(ValueError, match="disjoint"):
        dp.xor_convergence([2], [0, 1], [1, 2], 10, TINY_GRIDS, n_jobs=1)


def test_forecasting_tables_and_the_rule_as_quoted(tiny):
    xor, fc, quoted = tiny
    tab = dp.forecasting_table(fc)
    assert len(tab) == 2 * len(dp.RNN_METHODS)
    assert (tab.persistence > 0).all() and (tab.final_mse > 0).all()
    assert fc.lrs["dopamine2_as_quoted"] == dp.RNN_TABLE["lorenz"]["eta0"]
    tt = dp.cost_to_target_table(fc)
    assert set(tt.system) == set(dp.SYSTEMS) and "adam" in set(tt.method)
    assert dp.best_dopamine(tab, "lorenz") in dp.DOPAMINE_RNN
    qt = dp.quoted_rule_table(quoted)
    assert list(qt["EMA order"]) == ["as_quoted", "standard"] * 2
    # the rule as quoted moves neither task: its step is ~12 orders of magnitude too small
    assert dp.quoted_rule_flat(qt)
    with pytest.raises(ValueError, match="lrs or tune_grids"):
        dp.forecasting_comparison(["lorenz"], ["wp"], [0], 8, 256, 2)
    with pytest.raises(ValueError, match="tune_seed"):
        dp.forecasting_comparison(["lorenz"], ["wp"], [100], 8, 256, 2, lrs={"wp": 1e-3})


def test_claim_checks_follow_the_rules(tiny):
    xor, fc, quoted = tiny
    mem = pd.DataFrame(
        {
            "method": ["adam"] * 2 + ["dopamine1"] * 2,
            "T": [8, 32] * 2,
            "peak_bytes": [4e6, 16e6, 5e5, 5e5],
            "saved_bytes": [1e6, 4e6, 0, 0],
        }
    )
    checks = dp.check_claims(xor, fc, quoted, mem, steps=6, mem_T=[8, 32])
    by_id = {c.id: c for c in checks}
    assert list(by_id) == ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "E2"]
    assert by_id["C4"].holds is True and by_id["E2"].holds is True
    assert by_id["C6"].holds is None and by_id["C6"].reason
    c1 = dict((v[0], v[1]) for v in by_id["C1"].variants)
    assert c1["RNN forecasting, Dopamine-2 with the quoted beta = 0.9998 [T]"] == "not assessable"
    for cid in ("C1", "C2", "C3", "C5"):
        assert len(by_id[cid].budget) == 4
    # a Dopamine peak that grows with T fails C4
    grown = mem.assign(peak_bytes=[4e6, 16e6, 5e5, 8e6])
    assert dp.check_claims(xor, fc, quoted, grown, 6, [8, 32])[3].holds is False


def test_figures_and_markdown_tables(tiny):
    xor, fc, quoted = tiny
    mem = pd.DataFrame(
        {
            "method": ["adam", "dopamine1"],
            "T": [8, 8],
            "peak_bytes": [4e6, 5e5],
            "saved_bytes": [1e6, 0],
            "state_bytes": [1e3, 0],
            "forward_passes": [1, 2],
            "fpe_per_step": [3.0, 2.0],
            "time_s": [1e-3, 5e-4],
        }
    )
    for fig in (
        dp.xor_figure(xor, 60),
        dp.quoted_rule_figure(quoted),
        dp.onestep_figure(fc),
        dp.freerun_figure(fc),
        dp.memory_figure(mem),
        dp.spectral_figure(None, fc),
    ):
        assert fig.axes
    assert list(dp.memory_table(mem)["peak MB"].round(3)) == [3.815, 0.477]
    md = dp.md_table(pd.DataFrame({"a": [1.23456, np.nan], "b": ["x|y", "z"]})).data
    assert "1.23" in md and "–" in md and "x\\|y" in md
    assert dp.beta_reach(5000) == pytest.approx(1 - 0.9998**5000)
    with pytest.raises(ValueError, match="steps"):
        dp.beta_reach(-1)
