"""ch02 (Knoblauch 2024) at the quick profile: the claims file and its verdicts.

Every claim is checked under four variants: deletion-only cues (c = K/2, f = 0) and cues with
false units (c = K − f, f ≈ K/10), each at the main and at a second network size (the paper's
sizes and noise levels are unknown); C5 and H2 at the second size use the ensembles run there.
The Bayes rule is exact (maximum-likelihood counts, no pseudo-count, p_f as the cue model gives
it, self-connection on for one-step retrieval); tests/test_assoc_bayes_optimality.py checks its
one-step optimality on deletion-only cues.

Spec §7 expected C1 to hold in both profiles; C2–C5 and H1–H3 were open. The expected verdicts
below were fixed from the reviewed quick run (seed 0) after the rule was made exact and the cue
regimes added, and are never tuned; none depends on a timing or memory reading. C1 holds in
both regimes at the main size (the quick second size, N = 300, K = 6, puts every ε0 = 0.01
crossing below its P grid: not assessable); C2 holds for deletion-only cues and not with false
units (depends on reconstruction); C3 holds in all four variants; C4, C5 and H1–H3 fail in
every variant.
"""

from __future__ import annotations

import pytest
from conftest import verdicts

from neuroplastic.book import DOES_NOT_HOLD, VERDICTS

pytestmark = pytest.mark.chapters

EXPECTED_QUICK = {
    "C1": "holds",
    "C2": "depends on reconstruction",
    "C3": "holds",
    "C4": "does not hold",
    "C5": "does not hold",
    "H1": "does not hold",
    "H2": "does not hold",
    "H3": "does not hold",
}


def test_ch02_claims_file(claims_json):
    data = claims_json("ch02")
    assert data["chapter"] == "ch02" and data["profile"] == "quick"
    assert [c["id"] for c in data["claims"]] == list(EXPECTED_QUICK)
    for c in data["claims"]:
        assert c["evidence"].strip()
        assert c["verdict"] in VERDICTS, c
        assert len(c["variants"]) >= 2, c  # both cue regimes at least
        names = " ".join(v["variant"] for v in c["variants"])
        assert "deletion-only" in names and "false-unit" in names, c
        if c["verdict"] == DOES_NOT_HOLD:
            assert all(
                v["verdict"] == DOES_NOT_HOLD
                for v in c["variants"]
                if v["verdict"] in ("holds", "does not hold")
            ), c
        for v in c["variants"]:
            assert v["verdict"] in VERDICTS and v["evidence"].strip(), v
    by_id = {c["id"]: c for c in data["claims"]}
    assert by_id["C2"]["budget"]["method_configs"] >= by_id["C2"]["budget"]["baseline_configs"]


def test_ch02_quick_verdicts(claims_json):
    assert verdicts(claims_json("ch02")) == EXPECTED_QUICK
