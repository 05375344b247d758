"""Book tooling: profiles, figures, glued numbers, the claims registry and the chapter runner
(see :mod:`neuroplastic.book.runner` and the ``neuroplastic`` command). The result cache is
:mod:`neuroplastic.cache`, used by the experiments layer."""

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
    variants_figure,
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
    "Claims",
    "Stopwatch",
    "VALID_PROFILES",
    "check_profile",
    "dashboard_markdown",
    "glue",
    "load_claims",
    "runtime_text",
    "save",
    "select_profile",
    "show",
    "variants_figure",
]
