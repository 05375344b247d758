"""The claims registry and its verdict discipline.

Each chapter restates its paper's claims and checks them against its own run. A claim gets one of
five verdicts:

``holds``
    the check passed under every variant of the reconstruction it rests on;
``does not hold``
    the check failed under every variant (and, where the paper's method is set against a
    baseline, after the method got at least the baseline's tuning budget);
``depends on reconstruction``
    the variants disagree: the text says on which choice the verdict turns;
``by construction``
    true because our setup imposes it; never counted as support;
``not assessable``
    no run of ours can decide it (a ``reason`` is required).

A check that rests on a choice marked [R] in the specification (cue regime, pseudo-count,
normalisation, tuning grid, training budget, ...) is recorded as **variants**: the same check
under each plausible alternative, each with its own verdict and evidence. The headline verdict is
derived from them by :func:`combine`. A ``does not hold`` always needs at least two variants, so
that no negative verdict rests on one [R] choice alone.

Where a method is compared with a baseline, :class:`Budget` records how many configurations each
got; a ``does not hold`` about the method with a smaller budget than its baseline is refused.

``Claims.write`` stores ``_build/claims/<chapter>.json``; :func:`dashboard_markdown` renders every
chapter's table for the landing page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..paths import atomic_write_text, build_dir
from .profiles import check_profile

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

HOLDS = "holds"
DOES_NOT_HOLD = "does not hold"
DEPENDS = "depends on reconstruction"
BY_CONSTRUCTION = "by construction"
NOT_ASSESSABLE = "not assessable"
VERDICTS = (HOLDS, DOES_NOT_HOLD, DEPENDS, BY_CONSTRUCTION, NOT_ASSESSABLE)
#: one-character marks for compact variant lists (tables, dashboard)
MARKS = {HOLDS: "✓", DOES_NOT_HOLD: "✗", DEPENDS: "≈", BY_CONSTRUCTION: "◦", NOT_ASSESSABLE: "–"}
_CHAPTER = re.compile(r"^ch\d\d$")
#: the colour of each verdict in :func:`variants_figure`
COLORS = {
    HOLDS: "#4c9a2a",
    DOES_NOT_HOLD: "#c0392b",
    DEPENDS: "#e6a817",
    BY_CONSTRUCTION: "#7f8c8d",
    NOT_ASSESSABLE: "#bdc3c7",
}


def as_verdict(outcome: bool | str | None) -> str:
    """A verdict string from an outcome.

    ``True`` -> ``holds``, ``False`` -> ``does not hold``, ``None`` -> ``not assessable``; a
    string must already be one of :data:`VERDICTS`. numpy bools count as bools.

    Parameters
    ----------
    outcome : bool, str or None

    Returns
    -------
    str
        One of :data:`VERDICTS`.

    Raises
    ------
    TypeError
        For any other value.
    """
    if hasattr(outcome, "item"):  # numpy bool
        outcome = outcome.item()
    if outcome is True:
        return HOLDS
    if outcome is False:
        return DOES_NOT_HOLD
    if outcome is None:
        return NOT_ASSESSABLE
    if isinstance(outcome, str) and outcome in VERDICTS:
        return outcome
    raise TypeError(f"verdict must be True, False, None or one of {VERDICTS}; got {outcome!r}")


@dataclass(frozen=True)
class Variant:
    """The check of a claim under one alternative of an [R] choice.

    ``verdict`` may be given as ``True``/``False``/``None`` or a verdict string, e.g.
    ``Variant("cues with f = 2 false units", ratio >= 1, f"ratio {ratio:.2f}")``.
    """

    variant: str
    verdict: str
    evidence: str

    def __post_init__(self):
        if not isinstance(self.variant, str) or not self.variant.strip():
            raise ValueError(f"variant must be a non-empty string; got {self.variant!r}")
        object.__setattr__(self, "verdict", as_verdict(self.verdict))
        if not isinstance(self.evidence, str) or not self.evidence.strip():
            raise ValueError(f"variant {self.variant!r}: evidence must be a non-empty string")


@dataclass(frozen=True)
class Budget:
    """Tuning effort: configurations tried for the paper's ``method`` and for its ``baseline``."""

    method: str
    method_configs: int
    baseline: str
    baseline_configs: int

    def __post_init__(self):
        for name in ("method_configs", "baseline_configs"):
            n = getattr(self, name)
            if isinstance(n, bool) or not isinstance(n, int) or n < 1:
                raise ValueError(f"{name} must be an integer >= 1; got {n!r}")

    @property
    def equal_effort(self) -> bool:
        """Whether the method got at least the baseline's budget.

        Returns
        -------
        bool
            ``method_configs >= baseline_configs``.
        """
        return self.method_configs >= self.baseline_configs

    def __str__(self) -> str:
        return (
            f"{self.method}: {self.method_configs} configurations, "
            f"{self.baseline}: {self.baseline_configs}"
        )


