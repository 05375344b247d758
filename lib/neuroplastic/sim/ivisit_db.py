"""Original IVISIT databases: read one into SimSpecs, values and layout; write one back.

IVISIT 0.72 (``ivisit/defdb.py``) keeps six SQLite tables; its parser fills them from the
``#@IVISIT:`` lines, its GUI updates ``value`` and ``pos``. Lists are stored as text like
``[0, 100, 5, 1]`` (numbers) or ``[A,B]`` (strings without quotes)::

    simulation(key, name, comment, date_init, date_lastmod, simsteps_per_frame, frames_per_step,
               delay_per_step, grade)
    parameter(key, name, comment, type, range, listidx)          # global: shared by simulations
    dataarray(key, name, comment, type, range)                    # global
    parameterwidget(key, key_simulation, key_parameter, name, comment, type, range, items, size,
                    pos, value)
    datawidget(key, key_simulation, key_dataarray, name, comment, type, range, pos, scale)
    commentwidget(key, key_simulation, name, comment, type, fontname, fontsize, fontstyle,
                  fontcolor, bgcolor, flagDisplayName, pos)

Mapping (IVISIT -> ours): parameter widget types slider -> :class:`Slider`, dictslider ->
:class:`DictSlider`, listselection -> :class:`Dropdown`, checkbox -> :class:`Checkbox`,
radiobutton -> :class:`Radio`, button -> :class:`Button`, textfield -> :class:`TextIn`; data
widget types image -> :class:`Image`, textfield -> :class:`TextOut`; comment widgets ->
:class:`Comment`. ``simsteps_per_frame``/``frames_per_step``/``delay_per_step`` -> :class:`Timing`
(steps_per_frame, frames_per_cycle, delay_ms); ``grade`` -> grade (IVISIT's -1 = ungraded ->
None); ``pos`` and the per-widget comments and fonts -> the widget layout's ``extra``.
A widget's current ``value`` becomes both the spec default and the stored configuration value.

What IVISIT's database cannot say (it is reported in :attr:`IVisitImport.notes`, never dropped
silently): the list index of each widget of a list parameter (the ``parameter`` row keeps only
the last one; widgets are taken in key order as indices 0, 1, ...), a TEXT_OUT's size (not
stored; defaults used), a parameter row shared by several simulations (its last ``type``/``range``
wins, as in IVISIT), dates (our configuration gets fresh timestamps).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .directives import BINARY_TYPES, NUM_TYPES, TEXT_TYPES, SimSpec
from .simulation import Timing
from .specs import (
    Button,
    Checkbox,
    Comment,
    DictSlider,
    Dropdown,
    Image,
    Listed,
    Radio,
    Slider,
    TextIn,
    TextOut,
    checkbox_from_str,
    checkbox_to_str,
)

__all__ = [
    "IVisitImport",
    "IVisitDBError",
    "read_ivisit",
    "write_ivisit",
    "ivisit_parser_db",
    "IVISIT_TABLES",
]

IVISIT_TABLES = (
    "simulation",
    "parameter",
    "dataarray",
    "parameterwidget",
    "datawidget",
    "commentwidget",
)
_PLACEHOLDER = "N.N."


class IVisitDBError(ValueError):
    """The file is not an IVISIT database, or a row cannot be read (names table, key and
    problem)."""


@dataclass
class IVisitImport:
    """What :func:`read_ivisit` found: per simulation name a SimSpec, values, Timing, grade,
    comment and layout (list of dicts with ``extra`` = {"pos": [x, y], ...}); ``notes`` lists
    everything that has no counterpart or had to be inferred."""

    specs: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    timing: dict = field(default_factory=dict)
    grade: dict = field(default_factory=dict)
    comment: dict = field(default_factory=dict)
    layout: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)


def ivisit_parser_db(script: str | os.PathLike, db: str | os.PathLike) -> Path:
    """Write the original IVISIT database for ``script`` with the ``ivisit`` package's own parser.

    Calls ``IVisitParser(script, sqldatabase(db_ivisit_cfg, db))`` without a window. Only
    ``ivisit/parser.py`` and ``ivisit/defdb.py`` (and ``supy``) are loaded: the package's
    ``__init__`` imports tkinter, which they do not need.

    Parameters
    ----------
    script : str or PathLike
        An IVISIT script with ``#@IVISIT:`` lines.
    db : str or PathLike
        The database file to write.

    Returns
    -------
    Path
        ``Path(db)``.

    Raises
    ------
    ImportError
        If ``ivisit==0.72`` and ``supylib==0.53`` are not installed.
    """
    import contextlib
    import importlib.util
    import io
    import sys
    import types

    spec = importlib.util.find_spec("ivisit")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "the ivisit package is not installed (pip install ivisit==0.72 supylib==0.53)"
        )
    saved = sys.modules.get("ivisit")
    if (
        saved is None
        or getattr(saved, "__file__", None) is None
        or "neuroplastic" in str(saved.__file__)
    ):
        stub = types.ModuleType("ivisit")
        stub.__path__ = list(spec.submodule_search_locations)
        sys.modules["ivisit"] = stub
    try:
        from ivisit.defdb import db_ivisit_cfg
        from ivisit.parser import IVisitParser
        from supy.sqldatabase import sqldatabase
    finally:
        if saved is None:
            sys.modules.pop("ivisit", None)
        else:
            sys.modules["ivisit"] = saved
    with contextlib.redirect_stdout(io.StringIO()):  # supy prints its progress
        IVisitParser(str(script), sqldatabase(db_ivisit_cfg, str(db)))
    return Path(db)


# ------------------------------------------------------------------------------------------------
# IVISIT's list text
# ------------------------------------------------------------------------------------------------
def _items(text):
    t = str(text).strip()
    if t.startswith("["):
        t = t[1:]
    if t.endswith("]"):
        t = t[:-1]
    return [s.strip().strip("'").strip() for s in t.split(",")] if t.strip() else []


def _num(s, typ):
    v = float(s)
    return int(round(v)) if typ == "int" else v


def _nums(text, typ, where):
    try:
        return [_num(s, typ) for s in _items(text)]
    except ValueError:
        raise IVisitDBError(f"{where}: {text!r} is not a list of {typ} numbers") from None


def _fmt_list(vals):
    return "[" + ",".join(str(v) for v in vals) + "]"


# ------------------------------------------------------------------------------------------------
# reading
# ------------------------------------------------------------------------------------------------
def _rows(conn, table):
    cur = conn.execute(f"SELECT * FROM {table} ORDER BY key")
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def read_ivisit(path: str | os.PathLike) -> IVisitImport:
    """Read an IVISIT SQLite database (read-only) into an :class:`IVisitImport`.

    Parameters
    ----------
    path : str or PathLike
        The database file (knoblauch2024ivisit's six-table schema, see the module docstring).

    Returns
    -------
    IVisitImport
        Specs, values, timing, grade, comment and layout per simulation, and ``notes``.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a file.
    IVisitDBError
        If the file is not an IVISIT database or a row cannot be read.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"path: no such file {str(path)!r}")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        missing = [t for t in IVISIT_TABLES if t not in have]
        if missing:
            raise IVisitDBError(f"{path}: not an IVISIT database (missing tables {missing})")
        T = {t: _rows(conn, t) for t in IVISIT_TABLES}
    except sqlite3.DatabaseError as e:
        raise IVisitDBError(f"{path}: {e}") from None
    finally:
        conn.close()
    out = IVisitImport()
    extra_tables = sorted(have - set(IVISIT_TABLES) - {"sqlite_sequence"})
    if extra_tables:
        out.notes.append(f"tables outside IVISIT's schema not imported: {extra_tables}")
    params = {r["key"]: r for r in T["parameter"]}
    arrays = {r["key"]: r for r in T["dataarray"]}
    used_p, used_a = set(), set()
    sims = {r["key"]: r for r in T["simulation"]}
    for key, srow in sims.items():
        pws = [r for r in T["parameterwidget"] if r["key_simulation"] == key]
        dws = [r for r in T["datawidget"] if r["key_simulation"] == key]
        cws = [
            r
            for r in T["commentwidget"]
            if r["key_simulation"] == key and r["name"] != _PLACEHOLDER
        ]
        if key == 0 and srow["name"] == _PLACEHOLDER and not (pws or dws or cws):
            continue  # IVISIT's default row, created with every database
        name = srow["name"]
        if name in out.specs:
            raise IVisitDBError(f"{path}: table simulation: two rows named {name!r}")
        _read_sim(out, name, srow, pws, dws, cws, params, arrays)
        used_p |= {r["key_parameter"] for r in pws}
        used_a |= {r["key_dataarray"] for r in dws}
    for k, r in params.items():
        if k not in used_p:
            out.notes.append(
                f"parameter {r['name']!r} (key {k}) has no widget in any simulation: not imported"
            )
    for k, r in arrays.items():
        if k not in used_a:
            out.notes.append(
                f"dataarray {r['name']!r} (key {k}) has no widget in any simulation: not imported"
            )
    for r in T["commentwidget"]:
        if r["key_simulation"] not in sims:
            out.notes.append(f"comment widget {r['name']!r} belongs to no simulation: not imported")
    return out


