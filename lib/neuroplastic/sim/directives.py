"""IVISIT-style declarations in comment lines, and the common internal spec :class:`SimSpec`.

A directive is a comment that starts with ``@IVISIT:`` (``#@IVISIT:``, ``# @IVISIT:``, also
after code: ``x = 1  #@IVISIT:...``), then a KEYWORD (upper case, as IVISIT requires) and
``&``-separated, trimmed
fields; a later ``#`` starts a comment. Lists ``[a,b,c]`` hold ints, floats or strings (a string
item may carry single quotes, which are removed, as IVISIT does). Field counts exclude the keyword
(as in the ``ivisit`` 0.72 package's parser):

=============== == =========================================================================
SIMULATION       1 name (starts a block; a file may hold several, IVISIT 0.72 only one)
SLIDER           7 label, [w,h], [min,max,nticks,resolution], parameter, list index, type, init
DICTSLIDER       4 label, [w,cols,rows,mode,fontsize], dict parameter, selected index
DICTSLIDERITEM   5 label, [min,max,nticks,resolution], key, type, init
LISTSEL          7 label, [w,h], [options], parameter, list index, type, init
CHECKBOX         4 label, [options], parameter, init ('0110')
RADIOBUTTON      4 label, [options], parameter, init (an option)
BUTTON           3 label, [label text, button text], parameter
TEXT_IN          5 label, [cols,rows], parameter, list index, init
IMAGE            5 label, scale, [lo,hi], data name, type
TEXT_OUT         4 label, [cols,rows], options, data name
SCOPE [R]        4 label, [w,h], [t_window,ymin,ymax], data name
PLOT [R]         3 label, [width,height] (inches), data name
COMMENT [R]      2 name, text
=============== == =========================================================================

Types, with IVISIT's aliases: numeric ``int``/``INT``/``integer``/``INTEGER`` and
``float``/``FLOAT``/``double``/``DOUBLE`` (SLIDER, DICTSLIDERITEM, LISTSEL, IMAGE); ``string``/
``STRING``/``text``/``TEXT`` (LISTSEL); ``binary``/``bool``/``boolean`` and their upper-case forms
(IMAGE); ``log`` (SLIDER, DICTSLIDERITEM) is our extension. For the int type, range entries are
rounded to integers (IVISIT's ``int(round(x))``); nticks is rounded for every type. DICTSLIDERITEM
labels lose their ``:`` characters (IVISIT removes them). TEXT_OUT options are ``None``, one string
or a list of strings: right if ``just_right`` is among them, else left if ``just_left`` is, else
center (IVISIT's rule).

Every malformed line raises :class:`DirectiveError` naming the file, the line number, the line and
the problem; nothing is skipped silently. Where IVISIT's parser would substitute a default for a
malformed value (``supy.utilities.parseStringAsList``/``asNumber`` print a warning and go on) or
ignore range entries beyond the fourth, we raise instead; an unknown TEXT_OUT option (IVISIT ignores
it; its own help text writes ``list_of_options``) is accepted with a :class:`DirectiveWarning`. Only
comments are read: a marker inside a string literal on its line is not a directive (IVISIT reads
``@IVISIT:`` anywhere in a line). Two widgets on one scalar parameter are an error (IVISIT
accepts them and lets the widget written last win); several widgets on one *list* parameter (list
indices 0, 1, ...) are the way to share it. ``log`` sliders, SCOPE, PLOT and COMMENT are our
extensions [R].
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

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

__all__ = [
    "DirectiveError",
    "DirectiveWarning",
    "SimSpec",
    "parse_directives",
    "MARKER",
    "FIELD_COUNTS",
]

MARKER = "#@IVISIT:"
FIELD_COUNTS = {
    "SIMULATION": 1,
    "SLIDER": 7,
    "DICTSLIDER": 4,
    "DICTSLIDERITEM": 5,
    "LISTSEL": 7,
    "CHECKBOX": 4,
    "RADIOBUTTON": 4,
    "BUTTON": 3,
    "TEXT_IN": 5,
    "IMAGE": 5,
    "TEXT_OUT": 4,
    "SCOPE": 4,
    "PLOT": 3,
    "COMMENT": 2,
}
_JUSTIFY_OPTS = ("just_left", "just_center", "just_right", "None", "NONE")
NUM_TYPES = {
    "int": "int",
    "INT": "int",
    "integer": "int",
    "INTEGER": "int",
    "float": "float",
    "FLOAT": "float",
    "double": "float",
    "DOUBLE": "float",
}
TEXT_TYPES = {"string": "text", "STRING": "text", "text": "text", "TEXT": "text"}
BINARY_TYPES = {
    "binary": "binary",
    "bool": "binary",
    "boolean": "binary",
    "BINARY": "binary",
    "BOOL": "binary",
    "BOOLEAN": "binary",
}
_MARKER_RE = re.compile(r"\s*#[#\s]*@IVISIT:")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INT = re.compile(r"^[+-]?\d+$")


class DirectiveError(ValueError):
    """A malformed ``#@IVISIT:`` line: ``path``, ``line_no`` (1-based), ``line_text``,
    ``message``."""

    def __init__(self, path: str, line_no: int, line_text: str, message: str) -> None:
        """Record where the malformed line is and why.

        Parameters
        ----------
        path : str
            File name (or '<string>').
        line_no : int
            1-based line number.
        line_text : str
            The line.
        message : str
            The problem.
        """
        self.path, self.line_no, self.line_text, self.message = path, line_no, line_text, message
        super().__init__(f"{path}:{line_no}: {message}\n    {line_text.strip()}")


class DirectiveWarning(UserWarning):
    """A directive token that IVISIT ignores (an unknown TEXT_OUT option): accepted, and
    reported."""


@dataclass
class SimSpec:
    """The declarations of one simulation: name, parameter specs and display specs (in order)."""

    name: str
    parameters: dict = field(default_factory=dict)
    displays: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The spec as a JSON-able dict (specs through ``ParamSpec.to_dict``).

        Returns
        -------
        dict
            ``{"name", "parameters", "displays"}``.
        """
        return {
            "name": self.name,
            "parameters": {k: s.to_dict() for k, s in self.parameters.items()},
            "displays": {k: s.to_dict() for k, s in self.displays.items()},
        }

    @classmethod
    def from_dict(cls, d: dict) -> SimSpec:
        """Inverse of :meth:`to_dict`.

        Parameters
        ----------
        d : dict
            A dict written by :meth:`to_dict`.

        Returns
        -------
        SimSpec
            The spec.
        """
        from .specs import spec_from_dict

        return cls(
            d["name"],
            {k: spec_from_dict(v) for k, v in d["parameters"].items()},
            {k: spec_from_dict(v) for k, v in d["displays"].items()},
        )

    @classmethod
    def from_json(cls, text: str) -> SimSpec:
        """Inverse of :meth:`to_json`.

        Parameters
        ----------
        text : str
            JSON text.

        Returns
        -------
        SimSpec
            The spec.
        """
        return cls.from_dict(json.loads(text))

    def to_json(self) -> str:
        """Canonical JSON (sorted keys, no spaces) of :meth:`to_dict`.

        Returns
        -------
        str
            The JSON text.
        """
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    def hash(self) -> str:
        """sha256 of :meth:`to_json` (first 16 hex digits): equal for equal declarations.

        Returns
        -------
        str
            16 hexadecimal digits.
        """
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:16]

    def to_directives(self) -> str:
        """The block as ``#@IVISIT:`` lines; ``parse_directives`` of the result equals ``self``.

        Returns
        -------
        str
            The lines, newline-terminated.
        """
        out = [f"{MARKER}SIMULATION & {self.name}"]
        for name, s in self.parameters.items():
            out.extend(_param_lines(name, s))
        for name, s in self.displays.items():
            out.extend(_display_lines(name, s))
        return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------------------