def combine(verdicts: Iterable[str]) -> str:
    """The headline verdict of a set of variant verdicts.

    Variants that are ``not assessable`` or ``by construction`` carry no evidence either way and
    are left out; the rest must agree for ``holds`` or ``does not hold``, otherwise the verdict
    is ``depends on reconstruction``. With no decisive variant the result is ``by construction``
    if any variant is, else ``not assessable``.

    Parameters
    ----------
    verdicts : iterable
        Verdicts or outcomes accepted by :func:`as_verdict`.

    Returns
    -------
    str
        One of :data:`VERDICTS`.

    Raises
    ------
    TypeError
        As :func:`as_verdict`.
    """
    verdicts = [as_verdict(v) for v in verdicts]
    decisive = {v for v in verdicts if v in (HOLDS, DOES_NOT_HOLD, DEPENDS)}
    if not decisive:
        return BY_CONSTRUCTION if BY_CONSTRUCTION in verdicts else NOT_ASSESSABLE
    if len(decisive) == 1:
        return decisive.pop()
    return DEPENDS


@dataclass(frozen=True)
class Claim:
    id: str
    statement: str
    verdict: str
    evidence: str
    reason: str | None = None
    variants: tuple[Variant, ...] = field(default_factory=tuple)
    budget: Budget | None = None

    @property
    def holds(self) -> bool | None:
        """The verdict as a bool.

        Returns
        -------
        bool or None
            ``True``/``False`` for the two decisive verdicts, ``None`` otherwise.
        """
        return {HOLDS: True, DOES_NOT_HOLD: False}.get(self.verdict)

    def variants_text(self) -> str:
        """The variants with their marks, e.g. ``✓ name; ✗ name``.

        Returns
        -------
        str
            Empty when there are none.
        """
        return "; ".join(f"{MARKS[v.verdict]} {v.variant}" for v in self.variants)

    def as_dict(self) -> dict:
        """The claim as JSON-able data, as :meth:`Claims.write` stores it.

        Returns
        -------
        dict
            The fields, ``holds`` (see :attr:`holds`) and the variants as dicts.
        """
        d = asdict(self)
        d["holds"] = self.holds
        d["variants"] = [asdict(v) for v in self.variants]
        return d


def _as_variant(v) -> Variant:
    if isinstance(v, Variant):
        return v
    if isinstance(v, Mapping):
        return Variant(v["variant"], v["verdict"], v["evidence"])
    if isinstance(v, tuple) and len(v) == 3:
        return Variant(*v)
    raise TypeError(
        f"a variant must be a Variant, a mapping or a (name, outcome, evidence) tuple; got {v!r}"
    )


