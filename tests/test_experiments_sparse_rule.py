"""Chapter 3's drivers (neuroplastic.experiments.competitive.sparse_rule) at tiny sizes."""

import numpy as np
import pandas as pd
import pytest
import torch

from neuroplastic.experiments.competitive import sparse_rule as S


class Lin(torch.nn.Module):
    """A linear pixel-to-logit model with the interface the attacks need."""

    device = torch.device("cpu")

    def __init__(self, seed=0):
        super().__init__()
        torch.manual_seed(seed)
        self.net = torch.nn.Linear(784, 10)

    def logits(self, x):
        return self.net(x)

    @torch.no_grad()
    def predict(self, x):
        return self.net(torch.as_tensor(x, dtype=torch.float32)).argmax(1)


def _xy(n=20):
    g = torch.Generator().manual_seed(1)
    return torch.rand(n, 784, generator=g), torch.randint(0, 10, (n,), generator=g)


def test_paired_margin_and_robustness_by_seed_are_deterministic():
    t = pd.DataFrame(
        {
            "model": ["RR", "BP"] * 3,
            "seed": [0, 0, 1, 1, 2, 2],
            "eps": 0.1,
            "accuracy": [0.5, 0.2, 0.4, 0.3, 0.6, 0.1],
        }
    )
    m = S.paired_margin(t, "RR", "BP", 0.1)
    assert m["mean"] == pytest.approx(0.3) and m["min"] == pytest.approx(0.1) and m["n"] == 3
    with pytest.raises(ValueError, match="common seeds"):
        S.paired_margin(t, "RR", "BP", 0.2)
    x, y = _xy()
    r1 = S.robustness_by_seed({("L", 0): Lin()}, x, y, [0.05], restarts=2, iters=3)
    r2 = S.robustness_by_seed({("L", 0): Lin()}, x, y, [0.05], restarts=2, iters=3)
    assert r1.equals(r2) and list(r1.columns) == ["model", "seed", "eps", "accuracy", "variant"]
    w = S.seed_table(t)
    assert w.loc[(0.1, "RR"), "mean"] == pytest.approx(50.0)


def test_attack_suite_tables_and_checks():
    x, y = _xy()
    models = {"BP": Lin(0), "RR": Lin(1)}
    suite = S.attack_suite(models, x, y, [0.0, 0.1], restarts=1, seed=0)
    assert list(suite["pgd"].columns) == ["eps", "BP", "RR"]
    # PGD is at least as strong as FGSM and accuracy does not rise with eps
    assert (suite["pgd"][["BP", "RR"]].values <= suite["fgsm"][["BP", "RR"]].values + 1e-9).all()
    assert (suite["pgd"].iloc[1, 1:] <= suite["pgd"].iloc[0, 1:]).all()
    frame = S.checks_frame(suite["checks"])
    assert set(frame.result) <= {"pass", "n/a", "FAIL"}
    masked = {n: S.possibly_masked(suite["checks"][n]) for n in models}
    t = S.attack_table(suite, list(models), masked)
    assert list(t.model) == ["BP", "RR"] and "PGD-40 ε=0.1 %" in t.columns
    with pytest.raises(ValueError, match="source"):
        S.attack_suite(models, x, y, [0.1], source="KH")


def test_fit_table_prefers_lognormal_for_lognormal_weights():
    rng = np.random.default_rng(0)
    W = np.exp(rng.normal(-3, 0.7, size=(20, 400)))
    t = S.fit_table(W, modes=("layer",))
    assert set(t.normalisation) == {"layer"} and "lognormal" in set(t.family)
    ok = t[~t.degenerate].sort_values("aic")
    assert ok.family.iloc[0] == "lognormal"


