"""Competitive learning in torch (CPU by default, CUDA with device="auto"):
Krotov–Hopfield (2019) hidden units and the nonnegative KH-nn, RR (our reconstruction of
a sparse, biologically guided rule; NOT the authors' rule), the readouts, backprop
baselines, FGSM/PGD attacks with masking checks, truncated-MLE weight-distribution fits,
sparsity / Dale / selectivity metrics and the few-shot protocol (chapter 3). Trained models
are stored by :mod:`neuroplastic.experiments.competitive.trained`, not here.

Chapter 4's information measures live in sibling modules, imported by name:
``information`` (label transinformation from a confusion matrix, synaptic capacity),
``counting`` (non-zero synapses, synaptic operations), ``pruning`` (magnitude-pruning curves,
the overparameterisation factor), ``continuation`` (further training of cached models),
``vae`` (a small VAE estimate of representation information), ``continual`` (digits 0–4 then
5–9: forgetting and free synapses) and ``widths`` (sweeps over the hidden width).
"""

from . import analysis
from .attacks import fgsm, masking_checks, pgd, robust_accuracy, transfer_accuracy
from .configs import (
    BPConfig,
    KHConfig,
    KHReadoutConfig,
    RRConfig,
    RRReadoutConfig,
    ablation_configs,
    model_configs,
)
from .fewshot import few_shot_curve, paired_bootstrap_diff, sample_shots
from .fits import (
    FitResult,
    compare_fits,
    fit_distribution,
    normalize_weights,
    sample_kww,
    trunc_cdf,
    trunc_pdf,
)
from .kh import KHLayer, kh_step, train_kh
from .metrics import (
    active_units,
    class_selectivity,
    dale_input,
    dale_outgoing,
    dead_units,
    hoyer,
    kernel_prototype_cosine,
    lifetime_sparseness,
    population_sparseness,
    silent_fraction,
    unit_label_information,
)
from .models import (
    BPNet,
    CompetitiveClassifier,
    KHClassifier,
    RRClassifier,
    delta_grad,
    node_perturbation_grad,
    rr_features,
    train_bp,
    train_readout,
)
from .rr import RRLayer, RRState, rr_step, rr_structural, train_rr

__all__ = [
    "BPConfig",
    "BPNet",
    "CompetitiveClassifier",
    "FitResult",
    "KHClassifier",
    "KHConfig",
    "KHLayer",
    "KHReadoutConfig",
    "RRClassifier",
    "RRConfig",
    "RRLayer",
    "RRReadoutConfig",
    "RRState",
    "ablation_configs",
    "active_units",
    "analysis",
    "class_selectivity",
    "compare_fits",
    "dale_input",
    "dale_outgoing",
    "dead_units",
    "delta_grad",
    "few_shot_curve",
    "fgsm",
    "fit_distribution",
    "hoyer",
    "kernel_prototype_cosine",
    "kh_step",
    "lifetime_sparseness",
    "masking_checks",
    "model_configs",
    "node_perturbation_grad",
    "rr_features",
    "normalize_weights",
    "paired_bootstrap_diff",
    "pgd",
    "population_sparseness",
    "robust_accuracy",
    "rr_step",
    "rr_structural",
    "sample_kww",
    "sample_shots",
    "silent_fraction",
    "train_bp",
    "train_kh",
    "train_readout",
    "train_rr",
    "transfer_accuracy",
    "trunc_cdf",
    "trunc_pdf",
    "unit_label_information",
]
# the submodules, which the former dir()-based __all__ also exported
__all__ += [
    "attacks",
    "batches",
    "configs",
    "fewshot",
    "fits",
    "kh",
    "metrics",
    "models",
    "rr",
    "tensors",
]
