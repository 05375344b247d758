"""Directive parser: every keyword, every error case, round trips, fuzzing."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neuroplastic.sim import (
    Button,
    Checkbox,
    Comment,
    DictSlider,
    DirectiveError,
    Dropdown,
    Image,
    Listed,
    Plot,
    Radio,
    Scope,
    SimSpec,
    Slider,
    TextIn,
    TextOut,
    parse_directives,
)

FULL = """
# a comment line and a blank line follow

#@IVISIT:SIMULATION & demo            # the first block
#@IVISIT:SLIDER     & seed & [200,1] & [0,100,5,1] & seed & -1 & int & 3   # comment
#@IVISIT:SLIDER     & lr & [200,1] & [0.0001,1.0,4,0.01] & lr & -1 & log & 0.01
#@IVISIT:DICTSLIDER & Class 1 & [200,20,-1,2,10] & par & 1
#@IVISIT:DICTSLIDERITEM & N & [0,200,3,1] & N & int & 75
#@IVISIT:DICTSLIDERITEM & mu_1 & [-5,5,3,0.1] & mu_1 & float & -1.0
#@IVISIT:LISTSEL    & model & [100,1] & [MLP,CNN] & model & -1 & text & CNN
#@IVISIT:LISTSEL    & batch & [100,1] & [32,64,128] & batch & -1 & int & 64
#@IVISIT:CHECKBOX   & clf & [kNN,NCM,QDA] & clf & 101
#@IVISIT:RADIOBUTTON & action & [query,add,move] & action & add
#@IVISIT:BUTTON     & reset & [Reset it,Go] & reset
#@IVISIT:TEXT_IN    & name & [30,2] & name & -1 & hello world
#@IVISIT:SLIDER     & w0 & [100,1] & [0,1,3,0.1] & w & 0 & float & 0.5
#@IVISIT:SLIDER     & w1 & [100,1] & [0,2,3,0.1] & w & 1 & float & 1.5
#@IVISIT:IMAGE      & Data & 2.0 & [0,1] & im & float
#@IVISIT:TEXT_OUT   & Results & [20,5] & just_right & txt
#@IVISIT:SCOPE      & Scope & [300,100] & [50.0,-80,10] & sc
#@IVISIT:PLOT       & Plot & [4,3] & pl
#@IVISIT:COMMENT    & note & some words
x = "#@IVISIT:SLIDER & not a directive"
    #@IVISIT:SIMULATION & second
    #@IVISIT:SLIDER & a & [200,1] & [0,10,5,1] & a & -1 & int & 1
