"""Counting user lines of an example (claim C2 of knoblauch2024ivisit: rapid prototyping)."""

from __future__ import annotations

import ast
import inspect
import io
import tokenize
from typing import Any

__all__ = ["count_user_lines"]


def count_user_lines(obj: Any, extra: str | None = None) -> int:
    """Non-blank lines of code in ``obj``'s source, without comment-only lines and docstrings.

    ``#@IVISIT:`` lines in ``extra`` (a directive text) count too.

    Parameters
    ----------
    obj : class, function or module
        The example whose source is counted.
    extra : str or None
        Directive text whose ``#@IVISIT:`` lines are added.

    Returns
    -------
    int
        Number of user lines.
    """
    src = inspect.getsource(obj)
    import textwrap

    src = textwrap.dedent(src)
    doc_lines = set()
    for node in ast.walk(ast.parse(src)):
        if (
            isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body
        ):
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                doc_lines.update(range(first.lineno, first.end_lineno + 1))
    code_lines = set()
    for tok in tokenize.generate_tokens(io.StringIO(src).readline):
        if tok.type in (
            tokenize.COMMENT,
            tokenize.NL,
            tokenize.NEWLINE,
            tokenize.INDENT,
            tokenize.DEDENT,
            tokenize.ENDMARKER,
        ):
            continue
        code_lines.update(range(tok.start[0], tok.end[0] + 1))
    n = len(code_lines - doc_lines)
    if extra:
        n += sum(1 for ln in extra.splitlines() if ln.strip().startswith("#@IVISIT:"))
    return n
