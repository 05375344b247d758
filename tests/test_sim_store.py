"""SQLite store: round trips, copy/delete/grade/sort/diff, crash safety, concurrency, migration,
errors."""

import math
import multiprocessing as mp
import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from neuroplastic.sim import (
    Button,
    Checkbox,
    ConfigExists,
    ConfigNotFound,
    DictSlider,
    Displays,
    Dropdown,
    ForeignStoreError,
    Parameters,
    Radio,
    Simulation,
    Slider,
    Store,
    StoreCorruptError,
    StoreError,
    StoreVersionError,
    TextIn,
    TextOut,
    Timing,
)
from neuroplastic.sim.store import APPLICATION_ID

HOSTILE = "it's a \"quote\"; '; DROP TABLE configurations; -- ünïcødé ✓"


class AllKinds(Simulation):
    name = "all'kinds"

    class P(Parameters):
        s = Slider(0.0, 1.0, step=0.01, default=0.25)
        i = Slider(0, 9, dtype=int, default=3)
        d = DictSlider(
            {"a": Slider(0, 5, dtype=int, default=1), "b'": Slider(-1.0, 1.0, default=0.5)}
        )
        dd = Dropdown(("x", HOSTILE), default=HOSTILE)
        c = Checkbox(("p", "q", "r"), default="101")
        r = Radio(("one", "two"), default="two")
        b = Button()
        t = TextIn(default=HOSTILE)

    class D(Displays):
        out = TextOut()


def test_every_value_kind_round_trips_with_hostile_strings(tmp_path):
    sim = AllKinds(timing=Timing(steps_per_frame=3, frames_per_cycle=2, delay_ms=5))
    sim.p.t = HOSTILE + "\n second line"
    with Store(tmp_path / "s.db") as st:
        st.save(sim, HOSTILE, comment=HOSTILE, grade=0.5)
        cfg = st.load(sim, HOSTILE)
    with Store(tmp_path / "s.db") as st2:  # a new connection
        cfg2 = st2.load(AllKinds, HOSTILE)
        assert st2.count() == 1 and "configurations" in {
            r[0] for r in st2.conn.execute("SELECT name FROM sqlite_master")
        }
    expected = {k: v for k, v in sim.p.values().items() if k != "b"}
    assert cfg.values == expected == cfg2.values
    assert isinstance(cfg.values["c"], tuple)
    assert cfg.timing == Timing(3, 2, 5) and cfg.comment == HOSTILE and cfg.grade == 0.5


def test_copy_delete_cascade_grades_sort_and_diff(tmp_path):
    sim = AllKinds()
    with Store(tmp_path / "s.db") as st:
        st.save(sim, "a", grade=1.0)
        st.save(sim, "b")
        st.save(sim, "c", grade=3.0)
        with pytest.raises(ConfigExists):
            st.save(sim, "a")
        st.copy(sim, "a", "a2", values={"i": 7, "d": {"a": 2, "b'": 0.5}})
        st.set_grade(sim, "b", None)
        assert [c["name"] for c in st.list(sim, "grade")] == ["c", "a", "a2", "b"]  # NULL last
        assert [c["name"] for c in st.list(sim, "name")] == ["a", "a2", "b", "c"]
        diff = st.diff(sim, "a", "a2")
        assert diff.changed == {"i": (3, 7), "d": ({"a": 1, "b'": 0.5}, {"a": 2, "b'": 0.5})}
        assert not diff.only_a and not diff.only_b and not diff.timing
        assert st.diff(sim, "a", "c").empty
        n_vals = st.conn.execute("SELECT COUNT(*) FROM parameter_values").fetchone()[0]
        st.delete(sim, "a2")
        assert st.conn.execute("SELECT COUNT(*) FROM parameter_values").fetchone()[0] == n_vals - 7
        st.rename(sim, "c", "c-renamed")
        with pytest.raises(ConfigNotFound):
            st.load(sim, "c")
        st.delete_simulation(sim)
        assert st.conn.execute("SELECT COUNT(*) FROM parameter_values").fetchone()[0] == 0
        assert st.conn.execute("SELECT COUNT(*) FROM widget_layout").fetchone()[0] == 0
        assert st.check()["ok"]


def test_unknown_and_new_parameters_on_load(tmp_path):
    class V1(Simulation):
        name = "evolving"

        class P(Parameters):
            old = Slider(0, 5, dtype=int, default=2)
            kept = Slider(0.0, 1.0, default=0.3)

    class V2(Simulation):
        name = "evolving"

        class P(Parameters):
            kept = Slider(0.0, 1.0, default=0.3)
            new = Slider(0, 5, dtype=int, default=4)

    with Store(tmp_path / "s.db") as st:
        st.save(V1(), "cfg")
        cfg = st.load(V2(), "cfg")
    assert cfg.unknown == {"old": 2} and cfg.defaulted == ["new"] and cfg.values == {"kept": 0.3}