def _read_sim(out, name, srow, pws, dws, cws, params, arrays):
    notes = out.notes
    where0 = f"simulation {name!r}"
    spec = SimSpec(name)
    values, layout = {}, []
    # ---- parameter widgets, grouped by parameter (several widgets = a list parameter)
    groups = {}
    for r in pws:
        if r["key_parameter"] not in params:
            raise IVisitDBError(
                f"{where0}: parameter widget {r['name']!r} refers to a missing parameter "
                f"key {r['key_parameter']}"
            )
        groups.setdefault(r["key_parameter"], []).append(r)
    for pkey, ws in groups.items():
        prow = params[pkey]
        pname = prow["name"]
        built = []
        for r in ws:
            where = f"{where0}, widget {r['name']!r} (parameterwidget key {r['key']})"
            s, v = _param_widget(r, prow, where, notes)
            built.append((r, s, v))
            layout.append(
                _layout(r, f"{pname}[{len(built) - 1}]" if len(ws) > 1 else pname, s.kind)
            )
        listidx = prow["listidx"]
        list_kinds = all(isinstance(s, (Slider, Dropdown, TextIn)) for _, s, _ in built)
        if len(built) > 1 or (
            list_kinds
            and isinstance(listidx, int)
            and listidx >= 0
            and not isinstance(built[0][1], DictSlider)
        ):
            if not list_kinds:
                raise IVisitDBError(
                    f"{where0}: parameter {pname!r} has {len(built)} widgets of kinds "
                    f"{[s.kind for _, s, _ in built]}; only sliders, list selections and "
                    f"text fields can share a (list) parameter"
                )
            if len(built) > 1:
                notes.append(
                    f"{where0}: list parameter {pname!r} has {len(built)} widgets "
                    f"{[r['name'] for r, _, _ in built]}; IVISIT stores one list index "
                    f"({listidx}) per parameter, so widget key order gives indices "
                    f"0..{len(built) - 1}"
                )
            elif listidx != 0:
                notes.append(
                    f"{where0}: parameter {pname!r} has one widget with list index {listidx}; "
                    f"imported as a scalar (a list needs widgets for indices 0..{listidx})"
                )
                spec.parameters[pname] = built[0][1]
                values[pname] = built[0][2]
                continue
            spec.parameters[pname] = Listed(tuple(s for _, s, _ in built))
            values[pname] = tuple(v for _, _, v in built)
        else:
            r, s, v = built[0]
            spec.parameters[pname] = s
            if v is not None:
                values[pname] = v
    # ---- data widgets
    for r in dws:
        if r["key_dataarray"] not in arrays:
            raise IVisitDBError(
                f"{where0}: data widget {r['name']!r} refers to a missing dataarray "
                f"key {r['key_dataarray']}"
            )
        arow = arrays[r["key_dataarray"]]
        where = f"{where0}, widget {r['name']!r} (datawidget key {r['key']})"
        dname = arow["name"]
        if dname in spec.displays:
            notes.append(
                f"{where}: a second widget on data array {dname!r}; not imported (we show each "
                f"data array once)"
            )
            continue
        wtype = str(r["type"]).strip()
        atype = str(arow["type"]).strip()
        if wtype == "image":
            dtype = NUM_TYPES.get(atype) or BINARY_TYPES.get(atype)
            if dtype is None:
                raise IVisitDBError(
                    f"{where}: image data type {atype!r} is not int, float or binary"
                )
            rng = _nums(r["range"], "int" if dtype == "binary" else dtype, where)
            if len(rng) != 2:
                raise IVisitDBError(f"{where}: image range {r['range']!r} is not [lo,hi]")
            spec.displays[dname] = Image(
                scale=float(r["scale"]), range=tuple(rng), dtype=dtype, label=r["name"]
            )
        elif wtype == "textfield":
            opts = _items(r["range"])
            just = "right" if "just_right" in opts else "left" if "just_left" in opts else "center"
            spec.displays[dname] = TextOut(justify=just, label=r["name"])
            notes.append(
                f"{where}: IVISIT stores no TEXT_OUT size; default "
                f"{TextOut().cols}x{TextOut().rows} used"
            )
        else:
            raise IVisitDBError(
                f"{where}: unknown data widget type {wtype!r} (expected image or textfield)"
            )
        layout.append(_layout(r, dname, spec.displays[dname].kind))
    # ---- comment widgets
    for r in cws:
        cname = _comment_name(r["name"], spec)
        spec.displays[cname] = Comment(text=str(r["comment"]), label=str(r["name"]))
        lay = _layout(r, cname, "comment", comment=False)
        lay["extra"].update(
            {
                k: r[k]
                for k in (
                    "type",
                    "fontname",
                    "fontsize",
                    "fontstyle",
                    "fontcolor",
                    "bgcolor",
                    "flagDisplayName",
                )
            }
        )
        layout.append(lay)
    for i, w in enumerate(layout):
        w["row"] = i
    out.specs[name] = spec
    out.values[name] = values
    out.layout[name] = layout
    spf, fpc, delay = srow["simsteps_per_frame"], srow["frames_per_step"], srow["delay_per_step"]
    try:
        out.timing[name] = Timing(int(spf), int(fpc), float(delay))
    except (TypeError, ValueError) as e:
        raise IVisitDBError(f"{where0}: timing ({spf}, {fpc}, {delay}): {e}") from None
    g = srow["grade"]
    out.grade[name] = None if g is None or g == -1 else float(g)
    c = srow["comment"]
    out.comment[name] = "" if c in (None, _PLACEHOLDER) else str(c)
    out.notes.append(
        f"{where0}: dates {srow['date_init']} / {srow['date_lastmod']} not kept (the imported "
        f"configuration gets fresh timestamps)"
    )


