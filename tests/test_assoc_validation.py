"""Invalid arguments raise ValueError/TypeError naming the argument."""

import numpy as np
import pytest

from neuroplastic import assoc as A

LAY = A.Modular(4, 5)


def _c():
    return A.count(A.random_patterns(10, LAY, seed=0))


@pytest.mark.parametrize(
    "fn, exc, name",
    [
        (lambda: A.KofN(10, 10), ValueError, "K"),
        (lambda: A.KofN(10, 0), ValueError, "K"),
        (lambda: A.Modular(0, 5), ValueError, "H"),
        (lambda: A.Modular(4, 2.5), TypeError, "M"),
        (lambda: A.PatternSet(np.zeros((2, 3), np.int32), LAY).prefix(3), ValueError, "P"),
        (lambda: A.random_patterns(-1, LAY, seed=0), ValueError, "P"),
        (lambda: A.random_patterns(2.5, LAY, seed=0), TypeError, "P"),
        (lambda: A.random_patterns(5, LAY, skew=-1, seed=0), ValueError, "skew"),
        (lambda: A.random_patterns(5, LAY, seed=-3), ValueError, "seed"),
        (lambda: A.parent_patterns(5, LAY, redraw=1.5, seed=0), ValueError, "redraw"),
        (lambda: A.flip_cues(A.random_patterns(5, LAY, seed=0), 5, seed=0), ValueError, "nflip"),
        (lambda: A.flip_cues(A.random_patterns(5, LAY, seed=0), -1, seed=0), ValueError, "nflip"),
        (lambda: A.build("nope", _c(), LAY), ValueError, "rule"),
        (lambda: A.build("covar", _c(), LAY, mean="median"), ValueError, "mean"),
        (lambda: A.build("precovar", _c(), LAY, variant="z"), ValueError, "variant"),
        (lambda: A.build("hopfield", _c(), LAY, variant="z"), ValueError, "variant"),
        (lambda: A.build("bcpnn", _c(), LAY, eps=0.0), ValueError, "eps"),
        (
            lambda: A.build("bayes", _c(), LAY, noise=A.CueNoise(0.2, 0.1), alpha=-1),
            ValueError,
            "alpha",
        ),
        (
            lambda: A.build("bayes", _c(), LAY, noise=A.CueNoise(0.2, 0.1), p_min=0.5),
            ValueError,
            "p_min",
        ),
        (
            lambda: A.build("bayes", _c(), LAY, noise=A.CueNoise(0.2, 0.1), p_min=0),
            ValueError,
            "p_min",
        ),
        (lambda: A.build("bayes", _c(), LAY), ValueError, "noise"),
        (lambda: A.build("hebb", _c(), LAY, alpha=1), TypeError, "alpha"),
        (lambda: A.build("hebb", _c(), A.Modular(5, 4)), ValueError, "layout"),
        (lambda: A.build("hebb", _c(), LAY, self_gain=-1), ValueError, "self_gain"),
        (
            lambda: A.recall(
                A.build("hebb", _c(), LAY), A.random_patterns(3, A.KofN(20, 4), seed=0)
            ),
            ValueError,
            "cues",
        ),
        (
            lambda: A.recall(
                A.build("hebb", _c(), LAY), A.random_patterns(3, LAY, seed=0), T_max=0
            ),
            ValueError,
            "T_max",
        ),
        (
            lambda: A.recall(A.build("hebb", _c(), A.KofN(20, 4)) if False else None, None),
            TypeError,
            "source",
        ),
        (
            lambda: A.exact_fraction(
                A.random_patterns(3, LAY, seed=0), A.random_patterns(3, A.Modular(5, 4), seed=0)
            ),
            ValueError,
            "targets",
        ),
        (lambda: A.StorageTask("hebb", LAY, 9), ValueError, "nflip"),
        (
            lambda: A.capacity_search(A.StorageTask("hebb", LAY, 1), P0=0.5, nrep=1),
            ValueError,
            "P0",
        ),
        (
            lambda: A.capacity_search(A.StorageTask("hebb", LAY, 1), P0=10, nrep=0),
            ValueError,
            "nrep",
        ),
        (lambda: A.bits_per_synapse(10, LAY, info="v2"), ValueError, "info"),
        (lambda: A.bits_per_synapse(10, LAY, synapses="some"), ValueError, "synapses"),
        (lambda: A.parse_layout("modular:20by20"), ValueError, "layout"),
        (lambda: A.KWTA(0), ValueError, "k"),
        (
            lambda: A.recall(
                A.build(
                    "hebb", A.count(A.random_patterns(5, A.KofN(20, 4), seed=0)), A.KofN(20, 4)
                ),
                A.random_patterns(3, A.KofN(20, 4), seed=0),
                activation=A.HWTA(),
            ),
            ValueError,
            "HWTA",
        ),
    ],
)
def test_validation(fn, exc, name):
    with pytest.raises(exc, match=name):
        fn()


def test_unknown_profile_is_an_error():
    from neuroplastic import book

    with pytest.raises(ValueError):
        book.select_profile("fast", {"quick": {}, "paper": {}})
