"""Chapter 3 at profile=quick: the verdicts recorded for this profile (RR, 100 units).

Recorded from the quick run of 2026-12-04, under the verdict discipline (five verdicts, variants,
budgets). C1 and C7 (its kernel half) hold; C3a is by construction; C2 does not hold under any
normalisation or x_min (the best non-degenerate fit is a power law or the ln-w density has no
interior mode); C3b does not hold for any readout variant; C6-S does not hold under main-run,
re-tuned or delta-rule settings; C6-U holds under all three; C4 depends on the eps at which
robustness is judged (RR beats BP-unit by >= 10 pp at 0.1, not at 0.05; 3 seeds, 2 restarts); C5
on its reading (test accuracy vs train-test gap); C8 on the measure (SI vs unit-label information).
Every verdict is computed from seeded, deterministic runs (no timing or memory readings). A change
here means the chapter's results changed.
"""

import pytest
from conftest import verdicts

pytestmark = pytest.mark.chapters

VERDICTS = (
    "holds",
    "does not hold",
    "depends on reconstruction",
    "by construction",
    "not assessable",
)

EXPECTED_QUICK = {
    "C1": "holds",
    "C2": "does not hold",
    "C3a": "by construction",
    "C3b": "does not hold",
    "C4": "depends on reconstruction",
    "C5": "depends on reconstruction",
    "C6-U": "holds",
    "C6-S": "does not hold",
    "C7": "holds",
    "C8": "depends on reconstruction",
}


def test_ch03_quick_verdicts(claims_json):
    data = claims_json("ch03")
    assert data["chapter"] == "ch03"
    assert verdicts(data) == EXPECTED_QUICK


def test_ch03_claims_have_evidence_and_valid_verdicts(claims_json):
    for c in claims_json("ch03")["claims"]:
        assert c["evidence"], c["id"]
        assert c["verdict"] in VERDICTS, c["id"]
        if c["verdict"] == "does not hold":
            assert len(c["variants"]) >= 2, c["id"]
            b = c.get("budget")
            assert b is None or b["method_configs"] >= b["baseline_configs"], c["id"]


def test_ch03_comparisons_carry_budgets(claims_json):
    by_id = {c["id"]: c for c in claims_json("ch03")["claims"]}
    for cid in ("C4", "C5", "C6-U", "C6-S"):
        assert by_id[cid]["budget"], cid