def _comment_name(label, spec):
    base = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in str(label)) or "comment"
    if not (base[0].isalpha() or base[0] == "_"):
        base = "c_" + base
    name, i = base, 1
    while name in spec.displays or name in spec.parameters:
        i += 1
        name = f"{base}_{i}"
    return name


def _layout(r, name, kind, comment=True):
    pos = _items(r.get("pos", "[0,0]"))
    try:
        pos = [int(round(float(p))) for p in pos][:2]
    except ValueError:
        pos = [0, 0]
    extra = {"pos": pos, "ivisit_widget": r["name"]}
    if comment and r.get("comment") not in (None, _PLACEHOLDER):
        extra["comment"] = r["comment"]
    size = _items(r.get("size", "")) if "size" in r else []
    width = height = None
    try:
        if len(size) >= 2:
            width, height = int(float(size[0])), int(float(size[1]))
    except ValueError:
        pass
    return {
        "widget": name,
        "kind": kind,
        "row": 0,
        "col": 0,
        "width": width,
        "height": height,
        "visible": True,
        "extra": extra,
    }


def _param_widget(r, prow, where, notes):
    """(spec, value) of one parameter widget row."""
    wtype, ptype = str(r["type"]).strip(), str(prow["type"]).strip()
    label, raw = str(r["name"]), r["value"]
    size = tuple(_nums(r["size"], "int", where)) if r["size"] not in (None, "") else ()
    try:
        if wtype == "slider":
            typ = NUM_TYPES.get(ptype)
            if typ is None:
                raise IVisitDBError(f"{where}: slider parameter type {ptype!r} is not int or float")
            rng = _nums(r["range"], typ, where)
            if len(rng) != 4:
                raise IVisitDBError(
                    f"{where}: slider range {r['range']!r} is not [min,max,nticks,resolution]"
                )
            v = _num(raw, typ) if typ == "float" else int(str(raw).strip())
            s = Slider(
                rng[0],
                rng[1],
                step=rng[3],
                default=v,
                ticks=int(round(rng[2])),
                dtype=typ,
                label=label,
                size=size or (200, 1),
            )
            return s, s.default
        if wtype == "dictslider":
            return _dictslider(r, prow, where, label, size)
        if wtype == "listselection":
            typ = NUM_TYPES.get(ptype) or TEXT_TYPES.get(ptype)
            if typ is None:
                raise IVisitDBError(
                    f"{where}: list selection type {ptype!r} is not text, int or float"
                )
            opts = _items(r["range"])
            if typ == "int":
                opts, v = [int(o) for o in opts], int(str(raw).strip())
            elif typ == "float":
                opts, v = [float(o) for o in opts], float(raw)
            else:
                v = str(raw)
            s = Dropdown(tuple(opts), default=v, dtype=typ, label=label, size=size or (200, 1))
            return s, s.default
        if wtype == "checkbox":
            s = Checkbox(
                tuple(_items(r["range"])), default=checkbox_from_str(str(raw)), label=label
            )
            return s, s.default
        if wtype == "radiobutton":
            s = Radio(tuple(_items(r["range"])), default=str(raw), label=label)
            return s, s.default
        if wtype == "button":
            texts = _items(r["range"])
            if len(texts) != 2:
                raise IVisitDBError(
                    f"{where}: button range {r['range']!r} is not [label text, button text]"
                )
            return Button(label=label, text=texts[1], caption=texts[0]), None
        if wtype == "textfield":
            cols, rows = (size + (40, 1))[:2] if len(size) < 2 else size[:2]
            s = TextIn(
                default="" if raw is None else str(raw), rows=int(rows), cols=int(cols), label=label
            )
            return s, s.default
    except (TypeError, ValueError) as e:
        if isinstance(e, IVisitDBError):
            raise
        raise IVisitDBError(f"{where}: {e}") from None
    raise IVisitDBError(f"{where}: unknown parameter widget type {wtype!r}")