"""


def test_every_keyword_parses_to_expected_spec():
    specs = parse_directives(FULL)
    assert list(specs) == ["demo", "second"]
    p, d = specs["demo"].parameters, specs["demo"].displays
    assert p["seed"] == Slider(0, 100, step=1, default=3, ticks=5, dtype=int, label="seed")
    assert p["lr"].log and p["lr"].default == 0.01
    assert isinstance(p["par"], DictSlider) and p["par"].selected == 1 and p["par"].mode == 2
    assert p["par"].default_value() == {"N": 75, "mu_1": -1.0}
    assert p["model"] == Dropdown(("MLP", "CNN"), default="CNN", label="model", size=(100, 1))
    assert p["batch"].options == (32, 64, 128) and p["batch"].default == 64
    assert p["clf"] == Checkbox(("kNN", "NCM", "QDA"), default=(True, False, True), label="clf")
    assert p["action"] == Radio(("query", "add", "move"), default="add", label="action")
    assert p["reset"] == Button(label="reset", text="Go", caption="Reset it")
    assert p["name"] == TextIn(default="hello world", rows=2, cols=30, label="name")
    assert isinstance(p["w"], Listed) and p["w"].default == (0.5, 1.5)
    assert d["im"] == Image(scale=2.0, range=(0, 1), dtype="float", label="Data")
    assert d["txt"] == TextOut(justify="right", cols=20, rows=5, label="Results")
    assert d["sc"] == Scope(width=300, height=100, t_window=50.0, y_range=(-80, 10), label="Scope")
    assert isinstance(d["pl"], Plot) and d["pl"].figsize == (4.0, 3.0)
    assert d["note"] == Comment(text="some words", label="note")
    assert list(specs["second"].parameters) == ["a"]


def test_round_trip_is_exact_for_every_kind():
    specs = parse_directives(FULL)
    for name, spec in specs.items():
        text = spec.to_directives()
        again = parse_directives(text)
        assert again == {name: spec}
        assert again[name].to_directives() == text


BAD = [
    ("#@IVISIT:SLIDER & a & [200,1] & [0,10,5,1] & a & -1 & int & 1", "before any SIMULATION"),
    ("#@IVISIT:FOO & x", "unknown keyword"),
    ("#@IVISIT:SLIDER & a & [200,1] & [0,10,5,1] & a & -1 & int", "SLIDER expects 7 fields, got 6"),
    ("#@IVISIT:SLIDER & a & [200,1] & [0,10,5,1 & a & -1 & int & 1", "list"),
    ("#@IVISIT:SLIDER & a & [200,1] & [0,x,5,1] & a & -1 & int & 1", "must be a number"),
    ("#@IVISIT:SLIDER & a & [200,1] & [10,0,5,1] & a & -1 & int & 1", "min < max"),
    ("#@IVISIT:SLIDER & a & [200,1] & [0,10,5,1] & a & -1 & int & 11", "out of range"),
    ("#@IVISIT:LISTSEL & a & [100,1] & [x,y] & a & -1 & text & z", "not one of the options"),
    ("#@IVISIT:CHECKBOX & c & [a,b,c] & c & 01", "2 entries for 3 options"),
    ("#@IVISIT:SLIDER & a & [200,1] & [0,10,5,1] & a & -1 & complex & 1", "unknown type"),
    ("#@IVISIT:DICTSLIDERITEM & N & [0,200,3,1] & N & int & 75", "without a preceding DICTSLIDER"),
    (
        "#@IVISIT:TEXT_OUT & t & [20,5] & just_left & txt\n#@IVISIT:TEXT_OUT & u & [20,5] & "
        "just_left & txt",
        "duplicate name",
    ),
    (
        "#@IVISIT:SLIDER & a & [200,1] & [0,10,5,1] & a & -1 & int & 1\n"
        "#@IVISIT:SLIDER & b & [200,1] & [0,10,5,1] & a & 0 & int & 1",
        "non-list parameter",
    ),
    ("#@IVISIT:RADIOBUTTON & r & [a,b] & r & c", "not one of the options"),
    ("#@IVISIT:IMAGE & im & 1.0 & [0,255] & im & rgb", "unknown type"),
]


@pytest.mark.parametrize("body,msg", BAD)
def test_errors_name_line_and_problem(body, msg):
    head = "" if "before any" in msg else "#@IVISIT:SIMULATION & s\n"
    text = "\n# padding\n" + head + body + "\n"
    with pytest.raises(DirectiveError) as ei:
        parse_directives(text)
    e = ei.value
    assert msg in e.message
    expected = text.splitlines().index(body.splitlines()[-1]) + 1 if "FOO" not in body else None
    if expected:
        assert e.line_no == expected
    assert e.line_text.strip() in text and str(e.line_no) in str(e)


def test_duplicate_simulation_and_empty_dictslider():
    with pytest.raises(DirectiveError, match="duplicate simulation"):
        parse_directives("#@IVISIT:SIMULATION & a\n#@IVISIT:SIMULATION & a\n")
    with pytest.raises(DirectiveError, match="no DICTSLIDERITEM"):
        parse_directives(
            "#@IVISIT:SIMULATION & a\n#@IVISIT:DICTSLIDER & d & [200,20,-1,0,10] & d & 0\n"
        )


def test_file_path_source(tmp_path):
    f = tmp_path / "sim.py"
    f.write_text(
        "#@IVISIT:SIMULATION & s\n#@IVISIT:SLIDER & a & [200,1] & [0,10,5,1] & a & -1 & int & 1\n"
        "#@IVISIT:SLIDER & a & [200,1] & [0,10,5,1] & b & -1 & int & 99\n"
    )
    with pytest.raises(DirectiveError) as ei:
        parse_directives(f)
    assert ei.value.path == str(f) and ei.value.line_no == 3


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "&",
                "[",
                "]",
                ",",
                "#",
                " ",
                "SLIDER",
                "CHECKBOX",
                "a",
                "1",
                "-1",
                "0.5",
                "int",
                "float",
                "x",
                "DICTSLIDERITEM",
                "LISTSEL",
                "[1,2]",
                "0110",
                "BUTTON",
            ]
        ),
        max_size=25,
    )
)
def test_fuzzed_lines_raise_only_directive_errors(tokens):
    text = "#@IVISIT:SIMULATION & s\n#@IVISIT:" + "".join(tokens) + "\n"
    try:
        parse_directives(text)
    except DirectiveError:
        pass


def test_ivisit_type_aliases_and_textout_options():
    text = "\n".join(
        [
            "#@IVISIT:SIMULATION & s",
            "#@IVISIT:SLIDER & a & [200,1] & [0,10.4,5.0,1] & a & -1 & INTEGER & 3",
            "#@IVISIT:SLIDER & b & [200,1] & [0,1,5,0.1] & b & -1 & DOUBLE & 0.5",
            "#@IVISIT:LISTSEL & l & [10,1] & ['x',y] & l & -1 & STRING & x",
            "#@IVISIT:LISTSEL & m & [10,1] & [1,2] & m & -1 & integer & 2",
            "#@IVISIT:IMAGE & i & 1.0 & [0,1] & i & BOOL",
            "#@IVISIT:TEXT_OUT & t0 & [20,5] & None & t0",
            "#@IVISIT:TEXT_OUT & t1 & [20,5] & [just_right,just_left] & t1",
            "#@IVISIT:TEXT_OUT & t2 & [20,5] & [just_center,just_left] & t2",
            "  # @IVISIT:SLIDER & c & [200,1] & [0,10,5,1] & c & -1 & int & 1",
            "x = 1  #@IVISIT:SLIDER & code line & [200,1] & [0,10,5,1] & z & -1 & int & 1",
        ]
    )
    s = parse_directives(text)["s"]
    assert s.parameters["a"] == Slider(0, 10, step=1, default=3, ticks=5, dtype=int, label="a")
    assert s.parameters["b"].dtype == "float" and s.parameters["l"] == Dropdown(
        ("x", "y"), default="x", label="l", size=(10, 1)
    )
    assert s.parameters["m"].dtype == "int" and s.displays["i"].dtype == "binary"
    assert [s.displays[k].justify for k in ("t0", "t1", "t2")] == ["center", "right", "left"]
    assert (
        "c" in s.parameters and "z" in s.parameters
    )  # a directive after code counts, as in IVISIT


@pytest.mark.parametrize(
    "line,msg",
    [
        ("#@IVISIT:slider & a & [200,1] & [0,10,5,1] & a & -1 & int & 1", "upper case"),
        ("#@IVISIT:SLIDER & a & [200,1] & [0,10,5,0.4] & a & -1 & int & 1", "rounds to 0"),
        ("#@IVISIT:SLIDER & a & [200,1] & [0,10,5,1] & a & -1 & int & 1.5", "integer"),
        ("#@IVISIT:TEXT_OUT & t & [20,5] & [just_left,] & t", "malformed list"),
    ],
)
def test_ivisit_strictness(line, msg):
    with pytest.raises(DirectiveError, match=msg):
        parse_directives("#@IVISIT:SIMULATION & s\n" + line + "\n")


def test_list_parameter_keeps_the_place_of_its_first_widget():
    s = parse_directives(
        "#@IVISIT:SIMULATION & s\n"
        "#@IVISIT:SLIDER & w0 & [100,1] & [0,1,3,0.1] & w & 0 & float & 0.5\n"
        "#@IVISIT:SLIDER & a & [200,1] & [0,10,5,1] & a & -1 & int & 1\n"
        "#@IVISIT:SLIDER & w1 & [100,1] & [0,1,3,0.1] & w & 1 & float & 0.5\n"
    )["s"]
    assert list(s.parameters) == ["w", "a"] and isinstance(s.parameters["w"], Listed)


def test_simspec_json_round_trip():
    for spec in parse_directives(FULL).values():
        assert SimSpec.from_json(spec.to_json()) == spec
