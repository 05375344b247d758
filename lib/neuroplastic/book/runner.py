"""The chapter runner: jupytext MyST source -> papermill execution -> executed notebook.

``chapters/chNN_<slug>.md`` is converted and executed by papermill with ``profile`` (and
optionally ``seed``) injected after the cell tagged ``parameters``. The run writes into
``_build/runs/``; only a run that finishes replaces ``chapters/chNN_<slug>.ipynb`` (the notebook
the book is built from). A failed or interrupted run leaves that notebook as it was and keeps its
partial notebook as ``_build/failed/chNN_<slug>.ipynb``. Papermill's injected-parameters cell is
tagged ``remove-cell`` so the page shows only the chapter's own parameters cell. Wall time per
chapter and profile is recorded in ``_build/timings.json``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..paths import atomic_write_text, build_dir, project_root
from .benchmarks import benchmarks_figure, benchmarks_markdown
from .claims import dashboard_markdown
from .profiles import check_profile

if TYPE_CHECKING:
    import nbformat

_ID = re.compile(r"^(?:ch)?(\d{1,2})$")


class ChapterRunError(RuntimeError):
    """A chapter failed or was interrupted; ``partial`` is the notebook it left behind."""

    def __init__(self, message: str, partial: Path):
        super().__init__(message)
        self.partial = partial


def find_book_root() -> Path:
    """The book's root (:func:`neuroplastic.paths.project_root`), checked.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    FileNotFoundError
        If it holds no ``_toc.yml`` (the message says how to point at one).
    """
    root = project_root()
    if not (root / "_toc.yml").is_file():
        raise FileNotFoundError(
            f"found no _toc.yml in {root} or any folder above it: run neuroplastic from inside "
            f"the book's folder (the one with _config.yml and _toc.yml), or set "
            f"NEUROPLASTIC_ROOT=/path/to/the/book"
        )
    return root


def chapter_sources(root: Path | None = None) -> list[Path]:
    """All chapter sources ``chapters/chNN_*.md`` that the table of contents lists, in order.

    Parameters
    ----------
    root : pathlib.Path, optional
        The book's root; default :func:`find_book_root`.

    Returns
    -------
    list of pathlib.Path

    Raises
    ------
    FileNotFoundError
        As :func:`find_book_root`, when ``root`` is not given.
    """
    root = Path(root) if root else find_book_root()
    toc = (root / "_toc.yml").read_text(encoding="utf-8")
    listed = re.findall(r"file:\s*chapters/(ch\d\d_[\w-]+)", toc)
    return [root / "chapters" / f"{stem}.md" for stem in listed]


def chapter_id(path: Path) -> str:
    """The chapter id of a chapter file: the first four characters of its name.

    Parameters
    ----------
    path : pathlib.Path or str
        E.g. ``chapters/ch01_lansner2026_hebbian_benchmark.md``.

    Returns
    -------
    str
        E.g. ``"ch01"``.
    """
    return Path(path).name[:4]


def resolve(chapter: str, root: Path | None = None) -> Path:
    """Map ``'ch01'``, ``'1'`` or a file name to the chapter's source path.

    Parameters
    ----------
    chapter : str
        A chapter id (``ch01``, ``1``), file name or file stem.
    root : pathlib.Path, optional
        The book's root; default :func:`find_book_root`.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValueError
        If no listed chapter matches (the message lists the valid ids).
    """
    sources = chapter_sources(root)
    m = _ID.match(str(chapter))
    for src in sources:
        by_id = m and chapter_id(src) == f"ch{int(m.group(1)):02d}"
        if by_id or chapter in (src.name, src.stem):
            return src
    valid = ", ".join(chapter_id(s) for s in sources) or "none"
    raise ValueError(f"chapter must be one of: {valid}; got {chapter!r}")


def execute(source: Path, profile: str, *, seed: int | None = None, progress: bool = True) -> Path:
    """Execute one chapter with papermill and return the executed notebook's path.

    The run writes ``_build/runs/<stem>.ipynb`` and replaces ``chapters/<stem>.ipynb`` only when
    every cell has run. Raises :class:`ChapterRunError` if a cell fails and ``KeyboardInterrupt``
    if interrupted; either way the last good notebook is untouched and the partial one is kept
    as ``_build/failed/<stem>.ipynb``. The wall time is recorded (:func:`record_timing`).

    Parameters
    ----------
    source : pathlib.Path
        The chapter's MyST source.
    profile : str
        ``"quick"`` or ``"paper"``, injected as a parameter.
    seed : int, optional
        A seed (>= 0) injected as a parameter; default the chapter's own.
    progress : bool, default True
        Show papermill's progress bar.

    Returns
    -------
    pathlib.Path
        ``chapters/<stem>.ipynb``.

    Raises
    ------
    ValueError
        For an unknown profile or a bad seed.
    ChapterRunError
        If a cell fails.
    """
    import jupytext
    import nbformat
    import papermill

    check_profile(profile)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ValueError(f"seed must be a non-negative int; got {seed!r}")
    source = Path(source)
    notebook = source.with_suffix(".ipynb")
    runs = build_dir() / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    running = runs / f"{source.stem}.{os.getpid()}.ipynb"
    failed = build_dir() / "failed" / notebook.name
    jupytext.write(jupytext.read(source), running)
    params = {"profile": profile} | ({} if seed is None else {"seed": seed})
    t0 = time.perf_counter()
    previous = os.environ.get("NEUROPLASTIC_STATIC")
    os.environ["NEUROPLASTIC_STATIC"] = "1"  # the kernel inherits it: widgets render statically
    try:
        papermill.execute_notebook(
            str(running),
            str(running),
            parameters=params,
            kernel_name="python3",
            cwd=str(source.parent),
            progress_bar=progress,
            request_save_on_cell_execute=False,
        )
    except BaseException as exc:
        failed.parent.mkdir(parents=True, exist_ok=True)
        os.replace(running, failed)
        if isinstance(exc, Exception):
            raise ChapterRunError(
                f"{chapter_id(source)} failed ({type(exc).__name__}); {notebook.name} is "
                f"unchanged, the partial run is in {failed}",
                failed,
            ) from exc
        raise
    finally:
        if previous is None:
            del os.environ["NEUROPLASTIC_STATIC"]
        else:
            os.environ["NEUROPLASTIC_STATIC"] = previous
    nbformat.write(for_the_page(nbformat.read(running, as_version=4)), running)
    os.replace(running, notebook)
    record_timing(chapter_id(source), profile, time.perf_counter() - t0)
    return notebook


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def for_the_page(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Prepare an executed notebook for the static book, in place, and return it.

    Papermill's injected-parameters cell gets the ``remove-cell`` tag (the page shows the
    chapter's own parameters cell). Widget outputs (progress bars) and the widget state are
    dropped: a static page cannot run them, and their state makes the page load widget
    scripts from a CDN.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook (version 4).

    Returns
    -------
    nbformat.NotebookNode
        ``nb`` itself.
    """
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            cell.metadata["tags"] = [*tags, "remove-cell"]
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if WIDGET_VIEW not in o.get("data", {})]
    return nb


