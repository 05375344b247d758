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
    t = pd.DataFrame({"model": ["RR", "BP"] * 3, "seed": [0, 0, 1, 1, 2, 2], "eps": 0.1,
                      "accuracy": [0.5, 0.2, 0.4, 0.3, 0.6, 0.1]})
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
    assert d[0.0] == pytest.approx(2 / 3)   # unit 1 has both signs
    assert d[0.1] == pytest.approx(1.0)     # 0.01 < 0.1 * max|S| is dropped
    assert 0.5 <= d["soft"] <= 1.0
    assert S.possibly_masked({"a": (True, ""), "b": (False, "x")})
    assert not S.possibly_masked({"a": (True, ""), "b": (None, "n/a")})


def test_representation_summary_on_a_one_hot_code():
    y = np.repeat(np.arange(10), 5)
    H = np.eye(10)[y]                       # unit c fires only for class c
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
    v = pd.DataFrame({"id": ["C1", "C2"], "variant": ["a", "b"],
                      "verdict": ["holds", "does not hold"], "evidence": ["e", "f"]})
    for fig in (S.plot_variants(v), S.rr_schematic(),
                S.plot_seed_spread(pd.DataFrame({"model": ["RR", "BP"], "seed": [0, 0],
                                                 "eps": [0.1, 0.1], "accuracy": [0.4, 0.2]}))):
        assert fig.axes
        plt.close(fig)