# writing
# ------------------------------------------------------------------------------------------------
def _fmt(v):
    if isinstance(v, float):
        return repr(v)
    return str(v)


def _lst(vals):
    return "[" + ",".join(_fmt(v) for v in vals) + "]"


def _slider_type(s):
    return "log" if s.log else s.dtype


def _param_lines(name, s, index=-1):
    J = " & ".join
    if isinstance(s, Listed):
        lines = []
        for i, item in enumerate(s.items):
            lines.extend(_param_lines(name, item, i))
        return lines
    if isinstance(s, Slider):
        return [
            MARKER
            + J(
                [
                    "SLIDER",
                    s.label,
                    _lst(s.size),
                    _lst([s.min, s.max, s.ticks, s.step]),
                    name,
                    str(index),
                    _slider_type(s),
                    _fmt(s.default),
                ]
            )
        ]
    if isinstance(s, DictSlider):
        w, cols, rows, fs = s.size
        lines = [
            MARKER
            + J(["DICTSLIDER", s.label, _lst([w, cols, rows, s.mode, fs]), name, str(s.selected)])
        ]
        for key, it in s.items.items():
            lines.append(
                MARKER
                + J(
                    [
                        "DICTSLIDERITEM",
                        it.label,
                        _lst([it.min, it.max, it.ticks, it.step]),
                        key,
                        _slider_type(it),
                        _fmt(it.default),
                    ]
                )
            )
        return lines
    if isinstance(s, Dropdown):
        return [
            MARKER
            + J(
                [
                    "LISTSEL",
                    s.label,
                    _lst(s.size),
                    _lst(s.options),
                    name,
                    str(index),
                    s.dtype,
                    _fmt(s.default),
                ]
            )
        ]
    if isinstance(s, Checkbox):
        return [
            MARKER + J(["CHECKBOX", s.label, _lst(s.options), name, checkbox_to_str(s.default)])
        ]
    if isinstance(s, Radio):
        return [MARKER + J(["RADIOBUTTON", s.label, _lst(s.options), name, _fmt(s.default)])]
    if isinstance(s, Button):
        return [
            MARKER
            + J(
                [
                    "BUTTON",
                    s.label,
                    _lst([s.caption if s.caption is not None else s.label, s.text]),
                    name,
                ]
            )
        ]
    if isinstance(s, TextIn):
        return [
            MARKER + J(["TEXT_IN", s.label, _lst([s.cols, s.rows]), name, str(index), s.default])
        ]
    raise TypeError(f"parameter {name!r}: {type(s).__name__} has no directive form")