class Claims:
    """An ordered set of claims for one chapter (``chapter`` like ``"ch01"``)."""

    def __init__(self, chapter: str):
        if not isinstance(chapter, str) or not _CHAPTER.match(chapter):
            raise ValueError(f"chapter must look like 'ch01'..'ch99'; got {chapter!r}")
        self.chapter = chapter
        self._claims: dict[str, Claim] = {}

    def add(
        self,
        id: str,
        statement: str,
        holds: bool | str | None = None,
        evidence: str = "",
        reason: str | None = None,
        *,
        variants: Iterable | None = None,
        budget: Budget | None = None,
    ) -> Claim:
        """Register claim ``id`` and return it.

        Parameters
        ----------
        id : str
            The claim's id (non-empty, unique in the chapter).
        statement : str
            The claim as the paper makes it.
        holds : bool, str or None, optional
            The verdict of a claim checked under one setting: ``True``, ``False``, ``None``
            (not assessable) or one of :data:`VERDICTS`. Leave it out when ``variants`` are
            given: the verdict is then ``combine(variants)``.
        evidence : str
            The numbers behind the verdict, in a sentence.
        reason : str, optional
            Required for ``not assessable`` and ``by construction``: why.
        variants : iterable, optional
            :class:`Variant` objects (or ``(name, outcome, evidence)`` tuples), one per
            alternative of the [R] choices the check rests on.
        budget : Budget, optional
            Configurations tried for the paper's method and for its baseline. A ``does not
            hold`` with ``budget.equal_effort`` false is refused.

        Returns
        -------
        Claim
            The registered claim.

        Raises
        ------
        TypeError
            For a malformed variant or outcome, or a ``budget`` that is not a :class:`Budget`.
        ValueError
            On a duplicate id, empty text, a verdict outside the five, a missing reason, a
            ``does not hold`` with fewer than two variants, or a negative verdict after
            unequal effort.
        """
        if not isinstance(id, str) or not id:
            raise ValueError(f"id must be a non-empty string; got {id!r}")
        if id in self._claims:
            raise ValueError(f"claim id {id!r} is already registered for {self.chapter}")
        if (
            not isinstance(statement, str)
            or not statement.strip()
            or not isinstance(evidence, str)
            or not evidence.strip()
        ):
            raise ValueError("statement and evidence must be non-empty strings")
        vs = tuple(_as_variant(v) for v in (variants or ()))
        if vs:
            if holds is not None:
                raise ValueError(f"claim {id!r}: give either holds or variants, not both")
            names = [v.variant for v in vs]
            if len(set(names)) != len(names):
                raise ValueError(f"claim {id!r}: variant names must be distinct; got {names}")
            verdict = combine(v.verdict for v in vs)
        else:
            verdict = as_verdict(holds)
        if verdict in (NOT_ASSESSABLE, BY_CONSTRUCTION) and not reason:
            raise ValueError(f"claim {id!r}: verdict {verdict!r} needs a reason")
        if verdict == DOES_NOT_HOLD and len(vs) < 2:
            raise ValueError(
                f"claim {id!r}: 'does not hold' needs at least two variants (the check under "
                f"each plausible alternative of the [R] choices it rests on); got {len(vs)}"
            )
        if budget is not None:
            if not isinstance(budget, Budget):
                raise TypeError(f"budget must be a Budget; got {budget!r}")
            if verdict == DOES_NOT_HOLD and not budget.equal_effort:
                raise ValueError(
                    f"claim {id!r}: a negative verdict needs equal effort, but {budget}"
                )
        claim = Claim(id, statement, verdict, evidence, reason, vs, budget)
        self._claims[id] = claim
        return claim

    def __iter__(self):
        return iter(self._claims.values())

    def __len__(self) -> int:
        return len(self._claims)

    def __getitem__(self, id: str) -> Claim:
        return self._claims[id]

    def frame(self) -> pd.DataFrame:
        """The claims as a table.

        Returns
        -------
        pandas.DataFrame
            Indexed by id; columns claim, verdict, variants (marks) and evidence (with the
            reason and the budget, where given).
        """
        import pandas as pd

        rows = [
            {
                "id": c.id,
                "claim": c.statement,
                "verdict": c.verdict,
                "variants": c.variants_text(),
                "evidence": _evidence(c.as_dict()),
            }
            for c in self
        ]
        cols = ["id", "claim", "verdict", "variants", "evidence"]
        return pd.DataFrame(rows, columns=cols).set_index("id")

    def variants_frame(self) -> pd.DataFrame:
        """The variants of every claim as a table.

        Returns
        -------
        pandas.DataFrame
            One row per (claim, variant); columns id, variant, verdict, evidence.
        """
        import pandas as pd

        rows = [
            {"id": c.id, "variant": v.variant, "verdict": v.verdict, "evidence": v.evidence}
            for c in self
            for v in c.variants
        ]
        return pd.DataFrame(rows, columns=["id", "variant", "verdict", "evidence"])

    def write(self, profile: str, path: Path | None = None) -> Path:
        """Write the claims as JSON, atomically.

        Parameters
        ----------
        profile : str
            The run profile, ``"quick"`` or ``"paper"``.
        path : pathlib.Path, optional
            The file; default ``_build/claims/<chapter>.json``.

        Returns
        -------
        pathlib.Path
            The file written.

        Raises
        ------
        ValueError
            For an unknown ``profile``.
        """
        check_profile(profile)
        path = Path(path) if path else build_dir() / "claims" / f"{self.chapter}.json"
        payload = {
            "chapter": self.chapter,
            "profile": profile,
            "claims": [c.as_dict() for c in self],
        }
        atomic_write_text(path, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return path


def variants_figure(variants: pd.DataFrame) -> Figure:
    """The verdict of every claim (rows) under each of its variants (squares, numbered in the
    order of :meth:`Claims.variants_frame`), coloured by verdict (:data:`COLORS`).

    Parameters
    ----------
    variants : pandas.DataFrame
        :meth:`Claims.variants_frame` (columns id, variant, verdict), non-empty.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If a column is missing or the frame is empty.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    missing = {"id", "variant", "verdict"} - set(getattr(variants, "columns", ()))
    if missing or len(variants) == 0:
        raise ValueError(
            f"variants must be a non-empty Claims.variants_frame(); missing {sorted(missing)}"
        )
    ids = list(dict.fromkeys(variants.id))
    width = max(variants.groupby("id").size())
    fig, ax = plt.subplots(figsize=(4.0 + 0.9 * width, 0.45 * len(ids) + 1.2))
    for i, cid in enumerate(ids):
        for j, v in enumerate(variants[variants.id == cid].verdict):
            ax.add_patch(plt.Rectangle((j, i), 0.9, 0.8, color=COLORS.get(v, "w")))
    ax.set_xlim(-0.1, width)
    ax.set_ylim(len(ids), -0.2)
    ax.set_yticks([i + 0.4 for i in range(len(ids))], ids)
    ax.set_xticks([j + 0.45 for j in range(width)], [str(j + 1) for j in range(width)])
    ax.set_xlabel("variant (in the order of the claim's table)")
    seen = [v for v in COLORS if v in set(variants.verdict)]
    ax.legend(
        handles=[Patch(color=COLORS[v], label=v) for v in seen],
        fontsize=8,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
    )
    for spine in ax.spines.values():
        spine.set_visible(False)
    fig.tight_layout()
    return fig


def load_claims(path: Path) -> dict:
    """Read one chapter's claims JSON, as :meth:`Claims.write` wrote it.

    Parameters
    ----------
    path : pathlib.Path

    Returns
    -------
    dict
        ``chapter``, ``profile`` and ``claims`` (a list of claim dicts).

    Raises
    ------
    ValueError
        If the file is not valid JSON, lacks a field or holds an unknown verdict.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        data["chapter"], data["profile"]
        for c in data["claims"]:
            if c["verdict"] not in VERDICTS:
                raise KeyError(f"verdict {c['verdict']!r} of {c.get('id')!r}")
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ValueError(f"{path} is not a claims file written by Claims.write: {exc}") from exc
    return data


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _evidence(c: dict) -> str:
    ev = c["evidence"]
    if c.get("reason"):
        ev += f" Reason: {c['reason']}"
    if c.get("budget"):
        b = c["budget"]
        ev += (
            f" Budget: {b['method']} {b['method_configs']} vs {b['baseline']} "
            f"{b['baseline_configs']} configurations."
        )
    return ev


def dashboard_markdown(
    claims_dir: Path | None = None, pages: Mapping[str, str] | None = None
) -> str:
    """The claims dashboard: one claims table per built chapter (for ``intro.md``).

    Parameters
    ----------
    claims_dir : pathlib.Path, optional
        Where the ``chNN.json`` files are; default ``_build/claims``.
    pages : mapping, optional
        Chapter id -> its document (``"chapters/ch01_..."``), so that each table links to it.

    Returns
    -------
    str
        Markdown (a sentence when no chapter has been executed).

    Raises
    ------
    ValueError
        As :func:`load_claims`, for a damaged file.
    """
    claims_dir = Path(claims_dir) if claims_dir else build_dir() / "claims"
    files = sorted(claims_dir.glob("ch[0-9][0-9].json")) if claims_dir.is_dir() else []
    if not files:
        return "*No chapter has been executed yet: run `make book` to fill this dashboard.*\n"
    legend = ", ".join(f"{m} {v}" for v, m in MARKS.items())
    out = [f"Variant marks: {legend}.\n"]
    for f in files:
        data = load_claims(f)
        counts = {v: sum(c["verdict"] == v for c in data["claims"]) for v in VERDICTS}
        summary = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
        ch = data["chapter"]
        title = f"{{doc}}`{ch} </{pages[ch]}>`" if pages and ch in pages else ch
        out.append(f"**{title}** (profile `{data['profile']}`): {summary}.\n")
        out.append("| id | claim | verdict | variants | evidence |\n|---|---|---|---|---|")
        for c in data["claims"]:
            vs = "; ".join(f"{MARKS[v['verdict']]} {v['variant']}" for v in c.get("variants", []))
            out.append(
                f"| {c['id']} | {_cell(c['statement'])} | {c['verdict']} | "
                f"{_cell(vs) or '—'} | {_cell(_evidence(c))} |"
            )
        out.append("")
    return "\n".join(out) + "\n"
