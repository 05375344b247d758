"""Stabilized BCPNN forms (ch02, our reconstruction [R]) and a ``build`` that knows them.

* ``bcpnn_s2`` — noise-aware BCPNN: W = log[P(ũ_i=1|u_j=1)/P(ũ_i=1)], b_j = log P(u_j=1).
  Equals BCPNN (without floors) at zero noise; finite for p_f > 0.
* ``bcpnn_s3`` — Bayes on active inputs only: W = log(L11/L10), b_j = log(M1_j/M0_j).
* S1 is the floored BCPNN of ch01 (``bcpnn``); "raw" BCPNN is ``bcpnn`` with ``eps=1e-7``.

Formulas, pseudo-counts and clamping: :mod:`neuroplastic.assoc.noise_weights`.
:func:`build_rule` builds any ch01 rule through :func:`neuroplastic.assoc.rules.build` and the
noise-aware rules (bayes, bcpnn_s2, bcpnn_s3) through the ch02 kernel, so ``bayes`` here equals
``rules.build("bayes", ...)`` (same formula and operation order).
"""

from __future__ import annotations

from .counts import Counts
from .cues import CueNoise
from .noise_weights import NOISE_RULES, noise_weights
from .rules import RULES, Network, build

STABILIZED_FORMS = {"S1": ("bcpnn", {}), "S2": ("bcpnn_s2", {}), "S3": ("bcpnn_s3", {}),
                    "raw": ("bcpnn", {"eps": 1e-7})}
"""T2's BCPNN forms: name -> (rule, params)."""


def bcpnn_s2(counts: Counts, layout, noise: CueNoise, *, alpha: float = 0.01,
             p_min: float = 1e-4, include_diagonal: bool = False,
             smoothing: str = "marginal") -> Network:
    """Noise-aware BCPNN (S2) for cue ``noise`` (see module doc)."""
    return noise_weights("bcpnn_s2", counts, layout, noise, alpha=alpha, p_min=p_min,
                         include_diagonal=include_diagonal, smoothing=smoothing)


def bcpnn_s3(counts: Counts, layout, noise: CueNoise, *, alpha: float = 0.01,
             p_min: float = 1e-4, include_diagonal: bool = False,
             smoothing: str = "marginal") -> Network:
    """Bayes on active inputs only (S3) for cue ``noise`` (see module doc)."""
    return noise_weights("bcpnn_s3", counts, layout, noise, alpha=alpha, p_min=p_min,
                         include_diagonal=include_diagonal, smoothing=smoothing)


def rule_names() -> list[str]:
    """ch01 rules plus the ch02 stabilized forms."""
    return list(RULES) + [r for r in NOISE_RULES if r not in RULES]


def is_noise_aware(rule: str) -> bool:
    """True if the rule's weights depend on the state's noise (bayes, boms, bcpnn_s2/s3)."""
    if not isinstance(rule, str) or rule not in rule_names():
        raise ValueError(f"rule must be one of {rule_names()}; got {rule!r}")
    return rule in NOISE_RULES or rule in ("bom", "boms")


def build_rule(rule: str, counts: Counts, layout, **params) -> Network:
    """Network of ``rule``. Noise-aware rules need ``noise=CueNoise(...)`` and accept ``alpha``,
    ``p_min``, ``include_diagonal`` (and ``symmetrize`` for bayes); other rules go to
    :func:`neuroplastic.assoc.rules.build` unchanged."""
    if not isinstance(rule, str) or rule not in rule_names():
        raise ValueError(f"rule must be one of {rule_names()}; got {rule!r}")
    if rule in NOISE_RULES:
        if "noise" not in params:
            raise ValueError(f"rule {rule!r} needs noise=CueNoise(p_miss, p_false)")
        params = dict(params)
        noise = params.pop("noise")
        bad = set(params) - {"alpha", "p_min", "include_diagonal", "symmetrize", "smoothing"}
        if bad:
            raise TypeError(f"unknown parameter(s) {sorted(bad)} for rule {rule!r}; accepted: "
                            "noise, alpha, p_min, include_diagonal" + (", symmetrize" if rule == "bayes" else ""))
        return noise_weights(rule, counts, layout, noise, **params)
    return build(rule, counts, layout, **params)
