"""Unit tests of neuroplastic.perturbation.optimizers (spec §6, items 1-10)."""

import numpy as np
import pytest
import torch

from neuroplastic.perturbation import (
    Dopamine,
    ElmanRNN,
    SpectralReset,
    WeightPerturbation,
    XORNet,
    make_optimizer,
    presets,
    rnn_loss,
    spectral_radius,
    xor_data,
    xor_loss,
    xor_run,
)

torch.set_num_threads(1)


def quad(P=50, seed=0):
    g = torch.Generator().manual_seed(seed)
    M = torch.randn(P, P, generator=g, dtype=torch.float64)
    A = M @ M.T / P + 0.5 * torch.eye(P, dtype=torch.float64)
    theta0 = torch.randn(P, generator=g, dtype=torch.float64)
    return A, theta0


def estimates(A, theta0, sigma, n, antithetic=False, normalize=True, seed=1):
    """n perturbation steps with a tiny lr from theta0; returns the per-step estimates."""
    theta = theta0.clone()
    opt = WeightPerturbation(
        [theta],
        lr=1.0,
        sigma=sigma,
        antithetic=antithetic,
        normalize_by_sigma2=normalize,
        seed=seed,
    )
    closure = lambda: 0.5 * theta @ A @ theta  # noqa: E731
    est = []
    for _ in range(n):
        before = theta.clone()
        opt.step(closure)
        est.append((before - theta).clone())  # = delta xi / nu with lr = 1
        theta.copy_(theta0)
    return torch.stack(est)


def test_estimator_matches_gradient_on_quadratic():
    A, th = quad()
    grad = A @ th
    est = estimates(A, th, 1e-3, 20_000)
    m = est.mean(0)
    cos = float(m @ grad / (m.norm() * grad.norm()))
    assert cos > 0.99
    assert abs(float(m.norm() / grad.norm()) - 1) < 0.05


def test_antithetic_lower_variance_same_mean():
    A, _ = quad()
    th = torch.full((50,), 1e-3, dtype=torch.float64)  # near the minimum
    fd = estimates(A, th, 0.1, 4000)
    an = estimates(A, th, 0.1, 4000, antithetic=True)
    v_fd = float(((fd - fd.mean(0)) ** 2).sum(1).mean())
    v_an = float(((an - an.mean(0)) ** 2).sum(1).mean())
    assert v_an < 0.5 * v_fd
    se = (v_fd / 4000) ** 0.5
    assert float((fd.mean(0) - an.mean(0)).norm()) < 4 * se


def test_normalisation_factor_sigma2():
    A, th = quad()
    sigma = 1e-2
    a = estimates(A, th, sigma, 20_000, normalize=True).mean(0)
    b = estimates(A, th, sigma, 20_000, normalize=False).mean(0)
    assert abs(float(b.norm() / (sigma**2 * a.norm())) - 1) < 0.05
    assert float(a @ b / (a.norm() * b.norm())) > 0.999


@pytest.mark.parametrize(
    "K,antithetic,report,expected",
    [(1, False, True, 2), (3, False, True, 4), (3, True, False, 6), (2, True, True, 5)],
)
def test_pass_count_and_no_autograd(K, antithetic, report, expected):
    net = XORNet(4, seed=0)
    X, y = xor_data()
    calls, grad_mode = [], []

    def closure():
        calls.append(1)
        grad_mode.append(torch.is_grad_enabled())
        return xor_loss(net, X, y)

    opt = WeightPerturbation(
        net.parameters(),
        lr=0.1,
        n_perturbations=K,
        antithetic=antithetic,
        report_unperturbed=report,
    )
    loss = opt.step(closure)
    assert len(calls) == expected == opt.last["passes"]
    assert not any(grad_mode)
    assert all(p.grad is None for p in net.parameters())
    assert isinstance(loss, float)