def test_nan_rejected_naming_parameter(tmp_path):
    with Store(tmp_path / "s.db") as st:
        with pytest.raises(ValueError, match="'s'"):
            st.save(AllKinds, "x", values={"s": math.nan})
        with pytest.raises(ValueError, match="grade"):
            st.save(AllKinds, "x", grade=math.inf)
        assert st.count() == 0


CRASH = textwrap.dedent("""
    import os, sys
    from neuroplastic.sim import Store
    from neuroplastic.experiments.simulations.lif_scope import LIFScope
    st = Store(sys.argv[1])
    st.save(LIFScope(), "complete")
    st._after_row = lambda i: os._exit(3) if i == 4 else None
    st.save(LIFScope(), "half")
""")


def test_crash_in_the_middle_of_a_save_leaves_store_consistent(tmp_path):
    path = tmp_path / "crash.db"
    res = subprocess.run(
        [sys.executable, "-c", CRASH, str(path)], timeout=120, capture_output=True, text=True
    )
    assert res.returncode == 3, res.stderr
    from neuroplastic.experiments.simulations.lif_scope import LIFScope

    with Store(path) as st:
        names = [c["name"] for c in st.list(LIFScope)]
        assert names == ["complete"]
        assert st.check()["ok"]
        n = st.conn.execute("SELECT COUNT(*) FROM parameter_values").fetchone()[0]
        assert n == len(LIFScope.P.specs())


def _writer(path, tag, n):
    from neuroplastic.experiments.simulations.lif_scope import LIFScope
    from neuroplastic.sim import Store

    sim = LIFScope()
    with Store(path, timeout=30) as st:
        for i in range(n):
            sim.p.tau = 1.0 + (i % 90) * 0.5
            st.save(sim, f"{tag}-{i:03d}", grade=float(i))


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = str(tmp_path / "conc.db")
    Store(path).close()
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, tag, 50)) for tag in ("A", "B")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(180)
    assert all(p.exitcode == 0 for p in procs), [p.exitcode for p in procs]
    with Store(path) as st:
        assert st.count() == 100
        assert st.check()["ok"]


V0 = """
CREATE TABLE simulations (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
  spec_json TEXT NOT NULL,
  spec_hash TEXT NOT NULL, created TEXT NOT NULL);
CREATE TABLE parameters (id INTEGER PRIMARY KEY,
  simulation_id INTEGER NOT NULL REFERENCES simulations(id)
  ON DELETE CASCADE, name TEXT NOT NULL, kind TEXT NOT NULL, dtype TEXT, spec_json TEXT NOT NULL,
  UNIQUE(simulation_id, name));
CREATE TABLE displays (id INTEGER PRIMARY KEY,
  simulation_id INTEGER NOT NULL REFERENCES simulations(id)
  ON DELETE CASCADE, name TEXT NOT NULL, kind TEXT NOT NULL, dtype TEXT, spec_json TEXT NOT NULL,
  UNIQUE(simulation_id, name));
CREATE TABLE configurations (id INTEGER PRIMARY KEY,
  simulation_id INTEGER NOT NULL REFERENCES simulations(id)
  ON DELETE CASCADE, name TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '', created TEXT NOT NULL,
  modified TEXT NOT NULL, grade REAL, steps_per_frame INTEGER NOT NULL DEFAULT 1,
  frames_per_cycle INTEGER NOT NULL DEFAULT 1, UNIQUE(simulation_id, name));
CREATE TABLE parameter_values (
  configuration_id INTEGER NOT NULL REFERENCES configurations(id) ON DELETE CASCADE,
  parameter_id INTEGER NOT NULL REFERENCES parameters(id) ON DELETE CASCADE,
  value_json TEXT NOT NULL,
  PRIMARY KEY(configuration_id, parameter_id));
CREATE TABLE widget_layout (
  configuration_id INTEGER NOT NULL REFERENCES configurations(id) ON DELETE CASCADE,
  widget TEXT NOT NULL, kind TEXT, row INTEGER, col INTEGER, width INTEGER, height INTEGER,
  visible INTEGER NOT NULL DEFAULT 1, extra_json TEXT, PRIMARY KEY(configuration_id, widget));
INSERT INTO simulations VALUES (1, 'old', '{}', 'h', '2024-01-01T00:00:00+00:00');
INSERT INTO parameters VALUES (1, 1, 'x', 'slider', 'float', '{}');
INSERT INTO configurations VALUES (1, 1, 'legacy', '', '2024-01-01T00:00:00+00:00',
  '2024-01-01T00:00:00+00:00',
  2.5, 4, 1);
INSERT INTO parameter_values VALUES (1, 1, '0.75');
"""


