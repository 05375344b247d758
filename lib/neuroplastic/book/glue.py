"""Numbers glued into the prose (never typed): a thin wrapper over ``myst_nb.glue``."""

from __future__ import annotations

from typing import Any


def glue(name: str, value: Any, fmt: str | None = None) -> None:
    """Store ``value`` under ``name`` for ``{glue:text}`name``` roles in the chapter's prose.

    With ``fmt`` (a format spec such as ``".1f"``) the formatted string is glued instead, which
    keeps the rendered text identical to what tests and the claims table see. Returns nothing,
    so a call on a cell's last line adds no output; outside a kernel it does nothing.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty string; got {name!r}")
    shown = format(value, fmt) if fmt else value
    try:
        from IPython import get_ipython

        if get_ipython() is None:
            return
        from myst_nb import glue as _glue

        _glue(name, shown, display=False)
    except ImportError:
        pass