def _display_lines(name, s):
    J = " & ".join
    if isinstance(s, Image):
        rng = s.range if s.range is not None else (0, 255)
        return [MARKER + J(["IMAGE", s.label, _fmt(float(s.scale)), _lst(rng), name, s.dtype])]
    if isinstance(s, TextOut):
        return [
            MARKER + J(["TEXT_OUT", s.label, _lst([s.cols, s.rows]), "just_" + s.justify, name])
        ]
    if isinstance(s, Scope):
        return [
            MARKER
            + J(
                [
                    "SCOPE",
                    s.label,
                    _lst([s.width, s.height]),
                    _lst([float(s.t_window), s.y_range[0], s.y_range[1]]),
                    name,
                ]
            )
        ]
    if isinstance(s, Plot):
        return [MARKER + J(["PLOT", s.label, _lst(s.figsize), name])]
    if isinstance(s, Comment):
        return [MARKER + J(["COMMENT", name, s.text])]
    raise TypeError(f"display {name!r}: {type(s).__name__} has no directive form")


# ------------------------------------------------------------------------------------------------
# parsing
# ------------------------------------------------------------------------------------------------
class _Line:
    def __init__(self, path, no, text):
        self.path, self.no, self.text = path, no, text

    def error(self, msg):
        return DirectiveError(self.path, self.no, self.text, msg)


def _atom(tok):
    if len(tok) >= 2 and tok[0] == tok[-1] == "'":
        return tok[1:-1]
    if _INT.match(tok):
        return int(tok)
    try:
        return float(tok)
    except ValueError:
        return tok


