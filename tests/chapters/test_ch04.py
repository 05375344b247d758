"""Chapter 4 at the quick profile: the claims file exists and its verdicts equal the recorded
expectations for that profile (spec ch04 §5.2, §7.11).

Quick differs from paper by design: models with K = 100, a six-level pruning grid without
bisection or refit, and widths {25, 100} only. Recorded quick expectations (seed 0):
C1 does not hold (BP's F = 1.98 on the coarse grid, just below the declared 2; the paper profile
expects F ~ 3-5), C2 and C3 hold, C4 does not hold (BP pruned to RR's synapse count keeps its T),
C5 is not assessable (its rule needs K >= 200 incl. 400 and 800), C6 does not hold.
"""

import pytest
from conftest import verdicts

pytestmark = pytest.mark.chapters

EXPECTED_QUICK = {
    "C1": "does not hold",
    "C2": "holds",
    "C3": "holds",
    "C4": "does not hold",
    "C5": "not assessable",
    "C6": "does not hold",
}


def test_ch04_claims_file(claims_json):
    data = claims_json("ch04")
    assert data["chapter"] == "ch04"
    assert [c["id"] for c in data["claims"]] == list(EXPECTED_QUICK)
    for c in data["claims"]:
        assert any(ch.isdigit() for ch in c["evidence"]), c  # the evidence gives numbers
    c5 = next(c for c in data["claims"] if c["id"] == "C5")
    assert c5["reason"]


def test_ch04_quick_verdicts(claims_json):
    assert verdicts(claims_json("ch04")) == EXPECTED_QUICK