def test_step_never_calls_backward(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("backward was called")

    monkeypatch.setattr(torch.Tensor, "backward", boom)
    monkeypatch.setattr(torch.autograd, "backward", boom)
    net = ElmanRNN(hidden=8, seed=0)
    X, y = torch.randn(5, 4, 3), torch.randn(5, 3)
    opt = Dopamine.from_preset(net.parameters(), "dopamine2", lr=1e-3, sigma=1e-3)
    opt.step(lambda: rnn_loss(net, X, y))
    assert all(p.grad is None for p in net.parameters())


def test_restore_with_zero_lr():
    net = XORNet(4, seed=3)
    X, y = xor_data()
    start = [p.detach().clone() for p in net.parameters()]
    opt = WeightPerturbation(net.parameters(), lr=0.0, sigma=1e-3, seed=0)
    for _ in range(100):
        opt.step(lambda: xor_loss(net, X, y))
    for p, s in zip(net.parameters(), start):
        assert float((p.detach() - s).norm() / s.norm()) < 1e-6


def _run(seed, steps=60, save_at=None, load=None):
    net = XORNet(4, seed=0)
    X, y = xor_data()
    opt = Dopamine.from_preset(net.parameters(), "dopamine2", lr=1.0, sigma=1e-3, seed=seed)
    saved = None
    for t in range(steps):
        if save_at is not None and t == save_at:
            saved = ({k: v.clone() for k, v in net.state_dict().items()}, opt.state_dict())
        opt.step(lambda: xor_loss(net, X, y))
    return torch.cat([p.detach().flatten() for p in net.parameters()]), saved


def test_determinism_and_state_dict_resume():
    a, saved = _run(0, save_at=50)
    b, _ = _run(0)
    c, _ = _run(1)
    assert torch.equal(a, b)
    assert not torch.equal(a, c)
    net = XORNet(4, seed=0)
    net.load_state_dict(saved[0])
    X, y = xor_data()
    opt = Dopamine.from_preset(net.parameters(), "dopamine2", lr=1.0, sigma=1e-3, seed=99)
    opt.load_state_dict(saved[1])
    for _ in range(10):
        opt.step(lambda: xor_loss(net, X, y))
    assert torch.equal(torch.cat([p.detach().flatten() for p in net.parameters()]), a)


def test_regenerate_vs_stored_noise_identical():
    out = []
    for regen in (True, False):
        net = XORNet(4, seed=0)
        X, y = xor_data()
        opt = WeightPerturbation(
            net.parameters(), lr=0.5, regenerate_noise=regen, seed=2, n_perturbations=2
        )
        for _ in range(20):
            opt.step(lambda net=net, X=X, y=y: xor_loss(net, X, y))
        out.append(torch.cat([p.detach().flatten() for p in net.parameters()]))
    assert torch.equal(out[0], out[1])


def test_replicas_r1_bitwise_and_independent():
    X, y = xor_data()
    plain = XORNet(4, seed=7)
    rep = XORNet(4, replicas=1, seed=[7])
    o1 = Dopamine.from_preset(plain.parameters(), "dopamine1", lr=0.1, seed=5)
    o2 = Dopamine.from_preset(rep.parameters(), "dopamine1", lr=0.1, seed=5, replicas=1)
    for _ in range(30):
        o1.step(lambda: xor_loss(plain, X, y))
        o2.step(lambda: xor_loss(rep, X, y))
    for p, q in zip(plain.parameters(), rep.parameters()):
        assert torch.equal(p, q[0])
    # changing replica 3's targets leaves the others unchanged
    finals = []
    for change in (False, True):
        net = XORNet(4, replicas=6, seed=0)
        yy = y.expand(6, 4).clone()
        if change:
            yy[3] = 1 - yy[3]
        opt = Dopamine.from_preset(net.parameters(), "dopamine1", lr=0.1, seed=1, replicas=6)
        for _ in range(30):
            opt.step(lambda net=net, yy=yy: ((net(X).double() - yy.double()) ** 2).mean(-1))
        finals.append(torch.cat([p.detach().reshape(6, -1) for p in net.parameters()], 1))
    keep = [0, 1, 2, 4, 5]
    assert torch.equal(finals[0][keep], finals[1][keep])
    assert not torch.equal(finals[0][3], finals[1][3])


def test_as_quoted_cannot_learn_and_dopamine1_does():
    r = xor_run("dopamine2_as_quoted", 4, range(10), 2000, 1.0, early_stop=False)
    assert r["success"].sum() == 0
    assert np.all(np.abs(r["final_loss"] / r["init_loss"] - 1) < 0.01)
    d1 = xor_run("dopamine1", 4, range(10), 2000, 0.1, beta=0.9)
    assert d1["success"].sum() >= 9


def test_ema_ordering_one_step_and_clamp():
    X, y = xor_data()
    for order in ("as_quoted", "standard"):
        net = XORNet(4, seed=0)
        opt = Dopamine(
            net.parameters(),
            lr=0.3,
            sigma=1e-3,
            variant=2,
            beta_s=0.9,
            beta_eta=0.8,
            s0=0.02,
            eta_gain=2.0,
            eta_ema_order=order,
            lr_clamp=None,
        )
        opt.step(lambda net=net: xor_loss(net, X, y))
        d = abs(float(opt.last["delta"][0]))
        s1 = 0.9 * 0.02 + 0.1 * d
        want = (
            (0.2 * 0.3 + 0.8 * 2.0 * s1) if order == "as_quoted" else (0.8 * 0.3 + 0.2 * 2.0 * s1)
        )
        assert float(opt.last["eta"]) == pytest.approx(want, rel=1e-12)
    net = XORNet(4, seed=1)
    opt = Dopamine.from_preset(
        net.parameters(),
        "dopamine2",
        lr=1.0,
        sigma=1e-3,
        lr_clamp=(0.2, 0.9),
        beta_s=0.5,
        beta_eta=0.5,
    )
    for _ in range(50):
        opt.step(lambda: xor_loss(net, X, y))
        assert 0.2 <= float(opt.last["eta"]) <= 0.9


def test_auto_gain_holds_eta0_for_ten_steps():
    X, y = xor_data()
    net = XORNet(4, seed=0)
    opt = Dopamine.from_preset(net.parameters(), "dopamine2", lr=0.7, sigma=1e-3)
    etas = []
    for _ in range(12):
        opt.step(lambda: xor_loss(net, X, y))
        etas.append(float(opt.last["eta"]))
    assert etas[:10] == [0.7] * 10
    assert etas[10] != 0.7


def test_spectral_reset():
    g = torch.Generator().manual_seed(0)
    W = torch.randn(16, 16, generator=g)
    SpectralReset([W], radius=1.0).apply()
    assert abs(spectral_radius(W) - 1.0) < 1e-5
    W2 = torch.randn(8, 8, generator=g)
    sr = SpectralReset([W2], every=3)
    done = [t for t in range(10) if sr(t)]
    assert done == [0, 3, 6, 9] == sr.reset_steps
    with pytest.raises(ValueError, match="square"):
        SpectralReset([torch.zeros(3, 4)])
    with pytest.raises(ValueError, match="square"):
        spectral_radius(torch.zeros(3, 4))


def test_float32_precision_rnn_sigma_1e5():
    torch.manual_seed(0)
    net = ElmanRNN(hidden=8, seed=0)
    assert net.n_params == 123
    X, y = torch.randn(64, 10, 3), torch.randn(64, 3)
    rnn_loss(net, X, y).backward()
    grad = torch.cat([p.grad.flatten() for p in net.parameters()]).double()
    for p in net.parameters():
        p.grad = None
    start = [p.detach().clone() for p in net.parameters()]
    opt = WeightPerturbation(net.parameters(), lr=1.0, sigma=1e-5, seed=0)
    acc = torch.zeros_like(grad)
    for _ in range(2000):
        opt.step(lambda: rnn_loss(net, X, y))
        step = torch.cat([(s - p.detach()).flatten() for p, s in zip(net.parameters(), start)])
        acc += step.double()
        with torch.no_grad():
            for p, s in zip(net.parameters(), start):
                p.copy_(s)
    cos = float(acc @ grad / (acc.norm() * grad.norm()))
    assert cos > 0.9


@pytest.mark.parametrize(
    "kw,match",
    [
        (dict(sigma=0.0), "sigma"),
        (dict(lr=-1.0), "lr"),
        (dict(n_perturbations=0), "n_perturbations"),
        (dict(beta_s=1.0), "beta_s"),
        (dict(beta_eta=-0.1), "beta_eta"),
        (dict(lr_clamp=(2.0, 1.0)), "lr_clamp"),
        (dict(lr_law="fast"), "lr_law"),
        (dict(eta_ema_order="x"), "eta_ema_order"),
        (dict(s0="nope"), "s0"),
    ],
)
def test_input_validation(kw, match):
    net = XORNet(2, seed=0)
    args = dict(lr=0.1, sigma=1e-3)
    args.update(kw)
    with pytest.raises((ValueError, TypeError), match=match):
        Dopamine(net.parameters(), **args)


def test_validation_misc():
    net = XORNet(2, seed=0)
    with pytest.raises(ValueError, match="method"):
        make_optimizer("rmsprop", net.parameters(), 0.1)
    with pytest.raises(ValueError, match="replicas"):
        WeightPerturbation(net.parameters(), lr=0.1, replicas=3)
    with pytest.raises(TypeError, match="closure"):
        WeightPerturbation(net.parameters(), lr=0.1).step()
    with pytest.raises(ValueError, match="name"):
        Dopamine.from_preset(net.parameters(), "dopamine3", lr=0.1)
    assert set(presets()["preset"]) == {"wp", "dopamine1", "dopamine2", "dopamine2_as_quoted"}


def test_nonfinite_loss_is_recorded_not_raised():
    net = XORNet(2, seed=0)
    opt = WeightPerturbation(net.parameters(), lr=0.1)
    before = [p.detach().clone() for p in net.parameters()]
    loss = opt.step(lambda: torch.tensor(float("nan"), dtype=torch.float64))
    assert np.isnan(loss) and opt.last["nonfinite"]
    for p, b in zip(net.parameters(), before):
        assert float((p.detach() - b).abs().max()) < 1e-6
