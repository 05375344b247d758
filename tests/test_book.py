"""neuroplastic.book: profiles, claims, figures, glue, the result cache and the runner."""

from __future__ import annotations

import json
import pickle

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from neuroplastic import book
from neuroplastic import cache as cache_mod
from neuroplastic.book import runner
from neuroplastic.book.cli import main as cli_main
from neuroplastic.cache import CacheError, memoize


@pytest.fixture
def build(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROPLASTIC_BUILD", str(tmp_path / "_build"))
    monkeypatch.setenv("NEUROPLASTIC_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("NEUROPLASTIC_NO_CACHE", raising=False)
    return tmp_path / "_build"


PROFILES = {"quick": {"n": 1}, "paper": {"n": 2}}


def test_select_profile_returns_a_copy():
    p = book.select_profile("quick", PROFILES)
    p["n"] = 99
    assert PROFILES["quick"]["n"] == 1


@pytest.mark.parametrize("bad", ["fast", "", None, 3, "Quick"])
def test_unknown_profile_lists_valid_ones(bad):
    with pytest.raises(ValueError, match="'quick', 'paper'"):
        book.select_profile(bad, PROFILES)


def test_profile_table_must_define_every_profile():
    with pytest.raises(ValueError, match="missing"):
        book.select_profile("quick", {"quick": {}})


def test_claims_roundtrip_and_verdicts(build):
    c = book.Claims("ch09")
    c.add("C1", "a holds", True, "x = 1")
    c.add(
        "C2",
        "b fails",
        evidence="y = 2",
        variants=[("regime A", np.bool_(False), "y = 2"), book.Variant("regime B", False, "y = 3")],
    )
    c.add("C3", "c untestable", None, "-", reason="biology")
    c.add("C4", "d imposed", "by construction", "k-WTA", reason="k-WTA fixes it")
    c.add(
        "C5",
        "e mixed",
        evidence="z",
        variants=[("A", True, "z = 1"), ("B", False, "z = 0")],
        budget=book.Budget("RR", 6, "BP", 6),
    )
    path = c.write(profile="quick")
    data = book.load_claims(path)
    assert [x["verdict"] for x in data["claims"]] == [
        "holds",
        "does not hold",
        "not assessable",
        "by construction",
        "depends on reconstruction",
    ]
    assert [x["holds"] for x in data["claims"]] == [True, False, None, None, None]
    assert data["claims"][1]["variants"][1] == {
        "variant": "regime B",
        "verdict": "does not hold",
        "evidence": "y = 3",
    }
    assert data["claims"][4]["budget"]["method_configs"] == 6
    assert data["profile"] == "quick" and data["chapter"] == "ch09"
    frame = c.frame()
    assert list(frame.index) == ["C1", "C2", "C3", "C4", "C5"]
    assert "Reason: biology" in frame.loc["C3", "evidence"]
    assert frame.loc["C5", "variants"] == "✓ A; ✗ B"
    assert "Budget: RR 6 vs BP 6" in frame.loc["C5", "evidence"]
    assert len(c.variants_frame()) == 4
    fig = book.variants_figure(c.variants_frame())
    squares = [p for p in fig.axes[0].patches if p.get_width() == 0.9]
    assert len(squares) == 4  # one square per variant, coloured by its verdict
    assert {tuple(p.get_facecolor()) for p in squares} == {
        matplotlib.colors.to_rgba(book.claims.COLORS[v]) for v in ("holds", "does not hold")
    }
    plt.close(fig)
    with pytest.raises(ValueError, match="variants"):
        book.variants_figure(c.variants_frame().iloc[:0])
    md = book.dashboard_markdown(path.parent)
    assert "1 holds, 1 does not hold, 1 depends on reconstruction" in md
    assert "| C2 | b fails | does not hold | ✗ regime A; ✗ regime B |" in md


@pytest.mark.parametrize(
    "verdicts, expected",
    [
        (["holds", "holds"], "holds"),
        (["does not hold", "does not hold"], "does not hold"),
        (["holds", "does not hold"], "depends on reconstruction"),
        (["holds", "depends on reconstruction"], "depends on reconstruction"),
        (["holds", "not assessable"], "holds"),
        (["by construction", "holds"], "holds"),
        (["by construction", "not assessable"], "by construction"),
        (["not assessable"], "not assessable"),
    ],
)
def test_combine_variants(verdicts, expected):
    assert book.combine(verdicts) == expected


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(id="C1", statement="s", holds="yes", evidence="e"), TypeError, "verdict"),
        (dict(id="C1", statement="s", holds=None, evidence="e"), ValueError, "reason"),
        (dict(id="C1", statement="s", holds="by construction", evidence="e"), ValueError, "reason"),
        (dict(id="", statement="s", holds=True, evidence="e"), ValueError, "id"),
        (dict(id="C1", statement="s", holds=True, evidence=""), ValueError, "evidence"),
        (dict(id="C1", statement="s", holds=False, evidence="e"), ValueError, "two variants"),
        (
            dict(id="C1", statement="s", evidence="e", variants=[("A", False, "x")]),
            ValueError,
            "two variants",
        ),
        (
            dict(id="C1", statement="s", holds=True, evidence="e", variants=[("A", True, "x")]),
            ValueError,
            "not both",
        ),
        (
            dict(
                id="C1", statement="s", evidence="e", variants=[("A", True, "x"), ("A", True, "y")]
            ),
            ValueError,
            "distinct",
        ),
        (
            dict(id="C1", statement="s", evidence="e", variants=[("A", True, "")]),
            ValueError,
            "evidence",
        ),
        (
            dict(
                id="C1",
                statement="s",
                evidence="e",
                variants=[("A", False, "x"), ("B", False, "y")],
                budget=book.Budget("RR", 2, "BP", 9),
            ),
            ValueError,
            "equal effort",
        ),
    ],
)
def test_claims_reject_bad_input(kwargs, err, match):
    with pytest.raises(err, match=match):
        book.Claims("ch01").add(**kwargs)


