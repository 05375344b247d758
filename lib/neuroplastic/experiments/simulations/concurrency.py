"""S8 helper: several processes saving configurations into one store at the same time."""
from __future__ import annotations

import multiprocessing as mp


def writer(path: str, tag: str, n: int, timeout: float = 30.0) -> None:
    """Save ``n`` LIF configurations named ``<tag>-000`` ... into the store at ``path``."""
    from neuroplastic.experiments.simulations.lif_scope import LIFScope
    from neuroplastic.sim import Store
    sim = LIFScope()
    with Store(path, timeout=timeout) as st:
        for i in range(n):
            sim.p.tau = 1.0 + (i % 90) * 0.5
            st.save(sim, f"{tag}-{i:03d}", grade=float(i))


def concurrent_saves(path, n_procs: int = 2, n_each: int = 20, join_timeout: float = 120.0) -> list:
    """Start ``n_procs`` processes (spawn) that each save ``n_each`` configurations at once;
    returns their exit codes (0 = success)."""
    for nm, v in (("n_procs", n_procs), ("n_each", n_each)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"{nm} must be an int >= 1, got {v!r}")
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=writer, args=(str(path), f"proc{j}", n_each))
             for j in range(n_procs)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(join_timeout)
        if p.is_alive():
            p.terminate()
            p.join()
    return [p.exitcode for p in procs]
