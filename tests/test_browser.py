"""The built book as an offline reader meets it: headless Chromium opens every page from
``file://`` with no network. Screenshots are kept in ``_build/screenshots/``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser import CHROMIUM_ARGS, check_page, chromium

from neuroplastic.book import runner
from neuroplastic.paths import build_dir

pytestmark = pytest.mark.chapters


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _pages(html: Path) -> list[Path]:
    pages = [
        html / "intro.html",
        *sorted((html / "chapters").glob("*.html")),
        *sorted((html / "appendix").glob("*.html")),
    ]
    assert len(pages) >= 2 + len(runner.chapter_sources())
    return pages


def test_every_page_renders_offline(browser, built_book):
    shots = build_dir() / "screenshots"
    report = {}
    for page in _pages(built_book):
        name = page.relative_to(built_book).with_suffix("").as_posix().replace("/", "__")
        problems = check_page(browser, page, shots / f"{name}.png")
        if problems:
            report[page.name] = problems
    assert not report, json.dumps(report, indent=1, ensure_ascii=False)[:6000]


def test_dashboard_links_every_chapter(browser, built_book):
    page = browser.new_page()
    page.goto((built_book / "intro.html").as_uri())
    hrefs = page.eval_on_selector_all("main a", "as => as.map(a => a.getAttribute('href'))")
    page.close()
    for src in runner.chapter_sources():
        assert any(h and f"chapters/{src.stem}.html" in h for h in hrefs), src.stem


def test_download_button_serves_the_executed_notebook(browser, built_book):
    src = runner.chapter_sources()[0]
    page = browser.new_page()
    page.goto((built_book / "chapters" / f"{src.stem}.html").as_uri())
    hrefs = page.eval_on_selector_all(
        "a", "as => as.map(a => a.getAttribute('href')).filter(h => h && h.endsWith('.ipynb'))"
    )
    page.close()
    assert hrefs, "no .ipynb download link on the chapter page"
    notebook = (built_book / "chapters" / hrefs[0]).resolve()
    data = json.loads(notebook.read_text())
    assert any(c.get("outputs") for c in data["cells"] if c["cell_type"] == "code")
