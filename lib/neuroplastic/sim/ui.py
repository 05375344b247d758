"""The ipywidgets front end (live Jupyter) and its static fallback (rendered book).

* :func:`build_controls` maps every parameter spec to ipywidgets: slider -> IntSlider /
  FloatSlider / FloatLogSlider; dict_slider -> Dropdown + one slider per key (+ Textarea in
  mode 2); dropdown -> Dropdown; checkbox -> HBox of Checkbox; radio -> RadioButtons;
  button -> Button; text_in -> Textarea + Set; listed -> VBox of item controls.
* :class:`App` wires the controls to a :class:`HeadlessRunner` (so the sync rule applies), shows
  displays as ``ipywidgets.Image`` (PNG) or text, and has a toolbar Init, Step, Run, Stop, Cont,
  Save and a configurations list. Run is an asyncio task that yields after every cycle.
  Clicking on images needs the optional ``ipyevents`` package.
* Layout: box layout (controls left, displays right), or IVISIT's absolute layout when
  ``positions`` ({widget name: (x, y)} in pixels, e.g. from :func:`positions_from_layout` of a
  configuration imported from an IVISIT database) are given: every control/display panel is placed
  at its (x, y) offset in one overlapping CSS grid cell. Loading a configuration whose layout has
  positions switches to them.
* Image zoom: each IMAGE panel has a zoom menu (1/8x ... 8x, as IVISIT's Scale menu); the shown
  width is natural width x the spec's ``scale`` (IVISIT's IMAGE scale field) x the zoom.
* :func:`launch` builds the App unless static mode is asked for (``static=True`` or the
  environment variable ``NEUROPLASTIC_STATIC`` is set); static mode runs one cycle and returns a
  :class:`StaticView` (one Matplotlib figure of all displays + an HTML parameter table).
"""

from __future__ import annotations

