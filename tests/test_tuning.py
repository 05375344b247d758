"""The grid-boundary check every grid search reports."""

from __future__ import annotations

import math

import pytest

from neuroplastic.tuning import GridSearch, grid_search


@pytest.mark.parametrize(
    "scores, minimize, best, edge",
    [
        ([3.0, 2.0, 1.0], True, 3e-3, "upper"),
        ([1.0, 2.0, 3.0], True, 3e-4, "lower"),
        ([2.0, 1.0, 3.0], True, 1e-3, None),
        ([2.0, 1.0, 3.0], False, 3e-3, "upper"),
        ([2.0, 1.0, math.inf], True, 1e-3, None),  # diverged at the top: the optimum is interior
        ([math.nan, 1.0, 2.0], True, 1e-3, None),
    ],
)
def test_best_and_edge(scores, minimize, best, edge):
    g = grid_search("lr", [3e-4, 1e-3, 3e-3], scores, minimize=minimize)
    assert g.best == best and g.on_edge == edge
    assert ("edge" in g.note()) == (edge is not None)


def test_single_point_grid_has_no_edge():
    assert grid_search("beta", [1.0], [0.5]).on_edge is None


@pytest.mark.parametrize(
    "grid, scores, match",
    [
        ([1, 2], [1.0], "equal length"),
        ([], [], "non-empty"),
        ([1, 2], [math.nan, math.inf], "no finite score"),
    ],
)
def test_bad_grids_are_errors(grid, scores, match):
    with pytest.raises(ValueError, match=match):
        GridSearch("lr", grid, scores)
