"""Chapter 5 (Dopamine optimizer) at the quick profile: the claims table and its verdicts.

The spec pins C4 (memory) holds and our check E2 (the update rule as quoted stays flat) holds;
C6 is not decidable by simulation. C1, C2, C3, C5 and C7 were open; their expected verdicts were
fixed from the first reviewed quick run (seed 0) and are never tuned. A change here means the
chapter's results changed.
"""

import pytest
from conftest import verdicts

pytestmark = pytest.mark.chapters

EXPECTED_QUICK = {
    "C1": "does not hold",   # Dopamine-2 tracks WP on the forecasting tasks (beta = 0.9998)
    "C2": "does not hold",   # BPTT/Adam reach far lower forecasting error
    "C3": "does not hold",
    "C4": "holds",           # spec-pinned
    "C5": "holds",
    "C6": "not assessable",  # plausibility is not decidable by simulation
    "C7": "holds",
    "E2": "holds",           # spec-pinned: the rule as quoted cannot learn
}


def test_ch05_claims_file(claims_json):
    data = claims_json("ch05")
    assert data["chapter"] == "ch05"
    assert [c["id"] for c in data["claims"]] == list(EXPECTED_QUICK)
    for c in data["claims"]:
        assert c["evidence"].strip(), c["id"]
    c6 = next(c for c in data["claims"] if c["id"] == "C6")
    assert c6["holds"] is None and c6["reason"]


def test_ch05_quick_verdicts(claims_json):
    assert verdicts(claims_json("ch05")) == EXPECTED_QUICK
