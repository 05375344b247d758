"""Book tooling: profiles, figures, glued numbers, the claims registry, the result cache and
the chapter runner (see :mod:`neuroplastic.book.runner` and the ``neuroplastic`` command)."""

from ..cache import CacheError, memoize, source_fingerprint
from ..paths import build_dir, cache_dir, project_root
from .claims import (
    BY_CONSTRUCTION,
    DEPENDS,
    DOES_NOT_HOLD,
    HOLDS,
    NOT_ASSESSABLE,
    VERDICTS,
    Budget,
    Claims,
    Variant,
    combine,
    dashboard_markdown,
    load_claims,
)
from .figures import save, show
from .glue import glue
from .profiles import VALID_PROFILES, check_profile, select_profile
from .timing import Stopwatch, runtime_text

__all__ = [
    "BY_CONSTRUCTION",
    "DEPENDS",
    "DOES_NOT_HOLD",
    "HOLDS",
    "NOT_ASSESSABLE",
    "VERDICTS",
    "Budget",
    "Variant",
    "combine",
    "CacheError",
    "Claims",
    "Stopwatch",
    "VALID_PROFILES",
    "build_dir",
    "cache_dir",
    "check_profile",
    "dashboard_markdown",
    "glue",
    "source_fingerprint",
    "load_claims",
    "memoize",
    "project_root",
    "runtime_text",
    "save",
    "select_profile",
    "show",
]
