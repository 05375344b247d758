"""The one result cache: keyed by function, arguments and the sources the result depends on.

``@memoize`` stores a function's result under
``data/cache/results/<module.function>/<key>.pkl`` (``.pt`` with ``serializer="torch"``), where
``key`` is the SHA-256 of the function's qualified name, its bound arguments as canonical JSON and
:func:`source_fingerprint` of the function's module: a hash of that module and of every
``neuroplastic`` module it imports, directly or not. Editing a kernel therefore invalidates exactly
the results computed with it, and no others. Writes are atomic. ``refresh=True`` at call time
recomputes and overwrites; ``NEUROPLASTIC_NO_CACHE=1`` bypasses the cache (no read, no write).
A damaged cache file is an error that names the file; it is never silently recomputed.

Only the experiments layer (:mod:`neuroplastic.experiments`) memoizes; kernels never do.
"""

from __future__ import annotations

import ast
import dataclasses
import enum
import functools
import hashlib
import inspect
import json
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .paths import atomic_write_bytes, cache_dir


class CacheError(RuntimeError):
    """A cache file exists but cannot be read."""


SERIALIZERS = ("pickle", "torch")
_PKG = Path(__file__).resolve().parent


def _module_file(name: str) -> Path | None:
    """The source file of module ``neuroplastic.<...>`` (a package's ``__init__.py``)."""
    rel = Path(*name.split(".")[1:])
    for cand in (_PKG / rel / "__init__.py", (_PKG / rel).with_suffix(".py")):
        if cand.is_file():
            return cand
    return None


def _imports(name: str, path: Path) -> set[str]:
    """The ``neuroplastic`` modules that module ``name`` (at ``path``) imports."""
    is_pkg = path.name == "__init__.py"
    package = name if is_pkg else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "neuroplastic"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.split(".")[0] != "neuroplastic":
                continue
            found.add(mod)
            found |= {f"{mod}.{a.name}" for a in node.names if _module_file(f"{mod}.{a.name}")}
    # importing a.b.c runs the __init__ of a and a.b first
    return {".".join(m.split(".")[:i]) for m in found for i in range(1, m.count(".") + 2)}


@functools.cache
def module_closure(name: str) -> tuple[str, ...]:
    """Every ``neuroplastic`` module that importing module ``name`` executes.

    Parameters
    ----------
    name : str
        A dotted module name, ``neuroplastic.<...>``.

    Returns
    -------
    tuple of str
        The module names, sorted (``name`` included when its source exists).
    """
    seen, todo = set(), [name]
    while todo:
        mod = todo.pop()
        if mod in seen:
            continue
        path = _module_file(mod)
        if path is None:
            continue
        seen.add(mod)
        todo.extend(_imports(mod, path) - seen)
    return tuple(sorted(seen))


@functools.cache
def source_fingerprint(module: str | None = None) -> str:
    """A fingerprint of the sources that module ``module`` depends on.

    ``<version>-<sha256, first 16 hex>`` over the relative paths and bytes of the files of
    :func:`module_closure`; of every library source when ``module`` is None or outside the
    library (a test's helper function, say).

    Parameters
    ----------
    module : str, optional
        A dotted module name.

    Returns
    -------
    str
    """
    import neuroplastic

    mods = module_closure(module) if module and module.startswith("neuroplastic.") else ()
    files = sorted({_module_file(m) for m in mods} - {None}) or sorted(_PKG.rglob("*.py"))
    h = hashlib.sha256()
    for path in files:
        h.update(path.relative_to(_PKG).as_posix().encode())
        h.update(path.read_bytes())
    return f"{neuroplastic.__version__}-{h.hexdigest()[:16]}"


