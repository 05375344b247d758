r"""Models: the XOR MLP (optionally R replicas sharing tensor ops) and the Elman RNN forecaster.

Both count their forward passes in ``forward_passes`` and are float32.

XORNet: y = sigmoid(W2 tanh(W1 x + b1) + b2), a 2-H-1 net; weights and biases ~ U(-1, 1) times
``init_scale``. The forward pass is written elementwise (no matmul) so that replica mode with R = 1
is bit-identical to plain mode.

ElmanRNN: h_t = phi(W_in x_t + W_hh h_{t-1} + b), h_0 = 0; y_hat = W_out h_T + b_out, written as an
explicit time loop so that BPTT and the no-grad path run the same arithmetic and, under no_grad,
only the current h_t is kept (memory flat in T). Init: W_in ~ N(0, 1/3), W_hh ~ N(0, g^2/H),
W_out ~ N(0, 1/H), zero biases. P = H^2 + (n_in + 1 + n_out) H + n_out (= H^2 + 7H + 3 for 3-d).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from ..validation import check_choice, check_float, check_int, check_seed


def _generator(seed) -> torch.Generator:
    g = torch.Generator()
    g.manual_seed(check_seed(seed))
    return g


def state_hash(model: nn.Module) -> str:
    """sha256 (first 16 hex digits) of a model's parameters (for fairness checks).

    Parameters
    ----------
    model : torch.nn.Module
        The model; its state dict is hashed by sorted name, name then raw bytes.

    Returns
    -------
    str
        16 hexadecimal digits, equal for equal parameters.
    """
    h = hashlib.sha256()
    for name, t in sorted(model.state_dict().items()):
        h.update(name.encode())
        h.update(t.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()[:16]


class XORNet(nn.Module):
    """2-H-1 tanh/sigmoid net for XOR: y = sigmoid(W2 tanh(W1 x + b1) + b2).

    Parameters
    ----------
    hidden : int
        H >= 1.
    replicas : int or None
        None (plain) or R >= 1 (every parameter gets a leading dimension R).
    init_scale : float
        > 0, weights ~ U(-init_scale, init_scale).
    seed : int or sequence of int
        int >= 0 (plain); in replica mode an int (replica r uses seed + r) or a list of R
        ints, so that replica r starts exactly where a plain net with that seed starts.

    Raises
    ------
    ValueError
        If a size is out of range or the seed list does not have R entries.
    """

    def __init__(
        self,
        hidden: int,
        replicas: int | None = None,
        init_scale: float = 1.0,
        seed: int | Sequence[int] | np.ndarray = 0,
    ) -> None:
        super().__init__()
        self.hidden = check_int("hidden", hidden, 1)
        self.replicas = None if replicas is None else check_int("replicas", replicas, 1)
        init_scale = check_float("init_scale", init_scale, 0.0, lo_open=True)
        if self.replicas is None:
            seeds = [check_seed(seed)]
        elif isinstance(seed, (list, tuple, np.ndarray)):
            seeds = [check_seed(int(s)) for s in seed]
            if len(seeds) != self.replicas:
                raise ValueError(f"seed must list replicas={self.replicas} seeds; got {len(seeds)}")
        else:
            base = check_seed(seed)
            seeds = [base + r for r in range(self.replicas)]
        self.seeds = seeds
        H = self.hidden
        W1, b1, W2, b2 = [], [], [], []
        for s in seeds:
            g = _generator(s)
            u = lambda *shape, g=g: (torch.rand(shape, generator=g) * 2 - 1) * init_scale  # noqa: E731
            W1.append(u(H, 2))
            b1.append(u(H))
            W2.append(u(H))
            b2.append(u(1))
        stack = (lambda xs: xs[0]) if self.replicas is None else torch.stack
        self.W1 = nn.Parameter(stack(W1))
        self.b1 = nn.Parameter(stack(b1))
        self.W2 = nn.Parameter(stack(W2))
        self.b2 = nn.Parameter(stack(b2))
        self.forward_passes = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Forward pass y = sigmoid(W2 tanh(W1 x + b1) + b2); counts ``forward_passes``.

        Parameters
        ----------
        x : torch.Tensor
            Inputs [N, 2].

        Returns
        -------
        torch.Tensor
            Outputs in (0, 1): [N] (plain) or [R, N] (replicas).
        """
        self.forward_passes += 1
        W1 = self.W1.unsqueeze(-3)  # [.., 1, H, 2]
        pre = (W1 * x[:, None, :]).sum(-1) + self.b1.unsqueeze(-2)  # [.., N, H]
        h = torch.tanh(pre)
        out = (h * self.W2.unsqueeze(-2)).sum(-1) + self.b2  # [.., N]
        return torch.sigmoid(out)


