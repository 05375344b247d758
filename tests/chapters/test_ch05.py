"""Chapter 5 at the quick profile: the verdicts the spec pins (C4 holds, E2 as-quoted flat) and
the shape of the claims table (C1-C7 with evidence, C6 not assessable)."""


def test_ch05_claims(claims_json):
    data = claims_json("ch05")
    v = {c["id"]: c for c in data["claims"]}
    for cid in ("C1", "C2", "C3", "C4", "C5", "C6", "C7"):
        assert cid in v, f"{cid} missing from the claims table"
        assert v[cid]["evidence"].strip()
    assert v["C4"]["verdict"] == "holds"
    assert v["C6"]["holds"] is None and v["C6"]["reason"]
    assert v["E2"]["verdict"] == "holds"  # the rule as quoted stays flat
    for cid in ("C1", "C2", "C3", "C5", "C7"):
        assert v[cid]["verdict"] in ("holds", "does not hold")
