r"""Weight perturbation (WP) and the Dopamine optimizer as ``torch.optim.Optimizer`` subclasses.

Closure protocol. ``step(closure)`` runs under ``torch.no_grad()``; the closure
evaluates a *fixed* batch and returns the loss (a scalar, or a length-R tensor in replica mode)
and never calls ``backward``. The optimizer calls it at theta and at each perturbed point and
returns the unperturbed loss L(theta). Losses are converted to float64 before differences are
taken (closures should reduce in float64, as the library's do). No autograd graph is built.

Estimator. xi ~ N(0, sigma^2 I) over all trainable parameters jointly;
nu = sigma^2 if ``normalize_by_sigma2`` else 1.

* forward difference: delta = L(theta + xi) - L(theta)            (2 closure calls)
* antithetic:         delta = [L(theta + xi) - L(theta - xi)] / 2  (2 calls, +1 if reporting L)
* K perturbations: the K estimates are averaged (K+1 or 2K(+1) calls).

Update: theta <- theta - eta_t * (1/K) sum_k delta_k xi_k / nu.  Since E[delta xi] ~ sigma^2 grad L,
the normalised update is an (unbiased for small sigma) gradient step of size eta_t.

Noise comes from the optimizer's own ``torch.Generator`` (``seed``). With
``regenerate_noise=True`` xi is never stored: the generator state is saved, xi drawn to perturb,
then re-drawn to undo the perturbation and apply the update (MeZO's seed trick, Malladi et al.
2023); this costs one parameter tensor of extra memory. Undoing by subtraction is exact up to
float rounding: (theta + xi) - xi differs from theta by at most one ulp per element.

Dopamine (nambusubramaniyan2025dopamine) keeps a surprise trace
s_t = beta_s s_{t-1} + (1 - beta_s)|delta_t| (mean |delta| over K) and sets eta_t by its
learning-rate law:

* ``"constant"``:        eta_t = eta_0  (this is WP)
* ``"adaptive_coding"``: eta_t = eta_0 * sigma / (s_t + eps)            (Dopamine-1, [R])
* ``"tonic"``:           eta_t = beta_eta eta_{t-1} + (1 - beta_eta) kappa s_t   (standard order)
                         eta_t = (1 - beta_eta) eta_{t-1} + beta_eta kappa s_t   (``"as_quoted"``)
  (Dopamine-2; with ``eta_gain="auto"`` eta = eta_0 for the first 10 steps and kappa = eta_0/s_10)

then clamps eta_t to ``lr_clamp`` = (eta_min, eta_max) when given.

Replica mode: with ``replicas=R`` every parameter has a leading dimension R, the closure
returns R losses, and delta, s, eta are length-R vectors: R independent runs sharing tensor ops.
The noise of replica r is drawn jointly with the others from one generator, so replica r is not
bit-identical to a single run with seed r (R = 1 is bit-identical to plain mode).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import torch
from torch.optim import Optimizer

from ..validation import check_choice, check_float, check_int, check_seed
from .spectral import SpectralReset

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

LR_LAWS = ("constant", "adaptive_coding", "tonic")
EMA_ORDERS = ("standard", "as_quoted")


class WeightPerturbation(Optimizer):
    """Derivative-free weight perturbation with a constant learning rate (jabri1992weight).

    Update: theta <- theta - eta_0 (1/K) sum_k delta_k xi_k / nu, with xi_k ~ N(0, sigma^2 I),
    delta_k the loss difference (loss units) and nu = sigma^2 or 1 (see the module docstring).

    Parameters
    ----------
    params : Iterable[torch.Tensor]
        The trainable tensors; they must form one parameter group (all are perturbed jointly).
    lr : float
        eta_0 >= 0 (dimensionless step multiplier of delta xi / nu).
    sigma : float
        Perturbation std > 0 (parameter units).
    n_perturbations : int
        K >= 1 perturbations averaged per step.
    antithetic : bool
        Use [L(theta+xi) - L(theta-xi)]/2 (same expectation, lower variance).
    normalize_by_sigma2 : bool
        Divide by nu = sigma^2 (True) or nu = 1 (the rule as quoted).
    regenerate_noise : bool
        Re-draw xi from the saved generator state (True) or store it (P floats).
    replicas : int or None
        None, or R >= 1 for replica mode (leading dim R on every parameter).
    spectral : SpectralReset or None
        Applied at the start of each step when given.
    report_unperturbed : bool
        In antithetic mode, spend one more call to return L(theta); otherwise ``step`` returns
        the mean of L(theta+xi) and L(theta-xi) (a biased report).
    seed : int or numpy.random.Generator
        Seed (int >= 0) of the optimizer's own torch.Generator.

    Raises
    ------
    TypeError
        If a flag is not a bool or ``spectral`` is not a SpectralReset.
    ValueError
        If a number is out of range, the params do not form exactly one non-empty group, or a
        parameter lacks the leading replica dimension R.

    Notes
    -----
    After a step, ``last`` holds ``delta`` (float64 [K] or [K, R]), ``eta``, ``passes`` (closure
    calls), ``reset`` (bool), ``loss`` and ``nonfinite`` (bool or [R]).
    """

    lr_law = "constant"

    def __init__(
        self,
        params: Iterable[torch.Tensor],
        lr: float,
        sigma: float = 1e-3,
        n_perturbations: int = 1,
        antithetic: bool = False,
        normalize_by_sigma2: bool = True,
        regenerate_noise: bool = True,
        replicas: int | None = None,
        spectral: SpectralReset | None = None,
        report_unperturbed: bool = True,
        seed: int | np.random.Generator = 0,
    ) -> None:
        lr = check_float("lr", lr, 0.0)
        self.sigma = check_float("sigma", sigma, 0.0, lo_open=True)
        self.n_perturbations = check_int("n_perturbations", n_perturbations, 1)
        for name, flag in (
            ("antithetic", antithetic),
            ("normalize_by_sigma2", normalize_by_sigma2),
            ("regenerate_noise", regenerate_noise),
            ("report_unperturbed", report_unperturbed),
        ):
            if not isinstance(flag, bool):
                raise TypeError(f"{name} must be a bool; got {type(flag).__name__}")
        self.antithetic = antithetic
        self.normalize_by_sigma2 = normalize_by_sigma2
        self.regenerate_noise = regenerate_noise
        self.report_unperturbed = report_unperturbed
        if spectral is not None and not isinstance(spectral, SpectralReset):
            raise TypeError(
                f"spectral must be None or a SpectralReset; got {type(spectral).__name__}"
            )
        self.spectral = spectral
        self.seed = check_seed(seed)
        super().__init__(params, dict(lr=lr))
        if len(self.param_groups) != 1:
            raise ValueError(
                "params must form exactly 1 parameter group (all parameters are "
                f"perturbed jointly); got {len(self.param_groups)}"
            )
        self._params = list(self.param_groups[0]["params"])
        if not self._params:
            raise ValueError("params must hold at least one tensor")
        self.replicas = None if replicas is None else check_int("replicas", replicas, 1)
        if self.replicas is not None:
            for i, p in enumerate(self._params):
                if p.dim() < 1 or p.shape[0] != self.replicas:
                    raise ValueError(
                        f"params[{i}] must have leading dimension replicas="
                        f"{self.replicas}; got shape {tuple(p.shape)}"
                    )
        device = self._params[0].device
        self._gen = torch.Generator(device=device)
        self._gen.manual_seed(self.seed)
        self._t = 0
        self.total_passes = 0
        self.last: dict = {}

    # ------------------------------------------------------------------ noise
    def _draw(self, p: torch.Tensor) -> torch.Tensor:
        z = torch.randn(p.shape, generator=self._gen, device=p.device, dtype=p.dtype)
        return z.mul_(self.sigma)

    def _coef_view(self, coef: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
        if self.replicas is None:
            return coef
        return coef.view(self.replicas, *([1] * (p.dim() - 1)))

    def _add_noise(self, gen_state, stored, coef: torch.Tensor) -> None:
        """theta <- theta + coef * xi for the xi drawn from ``gen_state`` (or stored)."""
        if stored is None:
            self._gen.set_state(gen_state)
        for i, p in enumerate(self._params):
            xi = self._draw(p) if stored is None else stored[i].clone()
            p.add_(xi.mul_(self._coef_view(coef.to(p.dtype), p)))

    def _perturb(self):
        """Draw xi, add it, and return (generator state before the draw, stored xi or None)."""
        state = self._gen.get_state()
        stored = [] if not self.regenerate_noise else None
        for p in self._params:
            xi = self._draw(p)
            if stored is not None:
                stored.append(xi.clone())
            p.add_(xi)
        return state, stored

    # ------------------------------------------------------------------ loss
    def _eval(self, closure) -> torch.Tensor:
        with torch.no_grad():
            out = closure()
        if isinstance(out, torch.Tensor):
            out = out.detach().to(torch.float64)
        else:
            out = torch.tensor(float(out), dtype=torch.float64)
        if self.replicas is None:
            if out.numel() != 1:
                raise ValueError(f"closure must return a scalar loss; got shape {tuple(out.shape)}")
            out = out.reshape(())
        elif out.shape != (self.replicas,):
            raise ValueError(
                f"closure must return {self.replicas} losses (replicas); "
                f"got shape {tuple(out.shape)}"
            )
        self.total_passes += 1
        return out

    # ------------------------------------------------------------------ lr law
    def _learning_rate(self, delta: torch.Tensor) -> torch.Tensor:
        """eta_t (float64, shape [] or [R]) from delta of shape [K] or [K, R]."""
        eta0 = self.param_groups[0]["lr"]
        return torch.full(delta.shape[1:], eta0, dtype=torch.float64, device=delta.device)

    # ------------------------------------------------------------------ step
    def step(self, closure: Callable[[], Any] | None = None) -> float | torch.Tensor:
        """One perturbation step: K (or 2K) perturbed closure calls, then the update.

        theta <- theta - eta_t (1/K) sum_k delta_k xi_k / nu; a non-finite delta sets eta_t = 0
        for that run (flagged in ``last["nonfinite"]``).

        Parameters
        ----------
        closure : callable
            Evaluates the loss on a fixed batch (a scalar, or R losses in replica mode) without
            calling ``backward``.

        Returns
        -------
        float or torch.Tensor
            L(theta) before the update (loss units): a float, or float64 [R] in replica mode.

        Raises
        ------
        TypeError
            If ``closure`` is missing or not callable.
        ValueError
            If the closure's output has the wrong shape or the groups are not exactly one.
        """
        if closure is None or not callable(closure):
            raise TypeError("closure must be a callable returning the loss on a fixed batch")
        if len(self.param_groups) != 1:
            raise ValueError(f"param_groups must have length 1; got {len(self.param_groups)}")
        with torch.no_grad():
            reset = bool(self.spectral(self._t)) if self.spectral is not None else False
            K = self.n_perturbations
            passes0 = self.total_passes
            L0 = None
            if not self.antithetic or self.report_unperturbed:
                L0 = self._eval(closure)
            one = torch.ones((), dtype=torch.float64, device=self._params[0].device)
            deltas, states, stores = [], [], []
            fused = K == 1 and not self.antithetic  # undo + update in one re-draw
            for _ in range(K):
                state, stored = self._perturb()
                Lp = self._eval(closure)
                if self.antithetic:
                    self._add_noise(state, stored, -2.0 * one)
                    Lm = self._eval(closure)
                    delta = (Lp - Lm) / 2.0
                    self._add_noise(state, stored, one)
                    if L0 is None:
                        report = (Lp + Lm) / 2.0
                else:
                    delta = Lp - L0
                    if not fused:
                        self._add_noise(state, stored, -one)
                deltas.append(delta)
                states.append(state)
                stores.append(stored)
            end_state = self._gen.get_state()
            delta = torch.stack(deltas)  # [K] or [K, R]
            nonfinite = ~torch.isfinite(delta).all(dim=0)
            delta_safe = torch.where(torch.isfinite(delta), delta, torch.zeros_like(delta))
            eta = self._learning_rate(delta_safe)
            eta = torch.where(nonfinite, torch.zeros_like(eta), eta)
            nu = self.sigma**2 if self.normalize_by_sigma2 else 1.0
            for k in range(K):
                coef = -eta * delta_safe[k] / (nu * K)
                if fused:
                    coef = coef - 1.0
                self._add_noise(states[k], stores[k], coef)
            self._gen.set_state(end_state)
            self._t += 1
            if L0 is None:
                L0 = report
            self.last = dict(
                delta=delta,
                eta=eta,
                passes=self.total_passes - passes0,
                reset=reset,
                loss=L0,
                nonfinite=bool(nonfinite) if self.replicas is None else nonfinite,
            )
        return float(L0) if self.replicas is None else L0

    # ------------------------------------------------------------------ state
    def _extra_state(self) -> dict:
        return {"t": self._t, "total_passes": self.total_passes}

    def _load_extra_state(self, extra: dict) -> None:
        self._t = int(extra["t"])
        self.total_passes = int(extra["total_passes"])

    def state_dict(self) -> dict:
        """The torch state dict plus ``"perturbation"``: generator state, step count, s, eta.

        Returns
        -------
        dict
            ``torch.optim.Optimizer.state_dict()`` with the extra ``"perturbation"`` entry.
        """
        sd = super().state_dict()
        extra = self._extra_state()
        extra["generator"] = self._gen.get_state().clone()
        sd["perturbation"] = extra
        return sd

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore the state written by :meth:`state_dict` (generator, step count, traces).

        Parameters
        ----------
        state_dict : dict
            A dict returned by :meth:`state_dict`.

        Raises
        ------
        ValueError
            If the ``"perturbation"`` entry is missing.
        """
        if "perturbation" not in state_dict:
            raise ValueError(
                "state_dict must hold the 'perturbation' entry written by state_dict()"
            )
        sd = dict(state_dict)
        extra = sd.pop("perturbation")
        super().load_state_dict(sd)
        self._gen.set_state(extra["generator"].clone())
        self._load_extra_state(extra)


