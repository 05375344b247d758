"""The SQLite parameter store (stdlib ``sqlite3``; parameterised queries only).

Per connection: ``isolation_level=None`` (we issue ``BEGIN IMMEDIATE`` ourselves),
``foreign_keys=ON``, WAL journal, ``busy_timeout`` = ``timeout`` seconds. The file carries
``application_id`` = :data:`APPLICATION_ID` and ``user_version`` = :data:`SCHEMA_VERSION`.

Schema v1 (``->`` is a foreign key with ON DELETE CASCADE)::

    simulations(id, name UNIQUE, spec_json, spec_hash, created)
    parameters(id, simulation_id ->, name, kind, dtype, spec_json, UNIQUE(simulation_id, name))
    displays  (id, simulation_id ->, name, kind, dtype, spec_json, UNIQUE(simulation_id, name))
    configurations(id, simulation_id ->, name, comment, created, modified, grade REAL NULL,
                   steps_per_frame, frames_per_cycle, delay_ms, search_run_id -> search_runs (SET
                   NULL),
                   UNIQUE(simulation_id, name))
    parameter_values(configuration_id ->, parameter_id ->, value_json, PRIMARY KEY(both))
    widget_layout(configuration_id ->, widget, kind, row, col, width, height, visible, extra_json)
    search_runs(id, simulation_id ->, method, space_json, objective, seed, started, finished)

Schema v0 (the first layout) had no ``search_runs`` table and no ``delay_ms``/``search_run_id``
columns; opening a v0 store migrates it in one transaction after a backup (``<path>.v0.bak``,
made with the sqlite3 backup API).

Every mutating call is one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``; ``ROLLBACK`` on any
exception), so a crash leaves a configuration absent or complete. Times are ISO-8601 UTC.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .simulation import Simulation, Timing, sim_spec
from .specs import Button

if TYPE_CHECKING:
    from .directives import SimSpec
    from .ivisit_db import IVisitImport

__all__ = [
    "Store",
    "StoreError",
    "StoreCorruptError",
    "ForeignStoreError",
    "StoreVersionError",
    "ConfigExists",
    "ConfigNotFound",
    "Config",
    "Diff",
    "APPLICATION_ID",
    "SCHEMA_VERSION",
]

APPLICATION_ID = 0x4E505349  # "NPSI": neuroplastic.sim
SCHEMA_VERSION = 1
_HEADER = b"SQLite format 3\x00"
_ORDER = {
    "grade": "c.grade IS NULL, c.grade DESC, c.id",
    "created": "c.created DESC, c.id DESC",
    "modified": "c.modified DESC, c.id DESC",
    "name": "c.name, c.id",
}


class StoreError(Exception):
    """Base class of store errors."""


class StoreCorruptError(StoreError):
    """Not an SQLite file, or the integrity check failed."""


class ForeignStoreError(StoreError):
    """An SQLite file that is not a neuroplastic.sim store."""


class StoreVersionError(StoreError):
    """The store was written by a newer schema version."""


class ConfigExists(StoreError):
    """A configuration of that name exists (pass overwrite=True)."""


class ConfigNotFound(StoreError, KeyError):
    """No such simulation or configuration."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


_SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS simulations (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, spec_json TEXT NOT NULL,
  spec_hash TEXT NOT NULL,
  created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS parameters (
  id INTEGER PRIMARY KEY,
  simulation_id INTEGER NOT NULL REFERENCES simulations(id) ON DELETE CASCADE,
  name TEXT NOT NULL, kind TEXT NOT NULL, dtype TEXT, spec_json TEXT NOT NULL,
  UNIQUE(simulation_id, name));
CREATE TABLE IF NOT EXISTS displays (
  id INTEGER PRIMARY KEY,
  simulation_id INTEGER NOT NULL REFERENCES simulations(id) ON DELETE CASCADE,
  name TEXT NOT NULL, kind TEXT NOT NULL, dtype TEXT, spec_json TEXT NOT NULL,
  UNIQUE(simulation_id, name));
CREATE TABLE IF NOT EXISTS search_runs (
  id INTEGER PRIMARY KEY,
  simulation_id INTEGER NOT NULL REFERENCES simulations(id) ON DELETE CASCADE,
  method TEXT NOT NULL, space_json TEXT NOT NULL, objective TEXT, seed INTEGER,
  started TEXT NOT NULL,
  finished TEXT);
CREATE TABLE IF NOT EXISTS configurations (
  id INTEGER PRIMARY KEY,
  simulation_id INTEGER NOT NULL REFERENCES simulations(id) ON DELETE CASCADE,
  name TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '', created TEXT NOT NULL,
  modified TEXT NOT NULL,
  grade REAL, steps_per_frame INTEGER NOT NULL DEFAULT 1,
  frames_per_cycle INTEGER NOT NULL DEFAULT 1,
  delay_ms REAL NOT NULL DEFAULT 0,
  search_run_id INTEGER REFERENCES search_runs(id) ON DELETE SET NULL,
  UNIQUE(simulation_id, name));
CREATE INDEX IF NOT EXISTS ix_configurations_grade ON configurations(grade);
CREATE INDEX IF NOT EXISTS ix_configurations_modified ON configurations(modified);
CREATE TABLE IF NOT EXISTS parameter_values (
  configuration_id INTEGER NOT NULL REFERENCES configurations(id) ON DELETE CASCADE,
  parameter_id INTEGER NOT NULL REFERENCES parameters(id) ON DELETE CASCADE,
  value_json TEXT NOT NULL, PRIMARY KEY(configuration_id, parameter_id));
CREATE TABLE IF NOT EXISTS widget_layout (
  configuration_id INTEGER NOT NULL REFERENCES configurations(id) ON DELETE CASCADE,
  widget TEXT NOT NULL, kind TEXT, row INTEGER, col INTEGER, width INTEGER, height INTEGER,
  visible INTEGER NOT NULL DEFAULT 1, extra_json TEXT, PRIMARY KEY(configuration_id, widget));
"""

# v0 -> v1: statements run inside one transaction.
_MIGRATIONS = {
    0: """
CREATE TABLE search_runs (
  id INTEGER PRIMARY KEY,
  simulation_id INTEGER NOT NULL REFERENCES simulations(id) ON DELETE CASCADE,
  method TEXT NOT NULL, space_json TEXT NOT NULL, objective TEXT, seed INTEGER,
  started TEXT NOT NULL,
  finished TEXT);
ALTER TABLE configurations ADD COLUMN delay_ms REAL NOT NULL DEFAULT 0;
ALTER TABLE configurations ADD COLUMN search_run_id INTEGER
  REFERENCES search_runs(id) ON DELETE SET NULL;
CREATE INDEX IF NOT EXISTS ix_configurations_grade ON configurations(grade);
CREATE INDEX IF NOT EXISTS ix_configurations_modified ON configurations(modified);
"""
}
_OUR_TABLES = {
    "simulations",
    "parameters",
    "displays",
    "configurations",
    "parameter_values",
    "widget_layout",
    "search_runs",
}


def now_iso() -> str:
    """The current UTC time as ISO-8601 with microseconds.

    Returns
    -------
    str
        E.g. '2026-01-01T12:00:00.000000+00:00'.
    """
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _dumps(name, value) -> str:
    try:
        return json.dumps(value, allow_nan=False, ensure_ascii=False, sort_keys=True)
    except ValueError:
        raise ValueError(
            f"parameter {name!r}: NaN and infinity cannot be stored, got {value!r}"
        ) from None
    except TypeError:
        raise TypeError(f"parameter {name!r}: value {value!r} is not JSON-serialisable") from None


@dataclass
class Config:
    """A loaded configuration. ``unknown``: stored values of parameters the simulation no longer
    has;
    ``defaulted``: parameters without a stored value (they keep their defaults)."""

    simulation: str
    name: str
    values: dict
    timing: Timing
    grade: float | None
    comment: str
    created: str
    modified: str
    layout: list = field(default_factory=list)
    unknown: dict = field(default_factory=dict)
    defaulted: list = field(default_factory=list)
    search_run_id: int | None = None


@dataclass
class Diff:
    """Differences between two configurations: ``changed`` name -> (a, b), ``only_a``, ``only_b``
    name -> value, ``timing`` field -> (a, b)."""

    changed: dict
    only_a: dict
    only_b: dict
    timing: dict

    @property
    def empty(self) -> bool:
        """True when the two configurations agree in every value and timing field."""
        return not (self.changed or self.only_a or self.only_b or self.timing)


class Store:
    """An SQLite store of simulations and configurations; a context manager.

    ``Store(path, create=True, readonly=False, timeout=5.0)``. Errors: :class:`StoreCorruptError`
    (not SQLite, failed integrity check), :class:`ForeignStoreError` (another application's file),
    :class:`StoreVersionError` (newer schema), :class:`StoreError` (missing file, read-only)."""

    def __init__(
        self,
        path: str | os.PathLike,
        create: bool = True,
        readonly: bool = False,
        timeout: float = 5.0,
    ) -> None:
        """Open (or create) the store at ``path``.

        Parameters
        ----------
        path : str or PathLike
            The SQLite file.
        create : bool
            Create a missing file.
        readonly : bool
            Refuse writes.
        timeout : float
            busy_timeout in seconds (> 0).

        Raises
        ------
        ValueError
            If ``timeout`` <= 0.
        StoreError, StoreCorruptError, ForeignStoreError, StoreVersionError
            See the class docstring.
        """
        if not isinstance(timeout, (int, float)) or timeout <= 0:
            raise ValueError(f"timeout must be > 0 seconds, got {timeout!r}")
        self.path = Path(path)
        self.readonly, self.timeout = bool(readonly), float(timeout)
        self._after_row = None  # test hook: called with the row index inside a multi-row save
        exists = self.path.exists() and self.path.stat().st_size > 0
        if not exists and (readonly or not create):
            raise StoreError(f"no store at {self.path} (create=False or readonly=True)")
        # The file is never opened with open(): closing any descriptor of a database file drops this
        # process's POSIX locks on it, which would corrupt other connections of the same process in
        # WAL mode. SQLite itself reports a non-database file when the pragmas below read the
        # header.
        try:
            if readonly:
                self.conn = sqlite3.connect(
                    f"file:{self.path}?mode=ro",
                    uri=True,
                    timeout=self.timeout,
                    isolation_level=None,
                    check_same_thread=False,
                )
            else:
                self.conn = sqlite3.connect(
                    str(self.path),
                    timeout=self.timeout,
                    isolation_level=None,
                    check_same_thread=False,
                )
        except sqlite3.Error as e:
            raise StoreError(f"cannot open {self.path}: {e}") from None
        try:
            self._open()
        except BaseException:
            self.conn.close()
            raise

    # --- opening ---------------------------------------------------------------------------------
    def _open(self):
        c = self.conn
        c.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        try:
            app = c.execute("PRAGMA application_id").fetchone()[0]
            ver = c.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if tables:
                res = c.execute("PRAGMA quick_check").fetchall()
                if [r[0] for r in res] != ["ok"]:
                    raise StoreCorruptError(f"{self.path} failed the integrity check: {res[:3]}")
        except sqlite3.DatabaseError as e:
            raise StoreCorruptError(f"{self.path} is damaged or not a database: {e}") from None
        if app not in (0, APPLICATION_ID) or (app == 0 and tables):
            hint = ""
            if {t.lower() for t in tables} & {
                "simulation",
                "simulations",
                "parameter",
                "parameters",
                "widget",
                "widgets",
                "dataarrays",
                "data",
            }:
                hint = (
                    " It looks like an original IVISIT database; IVISIT files cannot be "
                    "opened as a store."
                )
            raise ForeignStoreError(
                f"{self.path} is an SQLite file of another application "
                f"(application_id={app}, tables={sorted(tables)[:6]}).{hint}"
            )
        if ver > SCHEMA_VERSION:
            raise StoreVersionError(
                f"{self.path} has schema version {ver}; this library reads up to "
                f"{SCHEMA_VERSION}. Upgrade neuroplastic."
            )
        c.execute("PRAGMA foreign_keys = ON")
        if self.readonly:
            if app == APPLICATION_ID and ver < SCHEMA_VERSION:
                raise StoreVersionError(
                    f"{self.path} has schema version {ver} and needs a migration; "
                    f"open it writable once"
                )
            return
        if c.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            c.execute("PRAGMA journal_mode = WAL")
        if app == APPLICATION_ID and 0 <= ver < SCHEMA_VERSION:
            self._migrate(ver)
        elif not tables:
            with self._tx() as cur:
                if (
                    cur.execute("PRAGMA user_version").fetchone()[0] == 0
                    and cur.execute("PRAGMA application_id").fetchone()[0] == 0
                ):
                    for stmt in _SCHEMA_V1.split(";"):
                        if stmt.strip():
                            cur.execute(stmt)
                    cur.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    cur.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _migrate(self, ver):
        backup = Path(f"{self.path}.v{ver}.bak")
        dst = sqlite3.connect(str(backup))
        try:
            self.conn.backup(dst)
        finally:
            dst.close()
        with self._tx() as cur:
            v = cur.execute("PRAGMA user_version").fetchone()[0]
            while v < SCHEMA_VERSION:
                for stmt in _MIGRATIONS[v].split(";"):
                    if stmt.strip():
                        cur.execute(stmt)
                v += 1
                cur.execute(f"PRAGMA user_version = {v}")
        self.backup_path = backup

    @contextmanager
    def _tx(self):
        if self.readonly:
            raise StoreError(f"{self.path} was opened read-only; writing is not allowed")
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            yield c
        except BaseException:
            c.execute("ROLLBACK")
            raise
        else:
            c.execute("COMMIT")

    def close(self) -> None:
        """Close the connection (idempotent)."""
        if getattr(self, "conn", None) is not None:
            self.conn.close()
            self.conn = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def schema_version(self) -> int:
        """The file's ``user_version`` (the schema version)."""
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def check(self) -> dict:
        """``integrity_check`` and ``foreign_key_check``; ``ok`` is True when both are clean.

        Returns
        -------
        dict
            ``integrity`` (list of str), ``foreign_keys`` (list of tuples) and ``ok`` (bool).
        """
        integ = [r[0] for r in self.conn.execute("PRAGMA integrity_check").fetchall()]
        fks = self.conn.execute("PRAGMA foreign_key_check").fetchall()
        return {
            "integrity": integ,
            "foreign_keys": [tuple(r) for r in fks],
            "ok": integ == ["ok"] and not fks,
        }

    # --- simulations -----------------------------------------------------------------------------
    def _sim_id(self, cur, sim, create=False):
        if isinstance(sim, str):
            name, spec = sim, None
        else:
            spec = sim_spec(sim)
            name = spec.name
        row = cur.execute(
            "SELECT id, spec_hash FROM simulations WHERE name = ?", (name,)
        ).fetchone()
        if row is None and not create:
            raise ConfigNotFound(f"no simulation {name!r} in {self.path}")
        if spec is None or not create:
            return row[0]
        h = spec.hash()
        if row is None:
            sid = cur.execute(
                "INSERT INTO simulations(name, spec_json, spec_hash, created) VALUES (?,?,?,?)",
                (name, spec.to_json(), h, now_iso()),
            ).lastrowid
        else:
            sid = row[0]
            if row[1] == h:
                return sid
            cur.execute(
                "UPDATE simulations SET spec_json = ?, spec_hash = ? WHERE id = ?",
                (spec.to_json(), h, sid),
            )
        for table, specs in (("parameters", spec.parameters), ("displays", spec.displays)):
            for pname, s in specs.items():
                d = s.to_dict()
                cur.execute(
                    f"INSERT INTO {table}(simulation_id, name, kind, dtype, spec_json) VALUES "
                    f"(?,?,?,?,?) "
                    f"ON CONFLICT(simulation_id, name) DO UPDATE SET kind=excluded.kind, "
                    f"dtype=excluded.dtype, spec_json=excluded.spec_json",
                    (sid, pname, s.kind, str(d.get("dtype")), json.dumps(d, sort_keys=True)),
                )
        return sid

    def simulations(self) -> list:
        """Names of the stored simulations.

        Returns
        -------
        list of str
            Sorted by name.
        """
        return [r[0] for r in self.conn.execute("SELECT name FROM simulations ORDER BY name")]

    def _cfg_id(self, cur, sid, name):
        row = cur.execute(
            "SELECT id FROM configurations WHERE simulation_id = ? AND name = ?", (sid, name)
        ).fetchone()
        if row is None:
            raise ConfigNotFound(f"no configuration {name!r}")
        return row[0]

    # --- configurations --------------------------------------------------------------------------
    def save(
        self,
        sim: str | Simulation | type[Simulation] | SimSpec,
        name: str,
        *,
        values: dict | None = None,
        timing: Timing | None = None,
        comment: str = "",
        grade: float | None = None,
        overwrite: bool = False,
        layout: list | None = None,
        search_run_id: int | None = None,
    ) -> int:
        """Save a configuration of ``sim`` (a Simulation instance or class) in one transaction.

        ``values`` default to the instance's (or the declared defaults); buttons are not stored.

        Parameters
        ----------
        sim : str, Simulation (class or instance) or SimSpec
            The simulation, or its name.
        name : str
            Configuration name (non-empty).
        values : dict or None
            Parameter name -> value (validated against the declarations).
        timing : Timing or None
            Cycle timing (default: the simulation's, or ``Timing()``).
        comment : str
            Free text.
        grade : float or None
            A finite score (higher is better in listings) or None.
        overwrite : bool
            Replace an existing configuration of that name.
        layout : list or None
            Widget layout rows (dicts); None = one default row per widget.
        search_run_id : int or None
            The search run that produced it.

        Returns
        -------
        int
            The configuration id.

        Raises
        ------
        ValueError
            If the name is empty, a parameter is undeclared or the grade is not finite.
        TypeError
            If a value is not JSON-serialisable.
        ConfigExists
            If ``name`` exists and ``overwrite`` is False.
        StoreError
            If the store is read-only.
        """
        if not isinstance(name, str) or not name:
            raise ValueError(f"name must be a non-empty str, got {name!r}")
        spec = sim_spec(sim)
        if values is None:
            values = (
                sim.p.values()
                if isinstance(sim, Simulation)
                else {k: s.default_value() for k, s in spec.parameters.items()}
            )
        if timing is None:
            timing = sim.timing if isinstance(sim, (Simulation, type)) else Timing()
        if grade is not None:
            if (
                isinstance(grade, bool)
                or not isinstance(grade, (int, float))
                or not math.isfinite(grade)
            ):
                raise ValueError(f"grade must be a finite number or None, got {grade!r}")
            grade = float(grade)
        rows = []
        for k, v in values.items():
            if k not in spec.parameters:
                raise ValueError(f"parameter {k!r} is not declared by simulation {spec.name!r}")
            if isinstance(spec.parameters[k], Button):
                continue
            rows.append((k, _dumps(k, spec.parameters[k].validate(k, v))))
        if layout is None:
            layout = [
                {
                    "widget": k,
                    "kind": s.kind,
                    "row": i,
                    "col": 0,
                    "width": int(getattr(s, "size", (200,))[0]),
                    "height": int(getattr(s, "size", (0, 1))[1])
                    if len(getattr(s, "size", ())) > 1
                    else 1,
                    "visible": True,
                }
                for i, (k, s) in enumerate(
                    list(spec.parameters.items()) + list(spec.displays.items())
                )
            ]
        ts = now_iso()
        with self._tx() as cur:
            sid = self._sim_id(cur, sim, create=True)
            old = cur.execute(
                "SELECT id, created FROM configurations WHERE simulation_id = ? AND name = ?",
                (sid, name),
            ).fetchone()
            created = ts
            if old is not None:
                if not overwrite:
                    raise ConfigExists(
                        f"configuration {name!r} of {spec.name!r} exists; pass overwrite=True"
                    )
                created = old[1]
                cur.execute("DELETE FROM configurations WHERE id = ?", (old[0],))
            cid = cur.execute(
                "INSERT INTO configurations(simulation_id, name, comment, created, modified, "
                "grade, steps_per_frame,"
                " frames_per_cycle, delay_ms, search_run_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    sid,
                    name,
                    comment,
                    created,
                    ts,
                    grade,
                    timing.steps_per_frame,
                    timing.frames_per_cycle,
                    float(timing.delay_ms),
                    search_run_id,
                ),
            ).lastrowid
            pids = dict(
                cur.execute(
                    "SELECT name, id FROM parameters WHERE simulation_id = ?", (sid,)
                ).fetchall()
            )
            for i, (k, vj) in enumerate(rows):
                cur.execute(
                    "INSERT INTO parameter_values(configuration_id, parameter_id, value_json) "
                    "VALUES (?,?,?)",
                    (cid, pids[k], vj),
                )
                if self._after_row is not None:
                    self._after_row(i)
            for w in layout:
                cur.execute(
                    "INSERT INTO widget_layout(configuration_id, widget, kind, row, col, "
                    "width, height,"
                    " visible, extra_json) VALUES (?,?,?,?,?,?,?,?,?)",
                    (
                        cid,
                        w["widget"],
                        w.get("kind"),
                        w.get("row"),
                        w.get("col"),
                        w.get("width"),
                        w.get("height"),
                        int(bool(w.get("visible", True))),
                        json.dumps(w.get("extra")),
                    ),
                )
        return cid

    def _raw(self, sim, name):
        c = self.conn
        sid = self._sim_id(c, sim)
        row = c.execute(
            "SELECT id, comment, created, modified, grade, steps_per_frame, frames_per_cycle, "
            "delay_ms,"
            " search_run_id FROM configurations WHERE simulation_id = ? AND name = ?",
            (sid, name),
        ).fetchone()
        if row is None:
            sname = sim if isinstance(sim, str) else sim_spec(sim).name
            raise ConfigNotFound(f"no configuration {name!r} of simulation {sname!r}")
        vals = {
            k: json.loads(v)
            for k, v in c.execute(
                "SELECT p.name, v.value_json FROM parameter_values v JOIN parameters p ON p.id "
                "= v.parameter_id "
                "WHERE v.configuration_id = ? ORDER BY p.id",
                (row[0],),
            )
        }
        layout = [
            dict(
                zip(
                    ("widget", "kind", "row", "col", "width", "height", "visible", "extra"),
                    r[:7] + (json.loads(r[7]) if r[7] else None,),
                )
            )
            for r in c.execute(
                "SELECT widget, kind, row, col, width, height, visible, extra_json FROM "
                "widget_layout"
                " WHERE configuration_id = ? ORDER BY row, col",
                (row[0],),
            )
        ]
        return row, vals, layout

    def load(self, sim: str | Simulation | type[Simulation] | SimSpec, name: str) -> Config:
        """Load configuration ``name``.

        With a Simulation (class or instance), values are validated against its current declarations
        (unknown ones reported, new ones defaulted).

        Parameters
        ----------
        sim : str, Simulation (class or instance) or SimSpec
            The simulation, or its name.
        name : str
            Configuration name.

        Returns
        -------
        Config
            Values, timing, grade, comment, times, layout, ``unknown`` and ``defaulted``.

        Raises
        ------
        ConfigNotFound
            If the simulation or configuration does not exist.
        """
        row, vals, layout = self._raw(sim, name)
        unknown, defaulted = {}, []
        if not isinstance(sim, str):
            spec = sim_spec(sim)
            unknown = {k: v for k, v in vals.items() if k not in spec.parameters}
            vals = {
                k: spec.parameters[k].validate(k, v)
                for k, v in vals.items()
                if k in spec.parameters
            }
            defaulted = [
                k for k, s in spec.parameters.items() if k not in vals and not isinstance(s, Button)
            ]
            sname = spec.name
        else:
            sname = sim
        return Config(
            sname,
            name,
            vals,
            Timing(row[5], row[6], row[7]),
            row[4],
            row[1],
            row[2],
            row[3],
            layout,
            unknown,
            defaulted,
            row[8],
        )

    def copy(
        self,
        sim: str | Simulation | type[Simulation] | SimSpec,
        src: str,
        dst: str,
        *,
        values: dict | None = None,
        comment: str | None = None,
    ) -> int:
        """Copy configuration ``src`` to ``dst`` (optionally changing some values), one transaction.

        Parameters
        ----------
        sim : str, Simulation (class or instance) or SimSpec
            The simulation, or its name.
        src, dst : str
            Source and new configuration names.
        values : dict or None
            Values that replace the copied ones.
        comment : str or None
            New comment (None keeps the source's).

        Returns
        -------
        int
            The new configuration id.

        Raises
        ------
        ConfigExists
            If ``dst`` exists.
        ConfigNotFound
            If the simulation or configuration does not exist.
        """
        row, vals, layout = self._raw(sim, src)
        if values:
            vals.update(values)
        with self._tx() as cur:
            sid = self._sim_id(cur, sim)
            if cur.execute(
                "SELECT 1 FROM configurations WHERE simulation_id = ? AND name = ?", (sid, dst)
            ).fetchone():
                raise ConfigExists(f"configuration {dst!r} exists")
            ts = now_iso()
            cid = cur.execute(
                "INSERT INTO configurations(simulation_id, name, comment, created, modified, "
                "grade, steps_per_frame,"
                " frames_per_cycle, delay_ms) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    sid,
                    dst,
                    row[1] if comment is None else comment,
                    ts,
                    ts,
                    row[4],
                    row[5],
                    row[6],
                    row[7],
                ),
            ).lastrowid
            pids = dict(
                cur.execute(
                    "SELECT name, id FROM parameters WHERE simulation_id = ?", (sid,)
                ).fetchall()
            )
            for k, v in vals.items():
                if k not in pids:
                    raise ValueError(f"parameter {k!r} is not declared by this simulation")
                cur.execute(
                    "INSERT INTO parameter_values(configuration_id, parameter_id, value_json) "
                    "VALUES (?,?,?)",
                    (cid, pids[k], _dumps(k, v)),
                )
            for w in layout:
                cur.execute(
                    "INSERT INTO widget_layout(configuration_id, widget, kind, row, col, "
                    "width, height, visible)"
                    " VALUES (?,?,?,?,?,?,?,?)",
                    (
                        cid,
                        w["widget"],
                        w["kind"],
                        w["row"],
                        w["col"],
                        w["width"],
                        w["height"],
                        w["visible"],
                    ),
                )
        return cid

    def rename(
        self, sim: str | Simulation | type[Simulation] | SimSpec, old: str, new: str
    ) -> None:
        """Rename configuration ``old`` to ``new`` (one transaction).

        Parameters
        ----------
        sim : str, Simulation (class or instance) or SimSpec
            The simulation, or its name.
        old, new : str
            Current and new name.

        Raises
        ------
        ConfigExists
            If ``new`` exists.
        ConfigNotFound
            If the simulation or configuration does not exist.
        """
        with self._tx() as cur:
            sid = self._sim_id(cur, sim)
            cid = self._cfg_id(cur, sid, old)
            if cur.execute(
                "SELECT 1 FROM configurations WHERE simulation_id = ? AND name = ?", (sid, new)
            ).fetchone():
                raise ConfigExists(f"configuration {new!r} exists")
            cur.execute(
                "UPDATE configurations SET name = ?, modified = ? WHERE id = ?",
                (new, now_iso(), cid),
            )

    def delete(self, sim: str | Simulation | type[Simulation] | SimSpec, name: str) -> None:
        """Delete a configuration (its values and layout cascade).

        Parameters
        ----------
        sim : str, Simulation (class or instance) or SimSpec
            The simulation, or its name.
        name : str
            Configuration name.

        Raises
        ------
        ConfigNotFound
            If the simulation or configuration does not exist.
        """
        with self._tx() as cur:
            cur.execute(
                "DELETE FROM configurations WHERE id = ?",
                (self._cfg_id(cur, self._sim_id(cur, sim), name),),
            )

    def delete_simulation(self, sim: str | Simulation | type[Simulation] | SimSpec) -> None:
        """Delete a simulation with all its configurations (cascading).

        Parameters
        ----------
        sim : str, Simulation (class or instance) or SimSpec
            The simulation, or its name.

        Raises
        ------
        ConfigNotFound
            If the simulation does not exist.
        """
        with self._tx() as cur:
            cur.execute("DELETE FROM simulations WHERE id = ?", (self._sim_id(cur, sim),))

    def set_grade(
        self, sim: str | Simulation | type[Simulation] | SimSpec, name: str, grade: float | None
    ) -> None:
        """Set (or clear, with None) the grade of a configuration.

        Parameters
        ----------
        sim : str, Simulation (class or instance) or SimSpec
            The simulation, or its name.
        name : str
            Configuration name.
        grade : float or None
            A finite score, or None.

        Raises
        ------
        ValueError
            If ``grade`` is not finite.
        ConfigNotFound
            If the simulation or configuration does not exist.
        """
        if grade is not None and (
            isinstance(grade, bool)
            or not isinstance(grade, (int, float))
            or not math.isfinite(grade)
        ):
            raise ValueError(f"grade must be a finite number or None, got {grade!r}")
        with self._tx() as cur:
            cid = self._cfg_id(cur, self._sim_id(cur, sim), name)
            cur.execute(
                "UPDATE configurations SET grade = ?, modified = ? WHERE id = ?",
                (None if grade is None else float(grade), now_iso(), cid),
            )

    def list(
        self,
        sim: str | Simulation | type[Simulation] | SimSpec | None = None,
        order_by: str = "grade",
    ) -> list:
        """Configurations as dicts, in a chosen order.

        Orders: ``grade`` (best first, NULL last), ``created`` or ``modified`` (newest first),
        ``name``.

        Parameters
        ----------
        sim : str, Simulation, SimSpec or None
            Only this simulation's configurations (None = all).
        order_by : str
            'grade', 'created', 'modified' or 'name'.

        Returns
        -------
        list of dict
            simulation, name, grade, created, modified, comment, search_run_id.

        Raises
        ------
        ValueError
            If ``order_by`` is unknown.
        """
        if order_by not in _ORDER:
            raise ValueError(f"order_by must be one of {sorted(_ORDER)}, got {order_by!r}")
        q = (
            "SELECT s.name, c.name, c.grade, c.created, c.modified, c.comment, c.search_run_id "
            "FROM configurations c"
            " JOIN simulations s ON s.id = c.simulation_id"
        )
        args = ()
        if sim is not None:
            q += " WHERE s.name = ?"
            args = (sim if isinstance(sim, str) else sim_spec(sim).name,)
        q += " ORDER BY " + _ORDER[order_by]
        keys = ("simulation", "name", "grade", "created", "modified", "comment", "search_run_id")
        return [dict(zip(keys, r)) for r in self.conn.execute(q, args)]

    def count(self, sim: str | Simulation | type[Simulation] | SimSpec | None = None) -> int:
        """Number of configurations (of ``sim``, or all).

        Parameters
        ----------
        sim : str, Simulation, SimSpec or None
            The simulation (None = all).

        Returns
        -------
        int
            The count.
        """
        return len(self.list(sim, "name"))

    def diff(self, sim: str | Simulation | type[Simulation] | SimSpec, a: str, b: str) -> Diff:
        """Exact differences of values and timing between configurations ``a`` and ``b``.

        Parameters
        ----------
        sim : str, Simulation (class or instance) or SimSpec
            The simulation, or its name.
        a, b : str
            Configuration names.

        Returns
        -------
        Diff
            changed, only_a, only_b, timing.

        Raises
        ------
        ConfigNotFound
            If the simulation or configuration does not exist.
        """
        ra, va, _ = self._raw(sim, a)
        rb, vb, _ = self._raw(sim, b)
        changed = {k: (va[k], vb[k]) for k in va if k in vb and va[k] != vb[k]}
        timing = {
            f: (x, y)
            for f, x, y in zip(
                ("steps_per_frame", "frames_per_cycle", "delay_ms"), ra[5:8], rb[5:8]
            )
            if x != y
        }
        return Diff(
            changed,
            {k: v for k, v in va.items() if k not in vb},
            {k: v for k, v in vb.items() if k not in va},
            timing,
        )

    # --- search runs -----------------------------------------------------------------------------
    # --- original IVISIT databases ---------------------------------------------------------------
    def import_ivisit(
        self, path: str | os.PathLike, config_name: str = "ivisit", overwrite: bool = False
    ) -> IVisitImport:
        """Import an original IVISIT database (its six tables) into this store.

        IVISIT is described in knoblauch2024ivisit.

        Every IVISIT simulation becomes a simulation here (its widgets -> parameter and display
        specs) with one configuration ``config_name`` holding the widgets' values, IVISIT's timing
        (simsteps_per_frame, frames_per_step, delay_per_step), grade, comment and the widget
        positions (layout ``extra["pos"]``). One transaction per simulation.

        Parameters
        ----------
        path : str or PathLike
            The IVISIT database file.
        config_name : str
            Name of the configuration created per simulation.
        overwrite : bool
            Replace existing configurations of that name.

        Returns
        -------
        IVisitImport
            Whose ``notes`` list everything that has no counterpart here (nothing is dropped
            silently).
        """
        from .ivisit_db import read_ivisit

        imp = read_ivisit(path)
        for name, spec in imp.specs.items():
            self.save(
                spec,
                config_name,
                values=imp.values[name],
                timing=imp.timing[name],
                comment=imp.comment[name],
                grade=imp.grade[name],
                overwrite=overwrite,
                layout=imp.layout[name],
            )
        return imp

    def export_ivisit(
        self,
        path: str | os.PathLike,
        config_name: str = "ivisit",
        simulations: list[str] | None = None,
    ) -> Path:
        """Write simulations as a new original IVISIT database at ``path``.

        Each simulation (default: all) is written with its configuration ``config_name``, or the
        spec defaults where it has none.

        Parameters
        ----------
        path : str or PathLike
            The new database file.
        config_name : str
            The configuration to export.
        simulations : list of str or None
            Simulation names (None = all).

        Returns
        -------
        Path
            ``path`` (from :func:`~neuroplastic.sim.ivisit_db.write_ivisit`).

        Raises
        ------
        ConfigNotFound
            If a named simulation does not exist.
        """
        from .directives import SimSpec
        from .ivisit_db import write_ivisit

        specs, values, timing, layout = {}, {}, {}, {}
        for name in simulations or self.simulations():
            row = self.conn.execute(
                "SELECT spec_json FROM simulations WHERE name = ?", (name,)
            ).fetchone()
            if row is None:
                raise ConfigNotFound(f"no simulation {name!r} in {self.path}")
            specs[name] = SimSpec.from_json(row[0])
            try:
                cfg = self.load(specs[name], config_name)
            except ConfigNotFound:
                continue
            values[name], timing[name], layout[name] = cfg.values, cfg.timing, cfg.layout
        return write_ivisit(path, specs, values, timing, layout)

    def begin_search(
        self,
        sim: str | Simulation | type[Simulation] | SimSpec,
        method: str,
        space: dict,
        objective: str,
        seed: int | None,
    ) -> int:
        """Record the start of a search run.

        Parameters
        ----------
        sim : str, Simulation (class or instance) or SimSpec
            The simulation, or its name.
        method : str
            'grid' or 'random'.
        space : dict
            The search space (stored as JSON).
        objective : str
            Name of the objective.
        seed : int or None
            The search seed.

        Returns
        -------
        int
            The run id.
        """
        with self._tx() as cur:
            sid = self._sim_id(cur, sim, create=True)
            return cur.execute(
                "INSERT INTO search_runs(simulation_id, method, space_json, objective, seed, "
                "started)"
                " VALUES (?,?,?,?,?,?)",
                (sid, method, json.dumps(space, default=str), objective, seed, now_iso()),
            ).lastrowid

    def finish_search(self, run_id: int) -> None:
        """Stamp the finish time of search run ``run_id``.

        Parameters
        ----------
        run_id : int
            From :meth:`begin_search`.
        """
        with self._tx() as cur:
            cur.execute("UPDATE search_runs SET finished = ? WHERE id = ?", (now_iso(), run_id))

    def search_errors(self, run_id: int) -> dict:
        """The failed configurations of a search run (grade NULL).

        Parameters
        ----------
        run_id : int
            From :meth:`begin_search`.

        Returns
        -------
        dict
            Configuration name -> its comment (the error).
        """
        return {
            r[0]: r[1]
            for r in self.conn.execute(
                "SELECT name, comment FROM configurations "
                "WHERE search_run_id = ? AND grade IS NULL",
                (run_id,),
            )
        }


def copy_store(src: Store, dst_path: str | os.PathLike) -> None:
    """Copy a (WAL) store file safely with the sqlite3 backup API.

    Parameters
    ----------
    src : Store
        An open store.
    dst_path : str or PathLike
        The copy's path.
    """
    dst = sqlite3.connect(os.fspath(dst_path))
    try:
        src.conn.backup(dst)
    finally:
        dst.close()
