"""Where the book's files live: see :mod:`neuroplastic.paths` (re-exported here for the book)."""

from ..paths import atomic_write_bytes, atomic_write_text, build_dir, cache_dir, project_root

__all__ = ["atomic_write_bytes", "atomic_write_text", "build_dir", "cache_dir", "project_root"]
