"""Shared fixtures. Chapters are executed once per session at ``profile=quick``."""

from __future__ import annotations

import pytest

from neuroplastic.book import build_dir, load_claims, runner

PROFILE = "quick"


@pytest.fixture(scope="session")
def executed_chapters():
    """Execute every chapter in the table of contents through papermill (quick profile) once.

    Returns ``{chapter_id: notebook path or the exception it raised}``; a failure in one chapter
    does not stop the others.
    """
    results = {}
    for src in runner.chapter_sources():
        try:
            results[runner.chapter_id(src)] = runner.execute(src, PROFILE, progress=False)
        except Exception as exc:  # reported by test_chapters.py and by claims_json
            results[runner.chapter_id(src)] = exc
    runner.render_generated_pages()
    return results


@pytest.fixture(scope="session")
def built_book(executed_chapters, tmp_path_factory):
    """The HTML book built strictly (``-W -n``) from the quick run; returns its html folder."""
    failed = [c for c, o in executed_chapters.items() if isinstance(o, Exception)]
    if failed:
        pytest.fail(f"chapters failed, book not built: {failed}")
    return runner.build_html(strict=True, path_output=tmp_path_factory.mktemp("book"))


@pytest.fixture(scope="session")
def claims_json(executed_chapters):
    """``claims_json("ch05")`` -> that chapter's claims JSON from the quick run."""

    def load(chapter: str) -> dict:
        outcome = executed_chapters.get(chapter)
        if outcome is None:
            pytest.fail(f"{chapter} is not in _toc.yml")
        if isinstance(outcome, Exception):
            pytest.fail(f"{chapter} failed to execute: {outcome}")
        data = load_claims(build_dir() / "claims" / f"{chapter}.json")
        assert data["profile"] == PROFILE
        return data

    return load


def verdicts(data: dict) -> dict[str, str]:
    """``{claim id: verdict}`` of a claims JSON."""
    return {c["id"]: c["verdict"] for c in data["claims"]}
