"""The ``neuroplastic`` command line: version, errors outside a book, and runs that fail or are
interrupted never replace the last good executed notebook."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import nbformat
import psutil
import pytest

from neuroplastic import __version__

HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A tiny chapter

```{code-cell} ipython3
:tags: [parameters]
profile = "paper"
```

"""


def _book(root, body: str):
    (root / "chapters").mkdir()
    (root / "_config.yml").write_text("title: t\n")
    (root / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/ch01_tiny\n"
    )
    (root / "chapters" / "ch01_tiny.md").write_text(HEADER + body)
    return root / "chapters" / "ch01_tiny.ipynb"


def _cli(root, *args, **kw):
    env = os.environ | {"NEUROPLASTIC_ROOT": str(root), "PYTHONUNBUFFERED": "1"}
    env.pop("NEUROPLASTIC_BUILD", None)
    return [sys.executable, "-m", "neuroplastic.book.cli", *args], env


def test_version():
    out = subprocess.run(
        [sys.executable, "-m", "neuroplastic.book.cli", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0 and out.stdout.strip() == f"neuroplastic {__version__}"


@pytest.mark.parametrize("args", [["list"], ["run", "ch99"], ["book", "--skip-run"]])
def test_outside_a_book_every_command_says_how_to_fix_it(tmp_path, args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEUROPLASTIC_")}
    out = subprocess.run(
        [sys.executable, "-m", "neuroplastic.book.cli", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert out.returncode == 2
    assert "found no _toc.yml" in out.stderr and "NEUROPLASTIC_ROOT" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_failed_run_keeps_the_last_good_notebook(tmp_path):
    nb = _book(tmp_path, "```{code-cell} ipython3\nx = 1\n```\n")
    cmd, env = _cli(tmp_path, "run", "ch01", "--profile", "quick", "--no-progress")
    ok = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert f"executed {nb}" in ok.stdout and "ch01_tiny.html" in ok.stdout
    cells = nbformat.read(nb, as_version=4).cells
    injected = [c for c in cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "remove-cell" in injected[0].metadata["tags"]
    good = nb.read_bytes()
    (tmp_path / "chapters" / "ch01_tiny.md").write_text(
        HEADER + "```{code-cell} ipython3\nraise RuntimeError('boom')\n```\n"
    )
    bad = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "unchanged" in bad.stderr and "_build/failed/ch01_tiny.ipynb" in bad.stderr
    assert nb.read_bytes() == good
    assert (tmp_path / "_build" / "failed" / "ch01_tiny.ipynb").exists()


def test_ctrl_c_prints_one_line_keeps_the_notebook_and_leaves_no_kernel(tmp_path):
    nb = _book(tmp_path, "```{code-cell} ipython3\nimport time\ntime.sleep(600)\n```\n")
    nb.write_text("sentinel: the last good notebook")
    cmd, env = _cli(tmp_path, "run", "ch01", "--profile", "quick", "--no-progress")
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.time() + 120
    while time.time() < deadline:  # wait until the kernel runs the sleeping cell
        kids = psutil.Process(proc.pid).children(recursive=True)
        if any("ipykernel" in " ".join(k.cmdline()) for k in kids):
            time.sleep(3)
            kids = psutil.Process(proc.pid).children(recursive=True)
            break
        time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("the kernel never started")
    t0 = time.time()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert time.time() - t0 < 30
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    said = [line for line in err.splitlines() if "interrupt" in line.lower()]
    assert said == [err.strip().splitlines()[-1]], err
    assert said[0].startswith("neuroplastic: interrupted") and "_build/failed" in said[0]
    assert nb.read_text() == "sentinel: the last good notebook"
    assert (tmp_path / "_build" / "failed" / "ch01_tiny.ipynb").exists()
    left = [k for k in kids if k.is_running() and k.status() != psutil.STATUS_ZOMBIE]
    assert kids and not left, f"processes left running: {[k.cmdline() for k in left]}"


def test_for_the_page_drops_widgets_and_hides_injected_parameters():
    from neuroplastic.book.runner import WIDGET_VIEW, for_the_page

    nb = nbformat.v4.new_notebook(metadata={"widgets": {"state": {}}})
    injected = nbformat.v4.new_code_cell(
        "profile = 'quick'", metadata={"tags": ["injected-parameters"]}
    )
    work = nbformat.v4.new_code_cell(
        "run()",
        outputs=[
            nbformat.v4.new_output("display_data", data={WIDGET_VIEW: {}, "text/plain": "0%"}),
            nbformat.v4.new_output("stream", name="stdout", text="done\n"),
        ],
    )
    nb.cells = [injected, work]
    for_the_page(nb)
    assert "widgets" not in nb.metadata
    assert injected.metadata["tags"] == ["injected-parameters", "remove-cell"]
    assert [o["output_type"] for o in work.outputs] == ["stream"]
