"""Markdown tables for the chapters: one :func:`md_table` behind every chapter module's own
``md_table`` (each keeps its defaults and number format, see ``floats``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np

from ..validation import check_int

if TYPE_CHECKING:
    import pandas as pd
    from IPython.display import Markdown

__all__ = ["md_table"]

#: how float cells are written (``d`` = ``digits``)
FloatStyle = Literal["fixed", "trim", "significant", "thousands"]


def md_table(
    df: pd.DataFrame,
    digits: int = 3,
    index: bool = False,
    *,
    floats: FloatStyle = "fixed",
    min_digits: int = 0,
    yes_no: bool = True,
    none_dash: bool = True,
    format_header: bool = True,
) -> Markdown:
    """``df`` as a Markdown table for a numbered MyST ``{table}`` around ``{glue:md}``.

    Cells are escaped (``|`` as ``\\|``, newlines as spaces); NaN floats are written –.

    Parameters
    ----------
    df : pandas.DataFrame
        The table; its column names form the header row.
    digits : int, default 3
        Decimals (or significant digits for ``floats="significant"``) of float cells.
    index : bool, default False
        Write the index as leading column(s) (``df.reset_index()``).
    floats : {"fixed", "trim", "significant", "thousands"}, default "fixed"
        ``fixed``: ``f"{v:.{d}f}"``; ``trim``: the same without trailing zeros and point;
        ``significant``: ``f"{v:.{d}g}"``; ``thousands``: integers with thousands separators
        (``1,234``) and floats with ``|v| >= 1e4`` as ``f"{v:,.0f}"``, other floats fixed.
    min_digits : int, default 0
        The smallest accepted ``digits``.
    yes_no : bool, default True
        Booleans as yes/no (else ``str``: True/False).
    none_dash : bool, default True
        ``None`` as – (else ``"None"``).
    format_header : bool, default True
        Format and escape the column names like cells (else plain ``str``).

    Returns
    -------
    IPython.display.Markdown
        The table, one line per row, ending in a newline.

    Raises
    ------
    TypeError
        If ``digits`` is not an integer.
    ValueError
        If ``digits < min_digits``.
    """
    from IPython.display import Markdown

    digits = check_int("digits", digits, min_digits)
    if index:
        df = df.reset_index()

    def cell(v) -> str:
        if v is None and none_dash:
            s = "–"
        elif yes_no and isinstance(v, (bool, np.bool_)):
            s = "yes" if v else "no"
        elif (
            floats == "thousands"
            and isinstance(v, (int, np.integer))
            and not isinstance(v, (bool, np.bool_))
        ):
            s = f"{int(v):,}"
        elif isinstance(v, (float, np.floating)):
            if np.isnan(v):
                s = "–"
            elif floats == "trim":
                s = f"{v:.{digits}f}".rstrip("0").rstrip(".")
            elif floats == "significant":
                s = f"{v:.{digits}g}"
            elif floats == "thousands" and abs(v) >= 1e4:
                s = f"{v:,.0f}"
            else:
                s = f"{v:.{digits}f}"
        else:
            s = str(v)
        return s.replace("|", "\\|").replace("\n", " ")

    header = cell if format_header else str
    head = "| " + " | ".join(header(c) for c in df.columns) + " |"
    rule = "|" + "|".join("---" for _ in df.columns) + "|"
    rows = ["| " + " | ".join(cell(v) for v in r) + " |" for r in df.itertuples(index=False)]
    return Markdown("\n".join([head, rule, *rows]) + "\n")