def _number(ln, tok, what, integer=False):
    v = _atom(tok.strip())
    if isinstance(v, str):
        raise ln.error(f"{what} must be a number, got {tok!r}")
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        raise ln.error(f"{what} must be finite, got {tok!r}")
    if integer and not isinstance(v, int):
        raise ln.error(f"{what} must be an integer, got {tok!r}")
    return v


def _list(ln, tok, what, n=None, numeric=False, min_n=1):
    t = tok.strip()
    if not (t.startswith("[") and t.endswith("]")):
        raise ln.error(f"{what} must be a list like [a,b,c], got {tok!r}")
    inner = t[1:-1].strip()
    parts = [p.strip() for p in inner.split(",")] if inner else []
    if any(p == "" for p in parts) or "[" in inner or "]" in inner:
        raise ln.error(f"{what} is a malformed list: {tok!r}")
    if n is not None and len(parts) != n:
        raise ln.error(f"{what} must have {n} entries, got {len(parts)} in {tok!r}")
    if len(parts) < min_n:
        raise ln.error(f"{what} must have at least {min_n} entries, got {tok!r}")
    if numeric:
        return [_number(ln, p, f"{what} entry") for p in parts]
    return [_atom(p) for p in parts]


def _name(ln, tok, what="parameter name"):
    if not _IDENT.match(tok):
        raise ln.error(f"{what} must be a Python identifier, got {tok!r}")
    return tok


def _index(ln, tok):
    i = _number(ln, tok, "list index", integer=True)
    if i < -1:
        raise ln.error(f"list index must be -1 (scalar) or >= 0, got {i}")
    return i


def _build(ln, ctor, *args, **kw):
    try:
        return ctor(*args, **kw)
    except (ValueError, TypeError) as e:
        raise ln.error(str(e)) from None


def _slider(ln, label, rng_tok, typ, init_tok, size=(200, 1)):
    mn, mx, nt, res = _list(ln, rng_tok, "range [min,max,nticks,resolution]", n=4, numeric=True)
    if typ != "log" and typ not in NUM_TYPES:
        raise ln.error(
            f"unknown type {typ!r}; expected int, float (or an IVISIT alias: INT, integer, "
            f"INTEGER, FLOAT, double, DOUBLE) or log"
        )
    typ = NUM_TYPES.get(typ, typ)
    nt = int(round(nt))
    if typ == "int":
        mn, mx, res = int(round(mn)), int(round(mx)), int(round(res))
        if res <= 0:
            raise ln.error(f"int range resolution rounds to {res}; it must be >= 1")
    if not mn < mx:
        raise ln.error(f"range needs min < max, got min={mn}, max={mx}")
    if nt < 0:
        raise ln.error(f"range nticks must be >= 0, got {nt}")
    init = _number(ln, init_tok, "init", integer=typ == "int")
    if not mn <= init <= mx:
        raise ln.error(f"init {init} is out of range [{mn}, {mx}]")
    return _build(
        ln,
        Slider,
        mn,
        mx,
        step=res,
        default=init,
        ticks=nt,
        log=typ == "log",
        dtype="int" if typ == "int" else "float",
        label=label,
        size=tuple(size),
    )


class _Block:
    def __init__(self, name):
        self.spec = SimSpec(name)
        self.lists = {}  # name -> {index: (spec, line)}
        self.dict_open = None  # (name, label, size, mode, selected, items, line)
        self.names = {}  # name -> line

    def claim(self, ln, name, listed=False):
        if name in self.lists and not listed:
            raise ln.error(f"list index -1 on list parameter {name!r} (declared with list indices)")
        if name in self.names and not (listed and name in self.lists):
            if listed:
                raise ln.error(
                    f"list index on a non-list parameter {name!r} (declared as a scalar "
                    f"on line {self.names[name]})"
                )
            raise ln.error(f"duplicate name {name!r} (first declared on line {self.names[name]})")
        self.names.setdefault(name, ln.no)


