"""Associative memory with the Hebbian family of rules and the exact Bayes rule.

Quick API (all arrays numpy; every random entry point takes ``seed``)::

    from neuroplastic import assoc as A
    lay = A.Modular(20, 20)                   # or A.KofN(400, 20); lay.N, lay.K, lay.groups
    pats = A.random_patterns(300, lay, seed=0)            # PatternSet idx int32[P, K]; skew=, ...
    cues = A.flip_cues(pats, 1, seed=0)                   # nflip may be fractional
    cnt = A.count(pats)                                   # Counts(M11, M1, P); .add/.remove
    net = A.build("bcpnn", cnt, lay)                      # Network(W, b, rule, params, symmetric)
    net = A.build("boms", cnt, lay, noise=A.CueNoise.from_flips(1, lay))
    res = A.recall(net, cues, activation=A.HWTA(), T_max=15, seed=0)   # KWTA(k) for K-of-N
    A.exact_fraction(res.states, pats)                    # fcorr; A.output_noise(...)
    A.bits_per_synapse(P90, lay, info="v1", synapses="sym")            # C_L (headline)
    A.bits_per_synapse(P90, lay, info="error_corrected", synapses="exist", errors=e)  # C_E

    task = A.StorageTask("covar", lay, 1)                 # picklable task(P, rep, seed) -> fcorr
    A.capacity_search(task, P0=300, nrep=5, seed=0)       # CapacitySearch(mean, sd, per_rep, trace)
    A.capacity_sweep(task, factor=1.05, nrep=10, seed=0).crossing(0.9)
    A.prototype_curve("bcpnn", lay, [2, 5, 10], n_inst=10, d_train=2, d_test=2, n_test=10,
                      nrep=2, seed=0)                     # DataFrame [rule, Q, rep, score, ...]

Chapter 1's figure drivers (storage curves, capacity tables, prototype curves; memoized) live
in the experiments layer, :mod:`neuroplastic.experiments.hebbian`.

Rules (registry ``RULES``, ``list_rules()``; spec strings "name:key=value,..." for variants):
hebb; covar (mean="unit"|"global"); precovar (variant="a"|"b"|"c"); hopfield
(variant="sparse"|"pm1"); willshaw; bcpnn (eps="1/(P+1)"|float); bayes == bom (noise=CueNoise,
alpha=0 (maximum likelihood), p_min=1e-4 (floor of p_m only), symmetrize=False,
include_diagonal=False); boms = bayes symmetrised; bcpnn_s2, bcpnn_s3 (stabilized BCPNN [R],
noise-aware). ``weight_source(rule, counts, layout)`` of a noise-aware rule without ``noise`` is
the NoiseTable of every noise level that ANE reads.
``SEVEN_RULES`` = hebb, covar, precovar, hopfield, willshaw, bcpnn, boms. StorageTask and the
figure helpers give Bayes rules ``noise = CueNoise.from_flips(nflip, layout)`` automatically.
Examples of spec strings: "covar:mean=global", "precovar:variant=c", "hopfield:variant=pm1",
"bom", "bayes:alpha=0.5,symmetrize=1".

Retrieval with noise levels (one entry point)::

    tab = A.weight_source("bayes", cnt, lay)                  # NoiseTable
    res = A.recall(tab, X_cues, activation=A.KWTA(K), T_max=10, cue_key=(K // 2, 0),
                   ane=A.ANE("posterior"), targets=X)         # Recall, states uint8[Q, N]

Modules by concept: layouts, patterns, free (variable-activity ensembles), cues, counts, rules
(registry and build), noise (noise-aware weights and tables), kernels (numba), activations,
ane, recall, reference, measures, capacity, prototypes, retrieval_curves.

Reference implementations (tests, benchmarks): ``recall_dense`` (numpy/BLAS), ``recall_torch``,
``reference.recall_noise_direct``,
``rules.build_reference`` (numpy weight formulas; ``build`` uses a fused numba kernel).

Exact ties: for the rules linear in the counts (hebb, willshaw, covar, hopfield, precovar b)
``build`` also stores integer weights s·W (``Network.int_scale`` = s); retrieval uses them, so
equal supports are exactly equal and ties go to the hashed key, never to rounding or index order.

Measured cost (1 worker, 2-core machine shared with other jobs; 2 workers roughly halve it):
storage_curves, 8 rules (7 + bom): modular 10×20 ×1.10 nrep 3 ≈ 10 s, K-of-N 200/10 ≈ 17 s;
modular 20×20 ×1.05 nrep 10 ≈ 85 s (5–16 s per rule), K-of-N 400/20 ≈ 100 s (7–20 s per rule).
capacity_table 32×32 nrep 3: 2–6 s per rule (≈ 30 s for 8 rules).
prototype_curves 7 rules × 7 Q × 2 reps at 20×20, (10, 2): ≈ 3 s CPU.
"""

