"""Spectral-radius reset of recurrent weight matrices (the [T] constraint rho* = 1).

``spectral_radius(W)`` is rho(W) = max_i |lambda_i(W)|, computed exactly with
``torch.linalg.eigvals`` in float64 (or by power iteration). ``SpectralReset`` rescales
W <- W * rho*/rho(W) (when rho > 0) at the start of every ``every``-th optimizer step.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch

from ..validation import check_choice, check_float, check_int


def _check_square(W: torch.Tensor, name: str = "W") -> None:
    if not isinstance(W, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor; got {type(W).__name__}")
    if W.dim() < 2 or W.shape[-1] != W.shape[-2]:
        raise ValueError(
            f"{name} must be square in its last two dimensions (n x n, optionally "
            f"with leading replica dims); got shape {tuple(W.shape)}"
        )


def _radius(W: torch.Tensor, method: str = "eig", iters: int = 50) -> torch.Tensor:
    """rho for W of shape [..., n, n] as a float64 tensor of shape [...]."""
    W64 = W.detach().to(torch.float64)
    if method == "eig":
        return torch.linalg.eigvals(W64).abs().amax(dim=-1)
    # power iteration from a fixed start vector; oscillates on complex dominant pairs
    v = torch.ones(W64.shape[:-1], dtype=torch.float64, device=W.device).unsqueeze(-1)
    v = v / v.norm(dim=-2, keepdim=True)
    est = torch.zeros(W64.shape[:-2], dtype=torch.float64, device=W.device)
    for _ in range(iters):
        w = W64 @ v
        est = w.norm(dim=-2).squeeze(-1)
        v = w / est.clamp_min(1e-300)[..., None, None]
    return est


def spectral_radius(W: torch.Tensor, method: str = "eig") -> float:
    """Spectral radius rho(W) = max_i |lambda_i(W)| of a square matrix (float64 arithmetic).

    ``method="eig"`` is exact; ``"power"`` is 50 power iterations (cheaper, inexact on complex
    dominant pairs). For a stack [R, n, n] the largest radius is returned.

    Parameters
    ----------
    W : torch.Tensor
        Matrix [n, n] or stack [..., n, n].
    method : str
        "eig" or "power".

    Returns
    -------
    float
        rho(W) (dimensionless; the maximum over a stack).

    Raises
    ------
    TypeError
        If ``W`` is not a tensor.
    ValueError
        If ``W`` is not square in its last two dimensions or ``method`` is unknown.
    """
    _check_square(W)
    check_choice("method", method, ("eig", "power"))
    return float(_radius(W, method).max())


class SpectralReset:
    """Rescale square weight matrices to spectral radius ``radius`` every ``every`` steps.

    W <- W * rho*/rho(W) for each matrix with rho(W) > 0.

    Parameters
    ----------
    params : Iterable[torch.Tensor]
        Square tensors (the recurrent matrices W_hh; leading replica dims allowed).
    radius : float
        Target rho* > 0 (1.0 in [T]).
    every : int or None
        Reset at steps 0, every, 2*every, ... (int >= 1), or None for never.
    method : str
        "eig" (exact, default) or "power".

    Raises
    ------
    TypeError, ValueError
        If ``params`` is empty or holds a non-square or non-tensor entry, or an option is out
        of range.

    Notes
    -----
    Calling the object with the 0-based step index applies the reset when due and returns
    whether it did; ``n_resets`` and ``reset_steps`` record the history.
    """

    def __init__(
        self,
        params: Iterable[torch.Tensor],
        radius: float = 1.0,
        every: int | None = 1,
        method: str = "eig",
    ) -> None:
        params = list(params)
        if not params:
            raise ValueError("params must hold at least one square tensor")
        for i, W in enumerate(params):
            _check_square(W, f"params[{i}]")
        self.params = params
        self.radius = check_float("radius", radius, 0.0, lo_open=True)
        self.every = None if every is None else check_int("every", every, 1)
        self.method = check_choice("method", method, ("eig", "power"))
        self.n_resets = 0
        self.reset_steps: list[int] = []

    @torch.no_grad()
    def apply(self) -> None:
        """Rescale every matrix to spectral radius ``radius`` now: W <- W * rho*/rho(W).

        Matrices with rho = 0 are left as they are; ``n_resets`` grows by 1.
        """
        for W in self.params:
            rho = _radius(W, self.method)
            scale = torch.where(
                rho > 0, self.radius / torch.where(rho > 0, rho, 1.0), torch.ones_like(rho)
            )
            W.mul_(scale.to(W.dtype)[..., None, None])
        self.n_resets += 1

    def __call__(self, step: int) -> bool:
        step = check_int("step", step, 0)
        if self.every is None or step % self.every != 0:
            return False
        self.apply()
        self.reset_steps.append(step)
        return True