def _dictslider(r, prow, where, label, size):
    items = _items(r["items"])
    rng = _items(r["range"])
    prng = _items(prow["range"])
    vals = _items(r["value"])
    try:
        n, sel = int(items[0]), int(items[1])
    except (IndexError, ValueError):
        raise IVisitDBError(
            f"{where}: dictslider items {r['items']!r} do not start with [nitems, selected]"
        ) from None
    if len(items) != 2 + 2 * n or len(rng) != 1 + 5 * n or len(prng) != 1 + 4 * n or len(vals) != n:
        raise IVisitDBError(
            f"{where}: dictslider with {n} items has inconsistent range/items/value lists"
        )
    if len(size) != 5:
        raise IVisitDBError(
            f"{where}: dictslider size {r['size']!r} is not [width,cols,rows,mode,fontsize]"
        )
    out = {}
    for i in range(n):
        key, typ = prng[1 + 4 * i], NUM_TYPES.get(items[2 + 2 * i + 1], items[2 + 2 * i + 1])
        if typ not in ("int", "float"):
            raise IVisitDBError(
                f"{where}: dictslider item {key!r} type {typ!r} is not int or float"
            )
        nm, mn, mx, nt, sc = rng[1 + 5 * i : 6 + 5 * i]
        v = _num(vals[i], typ) if typ == "float" else int(vals[i])
        out[key] = Slider(
            _num(mn, typ),
            _num(mx, typ),
            step=_num(sc, typ),
            default=v,
            ticks=int(round(float(nt))),
            dtype=typ,
            label=nm,
        )
    s = DictSlider(
        out, selected=sel, mode=size[3], label=label, size=(size[0], size[1], size[2], size[4])
    )
    return s, s.default_value()