def test_budget_validates_and_unequal_effort_may_still_hold():
    with pytest.raises(ValueError, match="method_configs"):
        book.Budget("RR", 0, "BP", 3)
    c = book.Claims("ch01").add("C1", "s", True, "e", budget=book.Budget("RR", 1, "BP", 3))
    assert c.verdict == "holds" and not c.budget.equal_effort


def test_damaged_claims_verdict_is_a_clear_error(tmp_path):
    bad = tmp_path / "ch01.json"
    bad.write_text(
        '{"chapter": "ch01", "profile": "quick", "claims": [{"id": "C1", "verdict": "probably"}]}'
    )
    with pytest.raises(ValueError, match="not a claims file"):
        book.load_claims(bad)


def test_claims_reject_duplicates_and_bad_chapter():
    c = book.Claims("ch01")
    c.add("C1", "s", True, "e")
    with pytest.raises(ValueError, match="already"):
        c.add("C1", "s", True, "e")
    with pytest.raises(ValueError, match="chapter"):
        book.Claims("chapter1")


def test_damaged_claims_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "ch01.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="not a claims file"):
        book.load_claims(bad)


def test_figures_are_deterministic(build):
    def draw():
        fig, ax = plt.subplots()
        ax.plot([0, 1, 2], [1, 0, 1])
        return fig

    png, svg = book.save(draw(), "line", chapter="ch09")
    first_svg, first_png = svg.read_bytes(), png.read_bytes()
    book.show(draw(), "line", chapter="ch09")
    assert svg.read_bytes() == first_svg and png.read_bytes() == first_png
    assert b"<dc:date>" not in first_svg
    with pytest.raises(ValueError, match="name"):
        book.save(draw(), "bad/name", chapter="ch09")


def test_glue_returns_nothing_and_checks_its_name():
    assert book.glue("x", 3.14159, ".2f") is None
    with pytest.raises(ValueError):
        book.glue("", 1)


calls = []


@memoize
def _square(x, *, scale=1.0):
    calls.append(x)
    return {"y": x * x * scale}


def test_memoize_caches_and_can_be_bypassed(build, monkeypatch):
    calls.clear()
    assert _square(3) == {"y": 9}
    assert _square(3, scale=1.0) == {"y": 9}  # same bound arguments, same key
    assert calls == [3]
    _square(3, refresh=True)
    assert calls == [3, 3]
    _square(4)
    assert calls == [3, 3, 4]
    monkeypatch.setenv("NEUROPLASTIC_NO_CACHE", "1")
    _square(3)
    assert calls == [3, 3, 4, 3]


def test_memoize_key_depends_on_arguments_and_library(build, monkeypatch):
    k1, k2 = _square.cache_key(3), _square.cache_key(3, scale=2.0)
    assert k1 != k2
    monkeypatch.setattr(cache_mod, "source_fingerprint", lambda module=None: "other-version")
    assert _square.cache_key(3) != k1


