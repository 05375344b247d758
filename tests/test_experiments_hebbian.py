"""Chapter 1's experiments layer (neuroplastic.experiments.hebbian): the memoized sweeps at toy
sizes, the storage-table helpers and the claim checks on hand-made tables whose verdicts are
known."""

import matplotlib
import numpy as np
import pandas as pd
import pytest

from neuroplastic import assoc as A
from neuroplastic.experiments import hebbian as hb

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch):
    monkeypatch.setenv("NEUROPLASTIC_NO_CACHE", "1")  # no cache files from tests


def test_sweeps_quick():
    lay = A.Modular(5, 8)
    df = hb.storage_curves(
        ["willshaw", "bcpnn"],
        lay,
        1,
        P_start=5,
        factor=1.4,
        nrep=2,
        seed=0,
        n_jobs=1,
        progress=False,
    )
    assert set(df.rule) == {"willshaw", "bcpnn"}
    summ = hb.curve_summary(df)
    assert {"fcorr_mean", "fcorr_sd", "eps_mean"} <= set(summ.columns)
    p90 = hb.curve_p90(df, lay, n_boot=50)
    assert (p90.P90 > 0).all() and (p90.C_L > p90.C_E).all()
    cells = hb.sweep_cells("F1", "toy", df, lay, n_boot=50)
    assert list(cells.rule) == ["willshaw", "bcpnn"]
    assert np.allclose(cells.P90, p90.P90) and {"flag", "excluded", "P_eps"} <= set(cells)
    tab = hb.capacity_table(["willshaw", "bcpnn"], lay, 1, nrep=2, seed=0, n_jobs=1, progress=False)
    assert list(tab.rule) == ["willshaw", "bcpnn"] and (tab.P90_mean > 0).all()
    assert tab.eps_at_P90.between(0, 1).all() and (tab.C_L > tab.C_E).all()
    cl = [A.bits_per_synapse(p, lay, info="v1", synapses="sym") for p in tab.P90_mean]
    assert np.allclose(tab.C_L, cl)
    rows = hb.search_cells("F4", "toy", tab, family="f", level=1.0)
    assert list(rows.columns[:4]) == ["fig", "condition", "layout", "rule"]
    assert np.allclose(rows.P90, tab.P90_mean) and "excluded" in rows
    with pytest.raises(ValueError, match="zipf"):
        hb.search_cells("F4", "toy", tab, zipf="other")
    pf = hb.prototype_curves(
        ["covar"],
        lay,
        [2, 4],
        n_inst=5,
        d_train=1,
        d_test=1,
        n_test=5,
        nrep=1,
        seed=0,
        n_jobs=1,
        progress=False,
    )
    assert len(pf) == 2 and pf.score.between(0, 1).all()
    assert list(pf.n_test) == [10, 20]  # Q × n_test
    pm = hb.prototype_curves(
        ["covar"],
        lay,
        [2, 4],
        n_inst=5,
        d_train=1,
        d_test=1,
        n_test=5,
        nrep=1,
        seed=0,
        min_cues=30,
        n_jobs=1,
        progress=False,
    )
    assert list(pm.n_test) == [30, 32]  # Q × max(5, ceil(30 / Q))
    with pytest.raises(ValueError, match="min_cues"):
        hb.prototype_curves(
            ["covar"],
            lay,
            [2],
            n_inst=5,
            d_train=1,
            d_test=1,
            n_test=5,
            min_cues=-1,
            progress=False,
        )
    assert len(hb.prototype_windows(pf)) == 1


def test_capacity_levels_chain_start_loads():
    """Each level starts at the previous level's estimate; P90 falls with more flips."""
    lay = A.Modular(6, 10)
    rules = ["willshaw", "bcpnn"]
    out = hb.capacity_levels(
        "F4",
        "fam",
        lay,
        [(n, {"nflip": n}, f"nflip {n}") for n in (1, 2)],
        p0={"willshaw": 20.0, "bcpnn": 20.0},
        rules=rules,
        nrep=2,
        seed=0,
    )
    assert list(out.level.unique()) == [1.0, 2.0] and set(out.family) == {"fam"}
    for r in rules:
        d = out[out.rule == r].sort_values("level")
        assert d.P90.iloc[1] < d.P90.iloc[0]
    with pytest.raises(ValueError, match="points"):
        hb.capacity_levels("F4", "fam", lay, [], p0={"willshaw": 1, "bcpnn": 1}, rules=rules)


