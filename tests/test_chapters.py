"""Every chapter executes at the quick profile, re-executes to the same checked outputs (nbval),
and the whole book builds with warnings as errors."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from neuroplastic.book import runner

CHAPTERS = [runner.chapter_id(s) for s in runner.chapter_sources()]


@pytest.mark.chapters
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_executes(executed_chapters, chapter):
    outcome = executed_chapters[chapter]
    assert not isinstance(outcome, Exception), f"{chapter} failed: {outcome}"
    assert outcome.exists()


@pytest.mark.chapters
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_reexecutes_identically(executed_chapters, chapter):
    """nbval re-runs the executed notebook and compares every cell marked NBVAL_CHECK_OUTPUT.

    The re-run bypasses the result cache (NEUROPLASTIC_NO_CACHE), so every memoized experiment is
    recomputed from its seeds; only chapter 3's trained-model cache is reused."""
    notebook = executed_chapters[chapter]
    if isinstance(notebook, Exception):
        pytest.fail(f"{chapter} did not execute: {notebook}")
    assert "NBVAL_CHECK_OUTPUT" in notebook.read_text(), f"{chapter} marks no cell for nbval"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "--nbval-current-env",
            "-q",
            "-p",
            "no:cacheprovider",
            str(notebook),
        ],
        capture_output=True,
        text=True,
        cwd=notebook.parent,
        env=os.environ | {"NEUROPLASTIC_STATIC": "1", "NEUROPLASTIC_NO_CACHE": "1"},
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


@pytest.mark.chapters
def test_book_builds_strictly(built_book):
    assert (built_book / "index.html").exists()
    for src in runner.chapter_sources():
        assert (built_book / "chapters" / f"{src.stem}.html").exists()
