"""Math renders offline: the built HTML loads MathJax from the build, not from a CDN."""

from __future__ import annotations

import subprocess
import sys


def test_sphinx_build_serves_mathjax_locally(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text("extensions = ['neuroplastic.book.offline']\n")
    (src / "index.rst").write_text("Title\n=====\n\n.. math:: E = mc^2\n")
    out = tmp_path / "html"
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-W", "-b", "html", str(src), str(out)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    html = (out / "index.html").read_text()
    assert "_static/mathjax/tex-svg.js" in html and "cdn" not in html.lower()
    assert (out / "_static" / "mathjax" / "tex-svg.js").stat().st_size > 1_000_000
    assert (out / "_static" / "mathjax" / "input" / "tex" / "extensions" / "ams.js").is_file()