class Dopamine(WeightPerturbation):
    """Weight perturbation whose learning rate is set by the reward-prediction error delta.

    Surprise trace s_t = beta_s s_{t-1} + (1 - beta_s) mean_k |delta_k| (loss units); eta_t by
    ``lr_law`` (module docstring), then clamped to ``lr_clamp`` (nambusubramaniyan2025dopamine).

    Parameters
    ----------
    params : Iterable[torch.Tensor]
        The trainable tensors (one parameter group).
    lr : float
        eta_0 >= 0.
    sigma : float
        Perturbation std > 0 (parameter units).
    variant : int
        1 (Dopamine-1, adaptive coding [R]) or 2 (Dopamine-2, tonic trace [T]/[R]); sets the
        defaults of the flags below.
    lr_law : str or None
        "constant" | "adaptive_coding" | "tonic" (default by variant: 1 -> adaptive_coding,
        2 -> tonic).
    beta_s : float or None
        Surprise-trace decay in [0, 1) (default 0.9 for variant 1, 0.99 for variant 2).
    beta_eta : float or None
        Learning-rate-trace decay in [0, 1) (tonic law; default 0.99).
    s0 : float or str
        Initial surprise s_0: a float >= 0, ``"auto"`` (s_1 = |delta_1|) or ``"sigma"``
        (s_0 = sigma).
    eta_gain : float or str
        kappa > 0, or ``"auto"``: eta = eta_0 for the first 10 steps, then kappa = eta_0/s_10.
    eta_ema_order : str
        "standard" (eta = b eta + (1-b) kappa s) or "as_quoted" (weights swapped).
    lr_clamp : tuple of float, None or str
        (eta_min, eta_max) with 0 <= eta_min <= eta_max, None for no clamp, or "default"
        (variant 1: none; variant 2: (0, 10 eta_0)).
    eps : float
        eps > 0 in the adaptive-coding denominator.
    **wp_options
        Further keywords of :class:`WeightPerturbation`.

    Raises
    ------
    ValueError
        If an option is out of range or not one of its choices.
    """

    def __init__(
        self,
        params: Iterable[torch.Tensor],
        lr: float,
        sigma: float = 1e-3,
        variant: int = 1,
        lr_law: str | None = None,
        beta_s: float | None = None,
        beta_eta: float | None = None,
        s0: float | str = "auto",
        eta_gain: float | str = "auto",
        eta_ema_order: str = "standard",
        lr_clamp: tuple[float, float] | None | str = "default",
        eps: float = 1e-12,
        **wp_options: Any,
    ) -> None:
        variant = check_int("variant", variant, 1, 2)
        self.variant = variant
        if lr_law is None:
            lr_law = "adaptive_coding" if variant == 1 else "tonic"
        self.lr_law = check_choice("lr_law", lr_law, LR_LAWS)
        if beta_s is None:
            beta_s = 0.9 if variant == 1 else 0.99
        if beta_eta is None:
            beta_eta = 0.99
        self.beta_s = check_float("beta_s", beta_s, 0.0, 1.0, hi_open=True)
        self.beta_eta = check_float("beta_eta", beta_eta, 0.0, 1.0, hi_open=True)
        if isinstance(s0, str):
            check_choice("s0", s0, ("auto", "sigma"))
        else:
            s0 = check_float("s0", s0, 0.0)
        self.s0 = s0
        if isinstance(eta_gain, str):
            check_choice("eta_gain", eta_gain, ("auto",))
        else:
            eta_gain = check_float("eta_gain", eta_gain, 0.0, lo_open=True)
        self.eta_gain = eta_gain
        self.eta_ema_order = check_choice("eta_ema_order", eta_ema_order, EMA_ORDERS)
        self.eps = check_float("eps", eps, 0.0, lo_open=True)
        eta0 = check_float("lr", lr, 0.0)
        if isinstance(lr_clamp, str):
            check_choice("lr_clamp", lr_clamp, ("default",))
            lr_clamp = None if variant == 1 else (0.0, 10.0 * eta0)
        if lr_clamp is not None:
            if not isinstance(lr_clamp, (tuple, list)) or len(lr_clamp) != 2:
                raise ValueError(f"lr_clamp must be None, 'default' or (lo, hi); got {lr_clamp!r}")
            lo = check_float("lr_clamp[0]", lr_clamp[0], 0.0)
            hi = check_float("lr_clamp[1]", lr_clamp[1], 0.0)
            if lo > hi:
                raise ValueError(f"lr_clamp must satisfy lo <= hi; got ({lo}, {hi})")
            lr_clamp = (lo, hi)
        self.lr_clamp = lr_clamp
        super().__init__(params, lr, sigma=sigma, **wp_options)
        self._s = None  # surprise trace (float64, [] or [R])
        self._eta = None  # learning-rate trace
        self._kappa = None if eta_gain == "auto" else float(eta_gain)

    @classmethod
    def from_preset(
        cls,
        params: Iterable[torch.Tensor],
        name: str,
        lr: float,
        sigma: float = 1e-3,
        **overrides: Any,
    ) -> Dopamine:
        """Build the preset ``name`` (see :func:`presets`) with flag ``overrides``.

        ``wp`` returns a Dopamine with the constant law (identical updates to WeightPerturbation).

        Parameters
        ----------
        params : Iterable[torch.Tensor]
            The trainable tensors.
        name : str
            A key of ``PRESETS``.
        lr : float
            eta_0 >= 0.
        sigma : float
            Perturbation std > 0 (parameter units).
        **overrides
            Constructor keywords that replace the preset's flags.

        Returns
        -------
        Dopamine
            The configured optimizer.

        Raises
        ------
        ValueError
            If ``name`` is not a preset.
        """
        check_choice("name", name, tuple(PRESETS))
        flags = dict(PRESETS[name]["flags"])
        flags.update(overrides)
        return cls(params, lr, sigma=sigma, **flags)

    def _learning_rate(self, delta: torch.Tensor) -> torch.Tensor:
        eta0 = self.param_groups[0]["lr"]
        a = delta.abs().mean(dim=0)  # mean |delta| over K
        t = self._t + 1  # 1-based step index
        if self._s is None:
            if self.s0 == "auto":
                self._s = a.clone()
            else:
                start = self.sigma if self.s0 == "sigma" else self.s0
                s_prev = torch.full_like(a, start)
                self._s = self.beta_s * s_prev + (1.0 - self.beta_s) * a
        else:
            self._s = self.beta_s * self._s + (1.0 - self.beta_s) * a
        s = self._s
        if self.lr_law == "constant":
            eta = torch.full_like(s, eta0)
        elif self.lr_law == "adaptive_coding":
            eta = eta0 * self.sigma / (s + self.eps)
        else:  # tonic
            eta_prev = self._eta if self._eta is not None else torch.full_like(s, eta0)
            if self.eta_gain == "auto" and t <= 10:
                eta = torch.full_like(s, eta0)
                if t == 10:
                    self._kappa = eta0 / torch.clamp(s, min=self.eps)
            else:
                kappa = self._kappa
                if kappa is None:  # auto gain, fewer than 10 steps so far cannot happen here
                    kappa = eta0 / torch.clamp(s, min=self.eps)
                if self.eta_ema_order == "standard":
                    eta = self.beta_eta * eta_prev + (1.0 - self.beta_eta) * kappa * s
                else:
                    eta = (1.0 - self.beta_eta) * eta_prev + self.beta_eta * kappa * s
        if self.lr_clamp is not None:
            eta = eta.clamp(self.lr_clamp[0], self.lr_clamp[1])
        self._eta = eta
        return eta

    def _extra_state(self) -> dict:
        d = super()._extra_state()
        d.update(
            s=None if self._s is None else self._s.clone(),
            eta=None if self._eta is None else self._eta.clone(),
            kappa=self._kappa.clone() if isinstance(self._kappa, torch.Tensor) else self._kappa,
        )
        return d

    def _load_extra_state(self, extra: dict) -> None:
        super()._load_extra_state(extra)
        self._s = None if extra["s"] is None else extra["s"].clone()
        self._eta = None if extra["eta"] is None else extra["eta"].clone()
        k = extra["kappa"]
        self._kappa = k.clone() if isinstance(k, torch.Tensor) else k