def test_fingerprint_follows_the_import_graph():
    closure = cache_mod.module_closure("neuroplastic.perturbation.optimizers")
    assert "neuroplastic.perturbation.optimizers" in closure and "neuroplastic" in closure
    kernels = ("neuroplastic.assoc", "neuroplastic.competitive")
    assert not any(m.startswith(kernels) for m in closure)
    assert "neuroplastic.assoc.kernels" in cache_mod.module_closure("neuroplastic.assoc.recall")
    whole = cache_mod.source_fingerprint(None)
    prints = {
        cache_mod.source_fingerprint(m)
        for m in ("neuroplastic.assoc.recall", "neuroplastic.perturbation.optimizers")
    }
    assert len(prints | {whole}) == 3
    assert cache_mod.source_fingerprint(_square.__module__) == whole  # a test: whole library


def test_fingerprint_changes_when_an_imported_source_changes(tmp_path, monkeypatch):
    pkg = tmp_path / "neuroplastic"
    (pkg / "kern").mkdir(parents=True)
    (pkg / "__init__.py").write_text("__version__ = '0'\n")
    (pkg / "kern" / "__init__.py").write_text("")
    (pkg / "kern" / "a.py").write_text("from . import b\n")
    (pkg / "kern" / "b.py").write_text("X = 1\n")
    (pkg / "kern" / "c.py").write_text("Y = 1\n")
    monkeypatch.setattr(cache_mod, "_PKG", pkg)
    for f in (cache_mod.module_closure, cache_mod.source_fingerprint):
        f.cache_clear()
    assert cache_mod.module_closure("neuroplastic.kern.a") == (
        "neuroplastic",
        "neuroplastic.kern",
        "neuroplastic.kern.a",
        "neuroplastic.kern.b",
    )
    before = cache_mod.source_fingerprint("neuroplastic.kern.a")
    (pkg / "kern" / "c.py").write_text("Y = 2\n")  # not imported by a: same fingerprint
    cache_mod.source_fingerprint.cache_clear()
    assert cache_mod.source_fingerprint("neuroplastic.kern.a") == before
    (pkg / "kern" / "b.py").write_text("X = 2\n")  # imported by a: new fingerprint
    cache_mod.source_fingerprint.cache_clear()
    assert cache_mod.source_fingerprint("neuroplastic.kern.a") != before
    for f in (cache_mod.module_closure, cache_mod.source_fingerprint):
        f.cache_clear()


@memoize(serializer="torch")
def _tensor(n):
    import torch

    calls.append(("t", n))
    return {"w": torch.arange(n, dtype=torch.float32)}


def test_memoize_with_the_torch_serializer(build):
    import torch

    calls.clear()
    first = _tensor(3)
    again = _tensor(3)
    assert calls == [("t", 3)] and torch.equal(first["w"], again["w"])
    path = _tensor.cache_path(3)
    assert path.suffix == ".pt"
    path.write_bytes(b"garbage")
    with pytest.raises(CacheError, match="refresh=True"):
        _tensor(3)
    with pytest.raises(ValueError, match="serializer"):
        memoize(serializer="json")


def test_damaged_cache_file_is_an_error_not_a_silent_recompute(build):
    calls.clear()
    _square(5)
    path = _square.cache_path(5)
    path.write_bytes(b"garbage")
    with pytest.raises(CacheError, match="refresh=True"):
        _square(5)
    assert _square(5, refresh=True) == {"y": 25}
    assert pickle.loads(path.read_bytes()) == {"y": 25}


def test_cache_key_refuses_unhashable_arguments():
    with pytest.raises(TypeError, match="cache key"):
        _square.cache_key(object())


def test_runner_resolves_chapters_and_rejects_unknown_ones():
    sources = runner.chapter_sources()
    assert sources, "the table of contents lists no chapter"
    first = sources[0]
    assert runner.resolve(runner.chapter_id(first)) == first
    assert runner.resolve(str(int(runner.chapter_id(first)[2:]))) == first
    with pytest.raises(ValueError, match="chapter must be one of"):
        runner.resolve("ch99")


def test_cli_reports_unknown_chapter(capsys):
    assert cli_main(["run", "ch99", "--profile", "quick"]) == 2
    assert "chapter must be one of" in capsys.readouterr().err


def test_cli_rejects_unknown_profile():
    with pytest.raises(SystemExit):
        cli_main(["run", "ch01", "--profile", "fast"])


def test_timings_are_recorded(build):
    runner.record_timing("ch09", "quick", 12.34)
    data = json.loads((build / "timings.json").read_text())
    assert data["ch09"]["quick"]["seconds"] == 12.3
    assert "| ch09 | quick | 12 s |" in runner.timings_markdown()
