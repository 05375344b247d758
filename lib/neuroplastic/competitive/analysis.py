"""Kernels shared by chapter 3's drivers: the white-box attack variants that apply to a model
and the hidden features of KH layer states (training snapshots); RR's features are
:func:`neuroplastic.competitive.models.rr_features`.

The figure, table and claim drivers built on them (fit tables, the attack suite, robustness
over seeds, representation summaries) live in
:mod:`neuroplastic.experiments.competitive.sparse_rule`.
"""

from __future__ import annotations

import numpy as np
import torch

from .tensors import unit_rows


def attack_options(model) -> list:
    """The white-box variants run against ``model``: RR's three k-WTA threshold treatments
    (exact, BPDA, frozen), KH's two losses (cross-entropy, its own), else cross-entropy."""
    if hasattr(model, "mode"):
        return [{"backward": None}, {"backward": "bpda"}, {"backward": "frozen"}]
    if hasattr(model, "own_loss"):
        return [{"loss": "ce"}, {"loss": "own"}]
    return [{}]


@torch.no_grad()
def kh_features(W, X, n=4.5):
    """hopfield19 hidden features h = max(0, <W_mu, x/|x|>)^n of a KH layer state (numpy out)."""
    W = torch.as_tensor(W, dtype=torch.float32)
    X = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    return torch.relu(unit_rows(X) @ W.T).pow(n).numpy()