# name -> flags (constructor keywords of Dopamine) and the source label of the spec
PRESETS = {
    "wp": {
        "flags": dict(variant=1, lr_law="constant", normalize_by_sigma2=True, lr_clamp=None),
        "source": "[A] weight perturbation baseline",
    },
    "dopamine1": {
        "flags": dict(
            variant=1,
            lr_law="adaptive_coding",
            normalize_by_sigma2=True,
            beta_s=0.9,
            s0="auto",
            eps=1e-12,
            lr_clamp=None,
        ),
        "source": "[R] adaptive coding (Tobler et al. 2005)",
    },
    "dopamine2": {
        "flags": dict(
            variant=2,
            lr_law="tonic",
            normalize_by_sigma2=True,
            beta_s=0.99,
            beta_eta=0.99,
            s0="auto",
            eta_gain="auto",
            eta_ema_order="standard",
            lr_clamp="default",
        ),
        "source": "[T] structure, [R] details (ordering, gain, 1/sigma^2)",
    },
    "dopamine2_as_quoted": {
        "flags": dict(
            variant=2,
            lr_law="tonic",
            normalize_by_sigma2=False,
            beta_s=0.9998,
            beta_eta=0.9998,
            s0="sigma",
            eta_gain=1.0,
            eta_ema_order="as_quoted",
            lr_clamp=(1e-8, 5e-2),
        ),
        "source": "[T] Algorithm 1 as quoted (+ spectral reset every step)",
    },
}

