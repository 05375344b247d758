"""Grid searches that say when their best value sits on the edge of the grid.

A hyperparameter grid whose best value is its first or last point has not found an optimum: the
method might do better just outside it. Every grid search in the library reports its result as a
:class:`GridSearch`, so that a chapter can widen the grid or report the boundary, and a verdict
about a tuned method never rests on a grid that stopped too early.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class GridSearch:
    """The outcome of tuning one hyperparameter ``name`` over an ordered ``grid``.

    ``scores[i]`` is the score at ``grid[i]`` (non-finite = diverged or failed); ``minimize``
    says whether lower is better. ``best`` is the grid value with the best finite score.
    """

    name: str
    grid: tuple
    scores: tuple
    minimize: bool = True

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"name must be a non-empty string; got {self.name!r}")
        object.__setattr__(self, "grid", tuple(self.grid))
        object.__setattr__(self, "scores", tuple(float(s) for s in self.scores))
        if len(self.grid) < 1 or len(self.grid) != len(self.scores):
            raise ValueError(
                f"grid and scores must be non-empty and of equal length; got "
                f"{len(self.grid)} and {len(self.scores)}"
            )
        if not any(math.isfinite(s) for s in self.scores):
            raise ValueError(f"{self.name}: no finite score on the grid {self.grid}")

    @property
    def best_index(self) -> int:
        """Position in ``grid`` of the best finite score (the first one on a tie).

        Returns
        -------
        int
        """
        finite = [i for i, s in enumerate(self.scores) if math.isfinite(s)]
        key = (lambda i: self.scores[i]) if self.minimize else (lambda i: -self.scores[i])
        return min(finite, key=key)

    @property
    def best(self) -> Any:
        """The grid value with the best finite score.

        Returns
        -------
        object
            ``grid[best_index]``.
        """
        return self.grid[self.best_index]

    @property
    def best_score(self) -> float:
        """The best finite score.

        Returns
        -------
        float
            ``scores[best_index]``.
        """
        return self.scores[self.best_index]

    @property
    def on_edge(self) -> str | None:
        """Which edge of the grid the best value sits on.

        Returns
        -------
        str or None
            ``"lower"`` or ``"upper"`` when the best value is the first or last grid point (for
            grids of at least two points), else ``None``.
        """
        if len(self.grid) < 2:
            return None
        i = self.best_index
        return "lower" if i == 0 else "upper" if i == len(self.grid) - 1 else None

    def note(self) -> str:
        """A sentence for a table or a claim's evidence.

        Returns
        -------
        str
            ``"best <name> = <value> (inside the grid [...])"`` or ``(on the lower/upper edge
            of the grid [...])``.
        """
        where = f"on the {self.on_edge} edge of the grid" if self.on_edge else "inside the grid"
        grid = ", ".join(f"{g:g}" if isinstance(g, float) else str(g) for g in self.grid)
        return f"best {self.name} = {self.best} ({where} [{grid}])"


def grid_search(
    name: str, grid: Sequence, scores: Sequence[float], *, minimize: bool = True
) -> GridSearch:
    """Shorthand for :class:`GridSearch`.

    Parameters
    ----------
    name : str
        The hyperparameter's name (non-empty).
    grid : sequence
        The ordered grid values.
    scores : sequence of float
        ``scores[i]`` is the score at ``grid[i]`` (non-finite = diverged or failed).
    minimize : bool, default True
        Whether lower scores are better.

    Returns
    -------
    GridSearch

    Raises
    ------
    ValueError
        If ``name`` is empty, the lengths differ or are 0, or no score is finite.
    """
    return GridSearch(name, tuple(grid), tuple(scores), minimize)
