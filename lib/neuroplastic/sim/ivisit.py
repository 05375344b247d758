"""Run IVISIT 0.72 simulation scripts on ``neuroplastic.sim`` (headless or in Jupyter).

An IVISIT script declares ``#@IVISIT:`` lines, a parameter class, a data class and a subclass of
``IVisit_Simulation`` with the hooks ``main_init``, ``init``, ``bind``, ``step``, and ends with
``IVisit_main(sim=sim)``. It runs here with one documented line change::

    from ivisit import *                  # IVISIT (Tk GUI)
    from neuroplastic.sim.ivisit import * # the same script on neuroplastic.sim

or with no change at all through :func:`run_script` / :func:`ivisit_imports`, which map the module
names ``ivisit``, ``ivisit.simulation`` and ``ivisit.matplotlib`` to this module while the script
runs (and restore them afterwards, so a real ``ivisit`` installation is untouched).

Semantics kept from IVISIT (``ivisit/simulation.py`` and the cycle in ``ivisit/__init__.py``):

* ``IVisit_Simulation(name_arg, parameters_arg, data_arg, updateMode='sync', flagLock=False)``;
  ``parameters``/``data`` are the classes themselves (values are class attributes), with
  ``get_dict_of_parameters``, ``set_dict_of_parameters``, ``get_dict_of_data``, ``print_state``.
* Values reach the script as IVISIT writes them: sliders int/float, list selections typed,
  radio buttons and text fields str, checkboxes a '0110' string, buttons '1' for exactly one step
  and '0' after it; a list parameter (list index >= 0) is updated in place element by element, a
  dict-slider parameter key by key. In 'sync' mode every parameter is written before every step
  (so a script's own change to a parameter is overwritten, as in IVISIT); in 'async' mode a change
  is written at once.
* One cycle = ``frames_per_step`` x (``simsteps_per_frame`` x step, then the displays read the
  data attributes); IMAGE data are shown as ``np.array(data, dtype=uint8)`` (IVISIT ignores the
  declared range when drawing), TEXT_OUT data as ``str(data)``.
* ``isModified(widgetname)`` is true in the first step after init and after the widget's
  parameter changed; ``flagLock`` serialises hooks with ``sim.lock``.

What differs (and why): ``IVisit_main`` opens our ipywidgets front end, not a Tk window; Tk event
bindings made in ``bind()`` through ``display.bind2Widget`` are recorded but not fired (pointer
input goes through ``Simulation.on_pointer``); ``isModified`` is per parameter, so the widgets of
one list parameter share a flag; ``fname`` (the IVISIT database) is read for its values and timing,
never written (use :meth:`Store.export_ivisit`).
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import os
import runpy
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

from .directives import parse_directives
from .params import Displays, Parameters
from .runner import HeadlessRunner
from .simulation import Simulation, Timing
from .specs import Button, Checkbox, DictSlider, Image, Listed, TextOut, checkbox_to_str

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .store import Store
    from .ui import App

__all__ = [
    "IVisit_Parameters",
    "IVisit_Data",
    "IVisit_Simulation",
    "IVisit_main",
    "IVisitAdapter",
    "getMatplotlibFigure",
    "getMatplotlibImage",
    "run_script",
    "ivisit_imports",
    "last_run",
    "np",
]

HEADLESS_ENV = "NEUROPLASTIC_IVISIT_HEADLESS"
last_run = None  # the runner (headless) or App (Jupyter) of the latest IVisit_main call


class IVisit_Parameters:
    """Example parameter struct (as in IVISIT): values are class attributes."""

    par1 = 1
    par2 = 2.5
    par3 = "flag_on"


class IVisit_Data:
    """Example data struct (as in IVISIT): display contents are class attributes."""

    data1 = np.array([1])
    data2 = np.array([2.2])
    data3 = ["textdata"]
    data4 = np.array([[1, 2], [3, 4]])


def _public(obj):
    return {k: v for k, v in vars(obj).items() if not (k.startswith("__") and k.endswith("__"))}


class IVisit_Simulation:
    """IVISIT's simulation interface (derive your simulation from it and call the constructor).

    ``simsteps_per_frame`` and ``frames_per_step`` (IVISIT keeps them in its database's simulation
    row; here also class/instance attributes, default 1) set the cycle."""

    simsteps_per_frame = 1
    frames_per_step = 1

    def __init__(
        self,
        name_arg: str = "IVisitSimulation1",
        parameters_arg: type = IVisit_Parameters,
        data_arg: type = IVisit_Data,
        updateMode: str = "sync",
        flagLock: bool = False,
    ) -> None:
        """IVISIT's constructor.

        Parameters
        ----------
        name_arg : str
            The simulation's name (its ``#@IVISIT:SIMULATION`` block).
        parameters_arg, data_arg : type
            The parameter and data classes (values are class attributes).
        updateMode : str
            'sync' or 'async'.
        flagLock : bool
            Serialise the hooks with ``self.lock``.

        Raises
        ------
        ValueError
            If ``updateMode`` is neither 'sync' nor 'async'.
        """
        if updateMode not in ("sync", "async"):
            raise ValueError(f"updateMode must be 'sync' or 'async', got {updateMode!r}")
        self.name = name_arg
        self.parameters = parameters_arg
        self.data = data_arg
        self.updateMode = updateMode
        self.parameters_dict = self.get_dict_of_parameters()
        self.parameters_dict_original = self.get_dict_of_parameters(1)
        self.data_dict = self.get_dict_of_data()
        self.display = None
        self.parent = None
        self.lock = threading.Lock()
        self.flagLock = flagLock

    def get_dict_of_parameters(self, flagDeepCopy: int = 0, parameters: type | None = None) -> dict:
        """The public class attributes of the parameter class.

        Parameters
        ----------
        flagDeepCopy : int
            > 0 returns deep copies of the values.
        parameters : type or None
            Another parameter class (default: ``self.parameters``).

        Returns
        -------
        dict
            name -> value.
        """
        d = _public(self.parameters if parameters is None else parameters)
        return {k: copy.deepcopy(v) for k, v in d.items()} if flagDeepCopy > 0 else d

    def get_dict_of_data(self, flagDeepCopy: int = 0, data: type | None = None) -> dict:
        """The public class attributes of the data class.

        Parameters
        ----------
        flagDeepCopy : int
            > 0 returns deep copies of the values.
        data : type or None
            Another data class (default: ``self.data``).

        Returns
        -------
        dict
            name -> content.
        """
        d = _public(self.data if data is None else data)
        return {k: copy.deepcopy(v) for k, v in d.items()} if flagDeepCopy > 0 else d

    def set_dict_of_parameters(self, pars_dict: dict | None = None) -> None:
        """Write name -> value into the parameter class (default: ``parameters_dict``).

        Parameters
        ----------
        pars_dict : dict or None
            The values to set.
        """
        if pars_dict is None:
            pars_dict = self.parameters_dict
        self.parameters_dict = pars_dict
        for k, v in pars_dict.items():
            setattr(self.parameters, k, v)

    def print_parameters(self, pars: type | None = None, indent: str = "") -> None:
        """Print every parameter as ``Parameter 'name': value``.

        Parameters
        ----------
        pars : type or None
            Parameter class (default: ``self.parameters``).
        indent : str
            Line prefix.
        """
        for k, v in _public(self.parameters if pars is None else pars).items():
            print(f"{indent}Parameter '{k}': {v}")

    def print_data(self, data: type | None = None, indent: str = "") -> None:
        """Print every data field as ``Data field 'name': value``.

        Parameters
        ----------
        data : type or None
            Data class (default: ``self.data``).
        indent : str
            Line prefix.
        """
        for k, v in _public(self.data if data is None else data).items():
            print(f"{indent}Data field '{k}': {v}")

    def print_state(self) -> None:
        """Print the name, the parameters and the data."""
        print(f"IVisit_Simulation {self.name}:")
        self.print_parameters(indent="      ")
        self.print_data(indent="      ")

    def isModified(self, widgetname: str) -> int:
        """1 in the first step after init and after the widget's parameter changed, else 0.

        Parameters
        ----------
        widgetname : str
            The widget's label.

        Returns
        -------
        int
            0 or 1 (0 before a display is bound).
        """
        if self.display is None:
            return 0
        return self.display.getFlagModified(widgetname)

    def main_init(self, parent: Any = None) -> None:
        """IVISIT hook, once per simulation object; stores ``parent``.

        Parameters
        ----------
        parent : Any
            The adapter (IVISIT passes its application).
        """
        self.parent = parent

    def init(self) -> None:
        """IVISIT hook, before each run."""
        pass

    def bind(self, parent: Any = None, display: Any = None) -> None:
        """IVISIT hook after init.

        Parameters
        ----------
        parent : Any
            The runner or App.
        display : Any
            The display facade (``getFlagModified``, ``bind2Widget``).
        """
        pass

    def step(self) -> None:
        """IVISIT hook: one simulation step."""
        pass


# ------------------------------------------------------------------------------------------------
# matplotlib helpers (ivisit.matplotlib)
# ------------------------------------------------------------------------------------------------
def getMatplotlibFigure(**kwargs: Any) -> Figure:
    """A Matplotlib Figure (Agg, no pyplot), as ``ivisit.matplotlib.getMatplotlibFigure``.

    Parameters
    ----------
    **kwargs
        ``matplotlib.figure.Figure`` keywords (figsize in inches, dpi ...).

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def getMatplotlibImage(fig: Figure) -> np.ndarray:
    """The figure drawn with Agg as an RGB ``uint8[H, W, 3]`` array (IVISIT's contract).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.

    Returns
    -------
    numpy.ndarray
        ``uint8[H, W, 3]``, H, W = figsize (inches) * dpi.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[:, :, :3].copy()


# ------------------------------------------------------------------------------------------------
# the adapter: an IVisit_Simulation seen as a neuroplastic Simulation
# ------------------------------------------------------------------------------------------------
class _WriteThrough(dict):
    """Parameter values that are written to the IVISIT object whenever they change (async mode)."""

    def __init__(self, data, hook):
        super().__init__(data)
        self._hook = hook

    def __setitem__(self, k, v):
        super().__setitem__(k, v)
        self._hook(k, v)

    def __deepcopy__(self, memo):
        return copy.deepcopy(dict(self), memo)


class _Display:
    """The ``display`` object an IVISIT script sees in ``bind``/``isModified``."""

    def __init__(self, adapter):
        self.adapter = adapter
        self.bindings = []  # (widgetname, event, function, obj): recorded, not fired

    def getFlagModified(self, widgetname=None):
        a = self.adapter
        if widgetname is None:
            return int(bool(a._modified))
        pname = a.widget_to_parameter.get(widgetname)
        if pname is None:
            return 0  # IVISIT: an unknown widget is not modified
        return int(pname in a._modified)

    def bind2Widget(self, widgetname, eventType, function2call, obj=None):
        self.bindings.append((widgetname, eventType, function2call, obj))
        return None


def _source_file(ivsim):
    mod = sys.modules.get(type(ivsim).__module__)
    f = getattr(mod, "__file__", None)
    if f is None:
        main = sys.modules.get("__main__")
        f = getattr(main, "__file__", None)
    if f is None:
        raise ValueError(
            "cannot find the script of this simulation; pass source= (the file with the "
            "#@IVISIT: lines)"
        )
    return Path(f)


class IVisitAdapter(Simulation):
    """An :class:`IVisit_Simulation` run by our runner and front end (see module doc).

    ``source``: the file (or text) with the ``#@IVISIT:`` lines (default: the script that defines
    the simulation's class); the block named ``ivsim.name`` is used (or the only block)."""

    def __init__(
        self, ivsim: IVisit_Simulation, source: str | Path | None = None, seed: int = 0
    ) -> None:
        """Build our specs from the script's directives and wrap ``ivsim``.

        Parameters
        ----------
        ivsim : IVisit_Simulation
            The script's simulation object.
        source : str, Path or None
            File or text with the ``#@IVISIT:`` lines (default: the defining script).
        seed : int
            Seed of our ``rng``.

        Raises
        ------
        TypeError
            If ``ivsim`` is not an IVisit_Simulation.
        ValueError
            If the source holds no (matching) simulation block.
        """
        if not isinstance(ivsim, IVisit_Simulation) and not hasattr(ivsim, "parameters"):
            raise TypeError(f"ivsim must be an IVisit_Simulation, got {type(ivsim).__name__}")
        src = source if source is not None else _source_file(ivsim)
        specs = parse_directives(src)
        if not specs:
            raise ValueError(f"source {src!s} holds no #@IVISIT:SIMULATION block")
        name = (
            ivsim.name if ivsim.name in specs else (next(iter(specs)) if len(specs) == 1 else None)
        )
        if name is None:
            raise ValueError(
                f"simulation name {ivsim.name!r} is none of the blocks {list(specs)} in {src!s}"
            )
        spec = specs[name]
        P = type(f"{type(ivsim).__name__}Parameters", (Parameters,), dict(spec.parameters))
        D = type(f"{type(ivsim).__name__}Displays", (Displays,), dict(spec.displays))
        self.ivsim = ivsim
        self.spec_ = spec
        timing = Timing(
            int(getattr(ivsim, "simsteps_per_frame", 1)), int(getattr(ivsim, "frames_per_step", 1))
        )
        super().__init__(
            name=name,
            parameters=P,
            displays=D,
            update_mode=ivsim.updateMode,
            timing=timing,
            seed=seed,
        )
        self.widget_to_parameter = {}
        for pname, s in spec.parameters.items():
            subs = s.items if isinstance(s, Listed) else (s,)
            for ss in subs:
                self.widget_to_parameter[ss.label or pname] = pname
        self.display_facade = _Display(self)
        ivsim.display = self.display_facade
        object.__setattr__(self.p, "_values", _WriteThrough(self.p._values, self._write_through))

    # --- values -> the IVISIT object ------------------------------------------------------------
    def _write_through(self, name, value):
        if self.update_mode == "async":
            self._write(name, value)

    def _write(self, name, value):
        s = self.p._specs[name]
        target = self.ivsim.parameters
        if isinstance(s, Listed):
            cur = getattr(target, name, None)
            if not isinstance(cur, list) or len(cur) < len(s.items):
                raise TypeError(
                    f"parameter {name!r} has list-index widgets, so the script's {name} must "
                    f"be a list "
                    f"of >= {len(s.items)} elements (IVISIT writes into it), got {cur!r}"
                )
            for i, v in enumerate(value):
                cur[i] = v
        elif isinstance(s, DictSlider):
            cur = getattr(target, name, None)
            if not isinstance(cur, dict):
                raise TypeError(
                    f"parameter {name!r} is a dict slider, so the script's {name} must be a dict, "
                    f"got {cur!r}"
                )
            cur.update(value)
        elif isinstance(s, Checkbox):
            setattr(target, name, checkbox_to_str(value))
        elif isinstance(s, Button):
            setattr(target, name, "1" if value else "0")
        else:
            setattr(target, name, value)

    def _write_all(self):
        for k, v in self.p._values.items():
            self._write(k, v)

    def _hook(self, fn, *args):
        iv = self.ivsim
        if iv.flagLock:
            with iv.lock:
                return fn(*args)
        return fn(*args)

    # --- hooks ------------------------------------------------------------------------------------
    def main_init(self) -> None:
        """Call the script's ``main_init`` (with ``self`` as parent when it takes one)."""
        fn = self.ivsim.main_init
        try:
            takes_parent = len(inspect.signature(fn).parameters) >= 1
        except (TypeError, ValueError):
            takes_parent = True
        self._hook(fn, self) if takes_parent else self._hook(fn)

    def init(self) -> None:
        """Write every parameter to the script, then call its ``init``."""
        self._write_all()
        self._hook(self.ivsim.init)

    def bind(self, ui: Any) -> None:
        """Call the script's ``bind(ui, display)``.

        Parameters
        ----------
        ui : HeadlessRunner or App
            The front end.
        """
        self._hook(self.ivsim.bind, ui, self.display_facade)

    def step(self) -> None:
        """Write parameters (sync mode), call the script's ``step``, reset buttons to '0'."""
        if self.update_mode == "sync":
            self._write_all()
        self._hook(self.ivsim.step)
        # IVISIT resets buttons to '0' after every step (the runner resets our value too)
        for k, s in self.p._specs.items():
            if isinstance(s, Button):
                setattr(self.ivsim.parameters, k, "0")

    def frame(self) -> None:
        """Copy the script's data attributes into our displays (IMAGE as uint8, TEXT_OUT as str)."""
        data = self.ivsim.data
        for name, s in self.d._specs.items():
            if isinstance(s, Image):
                if not hasattr(data, name):
                    raise AttributeError(
                        f"IMAGE {s.label!r} shows data {name!r}, which the data class "
                        f"{getattr(data, '__name__', data)!r} lacks"
                    )
                v = getattr(data, name)
                a = np.asarray(v)
                with np.errstate(all="ignore"):
                    self.d._values[name] = None if a.ndim < 2 else np.array(a, dtype=np.uint8)
            elif isinstance(s, TextOut):
                self.d._values[name] = str(getattr(data, name)) if hasattr(data, name) else ""


