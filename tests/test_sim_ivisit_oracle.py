"""Oracle tests against the real ivisit 0.72 (pinned in requirements.txt).

IVISIT's own parser (``ivisit/parser.py``) writes an original IVISIT database from a directive
file without opening a window; we load only its parser and schema modules (``ivisit/__init__.py``
imports tkinter, which these modules do not need). For every file of a corpus that covers every
widget kind and every type alias, our parser's specs equal what IVISIT's database says (read back
by our importer), and our export writes the same rows; malformed lines are rejected by both, on
the same line.
"""

import importlib.metadata
import importlib.util
import os
import sqlite3
import subprocess
import sys
import types
import warnings
from pathlib import Path

import numpy as np
import pytest

from neuroplastic.sim import (
    DirectiveError,
    Listed,
    Store,
    TextOut,
    parse_directives,
    read_ivisit,
    write_ivisit,
)
from neuroplastic.sim.directives import DirectiveWarning

HERE = Path(__file__).parent
GAUSS_SCRIPT = (
    Path(__file__).parents[1] / "lib/neuroplastic/experiments/simulations/ivisit_gauss_script.py"
)


def _load_ivisit_parser():
    """ivisit.parser and ivisit.defdb of the installed ivisit, without running
    ivisit/__init__.py."""
    assert importlib.metadata.version("ivisit") == "0.72"
    spec = importlib.util.find_spec("ivisit")
    saved = sys.modules.get("ivisit")
    stub = types.ModuleType("ivisit")
    stub.__path__ = list(spec.submodule_search_locations)
    sys.modules["ivisit"] = stub
    try:
        import ivisit.defdb as defdb
        import ivisit.parser as parser
        import ivisit.simulation as simulation
        from supy.sqldatabase import sqldatabase
    finally:
        if saved is None:
            sys.modules.pop("ivisit", None)
        else:
            sys.modules["ivisit"] = saved
    return types.SimpleNamespace(
        defdb=defdb,
        parser=parser,
        simulation=simulation,
        sqldatabase=sqldatabase,
        help_path=Path(spec.submodule_search_locations[0]) / "help.py",
    )


IV = _load_ivisit_parser()


def ivisit_db(script: Path, db: Path) -> Path:
    """The database IVISIT's parser writes for ``script``."""
    IV.parser.IVisitParser(str(script), IV.sqldatabase(IV.defdb.db_ivisit_cfg, str(db)))
    return db


