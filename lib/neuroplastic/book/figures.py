"""Figures: show once inline, save PNG and SVG with deterministic metadata.

Files land in ``_build/figures/<chapter>/<name>.{png,svg}``. Metadata that would change
between runs (creation date, software version) is left out and the SVG id salt is fixed, so
re-executing a chapter with the same seed rewrites byte-identical SVGs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..paths import build_dir

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


def save(fig: Figure, name: str, chapter: str) -> tuple[Path, Path]:
    """Save ``fig`` as ``<name>.png`` (150 dpi) and ``<name>.svg`` under
    ``_build/figures/<chapter>/``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    name : str
        The file stem (letters, digits, ``_``, ``.``, ``-``).
    chapter : str
        The chapter's folder name (same characters).

    Returns
    -------
    png, svg : pathlib.Path
        The two files written.

    Raises
    ------
    ValueError
        If ``name`` or ``chapter`` is not a non-empty file-name-safe string.
    """
    import matplotlib

    for arg, value in (("name", name), ("chapter", chapter)):
        if not isinstance(value, str) or not _NAME.match(value):
            raise ValueError(f"{arg} must be a non-empty file-name-safe string; got {value!r}")
    folder = build_dir() / "figures" / chapter
    folder.mkdir(parents=True, exist_ok=True)
    png, svg = folder / f"{name}.png", folder / f"{name}.svg"
    with matplotlib.rc_context({"svg.hashsalt": f"{chapter}-{name}"}):
        fig.savefig(png, dpi=150, bbox_inches="tight", metadata={"Software": None})
        fig.savefig(svg, bbox_inches="tight", metadata={"Date": None, "Creator": None})
    return png, svg


def show(fig: Figure, name: str, chapter: str) -> None:
    """Save ``fig`` (see :func:`save`), display it once in the notebook, then close it.

    Returns nothing, so that a call as the last line of a cell adds no second output.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    name, chapter : str
        As for :func:`save`.

    Raises
    ------
    ValueError
        As :func:`save`.
    """
    import matplotlib.pyplot as plt

    save(fig, name, chapter)
    try:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None:
            display(fig)
    finally:
        plt.close(fig)