from .activations import (
    HWTA,
    KWTA,
    MAP,
    Activation,
    Core,
    OracleKWTA,
    Schedule,
    Threshold,
    default_activation,
)
from .ane import ANE
from .capacity import (
    CapacitySearch,
    StorageTask,
    Sweep,
    capacity_search,
    capacity_sweep,
    crossing,
    geometric_grid,
)
from .counts import Counts, count, count_dense
from .cues import CueNoise, flip_cues
from .free import VarPatternSet, bernoulli_patterns, counts_from_dense, palm_patterns, partial_cues
from .layouts import Free, KofN, Modular, parse_layout, removed_mask
from .measures import (
    EpsCapacity,
    Window,
    binary_entropy,
    bits_per_synapse,
    bootstrap_ci,
    bootstrap_compare,
    bootstrap_eps_capacity,
    capacity_bits,
    cue_information,
    eps_capacity,
    error_counts,
    exact_fraction,
    info_per_pattern,
    n_synapses,
    output_noise,
    prototype_score,
    score_window,
    transinformation,
)
from .noise import NoiseTable
from .patterns import PatternSet, orthogonal_patterns, parent_patterns, random_patterns
from .prototypes import PrototypeSet, prototype_curve, prototype_set
from .recall import Recall, calibrate, recall, supports
from .reference import recall_dense, recall_torch
from .retrieval_curves import ANEStorageTask, eps_curves, standard_configs
from .rules import (
    NOISE_AWARE,
    RULES,
    SEVEN_RULES,
    Network,
    build,
    is_noise_aware,
    list_rules,
    parse_rule,
    weight_source,
)

__all__ = [
    "Activation",
    "CapacitySearch",
    "Counts",
    "CueNoise",
    "Free",
    "HWTA",
    "KWTA",
    "KofN",
    "Modular",
    "Network",
    "PatternSet",
    "PrototypeSet",
    "RULES",
    "Recall",
    "SEVEN_RULES",
    "StorageTask",
    "Sweep",
    "Window",
    "bernoulli_patterns",
    "binary_entropy",
    "bits_per_synapse",
    "bootstrap_ci",
    "build",
    "capacity_search",
    "capacity_sweep",
    "count",
    "count_dense",
    "crossing",
    "default_activation",
    "error_counts",
    "exact_fraction",
    "flip_cues",
    "geometric_grid",
    "info_per_pattern",
    "is_noise_aware",
    "list_rules",
    "n_synapses",
    "orthogonal_patterns",
    "output_noise",
    "palm_patterns",
    "parent_patterns",
    "parse_layout",
    "parse_rule",
    "partial_cues",
    "prototype_curve",
    "prototype_score",
    "prototype_set",
    "random_patterns",
    "recall",
    "recall_dense",
    "recall_torch",
    "removed_mask",
    "score_window",
    "supports",
    "transinformation",
    # noise-aware weights, thresholds and schedules, ANE, ε(P) curves
    "ANE",
    "ANEStorageTask",
    "Core",
    "EpsCapacity",
    "MAP",
    "NOISE_AWARE",
    "NoiseTable",
    "OracleKWTA",
    "Schedule",
    "Threshold",
    "VarPatternSet",
    "bootstrap_compare",
    "bootstrap_eps_capacity",
    "calibrate",
    "capacity_bits",
    "counts_from_dense",
    "cue_information",
    "eps_capacity",
    "eps_curves",
    "standard_configs",
    "weight_source",
]