def _directive_start(raw):
    """Index just after ``@IVISIT:`` when the line's comment (the first ``#`` outside a quoted
    string on this line) starts with it; else None."""
    if "@IVISIT:" not in raw:
        return None
    m = _MARKER_RE.match(raw)
    if m is not None:
        return m.end()
    quote = None
    for i, ch in enumerate(raw):
        if quote is not None:
            if ch == "\\":
                continue
            if ch == quote and raw[i - 1] != "\\":
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            m = _MARKER_RE.match(raw, i)
            return m.end() if m is not None else None
    return None


def parse_directives(source: str | Path | ModuleType | type) -> dict:
    """Parse ``#@IVISIT:`` comment lines from a text, a path, or a Python module/class.

    Parameters
    ----------
    source : str, Path, module or class
        Directive text, a file path (.py, .txt, .ivisit), or an object whose source is read.

    Returns
    -------
    dict
        ``{simulation name: SimSpec}`` in file order.

    Raises
    ------
    TypeError
        If ``source`` has another type.
    DirectiveError
        On any malformed directive line.
    """
    import inspect

    path = "<string>"
    if isinstance(source, Path) or (
        isinstance(source, str)
        and "\n" not in source
        and MARKER not in source
        and source.endswith((".py", ".txt", ".ivisit"))
    ):
        path = str(source)
        text = Path(source).read_text(encoding="utf-8")
    elif isinstance(source, str):
        text = source
    elif inspect.ismodule(source) or inspect.isclass(source):
        path = getattr(source, "__file__", None) or getattr(source, "__name__", "<object>")
        text = inspect.getsource(source)
    else:
        raise TypeError(
            f"source must be a str, a Path, a module or a class, got {type(source).__name__}"
        )

    blocks, cur = {}, None
    for no, raw in enumerate(text.splitlines(), start=1):
        start = _directive_start(raw)
        if start is None:
            continue
        ln = _Line(path, no, raw)
        body = raw[start:]
        if "#" in body:
            body = body[: body.index("#")]
        fields = [f.strip() for f in body.split("&")]
        kw = fields[0]
        if not kw:
            raise ln.error("missing keyword after #@IVISIT:")
        if kw not in FIELD_COUNTS:
            hint = " (keywords are upper case, as in IVISIT)" if kw.upper() in FIELD_COUNTS else ""
            raise ln.error(
                f"unknown keyword {fields[0]!r}{hint}; expected one of {sorted(FIELD_COUNTS)}"
            )
        f = fields[1:]
        if len(f) != FIELD_COUNTS[kw]:
            raise ln.error(f"{kw} expects {FIELD_COUNTS[kw]} fields, got {len(f)}")
        if any(x == "" for x in f) and kw != "TEXT_IN":
            raise ln.error(f"{kw} has an empty field (field {f.index('') + 1})")
        if kw == "DICTSLIDERITEM":
            if cur is None or cur.dict_open is None:
                raise ln.error("DICTSLIDERITEM without a preceding DICTSLIDER")
            label, rng, key, typ, init = f
            items = cur.dict_open[5]
            if key in items:
                raise ln.error(f"duplicate dict-slider key {key!r}")
            items[key] = _slider(ln, label.replace(":", ""), rng, typ, init)
            continue
        if cur is not None and cur.dict_open is not None:
            _close_dict(cur)
        if kw == "SIMULATION":
            name = f[0]
            if name in blocks:
                raise ln.error(f"duplicate simulation name {name!r}")
            if cur is not None:
                _finish(cur)
            cur = blocks[name] = _Block(name)
            continue
        if cur is None:
            raise ln.error(f"{kw} before any SIMULATION line")
        _parse_item(ln, kw, f, cur)
    if cur is not None:
        if cur.dict_open is not None:
            _close_dict(cur)
        _finish(cur)
    return {k: b.spec for k, b in blocks.items()}