# ------------------------------------------------------------------------------------------------
# writing
# ------------------------------------------------------------------------------------------------
_DDL = """
CREATE TABLE simulation (key INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'N.N.',
  comment TEXT DEFAULT 'N.N.',
  date_init TEXT DEFAULT 'N.N.', date_lastmod TEXT DEFAULT 'N.N.',
  simsteps_per_frame INTEGER DEFAULT 1,
  frames_per_step INTEGER DEFAULT 1, delay_per_step INTEGER DEFAULT 1, grade INTEGER DEFAULT -1);
CREATE TABLE parameter (key INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'N.N.',
  comment TEXT DEFAULT 'N.N.',
  type TEXT DEFAULT 'int', range TEXT DEFAULT 'N.N.', listidx INTEGER DEFAULT 0);
CREATE TABLE dataarray (key INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'N.N.',
  comment TEXT DEFAULT 'N.N.',
  type TEXT DEFAULT 'int', range TEXT DEFAULT 'N.N.');
CREATE TABLE parameterwidget (key INTEGER PRIMARY KEY,
  key_simulation INTEGER NOT NULL DEFAULT 0 REFERENCES simulation(key) ON DELETE CASCADE,
  key_parameter INTEGER NOT NULL DEFAULT 0 REFERENCES parameter(key) ON DELETE CASCADE,
  name TEXT DEFAULT 'N.N.', comment TEXT DEFAULT 'N.N.', type TEXT DEFAULT 'slider',
  range TEXT DEFAULT '[0,1,1,1]',
  items TEXT DEFAULT '[Item1,Item2]', size TEXT DEFAULT '[0,0]', pos TEXT DEFAULT '[0,0]',
  value TEXT DEFAULT '0');
CREATE INDEX idx_pw_simulation ON parameterwidget(key_simulation);
CREATE TABLE datawidget (key INTEGER PRIMARY KEY,
  key_simulation INTEGER NOT NULL DEFAULT 0 REFERENCES simulation(key) ON DELETE CASCADE,
  key_dataarray INTEGER NOT NULL DEFAULT 0 REFERENCES dataarray(key) ON DELETE CASCADE,
  name TEXT DEFAULT 'N.N.', comment TEXT DEFAULT 'N.N.', type TEXT DEFAULT 'image',
  range TEXT DEFAULT 'N.N.',
  pos TEXT DEFAULT '[0,0]', scale FLOAT DEFAULT 1);
CREATE TABLE commentwidget (key INTEGER PRIMARY KEY,
  key_simulation INTEGER NOT NULL DEFAULT 0 REFERENCES simulation(key) ON DELETE CASCADE,
  name TEXT DEFAULT 'N.N.', comment TEXT DEFAULT 'N.N.', type TEXT DEFAULT 'textfield',
  fontname TEXT DEFAULT 'Arial',
  fontsize INTEGER DEFAULT 10, fontstyle TEXT DEFAULT 'normal', fontcolor TEXT DEFAULT 'black',
  bgcolor TEXT DEFAULT 'gray', flagDisplayName INTEGER DEFAULT 0, pos TEXT DEFAULT '[0,0]');
INSERT INTO simulation VALUES (0,'N.N.','N.N.','N.N.','N.N.',1,1,1,-1);
INSERT INTO commentwidget VALUES (0,0,'N.N.','N.N.','textfield','Arial',10,'normal','black','gray',
  0,'[0,0]');
"""


