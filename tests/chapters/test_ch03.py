"""Chapter 3 at profile=quick: the verdicts recorded for this profile (RR, 100 units, 1 seed).

Recorded from the quick run of 2026-11-23. C1, C3a, C4, C6-U, C7 hold; C2, C3b, C5, C6-S, C8 do
not (at quick: short readout training leaves RR's readout mixed-signed, RR's layer-max weight
histogram is closest to a lognormal that sits on its parameter bound with KS D > 0.05, and RR is
within a point of BP in accuracy). A change here means the chapter's results changed.
"""

import pytest
from conftest import verdicts

pytestmark = pytest.mark.chapters

EXPECTED_QUICK = {
    "C1": "holds",
    "C2": "does not hold",
    "C3a": "holds",
    "C3b": "does not hold",
    "C4": "holds",
    "C5": "does not hold",
    "C6-U": "holds",
    "C6-S": "does not hold",
    "C7": "holds",
    "C8": "does not hold",
}


def test_ch03_quick_verdicts(claims_json):
    data = claims_json("ch03")
    assert data["chapter"] == "ch03"
    assert verdicts(data) == EXPECTED_QUICK


def test_ch03_claims_have_evidence(claims_json):
    for c in claims_json("ch03")["claims"]:
        assert c["evidence"], c["id"]