def test_rule_symmetric():
    assert hb.rule_symmetric("boms") and hb.rule_symmetric("hebb")
    assert not hb.rule_symmetric("bom") and not hb.rule_symmetric("bayes")


def test_zipf_calibration_equal_overlap():
    from neuroplastic.assoc.patterns import zipf_overlap

    lays = {"modular": A.Modular(10, 20), "kofn": A.KofN(200, 10)}
    cal = hb.zipf_calibration(lays, [0.0, 0.5, 1.0])
    assert cal.rho.iloc[0] == pytest.approx(1.0) and cal.s_kofn.iloc[0] == 0.0
    assert (np.diff(cal.rho) > 0).all()
    o0 = zipf_overlap(lays["kofn"], 0.0)
    for rho, s in zip(cal.rho, cal.s_kofn):
        assert zipf_overlap(lays["kofn"], s) / o0 == pytest.approx(rho, rel=1e-4)
    assert cal.rho_kofn_raw.iloc[-1] > cal.rho.iloc[-1]  # raw s: far more correlated K-of-N
    with pytest.raises(ValueError, match="layouts"):
        hb.zipf_calibration({"modular": lays["modular"]}, [0.5])


def _storage(values, excluded=(), zipf="both", fig="F1", cond="c", width=1.0):
    """Storage rows of the seven rules with P90 = values[rule] and CI ± width."""
    rows = []
    for r in hb.SEVEN:
        v = values[r]
        rows.append(
            {
                "fig": fig,
                "condition": cond,
                "rule": r,
                "P90": v,
                "ci_lo": v - width,
                "ci_hi": v + width,
                "excluded": r in excluded,
                "flag": "not converged" if r in excluded else "",
                "zipf": zipf,
                "C_L": v / 100,
                "C_E": v / 200,
            }
        )
    return pd.DataFrame(rows)


BASE = {
    "hebb": 10,
    "covar": 20,
    "precovar": 21,
    "hopfield": 19,
    "willshaw": 15,
    "bcpnn": 40,
    "boms": 38,
}


def _levels(family, levels, scale, zipf="both"):
    rows = []
    for lv, sc in zip(levels, scale):
        for r in hb.SEVEN:
            rows.append(
                {
                    "family": family,
                    "level": lv,
                    "rule": r,
                    "P90": BASE[r] * sc[r],
                    "excluded": False,
                    "zipf": zipf,
                    "condition": f"{family} {lv}",
                }
            )
    return pd.DataFrame(rows)


def test_check_claims_known_tables():
    """Tables built so that C1, C2a, C3, C4 hold, covariance loses more than the median rule
    under distortion (C2b does not hold), and a Willshaw cell on top breaks C6 at raw s."""
    even = {r: 1.0 for r in hb.SEVEN}
    bad_cov = {**even, "covar": 0.3, "hopfield": 0.3, "precovar": 0.3}
    f4 = _levels(
        "F4 mod",
        [1.0, 2.0],
        [even, {r: 0.5 for r in hb.SEVEN} | {"covar": 0.2, "hopfield": 0.2, "precovar": 0.2}],
    )
    f7 = pd.concat(
        [
            _levels("F7 Zipf cal", [1.0, 2.0], [even, bad_cov], "calibrated"),
            _levels("F7 Zipf raw", [1.0, 2.0], [even, bad_cov], "raw"),
        ]
    )
    willshaw_top = {**BASE, "willshaw": 90}
    storage = hb.storage_table(
        [
            _storage(BASE, fig="F1", cond="m"),
            _storage(BASE, fig="F2", cond="k"),
            _storage(BASE, fig="F7", cond="F7 Zipf cal 2.0", zipf="calibrated"),
            _storage(willshaw_top, fig="F7", cond="F7 Zipf raw 2.0", zipf="raw"),
            _storage(BASE, fig="F4", cond="hard", excluded=("covar",)),
        ]
    )
    upper = pd.DataFrame(
        {"n_inst 10, d 2": pd.Series({**{r: 20.0 for r in hb.SEVEN}, "boms": 40.0})}
    )
    res = hb.check_claims(storage, f4, f7, upper)
    out = {c.id: c for c in res.checks}
    assert list(out) == ["C1", "C2a", "C2b", "C3", "C4", "C5", "C6"]
    assert all(v[1] is True for v in out["C1"].variants)
    assert "1 cell excluded" in out["C1"].variants[0][2]  # the F4 cell
    assert all(v[1] is True for v in out["C2a"].variants)
    assert all(v[1] is False for v in out["C2b"].variants)
    assert [v[1] for v in out["C5"].variants] == [True]
    assert [v[1] for v in out["C6"].variants] == [True, False]  # calibrated, raw
    assert "0/2" not in out["C6"].evidence and out["C6"].evidence.startswith("1/2")
    assert res.notes["c5_fail"] == "no setting"
    ranks, dag = hb.rank_table(storage)
    assert ranks.loc["F1: m", "bcpnn"] == 1 and ranks.loc["F1: m", "hebb"] == 7
    assert dag.loc["F4: hard", "covar"] and not dag.loc["F1: m", "covar"]
    with pytest.raises(ValueError, match="storage"):
        hb.check_claims(storage.drop(columns="flag"), f4, f7, upper)


