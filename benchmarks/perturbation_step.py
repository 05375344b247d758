"""Time and peak memory of one RNN training step: Dopamine-1 (no grad, 2 forward passes) vs BPTT +
Adam, at the paper profile's sizes (H = 128, B = 1000 Lorenz windows, look-back T = 32), each in a
fresh one-thread process (``neuroplastic.perturbation.measure``). Records ratio = t(BPTT+Adam) /
t(Dopamine) through ``neuroplastic.bench.record``; the memory ratio goes in the same record.
"agreed" means both steps ran with finite, counted costs (2 forward passes, 0 saved bytes for
Dopamine)."""

from __future__ import annotations

from neuroplastic.bench import record
from neuroplastic.perturbation.measure import measure_step_cost

SIZES = {"H": 128, "B": 1000, "T": 32}


def main() -> dict:
    dop = measure_step_cost("dopamine1", SIZES["T"], H=SIZES["H"], B=SIZES["B"])
    bptt = measure_step_cost("adam", SIZES["T"], H=SIZES["H"], B=SIZES["B"])
    agreed = dop["forward_passes"] == 2 and dop["saved_bytes"] == 0 and bptt["saved_bytes"] > 0
    rec = record("perturbation_step", dict(SIZES, ours="dopamine1 (no grad)", ref="BPTT+Adam"),
                 dop["time_s"], bptt["time_s"], agreed,
                 peak_bytes_ours=dop["peak_bytes"], peak_bytes_ref=bptt["peak_bytes"],
                 memory_ratio=bptt["peak_bytes"] / max(dop["peak_bytes"], 1),
                 saved_bytes_ref=bptt["saved_bytes"], memory_method=dop["method_used"])
    print(f"time per step: Dopamine {dop['time_s'] * 1e3:.1f} ms, BPTT+Adam "
          f"{bptt['time_s'] * 1e3:.1f} ms (ratio ref/ours {rec['ratio']:.2f}); peak memory: "
          f"Dopamine {dop['peak_bytes'] / 2**20:.1f} MB, BPTT+Adam {bptt['peak_bytes'] / 2**20:.1f} MB "
          f"(ratio {rec['memory_ratio']:.1f})")
    return rec


if __name__ == "__main__":
    main()
