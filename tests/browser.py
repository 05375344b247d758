"""Open a built book in headless Chromium from ``file://`` with no network, as an offline reader
would, and report what is wrong with each page (used by ``tests/test_browser.py``)."""

from __future__ import annotations

import shutil
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no network: a CDN request fails at once
]

# Text on the page that is TeX not typeset by MathJax: $...$, \(...\), \[...\] outside code.
_RAW_MATH_JS = r"""() => {
  const body = document.querySelector('main') || document.body;
  const clone = body.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, mjx-container, .highlight, textarea')
       .forEach(e => e.remove());
  const text = clone.innerText;
  const m = text.match(/\$[^$\n]{1,80}\$|\\\([^\n]{1,80}?\\\)|\\\[[^\n]{1,80}?\\\]/);
  return m ? m[0] : null;
}"""

# Display equations wider than the text column (a reader would have to scroll sideways).
_WIDE_MATH_JS = """() => [...document.querySelectorAll('mjx-container[display="true"]')]
  .filter(c => c.scrollWidth > c.clientWidth + 1)
  .map(c => (c.parentElement && c.parentElement.id) || c.textContent.slice(0, 60))"""

_BROKEN_IMAGES_JS = """() => [...document.images]
  .filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute('src'))"""


def chromium() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise FileNotFoundError("Chromium is missing: `make setup` installs Debian's chromium")
    return path


def check_page(browser, html_file: Path, screenshot: Path) -> list[str]:
    """Open one page; return its problems (empty when it is clean) and save a screenshot."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.goto(html_file.as_uri(), wait_until="load")
    has_math = page.locator(".math").count() > 0
    if has_math:
        page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20000
        )
        page.evaluate("() => MathJax.startup.promise")
        if page.locator("mjx-container").count() == 0:
            problems.append("math is not typeset (no MathJax output)")
        wide = page.evaluate(_WIDE_MATH_JS)
        if wide:
            problems.append(f"display equations wider than the page: {wide}")
    raw = page.evaluate(_RAW_MATH_JS)
    if raw:
        problems.append(f"raw TeX on the page: {raw!r}")
    broken = page.evaluate(_BROKEN_IMAGES_JS)
    if broken:
        problems.append(f"images that did not load: {broken}")
    for selector, what in (
        (".output.stderr", "stderr output"),
        (".tag_injected-parameters", "papermill's injected-parameters cell"),
    ):
        n = page.locator(selector).count()
        if n:
            text = page.locator(selector).first.inner_text()[:200]
            problems.append(f"{n} × {what} shown, e.g. {text!r}")
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot), full_page=True)
    page.close()
    return problems