def test_dale_table_and_possibly_masked():
    Sm = np.array([[1.0, -0.5, 0.0], [0.5, 0.01, 2.0]])
    d = S.dale_table(Sm, taus=(0.0, 0.1))
    assert d[0.0] == pytest.approx(2 / 3)  # unit 1 has both signs
    assert d[0.1] == pytest.approx(1.0)  # 0.01 < 0.1 * max|S| is dropped
    assert 0.5 <= d["soft"] <= 1.0
    assert S.possibly_masked({"a": (True, ""), "b": (False, "x")})
    assert not S.possibly_masked({"a": (True, ""), "b": (None, "n/a")})


def test_representation_summary_on_a_one_hot_code():
    y = np.repeat(np.arange(10), 5)
    H = np.eye(10)[y]  # unit c fires only for class c
    X = np.random.default_rng(0).random((50, 784))
    r = S.representation_summary(H, np.random.default_rng(1).random((10, 784)), X, y)
    assert r["SI"] == pytest.approx(1.0) and r["active_units"] == 10
    assert r["info_bits"] > 0.4


def test_md_table_and_few_shot_diff_table():
    t = S.few_shot_diff_table({"U": {"main": (0.031, 0.01, 0.05)}})
    assert t.iloc[0]["RR − BP pp"] == pytest.approx(3.1)
    md = S.md_table(pd.DataFrame({"a": [1.5, np.nan], "b": ["x|y", None]})).data
    assert "x\\|y" in md and "–" in md
    with pytest.raises(ValueError, match="digits"):
        S.md_table(t, digits=-1)


def test_figures_draw():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    for fig in (
        S.rr_schematic(),
        S.plot_seed_spread(
            pd.DataFrame(
                {"model": ["RR", "BP"], "seed": [0, 0], "eps": [0.1, 0.1], "accuracy": [0.4, 0.2]}
            )
        ),
    ):
        assert fig.axes
        plt.close(fig)


class _Net:
    def __init__(self, W, k_h=None):
        self._W, self.k_h = W, k_h

    def input_weights(self):
        return self._W


class _Search:
    def note(self):
        return "best 0.1 of 3 (interior)"


def _claim_inputs(margin):
    rng = np.random.default_rng(0)
    W = rng.random((10, 20)) * (rng.random((10, 20)) < 0.3)  # 70 % silent
    M = {"RR": _Net(W, k_h=2), "BP": _Net(rng.normal(size=(10, 20))), "A4": _Net(W)}
    dale = {"RR": {0.1: 0.9}, "BP": {0.1: 0.2}, "A4": {0.1: 0.4}}
    ln = pd.Series({"degenerate": False, "at_bound": "", "mu": -3.0, "sigma": 0.7})
    best = pd.Series({"family": "lognormal", "ks_d": 0.01})
    hump = {"interior": True, "mode": 0.05, "left": 2.0, "right": 3.0}
    c2 = {("layer", 0.005): (best, hump, ln), ("unit", 0.005): (None, hump, ln)}
    rows = [
        {"model": m, "seed": s, "eps": e, "accuracy": a + (margin if m.startswith("RR") else 0)}
        for m in ["RR", "RR-tuned", "BP", "BP-unit", "KH", "KH-nn"]
        for s in range(3)
        for e, a in ((0.05, 0.5), (0.1, 0.2))
    ]
    rob = S.RobustRuns(pd.DataFrame(rows), {}, 4, 4, 2)
    few = S.FewShotResults(
        {},
        {v: {"main": (0.05, 0.01, 0.09), "delta": (0.0, -0.02, 0.02)} for v in "US"},
        _Search(),
        {"U": _Search(), "S": _Search()},
        3,
        {"U": 4, "S": 4},
    )
    rep = {
        n: {"lifetime_sparseness": 0.5, "kernel_class_cosine": 0.5, "SI": 0.3, "info_bits": 0.1}
        for n in ("RR", "BP")
    }
    snaps = pd.DataFrame(
        {"model": "RR", "epoch": [1, 5], "SI": [0.3, 0.5], "info_bits": [0.1, 0.2]}
    )
    return dict(
        M=M,
        models={},
        dale=dale,
        c2_cases=c2,
        rob=rob,
        masked_rr=False,
        acc={"RR": 0.9, "BP": 0.95},
        tr_acc={"RR": 0.92, "BP": 1.0},
        few=few,
        rep=rep,
        act_rr=0.2,
        n_hidden=10,
        snaps=snaps,
        acc_seeds=[0],
        robust_eps=[0.05, 0.1],
    )


