r"""Compute and peak memory of one RNN training step vs sequence length ([R] protocol).

One fresh process (spawn, 1 torch thread) per (method, T): build B Lorenz windows of length T,
the model and the optimizer, take one warm-up step, then for each repeat: collect garbage, call
glibc ``malloc_trim(0)``, read VmRSS, reset the high-water mark by writing "5" to
``/proc/self/clear_refs``, take one step and read VmHWM. The step's peak is VmHWM - RSS_before
(bytes), the median over ``repeats`` (the allocator adds or hides up to about 1 MB per step, which
the maximum would amplify for a step whose true peak is below that). If the reset is refused,
``ru_maxrss`` is used instead (KB on Linux, bytes on macOS) and the row is flagged
(``method_used``). On CUDA the peak is
``max_memory_allocated`` after ``reset_peak_memory_stats``.

Exact counters beside it: bytes saved for backward (unique tensors packed by
``torch.autograd.graph.saved_tensors_hooks``; 0 for perturbation, which builds no graph),
optimizer state bytes (Adam 2P floats; Dopamine/WP a few scalars, noise 0 with regeneration),
forward passes per step (model counter), the median wall time of ``time_repeats`` steps, and the
forward-pass equivalents per step (perturbation: closure calls; BPTT: t(step)/t(no-grad forward)).
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from ..validation import check_choice, check_int
from .chaos import simulate
from .forecast import rnn_loss
from .models import ElmanRNN
from .optimizers import PERTURBATIVE, make_optimizer

if TYPE_CHECKING:
    import pandas as pd

STEP_METHODS = ("sgd", "adam", "wp", "dopamine1", "dopamine2")


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _malloc_trim() -> None:
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _reset_hwm() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _ru_maxrss_bytes() -> int:
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(r) if sys.platform == "darwin" else int(r) * 1024


def saved_tensor_bytes(fn: Callable[[], Any]) -> int:
    """Bytes of the distinct tensors autograd saves for backward while ``fn()`` runs.

    sum over unique (data_ptr, shape, stride, dtype) of numel * element_size.

    Parameters
    ----------
    fn : callable
        Runs a forward pass (its output is discarded).

    Returns
    -------
    int
        Saved bytes (0 under ``torch.no_grad``).
    """
    seen = {}

    def pack(t):
        key = (t.data_ptr(), tuple(t.shape), tuple(t.stride()), t.dtype)
        seen[key] = t.numel() * t.element_size()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = fn()
    del out
    return int(sum(seen.values()))


def lorenz_windows(
    T: int, B: int, device: str | torch.device = "cpu", seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """B Lorenz windows of length T (z-scored) and their next states, float32.

    Parameters
    ----------
    T : int
        Window length >= 1 (steps).
    B : int
        Number of windows >= 1 (consecutive starts).
    device : str or torch.device
        Where the tensors live.
    seed : int
        Unused (the trajectory is deterministic).

    Returns
    -------
    X : torch.Tensor
        [B, T, 3] (z-units).
    y : torch.Tensor
        [B, 3] next states (z-units).
    """
    T = check_int("T", T, 1)
    B = check_int("B", B, 1)
    n = B + T + 1
    s = simulate("lorenz", n_steps=max(n, 1000), burn_in=1000)
    z = (s - s.mean(0)) / s.std(0)
    X = np.stack([z[i : i + T] for i in range(B)])
    y = z[T : T + B]
    return (
        torch.as_tensor(X, dtype=torch.float32, device=device),
        torch.as_tensor(y, dtype=torch.float32, device=device),
    )


def _build(method, T, H, B, device, seed):
    torch.manual_seed(seed)
    X, y = lorenz_windows(T, B, device)
    model = ElmanRNN(hidden=H, seed=seed).to(device)
    lr = {"sgd": 0.1, "adam": 1e-2}.get(method, 1e-3)
    opt = make_optimizer(method, model.parameters(), lr, sigma=1e-4, seed=seed)

    def closure():
        return rnn_loss(model, X, y)

    if method in PERTURBATIVE:

        def step():
            opt.step(closure)
    else:

        def step():
            opt.zero_grad(set_to_none=True)
            closure().backward()
            opt.step()

    return model, opt, closure, step


def _state_bytes(opt) -> int:
    total = 0
    for st in opt.state.values():
        if isinstance(st, dict):
            for v in st.values():
                if isinstance(v, torch.Tensor):
                    total += v.numel() * v.element_size()
    for attr in ("_s", "_eta"):
        v = getattr(opt, attr, None)
        if isinstance(v, torch.Tensor):
            total += v.numel() * v.element_size()
    if getattr(opt, "regenerate_noise", True) is False:
        total += sum(p.numel() * p.element_size() for g in opt.param_groups for p in g["params"])
    return total


def _measure(method, T, H, B, device, repeats, time_repeats, seed):
    torch.set_num_threads(1)
    model, opt, closure, step = _build(method, T, H, B, device, seed)
    step()  # warm-up (allocates optimizer state)
    cuda = str(device).startswith("cuda")
    peaks, used = [], "clear_refs"
    for _ in range(repeats):
        gc.collect()
        if cuda:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
            before = torch.cuda.memory_allocated()
            step()
            torch.cuda.synchronize()
            peaks.append(torch.cuda.max_memory_allocated() - before)
            used = "cuda"
            continue
        _malloc_trim()
        rss = _status_kb("VmRSS")
        ok = rss is not None and _reset_hwm()
        if ok:
            step()
            peaks.append((_status_kb("VmHWM") - rss) * 1024)
        else:
            before = _ru_maxrss_bytes()
            step()
            peaks.append(_ru_maxrss_bytes() - before)
            used = "ru_maxrss (flagged: high-water mark could not be reset)"
    times = []
    for _ in range(time_repeats):
        if cuda:
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        step()
        if cuda:
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    n0 = model.forward_passes
    step()
    passes = model.forward_passes - n0
    fwd = []
    with torch.no_grad():
        for _ in range(time_repeats):
            t0 = time.perf_counter()
            closure()
            if cuda:
                torch.cuda.synchronize()
            fwd.append(time.perf_counter() - t0)
    if method in PERTURBATIVE:
        saved = 0
        with torch.no_grad():
            saved = saved_tensor_bytes(closure)
    else:
        saved = saved_tensor_bytes(closure)
    t_step, t_fwd = float(np.median(times)), float(np.median(fwd))
    return {
        "method": method,
        "T": T,
        "H": H,
        "B": B,
        "device": str(device),
        "peak_bytes": int(np.median(peaks)),
        "saved_bytes": int(saved),
        "state_bytes": _state_bytes(opt),
        "time_s": t_step,
        "forward_s": t_fwd,
        "forward_passes": int(passes),
        "fpe_per_step": float(passes) if method in PERTURBATIVE else t_step / t_fwd,
        "n_params": model.n_params,
        "method_used": used,
    }


def measure_step_cost(
    method: str,
    T: int,
    H: int = 64,
    B: int = 500,
    device: str = "cpu",
    repeats: int = 5,
    time_repeats: int = 5,
    seed: int = 0,
    isolate: bool = True,
) -> dict:
    """Peak memory, saved bytes, state bytes, time and passes of one training step (see module).

    ``method`` in STEP_METHODS ("sgd"/"adam" are BPTT). With ``isolate=True`` (default) the
    measurement runs in a fresh spawned process, as the protocol requires.

    Parameters
    ----------
    method : str
        One of ``STEP_METHODS``.
    T : int
        Sequence length >= 1 (steps).
    H : int
        Hidden units >= 1.
    B : int
        Batch size >= 1 (windows).
    device : str
        'cpu' or 'cuda[:i]'.
    repeats : int
        Peak-memory repeats (median) >= 1.
    time_repeats : int
        Timed steps (median) >= 1.
    seed : int
        Model and noise seed.
    isolate : bool
        Measure in a fresh process.

    Returns
    -------
    dict
        method, T, H, B, device, ``peak_bytes``, ``saved_bytes``, ``state_bytes`` (bytes),
        ``time_s``, ``forward_s`` (s), ``forward_passes``, ``fpe_per_step``, ``n_params`` and
        ``method_used`` (how the peak was read).

    Raises
    ------
    TypeError
        If ``device`` is not a str.
    ValueError
        If an argument is out of range or CUDA is requested but unavailable.
    RuntimeError
        If the isolated measurement process fails.
    """
    check_choice("method", method, STEP_METHODS)
    T = check_int("T", T, 1)
    H = check_int("H", H, 1)
    B = check_int("B", B, 1)
    repeats = check_int("repeats", repeats, 1)
    time_repeats = check_int("time_repeats", time_repeats, 1)
    if not isinstance(device, str):
        raise TypeError(
            f"device must be a string ('cpu' or 'cuda[:i]'); got {type(device).__name__}"
        )
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device={device!r} but CUDA is not available; use 'cpu'")
    args = (method, T, H, B, device, repeats, time_repeats, seed)
    if not isolate:
        return _measure(*args)
    return _fresh(args)


def _fresh(args) -> dict:
    """Run ``_measure(*args)`` in a fresh Python interpreter (1 thread) and return its dict."""
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", MALLOC_MMAP_THRESHOLD_="65536")
    proc = subprocess.run(
        [sys.executable, "-m", "neuroplastic.perturbation.measure", json.dumps(list(args))],
        capture_output=True,
        text=True,
        env=env,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"measurement process failed for {args}:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def memory_scaling(
    methods: Iterable[str],
    Ts: Iterable[int],
    H: int = 64,
    B: int = 500,
    device: str = "cpu",
    n_jobs: int | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """DataFrame of :func:`measure_step_cost` over methods x Ts, each in its own fresh process.

    Up to ``n_jobs`` (default: the sweep helper's default, <= 2) spawned processes run at once;
    every process is a new interpreter that measures exactly one (method, T) and exits (joblib's
    reusable workers would not be fresh).

    Parameters
    ----------
    methods : iterable of str
        Methods from ``STEP_METHODS`` (non-empty).
    Ts : iterable of int
        Sequence lengths >= 1 (non-empty).
    H, B : int
        Hidden units and batch size.
    device : str
        'cpu' or 'cuda[:i]' (CUDA runs one process at a time).
    n_jobs : int or None
        Concurrent processes.
    progress : bool
        Show a progress bar.

    Returns
    -------
    pandas.DataFrame
        One row per (method, T): the dict of :func:`measure_step_cost`.

    Raises
    ------
    ValueError
        If ``methods`` or ``Ts`` is empty or holds an invalid entry.
    """
    import pandas as pd
    from tqdm.auto import tqdm

    from ..parallel import default_n_jobs

    methods = [check_choice("methods", m, STEP_METHODS) for m in methods]
    Ts = [check_int("Ts", T, 1) for T in Ts]
    if not methods or not Ts:
        raise ValueError("methods and Ts must be non-empty")
    H = check_int("H", H, 1)
    B = check_int("B", B, 1)
    n_jobs = default_n_jobs() if n_jobs is None else check_int("n_jobs", n_jobs, 1)
    if device.startswith("cuda"):
        n_jobs = 1
    tasks = [(m, T, H, B, device, 5, 5, 0) for m in methods for T in Ts]
    with ThreadPoolExecutor(max_workers=n_jobs) as ex:
        futs = [ex.submit(_fresh, a) for a in tasks]
        rows = [f.result() for f in tqdm(futs, desc="step cost", disable=not progress, leave=False)]
    return pd.DataFrame(rows)


if __name__ == "__main__":  # fresh-process entry point used by measure_step_cost
    print(json.dumps(_measure(*json.loads(sys.argv[1]))))
