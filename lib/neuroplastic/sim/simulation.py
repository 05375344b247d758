"""The ``Simulation`` base class (hooks) and ``Timing``.

A simulation subclass declares ``P`` (a :class:`Parameters` subclass) and ``D`` (a
:class:`Displays` subclass) and overrides the hooks:

* ``main_init()`` once per simulation object; ``init()`` before each run; ``bind(ui)`` after init;
* ``step()`` one simulation step (reads ``self.p``, writes ``self.d``);
* ``on_pointer(action, kind, pos, start, prev)`` for clicks/drags on a display (``kind`` in
  click, drag_start, drag_move, drag_end; positions in data coordinates);
* ``draw_<name>(fig)`` to redraw a ``Plot`` display.

Helpers: ``is_modified(name)``, ``step_count``, ``rng`` (rebuilt from the ``seed`` parameter, or
the constructor's ``seed``, at every ``init()``) and ``spawn(n)`` (independent streams by
``SeedSequence.spawn``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from .directives import SimSpec, parse_directives
from .params import Displays, Parameters

__all__ = ["Simulation", "Timing", "sim_spec"]


@dataclass(frozen=True)
class Timing:
    """Cycle timing: steps per frame (display refresh), frames per cycle, live delay in ms."""

    steps_per_frame: int = 1
    frames_per_cycle: int = 1
    delay_ms: float = 0.0

    def __post_init__(self):
        for nm in ("steps_per_frame", "frames_per_cycle"):
            v = getattr(self, nm)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"Timing {nm} must be an int >= 1, got {v!r}")
        if not isinstance(self.delay_ms, (int, float)) or self.delay_ms < 0:
            raise ValueError(f"Timing delay_ms must be >= 0, got {self.delay_ms!r}")


class Simulation:
    """Base class of simulations (see module doc).

    ``Simulation(name=None, parameters=None, displays=None, update_mode=None, timing=None,
    seed=0)``:
    ``parameters``/``displays`` may be classes or instances overriding ``P``/``D``;
    ``update_mode`` 'sync' (values reach the simulation just before the next step) or 'async'
    (at once)."""

    P = Parameters
    D = Displays
    name: str | None = None
    update_mode = "sync"
    timing = Timing()
    pointer_parameter: str | None = None  # a Radio parameter naming the current pointer action
    pointer_actions: dict = {}  # action -> "click" | "drag"

    def __init__(
        self,
        name: str | None = None,
        parameters: type[Parameters] | Parameters | None = None,
        displays: type[Displays] | Displays | None = None,
        update_mode: str | None = None,
        timing: Timing | None = None,
        seed: int = 0,
    ) -> None:
        """Build the parameter and display instances and the generator ``rng``.

        Parameters
        ----------
        name : str or None
            Display name (default: the class's ``name`` or class name).
        parameters, displays : class or instance, optional
            Override ``P`` / ``D``.
        update_mode : str or None
            'sync' or 'async' (default: the class attribute).
        timing : Timing or None
            Cycle timing (default: the class attribute).
        seed : int
            Seed >= 0 used when no ``seed`` parameter is declared.

        Raises
        ------
        TypeError
            If parameters/displays/timing have the wrong type.
        ValueError
            If ``update_mode`` or ``seed`` is invalid.
        """
        self.name = name or type(self).name or type(self).__name__
        P = parameters if parameters is not None else type(self).P
        D = displays if displays is not None else type(self).D
        self.p = P() if isinstance(P, type) else P
        self.d = D() if isinstance(D, type) else D
        if not isinstance(self.p, Parameters) or not isinstance(self.d, Displays):
            raise TypeError(
                "parameters must be a Parameters and displays a Displays (class or instance)"
            )
        mode = update_mode or type(self).update_mode
        if mode not in ("sync", "async"):
            raise ValueError(f"update_mode must be 'sync' or 'async', got {mode!r}")
        self.update_mode = mode
        t = timing if timing is not None else type(self).timing
        if not isinstance(t, Timing):
            raise TypeError(f"timing must be a Timing, got {type(t).__name__}")
        self.timing = t
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed must be an int >= 0, got {seed!r}")
        self._seed = int(seed)
        self.step_count = 0
        self._modified = set()
        self._in_step = False
        self._main_done = False
        self.rng = np.random.default_rng(self._seed)

    # --- hooks -----------------------------------------------------------------------------------
    def main_init(self) -> None:
        """Called once per simulation object (load data, build static structures)."""

    def init(self) -> None:
        """Called before each run (after all values are pushed and ``rng`` is rebuilt)."""

    def bind(self, ui: Any) -> None:
        """Called after ``init()`` with the runner or the live App.

        Parameters
        ----------
        ui : HeadlessRunner or App
            The front end driving this simulation.
        """

    def step(self) -> None:
        """One simulation step (reads ``self.p``, writes ``self.d``)."""

    def on_pointer(
        self,
        action: str,
        kind: str,
        pos: tuple[float, float],
        start: tuple[float, float] | None,
        prev: tuple[float, float] | None,
    ) -> None:
        """Pointer event on a display, in data coordinates.

        Parameters
        ----------
        action : str
            The current pointer action (see ``pointer_actions``).
        kind : str
            'click', 'drag_start', 'drag_move' or 'drag_end'.
        pos : tuple of float
            Current position (data coordinates).
        start, prev : tuple of float or None
            Drag start and previous position.
        """

    def frame(self) -> None:
        """[R] Called by the runner just before each display refresh (once per frame).

        The place for display contents that need not be computed at every step.
        """

    # --- helpers ---------------------------------------------------------------------------------
    @property
    def parameters(self) -> Parameters:
        """The parameter instance ``p``."""
        return self.p

    @property
    def displays(self) -> Displays:
        """The display instance ``d``."""
        return self.d

    @property
    def seed(self) -> int:
        """The ``seed`` parameter when declared, else the constructor's seed."""
        return int(self.p.seed) if "seed" in self.p._specs else self._seed

    def reseed(self) -> None:
        """Rebuild ``rng`` as ``default_rng(SeedSequence(self.seed))``."""
        self.rng = np.random.default_rng(np.random.SeedSequence(self.seed))

    def spawn(self, n: int) -> list:
        """``n`` independent generators from ``SeedSequence(seed).spawn(n)``.

        Parameters
        ----------
        n : int
            Number of streams >= 1.

        Returns
        -------
        list of numpy.random.Generator
            The generators.

        Raises
        ------
        ValueError
            If ``n`` is not an int >= 1.
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be an int >= 1, got {n!r}")
        return [np.random.default_rng(s) for s in np.random.SeedSequence(self.seed).spawn(n)]

    def is_modified(self, name: str) -> bool:
        """True in the first step after ``name`` changed (and in the first step after init).

        Parameters
        ----------
        name : str
            A declared parameter.

        Returns
        -------
        bool
            Whether it changed.

        Raises
        ------
        KeyError
            If ``name`` is not declared.
        """
        self.p.spec(name)
        return name in self._modified

    @classmethod
    def spec(cls) -> SimSpec:
        """The class's :class:`SimSpec` (name, parameter and display specs).

        Returns
        -------
        SimSpec
            ``sim_spec(cls)``.
        """
        return sim_spec(cls)

    @staticmethod
    def from_directives(
        source: str | Path | ModuleType, name: str | None = None
    ) -> Callable[[type], type]:
        """Class decorator: build ``P`` and ``D`` from ``#@IVISIT:`` lines (text, path, module).

        Parameters
        ----------
        source : str, Path or module
            Where the directives are.
        name : str or None
            The simulation block to use (needed when there are several).

        Returns
        -------
        callable
            The decorator; it sets ``P``, ``D`` and ``name`` on the class.

        Raises
        ------
        ValueError
            If no block, several blocks without ``name``, or no block ``name`` is found.
        """
        specs = parse_directives(source)
        if not specs:
            raise ValueError("source holds no #@IVISIT:SIMULATION block")
        if name is None:
            if len(specs) > 1:
                raise ValueError(f"source holds several simulations {list(specs)}; pass name=")
            name = next(iter(specs))
        if name not in specs:
            raise ValueError(f"no simulation {name!r} in source; found {list(specs)}")
        spec = specs[name]

        def deco(cls):
            P = type(f"{cls.__name__}Parameters", (Parameters,), dict(spec.parameters))
            D = type(f"{cls.__name__}Displays", (Displays,), dict(spec.displays))
            cls.P, cls.D, cls.name = P, D, name
            return cls

        return deco


def sim_spec(sim: type[Simulation] | Simulation | SimSpec) -> SimSpec:
    """The :class:`SimSpec` of a simulation class or instance.

    Parameters
    ----------
    sim : Simulation class, instance, or SimSpec
        The simulation (a SimSpec is returned as is).

    Returns
    -------
    SimSpec
        Name, parameter specs and display specs.

    Raises
    ------
    TypeError
        If ``sim`` is none of these.
    """
    if isinstance(sim, Simulation):
        return SimSpec(sim.name, dict(sim.p._specs), dict(sim.d._specs))
    if isinstance(sim, type) and issubclass(sim, Simulation):
        return SimSpec(sim.name or sim.__name__, sim.P.specs(), sim.D.specs())
    if isinstance(sim, SimSpec):
        return sim
    raise TypeError(f"expected a Simulation class or instance, got {type(sim).__name__}")


def replace_timing(timing: Timing, **kw: Any) -> Timing:
    """A copy of ``timing`` with fields ``kw`` replaced.

    Parameters
    ----------
    timing : Timing
        The original.
    **kw
        Fields to replace.

    Returns
    -------
    Timing
        The new timing.
    """
    return dataclasses.replace(timing, **kw)
