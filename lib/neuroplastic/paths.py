"""Where the book's files live.

The project root is the nearest directory, from the working directory upwards, that holds
``_config.yml`` and ``_toc.yml``; ``NEUROPLASTIC_ROOT`` overrides it. Build products go under
``<root>/_build`` (``NEUROPLASTIC_BUILD`` overrides), caches under ``<root>/data/cache``.
Outside a checkout (an installed library used elsewhere) the working directory stands in.
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The book's root directory.

    ``$NEUROPLASTIC_ROOT`` if set, else the nearest directory from the working directory upwards
    that holds ``_config.yml`` and ``_toc.yml``, else the working directory.

    Returns
    -------
    pathlib.Path
        An absolute path.
    """
    env = os.environ.get("NEUROPLASTIC_ROOT")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / "_config.yml").is_file() and (candidate / "_toc.yml").is_file():
            return candidate
    return here


def build_dir() -> Path:
    """The build directory: ``$NEUROPLASTIC_BUILD``, else ``<root>/_build``.

    Created on demand by the writers, not here.

    Returns
    -------
    pathlib.Path
    """
    env = os.environ.get("NEUROPLASTIC_BUILD")
    return Path(env).resolve() if env else project_root() / "_build"


def cache_dir() -> Path:
    """The result-cache directory: ``$NEUROPLASTIC_CACHE``, else ``<root>/data/cache``.

    Returns
    -------
    pathlib.Path
    """
    env = os.environ.get("NEUROPLASTIC_CACHE")
    return Path(env).resolve() if env else project_root() / "data" / "cache"


def atomic_write_bytes(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` so that readers see the old file or the new one, never a
    partial one.

    Writes a sibling temporary file, flushes it to disk, then renames it over ``path``; the
    parent directories are created.

    Parameters
    ----------
    path : pathlib.Path or str
        The destination file.
    payload : bytes
        The new content.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_text(path: Path, text: str) -> None:
    """Text version of :func:`atomic_write_bytes` (UTF-8).

    Parameters
    ----------
    path : pathlib.Path or str
        The destination file.
    text : str
        The new content.
    """
    atomic_write_bytes(path, text.encode("utf-8"))