def keep_partial_runs() -> list[Path]:
    """Move this process's unfinished runs from ``_build/runs`` to ``_build/failed``.

    Returns
    -------
    list of pathlib.Path
        The partial notebooks now in ``_build/failed``.
    """
    kept = []
    for running in (build_dir() / "runs").glob(f"*.{os.getpid()}.ipynb"):
        target = build_dir() / "failed" / f"{running.name.rsplit('.', 2)[0]}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(running, target)
        kept.append(target)
    return kept


def record_timing(chapter: str, profile: str, seconds: float) -> None:
    """Update ``_build/timings.json`` with a chapter's wall time.

    Parameters
    ----------
    chapter : str
        The chapter id, e.g. ``"ch01"``.
    profile : str
        The profile it ran with.
    seconds : float
        Wall time in seconds (stored to 0.1 s, with the UTC time of the update).
    """
    path = build_dir() / "timings.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data.setdefault(chapter, {})[profile] = {
        "seconds": round(seconds, 1),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    atomic_write_text(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def run(
    chapters: list[str] | None, profile: str, *, seed: int | None = None, progress: bool = True
) -> list[Path]:
    """Execute the given chapters and refresh the book's generated pages.

    Parameters
    ----------
    chapters : list of str or None
        Chapter ids or file names (see :func:`resolve`); all when ``None`` or empty.
    profile : str
        ``"quick"`` or ``"paper"``.
    seed : int, optional
        Overrides every chapter's seed.
    progress : bool, default True
        Show progress bars.

    Returns
    -------
    list of pathlib.Path
        The executed notebooks, in order.

    Raises
    ------
    ValueError
        For an unknown profile or chapter, or a bad seed.
    ChapterRunError
        If a chapter fails (the chapters after it are not run).
    """
    from tqdm.auto import tqdm

    check_profile(profile)
    sources = chapter_sources() if not chapters else [resolve(c) for c in chapters]
    done = []
    bar = tqdm(sources, desc=f"chapters ({profile})", unit="chapter", disable=not progress)
    for src in bar:
        bar.set_postfix_str(chapter_id(src))
        done.append(execute(src, profile, seed=seed, progress=progress))
    render_generated_pages()
    return done


def render_generated_pages() -> None:
    """Write the markdown fragments the book includes.

    The claims dashboard (``_build/claims/dashboard.md``), the benchmark table and figure
    (``_build/benchmarks.md``, ``.svg``) and the timings table (``_build/timings.md``).
    """
    out = build_dir()
    pages = {chapter_id(s): f"chapters/{s.stem}" for s in chapter_sources()}
    atomic_write_text(out / "claims" / "dashboard.md", dashboard_markdown(pages=pages))
    atomic_write_text(out / "benchmarks.md", benchmarks_markdown())
    benchmarks_figure()
    atomic_write_text(out / "timings.md", timings_markdown())


def timings_markdown() -> str:
    """The table of recorded chapter runtimes: chapter, profile, wall time (s), when (UTC).

    Returns
    -------
    str
        Markdown (a sentence when no chapter has been executed on this machine).
    """
    path = build_dir() / "timings.json"
    if not path.exists():
        return "*No chapter has been executed on this machine yet.*\n"
    data = json.loads(path.read_text())
    lines = ["| chapter | profile | wall time | measured (UTC) |", "|---|---|---|---|"]
    for ch in sorted(data):
        for prof, rec in sorted(data[ch].items()):
            lines.append(f"| {ch} | {prof} | {rec['seconds']:.0f} s | {rec['when']} |")
    return "\n".join(lines) + "\n"


def build_html(
    root: Path | None = None, *, strict: bool = True, path_output: Path | None = None
) -> Path:
    """Refresh the generated pages and run ``jupyter-book build``.

    Parameters
    ----------
    root : pathlib.Path, optional
        The book's root; default :func:`neuroplastic.paths.project_root`.
    strict : bool, default True
        Turn Sphinx warnings into errors (``-W -n --keep-going``).
    path_output : pathlib.Path, optional
        Passed as ``--path-output``.

    Returns
    -------
    pathlib.Path
        The HTML folder, ``<path_output or root>/_build/html``.

    Raises
    ------
    subprocess.CalledProcessError
        If the build fails.
    """
    root = Path(root) if root else project_root()
    render_generated_pages()
    cmd = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(root)]
    if strict:
        cmd += ["-W", "-n", "--keep-going"]
    if path_output:
        cmd += ["--path-output", str(path_output)]
    subprocess.run(cmd, check=True, cwd=root)
    return (Path(path_output) if path_output else root) / "_build" / "html"
