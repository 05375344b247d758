"""Frozen, validated configurations of the chapter-3 models (inoue2026sparse reconstruction).

Epochs count passes through the training set, ``batch_size`` examples per minibatch; rates are
per minibatch step. Invalid values raise ``TypeError``/``ValueError`` at construction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..validation import check_choice, check_float, check_int


@dataclass(frozen=True)
class KHConfig:
    """Krotov–Hopfield (2019) layer: K units, Lebesgue exponent p, rank k, anti-Hebbian
    strength delta, initial rate eps0 (linearly decayed), epochs, minibatch, radius R;
    ``nonneg=True`` gives KH-nn (|N(0,1)| init, W <- max(W, 0) after each step)."""

    n_hidden: int = 400
    p: float = 3.0
    k: int = 7
    delta: float = 0.4
    eps0: float = 0.04
    epochs: int = 100
    batch_size: int = 100
    R: float = 1.0
    nonneg: bool = False

    def __post_init__(self):
        check_int("n_hidden", self.n_hidden, 2)
        check_float("p", self.p, 2.0)
        check_int("k", self.k, 2, self.n_hidden)
        check_float("delta", self.delta, 0.0)
        check_float("eps0", self.eps0, 0.0, lo_open=True)
        check_int("epochs", self.epochs, 1)
        check_int("batch_size", self.batch_size, 1)
        check_float("R", self.R, 0.0, lo_open=True)
        if not isinstance(self.nonneg, bool):
            raise TypeError("nonneg must be a bool")


@dataclass(frozen=True)
class KHReadoutConfig:
    """hopfield19 readout: h = relu(W x/|x|)^n, c = tanh(beta S h), loss sum |c - t|^m
    (m applied literally); Adam on S only. beta=None: chosen on validation from
    ``beta_grid``, widened by factors of 10 beyond an edge that wins (at most
    ``beta_widen`` times on each side) so that the chosen value is interior when it can be."""

    n: float = 4.5
    m: float = 6.0
    beta: float | None = None
    lr: float = 1e-3
    epochs: int = 60
    batch_size: int = 100
    beta_grid: tuple = (0.01, 0.1, 1.0, 10.0)
    beta_widen: int = 3

    def __post_init__(self):
        check_float("n", self.n, 1.0)
        check_float("m", self.m, 1.0)
        if self.beta is not None:
            check_float("beta", self.beta, 0.0, lo_open=True)
        check_float("lr", self.lr, 0.0, lo_open=True)
        check_int("epochs", self.epochs, 1)
        check_int("batch_size", self.batch_size, 1)
        grid = tuple(self.beta_grid) if isinstance(self.beta_grid, (tuple, list)) else None
        if (
            not grid
            or any(
                isinstance(b, bool) or not isinstance(b, (int, float)) or not b > 0 for b in grid
            )
            or list(grid) != sorted(set(grid))
        ):
            raise ValueError(
                f"beta_grid must be a non-empty increasing tuple of positive numbers, "
                f"got {self.beta_grid!r}"
            )
        object.__setattr__(self, "beta_grid", tuple(float(b) for b in grid))
        check_int("beta_widen", self.beta_widen, 0, 10)


@dataclass(frozen=True)
class BPConfig:
    """784-K-10 ReLU net, softmax cross-entropy, Adam. nonneg_hidden: |W1| init and
    W1 >= 0 after each step (projected gradient); unit_input: trains on x/|x|."""

    n_hidden: int = 400
    epochs: int = 30
    lr: float = 1e-3
    batch_size: int = 100
    nonneg_hidden: bool = False
    nonneg_readout: bool = False
    unit_input: bool = False

    def __post_init__(self):
        check_int("n_hidden", self.n_hidden, 1)
        check_int("epochs", self.epochs, 1)
        check_float("lr", self.lr, 0.0, lo_open=True)
        check_int("batch_size", self.batch_size, 1)
        for f in ("nonneg_hidden", "nonneg_readout", "unit_input"):
            if not isinstance(getattr(self, f), bool):
                raise TypeError(f"{f} must be a bool")


@dataclass(frozen=True)
class RRConfig:
    """RR, the reconstructed rule (NOT the authors' rule; see :mod:`.rr` for the steps).

    K = ``n_hidden`` units, ``k_win`` Hebbian winners, the rank-``k_anti`` unit anti-Hebbian with
    strength ``delta``, rate ``eta0`` (linearly decayed over ``epochs``), pruning threshold
    ``theta`` (fraction of the row max), regrowth probability ``regrow0``, homeostatic rate
    ``eta_b`` and ``plasticity`` "multiplicative" or "additive" (ablation A1)."""

    n_hidden: int = 400
    k_win: int = 1
    k_anti: int = 7
    delta: float = 0.4
    eta0: float = 0.05
    epochs: int = 50
    batch_size: int = 100
    theta: float = 0.01
    regrow0: float = 0.02
    eta_b: float = 0.5
    plasticity: str = "multiplicative"

    def __post_init__(self):
        check_int("n_hidden", self.n_hidden, 2)
        check_int("k_win", self.k_win, 1, self.n_hidden - 1)
        check_int("k_anti", self.k_anti, self.k_win + 1, self.n_hidden)
        check_float("delta", self.delta, 0.0)
        check_float("eta0", self.eta0, 0.0, lo_open=True)
        check_int("epochs", self.epochs, 1)
        check_int("batch_size", self.batch_size, 1)
        check_float("theta", self.theta, 0.0, 0.5)
        check_float("regrow0", self.regrow0, 0.0, 1.0)
        check_float("eta_b", self.eta_b, 0.0)
        check_choice("plasticity", self.plasticity, ("multiplicative", "additive"))


@dataclass(frozen=True)
class RRReadoutConfig:
    """Local readout on continuous k-WTA features: z = S h/sigma_h + c trained by
    antithetic node perturbation (or the exact delta rule), with synaptic decay.
    k_h=None means n_hidden // 8."""

    k_h: int | None = None
    sigma: float = 0.1
    eta: float = 0.5
    lambda_: float = 1e-3
    epochs: int = 100
    batch_size: int = 100
    rule: str = "node_perturbation"

    def __post_init__(self):
        if self.k_h is not None:
            check_int("k_h", self.k_h, 1)
        check_float("sigma", self.sigma, 0.0, lo_open=True)
        check_float("eta", self.eta, 0.0, lo_open=True)
        check_float("lambda_", self.lambda_, 0.0)
        check_int("epochs", self.epochs, 1)
        check_int("batch_size", self.batch_size, 1)
        check_choice("rule", self.rule, ("node_perturbation", "delta"))


CONFIG_TYPES = {
    c.__name__: c for c in (KHConfig, KHReadoutConfig, BPConfig, RRConfig, RRReadoutConfig)
}


def config_dict(cfg: Any) -> dict:
    """Canonical JSON-able form of a config (or a tuple of configs).

    Parameters
    ----------
    cfg : KHConfig, KHReadoutConfig, BPConfig, RRConfig, RRReadoutConfig or a tuple/list of them

    Returns
    -------
    dict
        ``{"type": <class name>, **fields}``, or ``{"parts": [...]}`` for a tuple.

    Raises
    ------
    TypeError
        If ``cfg`` is not a config of this module.
    """
    if isinstance(cfg, (tuple, list)):
        return {"parts": [config_dict(c) for c in cfg]}
    if type(cfg).__name__ not in CONFIG_TYPES:
        raise TypeError(
            f"cfg must be one of {sorted(CONFIG_TYPES)} or a tuple of them, "
            f"got {type(cfg).__name__}"
        )
    return {"type": type(cfg).__name__, **asdict(cfg)}


def model_configs(
    n_hidden: int = 400,
    kh_epochs: int = 100,
    rr_epochs: int = 50,
    bp_epochs: int = 30,
    kh_readout_epochs: int = 60,
    rr_readout_epochs: int = 100,
) -> dict[str, tuple[str, Any]]:
    """The chapter-3 models as ``{name: (kind, cfg)}`` for ``get_or_train``.

    Chapter 4 calls this with the same profile numbers and so receives the cached models.

    Parameters
    ----------
    n_hidden : int
        Hidden units K of every model.
    kh_epochs, rr_epochs, bp_epochs : int
        Training epochs of the KH/KH-nn layers, the RR layer and the BP nets.
    kh_readout_epochs, rr_readout_epochs : int
        Epochs of the KH and RR readouts.

    Returns
    -------
    dict
        ``"BP"``, ``"BP-nn"``, ``"BP-unit"`` -> ``("bp", BPConfig)``; ``"KH"``, ``"KH-nn"`` ->
        ``("kh", (KHConfig, KHReadoutConfig))``; ``"RR"`` -> ``("rr", (RRConfig,
        RRReadoutConfig))``.
    """
    ro_kh = KHReadoutConfig(epochs=kh_readout_epochs)
    ro_rr = RRReadoutConfig(epochs=rr_readout_epochs)
    return {
        "BP": ("bp", BPConfig(n_hidden=n_hidden, epochs=bp_epochs)),
        "BP-nn": ("bp", BPConfig(n_hidden=n_hidden, epochs=bp_epochs, nonneg_hidden=True)),
        "BP-unit": ("bp", BPConfig(n_hidden=n_hidden, epochs=bp_epochs, unit_input=True)),
        "KH": ("kh", (KHConfig(n_hidden=n_hidden, epochs=kh_epochs), ro_kh)),
        "KH-nn": ("kh", (KHConfig(n_hidden=n_hidden, epochs=kh_epochs, nonneg=True), ro_kh)),
        "RR": ("rr", (RRConfig(n_hidden=n_hidden, epochs=rr_epochs), ro_rr)),
    }


def ablation_configs(
    rr_cfg: tuple[RRConfig, RRReadoutConfig],
) -> dict[str, tuple[str, tuple[RRConfig, RRReadoutConfig]]]:
    """The RR ablations A1-A5, each one change of the RR (layer, readout) configs.

    A1 additive plasticity; A2 no structural plasticity (``theta = regrow0 = 0``); A3 no
    homeostasis (``eta_b = 0``); A4 no synaptic decay in the readout (``lambda_ = 0``); A5 the
    exact delta rule instead of node perturbation in the readout.

    Parameters
    ----------
    rr_cfg : tuple of (RRConfig, RRReadoutConfig)
        The reference RR configuration.

    Returns
    -------
    dict
        ``{"A1": ("rr", (layer, readout)), ..., "A5": ...}``.
    """
    from dataclasses import replace

    lay, ro = rr_cfg
    return {
        "A1": ("rr", (replace(lay, plasticity="additive"), ro)),
        "A2": ("rr", (replace(lay, theta=0.0, regrow0=0.0), ro)),
        "A3": ("rr", (replace(lay, eta_b=0.0), ro)),
        "A4": ("rr", (lay, replace(ro, lambda_=0.0))),
        "A5": ("rr", (lay, replace(ro, rule="delta"))),
    }
