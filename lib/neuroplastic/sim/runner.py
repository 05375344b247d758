"""The deterministic headless runner (IVISIT's cycle order, without a GUI).

* ``init()`` flags all parameters modified, pushes all pending values, rebuilds ``rng``, calls
  ``sim.init()`` and ``sim.bind(runner)``, sets the step count to 0 and refreshes the displays.
* ``cycle(n)`` = n x frames_per_cycle x [steps_per_frame x (push pending values; count += 1;
  ``sim.step()``; clear modified flags; reset buttons), then ``sim.frame()``, refresh the
  displays once and record a frame].
* ``run(n_steps)`` runs exactly ``n_steps`` steps, refreshing after every ``steps_per_frame``.
* Sync mode queues ``set`` values until just before a step; async writes through at once.
* One re-entrant lock serialises pointer events and steps; no handler runs inside ``step()``.

The clock is read only to report timings (``runner.timings``), never to decide anything.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from .displays import PointerMap, ScopeBuffer, figure_to_array, to_uint8
from .simulation import Simulation
from .specs import Button, Comment, DictSlider, Image, Plot, Scope, TextOut

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .store import Config, Store

__all__ = ["HeadlessRunner"]


class HeadlessRunner:
    """Run a :class:`Simulation` without a GUI (see module doc).

    ``record=True`` keeps every refreshed frame in ``recording`` (a list of dicts display name ->
    uint8 array or str). ``store`` (a :class:`~neuroplastic.sim.store.Store`) enables
    ``save_config``/``load_config``."""

    def __init__(self, sim: Simulation, store: Store | None = None, record: bool = False) -> None:
        """Wrap ``sim`` and call its ``main_init()`` once.

        Parameters
        ----------
        sim : Simulation
            The simulation instance.
        store : Store or None
            Enables ``save_config``/``load_config``.
        record : bool
            Keep every refreshed frame in ``recording``.

        Raises
        ------
        TypeError
            If ``sim`` is not a Simulation.
        """
        if not isinstance(sim, Simulation):
            raise TypeError(f"sim must be a Simulation instance, got {type(sim).__name__}")
        self.sim, self.store, self.record = sim, store, bool(record)
        self.lock = threading.RLock()
        self.pending = {}
        self.rendered = {}
        self.pointer_maps = {}
        self.recording = []
        self.timings = defaultdict(float)
        self._figs = {}
        self._drag = None  # pointer automaton state: None (IDLE) or (display, action, start, prev)
        self.initialized = False
        if not sim._main_done:
            sim.main_init()
            sim._main_done = True

    # --- values ----------------------------------------------------------------------------------
    @property
    def step_count(self) -> int:
        """Number of steps since the last ``init()``."""
        return self.sim.step_count

    def set(self, name: str, value: Any) -> None:
        """Set a parameter (validated now; applied before the next step in sync mode).

        Parameters
        ----------
        name : str
            A declared parameter.
        value : Any
            The new value (a partial dict for a dict-slider).

        Raises
        ------
        KeyError, TypeError, ValueError
            If ``name`` is unknown or the value invalid.
        """
        with self.lock:
            p = self.sim.p
            spec = p.spec(name)
            base = self.pending.get(name, p._values[name])
            v = (
                spec.validate(name, value, partial_base=base)
                if isinstance(spec, DictSlider)
                else spec.validate(name, value)
            )
            if self.sim.update_mode == "async":
                p._values[name] = v
                self.sim._modified.add(name)
            else:
                self.pending[name] = v

    def press(self, name: str) -> None:
        """Press a button: its parameter is True for exactly the next step.

        Parameters
        ----------
        name : str
            A Button parameter.

        Raises
        ------
        ValueError
            If ``name`` is not a button.
        """
        if not isinstance(self.sim.p.spec(name), Button):
            raise ValueError(f"parameter {name!r} is not a button")
        self.set(name, True)

    def _push(self):
        for k, v in self.pending.items():
            self.sim.p._values[k] = v
            self.sim._modified.add(k)
        self.pending.clear()

    # --- cycle -----------------------------------------------------------------------------------
    def init(self) -> HeadlessRunner:
        """Start a run: push values, flag all modified, reseed, ``sim.init()``, ``sim.bind(self)``.

        The step count is reset to 0 and the displays are refreshed (not recorded).

        Returns
        -------
        HeadlessRunner
            ``self``.
        """
        with self.lock:
            sim = self.sim
            self._push()
            sim._modified = set(sim.p._specs)
            sim.reseed()
            sim.step_count = 0
            for v in sim.d._values.values():
                if isinstance(v, ScopeBuffer):
                    v.clear()
            sim.init()
            sim.bind(self)
            sim.step_count = 0
            self.initialized = True
            self.refresh(record=False)
        return self

    def _step(self):
        sim = self.sim
        self._push()
        sim.step_count += 1
        t0 = time.perf_counter()
        sim._in_step = True
        try:
            sim.step()
        finally:
            sim._in_step = False
        self.timings["step"] += time.perf_counter() - t0
        sim._modified.clear()
        for k, s in sim.p._specs.items():
            if isinstance(s, Button) and k not in self.pending:
                sim.p._values[k] = False

    def step(self, n: int = 1) -> None:
        """``n`` steps without a display refresh (``init()`` first if needed).

        Parameters
        ----------
        n : int
            Number of steps >= 1.

        Raises
        ------
        ValueError
            If ``n`` is not an int >= 1.
        """
        self._check_n(n, "n")
        if not self.initialized:
            self.init()
        with self.lock:
            for _ in range(n):
                self._step()

    def cycle(self, n: int = 1) -> HeadlessRunner:
        """``n`` cycles of frames_per_cycle x (steps_per_frame steps + one refresh).

        Parameters
        ----------
        n : int
            Number of cycles >= 1.

        Returns
        -------
        HeadlessRunner
            ``self``.

        Raises
        ------
        ValueError
            If ``n`` is not an int >= 1.
        """
        self._check_n(n, "n")
        if not self.initialized:
            self.init()
        tm = self.sim.timing
        for _ in range(n):
            for _ in range(tm.frames_per_cycle):
                with self.lock:
                    for _ in range(tm.steps_per_frame):
                        self._step()
                    self.refresh()
        return self

    def run(self, n_steps: int, refresh: bool = True) -> HeadlessRunner:
        """Exactly ``n_steps`` steps; refresh after every ``steps_per_frame`` steps and at the end.

        Parameters
        ----------
        n_steps : int
            Number of steps >= 0.
        refresh : bool
            Refresh the displays after each frame.

        Returns
        -------
        HeadlessRunner
            ``self``.

        Raises
        ------
        ValueError
            If ``n_steps`` is not an int >= 0.
        """
        self._check_n(n_steps, "n_steps", allow_zero=True)
        if not self.initialized:
            self.init()
        spf = self.sim.timing.steps_per_frame
        done = 0
        while done < n_steps:
            k = min(spf, n_steps - done)
            with self.lock:
                for _ in range(k):
                    self._step()
                if refresh:
                    self.refresh()
            done += k
        return self

    @staticmethod
    def _check_n(n, what, allow_zero=False):
        if (
            isinstance(n, bool)
            or not isinstance(n, (int, np.integer))
            or n < (0 if allow_zero else 1)
        ):
            raise ValueError(f"{what} must be an int >= {0 if allow_zero else 1}, got {n!r}")

    # --- displays --------------------------------------------------------------------------------
    def figure(self, name: str) -> Figure:
        """The persistent Figure of a Plot display (created on first use, Agg, no pyplot).

        Parameters
        ----------
        name : str
            A Plot display.

        Returns
        -------
        matplotlib.figure.Figure
            Of the spec's ``figsize`` (inches) and ``dpi``.
        """
        if name not in self._figs:
            from matplotlib.figure import Figure

            spec = self.sim.d.spec(name)
            self._figs[name] = Figure(figsize=spec.figsize, dpi=spec.dpi)
        return self._figs[name]

    def refresh(self, record: bool = True) -> None:
        """Render every display to uint8 arrays / text in ``rendered`` (after ``sim.frame()``).

        Parameters
        ----------
        record : bool
            Record the frame if the runner records (False: the refresh after ``init``).

        Raises
        ------
        AttributeError
            If a Plot display has no ``draw`` callable nor ``draw_<name>`` method.
        """
        with self.lock:
            sim = self.sim
            sim.frame()
            for name, spec in sim.d._specs.items():
                t0 = time.perf_counter()
                val = sim.d._values[name]
                if isinstance(spec, Scope):
                    out = val.image
                elif isinstance(spec, Plot):
                    fig = self.figure(name)
                    draw = spec.draw or getattr(sim, f"draw_{name}", None)
                    if draw is None:
                        raise AttributeError(
                            f"plot display {name!r} needs Plot(draw=...) or {type(sim).__name__}"
                            f".draw_{name}(fig)"
                        )
                    fig.clear()
                    if spec.draw is not None:
                        spec.draw(sim, fig)
                    else:
                        draw(fig)
                    out = figure_to_array(fig)
                    if fig.axes:
                        self.pointer_maps[name] = PointerMap.from_axes(
                            getattr(fig, "pointer_axes", fig.axes[0])
                        )
                elif isinstance(spec, Image):
                    if val is None:
                        out = None
                    else:
                        out = to_uint8(val, spec.range)
                        from matplotlib.figure import Figure

                        if isinstance(val, Figure) and val.axes:
                            self.pointer_maps[name] = PointerMap.from_axes(
                                getattr(val, "pointer_axes", val.axes[0])
                            )
                        else:
                            self.pointer_maps[name] = PointerMap(spec.scale)
                elif isinstance(spec, TextOut):
                    out = "" if val is None else str(val)
                elif isinstance(spec, Comment):
                    out = spec.text
                else:  # pragma: no cover
                    out = val
                self.rendered[name] = out
                self.timings[f"refresh:{name}"] += time.perf_counter() - t0
            if self.record and record:
                self.recording.append(
                    {
                        k: (v.copy() if isinstance(v, np.ndarray) else v)
                        for k, v in self.rendered.items()
                    }
                )

    def snapshot(self) -> dict:
        """Values, step count and rendered displays (copies).

        Returns
        -------
        dict
            ``step_count``, ``values`` (name -> value) and ``displays`` (name -> array or str).
        """
        with self.lock:
            return {
                "step_count": self.sim.step_count,
                "values": self.sim.p.values(),
                "displays": {
                    k: (v.copy() if isinstance(v, np.ndarray) else v)
                    for k, v in self.rendered.items()
                },
            }

    def frame_hash(self, frames: Iterable[dict] | None = None) -> str:
        """SHA-256 over the recorded frames (or ``frames``): equal for equal runs.

        Parameters
        ----------
        frames : iterable of dict or None
            Frames (display name -> array or str); None = ``recording``.

        Returns
        -------
        str
            64 hexadecimal digits.
        """
        h = hashlib.sha256()
        for fr in self.recording if frames is None else frames:
            for k in sorted(fr):
                v = fr[k]
                h.update(k.encode())
                if isinstance(v, np.ndarray):
                    h.update(str(v.shape).encode())
                    h.update(np.ascontiguousarray(v).tobytes())
                else:
                    h.update(repr(v).encode())
        return h.hexdigest()

    # --- pointer ---------------------------------------------------------------------------------
    def _action(self):
        sim = self.sim
        if sim.pointer_parameter is None:
            return "click", "click"
        action = sim.p._values[sim.pointer_parameter]
        return action, sim.pointer_actions.get(action, "click")

    def _to_data(self, display, x, y, coords):
        if coords == "data":
            return float(x), float(y)
        if coords != "pixel":
            raise ValueError(f"coords must be 'data' or 'pixel', got {coords!r}")
        if display not in self.pointer_maps:
            raise ValueError(f"display {display!r} has not been rendered yet (no pixel mapping)")
        return self.pointer_maps[display](x, y)

    def _emit(self, action, kind, pos, start, prev):
        with self.lock:
            self.sim.on_pointer(action, kind, pos, start, prev)

    def pointer(self, display: str, event: str, x: float, y: float, coords: str = "data") -> None:
        """Feed one raw event ('press', 'move', 'release') to the click/drag automaton.

        Parameters
        ----------
        display : str
            A declared display.
        event : str
            'press', 'move' or 'release'.
        x, y : float
            Position, in ``coords`` units.
        coords : str
            'data' (axes coordinates) or 'pixel' (rendered image pixels).

        Raises
        ------
        ValueError
            If ``event`` or ``coords`` is unknown or a pixel display has not been rendered.
        """
        self.sim.d.spec(display)
        pos = self._to_data(display, x, y, coords)
        action, mode = self._action()
        if event == "press":
            self._drag = {
                "display": display,
                "start": pos,
                "prev": pos,
                "moved": False,
                "action": action,
                "mode": mode,
            }
        elif event == "move":
            st = self._drag
            if st is None:
                return
            if st["mode"] == "drag":
                if not st["moved"]:
                    self._emit(st["action"], "drag_start", st["start"], st["start"], st["start"])
                self._emit(st["action"], "drag_move", pos, st["start"], st["prev"])
            st["moved"], st["prev"] = True, pos
        elif event == "release":
            st, self._drag = self._drag, None
            if st is None:
                return
            if st["mode"] == "drag" and st["moved"]:
                self._emit(st["action"], "drag_end", pos, st["start"], st["prev"])
            elif st["mode"] == "click" and not st["moved"]:
                self._emit(st["action"], "click", pos, pos, pos)
            elif st["mode"] == "click":
                self._emit(st["action"], "click", pos, st["start"], st["prev"])
            # a drag action without movement does nothing (as a press-release on a drag tool)
        else:
            raise ValueError(f"event must be 'press', 'move' or 'release', got {event!r}")

    def click(self, display: str, x: float, y: float, coords: str = "data") -> None:
        """A press-release at (x, y) on ``display``.

        Parameters
        ----------
        display : str
            A declared display.
        x, y : float
            Position, in ``coords`` units.
        coords : str
            'data' (axes coordinates) or 'pixel' (rendered image pixels).
        """
        self.pointer(display, "press", x, y, coords)
        self.pointer(display, "release", x, y, coords)

    def drag(
        self, display: str, points: Iterable[tuple[float, float]], coords: str = "data"
    ) -> None:
        """Press at points[0], move through points[1:-1], release at points[-1].

        Parameters
        ----------
        display : str
            A declared display.
        points : iterable of (x, y)
            At least 2 positions.
        coords : str
            'data' or 'pixel'.

        Raises
        ------
        ValueError
            If fewer than 2 points are given.
        """
        pts = list(points)
        if len(pts) < 2:
            raise ValueError(f"points must hold >= 2 (x, y) pairs, got {len(pts)}")
        self.pointer(display, "press", *pts[0], coords=coords)
        for p in pts[1:]:
            self.pointer(display, "move", *p, coords=coords)
        self.pointer(display, "release", *pts[-1], coords=coords)

    # --- configurations --------------------------------------------------------------------------
    def _need_store(self):
        if self.store is None:
            raise ValueError(
                "this runner has no store; pass HeadlessRunner(sim, store=Store(path))"
            )
        return self.store

    def save_config(self, name: str, **kw: Any) -> int:
        """Save the current values (pending ones included) and timing as configuration ``name``.

        Parameters
        ----------
        name : str
            Configuration name.
        **kw
            Keywords of :meth:`Store.save`.

        Returns
        -------
        int
            The stored configuration's id.

        Raises
        ------
        ValueError
            If the runner has no store.
        """
        with self.lock:
            vals = self.sim.p.values()
            vals.update(self.pending)
            return self._need_store().save(self.sim, name, values=vals, **kw)

    def load_config(self, name: str) -> Config:
        """Load configuration ``name`` (values go through ``set``, so the sync rule applies).

        Parameters
        ----------
        name : str
            Configuration name.

        Returns
        -------
        Config
            The loaded configuration (its timing is applied too).

        Raises
        ------
        ValueError
            If the runner has no store.
        ConfigNotFound
            If there is no such configuration.
        """
        cfg = self._need_store().load(self.sim, name)
        for k, v in cfg.values.items():
            self.set(k, v)
        self.sim.timing = cfg.timing
        return cfg