def test_retention_and_distortion_summary():
    even = {r: 1.0 for r in hb.SEVEN}
    f4 = _levels(
        "F4", [1.0, 2.0, 3.0], [even, {r: 0.5 for r in hb.SEVEN}, {r: 0.25 for r in hb.SEVEN}]
    )
    f4["excluded"] = False
    r, easy, hard, nbad = hb.retention(f4)
    assert (easy, hard, nbad) == (1.0, 3.0, 0) and np.allclose(r, 0.25)
    f4.loc[(f4.level == 3.0) & (f4.rule == "hebb"), "excluded"] = True
    r, easy, hard, nbad = hb.retention(f4)
    assert hard == 2.0 and nbad == 1 and np.allclose(r, 0.5)
    tab = hb.retention_table(f4)
    assert tab.loc["levels excluded", "F4"] == 1 and "Hebb" in tab.index
    s = hb.distortion_summary(f4)
    assert s["same_ranking"] and s["top"] == ["bcpnn"] and set(s["falls"]) == set(hb.SEVEN)


def test_nonmonotone_and_marked():
    df = pd.DataFrame(
        {"rule": ["a"] * 3 + ["b"] * 3, "Q": [1, 2, 3] * 2, "score": [1.0, 0.5, 0.8, 1.0, 0.9, 0.8]}
    )
    assert hb.nonmonotone_rules(df) == ["a"]
    assert hb.nonmonotone_rules(df, rise=0.5) == []
    st = _storage(BASE, excluded=("hebb",))
    m = hb.marked(st)
    assert m.loc["Hebb", "c"] == "10.0 †" and m.loc["BCPNN", "c"] == "40.0"


def test_figures_and_md_table():
    import matplotlib.pyplot as plt

    st = hb.storage_table([_storage(BASE, fig="F1", cond="m", excluded=("hebb",))])
    fig = hb.rank_figure(*hb.rank_table(st))
    plt.close(fig)
    fig, ax = plt.subplots()
    ax.plot([20, 30, 45], [1, 2, 3])
    hb.plain_log(ax, "x")
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert "20" in labels or "30" in labels  # ticks inside one decade are labelled
    plt.close(fig)
    with pytest.raises(ValueError, match="axis"):
        hb.plain_log(ax, "z")
    md = hb.md_table(pd.DataFrame({"a": [1.234, np.nan], "b": ["x|y", True]}), 1)
    assert "1.2" in md.data and "–" in md.data and "x\\|y" in md.data