def _close_dict(b):
    name, label, size, mode, sel, items, ln = b.dict_open
    b.dict_open = None
    if not items:
        raise ln.error(f"DICTSLIDER {name!r} has no DICTSLIDERITEM lines")
    if sel >= len(items):
        raise ln.error(f"selected index {sel} out of range for {len(items)} items")
    b.spec.parameters[name] = _build(
        ln, DictSlider, items, selected=sel, mode=mode, label=label, size=size
    )


def _finish(b):
    for name, by_idx in b.lists.items():
        idx = sorted(by_idx)
        if idx != list(range(len(idx))):
            ln = by_idx[idx[-1]][1]
            raise ln.error(f"list parameter {name!r} has indices {idx}; expected 0..{len(idx) - 1}")
        b.spec.parameters[name] = Listed(tuple(by_idx[i][0] for i in idx))


def _put(ln, b, name, index, spec):
    if index == -1:
        b.claim(ln, name)
        b.spec.parameters[name] = spec
    else:
        b.claim(ln, name, listed=True)
        b.spec.parameters.setdefault(
            name, None
        )  # keeps the place of the first widget (as IVISIT does)
        slot = b.lists.setdefault(name, {})
        if index in slot:
            raise ln.error(f"duplicate list index {index} for parameter {name!r}")
        slot[index] = (spec, ln)


def _parse_item(ln, kw, f, b):
    if kw == "SLIDER":
        label, size, rng, name, idx, typ, init = f
        size = _list(ln, size, "size [w,h]", numeric=True)
        name, idx = _name(ln, name), _index(ln, idx)
        _put(ln, b, name, idx, _slider(ln, label, rng, typ, init, size))
    elif kw == "DICTSLIDER":
        label, size, name, sel = f
        size = _list(ln, size, "size [w,cols,rows,mode,fontsize]", n=5, numeric=True)
        name = _name(ln, name)
        sel = _number(ln, sel, "selected index", integer=True)
        if sel < 0:
            raise ln.error(f"selected index must be >= 0, got {sel}")
        mode = size[3]
        if mode not in (0, 1, 2):
            raise ln.error(f"dict-slider mode (size[3]) must be 0, 1 or 2, got {mode}")
        b.claim(ln, name)
        b.dict_open = (name, label, (size[0], size[1], size[2], size[4]), mode, sel, {}, ln)
    elif kw == "LISTSEL":
        label, size, opts, name, idx, typ, init = f
        size = _list(ln, size, "size [w,h]", numeric=True)
        opts = _list(ln, opts, "options")
        name, idx = _name(ln, name), _index(ln, idx)
        if typ not in NUM_TYPES and typ not in TEXT_TYPES:
            raise ln.error(
                f"unknown type {typ!r}; expected text, int or float (or an IVISIT alias: string, "
                f"STRING, TEXT, INT, integer, INTEGER, FLOAT, double, DOUBLE)"
            )
        typ = NUM_TYPES.get(typ) or TEXT_TYPES[typ]
        conv = {"text": str, "int": int, "float": float}[typ]
        try:
            opts = [conv(o) if typ != "int" or isinstance(o, int) else _bad() for o in opts]
            init = conv(_atom(init)) if typ != "int" or _INT.match(init) else _bad()
        except (ValueError, TypeError):
            raise ln.error(f"options and init must be of type {typ}") from None
        if init not in opts:
            raise ln.error(f"init {init!r} is not one of the options {opts}")
        _put(
            ln,
            b,
            name,
            idx,
            _build(
                ln, Dropdown, tuple(opts), default=init, dtype=typ, label=label, size=tuple(size)
            ),
        )
    elif kw == "CHECKBOX":
        label, opts, name, init = f
        opts = [str(o) for o in _list(ln, opts, "options")]
        name = _name(ln, name)
        try:
            val = checkbox_from_str(init)
        except ValueError:
            raise ln.error(
                f"checkbox init must be a string of 0/1 like '0110', got {init!r}"
            ) from None
        if len(val) != len(opts):
            raise ln.error(f"checkbox init {init!r} has {len(val)} entries for {len(opts)} options")
        _put(ln, b, name, -1, _build(ln, Checkbox, tuple(opts), default=val, label=label))
    elif kw == "RADIOBUTTON":
        label, opts, name, init = f
        opts = [str(o) for o in _list(ln, opts, "options")]
        name = _name(ln, name)
        if init not in opts:
            raise ln.error(f"init {init!r} is not one of the options {opts}")
        _put(ln, b, name, -1, _build(ln, Radio, tuple(opts), default=init, label=label))
    elif kw == "BUTTON":
        label, texts, name = f
        texts = [str(t) for t in _list(ln, texts, "[label text, button text]", n=2)]
        _put(ln, b, _name(ln, name), -1, Button(label=label, text=texts[1], caption=texts[0]))
    elif kw == "TEXT_IN":
        label, size, name, idx, init = f
        if not label:
            raise ln.error("TEXT_IN has an empty label")
        size = _list(ln, size, "size [cols,rows]", n=2, numeric=True)
        name, idx = _name(ln, name), _index(ln, idx)
        _put(
            ln,
            b,
            name,
            idx,
            _build(ln, TextIn, default=init, cols=int(size[0]), rows=int(size[1]), label=label),
        )
    else:
        _parse_display(ln, kw, f, b)


