"""The ipywidgets front end, without a browser: controls from declarations, sync rule, Step,
static mode."""

import ipywidgets as W
import pytest

from neuroplastic.sim import (
    App,
    Button,
    Checkbox,
    DictSlider,
    Displays,
    Dropdown,
    Image,
    Parameters,
    Radio,
    Simulation,
    Slider,
    TextIn,
    TextOut,
    build_controls,
    launch,
)


class Every(Simulation):
    name = "every"

    class P(Parameters):
        seed = Slider(0, 10, dtype=int, default=0)
        x = Slider(0.0, 1.0, step=0.1, default=0.5)
        lr = Slider(1e-4, 1.0, log=True, default=1e-2)
        d = DictSlider(
            {"a": Slider(0, 5, dtype=int, default=1), "b": Slider(0.0, 1.0, default=0.2)}, mode=2
        )
        m = Dropdown(("MLP", "CNN"))
        c = Checkbox(("p", "q"), default="01")
        r = Radio(("u", "v"))
        go = Button(text="Go")
        t = TextIn(default="hi")

    class D(Displays):
        img = Image(range=(0.0, 1.0))
        txt = TextOut()

    def step(self):
        self.d.img = self.rng.random((6, 8))
        self.d.txt = f"{self.step_count} {self.p.values()}"
        self.pressed = self.p.go


def test_controls_are_built_from_declarations():
    c = build_controls(Every())
    assert isinstance(c["seed"], W.IntSlider) and (c["seed"].min, c["seed"].max) == (0, 10)
    assert isinstance(c["x"], W.FloatSlider) and c["x"].step == 0.1 and c["x"].value == 0.5
    assert isinstance(c["lr"], W.FloatLogSlider) and c["lr"].min == pytest.approx(-4)
    assert isinstance(c["d"], W.VBox) and isinstance(c["d"].selector, W.Dropdown)
    assert set(c["d"].sliders) == {"a", "b"} and any(
        isinstance(w, W.Textarea) for w in c["d"].children
    )
    assert isinstance(c["m"], W.Dropdown) and list(c["m"].options) == ["MLP", "CNN"]
    assert isinstance(c["c"], W.HBox) and [b.value for b in c["c"].boxes] == [False, True]
    assert isinstance(c["r"], W.RadioButtons)
    assert isinstance(c["go"], W.Button) and c["go"].description == "Go"
    assert isinstance(c["t"].text, W.Textarea) and c["t"].text.value == "hi"


def test_widgets_reach_parameters_by_the_sync_rule_and_step_changes_image():
    app = App(Every())
    sim = app.sim
    app.controls["x"].value = 0.8
    app.controls["d"].sliders["a"].value = 4
    app.controls["c"].boxes[0].value = True
    app.controls["m"].value = "CNN"
    app.controls["r"].value = "v"
    app.controls["lr"].value = 0.1
    app.controls["t"].text.value = "new text"
    assert sim.p.x == 0.5 and sim.p.t == "hi"  # queued until the next step
    app.controls["t"].set_button.click()
    app.controls["go"].click()
    before = app.outputs["img"].value
    app.buttons["Step"].click()
    assert sim.p.x == 0.8 and sim.p.d == {"a": 4, "b": 0.2} and sim.p.c == (True, True)
    assert (
        sim.p.m == "CNN"
        and sim.p.r == "v"
        and sim.p.lr == pytest.approx(0.1)
        and sim.p.t == "new text"
    )
    assert sim.pressed is True
    assert app.outputs["img"].value != before and app.outputs["txt"].value.startswith("1 ")
    app.buttons["Step"].click()
    assert sim.pressed is False
    app.controls["x"].value = 0.3
    assert app.status.value == ""


def test_static_mode_returns_figure_and_html_no_widgets(monkeypatch):
    monkeypatch.setenv("NEUROPLASTIC_STATIC", "1")
    view = launch(Every())
    from matplotlib.figure import Figure

    assert isinstance(view.figure, Figure) and "<table>" in view.html and "lr" in view.html
    assert not isinstance(view, App)
    monkeypatch.delenv("NEUROPLASTIC_STATIC")
    assert isinstance(launch(Every()), App)


def _placed(app):
    """{control/panel widget: (x, y)} read back from the absolute layout's CSS margins."""
    grid = app.body.children[0]
    out = {}
    for cell in grid.children:
        top, _, _, left = (int(v[:-2]) for v in cell.layout.margin.split())
        out[cell.children[0]] = (left, top)
    return grid, out


def test_absolute_layout_places_widgets_at_stored_positions():
    from neuroplastic.sim import positions_from_layout

    app = App(Every())
    assert isinstance(app.body.children[0], W.HBox)  # box layout without positions
    layout = [
        {"widget": "seed", "extra": {"pos": [10, 20]}},
        {"widget": "img", "extra": {"pos": [300, 40]}},
        {"widget": "w[0]", "extra": {"pos": [5, 500]}},
        {"widget": "w[1]", "extra": {"pos": [5, 520]}},
    ]
    pos = positions_from_layout(layout)
    assert pos == {"seed": (10, 20), "img": (300, 40), "w": (5, 500)}
    assert (
        positions_from_layout([{"widget": "a", "extra": {"pos": [0, 0]}}]) == {}
    )  # IVISIT's default: none
    app.arrange(pos)
    grid, placed = _placed(app)
    assert isinstance(grid, W.GridBox) and len(grid.children) == len(app.controls) + len(app.panels)
    assert placed[app.controls["seed"]] == (10, 20) and placed[app.panels["img"]] == (300, 40)
    assert placed[app.controls["x"]] == (0, 0)  # no position: top left, as IVISIT
    assert {c.layout.grid_area for c in grid.children} == {"1 / 1 / 2 / 2"}
    app.arrange(None)
    assert isinstance(app.body.children[0], W.HBox)


def test_image_zoom_multiplies_the_declared_scale():
    class Zoomed(Every):
        class D(Displays):
            img = Image(range=(0.0, 1.0), scale=2.0)
            txt = TextOut()

    app = App(Zoomed())
    app.step()
    assert int(app.outputs["img"].width) == 16  # 8 px wide x scale 2
    app.zoom["img"].value = 4.0
    assert int(app.outputs["img"].width) == 64
    app.zoom["img"].value = 0.25
    assert int(app.outputs["img"].width) == 4
    assert "txt" not in app.zoom
