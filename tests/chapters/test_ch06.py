"""Chapter 6 (IVISIT) at the quick profile: claims C1-C6 present with the verdicts of spec ch06 §1.

All six are capability claims checked against our re-implementation `neuroplastic.sim`; each can
fail (an example that does not run, a line count over budget, a widget that does not reach its
parameter, a store round trip that differs, a scope that is not 20x faster than Matplotlib).
"""

import pytest
from conftest import verdicts

pytestmark = pytest.mark.chapters

EXPECTED_QUICK = {"C1": "holds", "C2": "holds", "C3": "holds", "C4": "holds", "C5": "holds", "C6": "holds"}


def test_ch06_claims(claims_json):
    data = claims_json("ch06")
    assert data["chapter"] == "ch06"
    assert [c["id"] for c in data["claims"]] == list(EXPECTED_QUICK)
    assert verdicts(data) == EXPECTED_QUICK
    for c in data["claims"]:
        assert c["evidence"]
