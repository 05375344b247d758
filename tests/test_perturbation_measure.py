"""Memory and compute counters of neuroplastic.perturbation.measure (spec §6 item 13, §7)."""

import os

import pytest
import torch

from neuroplastic.perturbation import ElmanRNN, rnn_loss
from neuroplastic.perturbation.measure import (
    lorenz_windows,
    measure_step_cost,
    memory_scaling,
    saved_tensor_bytes,
)


def test_saved_bytes_scale_with_T_and_zero_for_perturbation():
    model = ElmanRNN(hidden=32, seed=0)
    saved = {}
    for T in (8, 128):
        X, y = lorenz_windows(T, 200)
        saved[T] = saved_tensor_bytes(lambda X=X, y=y: rnn_loss(model, X, y))
        with torch.no_grad():
            assert saved_tensor_bytes(lambda X=X, y=y: rnn_loss(model, X, y)) == 0
    ratio = saved[128] / saved[8]
    assert 0.85 * 16 <= ratio <= 1.05 * 16


@pytest.mark.skipif(not os.path.exists("/proc/self/clear_refs"), reason="needs Linux /proc")
def test_fresh_process_peak_ratios_and_counters():
    df = memory_scaling(["dopamine1", "adam"], [8, 64], H=64, B=500)
    row = {(r.method, r.T): r for r in df.itertuples()}
    d8, d64, b8, b64 = row["dopamine1", 8], row["dopamine1", 64], row["adam", 8], row["adam", 64]
    assert d8.forward_passes == 2 and d8.saved_bytes == 0 and d8.state_bytes < 100
    P = b8.n_params
    assert 8 * P <= b8.state_bytes < 8 * P + 100  # Adam: 2P float32 moments (+ step counters)
    assert d64.peak_bytes <= 1.5 * d8.peak_bytes + 2**20  # flat within the 1 MiB resolution
    assert b64.peak_bytes >= 0.25 * 8 * b8.peak_bytes
    assert d64.peak_bytes <= 0.5 * b64.peak_bytes


def test_measure_validation():
    with pytest.raises(ValueError, match="method"):
        measure_step_cost("lbfgs", 8)
    with pytest.raises(ValueError, match="T"):
        measure_step_cost("adam", 0)