def _bad():
    raise ValueError


def _parse_display(ln, kw, f, b):
    if kw == "IMAGE":
        label, scale, rng, name, typ = f
        scale = _number(ln, scale, "scale")
        rng = _list(ln, rng, "range [lo,hi]", n=2, numeric=True)
        if not rng[0] < rng[1]:
            raise ln.error(f"range needs lo < hi, got {rng}")
        if typ not in NUM_TYPES and typ not in BINARY_TYPES:
            raise ln.error(
                f"unknown type {typ!r}; expected int, float or binary (or an IVISIT alias: INT, "
                f"integer, INTEGER, FLOAT, double, DOUBLE, bool, boolean, BINARY, BOOL, BOOLEAN)"
            )
        typ = NUM_TYPES.get(typ) or BINARY_TYPES[typ]
        spec = _build(ln, Image, scale=float(scale), range=tuple(rng), dtype=typ, label=label)
    elif kw == "TEXT_OUT":
        label, size, just, name = f
        size = _list(ln, size, "size [cols,rows]", n=2, numeric=True)
        opts = _list(ln, just, "options") if just.startswith("[") else [just]
        if any(o == "" for o in opts):
            raise ln.error(f"TEXT_OUT options {just!r} hold an empty entry")
        for o in opts:
            if (
                o not in _JUSTIFY_OPTS
            ):  # IVISIT ignores it (its own help text writes 'list_of_options')
                warnings.warn(
                    f"{ln.path}:{ln.no}: TEXT_OUT option {o!r} is none of just_left, just_center, "
                    f"just_right; ignored, as IVISIT does",
                    DirectiveWarning,
                    stacklevel=4,
                )
        justify = "right" if "just_right" in opts else "left" if "just_left" in opts else "center"
        spec = TextOut(justify=justify, cols=int(size[0]), rows=int(size[1]), label=label)
    elif kw == "SCOPE":
        label, size, rng, name = f
        w, h = _list(ln, size, "size [w,h]", n=2, numeric=True)
        tw, lo, hi = _list(ln, rng, "[t_window,ymin,ymax]", n=3, numeric=True)
        spec = _build(
            ln,
            Scope,
            width=int(w),
            height=int(h),
            t_window=float(tw),
            y_range=(lo, hi),
            label=label,
        )
    elif kw == "PLOT":
        label, size, name = f
        spec = _build(
            ln,
            Plot,
            figsize=tuple(_list(ln, size, "size [width,height]", n=2, numeric=True)),
            label=label,
        )
    else:  # COMMENT
        name, text = f
        label = name
        spec = Comment(text=text, label=name)
    name = _name(ln, name, "data name")
    b.claim(ln, name)
    b.spec.displays[name] = spec
