"""The performance appendix: the benchmark records as a figure and a table that fits the page.

Records come from the committed reference run ``benchmarks/reference_run.json``, each replaced by
this machine's latest ``make bench`` measurement where there is one (``_build/benchmarks.json``).
Each record compares one of our
kernels with a plain reference implementation of the same mathematics, timed in one run, as the
ratio reference seconds / our seconds (above 1: ours is faster).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..paths import build_dir, project_root

#: Extra record fields shown in the table's notes column (key -> label).
NOTES = {
    "memory_ratio": "peak memory ref./ours",
    "ratio_full_estimate": "ratio on all queries",
    "identical_fraction": "identical states",
}


def load_records() -> tuple[list[dict] | None, str | None]:
    """The benchmark records to show and where they come from.

    The committed reference run, with every benchmark that this machine's latest ``make bench``
    measured replaced by that measurement.

    Returns
    -------
    records : list of dict or None
        One record per benchmark (see :func:`neuroplastic.bench.record`); None if neither file
        holds any.
    origin : str or None
        Their source in words, for the appendix.
    """
    live = build_dir() / "benchmarks.json"
    ref = project_root() / "benchmarks" / "reference_run.json"
    records = {r["name"]: r for r in json.loads(ref.read_text())} if ref.exists() else {}
    measured = json.loads(live.read_text()) if live.exists() else []
    records |= {r["name"]: r for r in measured}
    if not records:
        return None, None
    if not measured:
        origin = "the committed reference run"
    elif len(measured) == len(records):
        origin = "this machine's latest `make bench`"
    else:
        origin = (
            f"the committed reference run, with {len(measured)} of {len(records)} "
            f"benchmarks from this machine's latest `make bench`"
        )
    return list(records.values()), origin


def benchmarks_markdown() -> str:
    """The appendix table: benchmark, ratio, agreement, sizes and notes.

    The ratio is reference seconds / our seconds; the machine is said once, above the table.

    Returns
    -------
    str
        Markdown (a sentence in place of the table when no benchmark has been run).
    """
    records, origin = load_records()
    if records is None:
        return "*No benchmark has been run yet: `make bench` fills this table.*\n"
    machines = sorted({r["machine"] for r in records})
    lines = [
        f"Source: {origin} ({'; '.join(machines)}).\n",
        "| benchmark | ratio | agree | sizes | notes |",
        "|---|---|---|---|---|",
    ]
    for r in records:
        sizes = ", ".join(f"{k}={v}" for k, v in r["sizes"].items())
        notes = "; ".join(f"{label} {r[key]:.3g}" for key, label in NOTES.items() if key in r)
        lines.append(
            f"| `{r['name']}` | {r['ratio']:.2f}× | {'yes' if r['agreed'] else 'no'} "
            f"| {sizes} | {notes} |"
        )
    return "\n".join(lines) + "\n"


def benchmarks_figure(path: Path | None = None) -> Path | None:
    """Draw the ratios to an SVG: log scale, one bar per benchmark, hatched where the results
    disagreed.

    Parameters
    ----------
    path : pathlib.Path, optional
        The SVG file; default ``_build/benchmarks.svg``.

    Returns
    -------
    pathlib.Path or None
        The file written, or None when there is no record.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    records, origin = load_records()
    if not records:
        return None
    path = Path(path) if path else build_dir() / "benchmarks.svg"
    path.parent.mkdir(parents=True, exist_ok=True)
    names = [r["name"] for r in records]
    ratios = [r["ratio"] for r in records]
    fig, ax = plt.subplots(figsize=(7, 0.32 * len(records) + 1.2))
    bars = ax.barh(
        range(len(records)), ratios, color=["C0" if r["agreed"] else "C3" for r in records]
    )
    for bar, r in zip(bars, records):
        if not r["agreed"]:
            bar.set_hatch("//")
        ax.text(
            bar.get_width() * 1.05,
            bar.get_y() + bar.get_height() / 2,
            f"{r['ratio']:.1f}×" + ("" if r["agreed"] else " (results differ)"),
            va="center",
            fontsize=8,
        )
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}×"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.axvline(1.0, color="k", lw=0.8)
    ax.set_yticks(range(len(records)), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(min(0.5, min(ratios) / 2), max(ratios) * 4)
    ax.set_xlabel("reference time / our time (log scale; > 1: ours faster)")
    fig.tight_layout()
    with matplotlib.rc_context({"svg.hashsalt": "benchmarks"}):
        fig.savefig(path, metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return path