# ------------------------------------------------------------------------------------------------
# the main program
# ------------------------------------------------------------------------------------------------
def _in_kernel():
    try:
        from IPython import get_ipython

        ip = get_ipython()
        return ip is not None and "IPKernelApp" in ip.config
    except Exception:
        return False


def IVisit_main(
    fname: str | os.PathLike | None = None,
    sim: IVisit_Simulation | None = None,
    debuglevel: int = 0,
    str_app_name: str | None = None,
    str_app_help: str | None = None,
    str_app_about: str | None = None,
    *,
    headless: bool | None = None,
    steps: int | None = None,
    source: str | Path | None = None,
    store: Store | None = None,
) -> HeadlessRunner | App:
    """Start a simulation as IVISIT's ``IVisit_main`` does, on our front end.

    Headless when ``headless=True``, when the environment variable ``NEUROPLASTIC_IVISIT_HEADLESS``
    is set (its value = the number of cycles, default 1), or outside a Jupyter kernel: then the
    simulation is initialised and run for ``steps`` cycles (default from the variable, else 1) by a
    recording :class:`HeadlessRunner`, which is returned. In a kernel the ipywidgets App is
    displayed and returned, its widgets at the database's positions when it has some. The result
    is also kept in ``neuroplastic.sim.ivisit.last_run``.

    Parameters
    ----------
    fname : str, PathLike or None
        An IVISIT database whose values and timing for this simulation are loaded first (as
        IVISIT loads its database); when None, a first command-line argument ending in ``.db`` is
        used, as IVISIT takes ``sys.argv[1]``.
    sim : IVisit_Simulation or None
        The simulation (default: IVISIT's example).
    debuglevel, str_app_name, str_app_help, str_app_about
        IVISIT's arguments (accepted for compatibility).
    headless : bool or None
        Force headless (True) or decide as above (None).
    steps : int or None
        Headless cycles.
    source : str, Path or None
        Where the directives are (default: the script).
    store : Store or None
        Configuration store of the runner / App.

    Returns
    -------
    HeadlessRunner or App
        The headless runner after ``steps`` cycles, or the live App.
    """
    global last_run
    if sim is None:
        sim = IVisit_Simulation()
    adapter = IVisitAdapter(sim, source=source)
    if fname is None and len(sys.argv) > 1 and str(sys.argv[1]).endswith(".db"):
        fname = sys.argv[1]
    positions = None
    if fname is not None:
        if not Path(fname).is_file():
            raise FileNotFoundError(
                f"fname: no IVISIT database {str(fname)!r} (IVISIT would create it with its "
                f"parser; write one with neuroplastic.sim.ivisit_db.ivisit_parser_db)"
            )
        from .ivisit_db import read_ivisit
        from .ui import positions_from_layout

        imp = read_ivisit(fname)
        if adapter.name not in imp.specs:
            raise ValueError(
                f"fname: the IVISIT database {str(fname)!r} has no simulation {adapter.name!r}; "
                f"it has {list(imp.specs)}"
            )
        for k, v in imp.values[adapter.name].items():
            if k in adapter.p._specs:
                adapter.p.set(k, v)
        adapter.timing = imp.timing[adapter.name]
        positions = positions_from_layout(imp.layout[adapter.name])
    env = os.environ.get(HEADLESS_ENV)
    if headless is None:
        headless = env is not None or not _in_kernel()
    if headless:
        n = steps if steps is not None else (int(env) if env not in (None, "") else 1)
        runner = HeadlessRunner(adapter, store=store, record=True)
        runner.init()
        if n:
            runner.cycle(n)
        last_run = runner
        return runner
    from .ui import launch

    app = launch(adapter, store=store, positions=positions)
    try:
        from IPython.display import display

        display(app)
    except ImportError:  # pragma: no cover
        pass
    last_run = app
    return app