class ElmanRNN(nn.Module):
    """Elman RNN forecaster with an explicit time loop (see module docstring).

    h_t = phi(W_in x_t + W_hh h_{t-1} + b), h_0 = 0; y_hat = W_out h_T + b_out.

    Parameters
    ----------
    n_in : int
        Input size >= 1 (3 for Lorenz / Rossler).
    hidden : int
        H >= 1.
    n_out : int
        Output size >= 1.
    nonlinearity : str
        "tanh" (default, [R]) or "relu" (reproduces [T]).
    g : float
        Recurrent gain >= 0 (W_hh ~ N(0, g^2/H)).
    seed : int or numpy.random.Generator
        Initialisation seed (int >= 0).

    Raises
    ------
    ValueError
        If a size or ``g`` is out of range or ``nonlinearity`` is unknown.
    """

    def __init__(
        self,
        n_in: int = 3,
        hidden: int = 64,
        n_out: int = 3,
        nonlinearity: str = "tanh",
        g: float = 0.9,
        seed: int | np.random.Generator = 0,
    ) -> None:
        super().__init__()
        self.n_in = check_int("n_in", n_in, 1)
        self.hidden = H = check_int("hidden", hidden, 1)
        self.n_out = check_int("n_out", n_out, 1)
        self.nonlinearity = check_choice("nonlinearity", nonlinearity, ("tanh", "relu"))
        g_ = check_float("g", g, 0.0)
        gen = _generator(seed)
        self.W_in = nn.Parameter(torch.randn(H, n_in, generator=gen) * (1.0 / 3.0) ** 0.5)
        self.W_hh = nn.Parameter(torch.randn(H, H, generator=gen) * (g_ / H**0.5))
        self.b = nn.Parameter(torch.zeros(H))
        self.W_out = nn.Parameter(torch.randn(n_out, H, generator=gen) * (1.0 / H) ** 0.5)
        self.b_out = nn.Parameter(torch.zeros(n_out))
        self.forward_passes = 0

    @property
    def recurrent_weight(self) -> nn.Parameter:
        """W_hh (the matrix the spectral reset acts on)."""
        return self.W_hh

    @property
    def n_params(self) -> int:
        """Number of trainable scalars P = H^2 + (n_in + n_out + 1) H + n_out."""
        return sum(p.numel() for p in self.parameters())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Run the recurrence over T steps and read out the last hidden state.

        Parameters
        ----------
        x : torch.Tensor
            Windows [B, T, n_in] (z-units).

        Returns
        -------
        torch.Tensor
            y_hat = W_out h_T + b_out, [B, n_out].

        Raises
        ------
        ValueError
            If ``x`` is not [B, T, n_in].
        """
        if x.dim() != 3 or x.shape[-1] != self.n_in:
            raise ValueError(f"x must have shape [B, T, {self.n_in}]; got {tuple(x.shape)}")
        self.forward_passes += 1
        act = torch.tanh if self.nonlinearity == "tanh" else torch.relu
        B, T, _ = x.shape
        W_in_t = self.W_in.t()
        W_hh_t = self.W_hh.t()
        if not torch.is_grad_enabled():
            return self._forward_nograd(x, W_in_t, W_hh_t)
        h = x.new_zeros(B, self.hidden)
        for t in range(T):
            h = act(torch.addmm(self.b, x[:, t], W_in_t) + h @ W_hh_t)
        return torch.addmm(self.b_out, h, self.W_out.t())

    def _forward_nograd(self, x, W_in_t, W_hh_t):
        """The same arithmetic as the autograd path (the same kernels in the same order, so the
        result is bitwise equal), written into three preallocated [B, H] buffers: no tensor is
        allocated inside the time loop, and only h_t is kept."""
        B, T, _ = x.shape
        dtype = torch.result_type(x, self.W_in)
        h = x.new_zeros(B, self.hidden, dtype=dtype)
        a = torch.empty_like(h)
        r = torch.empty_like(h)
        tanh = self.nonlinearity == "tanh"
        for t in range(T):
            torch.addmm(self.b, x[:, t], W_in_t, out=a)
            torch.mm(h, W_hh_t, out=r)
            a.add_(r)
            if tanh:
                torch.tanh(a, out=h)
            else:
                a.relu_()
                h, a = a, h
        return torch.addmm(self.b_out, h, self.W_out.t())