def test_zipf_points_t1_and_tie():
    lays = {"modular": A.Modular(10, 20), "kofn": A.KofN(200, 10)}
    cal = hb.zipf_calibration(lays, [0.0, 1.0])
    mod, kofn, raw = (
        hb.zipf_points(cal, "modular"),
        hb.zipf_points(cal, "kofn"),
        hb.zipf_points(cal, "kofn", raw=True),
    )
    assert [p[1]["skew"] for p in mod] == [0.0, 1.0]
    assert kofn[1][1]["skew"] == pytest.approx(cal.s_kofn.iloc[1]) and kofn[1][0] == mod[1][0]
    assert raw[1][1]["skew"] == 1.0 and raw[1][0] > mod[1][0]
    assert raw[1][2].startswith("Zipf raw s 1.00")
    with pytest.raises(ValueError, match="layout_key"):
        hb.zipf_points(cal, "free")
    st = _storage(BASE, fig="F1", cond="m").assign(sd=1.0, eps=0.0, P_eps=np.nan, layout="L")
    t1 = hb.t1_table(hb.storage_table([st]))
    assert t1["P90 (mean ± sd)"].iloc[0] == "10.0 ± 1.0" and len(t1) == 7
    narrow = st.assign(ci_lo=st.P90 - 0.4, ci_hi=st.P90 + 0.4)
    tie = hb.covariance_tie({"m": narrow})
    assert tie.startswith("L: spread 11 %") and "CIs overlap" not in tie  # 19, 20, 21 ± 0.4
    wide = st.assign(ci_lo=st.P90 - 5, ci_hi=st.P90 + 5)
    assert "CIs overlap (tie)" in hb.covariance_tie({"m": wide})


def test_ablation_table_and_upper_edges():
    curves = pd.DataFrame(
        {"rule": ["a", "a", "b", "b"], "P": [20, 30, 20, 30], "fcorr": [1.0, 0.5, 0.8, 0.1]}
    )
    cells = pd.DataFrame(
        {
            "rule": ["b", "a"],
            "P90": [10.0, 25.0],
            "sd": 1.0,
            "ci_lo": 0.0,
            "ci_hi": 1.0,
            "eps": 0.0,
            "C_L": 0.1,
            "flag": "",
        }
    )
    t = hb.ablation_table(curves, cells, {"a": "rule a", "b": "rule b"})
    assert list(t.index) == ["a", "b"] and list(t.variant) == ["rule a", "rule b"]
    assert list(t["fcorr at P = 20"]) == [1.0, 0.8] and list(t.P90) == [25.0, 10.0]
    w = pd.DataFrame({"rule": ["hebb", "boms"], "setting": ["s1", "s1"], "upper": [5.0, np.nan]})
    up = hb.upper_edges(w)
    assert list(up.index) == list(hb.SEVEN) and up.loc["hebb", "s1"] == 5.0
    assert np.isnan(up.loc["boms", "s1"]) and np.isnan(up.loc["covar", "s1"])


def test_paper_only_paths():
    """Branches that only the paper profile reaches: the F3 scale check (search rows and their
    bar chart) and the parent-correlated F7 sweep (re-draw levels, reversed axis, retention
    from r = 1 downwards)."""
    import matplotlib.pyplot as plt

    lay = A.Modular(5, 8)
    rules = ["willshaw", "bcpnn"]
    tab = hb.capacity_table(rules, lay, 1, nrep=2, seed=0, n_jobs=1, progress=False)
    f3 = hb.search_cells("F3", f"{lay}, nflip 1", tab)
    fig, ax = plt.subplots()
    with pytest.raises(KeyError):  # the chart reads the seven rules
        hb.plot_scale(ax, f3)
    plt.close(fig)
    fam = f"F7 parent {lay}"
    par = hb.capacity_levels(
        "F7",
        fam,
        lay,
        [(r, {"redraw": r}, f"redraw {r:g}") for r in (1.0, 0.5)],
        p0={r: 10.0 for r in rules},
        rules=rules,
        nrep=2,
        seed=0,
    )
    assert list(par.level.unique()) == [1.0, 0.5] and (par.zipf == "both").all()
    seven = pd.concat(
        [_levels(fam, [1.0, 0.5], [{r: 1.0 for r in hb.SEVEN}, {r: 0.5 for r in hb.SEVEN}])]
    )
    r, easy, hard, _ = hb.retention(seven)
    assert (easy, hard) == (1.0, 0.5) and np.allclose(r, 0.5)
    fig = hb.plot_levels(seven.assign(sd=0.0), lambda f: "r")
    assert fig.axes[0].xaxis_inverted()
    plt.close(fig)
    seven_f3 = _storage(BASE, fig="F3", cond="big").assign(sd=1.0, layout="L", nrep=3)
    fig, ax = plt.subplots()
    hb.plot_scale(ax, seven_f3)
    assert len(ax.patches) == 7
    plt.close(fig)
