"""Adaptive noise estimation (ANE) [R]: the noise level assumed at each retrieval step.

A state with l active units of which ĉ are estimated correct has p_m = (K − ĉ)/K and
p_f = (l − ĉ)/(N − K). Step 0 always uses the cue's known noise. Kinds:

* ``none`` — the cue's noise in every step (the fixed-noise setting of the anomaly).
* ``oracle`` — ĉ = the true overlap of the state with its target. A diagnostic upper bound, not
  a memory (needs ``targets``).
* ``posterior`` — ĉ = Σ_{j ∈ state} π_j, π_j = σ(x_j) for log-odds rules (bayes, bcpnn_s3) and
  min(1, e^{x_j}) for log-posterior rules (bcpnn_s2), from the potentials that produced the state.
* ``calibrated`` — a per-step schedule ĉ_t learnt on a separate calibration batch
  (:func:`~neuroplastic.assoc.recall.calibrate`: pass 1 without ANE records the mean overlap
  per step, pass 2 runs with that schedule and records ĉ'_t; test cues use ĉ'_t). No per-query
  truth.

The retrieval engine (:func:`neuroplastic.assoc.recall.recall`) calls :meth:`ANE.estimate` after
every step; :func:`neuroplastic.assoc.recall.calibrate` learns the calibrated schedule.

Handles: noise-aware weights (bayes, bcpnn_s2, bcpnn_s3, under any activation); Willshaw under a
threshold (Θ_t = ĉ_t, oracle or calibrated). Every other (rule, activation) pair has no handle and
raises ``ValueError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..validation import check_choice, check_int

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from .activations import Activation

ANE_KINDS = ("none", "oracle", "posterior", "calibrated")


@dataclass(frozen=True)
class ANE:
    """Adaptive noise estimation of kind ``kind``; ``schedule`` (ĉ per step, for
    ``calibrated``) comes from :func:`calibrate`; ``n_calib`` calibration cues."""

    kind: str = "none"
    n_calib: int = 100
    schedule: tuple | None = None

    def __post_init__(self):
        check_choice("kind", self.kind, ANE_KINDS)
        object.__setattr__(self, "n_calib", check_int("n_calib", self.n_calib, lo=1))
        if self.schedule is not None:
            s = tuple(float(x) for x in self.schedule)
            if not s or any(not np.isfinite(x) or x < 0 for x in s):
                raise ValueError(
                    "schedule must be a non-empty sequence of finite numbers >= 0 (one per step)"
                )
            object.__setattr__(self, "schedule", s)

    def check(self, rule: str, activation: Activation) -> None:
        """Check that this strategy can act on ``rule`` under ``activation``.

        Kind "none" always can; noise-aware rules (bayes, bom, boms, bcpnn_s2, bcpnn_s3) under
        any activation; Willshaw under a threshold, except posterior ANE.

        Parameters
        ----------
        rule : str
            Rule name.
        activation : Activation
            The activation of the retrieval.

        Raises
        ------
        ValueError
            The pair (rule, activation) has no noise handle for this kind.
        """
        from .activations import is_wta
        from .noise import NOISE_RULES

        if self.kind == "none" or rule in NOISE_RULES or rule in ("bom", "boms"):
            return
        if rule == "willshaw" and not is_wta(activation):
            if self.kind == "posterior":
                raise ValueError(
                    "ane: posterior ANE needs probabilistic potentials; Willshaw has "
                    "none (use oracle or calibrated)"
                )
            return
        raise ValueError(
            f"ane: rule {rule!r} has no noise handle under "
            f"{type(activation).__name__} (ANE acts on bayes, bcpnn_s2, bcpnn_s3, "
            "and on Willshaw under a threshold)"
        )

    def estimate(
        self, t: int, *, posterior: ArrayLike, overlap: ArrayLike | None
    ) -> np.ndarray | None:
        """Estimated number ĉ of correct units of the state produced by step t.

        none: no estimate; oracle: ĉ = the true overlap; posterior: ĉ = the posterior mass
        Σ_{j ∈ state} π_j; calibrated: ĉ = schedule[min(t + 1, len(schedule) − 1)] (units).

        Parameters
        ----------
        t : int
            Step index.
        posterior : array_like
            Posterior mass of the new states, float[Q] (posterior ANE; its length gives Q).
        overlap : array_like or None
            True overlap of the new states with their targets, [Q] (oracle ANE; None without
            targets).

        Returns
        -------
        numpy.ndarray or None
            ĉ as float64[Q], or None for kind "none".
        """
        if self.kind == "none":
            return None
        if self.kind == "oracle":
            return np.asarray(overlap, dtype=np.float64)
        if self.kind == "posterior":
            return np.array(posterior, dtype=np.float64)
        sch = self.schedule
        return np.full(len(posterior), sch[min(t + 1, len(sch) - 1)], dtype=np.float64)
