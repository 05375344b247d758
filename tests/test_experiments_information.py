"""Chapter 4's experiments layer (neuroplastic.experiments.competitive.information): the table
drivers, summaries, figures and claim checks on tiny synthetic models and results."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import torch

from neuroplastic.competitive import (
    BPConfig,
    RRConfig,
    RRReadoutConfig,
    train_bp,
    train_readout,
    train_rr,
)
from neuroplastic.competitive.continual import ContinualResult
from neuroplastic.experiments.competitive import information as ex

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    protos = (rng.random((10, 784)) < 0.15).astype(np.float32)
    y = np.repeat(np.arange(10), 40)
    noise = rng.random((400, 784)) < 0.03
    X = np.clip(protos[y] * rng.uniform(0.5, 1.0, (400, 784)) + noise, 0, 1)
    perm = rng.permutation(400)
    X, y = X[perm].astype(np.float32), y[perm]
    return X[:300], y[:300], X[300:], y[300:]


@pytest.fixture(scope="module")
def cfgs():
    return {
        "BP": ("bp", BPConfig(n_hidden=16, epochs=2)),
        "RR": ("rr", (RRConfig(n_hidden=16, epochs=2), RRReadoutConfig(epochs=3))),
    }


@pytest.fixture(scope="module")
def models(data, cfgs):
    X, y, _, _ = data
    bp = train_bp(X, y, cfgs["BP"][1], seed=0)
    lay, ro = cfgs["RR"][1]
    layer = train_rr(X, lay, seed=0)
    rr = train_readout(layer, X, y, ro, seed=0)
    rr.layer = layer
    return {"BP": bp, "RR": rr}


@pytest.fixture(scope="module")
def tables(models, cfgs, data):
    t1, preds = ex.model_table(models, data, n_boot=20, seed=0)
    prune = ex.pruning_table(
        models, cfgs, data, [0, 0.5, 0.9], refit=True, refine_steps=1, n_boot=10, seed=0
    )
    match, at_min, t_cs = ex.capacity_readings(models, cfgs, data, t1, preds, prune, n_boot=20)
    return t1, preds, prune, match, at_min, t_cs


def test_model_table_capacities(tables, data):
    t1 = tables[0]
    assert list(t1.index) == ["BP", "RR"]
    n_train = len(data[1])
    for _, row in t1.iterrows():
        assert 0 <= row["T_test (bits)"] <= math.log2(10) + 1e-9
        assert row["C_S (bit/syn)"] == pytest.approx(n_train * row["T_test (bits)"] / row["N_nz"])
        assert row["C (bit/syn)"] == pytest.approx(n_train * row["T_test (bits)"] / row["N_tot"])
        assert row["N_nz"] <= row["N_tot"] == 16 * (784 + 10)
        assert row["N_det"] <= row["N_nz"]


def test_pruning_table_factors(tables):
    prune = tables[2]
    assert prune.variants == ["one-shot", "refit"]
    t2 = prune.table
    for (name, var), row in t2.iterrows():
        assert row["F"] == pytest.approx(row["N_tot"] / row["N_min"])
        assert row["r"] == pytest.approx(row["N_nz"] / row["N_min"])
        assert row["N_min"] <= row["N_nz"]
        lo, hi = prune.nmin_ci[name, var]
        assert lo <= hi
    assert set(prune.curves) == {(n, v) for n in ("BP", "RR") for v in ("one-shot", "refit")}


def test_capacity_readings_consistent(tables):
    t1, _, _, match, at_min, t_cs = tables
    n_rr = int(t1.loc["RR", "N_nz"])
    for var in ("one-shot", "refit"):
        assert match[var]["N_nz"] >= n_rr  # BP pruned to the smallest count >= RR's
        d, lo, hi = match[var]["dT"]
        assert lo <= hi
        row = t_cs.loc[f"matched counts, BP {var}"]
        assert row["C_S ratio RR/BP"] == pytest.approx(match[var]["cmp"].ratio)
    assert t_cs.loc["as trained (BP unpruned)", "C_S ratio RR/BP"] == pytest.approx(
        t1.loc["RR", "C_S (bit/syn)"] / t1.loc["BP", "C_S (bit/syn)"]
    )
    assert set(at_min) == {"one-shot", "refit"}


def test_vae_table_rows(models, data, tables):
    tv = ex.vae_table(models, data, tables[0], epochs=1, seed=0)
    assert list(tv.index) == ["BP", "RR", "pixels"]
    assert np.isnan(tv.loc["pixels", "R / N_nz (bits/syn)"])
    assert tv.loc["RR", "R / N_nz (bits/syn)"] == pytest.approx(
        tv.loc["RR", "rate R (bits)"] / tables[0].loc["RR", "N_nz"]
    )
    assert (tv["rate R (bits)"] >= 0).all()


def _cont(f_task, f_rep, silent=0.5):
    return ContinualResult(
        kind="rr",
        task_old=(0.9, 0.9 - f_task),
        task_new=(0.0, 0.9),
        probe_old=(0.9, 0.9 - f_rep),
        probe_new=(0.5, 0.9),
        silent_after_1=silent,
        silent_after_2=silent,
        grown=3,
        lost=4,
        units_moved=1,
        n_input_synapses=100,
        heads_task_old=(0.95, 0.95 - f_task),
        heads_task_new=(np.nan, 0.9),
        heads_probe_old=(0.9, 0.9 - f_rep),
    )


def test_continual_table_forgetting():
    t = ex.continual_table({"RR": _cont(0.1, 0.05), "BP": _cont(0.5, 0.3)})
    assert t.loc["RR", "F_task (pp)"] == pytest.approx(10)
    assert t.loc["BP", "heads: F_rep (pp)"] == pytest.approx(30)
    assert t.loc["RR", "A_old 1→2 %"] == "90.0 → 80.0"


def _sweep(widths=(25, 100)):
    rows = []
    for proto in ("equal_wins", "fixed"):
        for model in ("BP", "RR"):
            for K in widths:
                n_tot = K * 794
                n_min = n_tot / (2 + K / 100)
                rows.append(
                    {
                        "model": model,
                        "protocol": proto,
                        "K": K,
                        "seed": 0,
                        "epochs": 2,
                        "acc": 0.9,
                        "N_tot": n_tot,
                        "N_nz": n_tot / 2,
                        "nz_frac": 0.5,
                        "N_min": n_min,
                        "F": n_tot / n_min,
                        "r": 1.0,
                        "min_passes_all": False,
                        "wins_mean": 1.0,
                        "dead_frac": 0.0,
                        "wins_total": 10.0,
                        "cache": "hit",
                        "hash": f"{model}{K}{proto}",
                    }
                )
    return pd.DataFrame(rows)


def test_width_summaries():
    sw = _sweep()
    ws = ex.width_summary(sw, ["equal_wins", "fixed"])
    assert list(ws["F"].index) == [25, 100]
    assert ws["F"].loc[100] == pytest.approx(3.0)
    bpf = ex.bp_factor_summary(ws["F"], ws["bp"], [2.5])
    assert bpf["F_max"] == pytest.approx(3.0)
    assert bpf["K13"] == pytest.approx(13 * bpf["nmin_big"] / 794)
    assert bpf["trend"].startswith("F rises")
    wt = ex.width_table(sw)
    assert "test acc %" in wt.columns and wt["test acc %"].iloc[0] == pytest.approx(90)


def _inputs(tables, cont, widths=(25, 100)):
    t1, _, prune, match, at_min, _ = tables
    tv = pd.DataFrame({"R / N_nz (bits/syn)": [1e-3, 2e-3]}, index=["BP", "RR"])
    sw = _sweep(widths)
    ws = ex.width_summary(sw, ["equal_wins", "fixed"])
    return ex.ClaimInputs(
        t1, prune, match, at_min, tv, ws, cont, 3.0, 16, ("equal_wins", "fixed"), list(widths)
    )


def test_check_claims_structure(tables):
    checks = ex.check_claims(_inputs(tables, {"RR": _cont(0.0, 0.0), "BP": _cont(0.5, 0.3)}))
    assert [c.id for c in checks] == ["C1", "C2", "C3", "C4", "C5", "C6"]
    by = {c.id: c for c in checks}
    # C1: three pruning readings (refit included) plus the paper's 13, never assessable
    assert len(by["C1"].variants) == 4 and by["C1"].variants[-1][1] is None
    assert all(v[1] is None for v in by["C5"].variants) and "400 and 800" in by["C5"].reason
    assert all(v[1] is True for v in by["C6"].variants)  # RR forgets 0, BP 50/30 pp
    for c in checks:
        for _, outcome, evidence in c.variants:
            assert outcome in (True, False, None) and any(ch.isdigit() for ch in evidence)
    assert by["C2"].budget == ("RR", 1, "BP", 1) and by["C1"].budget is None
    assert "RR 1 configuration" in ex.budget_text(by["C2"])


def test_check_claims_can_fail(tables):
    # RR forgets as much as BP, and only 10 % of its synapses are silent: C6 fails everywhere
    checks = ex.check_claims(
        _inputs(tables, {"RR": _cont(0.5, 0.3, silent=0.1), "BP": _cont(0.5, 0.3)})
    )
    c6 = next(c for c in checks if c.id == "C6")
    assert all(v[1] is False for v in c6.variants)
    # with widths 400 and 800, C5 is decided (RR's synapses double from 400 to 800: fails)
    checks = ex.check_claims(
        _inputs(tables, {"RR": _cont(0, 0), "BP": _cont(0.5, 0.3)}, widths=(200, 400, 800))
    )
    c5 = next(c for c in checks if c.id == "C5")
    assert c5.reason is None and all(v[1] is False for v in c5.variants)


def test_figures(tables):
    t1, _, prune, _, _, t_cs = tables
    sw = _sweep()
    ws = ex.width_summary(sw, ["equal_wins", "fixed"])
    tv = pd.DataFrame(
        {"rate R (bits)": [5.0, 6.0, 7.0], "R / N_nz (bits/syn)": [1e-3, 2e-3, np.nan]},
        index=["BP", "RR", "pixels"],
    )
    figs = [
        ex.plot_pruning(prune),
        ex.plot_capacity(t_cs),
        ex.plot_vae(tv, ["BP", "RR"]),
        ex.plot_widths(sw, ["equal_wins", "fixed"]),
        ex.plot_F_width(ws["F"], ws["bp"], 100, 3.0, 3.5),
        ex.plot_continual({"RR": _cont(0.1, 0.0), "BP": _cont(0.5, 0.3)}),
    ]
    for f in figs:
        assert f.axes
        plt.close(f)


def test_md_table_formats():
    df = pd.DataFrame(
        {"n": [12345, 7], "x": [0.12345, np.nan], "ok": [True, False], "s": ["a|b", "c"]},
        index=pd.Index(["p", "q"], name="row"),
    )
    md = ex.md_table(df, digits=2).data
    lines = md.strip().splitlines()
    assert lines[0] == "| row | n | x | ok | s |"
    assert lines[2] == "| p | 12,345 | 0.12 | yes | a\\|b |"
    assert lines[3] == "| q | 7 | – | no | c |"
    with pytest.raises(ValueError):
        ex.md_table(df, digits=-1)


def test_readout_configs(cfgs):
    ro = ex.readout_configs(cfgs)
    assert ro["BP"] is cfgs["BP"][1] and ro["RR"] is cfgs["RR"][1][1]


def test_one_two_five_ticks():
    assert ex._one_two_five(1500, 60_000) == [2000, 5000, 10_000, 20_000, 50_000]
