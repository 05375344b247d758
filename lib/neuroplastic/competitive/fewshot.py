"""Few-shot protocol of chapter 3: class-balanced shot sets shared by all models.

Variant "U": the unsupervised layers are pre-trained on all training images without
labels; only the readout sees the 10 n shots. Variant "S": the layer is trained on the
shots only, with the main run's number of updates (an "epoch" = ``updates_per_epoch``
minibatches of size min(100, 10 n)). BP/BP-nn: 1,000 Adam steps on the shots.
References: logistic regression and nearest class mean on raw pixels.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import torch

from ..validation import check_choice, check_int, check_seed
from .kh import train_kh
from .models import train_bp, train_readout
from .rr import train_rr

if TYPE_CHECKING:
    from ..tuning import GridSearch
    from .configs import KHConfig, RRConfig
    from .kh import KHLayer
    from .rr import RRLayer


def sample_shots(
    y: np.ndarray,
    n_per_class: int,
    seed: int | np.random.Generator = 0,
    pool: np.ndarray | None = None,
) -> np.ndarray:
    """Exactly ``n_per_class`` indices per class, drawn without replacement.

    Parameters
    ----------
    y : np.ndarray
        Labels [N].
    n_per_class : int
        Shots per class (>= 1).
    seed : int or np.random.Generator
        The draw is deterministic in ``seed``.
    pool : np.ndarray or None
        Indices to draw from (default: all of ``y``); the classes are those present in it.

    Returns
    -------
    np.ndarray
        Sorted indices into ``y``, ``n_per_class`` per class.

    Raises
    ------
    ValueError
        If a class has fewer than ``n_per_class`` candidates or an argument is invalid.
    """
    y = np.asarray(y)
    check_int("n_per_class", n_per_class, 1)
    seed = check_seed(seed)
    pool = np.arange(len(y)) if pool is None else np.asarray(pool)
    rng = np.random.default_rng(seed)
    out = []
    for c in np.unique(y[pool]):
        idx = pool[y[pool] == c]
        if len(idx) < n_per_class:
            raise ValueError(f"class {c} has {len(idx)} candidates < n_per_class={n_per_class}")
        out.append(rng.choice(idx, n_per_class, replace=False))
    return np.sort(np.concatenate(out))


def _ncm(Xs, ys, Xte):
    M = np.stack([Xs[ys == c].mean(0) for c in range(10)])
    d = (
        ((Xte[:, None, :] - M[None]) ** 2).sum(-1)
        if len(Xte) * 10 * Xte.shape[1] < 5e7
        else (Xte**2).sum(1)[:, None] - 2 * Xte @ M.T + (M**2).sum(1)[None]
    )
    return d.argmin(1)


def _logreg(Xs, ys, Xte, seed, steps=1000, lr=1e-2, wd=1e-4):
    g = torch.Generator().manual_seed(seed)
    X = torch.from_numpy(Xs)
    y = torch.from_numpy(ys.astype(np.int64))
    W = torch.zeros(Xs.shape[1], 10, requires_grad=True)
    c = torch.zeros(10, requires_grad=True)
    opt = torch.optim.Adam([W, c], lr=lr, weight_decay=wd)
    bs = min(100, len(X))
    for _ in range(steps):
        idx = torch.randint(0, len(X), (bs,), generator=g)
        opt.zero_grad()
        torch.nn.functional.cross_entropy(X[idx] @ W + c, y[idx]).backward()
        opt.step()
    with torch.no_grad():
        return (torch.tensor(Xte) @ W + c).argmax(1).numpy()


def train_shot_layer(
    kind: str,
    layer_cfg: KHConfig | RRConfig,
    X: np.ndarray,
    y: np.ndarray,
    n: int,
    seed: int,
    pool: np.ndarray | None = None,
) -> KHLayer | RRLayer:
    """Variant S: the unsupervised layer trained on the ``n``-shot set of ``seed`` only.

    It keeps the main run's number of updates, ``len(X) // layer_cfg.batch_size`` minibatches
    per epoch, at batch size min(100, 10 n).

    Parameters
    ----------
    kind : str
        "kh" or "rr".
    layer_cfg : KHConfig or RRConfig
        The main run's layer configuration.
    X, y : np.ndarray
        All training images [N, D] and labels [N].
    n : int
        Shots per class.
    seed : int
        Seed of the shot draw and of the training.
    pool : np.ndarray or None
        Indices the shots are drawn from.

    Returns
    -------
    KHLayer or RRLayer
    """
    check_choice("kind", kind, ("kh", "rr"))
    idx = sample_shots(y, n, seed, pool)
    bs = min(100, 10 * n)
    upe = max(1, len(X) // layer_cfg.batch_size)  # the main run's updates per epoch
    return (train_kh if kind == "kh" else train_rr)(
        X[idx], dataclasses.replace(layer_cfg, batch_size=bs), seed=seed, updates_per_epoch=upe
    )


def shot_layers(
    kind: str,
    layer_cfg: KHConfig | RRConfig,
    X: np.ndarray,
    y: np.ndarray,
    shots: Iterable[int],
    seeds: int | Iterable[int],
    pool: np.ndarray | None = None,
    n_jobs: int | None = None,
    backend: str = "sequential",
) -> dict[tuple[int, int], KHLayer | RRLayer]:
    """Variant-S layers for every (shots, seed), trained once and shared by every readout.

    Parameters
    ----------
    kind : str
        "kh" or "rr".
    layer_cfg : KHConfig or RRConfig
        The main run's layer configuration.
    X, y : np.ndarray
        Training images and labels.
    shots : iterable of int
        Shots per class.
    seeds : int or iterable of int
        An int s means seeds 0..s-1.
    pool : np.ndarray or None
        Indices the shots are drawn from.
    n_jobs : int or None
        Workers of :func:`neuroplastic.parallel.sweep`.
    backend : str
        Its backend.

    Returns
    -------
    dict
        ``{(n, seed): layer}`` (see :func:`train_shot_layer`).
    """
    seeds = list(range(seeds)) if isinstance(seeds, (int, np.integer)) else list(seeds)
    keys = [(int(n), int(s)) for n in shots for s in seeds]
    tasks = [
        dict(kind=kind, layer_cfg=layer_cfg, X=X, y=y, n=n, seed=s, pool=pool) for n, s in keys
    ]
    try:
        from neuroplastic import parallel

        res = parallel.sweep(
            train_shot_layer,
            tasks,
            n_jobs=n_jobs,
            backend=backend,
            desc=f"shot layers {kind}",
            progress=False,
        )
    except ImportError:
        res = [train_shot_layer(**t) for t in tasks]
    return dict(zip(keys, res))


def fewshot_task(
    name: str,
    spec: tuple[str, Any],
    X: np.ndarray,
    y: np.ndarray,
    Xte: np.ndarray,
    yte: np.ndarray,
    n: int,
    seed: int,
    variant: str,
    pretrained: Any = None,
    steps: int = 1000,
    pool: np.ndarray | None = None,
) -> np.ndarray:
    """One (model, shots, seed) point of the few-shot curve.

    The readout (BP: the whole net; references: logistic regression or nearest class mean on
    raw pixels) is trained on the ``10 n`` shots with ``steps`` minibatch updates at batch size
    min(100, 10 n).

    Parameters
    ----------
    name : str
        Model name (for the sweep's bookkeeping).
    spec : tuple
        ("bp", BPConfig) | ("kh", (KHConfig, KHReadoutConfig, beta)) | ("rr", (RRConfig,
        RRReadoutConfig)) | ("logreg", None) | ("ncm", None).
    X, y : np.ndarray
        Training images [N, D] and labels [N] (the shots are drawn from them).
    Xte, yte : np.ndarray
        Test images and labels.
    n : int
        Shots per class.
    seed : int
        Seed of the shot draw and the training.
    variant : str
        "U" (pre-trained layer) or "S" (layer trained on the shots).
    pretrained : layer, dict or None
        The layer (variant U), or a dict ``{(n, seed): layer}`` of shot-trained layers (variant
        S, from :func:`shot_layers`; trained here when missing).
    steps : int
        Minibatch updates of the readout (and of BP).
    pool : np.ndarray or None
        Indices the shots are drawn from (default: all of ``y``).

    Returns
    -------
    np.ndarray
        bool [len(yte)]: per-image correctness on the test set.

    Raises
    ------
    ValueError
        If the model kind is unknown.
    """
    idx = sample_shots(y, n, seed, pool)
    Xs, ys = X[idx], y[idx]
    kind, cfg = spec
    bs = min(100, 10 * n)

    if kind == "ncm":
        pred = _ncm(Xs, ys, Xte)
    elif kind == "logreg":
        pred = _logreg(Xs, ys, Xte, seed, steps)
    elif kind == "bp":
        net = train_bp(Xs, ys, dataclasses.replace(cfg, batch_size=bs), seed=seed, steps=steps)
        pred = net.predict(Xte)
    elif kind in ("kh", "rr"):
        lcfg, rcfg = cfg[0], cfg[1]
        if variant == "U":
            layer = pretrained
        elif isinstance(pretrained, dict) and (n, seed) in pretrained:
            layer = pretrained[n, seed]
        else:
            layer = train_shot_layer(kind, lcfg, X, y, n, seed, pool)
        rcfg = dataclasses.replace(rcfg, batch_size=bs)
        beta = cfg[2] if kind == "kh" else None
        m = train_readout(layer, Xs, ys, rcfg, seed=seed, steps=steps, beta=beta)
        pred = m.predict(Xte)
    else:
        raise ValueError(f"unknown model kind {kind!r}")
    return np.asarray(pred) == np.asarray(yte)


def few_shot_curve(
    models: dict[str, tuple[str, Any]],
    X: np.ndarray,
    y: np.ndarray,
    Xte: np.ndarray,
    yte: np.ndarray,
    shots: Iterable[int],
    seeds: int | Iterable[int],
    variant: str = "U",
    pretrained: dict[str, Any] | None = None,
    steps: int = 1000,
    n_jobs: int | None = None,
    backend: str = "loky",
    progress: bool = False,
    pool: np.ndarray | None = None,
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Test accuracy (fraction) against shots per class, for every model and seed.

    Parameters
    ----------
    models : dict
        ``{name: spec}`` (see :func:`fewshot_task`).
    X, y : np.ndarray
        Training images and labels.
    Xte, yte : np.ndarray
        Test images and labels.
    shots : iterable of int
        Shots per class (>= 1).
    seeds : int or iterable of int
        An int s means seeds 0..s-1.
    variant : str
        "U" or "S".
    pretrained : dict or None
        ``{name: layer}`` for variant U (required for KH/RR models); for variant S optionally
        ``{name: {(n, seed): layer}}``.
    steps : int
        Minibatch updates per readout.
    n_jobs : int or None
        Workers of :func:`neuroplastic.parallel.sweep`.
    backend : str
        Its backend.
    progress : bool
        Show a progress bar.
    pool : np.ndarray or None
        Indices the shots are drawn from.

    Returns
    -------
    table : pd.DataFrame
        Columns ``model``, ``shots``, ``seed``, ``accuracy``.
    correct : dict
        ``{name: bool array [n_shots, n_seeds, n_test]}``.

    Raises
    ------
    ValueError
        If ``variant`` or ``shots`` is invalid or variant U lacks a pre-trained layer.
    """
    check_choice("variant", variant, ("U", "S"))
    seeds = list(range(seeds)) if isinstance(seeds, (int, np.integer)) else list(seeds)
    shots = [check_int("shots", int(s), 1) for s in shots]
    if variant == "U":
        for name, (kind, _) in models.items():
            if kind in ("kh", "rr") and (pretrained is None or name not in pretrained):
                raise ValueError(f"variant 'U' needs pretrained[{name!r}]")
    tasks = [
        dict(
            name=name,
            spec=spec,
            X=X,
            y=y,
            Xte=Xte,
            yte=yte,
            n=n,
            seed=s,
            variant=variant,
            pretrained=(pretrained or {}).get(name),
            steps=steps,
            pool=pool,
        )
        for name, spec in models.items()
        for n in shots
        for s in seeds
    ]
    try:
        from neuroplastic import parallel

        res = parallel.sweep(
            fewshot_task,
            tasks,
            n_jobs=n_jobs,
            backend=backend,
            desc=f"few-shot {variant}",
            progress=progress,
        )
    except ImportError:
        res = [fewshot_task(**t) for t in tasks]
    rows, correct = (
        [],
        {name: np.zeros((len(shots), len(seeds), len(yte)), bool) for name in models},
    )
    for t, ok in zip(tasks, res):
        i, j = shots.index(t["n"]), seeds.index(t["seed"])
        correct[t["name"]][i, j] = ok
        rows.append(
            {"model": t["name"], "shots": t["n"], "seed": t["seed"], "accuracy": float(ok.mean())}
        )
    return pd.DataFrame(rows), correct


def paired_bootstrap_diff(
    correct_a: np.ndarray,
    correct_b: np.ndarray,
    n_boot: int = 2000,
    seed: int | np.random.Generator | None = 0,
) -> tuple[float, float, float]:
    """Mean accuracy difference a - b with a 95 % paired-bootstrap interval.

    The bootstrap resamples seeds (within each shot) and test images, the same indices for
    both models; the interval is the 2.5 and 97.5 percentiles.

    Parameters
    ----------
    correct_a, correct_b : np.ndarray
        Per-image correctness [shots, seeds, images] of two models.
    n_boot : int
        Bootstrap resamples.
    seed : int, np.random.Generator or None
        Seed of the resampling.

    Returns
    -------
    diff, lo, hi : float
        Mean difference and interval, in accuracy units (fractions).

    Raises
    ------
    ValueError
        If the arrays differ in shape or are not 3-d.
    """
    a, b = np.asarray(correct_a, float), np.asarray(correct_b, float)
    if a.shape != b.shape or a.ndim != 3:
        raise ValueError("correct_a and correct_b must have the same (shots, seeds, images) shape")
    d = a - b
    rng = np.random.default_rng(seed)
    ns, nseed, nimg = d.shape
    per = d.mean(2)  # (shots, seeds)
    boots = np.empty(n_boot)
    for t in range(n_boot):
        si = rng.integers(0, nseed, (ns, nseed))
        ii = rng.integers(0, nimg, nimg)
        boots[t] = np.take_along_axis(d[:, :, ii].mean(2), si, 1).mean()
    return float(per.mean()), float(np.percentile(boots, 2.5)), float(np.percentile(boots, 97.5))


def validation_split(
    y: np.ndarray, n_val: int = 1000, seed: int | np.random.Generator = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A class-balanced validation set of training images and the rest.

    The rest is the pool the tuning shots are drawn from (the test set is never used for
    tuning).

    Parameters
    ----------
    y : np.ndarray
        Training labels.
    n_val : int
        Validation images (``n_val // n_classes`` per class).
    seed : int or np.random.Generator
        Seed of the draw.

    Returns
    -------
    pool, val : np.ndarray
        Sorted indices into ``y``.

    Raises
    ------
    ValueError
        If ``n_val`` is out of range.
    """
    y = np.asarray(y)
    n_cls = len(np.unique(y))
    check_int("n_val", n_val, n_cls, len(y) - n_cls)
    val = sample_shots(y, n_val // n_cls, seed)
    return np.setdiff1d(np.arange(len(y)), val), val


def tune_few_shot(
    name: str,
    make_spec: Callable[[float], tuple[str, Any]],
    grid: Iterable[float],
    X: np.ndarray,
    y: np.ndarray,
    shots: Iterable[int],
    seeds: int | Iterable[int],
    variant: str = "U",
    pretrained: Any = None,
    steps: int = 1000,
    n_val: int = 1000,
    split_seed: int = 12345,
    factor: float = 3.0,
    max_widen: int = 2,
    min_points: int = 0,
    layer_kind: str | None = None,
) -> tuple[GridSearch, int]:
    """Re-choose one hyperparameter for the few-shot regime on a validation split.

    The score is the mean validation accuracy (fraction) over ``shots`` and ``seeds``, shots
    drawn from the training images outside the validation set (:func:`validation_split`).
    ``grid`` is widened by ``factor`` beyond a winning edge (at most ``max_widen`` times per
    side) and, alternately on both sides, until it holds at least ``min_points`` values (so a
    method can get a baseline's budget).

    Parameters
    ----------
    name : str
        Name of the hyperparameter.
    make_spec : callable
        ``make_spec(value)`` gives the model spec (see :func:`fewshot_task`).
    grid : iterable of float
        Initial values.
    X, y : np.ndarray
        Training images and labels.
    shots : iterable of int
        Shots per class.
    seeds : int or iterable of int
        An int s means seeds 0..s-1.
    variant : str
        "U" or "S".
    pretrained : layer, dict or None
        As for :func:`fewshot_task`.
    steps : int
        Minibatch updates per readout.
    n_val : int
        Validation images.
    split_seed : int
        Seed of the validation split.
    factor : float
        Ratio between successive added values.
    max_widen : int
        Widenings per side.
    min_points : int
        Minimum number of values tried.
    layer_kind : str or None
        Variant S: "kh" or "rr" to train the shot layers once and share them by every value.

    Returns
    -------
    search : neuroplastic.tuning.GridSearch
        Over the values tried.
    n_configs : int
        Number of configurations tried.

    Raises
    ------
    ValueError
        If ``variant`` or ``n_val`` is invalid.
    """
    from neuroplastic.tuning import grid_search

    from .models import _round3, widen_grid

    check_choice("variant", variant, ("U", "S"))
    seeds = list(range(seeds)) if isinstance(seeds, (int, np.integer)) else list(seeds)
    pool, val = validation_split(y, n_val, split_seed)
    Xv, yv = X[val], y[val]
    if variant == "S" and layer_kind is not None:
        lcfg = make_spec(grid[0])[1][0]
        pretrained = shot_layers(layer_kind, lcfg, X, y, shots, seeds, pool)
    cache = {}

    def score(v):
        if v not in cache:
            accs = [
                fewshot_task(
                    name,
                    make_spec(v),
                    X,
                    y,
                    Xv,
                    yv,
                    int(n),
                    int(s),
                    variant,
                    pretrained,
                    steps,
                    pool,
                ).mean()
                for n in shots
                for s in seeds
            ]
            cache[v] = float(np.mean(accs))
        return cache[v]

    gs = widen_grid(name, grid, score, max_widen, factor, maximize=True)
    g = list(gs.grid)
    side = 0
    while len(g) < min_points:
        g = [_round3(g[0] / factor)] + g if side == 0 else g + [_round3(g[-1] * factor)]
        side = 1 - side
    if len(g) > len(gs.grid):
        gs = grid_search(name, g, [score(v) for v in g], minimize=False)
    return gs, len(gs.grid)
