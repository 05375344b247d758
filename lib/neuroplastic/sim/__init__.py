"""An interactive simulation framework in the spirit of IVISIT (Knoblauch 2024), re-implemented.

Declare parameters (GUI -> Python) and displays (Python -> GUI) as Python specs or as
``#@IVISIT:`` comment lines, write ``step()``, and run the simulation headlessly
(:class:`HeadlessRunner`), live in Jupyter (:func:`launch`, ipywidgets) or as static figures
(:func:`show_static`). Configurations live in an SQLite :class:`Store`; :func:`search` grades
configurations by grid or random search.

Modules: ``specs`` (widget/display specs), ``params`` (Parameters, Displays), ``directives``
(the ``#@IVISIT:`` grammar, SimSpec), ``simulation`` (Simulation, Timing), ``displays``
(image rendering, scope), ``runner`` (headless runner), ``store`` (SQLite), ``search``,
``ui`` (ipywidgets front end, static fallback), ``lif`` (LIF neurons), ``mlkit`` (numpy
classifiers), ``ivisit_db`` (original IVISIT databases:
:func:`read_ivisit`, :func:`write_ivisit`, ``Store.import_ivisit``/``export_ivisit``), ``ivisit``
(IVISIT's script interface: ``from neuroplastic.sim.ivisit import *`` runs an IVISIT script).
The chapter's example simulations live in the experiments layer,
:mod:`neuroplastic.experiments.simulations`; this package imports nothing above it.
"""

from . import lif, mlkit
from .directives import DirectiveError, SimSpec, parse_directives
from .displays import PointerMap, ScopeBuffer, figure_to_array, pixel_to_data, to_uint8
from .ivisit_db import IVisitDBError, IVisitImport, read_ivisit, write_ivisit
from .lines import count_user_lines
from .params import Displays, Parameters
from .runner import HeadlessRunner
from .search import SearchResult, search, space_from_spec
from .simulation import Simulation, Timing, sim_spec
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
    checkbox_from_str,
    checkbox_to_str,
)
from .store import (
    ConfigExists,
    ConfigNotFound,
    ForeignStoreError,
    Store,
    StoreCorruptError,
    StoreError,
    StoreVersionError,
)
from .ui import App, build_controls, launch, positions_from_layout, show_static

__all__ = [
    "App",
    "Button",
    "Checkbox",
    "Comment",
    "ConfigExists",
    "ConfigNotFound",
    "DictSlider",
    "DirectiveError",
    "Displays",
    "Dropdown",
    "ForeignStoreError",
    "HeadlessRunner",
    "IVisitDBError",
    "IVisitImport",
    "Image",
    "Listed",
    "Parameters",
    "Plot",
    "PointerMap",
    "Radio",
    "Scope",
    "ScopeBuffer",
    "SearchResult",
    "SimSpec",
    "Simulation",
    "Slider",
    "Store",
    "StoreCorruptError",
    "StoreError",
    "StoreVersionError",
    "TextIn",
    "TextOut",
    "Timing",
    "build_controls",
    "checkbox_from_str",
    "checkbox_to_str",
    "count_user_lines",
    "figure_to_array",
    "launch",
    "lif",
    "mlkit",
    "parse_directives",
    "pixel_to_data",
    "positions_from_layout",
    "read_ivisit",
    "search",
    "show_static",
    "sim_spec",
    "space_from_spec",
    "to_uint8",
    "write_ivisit",
]
