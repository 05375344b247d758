"""Sphinx extension: the built book works offline, from ``file://`` or any static server.

* Jupyter Book loads MathJax from a CDN, which leaves every formula as raw TeX when the book is
  opened offline. We copy MathJax 3's ``tex-svg`` component (and the TeX extensions it may
  autoload) from the ``sphinx-mathjax-offline`` package into ``_static/mathjax`` and point
  ``mathjax_path`` at it. SVG output needs no web fonts, so it also renders from ``file://``,
  where browsers refuse fonts loaded by a script.
* sphinx-thebe and sphinx-togglebutton register their inline configuration scripts twice under
  Jupyter Book 1.0, so every page raised "Identifier 'THEBE_JS_URL' has already been declared";
  we keep each script once.
"""

from __future__ import annotations

import importlib.metadata
import shutil
from pathlib import Path
from typing import Any

SCRIPT = "tex-svg.js"
COPY = (SCRIPT, "input/tex/extensions")


def mathjax_source() -> Path:
    """The MathJax folder that ``sphinx-mathjax-offline`` installs.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    FileNotFoundError
        If the folder lacks ``tex-svg.js``.
    """
    dist = importlib.metadata.distribution("sphinx-mathjax-offline")
    path = Path(dist.locate_file("sphinx-mathjax-offline/static/mathjax"))
    if not (path / SCRIPT).is_file():
        raise FileNotFoundError(f"{path / SCRIPT} is missing: reinstall sphinx-mathjax-offline")
    return path


def _use_local_mathjax(app, config) -> None:
    config.mathjax_path = f"mathjax/{SCRIPT}"


def _copy_mathjax(app, exc) -> None:
    if exc is not None or app.builder.format != "html":
        return
    src, dst = mathjax_source(), Path(app.outdir) / "_static" / "mathjax"
    for rel in COPY:
        if (src / rel).is_dir():
            shutil.copytree(src / rel, dst / rel, dirs_exist_ok=True)
        else:
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src / rel, dst / rel)


def _unique_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts, seen = context.get("script_files"), set()
    if not scripts:
        return
    kept = []
    for js in scripts:
        attrs = getattr(js, "attributes", {})  # inline scripts come as filename None or ""
        key = (getattr(js, "filename", js) or "", attrs.get("body"))
        if key not in seen:
            seen.add(key)
            kept.append(js)
    scripts[:] = kept


def setup(app: Any) -> dict[str, bool]:
    """Register the extension with Sphinx (fails at start-up if MathJax is missing).

    Parameters
    ----------
    app : sphinx.application.Sphinx

    Returns
    -------
    dict
        Sphinx's extension metadata (parallel read and write safe).

    Raises
    ------
    FileNotFoundError
        As :func:`mathjax_source`.
    """
    mathjax_source()  # fail at start-up, not after a long build
    app.connect("config-inited", _use_local_mathjax)
    app.connect("html-page-context", _unique_scripts)
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
