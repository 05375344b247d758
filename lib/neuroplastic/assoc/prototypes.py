"""Prototype extraction: learn distorted instances, recall the prototype from a new instance.

Q random prototypes; training set = n_inst flip-distortions (d_train flips) of each prototype,
row q·n_inst + i; test set = n_test fresh distortions (d_test flips), row q·n_test + i, labelled q.
All draws are prefix-consistent in Q. The network learns the instances only; a test cue is
correct iff its final state equals its prototype exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..validation import check_float, check_int, check_seed
from .activations import default_activation
from .counts import count
from .cues import CueNoise, flip_cues
from .layouts import check_layout
from .patterns import TAG_PROTO, TAG_TEST, TAG_TRAIN, PatternSet, random_patterns
from .recall import recall
from .rules import NOISE_AWARE, build, parse_rule

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pandas as pd

    from .activations import Activation
    from .layouts import Layout


@dataclass(frozen=True, eq=False)
class PrototypeSet:
    """Prototypes [Q, K], training instances (row q·n_inst + i, labels ``train_label``) and
    test instances (row q·n_test + i, labels ``test_label``) of :func:`prototype_set`."""

    prototypes: PatternSet
    train: PatternSet
    test: PatternSet
    test_label: np.ndarray
    train_label: np.ndarray


def prototype_set(
    Q: int,
    layout: Layout,
    *,
    n_inst: int,
    d_train: float,
    n_test: int,
    d_test: float,
    seed: int,
) -> PrototypeSet:
    """Prototypes, training instances and labelled test instances (see the module docstring).

    Parameters
    ----------
    Q : int
        Number of prototypes (>= 1).
    layout : KofN or Modular
        Network layout.
    n_inst : int
        Training instances per prototype (>= 1).
    d_train : float
        Mean flips per training instance (>= 0).
    n_test : int
        Test instances per prototype (>= 1).
    d_test : float
        Mean flips per test instance (>= 0).
    seed : int
        Seed; every draw is prefix-consistent in Q.

    Returns
    -------
    PrototypeSet
        Prototypes, training and test sets with their labels.

    Raises
    ------
    ValueError
        An argument out of range.
    """
    Q = check_int("Q", Q, lo=1)
    check_layout(layout)
    n_inst = check_int("n_inst", n_inst, lo=1)
    n_test = check_int("n_test", n_test, lo=1)
    seed = check_seed(seed)
    proto_seed = int(np.random.SeedSequence(seed, spawn_key=(TAG_PROTO,)).generate_state(1)[0])
    protos = random_patterns(Q, layout, seed=proto_seed)
    rep_tr = protos.rows(np.repeat(np.arange(Q), n_inst))
    rep_te = protos.rows(np.repeat(np.arange(Q), n_test))
    train = flip_cues(rep_tr, check_float("d_train", d_train, lo=0.0), seed=seed, tag=TAG_TRAIN)
    test = flip_cues(rep_te, check_float("d_test", d_test, lo=0.0), seed=seed, tag=TAG_TEST)
    return PrototypeSet(
        protos,
        train,
        test,
        np.repeat(np.arange(Q), n_test).astype(np.int32),
        np.repeat(np.arange(Q), n_inst).astype(np.int32),
    )


def prototype_one(
    rule: str | tuple | dict,
    layout: Layout,
    Q: int,
    *,
    n_inst: int,
    d_train: float,
    d_test: float,
    n_test: int,
    rep: int,
    seed: int,
    params: dict[str, Any] | None = None,
    T_max: int = 15,
    activation: Activation | None = None,
) -> dict[str, Any]:
    """Score of one (rule, Q, repetition) (top-level for the sweep helper)."""
    name, p, label = parse_rule(rule)
    params = {**p, **dict(params or {})}
    if name in NOISE_AWARE and "noise" not in params:
        params["noise"] = CueNoise.from_flips(d_test, layout)
    ps = prototype_set(
        Q, layout, n_inst=n_inst, d_train=d_train, n_test=n_test, d_test=d_test, seed=seed
    )
    net = build(name, count(ps.train), layout, **params)
    res = recall(
        net, ps.test, activation=activation or default_activation(layout), T_max=T_max, seed=seed
    )
    ok = res.states.equal_rows(ps.prototypes.rows(ps.test_label))
    return {
        "rule": label,
        "Q": int(Q),
        "rep": int(rep),
        "score": float(ok.mean()),
        "n_train": ps.train.P,
        "n_test": ps.test.P,
    }


def prototype_curve(
    rule: str | tuple | dict,
    layout: Layout,
    Q_values: Iterable[int],
    *,
    n_inst: int,
    d_train: float,
    d_test: float,
    n_test: int,
    nrep: int,
    seed: int = 0,
    params: dict[str, Any] | None = None,
    T_max: int = 15,
    n_jobs: int | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Prototype score against the number of prototypes Q.

    score = fraction of test cues whose final state equals their prototype exactly (0..1).
    Repetition r uses seed + 17 r; all (Q, rep) cells run through
    ``neuroplastic.parallel.sweep``. Noise-aware rules get
    ``noise = CueNoise.from_flips(d_test, layout)`` unless ``params`` gives one.

    Parameters
    ----------
    rule : str, tuple or dict
        Rule name or spec (see :func:`~neuroplastic.assoc.rules.parse_rule`).
    layout : KofN or Modular
        Network layout.
    Q_values : iterable of int
        Numbers of prototypes (each >= 1).
    n_inst, d_train, n_test, d_test : int, float, int, float
        As in :func:`prototype_set` (instances per prototype, mean flips).
    nrep : int
        Repetitions per Q (>= 1).
    seed : int
        Base seed.
    params : dict, optional
        Extra rule parameters.
    T_max : int
        Maximum retrieval steps.
    n_jobs : int, optional
        Worker processes (None: the sweep default).
    progress : bool
        Show a progress bar.

    Returns
    -------
    pandas.DataFrame
        Columns rule, Q, rep, score, n_train, n_test; one row per (Q, rep).

    Raises
    ------
    ValueError
        Invalid rule, Q value, nrep or seed.
    """
    import pandas as pd

    from ..parallel import sweep

    check_layout(layout)
    Qs = [check_int("Q_values[i]", q, lo=1) for q in Q_values]
    nrep = check_int("nrep", nrep, lo=1)
    seed = check_seed(seed)
    parse_rule(rule)
    tasks = [
        dict(
            rule=rule,
            layout=layout,
            Q=q,
            n_inst=n_inst,
            d_train=d_train,
            d_test=d_test,
            n_test=n_test,
            rep=r,
            seed=seed + 17 * r,
            params=params,
            T_max=T_max,
        )
        for q in Qs
        for r in range(nrep)
    ]
    return pd.DataFrame(
        sweep(prototype_one, tasks, n_jobs=n_jobs, desc="prototypes", progress=progress)
    )
