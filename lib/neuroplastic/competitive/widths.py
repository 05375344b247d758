"""Model configurations at another hidden width (the width sweep of
:func:`neuroplastic.experiments.competitive.information.width_sweep` uses them).

Two training protocols (``protocol``):

* ``"equal_wins"`` (the chapter's main protocol): the competitive layer (RR, KH) trains for
  ``E(K) = max(1, round_half_up(E_ref K / K_ref))`` epochs, so that every unit wins as often on
  average as at the reference width: with ``k_win`` winners per example, the mean number of wins
  per unit over training is ``E N_train k_win / K``, constant in ``K``. The readout and BP keep
  their epochs (they have no winners).
* ``"fixed"``: the same recipe at every width (only ``n_hidden`` changes); larger ``K`` then
  means fewer wins per unit (each unit learns only when it wins).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..validation import check_int
from .configs import BPConfig, KHConfig, RRConfig

__all__ = ["with_width", "equal_wins_epochs", "PROTOCOLS"]

PROTOCOLS = ("equal_wins", "fixed")


def equal_wins_epochs(epochs_ref: int, n_hidden: int, k_ref: int) -> int:
    """Layer epochs at width ``n_hidden`` that keep the mean number of wins per unit.

    E(K) = max(1, floor(E_ref K / K_ref + 1/2)): each unit then wins as often on average as at
    width ``k_ref`` with ``epochs_ref`` epochs (exactly when E_ref K / K_ref is an integer).

    Parameters
    ----------
    epochs_ref : int
        Epochs at the reference width (>= 1).
    n_hidden : int
        New width K (>= 1).
    k_ref : int
        Reference width K_ref (>= 1).

    Returns
    -------
    int
        Epochs (>= 1).

    Raises
    ------
    TypeError, ValueError
        If an argument is not an int >= 1.
    """
    epochs_ref = check_int("epochs_ref", epochs_ref, 1)
    n_hidden = check_int("n_hidden", n_hidden, 1)
    k_ref = check_int("k_ref", k_ref, 1)
    return max(1, (2 * epochs_ref * n_hidden + k_ref) // (2 * k_ref))


def with_width(
    kind: str,
    cfg: BPConfig | tuple[RRConfig | KHConfig, Any],
    n_hidden: int,
    protocol: str = "fixed",
    k_ref: int | None = None,
) -> BPConfig | tuple[RRConfig | KHConfig, Any]:
    """``cfg`` (as for ``get_or_train``) at another hidden width.

    Parameters
    ----------
    kind : str
        "bp", "rr" or "kh".
    cfg : BPConfig or tuple
        ``BPConfig`` for "bp", else ``(layer config, readout config)``.
    n_hidden : int
        The new width K (>= 2).
    protocol : str
        "fixed" (only ``n_hidden`` changes) or "equal_wins" (the competitive layer's epochs
        also scale as :func:`equal_wins_epochs`; BP and readouts keep theirs).
    k_ref : int or None
        Reference width (default: the width of ``cfg``).

    Returns
    -------
    BPConfig or tuple
        The new config, of the same form as ``cfg``.

    Raises
    ------
    TypeError
        If ``cfg`` does not match ``kind``.
    ValueError
        If ``kind``, ``protocol`` or ``n_hidden`` is invalid.
    """
    n_hidden = check_int("n_hidden", n_hidden, 2)
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {PROTOCOLS}, got {protocol!r}")
    if kind == "bp":
        if not isinstance(cfg, BPConfig):
            raise TypeError("cfg for kind 'bp' must be a BPConfig")
        return dataclasses.replace(cfg, n_hidden=n_hidden)  # no winners: epochs unchanged
    if kind in ("rr", "kh"):
        lay, ro = cfg
        if not isinstance(lay, (RRConfig, KHConfig)):
            raise TypeError(f"cfg for kind {kind!r} must be a (layer config, readout config) tuple")
        epochs = lay.epochs
        if protocol == "equal_wins":
            epochs = equal_wins_epochs(
                lay.epochs, n_hidden, lay.n_hidden if k_ref is None else k_ref
            )
        return (dataclasses.replace(lay, n_hidden=n_hidden, epochs=epochs), ro)
    raise ValueError(f"kind must be 'bp', 'rr' or 'kh', got {kind!r}")
