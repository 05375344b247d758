"""Time and peak memory of one RNN training step: Dopamine-1 (no grad, 2 forward passes) vs BPTT +
Adam, at the paper profile's sizes (H = 128, B = 1000 Lorenz windows, look-back T = 32), each in a
fresh one-thread process (``neuroplastic.perturbation.measure``; both methods run under the same
thread count and allocator settings). The two methods are measured in ``ROUNDS`` alternating
rounds and each keeps its fastest round (a round's time is the median of 5 steps), so that load
drifting on a shared machine does not favour either. Records ratio = t(BPTT+Adam) / t(Dopamine)
through ``neuroplastic.bench.record``; the memory ratio goes in the same record. "agreed" means
both steps ran with finite, counted costs (2 forward passes, 0 saved bytes for Dopamine) and the
no-grad forward pass a perturbation step uses equals the autograd forward pass bitwise.

The perturbation step is cheap because the no-grad forward pass of ``ElmanRNN`` writes into three
preallocated [B, H] buffers (no tensor is allocated inside the time loop), while the same
arithmetic with autograd allocates and keeps T activations for the backward pass.
"""

from __future__ import annotations

import torch

from neuroplastic.bench import record
from neuroplastic.perturbation import ElmanRNN
from neuroplastic.perturbation.measure import lorenz_windows, measure_step_cost

SIZES = {"H": 128, "B": 1000, "T": 32}
ROUNDS = 3


def _same_forward() -> bool:
    torch.set_num_threads(1)
    model = ElmanRNN(hidden=SIZES["H"], seed=0)
    X, _ = lorenz_windows(SIZES["T"], SIZES["B"])
    y_grad = model(X).detach()
    with torch.no_grad():
        y_nograd = model(X)
    return bool(torch.equal(y_grad, y_nograd))


def main() -> dict:
    dops, bptts = [], []
    for _ in range(ROUNDS):
        dops.append(measure_step_cost("dopamine1", SIZES["T"], H=SIZES["H"], B=SIZES["B"]))
        bptts.append(measure_step_cost("adam", SIZES["T"], H=SIZES["H"], B=SIZES["B"]))
    dop = min(dops, key=lambda r: r["time_s"])
    bptt = min(bptts, key=lambda r: r["time_s"])
    agreed = (
        all(d["forward_passes"] == 2 and d["saved_bytes"] == 0 for d in dops)
        and bptt["saved_bytes"] > 0
        and _same_forward()
    )
    rec = record(
        "perturbation_step",
        dict(SIZES, ours="dopamine1 (no grad)", ref="BPTT+Adam"),
        dop["time_s"],
        bptt["time_s"],
        agreed,
        peak_bytes_ours=dop["peak_bytes"],
        peak_bytes_ref=bptt["peak_bytes"],
        memory_ratio=bptt["peak_bytes"] / max(dop["peak_bytes"], 1),
        saved_bytes_ref=bptt["saved_bytes"],
        memory_method=dop["method_used"],
        rounds=ROUNDS,
        round_ratios=[b["time_s"] / d["time_s"] for d, b in zip(dops, bptts)],
    )
    print(
        f"time per step: Dopamine {dop['time_s'] * 1e3:.1f} ms, BPTT+Adam "
        f"{bptt['time_s'] * 1e3:.1f} ms (ratio ref/ours {rec['ratio']:.2f}; per round "
        f"{', '.join(f'{r:.2f}' for r in rec['round_ratios'])}); peak memory: "
        f"Dopamine {dop['peak_bytes'] / 2**20:.1f} MB, BPTT+Adam "
        f"{bptt['peak_bytes'] / 2**20:.1f} MB "
        f"(ratio {rec['memory_ratio']:.1f})"
    )
    return rec


if __name__ == "__main__":
    main()
