"""Chapter 2's analysis helpers (neuroplastic.experiments.bayes_memory): grids, labels,
formatting, log ticks and the variant bookkeeping (no runs: those are cached chapter work)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from neuroplastic.experiments import bayes_memory as bm  # noqa: E402


def test_p_grid_is_geometric_sorted_and_validated():
    g = bm.p_grid(50, 1600, 9)
    assert g[0] == 50 and g[-1] == 1600 and g == sorted(set(g))
    with pytest.raises(ValueError, match="lo"):
        bm.p_grid(0, 10, 3)
    with pytest.raises(ValueError, match="n"):
        bm.p_grid(1, 10, 0)


def test_profiles_keep_the_activity_and_the_second_size_smaller():
    for name, s in bm.profiles().items():
        assert s["N2"] < s["N"], name
        assert s["K"] / s["N"] == pytest.approx(s["K2"] / s["N2"]), name


def test_labels_and_formats():
    assert bm.lab("bayes", "kwta", True, "posterior") == "bayes/kwta/iter/posterior"
    assert bm.lab("bcpnn", "map", False) == "bcpnn/map/one/none"
    assert bm.fmt_ratio({"ratio": 1.234, "lo": 0.9, "hi": 1.5}) == "1.23 [0.90, 1.50]"
    assert bm.fmt_cap({"P_eps": 99.6, "censored": None}) == "100"
    assert bm.fmt_cap({"P_eps": 50, "censored": "below"}) == "50 (below)"


def test_variants_and_cue_regimes():
    an = bm.Analysis(bm.profiles()["quick"], seed=0)
    assert len(an.variants) == 4 and an.v0 in an.variants
    assert an.cue_cf("deletion", "main") == (an.K // 2, 0)
    c, f = an.cue_cf("false units", "main")
    assert c + f == an.K and f >= 1
    names = [an.vname(v) for v in an.variants]
    assert len(set(names)) == 4
    assert all(("deletion-only" in n) or ("false-unit" in n) for n in names)


def test_log_ticks_are_1_2_5_with_plain_labels():
    fig, ax = plt.subplots()
    ax.plot([10, 2000], [1, 2])
    ax.set_xscale("log")
    bm.log_ticks(ax)
    fig.canvas.draw()
    ticks = [t for t in ax.get_xticks() if 10 <= t <= 2000]
    mant = {round(t / 10 ** int(f"{t:e}".split("e")[1]), 6) for t in ticks}
    assert mant <= {1.0, 2.0, 5.0}
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert labels and all("10^" not in s and "×" not in s for s in labels)
    assert not [t.get_text() for t in ax.xaxis.get_minorticklabels() if t.get_text()]
    plt.close(fig)