import asyncio
import html
import io
import math
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from .runner import HeadlessRunner
from .simulation import Simulation
from .specs import (
    Button,
    Checkbox,
    Comment,
    DictSlider,
    Dropdown,
    Image,
    Listed,
    Plot,
    Radio,
    Scope,
    Slider,
    TextIn,
    TextOut,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .store import Store

__all__ = [
    "build_controls",
    "App",
    "launch",
    "show_static",
    "params_html",
    "StaticView",
    "png_bytes",
    "positions_from_layout",
    "ZOOMS",
]

ZOOMS = (
    ("1/8x", 0.125),
    ("1/4x", 0.25),
    ("1/2x", 0.5),
    ("1x", 1.0),
    ("2x", 2.0),
    ("4x", 4.0),
    ("8x", 8.0),
)


def positions_from_layout(layout: Iterable[dict] | None) -> dict:
    """{widget: (x, y)} from a configuration layout whose entries carry ``extra["pos"]``.

    Empty when no entry has a position other than IVISIT's default [0, 0] (then box layout is
    used). A list parameter's widgets ``w[0]``, ``w[1]`` give ``w`` the position of ``w[0]``.

    Parameters
    ----------
    layout : iterable of dict or None
        Layout rows (``widget``, ``extra``), e.g. ``Config.layout``.

    Returns
    -------
    dict
        Widget name -> (x, y) in pixels.
    """
    out = {}
    for w in layout or []:
        pos = (w.get("extra") or {}).get("pos")
        if pos is None or len(pos) < 2:
            continue
        name = w["widget"]
        if name.endswith("[0]"):
            name = name[:-3]
        elif name.endswith("]") and "[" in name:
            continue
        out[name] = (int(pos[0]), int(pos[1]))
    if all(p == (0, 0) for p in out.values()):
        return {}
    return out


def png_bytes(arr: np.ndarray) -> bytes:
    """Encode a uint8 gray or RGB array as PNG (Pillow).

    Parameters
    ----------
    arr : numpy.ndarray
        ``uint8[H, W]`` or ``uint8[H, W, 3]``.

    Returns
    -------
    bytes
        The PNG file content.
    """
    from PIL import Image as PILImage

    buf = io.BytesIO()
    PILImage.fromarray(np.ascontiguousarray(arr)).save(buf, format="PNG")
    return buf.getvalue()


def _slider_widget(spec: Slider, value, desc):
    import ipywidgets as W

    style = {"description_width": "initial"}
    if spec.log:
        return W.FloatLogSlider(
            value=value,
            base=10,
            min=math.log10(spec.min),
            max=math.log10(spec.max),
            step=0.01,
            description=desc,
            style=style,
            continuous_update=False,
        )
    cls = W.IntSlider if spec.dtype == "int" else W.FloatSlider
    return cls(
        value=value,
        min=spec.min,
        max=spec.max,
        step=spec.step,
        description=desc,
        style=style,
        continuous_update=False,
    )


def _control(name, spec, value):
    """(widget, getter) for one parameter; getter() -> value for runner.set."""
    import ipywidgets as W

    label = spec.label or name if hasattr(spec, "label") else name
    if isinstance(spec, Slider):
        w = _slider_widget(spec, value, label)
        return w, lambda: w.value, [w]
    if isinstance(spec, DictSlider):
        keys = list(spec.items)
        sel = W.Dropdown(options=keys, value=keys[spec.selected], description=label)
        sliders = {k: _slider_widget(s, value[k], s.label or k) for k, s in spec.items.items()}
        holder = W.Box([sliders[sel.value]])
        sel.observe(lambda ch: setattr(holder, "children", [sliders[ch["new"]]]), names="value")
        parts = [sel, holder]
        if spec.mode == 2:
            txt = W.Textarea(value=repr(value), disabled=True, layout={"width": "320px"})
            parts.append(txt)
            for s in sliders.values():
                s.observe(
                    lambda ch: setattr(
                        txt, "value", repr({k: v.value for k, v in sliders.items()})
                    ),
                    names="value",
                )
        box = W.VBox(parts)
        box.selector, box.sliders = sel, sliders
        return box, lambda: {k: s.value for k, s in sliders.items()}, list(sliders.values())
    if isinstance(spec, Dropdown):
        w = W.Dropdown(options=list(spec.options), value=value, description=label)
        return w, lambda: w.value, [w]
    if isinstance(spec, Checkbox):
        boxes = [
            W.Checkbox(value=bool(v), description=str(o), indent=False)
            for o, v in zip(spec.options, value)
        ]
        box = W.HBox([W.Label(label)] + boxes)
        box.boxes = boxes
        return box, lambda: tuple(b.value for b in boxes), boxes
    if isinstance(spec, Radio):
        w = W.RadioButtons(options=list(spec.options), value=value, description=label)
        return w, lambda: w.value, [w]
    if isinstance(spec, Button):
        w = W.Button(description=spec.text, tooltip=label)
        return w, None, [w]
    if isinstance(spec, TextIn):
        ta = W.Textarea(value=value, rows=spec.rows, description=label)
        setb = W.Button(description="Set")
        box = W.HBox([ta, setb])
        box.text, box.set_button = ta, setb
        return box, lambda: ta.value, [setb]
    if isinstance(spec, Listed):
        parts = [_control(f"{name}[{i}]", s, v) for i, (s, v) in enumerate(zip(spec.items, value))]
        box = W.VBox([p[0] for p in parts])
        box.items = [p[0] for p in parts]
        getters = [p[1] for p in parts]
        return box, lambda: tuple(g() for g in getters), [w for p in parts for w in p[2]]
    raise TypeError(f"parameter {name!r}: no widget for {type(spec).__name__}")


def build_controls(sim: Simulation) -> dict:
    """name -> ipywidget for every parameter of ``sim`` (instance), values from the instance.

    Parameters
    ----------
    sim : Simulation
        The simulation instance.

    Returns
    -------
    dict
        Parameter name -> ipywidgets widget.

    Raises
    ------
    TypeError
        If ``sim`` is not a Simulation instance or a spec has no widget.
    """
    if not isinstance(sim, Simulation):
        raise TypeError(f"sim must be a Simulation instance, got {type(sim).__name__}")
    return {k: _control(k, s, sim.p._values[k])[0] for k, s in sim.p._specs.items()}


class App:
    """The live front end (see module doc). ``App(sim, store=None)``; ``.widget`` is the root
    box."""

    def __init__(
        self, sim: Simulation, store: Store | None = None, positions: dict | None = None
    ) -> None:
        """Build the controls, display panels, toolbar and store bar around a HeadlessRunner.

        Parameters
        ----------
        sim : Simulation
            The simulation instance.
        store : Store or None
            Enables saving and loading configurations.
        positions : dict or None
            {widget: (x, y)} in pixels for an absolute layout (None: box layout).
        """
        import ipywidgets as W

        self.runner = HeadlessRunner(sim, store=store)
        self.sim, self.store = sim, store
        self.controls, self._getters = {}, {}
        for name, spec in sim.p._specs.items():
            w, getter, sources = _control(name, spec, sim.p._values[name])
            self.controls[name], self._getters[name] = w, getter
            if isinstance(spec, Button):
                w.on_click(lambda _b, n=name: self.runner.press(n))
            elif isinstance(spec, TextIn):
                w.set_button.on_click(lambda _b, n=name: self._send(n))
            else:
                for s in sources:
                    s.observe(lambda _ch, n=name: self._send(n), names="value")
        self.outputs, self.zoom = {}, {}
        for name, spec in sim.d._specs.items():
            if isinstance(spec, Image):
                z = self.zoom[name] = W.Dropdown(
                    options=ZOOMS, value=1.0, description="zoom", layout={"width": "130px"}
                )
                z.observe(lambda _ch: self.update(), names="value")
            if isinstance(spec, (Image, Scope, Plot)):
                self.outputs[name] = W.Image(format="png")
            elif isinstance(spec, TextOut):
                self.outputs[name] = W.Textarea(
                    disabled=True,
                    rows=getattr(spec, "rows", 5),
                    layout={"width": f"{8 * spec.cols + 40}px"},
                )
            elif isinstance(spec, Comment):
                self.outputs[name] = W.Label(spec.text)
        self.status = W.Label("")
        self.buttons = {
            b: W.Button(description=b) for b in ("Init", "Step", "Run", "Stop", "Cont", "Save")
        }
        self.buttons["Init"].on_click(lambda _b: self.init())
        self.buttons["Step"].on_click(lambda _b: self.step())
        self.buttons["Run"].on_click(lambda _b: self.start(init=True))
        self.buttons["Cont"].on_click(lambda _b: self.start(init=False))
        self.buttons["Stop"].on_click(lambda _b: self.stop())
        self.config_name = W.Text(value="config-1", description="name")
        self.buttons["Save"].on_click(lambda _b: self.save(self.config_name.value))
        self.configs = W.Dropdown(options=self._config_names(), description="configs")
        self.load_button = W.Button(description="Load")
        self.load_button.on_click(lambda _b: self.load(self.configs.value))
        self._task = None
        self._events = []
        self._attach_pointer()
        self.runner.init()
        self.update()
        toolbar = W.HBox(list(self.buttons.values()))
        store_bar = W.HBox([self.config_name, self.configs, self.load_button])
        self.panels = {
            n: W.VBox(
                [
                    W.HBox(
                        [W.Label(sim.d.spec(n).label or n)]
                        + ([self.zoom[n]] if n in self.zoom else [])
                    ),
                    w,
                ]
            )
            for n, w in self.outputs.items()
        }
        self.body = W.Box()
        self.arrange(positions)
        self.widget = W.VBox([toolbar, store_bar, self.body, self.status])

    def arrange(self, positions: dict | None = None) -> None:
        """Box layout (``positions`` empty/None) or absolute layout at {widget: (x, y)} pixels.

        Widgets without a position go to (0, 0), as in IVISIT.

        Parameters
        ----------
        positions : dict or None
            {widget: (x, y)} in pixels for an absolute layout (None: box layout).
        """
        import ipywidgets as W

        self.positions = dict(positions or {})
        if not self.positions:
            self.body.children = [
                W.HBox([W.VBox(list(self.controls.values())), W.VBox(list(self.panels.values()))])
            ]
            return
        cells = []
        for name, w in list(self.controls.items()) + list(self.panels.items()):
            x, y = self.positions.get(name, (0, 0))
            cells.append(
                W.Box(
                    [w],
                    layout=W.Layout(
                        grid_area="1 / 1 / 2 / 2",
                        margin=f"{int(y)}px 0px 0px {int(x)}px",
                        align_self="flex-start",
                    ),
                )
            )
        self.body.children = [
            W.GridBox(
                cells,
                layout=W.Layout(
                    grid_template_columns="max-content",
                    grid_template_rows="max-content",
                    justify_items="flex-start",
                    align_items="flex-start",
                ),
            )
        ]

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    def _send(self, name):
        try:
            self.runner.set(name, self._getters[name]())
            self.status.value = ""
        except (ValueError, TypeError) as e:
            self.status.value = str(e)

    def _config_names(self):
        if self.store is None:
            return []
        return [c["name"] for c in self.store.list(self.sim, order_by="grade")]

    def _attach_pointer(self):
        try:
            from ipyevents import Event
        except ImportError:
            if self.sim.pointer_parameter is not None:
                self.status.value = "Clicking on displays is unavailable: install ipyevents."
            return
        for name, w in self.outputs.items():
            if not hasattr(w, "format"):
                continue
            ev = Event(source=w, watched_events=["mousedown", "mousemove", "mouseup"], wait=20)
            ev.on_dom_event(lambda e, n=name: self._dom(n, e))
            self._events.append(ev)

    def _dom(self, name, e):
        kind = {"mousedown": "press", "mousemove": "move", "mouseup": "release"}[e["type"]]
        if kind == "move" and self.runner._drag is None:
            return
        arr = self.runner.rendered.get(name)
        if arr is None:
            return
        h, w = arr.shape[:2]
        bw, bh = e.get("boundingRectWidth") or w, e.get("boundingRectHeight") or h
        px, py = e["relativeX"] * w / bw, e["relativeY"] * h / bh  # displayed -> natural pixels
        self.runner.pointer(name, kind, px, py, coords="pixel")
        self.runner.refresh()
        self.update()

    def update(self) -> None:
        """Copy the runner's rendered displays into the output widgets."""
        for name, w in self.outputs.items():
            v = self.runner.rendered.get(name)
            if isinstance(v, np.ndarray):
                w.value = png_bytes(v)
                spec = self.sim.d.spec(name)
                if isinstance(spec, Image):
                    zoom = spec.scale * self.zoom[name].value
                    if zoom != 1 or w.width:
                        w.width = int(round(v.shape[1] * zoom))
            elif isinstance(v, str) and hasattr(w, "disabled"):
                w.value = v

    def init(self) -> None:
        """Initialise the run (``runner.init()``) and show the displays."""
        self.runner.init()
        self.update()

    def step(self) -> None:
        """Run one cycle and show the displays."""
        self.runner.cycle()
        self.update()

    def save(self, name: str) -> None:
        """Save the current values as configuration ``name`` (overwriting).

        Parameters
        ----------
        name : str
            Configuration name; without a store only the status line changes.
        """
        if self.store is None:
            self.status.value = "no store: launch(sim, store=Store(path))"
            return
        self.runner.save_config(name, overwrite=True)
        self.configs.options = self._config_names()

    def load(self, name: str) -> None:
        """Load configuration ``name`` into the runner and the widgets (and its layout, if any).

        Parameters
        ----------
        name : str
            Configuration name ('' does nothing).
        """
        if not name:
            return
        cfg = self.runner.load_config(name)
        for k, v in cfg.values.items():
            self._set_widget(k, v)
        pos = positions_from_layout(cfg.layout)
        if pos:
            self.arrange(pos)
        self.status.value = f"loaded {name!r}" + (
            f"; unknown values {list(cfg.unknown)}" if cfg.unknown else ""
        )

    def _set_widget(self, name, v):
        w, spec = self.controls[name], self.sim.p.spec(name)
        if isinstance(spec, DictSlider):
            for k, s in w.sliders.items():
                s.value = v[k]
        elif isinstance(spec, Checkbox):
            for b, x in zip(w.boxes, v):
                b.value = x
        elif isinstance(spec, TextIn):
            w.text.value = v
        elif hasattr(w, "value"):
            w.value = v

    async def _loop(self):
        delay = self.sim.timing.delay_ms / 1000
        while self._running:
            self.runner.cycle()
            self.update()
            await asyncio.sleep(delay)

    def start(self, init: bool = True) -> None:
        """Run cycles in the event loop until :meth:`stop` (delay ``timing.delay_ms`` ms).

        Parameters
        ----------
        init : bool
            Call ``runner.init()`` first.
        """
        if init:
            self.runner.init()
        self._running = True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.status.value = "Run needs a running event loop (a Jupyter kernel); use Step."
            self._running = False
            return
        self._task = loop.create_task(self._loop())

    def stop(self) -> None:
        """Stop the running loop after its current cycle."""
        self._running = False


class StaticView:
    """Static stand-in for the App: ``figure`` (all displays) and ``html`` (parameter table)."""

    def __init__(self, figure: Figure, html_table: str) -> None:
        """Hold the figure and the HTML parameter table.

        Parameters
        ----------
        figure : matplotlib.figure.Figure
            All displays.
        html_table : str
            The parameter table.
        """
        self.figure, self.html = figure, html_table

    def _repr_html_(self):
        return self.html

    def __repr__(self):
        return "StaticView(figure, html parameter table)"


def params_html(runner: HeadlessRunner) -> str:
    """An HTML table of the current parameter values.

    Parameters
    ----------
    runner : HeadlessRunner
        The runner whose simulation's values are listed.

    Returns
    -------
    str
        ``<table>`` with parameter, widget kind and value.
    """
    rows = "".join(
        f"<tr><td><code>{html.escape(k)}</code></td><td>{html.escape(type(s).__name__)}</td>"
        f"<td>{html.escape(repr(runner.sim.p._values[k]))}</td></tr>"
        for k, s in runner.sim.p._specs.items()
    )
    return f"<table><tr><th>parameter</th><th>widget</th><th>value</th></tr>{rows}</table>"


def show_static(runner: HeadlessRunner, ncols: int | None = None) -> Figure:
    """One Matplotlib figure of all displays of a runner (images and text panels).

    Parameters
    ----------
    runner : HeadlessRunner
        A runner with rendered displays.
    ncols : int or None
        Panels per row (default min(3, n)); each panel is 4 x 3.4 inches.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (pyplot).
    """
    import matplotlib.pyplot as plt

    items = [
        (k, v)
        for k, v in runner.rendered.items()
        if v is not None and not isinstance(runner.sim.d.spec(k), Comment)
    ]
    n = max(1, len(items))
    ncols = ncols or min(3, n)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4 * ncols, 3.4 * nrows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, (k, v) in zip(axes.flat, items):
        ax.set_title(runner.sim.d.spec(k).label or k, fontsize=10)
        if isinstance(v, np.ndarray):
            ax.imshow(v, cmap="gray", vmin=0, vmax=255, interpolation="nearest")
        else:
            ax.text(0, 1, v, family="monospace", fontsize=7, va="top", transform=ax.transAxes)
    fig.tight_layout()
    return fig


def launch(
    sim: Simulation,
    store: Store | None = None,
    static: bool | None = None,
    positions: dict | None = None,
) -> App | StaticView:
    """The live App, or a :class:`StaticView` in static mode (see module doc).

    Parameters
    ----------
    sim : Simulation
        The simulation instance.
    store : Store or None
        Configuration store.
    static : bool or None
        Static mode; None reads the ``NEUROPLASTIC_STATIC`` environment variable.
    positions : dict or None
        {widget: (x, y)} in pixels for an absolute layout (None: box layout).

    Returns
    -------
    App or StaticView
        The live front end, or a figure and HTML table after one cycle.

    Raises
    ------
    TypeError
        If ``sim`` is not a Simulation instance.
    """
    if not isinstance(sim, Simulation):
        raise TypeError(f"sim must be a Simulation instance, got {type(sim).__name__}")
    if static is None:
        static = bool(os.environ.get("NEUROPLASTIC_STATIC"))
    if not static:
        return App(sim, store=store, positions=positions)
    runner = HeadlessRunner(sim, store=store)
    runner.init().cycle()
    return StaticView(show_static(runner), params_html(runner))
