"""Spec validation, Parameters instances, checkbox conversion."""

import pytest

from neuroplastic.sim import (
    Button,
    Checkbox,
    DictSlider,
    Displays,
    Dropdown,
    Parameters,
    Radio,
    Simulation,
    Slider,
    TextIn,
    TextOut,
    checkbox_from_str,
    checkbox_to_str,
)


@pytest.mark.parametrize(
    "make",
    [
        lambda: Slider(1, 1),
        lambda: Slider(0, 1, step=0),
        lambda: Slider(0, 1, default=2),
        lambda: Slider(0, 10, dtype=int, step=0.5),
        lambda: Slider(0, 1, log=True),
        lambda: Dropdown(("a", "a")),
        lambda: Dropdown(("a", "b"), default="c"),
        lambda: Radio(()),
        lambda: Checkbox(("a", "b"), default="011"),
        lambda: DictSlider({}),
        lambda: DictSlider({"a": Slider(0, 1)}, mode=3),
        lambda: TextIn(rows=0),
        lambda: TextOut(justify="middle"),
    ],
)
def test_invalid_declarations_raise(make):
    with pytest.raises((ValueError, TypeError)):
        make()


class P(Parameters):
    x = Slider(0.0, 10.0, step=0.5, default=1.0)
    n = Slider(0, 5, dtype=int, default=2)
    d = DictSlider({"a": Slider(0, 3, dtype=int, default=1), "b": Slider(-1.0, 1.0, default=0.0)})
    c = Checkbox(("p", "q", "r"), default="010")
    go = Button()


def test_out_of_range_set_raises_naming_the_range_and_never_clips():
    p = P()
    with pytest.raises(ValueError, match=r"'x' must lie in \[0.0, 10.0\]"):
        p.set("x", 11.0)
    with pytest.raises(ValueError, match="'d.a'"):
        p.d = {"a": 7}
    with pytest.raises(ValueError, match="integer"):
        p.n = 2.5
    assert p.x == 1.0 and p.d == {"a": 1, "b": 0.0}
    p.d = {"b": 0.5}  # partial dict merges
    assert p.d == {"a": 1, "b": 0.5}


def test_values_are_per_instance():
    a, b = P(), P()
    a.x = 7.0
    assert b.x == 1.0 and P.specs()["x"].default == 1.0
    dd = a.d
    dd["a"] = 3  # a copy: the instance is unchanged
    assert a.d["a"] == 1


def test_checkbox_string_boundary():
    p = P()
    assert p.c == (False, True, False) and p.as_ivisit("c") == "010"
    assert (
        checkbox_from_str("0110") == (False, True, True, False)
        and checkbox_to_str((True, False)) == "10"
    )
    p.c = "111"
    assert p.c == (True, True, True)
    with pytest.raises(ValueError):
        p.c = (True,)
    assert p.as_ivisit("go") == "0"


def test_display_cannot_hold_param_spec_and_vice_versa():
    with pytest.raises(TypeError):
        type("Bad", (Displays,), {"x": Slider(0, 1)})
    with pytest.raises(TypeError):
        type("Bad", (Parameters,), {"t": TextOut()})


def test_two_simulations_do_not_share_values():
    class S(Simulation):
        P = P

    s1, s2 = S(), S()
    s1.p.x = 5.0
    assert s2.p.x == 1.0
