"""Run profiles: ``quick`` for CI and previews, ``paper`` for what the book shows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

VALID_PROFILES = ("quick", "paper")


def check_profile(profile: Any) -> str:
    """Return ``profile`` if it is one of :data:`VALID_PROFILES`.

    Parameters
    ----------
    profile : str
        ``"quick"`` or ``"paper"``.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        For any other value.
    """
    if not isinstance(profile, str) or profile not in VALID_PROFILES:
        raise ValueError(
            f"profile must be one of {', '.join(map(repr, VALID_PROFILES))}; got {profile!r}"
        )
    return profile


def select_profile(profile: str, profiles: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Return a copy of ``profiles[profile]``.

    Parameters
    ----------
    profile : str
        ``"quick"`` or ``"paper"``.
    profiles : mapping
        Every valid profile name -> that profile's sizes.

    Returns
    -------
    dict

    Raises
    ------
    ValueError
        For an unknown ``profile``, or a table that lacks one of the valid profiles (the message
        lists the valid names).
    """
    check_profile(profile)
    missing = [p for p in VALID_PROFILES if p not in profiles]
    if missing:
        raise ValueError(
            f"profiles is missing the entries {missing}; it must define {list(VALID_PROFILES)}"
        )
    return dict(profiles[profile])
