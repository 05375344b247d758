"""The result cache: see :mod:`neuroplastic.cache` (re-exported here for chapters and tests)."""

from ..cache import CacheError, memoize, source_fingerprint

__all__ = ["CacheError", "memoize", "source_fingerprint"]
