"""Adaptive noise estimation (ANE) [R]: the noise level assumed at each retrieval step.

A state with l active units of which ĉ are estimated correct has p_m = (K − ĉ)/K and
p_f = (l − ĉ)/(N − K). Step 0 always uses the cue's known noise. Kinds:

* ``none`` — the cue's noise in every step (the fixed-noise setting of the anomaly).
* ``oracle`` — ĉ = the true overlap of the state with its target. A diagnostic upper bound, not
  a memory (needs ``targets``).
* ``posterior`` — ĉ = Σ_{j ∈ state} π_j, π_j = σ(x_j) for log-odds rules (bayes, bcpnn_s3) and
  min(1, e^{x_j}) for log-posterior rules (bcpnn_s2), from the potentials that produced the state.
* ``calibrated`` — a per-step schedule ĉ_t learnt on a separate calibration batch
  (:func:`calibrate`: pass 1 without ANE records the mean overlap per step, pass 2 runs with
  that schedule and records ĉ'_t; test cues use ĉ'_t). No per-query truth.

Handles: noise-aware weights (bayes, bcpnn_s2, bcpnn_s3, under any activation); Willshaw under a
threshold (Θ_t = ĉ_t, oracle or calibrated). Every other (rule, activation) pair has no handle and
raises ``ValueError``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import check_choice, check_int, seed_int

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
            if any(not np.isfinite(x) or x < 0 for x in s):
                raise ValueError("schedule entries must be finite numbers >= 0")
            object.__setattr__(self, "schedule", s)


def ane_handle(rule: str, activation, ane: ANE) -> None:
    """Raise ``ValueError`` if ``ane`` cannot act on ``rule`` under ``activation``."""
    from .activations_ch02 import is_wta
    from .noise_weights import NOISE_RULES

    if not isinstance(ane, ANE):
        raise TypeError(f"ane must be an ANE; got {type(ane).__name__}")
    if ane.kind == "none":
        return
    if rule in NOISE_RULES:
        return
    if rule == "willshaw" and not is_wta(activation):
        if ane.kind == "posterior":
            raise ValueError("ane: posterior ANE needs probabilistic potentials; Willshaw has "
                             "none (use oracle or calibrated)")
        return
    raise ValueError(f"ane: rule {rule!r} has no noise handle under {type(activation).__name__} "
                     "(ANE acts on bayes, bcpnn_s2, bcpnn_s3, and on Willshaw under a threshold)")


def calibrate(source, patterns_dense, *, cue_fn, activation, T_max: int, cue_key, n_calib: int = 100,
              seed=0, K=None) -> ANE:
    """Learn the ``calibrated`` schedule on ``n_calib`` fresh cues of stored patterns.

    source: NoiseTable or Network; patterns_dense: uint8[P, N] stored patterns; cue_fn(X, seed)
    -> uint8 cues of the rows X. Pass 1 (no ANE) records the mean overlap ĉ_t of the state
    entering step t with its target; pass 2 runs with that schedule and records ĉ'_t, which is
    returned as ``ANE("calibrated", schedule=ĉ')``."""
    from .retrieval_bayes import recall_noise

    seed = seed_int(seed)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(31,)))
    P = patterns_dense.shape[0]
    rows = rng.choice(P, size=min(n_calib, P), replace=P < n_calib) if P >= 1 else np.zeros(0, int)
    rows = np.sort(rows)
    X = patterns_dense[rows]
    cues = cue_fn(X, seed + 1000003)
    r1 = recall_noise(source, cues, activation=activation, T_max=T_max, ane=ANE("none"),
                      targets=X, cue_key=cue_key, seed=seed + 7, K=K, q_offset=10**6)
    s1 = tuple(r1.overlap_trace.mean(axis=1))
    r2 = recall_noise(source, cues, activation=activation, T_max=T_max,
                      ane=ANE("calibrated", n_calib, s1), targets=X, cue_key=cue_key,
                      seed=seed + 7, K=K, q_offset=10**6)
    return ANE("calibrated", n_calib, tuple(r2.overlap_trace.mean(axis=1)))
