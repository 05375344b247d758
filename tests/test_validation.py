"""The one foundation: argument checkers, seeds, threads and devices."""

import numpy as np
import pytest
import torch

import neuroplastic
from neuroplastic.validation import (
    SEED_MAX,
    as_generator,
    check_choice,
    check_float,
    check_int,
    check_seed,
    torch_generator,
)


def test_check_int_names_argument_and_range():
    assert check_int("n", np.int64(3), 1, 5) == 3 and check_int("n", 4.0, 1) == 4
    with pytest.raises(ValueError, match=r"n must be an integer in \[1, 5\]; got 6"):
        check_int("n", 6, 1, 5)
    with pytest.raises(ValueError, match=r"in \[-inf, 0\]"):
        check_int("n", 1, hi=0)
    for bad in (True, 2.5, "3", None):
        with pytest.raises(TypeError, match="n must be an integer"):
            check_int("n", bad)


def test_check_float_open_and_closed_ends():
    assert check_float("p", 0.0, 0, 1) == 0.0
    with pytest.raises(ValueError, match=r"p must be a finite number in \(0, 1\]; got 0.0"):
        check_float("p", 0.0, 0, 1, lo_open=True)
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        check_float("p", 1, 0, 1, hi_open=True)
    for bad in (float("nan"), float("inf")):
        with pytest.raises(ValueError, match="finite"):
            check_float("p", bad)
    with pytest.raises(TypeError, match="p must be a real number"):
        check_float("p", False)


def test_check_choice_lists_the_choices():
    assert check_choice("kind", "a", ("a", "b")) == "a"
    with pytest.raises(ValueError, match=r"kind must be one of \('a', 'b'\); got 'c'"):
        check_choice("kind", "c", ("a", "b"))
    with pytest.raises(ValueError, match="kind"):
        check_choice("kind", ["a"], {"a"})  # unhashable


def test_one_seed_range_for_numpy_and_torch():
    assert check_seed(0) == 0 and check_seed(SEED_MAX) == SEED_MAX
    with pytest.raises(ValueError, match=r"seed must be in \[0, 2\*\*63 - 1\]"):
        check_seed(-1)
    with pytest.raises(ValueError, match="tune_seed"):
        check_seed(SEED_MAX + 1, "tune_seed")
    with pytest.raises(TypeError, match="seed"):
        check_seed(1.0)
    drawn = [check_seed(np.random.default_rng(s)) for s in range(50)]
    assert all(0 <= d <= SEED_MAX for d in drawn) and max(drawn) > 2**62  # the full range
    assert check_seed(np.random.default_rng(7)) == check_seed(np.random.default_rng(7))
    g = np.random.default_rng(1)
    assert as_generator(g) is g
    assert as_generator(5).random() == np.random.default_rng(5).random()
    a = torch.rand(3, generator=torch_generator(SEED_MAX))
    assert torch.equal(a, torch.rand(3, generator=torch_generator(SEED_MAX)))


def test_configure_threads_and_devices(monkeypatch):
    import numba

    before = torch.get_num_threads()
    try:
        monkeypatch.setenv("OMP_NUM_THREADS", "1")
        assert neuroplastic.configure_threads() == 1
        assert torch.get_num_threads() == 1 and numba.get_num_threads() == 1
        with pytest.raises(ValueError, match="n must be an integer in"):
            neuroplastic.configure_threads(0)
    finally:
        torch.set_num_threads(before)
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    assert neuroplastic.resolve_device("cpu") == torch.device("cpu")
    assert neuroplastic.resolve_device("auto").type in ("cpu", "cuda")
    with pytest.raises(ValueError, match="device must be"):
        neuroplastic.resolve_device("tpu")
    with pytest.raises(TypeError, match="device"):
        neuroplastic.resolve_device(0)
