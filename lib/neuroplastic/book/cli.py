"""The ``neuroplastic`` command line: ``list``, ``run``, ``book``, ``clean``."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys

from .. import __version__
from ..paths import build_dir, cache_dir
from . import runner
from .profiles import VALID_PROFILES


def _title(src) -> str:
    for line in src.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return src.stem


def cmd_list(args: argparse.Namespace) -> int:
    """``neuroplastic list``: print each chapter's id, title and last measured runtimes.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.

    Returns
    -------
    int
        The exit status, 0.
    """
    timings_path = build_dir() / "timings.json"
    timings = json.loads(timings_path.read_text()) if timings_path.exists() else {}
    for src in runner.chapter_sources():
        cid = runner.chapter_id(src)
        t = ", ".join(f"{p} {r['seconds']:.0f} s" for p, r in sorted(timings.get(cid, {}).items()))
        print(f"{cid}  {_title(src)}" + (f"  [{t}]" if t else ""))
    return 0


def _use_scheduler(args) -> None:
    if getattr(args, "scheduler", None):  # the chapter kernels inherit it
        os.environ["NEUROPLASTIC_SCHEDULER"] = args.scheduler


def cmd_run(args: argparse.Namespace) -> int:
    """``neuroplastic run``: execute the chosen chapters (or ``all``) with papermill.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.

    Returns
    -------
    int
        The exit status, 0.
    """
    _use_scheduler(args)
    chapters = None if args.chapters == ["all"] else args.chapters
    html = build_dir() / "html" / "chapters"
    for nb in runner.run(chapters, args.profile, seed=args.seed, progress=not args.no_progress):
        print(
            f"executed {nb}\n  its page: {html / nb.with_suffix('.html').name} "
            f"(after `neuroplastic book --skip-run`)"
        )
    return 0


def cmd_book(args: argparse.Namespace) -> int:
    """``neuroplastic book``: execute every chapter (unless ``--skip-run``), build the HTML.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.

    Returns
    -------
    int
        The exit status, 0.
    """
    _use_scheduler(args)
    if not args.skip_run:
        runner.run(None, args.profile, progress=not args.no_progress)
    html = runner.build_html(strict=not args.lenient)
    print(f"book built: open {html / 'index.html'}")
    return 0


def cmd_clean(args: argparse.Namespace) -> int:
    """``neuroplastic clean``: remove executed notebooks and ``_build`` (``--cache``: and
    the result cache).

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.

    Returns
    -------
    int
        The exit status, 0.
    """
    for nb in (src.with_suffix(".ipynb") for src in runner.chapter_sources()):
        nb.unlink(missing_ok=True)
    shutil.rmtree(build_dir(), ignore_errors=True)
    if args.cache:
        shutil.rmtree(cache_dir(), ignore_errors=True)
    print("removed executed notebooks and _build" + (" and the result cache" if args.cache else ""))
    return 0


def _interrupted(signum, frame) -> None:
    """Ctrl-C: stop the kernels, keep the partial notebooks, say so in one line, exit 130.

    Raising KeyboardInterrupt inside papermill's event loop would print tracebacks from its
    tasks; exiting here is quiet and leaves every executed notebook as it was.
    """
    import psutil

    kids = psutil.Process().children(recursive=True)
    for k in kids:
        k.terminate()
    _, alive = psutil.wait_procs(kids, timeout=5)
    for k in alive:
        k.kill()
    kept = runner.keep_partial_runs()
    where = f"; partial run kept in {kept[0].parent}" if kept else ""
    print(
        f"neuroplastic: interrupted; executed notebooks are unchanged{where}",
        file=sys.stderr,
        flush=True,
    )
    os._exit(130)


def main(argv: list[str] | None = None) -> int:
    """Run the ``neuroplastic`` command.

    Parameters
    ----------
    argv : list of str, optional
        The arguments; default ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit status: 0 on success, 2 after an error (printed in one line). Ctrl-C exits
        the process with 130.
    """
    parser = argparse.ArgumentParser(prog="neuroplastic", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("list", help="list the chapters and their last measured runtimes")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("run", help="execute chapters with papermill")
    p.add_argument("chapters", nargs="+", help="chapter ids (ch01, 1) or 'all'")
    p.add_argument("--profile", default="quick", choices=VALID_PROFILES)
    p.add_argument("--seed", type=int, default=None, help="override the chapter's seed")
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run every sweep on this Dask scheduler (e.g. tcp://host:8786)",
    )
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("book", help="execute every chapter and build the HTML book")
    p.add_argument("--profile", default="paper", choices=VALID_PROFILES)
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run every sweep on this Dask scheduler (e.g. tcp://host:8786)",
    )
    p.add_argument(
        "--skip-run", action="store_true", help="build from the notebooks already executed"
    )
    p.add_argument("--lenient", action="store_true", help="do not turn Sphinx warnings into errors")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=cmd_book)
    p = sub.add_parser("clean", help="remove executed notebooks and _build")
    p.add_argument("--cache", action="store_true", help="also remove the result cache data/cache")
    p.set_defaults(func=cmd_clean)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, _interrupted)
    try:
        runner.find_book_root()
        return args.func(args)
    except (ValueError, FileNotFoundError, runner.ChapterRunError) as exc:
        print(f"neuroplastic: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
