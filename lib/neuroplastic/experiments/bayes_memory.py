"""Chapter 2's cached runs (Knoblauch 2024, optimal Bayesian auto-association): the retrieval
curves ε(P) of every rule and retrieval configuration, and chapter 1's adaptive capacity search
applied to Bayes with adaptive noise estimation (the cross-paper table X1).

The kernels live in :mod:`neuroplastic.assoc` (``retrieval_curves``, ``capacity``); this module
memoizes them with the one result cache (:func:`neuroplastic.cache.memoize`).
"""

from __future__ import annotations

from ..assoc import retrieval_curves as curves
from ..assoc.layouts import parse_layout
from ..cache import memoize


@memoize
def eps_curves(ensemble: str, N: int, K: int, c: int, f: int, P_grid, configs, n_nets: int,
               n_queries: int, T_max: int, seed: int, trace_P=None):
    """Per-query output errors along ``P_grid`` (stored patterns) for every configuration, over
    ``n_nets`` networks of ``N`` units with ``K`` active per pattern; cues keep ``c`` of the
    ``K`` active units and add ``f`` false ones (:func:`~neuroplastic.assoc.retrieval_curves.
    run_eps_curves`)."""
    return curves.run_eps_curves(ensemble, N, K, c, f, P_grid, configs, n_nets=n_nets,
                                 n_queries=n_queries, T_max=T_max, seed=seed, trace_P=trace_P)


@memoize
def ane_capacity_table(layout_specs, nflips, nrep: int, seed: int, T_max: int = 15):
    """Chapter 1's P90 capacity (patterns at 90 % exact recall) of BCPNN, Bayes and Bayes with
    posterior or calibrated noise estimation, for layouts given as spec strings
    (``"modular:20x20"``, ``"kofn:400/20"``) and ``nflips`` flipped cue units."""
    return curves.ane_capacity_table([parse_layout(s) for s in layout_specs], list(nflips),
                                     nrep=nrep, seed=seed, T_max=T_max)
