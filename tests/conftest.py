"""Shared fixtures. Each chapter is executed at most once per session at ``profile=quick``, and
only when a test asks for it: ``pytest tests/chapters/test_ch05.py`` runs chapter 5 alone."""

from __future__ import annotations

import os
from collections.abc import Mapping

import pytest

from neuroplastic.book import load_claims, runner
from neuroplastic.paths import build_dir

PROFILE = "quick"


def pytest_collection_modifyitems(config, items):
    """Tests marked ``slow`` run only with ``NEUROPLASTIC_SLOW=1``."""
    if os.environ.get("NEUROPLASTIC_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow: set NEUROPLASTIC_SLOW=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


class ExecutedChapters(Mapping):
    """``{chapter_id: notebook path or the exception it raised}``, executed on first access
    through papermill; a failure in one chapter does not stop the others."""

    def __init__(self):
        self._ids = [runner.chapter_id(s) for s in runner.chapter_sources()]
        self._done: dict = {}

    def __getitem__(self, chapter: str):
        if chapter not in self._ids:
            raise KeyError(chapter)
        if chapter not in self._done:
            try:
                self._done[chapter] = runner.execute(
                    runner.resolve(chapter), PROFILE, progress=False
                )
            except Exception as exc:  # reported by test_chapters.py and by claims_json
                self._done[chapter] = exc
        return self._done[chapter]

    def __iter__(self):
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


@pytest.fixture(scope="session")
def executed_chapters():
    return ExecutedChapters()


@pytest.fixture(scope="session")
def built_book(executed_chapters, tmp_path_factory):
    """The HTML book built strictly (``-W -n``) from the quick run; returns its html folder."""
    failed = [c for c, o in executed_chapters.items() if isinstance(o, Exception)]
    if failed:
        pytest.fail(f"chapters failed, book not built: {failed}")
    runner.render_generated_pages()
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
