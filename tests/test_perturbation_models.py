"""The Elman RNN's no-grad path (preallocated buffers, used by every perturbation step) computes
exactly what the autograd path computes, so perturbative and gradient methods train the same
model arithmetic."""

import pytest
import torch

from neuroplastic.perturbation import ElmanRNN, rnn_loss


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("H,B,T", [(128, 200, 32), (16, 7, 5), (4, 1, 1)])
def test_nograd_forward_bitwise_equals_autograd_forward(nonlinearity, H, B, T):
    torch.manual_seed(0)
    model = ElmanRNN(hidden=H, nonlinearity=nonlinearity, seed=3)
    x = torch.randn(B, T, 3)
    y_grad = model(x)
    assert y_grad.requires_grad
    with torch.no_grad():
        y_nograd = model(x)
    assert torch.equal(y_grad.detach(), y_nograd)
    assert model.forward_passes == 2


def test_nograd_loss_equals_and_keeps_no_graph():
    model = ElmanRNN(hidden=32, seed=1)
    X, y = torch.randn(50, 8, 3), torch.randn(50, 3)
    L1 = rnn_loss(model, X, y)
    with torch.no_grad():
        L2 = rnn_loss(model, X, y)
    assert not L2.requires_grad
    assert float(L1) == float(L2)
