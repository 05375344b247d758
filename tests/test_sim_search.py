"""Grid and random search: sizes, reproducibility, grades, failures, and the LIF inverse."""

import math

import numpy as np
import pytest

from neuroplastic.experiments.simulations.lif_scope import LIFScope
from neuroplastic.sim import (
    Checkbox,
    Dropdown,
    Parameters,
    Simulation,
    Slider,
    Store,
    lif,
    search,
    space_from_spec,
)


class Toy(Simulation):
    name = "toy"

    class P(Parameters):
        a = Slider(0.0, 1.0, step=0.25, default=0.0)
        k = Slider(1, 3, dtype=int, default=1)
        m = Dropdown(("u", "v"), default="u")
        c = Checkbox(("p", "q"))

    def step(self):
        if self.p.m == "v" and self.p.k == 3:
            raise RuntimeError("boom")
        self.value = self.p.a * self.p.k + sum(self.p.c)


def make_toy():
    return Toy()


def objective(runner):
    return runner.sim.value


def test_grid_size_is_product_of_declared_grids():
    space = space_from_spec(Toy, grid_points=3)
    assert space["a"] == [0.0, 0.5, 1.0] and space["k"] == [1, 2, 3] and len(space["c"]) == 4
    res = search(make_toy, objective, space=space, steps=1)
    assert len(res.table) == 3 * 3 * 2 * 4


def test_grades_equal_objective_failures_stored_as_null(tmp_path):
    with Store(tmp_path / "s.db") as st:
        res = search(
            make_toy,
            objective,
            space={"a": [0.25, 1.0], "k": [1, 3], "m": ["u", "v"]},
            steps=1,
            store=st,
            name_prefix="g",
        )
        rows = {c["name"]: c for c in st.list("toy")}
        assert len(rows) == 8
        for _, r in res.table.iterrows():
            g = rows[r["name"]]["grade"]
            if r["m"] == "v" and r["k"] == 3:
                assert (
                    g is None
                    and "boom" in rows[r["name"]]["comment"]
                    and math.isnan(r["objective"])
                )
            else:
                assert g == pytest.approx(r["a"] * r["k"])
        assert res.best == {"a": 1.0, "k": 3, "m": "u"} and res.best_value == 3.0
        assert len(st.search_errors(res.run_id)) == 2


def test_random_search_reproducible_and_in_range():
    space = {"a": [0.0, 0.25, 0.5, 0.75, 1.0], "k": [1, 2, 3]}
    r1 = search(make_toy, objective, space=space, method="random", n=12, seed=7)
    r2 = search(make_toy, objective, space=space, method="random", n=12, seed=7)
    r3 = search(make_toy, objective, space=space, method="random", n=12, seed=8)
    assert r1.table[["a", "k"]].equals(r2.table[["a", "k"]])
    assert not r1.table[["a", "k"]].equals(r3.table[["a", "k"]])
    assert r1.table["a"].isin(space["a"]).all() and r1.table["k"].isin(space["k"]).all()
    with pytest.raises(ValueError):
        search(make_toy, objective, space={"zz": [1]})
    with pytest.raises(ValueError):
        search(make_toy, objective, space={"a": [5.0]})


def make_lif():
    return LIFScope()


def rate_error_50(runner):
    """-|rate - 50 Hz| of neuron n1 over the run."""
    sim = runner.sim
    return -abs(lif.measured_rate(sim.spikes[0], sim.t) - 50.0)


def test_lif_grid_matches_analytic_inverse():
    space = {"RI.n1": list(np.arange(10.0, 41.0, 1.0)), "tau": [10.0]}
    res = search(make_lif, rate_error_50, space=space, steps=1500)
    best = res.best["RI.n1"]
    exact = float(lif.current_for_rate(50.0, tau=10.0))
    assert abs(best - exact) <= 1.0