def _outcomes(check):
    return [v[1] for v in check.variants]


def test_check_claims_follows_its_rules():
    checks = {c.id: c for c in S.check_claims(**_claim_inputs(margin=0.15))}
    assert list(checks) == ["C1", "C2", "C3a", "C3b", "C4", "C5", "C6-U", "C6-S", "C7", "C8"]
    assert checks["C1"].holds is True and checks["C3a"].holds == S.BY_CONSTRUCTION
    assert _outcomes(checks["C2"]) == [True, False]  # unit-max: every fit at a bound
    assert _outcomes(checks["C3b"]) == [True, False]  # A4's D2 0.4 < 0.5
    assert all(_outcomes(checks["C4"])) and checks["C4"].budget == ("RR", 4, "KH/KH-nn", 4)
    assert _outcomes(checks["C5"]) == [False, True]  # lower test accuracy, smaller gap
    assert _outcomes(checks["C6-U"]) == [True, False]
    assert _outcomes(checks["C8"]) == [True, True]
    weak = {c.id: c for c in S.check_claims(**_claim_inputs(margin=0.05))}
    assert not any(_outcomes(weak["C4"]))  # a 5 pp margin is below the 10 pp rule
    with_masking = _claim_inputs(margin=0.15) | {"masked_rr": True}
    assert not any(_outcomes({c.id: c for c in S.check_claims(**with_masking)}["C4"]))


def test_claim_group_table_rows():
    claims = pd.DataFrame(
        {"verdict": ["holds", "depends on reconstruction"], "evidence": ["e1", "e2"]},
        index=pd.Index(["C1", "C2"], name="id"),
    )
    variants = pd.DataFrame(
        {
            "id": ["C2", "C2"],
            "variant": ["a", "b"],
            "verdict": ["holds", "does not hold"],
            "evidence": ["x", "y"],
        }
    )
    t = S.claim_group_table(claims, variants, ["C1", "C2"])
    assert list(t.id) == ["C1", "C2", "C2"] and t.variant.iloc[0] == "–"
    with pytest.raises(ValueError, match="claims"):
        S.claim_group_table(claims, variants, ["C9"])


def test_snapshot_table_and_representation_figure():
    import matplotlib

    matplotlib.use("Agg")
    from types import SimpleNamespace as NS

    import matplotlib.pyplot as plt

    g = torch.Generator().manual_seed(0)
    snaps_rr = {e: (torch.rand(12, 784, generator=g), torch.zeros(12)) for e in (0, 1, 3)}
    snaps_kh = {e: torch.rand(12, 784, generator=g) for e in (0, 1, 3)}
    rr = NS(layer=NS(snapshots=snaps_rr), k_h=3)
    kh = NS(layer=NS(snapshots=snaps_kh))
    X = np.random.default_rng(0).random((30, 784)).astype(np.float32)
    y = np.arange(30) % 10
    t = S.snapshot_table(rr, kh, X, y, X, y, [0, 1], {"RR": 3, "KH-nn": 3})
    assert list(t.epoch) == [0, 1, 3, 0, 1, 3] and set(t.model) == {"RR", "KH-nn"}
    assert (t[t.model == "RR"].active_units <= 12).all()
    codes = {n: np.random.default_rng(1).random((30, 12)) for n in ("RR", "KH-nn", "BP")}
    fig = S.plot_representation(codes, y, t)
    assert len(fig.axes) == 2
    plt.close(fig)
