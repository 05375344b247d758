"""Counting synapses, synaptic operations and storage bits of a two-layer classifier.

A model has two weight layers: input -> hidden (``K x D``) and hidden -> output (``C x K``).
Biases, RR's homeostatic thresholds and scale factors are **not** synapses and are excluded.

* potential synapses ``N_tot = D K + K C``;
* non-silent synapses ``N_nz`` = weights ``!= 0``; *detectable* synapses: ``|w| > t max_layer |w|``;
* synaptic operations per image (an energy proxy, dimensionless count):
  ``SynOps = sum_layers sum_{j active} #{non-zero outgoing synapses of j}``, where an input pixel
  is active when ``x_j != 0`` and a hidden unit when ``h_j != 0``;
* storage in bits: ``B_store = sum_layers min(n_in n_out b, nnz (b + ceil(log2 n_in)))`` -- the
  cheaper of dense storage and value + row-index storage, ``b`` bits per value.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
import torch

from ..bench import median_time
from .models import BPNet, CompetitiveClassifier
from .tensors import as_tensor

__all__ = ["SynapseCount", "layer_weights", "count_synapses", "synaptic_ops", "storage_bits"]


def layer_weights(model: BPNet | CompetitiveClassifier) -> list[tuple[str, torch.Tensor]]:
    """The two weight layers of ``model``: the live tensors, not copies.

    Parameters
    ----------
    model : BPNet or CompetitiveClassifier
        A trained classifier.

    Returns
    -------
    list of (str, torch.Tensor)
        ``[("input", K x D tensor), ("readout", C x K tensor)]``.

    Raises
    ------
    TypeError
        If ``model`` is of another type.
    """
    if isinstance(model, BPNet):
        return [("input", model.fc1.weight.data), ("readout", model.fc2.weight.data)]
    if isinstance(model, CompetitiveClassifier):
        return [("input", model.W), ("readout", model.S)]
    raise TypeError(f"model must be a BPNet or a CompetitiveClassifier, got {type(model).__name__}")


@dataclass(frozen=True)
class SynapseCount:
    """Synapse counts of a model.

    Attributes
    ----------
    total : int
        Potential synapses ``N_tot = D K + K C``.
    nonzero : int
        Counted (non-silent or detectable) synapses.
    per_layer : dict
        ``{name: (total, nonzero)}`` for "input" and "readout".
    """

    total: int
    nonzero: int
    per_layer: dict


def count_synapses(
    model: BPNet | CompetitiveClassifier, threshold: float = 0.0, relative_to: str = "layer_max"
) -> SynapseCount:
    """Count the synapses of both weight layers (biases excluded).

    Parameters
    ----------
    model : BPNet or CompetitiveClassifier
        A trained classifier.
    threshold : float
        0: non-silent synapses (``w != 0``). ``t`` in (0, 1): detectable synapses,
        ``|w| > t * max|w|``.
    relative_to : str
        The max is over the layer ("layer_max") or is 1 ("absolute").

    Returns
    -------
    SynapseCount

    Raises
    ------
    TypeError
        If ``threshold`` is not a real number or ``model`` has the wrong type.
    ValueError
        If ``threshold`` is outside [0, 1) or ``relative_to`` is unknown.
    """
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
        raise TypeError(f"threshold must be a real number, got {type(threshold).__name__}")
    if not 0 <= float(threshold) < 1:
        raise ValueError(f"threshold must be in [0, 1), got {threshold}")
    if relative_to not in ("layer_max", "absolute"):
        raise ValueError(f"relative_to must be 'layer_max' or 'absolute', got {relative_to!r}")
    per, tot, nz = {}, 0, 0
    for name, W in layer_weights(model):
        a = W.detach().abs()
        if threshold == 0:
            n = int((a != 0).sum())
        else:
            scale = float(a.max()) if relative_to == "layer_max" else 1.0
            n = int((a > threshold * scale).sum())
        per[name] = (int(a.numel()), n)
        tot += a.numel()
        nz += n
    return SynapseCount(total=int(tot), nonzero=int(nz), per_layer=per)


@torch.no_grad()
def synaptic_ops(
    model: BPNet | CompetitiveClassifier, X: np.ndarray | torch.Tensor, batch_size: int = 2000
) -> float:
    """Mean synaptic operations per image (an energy proxy, a dimensionless count).

    SynOps = sum_layers sum_{j active} #{non-zero outgoing synapses of j}: a pixel is active
    when x_j != 0, a hidden unit when h_j != 0.

    Parameters
    ----------
    model : BPNet or CompetitiveClassifier
        A trained classifier.
    X : np.ndarray or torch.Tensor
        Images [N, D], N >= 1.
    batch_size : int
        Images per forward pass.

    Returns
    -------
    float
        Operations per image.

    Raises
    ------
    ValueError
        If ``X`` is empty or malformed or ``batch_size`` is invalid.
    """
    layers = dict(layer_weights(model))
    W1, W2 = layers["input"], layers["readout"]
    X = as_tensor(X, "X", W1.device, 2, W1.shape[1])
    if X.shape[0] == 0:
        raise ValueError("X must hold at least one image")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be an int >= 1, got {batch_size!r}")
    out1 = (W1 != 0).sum(0).to(torch.float64)  # non-zero outgoing synapses per pixel
    out2 = (W2 != 0).sum(0).to(torch.float64)  # per hidden unit
    total = 0.0
    for i in range(0, X.shape[0], batch_size):
        x = X[i : i + batch_size]
        h = model.hidden(x)
        total += float(
            ((x != 0).to(torch.float64) @ out1).sum() + ((h != 0).to(torch.float64) @ out2).sum()
        )
    return total / X.shape[0]


def storage_bits(model: BPNet | CompetitiveClassifier, value_bits: int = 32) -> int:
    """Bits needed to store the weights (both layers).

    ``B_store = sum_layers min(n_in n_out b, nnz (b + ceil(log2 n_in)))``: per layer the cheaper
    of dense and sparse (value plus row index) storage.

    Parameters
    ----------
    model : BPNet or CompetitiveClassifier
        A trained classifier.
    value_bits : int
        Bits per stored value ``b``, in [1, 64].

    Returns
    -------
    int
        Bits.

    Raises
    ------
    TypeError
        If ``value_bits`` is not an int.
    ValueError
        If ``value_bits`` is out of range.
    """
    if isinstance(value_bits, bool) or not isinstance(value_bits, (int, np.integer)):
        raise TypeError(f"value_bits must be an int, got {type(value_bits).__name__}")
    if not 1 <= value_bits <= 64:
        raise ValueError(f"value_bits must be in [1, 64], got {value_bits}")
    bits = 0
    for _, W in layer_weights(model):
        n_out, n_in = W.shape
        nnz = int((W != 0).sum())
        idx_bits = math.ceil(math.log2(n_in)) if n_in > 1 else 0
        bits += min(n_in * n_out * int(value_bits), nnz * (int(value_bits) + idx_bits))
    return int(bits)


@torch.no_grad()
def dense_vs_sparse_time(
    model: BPNet | CompetitiveClassifier, X: np.ndarray | torch.Tensor, repeats: int = 5
) -> dict[str, float]:
    """Median wall time of the input-layer product ``W X^T``, dense and as torch CSR.

    Same run, same threads. Reported, not targeted: CPU time is not energy (use
    :func:`synaptic_ops`).

    Parameters
    ----------
    model : BPNet or CompetitiveClassifier
        A trained classifier.
    X : np.ndarray or torch.Tensor
        Images [N, D].
    repeats : int
        Timed repetitions (>= 1).

    Returns
    -------
    dict
        ``dense_s`` and ``csr_s`` (seconds) and ``density`` (fraction of non-zero weights).

    Raises
    ------
    ValueError
        If ``repeats`` is invalid.
    """
    import warnings

    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats must be an int >= 1, got {repeats!r}")
    W = layer_weights(model)[0][1].detach().cpu().contiguous()
    X = as_tensor(X, "X", "cpu", 2, W.shape[1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "sparse CSR support is in beta"
        Ws = W.to_sparse_csr()
    Xt = X.T.contiguous()

    dense = median_time(lambda: W @ Xt, repeat=repeats)
    sparse = median_time(lambda: Ws @ Xt, repeat=repeats)
    return {"dense_s": dense, "csr_s": sparse, "density": float((W != 0).float().mean())}