# presets that come with a spectral reset every step when a recurrent matrix exists
SPECTRAL_BY_DEFAULT = {"dopamine2_as_quoted"}


def presets() -> pd.DataFrame:
    """The optimizer presets as a table.

    Returns
    -------
    pandas.DataFrame
        One row per preset: its name, its flag values, the spectral-reset policy and the
        source label.
    """
    import pandas as pd

    rows = []
    for name, p in PRESETS.items():
        row = {"preset": name}
        row.update({k: (str(v) if isinstance(v, tuple) else v) for k, v in p["flags"].items()})
        row["spectral reset"] = "every step (RNN)" if name in SPECTRAL_BY_DEFAULT else "by caller"
        row["source"] = p["source"]
        rows.append(row)
    return pd.DataFrame(rows).astype(object).fillna("")


METHODS = ("sgd", "adam", "wp", "dopamine1", "dopamine2", "dopamine2_as_quoted")
PERTURBATIVE = ("wp", "dopamine1", "dopamine2", "dopamine2_as_quoted")


def make_optimizer(
    method: str,
    params: Iterable[torch.Tensor],
    lr: float,
    *,
    sigma: float = 1e-3,
    seed: int | np.random.Generator = 0,
    spectral: SpectralReset | None = None,
    replicas: int | None = None,
    **overrides: Any,
) -> torch.optim.Optimizer:
    """Optimizer for ``method`` in METHODS.

    "sgd" (no momentum) and "adam" (betas 0.9/0.999, eps 1e-8) are ``torch.optim`` classes (the
    caller runs backward); ``spectral`` is then ignored (callers apply it themselves). The
    perturbative methods are :class:`Dopamine` presets with ``overrides``.

    Parameters
    ----------
    method : str
        One of ``METHODS``.
    params : Iterable[torch.Tensor]
        The trainable tensors.
    lr : float
        Learning rate eta_0 >= 0.
    sigma : float
        Perturbation std > 0 (parameter units; perturbative methods only).
    seed : int or numpy.random.Generator
        Noise seed (perturbative methods only).
    spectral : SpectralReset or None
        Spectral reset applied by perturbative optimizers at each step.
    replicas : int or None
        R for replica mode (perturbative methods only).
    **overrides
        Preset flag overrides (perturbative methods only).

    Returns
    -------
    torch.optim.Optimizer
        ``SGD``, ``Adam`` or a :class:`Dopamine`.

    Raises
    ------
    ValueError
        If ``method`` is unknown or ``lr`` < 0.
    """
    check_choice("method", method, METHODS)
    lr = check_float("lr", lr, 0.0)
    params = list(params)
    if method == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=0.0)
    if method == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-8)
    return Dopamine.from_preset(
        params,
        method,
        lr,
        sigma=sigma,
        seed=seed,
        spectral=spectral,
        replicas=replicas,
        **overrides,
    )
