"""Kernels shared by chapter 3's drivers: the white-box attack variants that apply to a model
and the hidden features of KH layer states (training snapshots); RR's features are
:func:`neuroplastic.competitive.models.rr_features`.

The figure, table and claim drivers built on them (fit tables, the attack suite, robustness
over seeds, representation summaries) live in
:mod:`neuroplastic.experiments.competitive.sparse_rule`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

from .tensors import unit_rows

if TYPE_CHECKING:
    from .models import BPNet, CompetitiveClassifier


def attack_options(model: CompetitiveClassifier | BPNet) -> list[dict[str, str | None]]:
    """The white-box attack variants to run against ``model``.

    Parameters
    ----------
    model : CompetitiveClassifier or BPNet
        A trained classifier.

    Returns
    -------
    list of dict
        Keyword arguments for :func:`.attacks.pgd`/:func:`.attacks.fgsm`: RR's three k-WTA
        threshold treatments (``backward`` None = exact, "bpda", "frozen"), KH's two losses
        (``loss`` "ce", "own"), else one plain cross-entropy variant.
    """
    if hasattr(model, "mode"):
        return [{"backward": None}, {"backward": "bpda"}, {"backward": "frozen"}]
    if hasattr(model, "own_loss"):
        return [{"loss": "ce"}, {"loss": "own"}]
    return [{}]


@torch.no_grad()
def kh_features(
    W: np.ndarray | torch.Tensor, X: np.ndarray | torch.Tensor, n: float = 4.5
) -> np.ndarray:
    """Hidden features of a KH layer state (krotov2019unsupervised readout).

    h_mu(x) = max(0, <W_mu, x/‖x‖>)^n, dimensionless.

    Parameters
    ----------
    W : np.ndarray or torch.Tensor
        Layer weights [K, D] (e.g. a training snapshot).
    X : np.ndarray or torch.Tensor
        Inputs [N, D].
    n : float
        Power of the rectified drive.

    Returns
    -------
    np.ndarray
        float32 [N, K].
    """
    W = torch.as_tensor(W, dtype=torch.float32)
    X = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    return torch.relu(unit_rows(X) @ W.T).pow(n).numpy()
