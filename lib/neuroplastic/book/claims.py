"""The claims registry: each chapter restates its paper's claims and checks them against
its own run.

A claim's ``holds`` is ``True``, ``False``, or ``None`` for a claim no simulation can decide
(then a ``reason`` is required). ``Claims.write`` stores ``_build/claims/<chapter>.json``;
:func:`dashboard_markdown` renders every chapter's table for the landing page.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from .paths import atomic_write_text, build_dir
from .profiles import check_profile

VERDICTS = {True: "holds", False: "does not hold", None: "not assessable"}
_CHAPTER = re.compile(r"^ch\d\d$")


@dataclass(frozen=True)
class Claim:
    id: str
    statement: str
    holds: bool | None
    verdict: str
    evidence: str
    reason: str | None = None


class Claims:
    """An ordered set of claims for one chapter (``chapter`` like ``"ch01"``)."""

    def __init__(self, chapter: str):
        if not isinstance(chapter, str) or not _CHAPTER.match(chapter):
            raise ValueError(f"chapter must look like 'ch01'..'ch99'; got {chapter!r}")
        self.chapter = chapter
        self._claims: dict[str, Claim] = {}

    def add(self, id: str, statement: str, holds: bool | None, evidence: str,
            reason: str | None = None) -> Claim:
        """Register claim ``id``; ``holds`` must be a bool or None (None needs a ``reason``)."""
        if not isinstance(id, str) or not id:
            raise ValueError(f"id must be a non-empty string; got {id!r}")
        if id in self._claims:
            raise ValueError(f"claim id {id!r} is already registered for {self.chapter}")
        if hasattr(holds, "item"):  # numpy bool
            holds = holds.item()
        if holds not in (True, False, None) or not (holds is None or isinstance(holds, bool)):
            raise TypeError(f"holds must be True, False or None; got {holds!r}")
        if not statement or not evidence:
            raise ValueError("statement and evidence must be non-empty strings")
        if holds is None and not reason:
            raise ValueError(f"claim {id!r}: holds=None (not assessable) needs a reason")
        claim = Claim(id, statement, holds, VERDICTS[holds], evidence, reason)
        self._claims[id] = claim
        return claim

    def __iter__(self):
        return iter(self._claims.values())

    def __len__(self) -> int:
        return len(self._claims)

    def __getitem__(self, id: str) -> Claim:
        return self._claims[id]

    def frame(self):
        """The claims as a ``pandas.DataFrame`` (id, claim, verdict, evidence)."""
        import pandas as pd

        rows = [
            {"id": c.id, "claim": c.statement, "verdict": c.verdict,
             "evidence": c.evidence + (f" Reason: {c.reason}" if c.reason else "")}
            for c in self
        ]
        return pd.DataFrame(rows, columns=["id", "claim", "verdict", "evidence"]).set_index("id")

    def write(self, profile: str, path: Path | None = None) -> Path:
        """Write ``_build/claims/<chapter>.json`` atomically and return its path."""
        check_profile(profile)
        path = Path(path) if path else build_dir() / "claims" / f"{self.chapter}.json"
        payload = {"chapter": self.chapter, "profile": profile,
                   "claims": [asdict(c) for c in self]}
        atomic_write_text(path, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return path


def load_claims(path: Path) -> dict:
    """Read one chapter's claims JSON, with a clear error if it is damaged."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        data["claims"], data["chapter"], data["profile"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ValueError(f"{path} is not a claims file written by Claims.write: {exc}") from exc
    return data


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def dashboard_markdown(claims_dir: Path | None = None) -> str:
    """Markdown with one claims table per built chapter (for ``intro.md``)."""
    claims_dir = Path(claims_dir) if claims_dir else build_dir() / "claims"
    files = sorted(claims_dir.glob("ch[0-9][0-9].json")) if claims_dir.is_dir() else []
    if not files:
        return "*No chapter has been executed yet: run `make book` to fill this dashboard.*\n"
    out = []
    for f in files:
        data = load_claims(f)
        counts = {v: sum(c["verdict"] == v for c in data["claims"]) for v in VERDICTS.values()}
        summary = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
        out.append(f"**{data['chapter']}** (profile `{data['profile']}`): {summary}.\n")
        out.append("| id | claim | verdict | evidence |\n|---|---|---|---|")
        for c in data["claims"]:
            ev = c["evidence"] + (f" Reason: {c['reason']}" if c.get("reason") else "")
            out.append(f"| {c['id']} | {_cell(c['statement'])} | {c['verdict']} | {_cell(ev)} |")
        out.append("")
    return "\n".join(out) + "\n"
