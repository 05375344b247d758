"""Chapter 4 at the quick profile: the claims file exists and its verdicts equal the recorded
expectations for that profile (spec ch04 §5.2, §7.11; issue "Trustworthy verdicts II").

Quick differs from paper by design: models with K = 100, a six-level pruning grid with bisection
but without refit, and widths {25, 100} only. Recorded quick expectations (seed 0):
C1 holds (BP's bisected F = 3.70 >= 2, both tolerance readings; the paper's 13 is not assessable),
C2 does not hold (RR's r = 3.1 > 2 under both readings, though below BP's 3.7), C3 depends on
reconstruction (C_S ratio 2.12 as trained and 1.77 at N_min, but below 1 at matched synapse
counts), C4 does not hold (BP pruned to RR's synapse count keeps at least RR's T, one-shot and
refit), C5 is not assessable (its rule needs K = 400 and 800), C6 does not hold (shared readout
and per-phase masked heads alike).
"""

import pytest
from conftest import verdicts

from neuroplastic.book import DOES_NOT_HOLD, NOT_ASSESSABLE, VERDICTS

pytestmark = pytest.mark.chapters

EXPECTED_QUICK = {
    "C1": "holds",
    "C2": "does not hold",
    "C3": "depends on reconstruction",
    "C4": "does not hold",
    "C5": "not assessable",
    "C6": "does not hold",
}


def test_ch04_claims_file(claims_json):
    data = claims_json("ch04")
    assert data["chapter"] == "ch04"
    assert [c["id"] for c in data["claims"]] == list(EXPECTED_QUICK)
    for c in data["claims"]:
        assert c["verdict"] in VERDICTS
        assert any(ch.isdigit() for ch in c["evidence"]), c  # the evidence gives numbers
        assert len(c["variants"]) >= 2, c  # every ch04 claim rests on an [R] choice
        for v in c["variants"]:
            assert v["verdict"] in VERDICTS and any(ch.isdigit() for ch in v["evidence"]), v
        if c["verdict"] == DOES_NOT_HOLD and c["id"] != "C1":
            assert c["budget"]["method_configs"] >= c["budget"]["baseline_configs"], c
    c5 = next(c for c in data["claims"] if c["id"] == "C5")
    assert c5["reason"] and c5["verdict"] == NOT_ASSESSABLE
    names = {c["id"]: [v["variant"] for v in c["variants"]] for c in data["claims"]}
    assert any(n.startswith("matched counts") for n in names["C3"])
    assert any(n.startswith("at N_min") for n in names["C3"])
    assert any("equal wins" in n for n in names["C5"]) and any("fixed" in n for n in names["C5"])
    assert any("per-phase" in n for n in names["C6"])


def test_ch04_quick_verdicts(claims_json):
    assert verdicts(claims_json("ch04")) == EXPECTED_QUICK