def test_oracle_needs_no_display():
    code = (
        "import sys, types, importlib.util; s = importlib.util.find_spec('ivisit'); m = "
        "types.ModuleType('ivisit');"
        " m.__path__ = list(s.submodule_search_locations); sys.modules['ivisit'] = m;"
        " import ivisit.parser, ivisit.defdb; print('tkinter' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "False"


# ------------------------------------------------------------------------------------------------
# the corpus
# ------------------------------------------------------------------------------------------------
NUM = ["int", "INT", "integer", "INTEGER", "float", "FLOAT", "double", "DOUBLE"]
TEXT = ["string", "STRING", "text", "TEXT"]
BIN = ["binary", "bool", "boolean", "BINARY", "BOOL", "BOOLEAN"]


def _corpus():
    c = {}
    lines = ["#@IVISIT:SIMULATION & sliders"]
    for i, t in enumerate(NUM):
        lo, hi, res, init = (
            (0, 20, 1, 3) if t.lower() in ("int", "integer") else (-1.5, 2.5, 0.01, 0.25)
        )
        lines.append(
            f"#@IVISIT:SLIDER & s-{t} & [200,1] & [{lo},{hi},{i + 2},{res}] & s_{t} & -1 & {t} "
            f"& {init}"
            f"   # comment after the fields"
        )
    lines += [
        "#@IVISIT:SLIDER & w0 & [100,1] & [0,1,3,0.1] & w & 0 & float & 0.5",
        "#@IVISIT:SLIDER & w1 & [100,1] & [0,2,3,0.1] & w & 1 & double & 1.5",
        "#@IVISIT:SLIDER & r & [150,1] & [0.0,1.0,4.0,0.05] & r & -1 & float & 1e-1",
        "  # @IVISIT:SLIDER & spaced & [200,1] & [0,10,5,1] & spaced & -1 & int & 7",
        "after_code = 1  #@IVISIT:SLIDER & after code & [200,1] & [0,10,5,1] & after_code & -1 "
        "& int & 4",
    ]
    c["sliders"] = lines
    lines = [
        "#@IVISIT:SIMULATION & dicts",
        "#@IVISIT:DICTSLIDER & Kernel-Parameters & [200,20,-1,2,10] & dict_par & 1",
    ]
    for i, t in enumerate(NUM):
        lines.append(
            f"#@IVISIT:DICTSLIDERITEM & Item {t}: & [0,{10 * (i + 1)},{i + 2},1] & k_{t} & {t} "
            f"& {i}"
        )
    lines += [
        "#@IVISIT:DICTSLIDER & mode0 & [150,10,3,0,8] & d0 & 0",
        "#@IVISIT:DICTSLIDERITEM & a & [-5,5,3,0.1] & a & float & -1.0",
        "#@IVISIT:TEXT_OUT & after & [10,2] & just_left & after_dict",
    ]
    c["dicts"] = lines
    lines = ["#@IVISIT:SIMULATION & choices"]
    for t in TEXT:
        lines.append(
            f"#@IVISIT:LISTSEL & ls-{t} & [20,5] & [A,BBBBB,CCC,DDDDD] & ls_{t} & -1 & {t} & CCC"
        )
    for t in NUM:
        opts, init = (
            ("[1,2,3]", "2") if t.lower() in ("int", "integer") else ("[0.5,1.5,2.5]", "1.5")
        )
        lines.append(f"#@IVISIT:LISTSEL & ls-{t} & [10,1] & {opts} & ls_{t} & -1 & {t} & {init}")
    lines += [
        "#@IVISIT:LISTSEL & pick0 & [10,1] & [a,b] & pick & 0 & text & b",
        "#@IVISIT:LISTSEL & pick1 & [10,1] & [c,d] & pick & 1 & text & c",
        "#@IVISIT:CHECKBOX & chbx-dummy & [A,BBBBB,CCC,DDDDD] & chk & 0110",
        "#@IVISIT:CHECKBOX & one & [x] & one & 1",
        "#@IVISIT:RADIOBUTTON & rdbt-dummy & [A,BBBBB,CCC,DDDDD] & rad & BBBBB",
        "#@IVISIT:BUTTON & bt-dummy & [labeltext,buttontext] & btn",
        "#@IVISIT:TEXT_IN & txt-dummy & [20,5] & txt & -1 & InitialText with spaces",
        "#@IVISIT:TEXT_IN & empty & [10,1] & empty & -1 & ",
    ]
    c["choices"] = lines
    lines = ["#@IVISIT:SIMULATION & outputs"]
    for t in NUM + BIN:
        rng = "[0,1]" if t in BIN else "[0,255]"
        lines.append(
            f"#@IVISIT:IMAGE & im-{t} & {0.5 + NUM.index(t) if t in NUM else 2.0} & {rng} & "
            f"im_{t} & {t}"
        )
    for i, o in enumerate(
        [
            "None",
            "just_left",
            "just_center",
            "just_right",
            "[just_left]",
            "[just_right,just_left]",
            "[None]",
            "[just_center,just_left]",
        ]
    ):
        lines.append(f"#@IVISIT:TEXT_OUT & out-{i} & [20,5] & {o} & out_{i}")
    c["outputs"] = lines
    c["_two_sims"] = [
        "#@IVISIT:SIMULATION & first",
        "#@IVISIT:SLIDER & a & [200,1] & [0,10,5,1] & a & -1 & int & 1",
        "#@IVISIT:IMAGE & pic & 1.0 & [0,255] & pic & int",
        "#@IVISIT:SIMULATION & second",
        "#@IVISIT:SLIDER & b & [200,1] & [0,1,5,0.1] & b & -1 & float & 0.3",
        "#@IVISIT:TEXT_OUT & msg & [20,5] & just_right & msg",
    ]
    return {k: "\n".join(["import numpy as np", ""] + v + ["x = 1"]) + "\n" for k, v in c.items()}


_ALL = _corpus()
TWO_SIMS = _ALL.pop("_two_sims")
CORPUS = _ALL


def test_several_simulations_in_one_file_are_our_extension(tmp_path):
    """IVISIT 0.72's parser fails on a second SIMULATION line (a NameError in
    parse_lines_of_simulations); we read every block."""
    script = tmp_path / "two.py"
    script.write_text(TWO_SIMS)
    with pytest.raises(NameError):
        ivisit_db(script, tmp_path / "iv.db")
    assert list(parse_directives(script)) == ["first", "second"]
    out = write_ivisit(tmp_path / "ours.db", parse_directives(script))
    assert read_ivisit(out).specs == {
        k: _without_textout_size(v) for k, v in parse_directives(script).items()
    }


def _help_blocks():
    """The directive examples of ivisit's own help text, one file per example (they reuse
    parameter names across examples, e.g. dummystr for CHECKBOX, RADIOBUTTON and BUTTON)."""
    lines = [
        ln.strip().lstrip("-").strip()
        for ln in IV.help_path.read_text(encoding="utf-8").splitlines()
        if ln.strip().lstrip("-").strip().startswith("#@IVISIT:") and "<" not in ln
    ]
    blocks, cur = [], None
    for ln in lines:
        if ln.startswith("#@IVISIT:SIMULATION"):
            continue
        if ln.startswith("#@IVISIT:DICTSLIDERITEM"):
            cur.append(ln)
            continue
        cur = [ln]
        blocks.append(cur)
    return {
        f"help{i}": "#@IVISIT:SIMULATION & sim_gauss_filter1\n" + "\n".join(b) + "\n"
        for i, b in enumerate(blocks)
    }


HELP = _help_blocks()


def test_help_text_examples_are_found():
    kws = {b.splitlines()[1].split("&")[0].strip()[len("#@IVISIT:") :] for b in HELP.values()}
    assert kws == {
        "SLIDER",
        "DICTSLIDER",
        "TEXT_IN",
        "LISTSEL",
        "CHECKBOX",
        "RADIOBUTTON",
        "BUTTON",
        "IMAGE",
        "TEXT_OUT",
    }


def _without_textout_size(spec):
    """IVISIT stores no TEXT_OUT size: compare with our defaults there."""
    import dataclasses

    d = {
        k: (
            dataclasses.replace(s, cols=TextOut().cols, rows=TextOut().rows)
            if isinstance(s, TextOut)
            else s
        )
        for k, s in spec.displays.items()
    }
    return dataclasses.replace(spec, displays=d)


def _parse_quiet(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DirectiveWarning)
        return parse_directives(path)


@pytest.mark.parametrize("name", list(CORPUS) + list(HELP))
def test_our_parser_equals_what_ivisit_writes(name, tmp_path):
    script = tmp_path / f"{name}.py"
    script.write_text(CORPUS.get(name) or HELP[name])
    ours = _parse_quiet(script)
    imp = read_ivisit(ivisit_db(script, tmp_path / "iv.db"))
    assert list(imp.specs) == list(ours)
    for sim, spec in ours.items():
        got = imp.specs[sim]
        assert list(got.parameters) == list(spec.parameters)
        assert list(got.displays) == list(spec.displays)
        assert got == _without_textout_size(spec)
        assert imp.values[sim] == {
            k: s.default_value() for k, s in spec.parameters.items() if s.kind != "button"
        }


def _norm(x):
    """A stored IVISIT text field as a comparable value (numbers as floats, lists element-wise)."""
    if x is None:
        return None
    t = str(x).strip()
    if t.startswith("[") and t.endswith("]"):
        return tuple(_norm(p) for p in t[1:-1].split(",")) if t[1:-1].strip() else ()
    try:
        return float(t)
    except ValueError:
        return t.strip("'")


def _widget_rows(db):
    c = sqlite3.connect(db)
    pw = c.execute(
        "SELECT s.name, w.name, w.type, w.range, w.items, w.size, w.value, p.name, p.type, p.range "
        "FROM parameterwidget w JOIN simulation s ON s.key = w.key_simulation "
        "JOIN parameter p ON p.key = w.key_parameter"
    ).fetchall()
    dw = c.execute(
        "SELECT s.name, w.name, w.type, w.range, w.scale, a.name, a.type, a.range "
        "FROM datawidget w JOIN simulation s ON s.key = w.key_simulation "
        "JOIN dataarray a ON a.key = w.key_dataarray"
    ).fetchall()
    c.close()

    def just(opts):  # IVISIT's rule for a text field's options (ivisit/widgets.py)
        o = opts if isinstance(opts, tuple) else (opts,)
        return "right" if "just_right" in o else "left" if "just_left" in o else "center"

    return (
        {(r[0], r[1]): tuple(_norm(v) for v in r[2:]) for r in pw},
        {
            (r[0], r[1]): tuple(
                just(_norm(v)) if i == 1 and r[2] == "textfield" else _norm(v)
                for i, v in enumerate(r[2:])
            )
            for r in dw
        },
    )


@pytest.mark.parametrize("name", list(CORPUS))
def test_our_export_writes_the_rows_ivisit_writes(name, tmp_path):
    script = tmp_path / f"{name}.py"
    script.write_text(CORPUS[name])
    theirs = _widget_rows(ivisit_db(script, tmp_path / "iv.db"))
    ours = _widget_rows(write_ivisit(tmp_path / "ours.db", _parse_quiet(script)))
    assert ours[0] == theirs[0]
    assert ours[1] == theirs[1]


# ------------------------------------------------------------------------------------------------
# malformed lines
# ------------------------------------------------------------------------------------------------
REJECTED_BY_BOTH = [
    "#@IVISIT:SLIDER & a & [200,1] & [0,10,5,1] & a & -1 & int",
    "#@IVISIT:SLIDER & a & [200,1] & [0,10,5,1] & a & -1 & int & 1 & extra",
    "#@IVISIT:slider & a & [200,1] & [0,10,5,1] & a & -1 & int & 1",
    "#@IVISIT:FOO & x",
    "#@IVISIT:LISTSEL & l & [10,1] & [a,b] & l & -1 & text",
    "#@IVISIT:CHECKBOX & c & [a,b] & c",
    "#@IVISIT:RADIOBUTTON & r & [a,b] & r & a & b",
    "#@IVISIT:BUTTON & b & [x,y]",
    "#@IVISIT:TEXT_IN & t & [10,1] & t & -1",
    "#@IVISIT:IMAGE & im & 1.0 & [0,255] & im",
    "#@IVISIT:TEXT_OUT & o & [20,5] & o",
    "#@IVISIT:DICTSLIDER & d & [200,20,-1,2,10] & d & 0\n#@IVISIT:SLIDER & a & [200,1] & "
    "[0,10,5,1] & a & -1 & int & 1",
    "#@IVISIT:DICTSLIDER & d & [200,20,-1,2,10] & d & 0\n#@IVISIT:DICTSLIDERITEM & N & "
    "[0,9,3,1] & N & int",
    "#@IVISIT:DICTSLIDERITEM & N & [0,9,3,1] & N & int & 2",
]


@pytest.mark.parametrize("body", REJECTED_BY_BOTH)
def test_what_ivisit_rejects_we_reject_on_the_same_line(body, tmp_path):
    text = "import os\n#@IVISIT:SIMULATION & s\n# padding\n" + body + "\n"
    script = tmp_path / "bad.py"
    script.write_text(text)
    with pytest.raises(AssertionError) as theirs:
        ivisit_db(script, tmp_path / "iv.db")
    with pytest.raises(DirectiveError) as ours:
        parse_directives(script)
    assert ours.value.path == str(script)
    assert f"line {ours.value.line_no} " in str(theirs.value)


def test_marker_inside_a_string_is_not_a_directive_for_us(tmp_path):
    """IVISIT reads '@IVISIT:' anywhere in a line, also inside a string literal; we read
    comments."""
    script = tmp_path / "s.py"
    script.write_text('#@IVISIT:SIMULATION & s\nmsg = "#@IVISIT:SLIDER & x"\n')
    with pytest.raises(AssertionError, match="line 2"):
        ivisit_db(script, tmp_path / "iv.db")
    assert parse_directives(script)["s"].parameters == {}


def test_directive_before_simulation_is_rejected_by_both(tmp_path):
    script = tmp_path / "bad.py"
    script.write_text("x = 1\n#@IVISIT:SLIDER & a & [200,1] & [0,10,5,1] & a & -1 & int & 1\n")
    with pytest.raises(AssertionError, match="line 2"):
        ivisit_db(script, tmp_path / "iv.db")
    with pytest.raises(DirectiveError) as ours:
        parse_directives(script)
    assert ours.value.line_no == 2 and "before any SIMULATION" in ours.value.message


# Lines IVISIT's parser takes but then stores a substitute (its parseStringAsList/asNumber print a
# warning and return a default) or silently ignores part of: we reject them, naming the problem.
STRICTER = [
    (
        "#@IVISIT:SLIDER & a & [200,1] & [0,10] & a & -1 & int & 1",
        "4 entries",
        ("range", "[0, 100, 5, 1]"),
    ),
    (
        "#@IVISIT:SLIDER & a & [200,1] & [0,x,5,1] & a & -1 & int & 1",
        "must be a number",
        ("range", "[0, 100, 5, 1]"),
    ),
    (
        "#@IVISIT:SLIDER & a & [200,1] & [0,10,5,1,7] & a & -1 & int & 1",
        "4 entries",
        ("range", "[0, 10, 5, 1]"),
    ),
    (
        "#@IVISIT:SLIDER & a & [200,1] & [0,10,5,1] & a & -1 & int & 2.5",
        "integer",
        ("value", "2.5"),
    ),
]


@pytest.mark.parametrize("line,msg,stored", STRICTER)
def test_where_ivisit_substitutes_silently_we_reject(line, msg, stored, tmp_path):
    script = tmp_path / "s.py"
    script.write_text("#@IVISIT:SIMULATION & s\n" + line + "\n")
    db = ivisit_db(script, tmp_path / "iv.db")
    col, val = stored
    got = sqlite3.connect(db).execute(f"SELECT {col} FROM parameterwidget").fetchone()[0]
    assert got == val
    with pytest.raises(DirectiveError, match=msg):
        parse_directives(script)


def test_unknown_textout_option_is_ignored_with_a_warning(tmp_path):
    script = tmp_path / "s.py"
    script.write_text(
        "#@IVISIT:SIMULATION & s\n#@IVISIT:TEXT_OUT & t & [20,5] & list_of_options & t\n"
    )
    with pytest.warns(DirectiveWarning, match="list_of_options"):
        ours = parse_directives(script)
    assert ours["s"].displays["t"].justify == "center"
    assert (
        read_ivisit(ivisit_db(script, tmp_path / "iv.db")).specs["s"].displays["t"].justify
        == "center"
    )


# ------------------------------------------------------------------------------------------------
# databases
# ------------------------------------------------------------------------------------------------
def test_ivisit_database_imports_with_every_value(tmp_path):
    script = tmp_path / "choices.py"
    script.write_text(
        CORPUS["choices"] + CORPUS["sliders"].replace("#@IVISIT:SIMULATION & sliders", "")
    )
    db = ivisit_db(script, tmp_path / "iv.db")
    c = sqlite3.connect(db)  # what IVISIT's GUI does after the user moved widgets and values
    c.execute(
        "UPDATE parameterwidget SET value = '0011', pos = '[10,220]' WHERE name = 'chbx-dummy'"
    )
    c.execute("UPDATE parameterwidget SET value = 'DDDDD' WHERE name = 'ls-string'")
    c.execute("UPDATE parameterwidget SET value = '17', pos = '[300,5]' WHERE name = 's-int'")
    c.execute("UPDATE parameterwidget SET value = '0.75' WHERE name = 'w0'")
    c.execute(
        "UPDATE simulation SET simsteps_per_frame = 5, frames_per_step = 2, delay_per_step = "
        "40, grade = 7,"
        " comment = 'tuned by hand' WHERE name = 'choices'"
    )
    c.execute(
        "INSERT INTO commentwidget(key, key_simulation, name, comment, fontsize, pos) "
        "VALUES (1, 1, 'Note 1', 'remember the seed', 14, '[5,400]')"
    )
    c.commit()
    c.close()
    with Store(tmp_path / "ours.db") as st:
        imp = st.import_ivisit(db)
        cfg = st.load("choices", "ivisit")
        spec = imp.specs["choices"]
    assert cfg.values["chk"] == [False, False, True, True]
    assert (
        cfg.values["ls_string"] == "DDDDD"
        and cfg.values["s_int"] == 17
        and cfg.values["w"] == [0.75, 1.5]
    )
    assert cfg.values["txt"] == "InitialText with spaces" and cfg.values["empty"] == ""
    assert (cfg.timing.steps_per_frame, cfg.timing.frames_per_cycle, cfg.timing.delay_ms) == (
        5,
        2,
        40.0,
    )
    assert cfg.grade == 7.0 and cfg.comment == "tuned by hand"
    pos = {w["widget"]: w["extra"]["pos"] for w in cfg.layout}
    assert pos["chk"] == [10, 220] and pos["s_int"] == [300, 5] and pos["Note_1"] == [5, 400]
    note = [w for w in cfg.layout if w["widget"] == "Note_1"][0]["extra"]
    assert note["fontsize"] == 14
    assert spec.displays["Note_1"].text == "remember the seed"
    # every parameter widget row of IVISIT's database has a value in our configuration
    n_rows = (
        sqlite3.connect(db)
        .execute("SELECT COUNT(*) FROM parameterwidget WHERE type != 'button'")
        .fetchone()[0]
    )
    n_ours = sum(
        len(s.items) if isinstance(s, Listed) else 1
        for k, s in spec.parameters.items()
        if s.kind != "button"
    )
    assert n_rows == n_ours
    assert set(cfg.values) == {k for k, s in spec.parameters.items() if s.kind != "button"}
    assert all(
        len(cfg.values[k]) == len(s.items)
        for k, s in spec.parameters.items()
        if isinstance(s, Listed)
    )
    assert any("list parameter 'w'" in n for n in imp.notes)
    assert any("list parameter 'pick'" in n for n in imp.notes)


def test_our_export_is_read_by_ivisits_own_code(tmp_path):
    script = tmp_path / "choices.py"
    script.write_text(CORPUS["choices"])
    ours = write_ivisit(tmp_path / "ours.db", _parse_quiet(script))
    db = IV.sqldatabase(IV.defdb.db_ivisit_cfg, str(ours))  # IVISIT's opener checks the six tables
    names = [r[0] for r in db.simple_select(["name"], ["parameterwidget"])]
    assert "chbx-dummy" in names and "bt-dummy" in names
    before = sqlite3.connect(ours).execute("SELECT COUNT(*) FROM parameterwidget").fetchone()[0]
    IV.parser.IVisitParser(str(script), db)  # re-parsing finds every widget: no new rows
    after = sqlite3.connect(ours).execute("SELECT COUNT(*) FROM parameterwidget").fetchone()[0]
    assert before == after
    assert read_ivisit(ours).specs == read_ivisit(ivisit_db(script, tmp_path / "iv.db")).specs


# ------------------------------------------------------------------------------------------------
# the script interface
# ------------------------------------------------------------------------------------------------
def test_our_script_interface_has_ivisits_methods():
    from neuroplastic.sim import ivisit as ours

    theirs = IV.simulation.IVisit_Simulation
    public = {k for k in dir(theirs) if not k.startswith("_")}
    assert public <= set(dir(ours.IVisit_Simulation))
    import inspect

    assert list(inspect.signature(theirs.__init__).parameters) == list(
        inspect.signature(ours.IVisit_Simulation.__init__).parameters
    )
    a, b = (
        theirs("x", IV.simulation.IVisit_Parameters),
        ours.IVisit_Simulation("x", IV.simulation.IVisit_Parameters),
    )
    assert (
        a.get_dict_of_parameters() == b.get_dict_of_parameters()
        and a.isModified("w") == b.isModified("w") == 0
    )


def test_gauss_script_runs_unchanged_with_the_displays_of_the_chapter_example():
    from neuroplastic.experiments.simulations.gaussian import GaussData
    from neuroplastic.sim import HeadlessRunner
    from neuroplastic.sim.ivisit import run_script

    r = run_script(GAUSS_SCRIPT, steps=2)
    g = HeadlessRunner(GaussData()).init().cycle()
    assert len(r.recording) == 2 and r.rendered["stats"] == g.rendered["stats"]
    assert r.rendered["im_data"].shape == (360, 360, 3) and r.rendered["im_data"].dtype == np.uint8
    for run in (r, g):
        run.set("class1", {"mu_1": 3.0, "Sigma_12": 4.0})
        run.cycle()
    assert r.rendered["stats"] == g.rendered["stats"] and "nothing drawn" in r.rendered["stats"]
    assert r.sim.ivsim.parameters.class1["Sigma_12"] == 4.0  # the dict is updated in place


SCRIPT = """
#@IVISIT:SIMULATION & probe
#@IVISIT:SLIDER   & gain & [200,1] & [0,10,5,1] & gain & -1 & int & 2
#@IVISIT:SLIDER   & v0 & [100,1] & [0,1,3,0.1] & vec & 0 & float & 0.5
#@IVISIT:SLIDER   & v1 & [100,1] & [0,1,3,0.1] & vec & 1 & float & 0.25
#@IVISIT:CHECKBOX & flags & [a,b,c] & flags & 010
#@IVISIT:BUTTON   & fire & [Fire,now] & fire
#@IVISIT:IMAGE    & pic & 2.0 & [0,255] & pic & int
#@IVISIT:TEXT_OUT & log & [40,4] & just_left & log
from ivisit import *

class P:
    gain = 0
    vec = [0.0, 0.0, 9.0]
    flags = "000"
    fire = "0"

class D:
    pic = np.zeros((2, 3))
    log = ""

class Probe(IVisit_Simulation):
    simsteps_per_frame = 3
    def __init__(self, mode):
        IVisit_Simulation.__init__(self, "probe", P, D, updateMode=mode, flagLock=True)
        self.seen = []
    def main_init(self, parent=None):
        self.calls = ["main_init"]
    def init(self):
        self.calls.append("init")
    def bind(self, parent=None, display=None):
        self.calls.append("bind")
    def step(self):
        p = self.parameters
        assert self.lock.locked()
        self.seen.append((p.gain, list(p.vec), p.flags, p.fire, self.isModified("gain"),
                          self.isModified("fire")))
        p.gain = 99     # overwritten by the widget value before the next step in sync mode
        self.data.pic = np.full((2, 3), 300 + len(self.seen))   # shown as uint8, as IVISIT does
        self.data.log = f"steps={len(self.seen)}"

if __name__ == "__main__":
    IVisit_main(sim=Probe(MODE))
"""


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_ivisit_cycle_semantics(mode, tmp_path):
    from neuroplastic.sim.ivisit import run_script

    script = tmp_path / "probe.py"
    script.write_text(SCRIPT.replace("MODE", repr(mode)))
    r = run_script(script, steps=1)
    iv = r.sim.ivsim
    assert iv.calls == ["main_init", "init", "bind"]
    assert len(iv.seen) == 3 and r.rendered["log"] == "steps=3" and len(r.recording) == 1
    assert iv.seen[0] == (2, [0.5, 0.25, 9.0], "010", "0", 1, 1)  # all modified after init
    assert iv.seen[1][4] == 0 and iv.seen[1][0] == (2 if mode == "sync" else 99)
    assert r.rendered["pic"].tolist() == [[47, 47, 47]] * 2  # 303 as uint8
    r.press("fire")
    r.set("flags", (True, True, False))
    if mode == "async":
        assert iv.parameters.flags == "110" and iv.parameters.fire == "1"  # written through at once
    r.cycle()
    assert iv.seen[3][2:] == ("110", "1", 0, 1) and iv.seen[4][3] == "0" and iv.seen[4][5] == 0
    assert iv.parameters.fire == "0"
    assert P_vec_is_same_list(iv)


def P_vec_is_same_list(iv):
    """IVISIT writes list elements in place: the script's list object is kept, extra elements
    too."""
    return iv.parameters.vec[2] == 9.0 and iv.parameters.vec is iv.get_dict_of_parameters()["vec"]


def test_script_opens_its_ivisit_database_like_ivisits_command_line(tmp_path):
    from neuroplastic.experiments.simulations.gaussian import GaussData
    from neuroplastic.sim import HeadlessRunner, positions_from_layout
    from neuroplastic.sim.ivisit import run_script

    db = ivisit_db(GAUSS_SCRIPT, tmp_path / "gauss.db")
    c = sqlite3.connect(db)
    c.execute("UPDATE parameterwidget SET value = '7', pos = '[20,300]' WHERE name = 'seed'")
    c.execute(
        "UPDATE parameterwidget SET value = '[50, 1.0, 2.0, 2.0, 3.0, 0.5]' WHERE name = 'Class 1'"
    )
    c.execute("UPDATE simulation SET simsteps_per_frame = 2, delay_per_step = 30")
    c.commit()
    c.close()
    r = run_script(GAUSS_SCRIPT, steps=1, argv=[db])
    assert r.sim.p.seed == 7 and r.sim.step_count == 2 and r.sim.timing.delay_ms == 30.0
    g = GaussData()
    g.p.seed, g.p.class1 = 7, {"N": 50, "mu_1": 1.0}
    ref = HeadlessRunner(g).init().cycle()
    assert r.rendered["stats"] == ref.rendered["stats"] and "n=50" in r.rendered["stats"]
    assert positions_from_layout(read_ivisit(db).layout["gauss_data_ivisit"])["seed"] == (20, 300)
    with pytest.raises(FileNotFoundError, match="fname"):
        run_script(GAUSS_SCRIPT, steps=1, argv=[tmp_path / "missing.db"])


def test_ivisit_main_opens_our_front_end_at_the_databases_positions(tmp_path):
    import runpy

    import ipywidgets as W

    from neuroplastic.sim import App
    from neuroplastic.sim.ivisit import IVisit_main, ivisit_imports

    db = ivisit_db(GAUSS_SCRIPT, tmp_path / "gauss.db")
    with sqlite3.connect(db) as c:
        c.execute("UPDATE parameterwidget SET pos = '[15,25]' WHERE name = 'seed'")
        c.execute("UPDATE datawidget SET pos = '[320,10]' WHERE name = 'Data'")
    with ivisit_imports():
        ns = runpy.run_path(
            str(GAUSS_SCRIPT), run_name="gauss_script"
        )  # defines Sim, does not start
    app = IVisit_main(str(db), sim=ns["Sim"](), headless=False, source=GAUSS_SCRIPT)
    assert isinstance(app, App) and isinstance(app.body.children[0], W.GridBox)
    assert app.positions["seed"] == (15, 25) and app.positions["im_data"] == (320, 10)
    app.step()
    assert app.outputs["stats"].value.startswith("class1: n=75") and "im_data" in app.zoom