def write_ivisit(
    path: str | os.PathLike,
    specs: dict | SimSpec,
    values: dict | None = None,
    timing: dict | None = None,
    layout: dict | None = None,
) -> Path:
    """Write SimSpecs as a new IVISIT 0.72 database at ``path`` (which must not exist).

    Our extensions (log sliders, SCOPE, PLOT) have no IVISIT form.

    Parameters
    ----------
    path : str or PathLike
        The new database file.
    specs : dict or SimSpec
        {name: SimSpec}, or one SimSpec.
    values, timing, layout : dict or None
        Optional dicts by simulation name (values default to the spec defaults).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    FileExistsError
        If ``path`` exists.
    ValueError
        If a widget has no IVISIT form (named in the message).
    """
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"path: {str(path)!r} exists; IVISIT databases are written fresh")
    if isinstance(specs, SimSpec):
        specs = {specs.name: specs}
    values, timing, layout = values or {}, timing or {}, layout or {}
    conn = sqlite3.connect(path)
    try:
        conn.executescript(_DDL)
        pkeys, akeys = {}, {}
        for si, (name, spec) in enumerate(specs.items(), start=1):
            t = timing.get(name, Timing())
            conn.execute(
                "INSERT INTO simulation VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    si,
                    name,
                    "N.N.",
                    "N.N.",
                    "N.N.",
                    t.steps_per_frame,
                    t.frames_per_cycle,
                    int(round(t.delay_ms)),
                    -1,
                ),
            )
            pos = {
                w["widget"]: (w.get("extra") or {}).get("pos", [0, 0]) for w in layout.get(name, [])
            }
            vals = values.get(name, {})
            for pname, s in spec.parameters.items():
                v = vals.get(pname, s.default_value())
                subs = list(zip(s.items, v)) if isinstance(s, Listed) else [(s, v)]
                for idx, (ss, vv) in enumerate(subs):
                    li = idx if isinstance(s, Listed) else -1
                    ptype, prange, wtype, wrange, items, size, wval = _param_row(pname, ss, vv)
                    if wtype == "dictslider":
                        li = ss.selected
                    elif wtype in ("checkbox", "radiobutton", "button"):
                        li = 0  # IVISIT leaves the column at its default
                    if pname not in pkeys:
                        pkeys[pname] = len(pkeys)
                        conn.execute(
                            "INSERT INTO parameter VALUES (?,?,?,?,?,?)",
                            (pkeys[pname], pname, "N.N.", ptype, prange, li),
                        )
                    else:
                        conn.execute(
                            "UPDATE parameter SET type=?, range=?, listidx=? WHERE key=?",
                            (ptype, prange, li, pkeys[pname]),
                        )
                    conn.execute(
                        "INSERT INTO parameterwidget(key_simulation, key_parameter, name, "
                        "comment, type, "
                        "range, items, size, pos, value) VALUES (?,?,?,?,?,?,?,?,?,?)",
                        (
                            si,
                            pkeys[pname],
                            ss.label,
                            "N.N.",
                            wtype,
                            wrange,
                            items,
                            size,
                            _fmt_list(pos.get(pname, [0, 0])),
                            wval,
                        ),
                    )
            for dname, d in spec.displays.items():
                p = _fmt_list(pos.get(dname, [0, 0]))
                if isinstance(d, Comment):
                    conn.execute(
                        "INSERT INTO commentwidget(key_simulation, name, comment, pos) VALUES "
                        "(?,?,?,?)",
                        (si, d.label, d.text, p),
                    )
                    continue
                if isinstance(d, Image):
                    atype, arange = d.dtype, _fmt_list(d.range if d.range is not None else (0, 255))
                    wtype, scale = "image", float(d.scale)
                elif isinstance(d, TextOut):
                    atype, arange, wtype, scale = "text", "None", "textfield", 1.0
                else:
                    raise ValueError(
                        f"display {dname!r}: {type(d).__name__} has no IVISIT counterpart"
                    )
                if dname not in akeys:
                    akeys[dname] = len(akeys)
                    conn.execute(
                        "INSERT INTO dataarray VALUES (?,?,?,?,?)",
                        (akeys[dname], dname, "N.N.", atype, arange),
                    )
                wrange = arange if wtype == "image" else f"[just_{d.justify}]"
                conn.execute(
                    "INSERT INTO datawidget(key_simulation, key_dataarray, name, comment, "
                    "type, range, pos,"
                    " scale) VALUES (?,?,?,?,?,?,?,?)",
                    (si, akeys[dname], d.label, "N.N.", wtype, wrange, p, scale),
                )
        conn.commit()
    except Exception:
        conn.close()
        path.unlink(missing_ok=True)
        raise
    conn.close()
    return path