# ------------------------------------------------------------------------------------------------
# running unchanged scripts
# ------------------------------------------------------------------------------------------------
_ALIASES = ("ivisit", "ivisit.simulation", "ivisit.matplotlib")


@contextlib.contextmanager
def ivisit_imports() -> Iterator[ModuleType]:
    """Context manager: ``import ivisit`` (and ``.simulation``, ``.matplotlib``) give this module.

    Previous entries of ``sys.modules`` are restored afterwards.

    Yields
    ------
    module
        ``neuroplastic.sim.ivisit``.
    """
    me = sys.modules[__name__]
    saved = {k: sys.modules.get(k) for k in _ALIASES}
    try:
        for k in _ALIASES:
            sys.modules[k] = me
        yield me
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v


def run_script(
    path: str | os.PathLike, steps: int = 1, headless: bool = True, argv: Iterable[Any] = ()
) -> HeadlessRunner | App:
    """Run an unchanged IVISIT script as ``python path *argv`` would.

    The script ends with ``if __name__ == '__main__': IVisit_main(sim=sim)``; ``argv=[db]`` opens
    an IVISIT database, as IVISIT's command line does.

    Parameters
    ----------
    path : str or PathLike
        The script.
    steps : int
        Headless cycles >= 0.
    headless : bool
        Run headlessly (sets ``NEUROPLASTIC_IVISIT_HEADLESS`` while the script runs).
    argv : iterable
        Command-line arguments after the script name.

    Returns
    -------
    HeadlessRunner or App
        What the script's ``IVisit_main`` returned (headless: the runner after ``steps`` cycles).

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a file.
    ValueError
        If ``steps`` is not an int >= 0.
    RuntimeError
        If the script did not call ``IVisit_main``.
    """
    global last_run
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"path: no such script {str(path)!r}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps must be an int >= 0, got {steps!r}")
    last_run = None
    old = os.environ.get(HEADLESS_ENV)
    old_argv = sys.argv
    try:
        sys.argv = [str(path)] + [str(a) for a in argv]
        if headless:
            os.environ[HEADLESS_ENV] = str(steps)
        with ivisit_imports():
            runpy.run_path(str(path), run_name="__main__")
    finally:
        sys.argv = old_argv
        if old is None:
            os.environ.pop(HEADLESS_ENV, None)
        else:
            os.environ[HEADLESS_ENV] = old
    if last_run is None:
        raise RuntimeError(f"{path} did not call IVisit_main(sim=...) when run as __main__")
    return last_run