def test_v0_store_migrates_with_backup(tmp_path):
    path = tmp_path / "v0.db"
    con = sqlite3.connect(path)
    con.executescript(V0)
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.commit()
    con.close()

    class Old(Simulation):
        name = "old"

        class P(Parameters):
            x = Slider(0.0, 1.0, default=0.1)

    with Store(path) as st:
        assert st.schema_version == 1
        cfg = st.load(Old, "legacy")
        assert cfg.values == {"x": 0.75} and cfg.grade == 2.5 and cfg.timing.steps_per_frame == 4
        cols = {r[1] for r in st.conn.execute("PRAGMA table_info(configurations)")}
        assert {"delay_ms", "search_run_id"} <= cols and st.check()["ok"]
        st.save(Old(), "new")
    bak = tmp_path / "v0.db.v0.bak"
    assert bak.exists()
    con = sqlite3.connect(bak)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 0
    assert con.execute("SELECT name FROM configurations").fetchall() == [("legacy",)]
    con.close()


def test_error_cases(tmp_path):
    newer = tmp_path / "newer.db"
    Store(newer).close()
    con = sqlite3.connect(newer)
    con.execute("PRAGMA user_version = 99")
    con.close()
    with pytest.raises(StoreVersionError):
        Store(newer)

    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(5000))
    with pytest.raises(StoreCorruptError, match="junk.db"):
        Store(junk)

    good = tmp_path / "trunc.db"
    with Store(good) as st:
        for i in range(30):
            st.save(AllKinds, f"c{i}", comment="x" * 2000)
    data = good.read_bytes()
    good.write_bytes(data[: len(data) // 3])
    with pytest.raises(StoreCorruptError, match="trunc.db"):
        Store(good)

    foreign = tmp_path / "foreign.db"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE simulation (id INTEGER, name TEXT)")
    con.commit()
    con.close()
    with pytest.raises(ForeignStoreError, match="IVISIT"):
        Store(foreign)
    assert (
        sqlite3.connect(foreign).execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    )  # untouched

    with pytest.raises(StoreError):
        Store(tmp_path / "missing.db", create=False)
    ro = tmp_path / "ro.db"
    Store(ro).close()
    with Store(ro, readonly=True) as st:
        with pytest.raises(StoreError, match="read-only"):
            st.save(AllKinds, "x")


def test_second_store_in_same_process_does_not_break_the_first(tmp_path):
    """Regression: opening the file outside SQLite dropped the process's locks (WAL corruption)."""
    from neuroplastic.experiments.simulations.concurrency import concurrent_saves
    from neuroplastic.experiments.simulations.lif_scope import LIFScope

    path = tmp_path / "shared.db"
    first = Store(path)
    first.save(LIFScope(), "first")
    for _ in range(3):
        with Store(path) as other:
            assert other.count() == first.count()
    assert concurrent_saves(path, n_procs=2, n_each=10) == [0, 0]
    assert first.count() == 21 and first.check()["ok"]
    first.close()


def test_import_ivisit_refuses_foreign_files_and_export_refuses_our_extensions(tmp_path):
    import sqlite3 as _sq

    from neuroplastic.sim import IVisitDBError, Scope, SimSpec, Slider, write_ivisit

    f = tmp_path / "other.db"
    _sq.connect(f).execute("CREATE TABLE t (x)").connection.commit()
    with Store(tmp_path / "s.db") as st:
        with pytest.raises(IVisitDBError, match="missing tables"):
            st.import_ivisit(f)
        with pytest.raises(FileNotFoundError, match="path"):
            st.import_ivisit(tmp_path / "none.db")
    with pytest.raises(ValueError, match="log sliders"):
        write_ivisit(tmp_path / "a.db", SimSpec("s", {"lr": Slider(1e-3, 1.0, log=True)}, {}))
    with pytest.raises(ValueError, match="Scope has no IVISIT counterpart"):
        write_ivisit(tmp_path / "b.db", SimSpec("s", {}, {"sc": Scope()}))
    assert not (tmp_path / "a.db").exists() and not (tmp_path / "b.db").exists()