def _param_row(name, s, v):
    """(parameter type, parameter range, widget type, widget range, items, size, value) as IVISIT
    writes."""
    items, size = "[Item1,Item2]", "[0,0]"
    if isinstance(s, Slider):
        if s.log:
            raise ValueError(f"parameter {name!r}: log sliders have no IVISIT counterpart")
        return (
            s.dtype,
            _fmt_list([s.min, s.max]),
            "slider",
            _fmt_list([s.min, s.max, s.ticks, s.step]),
            items,
            _fmt_list(s.size),
            repr(v) if s.dtype == "float" else str(v),
        )
    if isinstance(s, DictSlider):
        keys = list(s.items)
        prange = [len(keys)]
        wrange = [len(keys)]
        its = [len(keys), s.selected]
        for k in keys:
            it = s.items[k]
            if it.log:
                raise ValueError(
                    f"parameter {name!r}: log dict-slider items have no IVISIT counterpart"
                )
            prange += [k, it.dtype, it.min, it.max]
            wrange += [it.label, it.min, it.max, it.ticks, it.step]
            its += [it.label, it.dtype]
        w, cols, rows, fs = s.size
        return (
            "text",
            _fmt_list(prange),
            "dictslider",
            _fmt_list(wrange),
            _fmt_list(its),
            _fmt_list([w, cols, rows, s.mode, fs]),
            "[" + ", ".join(str(v[k]) for k in keys) + "]",
        )
    if isinstance(s, Dropdown):
        return (
            s.dtype,
            _fmt_list(s.options),
            "listselection",
            _fmt_list(s.options),
            items,
            _fmt_list(s.size),
            str(v),
        )
    if isinstance(s, Checkbox):
        o = _fmt_list(s.options)
        return ("text", o, "checkbox", o, items, size, checkbox_to_str(v))
    if isinstance(s, Radio):
        o = _fmt_list(s.options)
        return ("text", o, "radiobutton", o, items, size, str(v))
    if isinstance(s, Button):
        o = _fmt_list([s.caption if s.caption is not None else s.label, s.text])
        return ("text", o, "button", o, items, size, "0")
    if isinstance(s, TextIn):
        return ("text", "None", "textfield", "None", items, _fmt_list([s.cols, s.rows]), str(v))
    raise ValueError(f"parameter {name!r}: {type(s).__name__} has no IVISIT counterpart")