def canonical(value: Any) -> Any:
    """A JSON-able, order-independent image of ``value``.

    None, bools, strings, numbers, enums, lists/tuples, dicts (sorted by ``str(key)``), arrays
    (SHA-256 of the bytes with dtype and shape) and dataclass instances (class name and fields).

    Parameters
    ----------
    value : object

    Returns
    -------
    object
        JSON-able: None, bool, int, float, str, list or dict.

    Raises
    ------
    TypeError
        For a value of any other kind.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, np.ndarray):
        return {
            "ndarray": hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest(),
            "dtype": str(value.dtype),
            "shape": list(value.shape),
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"__class__": type(value).__qualname__, **fields}
    raise TypeError(f"cannot build a cache key from a {type(value).__name__}: {value!r}")


def cache_key(fn: Callable, args: tuple, kwargs: dict) -> str:
    """The cache key of the call ``fn(*args, **kwargs)``.

    SHA-256 (hex) of the JSON of the function's qualified name, its bound arguments (defaults
    applied, :func:`canonical`) and :func:`source_fingerprint` of its module.

    Parameters
    ----------
    fn : callable
        The undecorated function.
    args : tuple
        Positional arguments.
    kwargs : dict
        Keyword arguments.

    Returns
    -------
    str
        64 hex digits.

    Raises
    ------
    TypeError
        If the arguments do not bind to ``fn``'s signature or have no canonical image.
    """
    bound = inspect.signature(fn).bind(*args, **kwargs)
    bound.apply_defaults()
    payload = {
        "fn": f"{fn.__module__}.{fn.__qualname__}",
        "args": canonical(dict(bound.arguments)),
        "lib": source_fingerprint(fn.__module__),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def cache_path(fn: Callable, key: str, serializer: str = "pickle") -> Path:
    """Where the result of ``fn`` under ``key`` is stored.

    Parameters
    ----------
    fn : callable
        The undecorated function.
    key : str
        From :func:`cache_key`.
    serializer : {"pickle", "torch"}, default "pickle"
        Gives the suffix, ``.pkl`` or ``.pt``.

    Returns
    -------
    pathlib.Path
        ``<cache_dir>/results/<module.qualname>/<key><suffix>``.
    """
    suffix = ".pt" if serializer == "torch" else ".pkl"
    return cache_dir() / "results" / f"{fn.__module__}.{fn.__qualname__}" / f"{key}{suffix}"


def _dump(result, serializer: str) -> bytes:
    if serializer == "pickle":
        return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    import io

    import torch

    buf = io.BytesIO()
    torch.save(result, buf)
    return buf.getvalue()


def _load(path: Path, serializer: str):
    if serializer == "pickle":
        with open(path, "rb") as fh:
            return pickle.load(fh)
    import torch

    return torch.load(path, weights_only=False)


def _bypassed() -> bool:
    return os.environ.get("NEUROPLASTIC_NO_CACHE", "") not in ("", "0")


def memoize(fn: Callable | None = None, *, serializer: str = "pickle") -> Callable:
    """Decorator: cache ``fn``'s result (see module docstring). Adds the keyword ``refresh``.

    ``@memoize`` pickles the result; ``@memoize(serializer="torch")`` stores it with
    ``torch.save`` (models, tensors). The wrapper also has ``cache_key(*args, **kwargs)``,
    ``cache_path(...)`` and ``is_cached(...)`` (whether a call would be answered from the cache).

    Parameters
    ----------
    fn : callable, optional
        The function to wrap; omitted when called as ``@memoize(serializer=...)``.
    serializer : {"pickle", "torch"}, default "pickle"
        How results are written.

    Returns
    -------
    callable
        The wrapper (or, without ``fn``, a decorator). The wrapper raises :class:`CacheError`
        when a cached file cannot be read.

    Raises
    ------
    ValueError
        For an unknown ``serializer``.
    """
    if serializer not in SERIALIZERS:
        raise ValueError(f"serializer must be one of {SERIALIZERS}; got {serializer!r}")
    if fn is None:
        return functools.partial(memoize, serializer=serializer)

    @functools.wraps(fn)
    def wrapper(*args, refresh: bool = False, **kwargs):
        if _bypassed():
            return fn(*args, **kwargs)
        path = cache_path(fn, cache_key(fn, args, kwargs), serializer)
        if path.exists() and not refresh:
            try:
                return _load(path, serializer)
            except Exception as exc:
                raise CacheError(
                    f"cached result {path} is damaged ({type(exc).__name__}: {exc}); "
                    f"call again with refresh=True or delete the file"
                ) from exc
        result = fn(*args, **kwargs)
        atomic_write_bytes(path, _dump(result, serializer))
        return result

    wrapper.cache_key = lambda *a, **k: cache_key(fn, a, k)
    wrapper.cache_path = lambda *a, **k: cache_path(fn, cache_key(fn, a, k), serializer)
    wrapper.is_cached = lambda *a, **k: not _bypassed() and wrapper.cache_path(*a, **k).exists()
    return wrapper
