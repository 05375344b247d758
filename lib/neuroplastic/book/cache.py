"""A result cache keyed by function, arguments and library version.

``@memoize`` stores a function's (picklable) result under
``data/cache/results/<module.function>/<key>.pkl``, where ``key`` is the SHA-256 of the
function's qualified name, its bound arguments as canonical JSON and :func:`library_fingerprint`
of the function's subpackage (the package version plus a hash of the sources the result can depend
on, so a kernel edit invalidates that subpackage's old results and no others). Writes are atomic. ``refresh=True`` at call time recomputes and overwrites; the
environment variable ``NEUROPLASTIC_NO_CACHE=1`` bypasses the cache entirely (no read, no write).
A damaged cache file is an error that names the file; it is never silently recomputed.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import inspect
import json
import os
import pickle
from pathlib import Path

import numpy as np

from .paths import atomic_write_bytes, cache_dir


class CacheError(RuntimeError):
    """A cache file exists but cannot be read."""


#: Sources every computing subpackage may use; a result's key always includes them.
SHARED_SOURCES = ("__init__.py", "parallel.py", "bench.py", "data")


@functools.lru_cache(maxsize=None)
def library_fingerprint(scope: str | None = None) -> str:
    """``<version>-<sha256 of the sources, first 16 hex>``.

    ``scope`` names a subpackage (``"assoc"``): hash its sources and :data:`SHARED_SOURCES`.
    ``None`` or a name that is not a subpackage directory: hash every ``neuroplastic/*.py``.
    The subpackages that memoize (assoc, competitive, perturbation) import no other computing
    subpackage, so editing one never invalidates another's cached results.
    """
    import neuroplastic

    pkg = Path(neuroplastic.__file__).parent
    if scope and (pkg / scope).is_dir():
        roots = [pkg / scope, *(pkg / s for s in SHARED_SOURCES)]
        files = [f for r in roots for f in ([r] if r.is_file() else r.rglob("*.py"))]
    else:
        files = list(pkg.rglob("*.py"))
    h = hashlib.sha256()
    for path in sorted(files):
        h.update(path.relative_to(pkg).as_posix().encode())
        h.update(path.read_bytes())
    return f"{neuroplastic.__version__}-{h.hexdigest()[:16]}"


def _scope(fn) -> str | None:
    parts = fn.__module__.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "neuroplastic" else None


def canonical(value):
    """A JSON-able, order-independent image of ``value`` (raises ``TypeError`` if impossible)."""
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
        return {"ndarray": hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest(),
                "dtype": str(value.dtype), "shape": list(value.shape)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"__class__": type(value).__qualname__, **fields}
    raise TypeError(f"cannot build a cache key from a {type(value).__name__}: {value!r}")


def cache_key(fn, args: tuple, kwargs: dict) -> str:
    bound = inspect.signature(fn).bind(*args, **kwargs)
    bound.apply_defaults()
    payload = {"fn": f"{fn.__module__}.{fn.__qualname__}", "args": canonical(dict(bound.arguments)),
               "lib": library_fingerprint(_scope(fn))}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def cache_path(fn, key: str) -> Path:
    return cache_dir() / "results" / f"{fn.__module__}.{fn.__qualname__}" / f"{key}.pkl"


def memoize(fn):
    """Decorator: cache ``fn``'s result (see module docstring). Adds the keyword ``refresh``."""

    @functools.wraps(fn)
    def wrapper(*args, refresh: bool = False, **kwargs):
        if os.environ.get("NEUROPLASTIC_NO_CACHE", "") not in ("", "0"):
            return fn(*args, **kwargs)
        path = cache_path(fn, cache_key(fn, args, kwargs))
        if path.exists() and not refresh:
            try:
                with open(path, "rb") as fh:
                    return pickle.load(fh)
            except Exception as exc:
                raise CacheError(
                    f"cached result {path} is damaged ({type(exc).__name__}: {exc}); "
                    f"call again with refresh=True or delete the file"
                ) from exc
        result = fn(*args, **kwargs)
        atomic_write_bytes(path, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        return result

    wrapper.cache_key = lambda *a, **k: cache_key(fn, a, k)
    wrapper.cache_path = lambda *a, **k: cache_path(fn, cache_key(fn, a, k))
    return wrapper
