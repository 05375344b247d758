"""Widget and display specifications (the declarations of a simulation).

A *parameter spec* declares one control (GUI -> Python) and validates values; a *display spec*
declares one output (Python -> GUI).  Specs are frozen dataclasses, so two declarations compare
equal when every field is equal; ``label`` and ``size`` are normalised at construction (``label``
falls back to the parameter name when the spec is bound to a name, see :func:`bind_name`).

Validation never clips: ``spec.validate(name, value)`` returns the normalised value or raises
``ValueError`` naming the parameter and its accepted range.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ParamSpec",
    "DisplaySpec",
    "Slider",
    "DictSlider",
    "Dropdown",
    "Checkbox",
    "Radio",
    "Button",
    "TextIn",
    "Listed",
    "Image",
    "TextOut",
    "Plot",
    "Scope",
    "Comment",
    "bind_name",
    "checkbox_to_str",
    "checkbox_from_str",
    "spec_from_dict",
]

_DTYPES = {int: "int", float: "float", "int": "int", "float": "float"}


def _dtype(value, what="dtype"):
    try:
        return _DTYPES[value]
    except (KeyError, TypeError):
        raise ValueError(f"{what} must be int or float (or 'int'/'float'), got {value!r}") from None


def _num(x, what):
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"{what} must be a number, got {x!r}")
    if not math.isfinite(x):
        raise ValueError(f"{what} must be finite, got {x!r}")
    return x


class ParamSpec:
    """Base class of parameter (control) specs."""

    kind = "param"

    def validate(self, name: str, value: Any) -> Any:  # pragma: no cover - abstract
        """Validate and normalise a value of this control (abstract).

        Parameters
        ----------
        name : str
            The parameter's name (used in error messages).
        value : Any
            The proposed value.

        Returns
        -------
        Any
            The normalised value.

        Raises
        ------
        NotImplementedError
            Always, in the base class.
        """
        raise NotImplementedError

    def default_value(self) -> Any:
        """The control's initial value.

        Returns
        -------
        Any
            ``self.default``.
        """
        return self.default

    def to_dict(self) -> dict:
        """The spec as a JSON-able dict (inverse: :func:`spec_from_dict`).

        Returns
        -------
        dict
            ``{"kind": kind, field: value, ...}``; callables (a Plot's ``draw``) become None.
        """
        d = {"kind": self.kind}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if callable(v) and not isinstance(v, type):
                v = None
            d[f.name] = _jsonable(v)
        return d


class DisplaySpec(ParamSpec):
    """Base class of display specs (outputs)."""

    kind = "display"


def _jsonable(v):
    if isinstance(v, ParamSpec):
        return v.to_dict()
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    return v


# --------------------------------------------------------------------------------------------
# Controls
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Slider(ParamSpec):
    """A numeric slider on [min, max] with resolution ``step``.

    ``dtype`` int or float; ``ticks`` number of tick labels (IVISIT's nticks, default 5);
    ``log=True`` makes a logarithmic slider (min > 0; values are not snapped to ``step``).
    Defaults: ``step`` = 1 for int, (max - min)/100 for float; ``default`` = min.
    """

    min: float
    max: float
    step: float | None = None
    default: float | None = None
    ticks: int | None = None
    log: bool = False
    dtype: Any = float
    label: str | None = None
    size: tuple = (200, 1)
    kind = "slider"

    def __post_init__(self):
        s = object.__setattr__
        dt = _dtype(self.dtype)
        s(self, "dtype", dt)
        _num(self.min, "Slider min")
        _num(self.max, "Slider max")
        if not self.min < self.max:
            raise ValueError(f"Slider needs min < max, got min={self.min!r}, max={self.max!r}")
        if self.log and self.min <= 0:
            raise ValueError(f"log Slider needs min > 0, got min={self.min!r}")
        step = (
            self.step
            if self.step is not None
            else (1 if dt == "int" else (self.max - self.min) / 100)
        )
        _num(step, "Slider step")
        if step <= 0:
            raise ValueError(f"Slider step must be > 0, got {step!r}")
        if dt == "int":
            for nm in ("min", "max"):
                v = getattr(self, nm)
                if float(v) != int(v):
                    raise ValueError(f"int Slider {nm} must be an integer, got {v!r}")
                s(self, nm, int(v))
            if float(step) != int(step):
                raise ValueError(f"int Slider step must be an integer, got {step!r}")
            step = int(step)
        else:
            s(self, "min", float(self.min))
            s(self, "max", float(self.max))
            step = float(step)
        s(self, "step", step)
        ticks = 5 if self.ticks is None else self.ticks
        if isinstance(ticks, bool) or not isinstance(ticks, int) or ticks < 0:
            raise ValueError(f"Slider ticks must be an int >= 0, got {ticks!r}")
        s(self, "ticks", ticks)
        s(self, "size", tuple(self.size))
        default = self.min if self.default is None else self.default
        s(self, "default", self._check("default", default))

    def _check(self, name, value):
        import numpy as np

        if isinstance(value, np.generic) and not isinstance(value, np.bool_):
            value = value.item()
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(
                f"parameter {name!r} takes a number in [{self.min}, {self.max}], got {value!r}"
            )
        if not math.isfinite(value) or not (self.min <= value <= self.max):
            raise ValueError(
                f"parameter {name!r} must lie in [{self.min}, {self.max}], got {value!r}"
            )
        if self.dtype == "int":
            if float(value) != int(value):
                raise ValueError(
                    f"parameter {name!r} takes an integer in [{self.min}, {self.max}], "
                    f"got {value!r}"
                )
            return int(value)
        return float(value)

    def validate(self, name: str, value: Any) -> Any:
        """Check that min <= value <= max (an integer for int sliders).

        Parameters
        ----------
        name : str
            The parameter's name (used in error messages).
        value : Any
            The proposed value.

        Returns
        -------
        int or float
            The value cast to ``dtype``.

        Raises
        ------
        TypeError
            If the value is not a number.
        ValueError
            If it lies outside [min, max] or is not integral for an int slider.
        """
        return self._check(name, value)

    def grid(self, points: int | None = None) -> list:
        """The slider's value grid: every step, or ``points`` values evenly spaced (snapped).

        Linear: v_i = min + (max - min) i/(points - 1), snapped to min + k step; log sliders:
        v_i = min (max/min)^(i/(points - 1)). Values are clipped to [min, max] and deduplicated.

        Parameters
        ----------
        points : int or None
            Number of grid points (None = every step).

        Returns
        -------
        list
            The grid values (int or float), ascending.
        """
        n_steps = int(round((self.max - self.min) / self.step)) + 1
        if points is None or (self.dtype == "int" and n_steps <= points):
            vals = [self.min + i * self.step for i in range(n_steps)]
        else:
            if self.log:
                vals = [
                    self.min * (self.max / self.min) ** (i / (points - 1)) for i in range(points)
                ]
            else:
                vals = [self.min + (self.max - self.min) * i / (points - 1) for i in range(points)]
                vals = [self.min + round((v - self.min) / self.step) * self.step for v in vals]
        vals = [min(max(v, self.min), self.max) for v in vals]
        if self.dtype == "int":
            vals = [int(round(v)) for v in vals]
        else:
            vals = [float(round(v, 12)) for v in vals]
        return list(dict.fromkeys(vals))


@dataclass(frozen=True)
class DictSlider(ParamSpec):
    """Several sliders behind one selector; the value is a dict key -> number.

    ``items`` maps each key to a :class:`Slider`; ``selected`` the index of the initially shown
    item; ``mode`` 0 (selector + slider), 1 (same, compact) or 2 (+ a text box with the dict).
    """

    items: dict
    selected: int = 0
    mode: int = 0
    label: str | None = None
    size: tuple = (200, 20, -1, 10)
    kind = "dict_slider"

    def __post_init__(self):
        if not isinstance(self.items, dict) or not self.items:
            raise ValueError("DictSlider items must be a non-empty dict key -> Slider")
        for k, v in self.items.items():
            if not isinstance(k, str) or not isinstance(v, Slider):
                raise TypeError(f"DictSlider item {k!r} must map a str key to a Slider, got {v!r}")
        if self.mode not in (0, 1, 2):
            raise ValueError(f"DictSlider mode must be 0, 1 or 2, got {self.mode!r}")
        sel = self.selected
        if isinstance(sel, str):
            if sel not in self.items:
                raise ValueError(f"DictSlider selected {sel!r} is not one of {list(self.items)}")
            sel = list(self.items).index(sel)
        if isinstance(sel, bool) or not isinstance(sel, int) or not 0 <= sel < len(self.items):
            raise ValueError(
                f"DictSlider selected must be an index in [0, {len(self.items) - 1}], got {sel!r}"
            )
        object.__setattr__(self, "selected", sel)
        object.__setattr__(self, "size", tuple(self.size))

    def __hash__(self):
        return hash((tuple(self.items.items()), self.selected, self.mode, self.label, self.size))

    def default_value(self) -> dict:
        """The initial dict key -> each item's default.

        Returns
        -------
        dict
            key -> the default of that item's Slider.
        """
        return {k: v.default for k, v in self.items.items()}

    @property
    def default(self) -> dict:
        """The initial dict key -> each item's default (as :meth:`default_value`)."""
        return self.default_value()

    def validate(self, name: str, value: Any, *, partial_base: dict | None = None) -> dict:
        """Validate a dict key -> number; every key must be present (after ``partial_base``).

        Parameters
        ----------
        name : str
            The parameter's name.
        value : Any
            A dict key -> number (a partial dict when ``partial_base`` is given).
        partial_base : dict or None
            Values that ``value`` updates.

        Returns
        -------
        dict
            key -> validated number, in the order of ``items``.

        Raises
        ------
        TypeError
            If ``value`` is not a dict.
        ValueError
            If a key is unknown or missing, or a number is out of range.
        """
        if not isinstance(value, dict):
            raise TypeError(
                f"parameter {name!r} takes a dict with keys {list(self.items)}, got {value!r}"
            )
        out = dict(partial_base) if partial_base is not None else {}
        for k, v in value.items():
            if k not in self.items:
                raise ValueError(
                    f"parameter {name!r} has no key {k!r}; keys are {list(self.items)}"
                )
            out[k] = self.items[k].validate(f"{name}.{k}", v)
        missing = [k for k in self.items if k not in out]
        if missing:
            raise ValueError(f"parameter {name!r} is missing keys {missing}")
        return {k: out[k] for k in self.items}


@dataclass(frozen=True)
class Dropdown(ParamSpec):
    """One option out of ``options`` (IVISIT LISTSEL). ``dtype`` 'text', 'int' or 'float'."""

    options: tuple
    default: Any = None
    dtype: str = "text"
    label: str | None = None
    size: tuple = (200, 1)
    kind = "dropdown"

    def __post_init__(self):
        _check_options(self, "Dropdown")
        if self.dtype not in ("text", "int", "float"):
            raise ValueError(f"Dropdown dtype must be 'text', 'int' or 'float', got {self.dtype!r}")
        object.__setattr__(self, "size", tuple(self.size))

    def validate(self, name: str, value: Any) -> Any:
        """Check that the value is one of ``options`` (bool/str types must match).

        Parameters
        ----------
        name : str
            The parameter's name (used in error messages).
        value : Any
            The proposed value.

        Returns
        -------
        Any
            The matching option.

        Raises
        ------
        ValueError
            If the value is out of range (never clipped).
        """
        return _check_option(self, name, value)


@dataclass(frozen=True)
class Radio(ParamSpec):
    """One option out of ``options`` shown as radio buttons (IVISIT RADIOBUTTON)."""

    options: tuple
    default: Any = None
    label: str | None = None
    kind = "radio"

    def __post_init__(self):
        _check_options(self, "Radio")

    def validate(self, name: str, value: Any) -> Any:
        """Check that the value is one of ``options`` (bool/str types must match).

        Parameters
        ----------
        name : str
            The parameter's name (used in error messages).
        value : Any
            The proposed value.

        Returns
        -------
        Any
            The matching option.

        Raises
        ------
        ValueError
            If the value is out of range (never clipped).
        """
        return _check_option(self, name, value)


def _check_options(spec, what):
    opts = tuple(spec.options)
    if not opts:
        raise ValueError(f"{what} options must be a non-empty list")
    if len(set(opts)) != len(opts):
        raise ValueError(f"{what} options must be unique, got {list(opts)}")
    object.__setattr__(spec, "options", opts)
    default = opts[0] if spec.default is None else spec.default
    if default not in opts:
        raise ValueError(f"{what} default {default!r} is not one of the options {list(opts)}")
    object.__setattr__(spec, "default", default)


def _check_option(spec, name, value):
    for o in spec.options:
        if (
            o == value
            and isinstance(o, bool) == isinstance(value, bool)
            and isinstance(o, str) == isinstance(value, str)
        ):
            return o
    raise ValueError(f"parameter {name!r} must be one of {list(spec.options)}, got {value!r}")


def checkbox_to_str(value: Iterable[bool]) -> str:
    """Tuple of bools -> IVISIT's '0110' string (used only at the directive/import boundary).

    Parameters
    ----------
    value : Iterable[bool]
        One flag per option.

    Returns
    -------
    str
        '1' for each true flag, '0' otherwise.
    """
    return "".join("1" if v else "0" for v in value)


def checkbox_from_str(text: str) -> tuple[bool, ...]:
    """IVISIT's '0110' string -> tuple of bools.

    Parameters
    ----------
    text : str
        A non-empty string of '0'/'1'.

    Returns
    -------
    tuple of bool
        True for each '1'.

    Raises
    ------
    ValueError
        If ``text`` is empty or holds another character.
    """
    if not isinstance(text, str) or not text or set(text) - {"0", "1"}:
        raise ValueError(f"checkbox string must consist of '0'/'1', got {text!r}")
    return tuple(c == "1" for c in text)


@dataclass(frozen=True)
class Checkbox(ParamSpec):
    """Independent on/off options; the value is a tuple of bools, one per option."""

    options: tuple
    default: tuple | str | None = None
    label: str | None = None
    kind = "checkbox"

    def __post_init__(self):
        opts = tuple(self.options)
        if not opts or len(set(opts)) != len(opts):
            raise ValueError(f"Checkbox options must be non-empty and unique, got {list(opts)}")
        object.__setattr__(self, "options", opts)
        d = (False,) * len(opts) if self.default is None else self.default
        object.__setattr__(self, "default", self.validate("default", d))

    def validate(self, name: str, value: Any) -> Any:
        """Check one bool per option (a '0110' string is accepted too).

        Parameters
        ----------
        name : str
            The parameter's name (used in error messages).
        value : Any
            The proposed value.

        Returns
        -------
        tuple of bool
            One flag per option.

        Raises
        ------
        TypeError
            If the value is not iterable.
        ValueError
            If the length or an element is wrong.
        """
        if isinstance(value, str):
            value = checkbox_from_str(value)
        try:
            value = tuple(value)
        except TypeError:
            raise TypeError(
                f"parameter {name!r} takes {len(self.options)} bools, got {value!r}"
            ) from None
        if len(value) != len(self.options) or not all(
            isinstance(v, (bool, int)) and v in (0, 1) for v in value
        ):
            raise ValueError(
                f"parameter {name!r} takes {len(self.options)} bools for {list(self.options)}, "
                f"got {value!r}"
            )
        return tuple(bool(v) for v in value)

    def selected(self, value: Iterable[bool]) -> list:
        """The options that are switched on.

        Parameters
        ----------
        value : Iterable[bool]
            One flag per option.

        Returns
        -------
        list
            The options whose flag is true, in order.
        """
        return [o for o, v in zip(self.options, value) if v]


@dataclass(frozen=True)
class Button(ParamSpec):
    """A one-shot button: its parameter is True for exactly one step after a press."""

    label: str | None = None
    text: str = "Press"
    caption: str | None = None
    kind = "button"
    default = False

    def validate(self, name: str, value: Any) -> Any:
        """Check a press flag (True/False or 1/0).

        Parameters
        ----------
        name : str
            The parameter's name (used in error messages).
        value : Any
            The proposed value.

        Returns
        -------
        bool
            The flag.

        Raises
        ------
        ValueError
            If the value is out of range (never clipped).
        """
        if not isinstance(value, (bool, int)) or value not in (0, 1):
            raise ValueError(f"parameter {name!r} (button) takes True/False, got {value!r}")
        return bool(value)

    def default_value(self) -> bool:
        """A button starts unpressed.

        Returns
        -------
        bool
            False.
        """
        return False


@dataclass(frozen=True)
class TextIn(ParamSpec):
    """A text box (value: str) with ``rows`` x ``cols`` characters; set with a Set button."""

    default: str = ""
    rows: int = 1
    cols: int = 40
    label: str | None = None
    kind = "text_in"

    def __post_init__(self):
        if not isinstance(self.default, str):
            raise TypeError(f"TextIn default must be a str, got {self.default!r}")
        for nm in ("rows", "cols"):
            v = getattr(self, nm)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"TextIn {nm} must be an int >= 1, got {v!r}")

    def validate(self, name: str, value: Any) -> Any:
        """Check that the value is a str.

        Parameters
        ----------
        name : str
            The parameter's name (used in error messages).
        value : Any
            The proposed value.

        Returns
        -------
        str
            The value.

        Raises
        ------
        TypeError
            If the value is not a str.
        """
        if not isinstance(value, str):
            raise TypeError(f"parameter {name!r} takes a str, got {value!r}")
        return value


@dataclass(frozen=True)
class Listed(ParamSpec):
    """A list parameter whose elements are controlled by separate widgets (IVISIT list index >=
    0)."""

    items: tuple
    kind = "listed"

    def __post_init__(self):
        items = tuple(self.items)
        if not items or not all(isinstance(s, (Slider, Dropdown, TextIn)) for s in items):
            raise ValueError(
                "Listed items must be a non-empty list of Slider/Dropdown/TextIn specs"
            )
        object.__setattr__(self, "items", items)

    @property
    def default(self) -> tuple:
        """The items' defaults, one per item."""
        return tuple(s.default for s in self.items)

    def default_value(self) -> tuple:
        """The items' defaults.

        Returns
        -------
        tuple
            One default per item.
        """
        return self.default

    def validate(self, name: str, value: Any) -> Any:
        """Validate one value per item, each by its own spec.

        Parameters
        ----------
        name : str
            The parameter's name (used in error messages).
        value : Any
            The proposed value.

        Returns
        -------
        tuple
            The validated values.

        Raises
        ------
        TypeError
            If the value is not iterable.
        ValueError
            If the length is wrong or an element is invalid.
        """
        try:
            value = tuple(value)
        except TypeError:
            raise TypeError(
                f"parameter {name!r} takes a list of {len(self.items)} values"
            ) from None
        if len(value) != len(self.items):
            raise ValueError(f"parameter {name!r} takes {len(self.items)} values, got {len(value)}")
        return tuple(
            s.validate(f"{name}[{i}]", v) for i, (s, v) in enumerate(zip(self.items, value))
        )


# --------------------------------------------------------------------------------------------
# Displays
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Image(DisplaySpec):
    """An image display. Content: uint8 (as is), float (mapped linearly from ``range`` = [lo, hi]
    to 0..255, clipped), bool (0/255), gray [H, W] or RGB [H, W, 3], or a Matplotlib Figure
    (rendered with Agg). ``scale`` zooms the shown image; ``dtype`` is IVISIT's int/float/binary."""

    scale: float = 1.0
    range: tuple | None = None
    dtype: str = "int"
    label: str | None = None
    kind = "image"

    def __post_init__(self):
        _num(self.scale, "Image scale")
        if self.scale <= 0:
            raise ValueError(f"Image scale must be > 0, got {self.scale!r}")
        if self.range is not None:
            r = tuple(self.range)
            if len(r) != 2 or not r[0] < r[1]:
                raise ValueError(f"Image range must be [lo, hi] with lo < hi, got {self.range!r}")
            object.__setattr__(self, "range", r)
        if self.dtype not in ("int", "float", "binary"):
            raise ValueError(f"Image dtype must be 'int', 'float' or 'binary', got {self.dtype!r}")

    default = None

    def validate(self, name: str, value: Any) -> Any:
        """Accept any content for a Image display unchanged.

        Parameters
        ----------
        name : str
            The display's name.
        value : Any
            The content.

        Returns
        -------
        Any
            ``value`` itself.
        """
        return value


@dataclass(frozen=True)
class TextOut(DisplaySpec):
    """A text display showing ``str(value)``; ``justify`` in {'left', 'center', 'right'}."""

    justify: str = "left"
    cols: int = 20
    rows: int = 5
    label: str | None = None
    kind = "text_out"
    default = ""

    def __post_init__(self):
        if self.justify not in ("left", "center", "right"):
            raise ValueError(
                f"TextOut justify must be 'left', 'center' or 'right', got {self.justify!r}"
            )

    def validate(self, name: str, value: Any) -> Any:
        """Convert the content to text.

        Parameters
        ----------
        name : str
            The parameter's name (used in error messages).
        value : Any
            The proposed value.

        Returns
        -------
        str
            ``str(value)``, or '' for None.
        """
        return "" if value is None else str(value)


@dataclass(frozen=True)
class Plot(DisplaySpec):
    """One persistent Matplotlib Figure of ``figsize`` inches at ``dpi``, redrawn at every refresh
    by ``draw(sim, fig)`` or, when ``draw`` is None, by the simulation's method
    ``draw_<name>(fig)``."""

    figsize: tuple = (5.0, 3.5)
    draw: Callable | None = field(default=None, compare=False)
    dpi: int = 80
    label: str | None = None
    kind = "plot"
    default = None

    def __post_init__(self):
        fs = tuple(float(x) for x in self.figsize)
        if len(fs) != 2 or min(fs) <= 0:
            raise ValueError(
                f"Plot figsize must be (width, height) > 0 in inches, got {self.figsize!r}"
            )
        object.__setattr__(self, "figsize", fs)

    def validate(self, name: str, value: Any) -> Any:
        """Accept any content for a Plot display unchanged.

        Parameters
        ----------
        name : str
            The display's name.
        value : Any
            The content.

        Returns
        -------
        Any
            ``value`` itself.
        """
        return value


@dataclass(frozen=True)
class Scope(DisplaySpec):
    """A fast oscilloscope image of ``height`` x ``width`` pixels: time window [0, ``t_window``)
    maps to columns, ``y_range`` = (lo, hi) to rows; ``colors`` one RGB triple per trace."""

    width: int = 400
    height: int = 150
    t_window: float = 100.0
    y_range: tuple = (-80.0, 0.0)
    colors: tuple = ((230, 60, 60), (60, 160, 60), (60, 90, 230), (200, 150, 0), (150, 0, 150))
    label: str | None = None
    kind = "scope"
    default = None

    def __post_init__(self):
        for nm in ("width", "height"):
            v = getattr(self, nm)
            if isinstance(v, bool) or not isinstance(v, int) or v < 2:
                raise ValueError(f"Scope {nm} must be an int >= 2, got {v!r}")
        _num(self.t_window, "Scope t_window")
        if self.t_window <= 0:
            raise ValueError(f"Scope t_window must be > 0, got {self.t_window!r}")
        yr = tuple(float(v) for v in self.y_range)
        if len(yr) != 2 or not yr[0] < yr[1]:
            raise ValueError(f"Scope y_range must be (lo, hi) with lo < hi, got {self.y_range!r}")
        object.__setattr__(self, "y_range", yr)
        object.__setattr__(self, "colors", tuple(tuple(int(c) for c in rgb) for rgb in self.colors))

    def validate(self, name: str, value: Any) -> Any:
        """Accept any content for a Scope display unchanged.

        Parameters
        ----------
        name : str
            The display's name.
        value : Any
            The content.

        Returns
        -------
        Any
            ``value`` itself.
        """
        return value


@dataclass(frozen=True)
class Comment(DisplaySpec):
    """A static comment line shown in the UI."""

    text: str = ""
    label: str | None = None
    kind = "comment"
    default = None

    def validate(self, name: str, value: Any) -> Any:
        """Accept any content for a Comment display unchanged.

        Parameters
        ----------
        name : str
            The display's name.
        value : Any
            The content.

        Returns
        -------
        Any
            ``value`` itself.
        """
        return value


def bind_name(spec: ParamSpec, name: str) -> ParamSpec:
    """Return ``spec`` with ``label`` defaulted to ``name`` (recursively for dict-slider items).

    Parameters
    ----------
    spec : ParamSpec
        Any parameter or display spec.
    name : str
        The name it is bound to.

    Returns
    -------
    ParamSpec
        A copy with the label set (list items get ``name[i]``), or ``spec`` unchanged.
    """
    if isinstance(spec, DictSlider):
        items = {k: bind_name(v, k) for k, v in spec.items.items()}
        return dataclasses.replace(spec, items=items, label=spec.label or name)
    if isinstance(spec, Listed):
        return dataclasses.replace(
            spec, items=tuple(bind_name(s, f"{name}[{i}]") for i, s in enumerate(spec.items))
        )
    if hasattr(spec, "label") and spec.label is None:
        return dataclasses.replace(spec, label=name)
    return spec


def checkbox_combinations(spec: Checkbox) -> list:
    """All 2**n on/off combinations of a checkbox (for the default search space).

    Parameters
    ----------
    spec : Checkbox
        A checkbox with n options.

    Returns
    -------
    list of tuple of bool
        The 2**n combinations.
    """
    return [tuple(c) for c in itertools.product((False, True), repeat=len(spec.options))]


def spec_from_dict(d: dict) -> ParamSpec:
    """Inverse of ``spec.to_dict()``.

    A Plot's ``draw`` callable is not stored and comes back None.

    Parameters
    ----------
    d : dict
        A dict written by :meth:`ParamSpec.to_dict`.

    Returns
    -------
    ParamSpec
        The spec.

    Raises
    ------
    ValueError
        If ``d`` is not a dict with a known ``kind``.
    """
    kinds = {
        c.kind: c
        for c in (
            Slider,
            DictSlider,
            Dropdown,
            Radio,
            Checkbox,
            Button,
            TextIn,
            Listed,
            Image,
            TextOut,
            Plot,
            Scope,
            Comment,
        )
    }
    if not isinstance(d, dict) or d.get("kind") not in kinds:
        raise ValueError(f"d must be a spec dict with a known 'kind', got {d!r}")
    cls = kinds[d["kind"]]
    kw = {k: v for k, v in d.items() if k != "kind"}
    if cls is DictSlider:
        kw["items"] = {k: spec_from_dict(v) for k, v in kw["items"].items()}
    elif cls is Listed:
        kw["items"] = tuple(spec_from_dict(v) for v in kw["items"])
    for k in ("size", "range", "figsize", "options", "default", "y_range", "colors"):
        if isinstance(kw.get(k), list) and not (cls is Image and k == "default"):
            kw[k] = tuple(tuple(x) if isinstance(x, list) else x for x in kw[k])
    return cls(**kw)
