"""The Hebbian family of learning rules, each a function of the counters (M11, M1, P).

Notation: p_i = M1_i/P, p_ij = M11_ij/P, a = K/N (layout activity); i presynaptic, j postsynaptic;
W[i, j] row-major by presynaptic unit; support s_j = b_j + Σ_i x_i W_ij. D (removed synapses):
the diagonal and, in modular layouts, all intra-hypercolumn pairs; W = 0 on D and D is excluded
from bias sums; ``self_gain`` g sets W_jj = g afterwards. Weights are computed in float64 and
stored float32.

=============  ==========================================================================
hebb           W = p_ij, b = 0
covar          mean="unit": W = p_ij − p_i p_j; mean="global": W = p_ij − a(p_i + p_j) + a²
precovar       variant "a": (p_ij − p_i p_j)/max(p_i, 1/(P+1)); "b": p_ij − a p_i;
               "c": (1/P) Σ_μ ξ_i^μ (ξ_j^μ − m_j^μ), m_j^μ running mean over patterns 1..μ
hopfield       variant "sparse": (1/P) Σ (ξ_i − a)(ξ_j − a); "pm1": (1/P) Σ (2ξ_i − 1)(2ξ_j − 1)
willshaw       W = 1[M11 > 0]
bcpnn          ε = 1/(P+1) (or given), p̂_i = max(p_i, ε), p̂_ij = max(p_ij, ε²),
               W = log(p̂_ij/(p̂_i p̂_j)), b_j = log p̂_j
bayes / bom    exact naive-Bayes weights for cue noise (p_m, p_f) from maximum-likelihood counts
               (α = 0 unless given): W = log(L11/L10) − log(L01/L00),
               b_j = log[M1_j/(P−M1_j)] + Σ_{i∉D} log(L01/L00); ±∞ allowed (−∞ veto for
               L11 = 0, e.g. M11 = 0 with p_f = 0); computed by kernels.level_weights
boms           bayes with symmetrize=True: W ← (W + Wᵀ)/2
=============  ==========================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..validation import check_choice, check_float
from .counts import Counts
from .cues import CueNoise
from .kernels import precovar_c_acc, rule_kernel
from .layouts import check_layout, removed_mask
from .noise import NOISE_PARAMS, NoiseTable, clamp_noise, noise_arrays, symmetrize_veto

if TYPE_CHECKING:
    from .layouts import Layout


@dataclass(frozen=True, eq=False)
class Network:
    """A built network: W float32[N, N] (row = presynaptic), b float32[N]."""

    W: np.ndarray
    b: np.ndarray
    rule: str
    params: dict = field(default_factory=dict)
    symmetric: bool = True
    layout: object = None
    int_scale: float | None = None
    """If set, retrieval uses exact integer supports: integer weights equal to W·int_scale
    (computed from the counts), so tied supports tie exactly and are broken by the hashed key
    (rules linear in the counts: hebb, willshaw, covar, hopfield, precovar b)."""

    @property
    def N(self) -> int:
        """Number of units N."""
        return self.W.shape[0]

    def kernel_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The weights retrieval uses.

        Returns
        -------
        tuple of numpy.ndarray
            (W float32[N, N], b float32[N]): the integer-valued weights s·W and zero biases when
            ``int_scale`` = s is set, else W, b themselves.
        """
        cache = self.__dict__.get("_kernel_arrays")
        return cache if cache is not None else (self.W, self.b)


def _probs(counts: Counts):
    P = max(counts.P, 1)
    p = counts.M1.astype(np.float64) / P
    return counts.M11.astype(np.float64) / P, p


def _hebb(counts, layout, D):
    pij, _ = _probs(counts)
    return pij, np.zeros(layout.N), True


def _covar(counts, layout, D, mean="unit"):
    check_choice("mean", mean, ("unit", "global"))
    pij, p = _probs(counts)
    if mean == "unit":
        W = pij - np.outer(p, p)
    else:
        a = layout.activity
        W = pij - a * (p[:, None] + p[None, :]) + a * a
    return W, np.zeros(layout.N), True


def _precovar(counts, layout, D, variant="a"):
    check_choice("variant", variant, ("a", "b", "c"))
    pij, p = _probs(counts)
    P = counts.P
    if variant == "a":
        W = (pij - np.outer(p, p)) / np.maximum(p, 1.0 / (P + 1))[:, None]
        return W, np.zeros(layout.N), False
    if variant == "b":
        return pij - layout.activity * p[:, None], np.zeros(layout.N), False
    if counts.rows is None or counts.rows.shape[0] != P:
        raise ValueError(
            "variant 'c' (incremental) needs the ordered pattern rows in counts "
            "(counts built by count()/add() and only shrunk from the end)"
        )
    R = precovar_c_acc(counts.rows, layout.N)
    W = (counts.M11.astype(np.float64) - R) / max(P, 1)
    return W, np.zeros(layout.N), False


def _hopfield(counts, layout, D, variant="sparse"):
    check_choice("variant", variant, ("sparse", "pm1"))
    pij, p = _probs(counts)
    if variant == "sparse":
        a = layout.activity
        W = pij - a * (p[:, None] + p[None, :]) + a * a
    else:
        W = 4 * pij - 2 * p[:, None] - 2 * p[None, :] + 1.0
    return W, np.zeros(layout.N), True


def _willshaw(counts, layout, D):
    return (counts.M11 > 0).astype(np.float64), np.zeros(layout.N), True


def _bcpnn(counts, layout, D, eps="1/(P+1)"):
    P = counts.P
    if isinstance(eps, str):
        if eps != "1/(P+1)":
            raise ValueError(f"eps must be '1/(P+1)' or a float in (0, 1); got {eps!r}")
        e = 1.0 / (P + 1)
    else:
        e = check_float("eps", eps, lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    pij, p = _probs(counts)
    ph = np.maximum(p, e)
    phij = np.maximum(pij, e * e)
    W = np.log(phij / np.outer(ph, ph))
    return W, np.log(ph), True


def _llr_np(a, b):
    """Elementwise log(a/b) with 0/0 -> 0, 0/b -> −∞, a/0 -> +∞ (see kernels._llr)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log(a / b)
    out = np.where(a == 0, np.where(b == 0, 0.0, -np.inf), out)
    return np.where((a != 0) & (b == 0), np.inf, out)


def _bayes(
    counts, layout, D, noise=None, alpha=0.0, p_min=1e-4, symmetrize=False, include_diagonal=False
):
    """numpy reference of the exact (maximum-likelihood) Bayes weights.

    See kernels.level_weights."""

    if noise is None:
        raise ValueError(
            "noise must be a CueNoise (e.g. CueNoise.from_flips(nflip, layout)) for the bayes rule"
        )
    if not isinstance(noise, CueNoise):
        raise TypeError(f"noise must be a CueNoise; got {type(noise).__name__}")
    alpha = check_float("alpha", alpha, lo=0.0)
    p_min = check_float("p_min", p_min, lo=0.0, hi=0.5, lo_open=True, hi_open=True)
    pm, pf = clamp_noise(noise.p_miss, noise.p_false, p_min, exact_false=True)
    P = counts.P
    M11, M10, M01, M00 = (x.astype(np.float64) + alpha for x in counts.cells())
    M1j = M11 + M01
    M0j = M10 + M00
    with np.errstate(divide="ignore", invalid="ignore"):
        L11 = (M11 * (1 - pm) + M01 * pf) / M1j
        L01 = (M11 * pm + M01 * (1 - pf)) / M1j
        L10 = (M10 * (1 - pm) + M00 * pf) / M0j
        L00 = (M10 * pm + M00 * (1 - pf)) / M0j
    off = _llr_np(L01, L00)
    W = _llr_np(L11, L10) - off
    dead = (M1j == 0) | (M0j == 0)
    W = np.where(dead, 0.0, W)
    off = np.where(dead, 0.0, off)
    if include_diagonal:
        dg = np.arange(layout.N)
        od = float(_llr_np(pm, 1 - pf))
        W[dg, dg] = np.where(dead[dg, dg], 0.0, float(_llr_np(1 - pm, pf)) - od)
        off[dg, dg] = np.where(dead[dg, dg], 0.0, od)
    off = np.where(removed_mask(layout, include_diagonal=include_diagonal), 0.0, off)
    M1 = counts.M1.astype(np.float64)
    b = _llr_np(M1 + alpha, P - M1 + alpha) + off.sum(axis=0)
    W = np.where(removed_mask(layout, include_diagonal=include_diagonal), 0.0, W)
    if symmetrize:
        W = symmetrize_veto(W.astype(np.float32)).astype(np.float64)
    return W, b, bool(symmetrize)


def _stabilized(name):
    def weights(counts, layout, D, noise=None, **params):
        if noise is None:
            raise ValueError(f"rule {name!r} needs noise=CueNoise(p_miss, p_false)")
        W, b, _ = noise_arrays(name, counts, layout, noise, **params)
        return W.astype(np.float64), b.astype(np.float64), False

    weights.__name__ = f"_{name}"
    return weights


def _boms(counts, layout, D, **params):
    if "symmetrize" in params and not params["symmetrize"]:
        raise ValueError("symmetrize must be True for 'boms' (use 'bayes' for the asymmetric rule)")
    params["symmetrize"] = True
    return _bayes(counts, layout, D, **params)


RULES = {
    "hebb": _hebb,
    "covar": _covar,
    "precovar": _precovar,
    "hopfield": _hopfield,
    "willshaw": _willshaw,
    "bcpnn": _bcpnn,
    "bayes": _bayes,
    "bom": _bayes,
    "boms": _boms,
    "bcpnn_s2": _stabilized("bcpnn_s2"),
    "bcpnn_s3": _stabilized("bcpnn_s3"),
}
"""Registry: rule name -> weight function (counts, layout, D, **params) -> (W, b, symmetric).
The noise-aware rules (:data:`NOISE_AWARE`) are one more weight source: :func:`build` gives
their weights for one cue noise, :func:`weight_source` without ``noise`` the lazily filled
table of every noise level (:class:`~neuroplastic.assoc.noise.NoiseTable`) that ANE reads."""

SEVEN_RULES = ("hebb", "covar", "precovar", "hopfield", "willshaw", "bcpnn", "boms")
"""The seven rules of the benchmark as shown in headline figures (Bayes as symmetric boms)."""

NOISE_AWARE = ("bayes", "bom", "boms", "bcpnn_s2", "bcpnn_s3")
"""Rules whose weights depend on the cue noise (need ``noise=CueNoise(...)`` in build)."""

_ALLOWED = {
    "hebb": (),
    "covar": ("mean",),
    "precovar": ("variant",),
    "hopfield": ("variant",),
    "willshaw": (),
    "bcpnn": ("eps",),
    "bayes": ("noise", "alpha", "p_min", "symmetrize", "include_diagonal"),
}
_ALLOWED["bom"] = _ALLOWED["bayes"]
_ALLOWED["boms"] = _ALLOWED["bayes"]
_ALLOWED["bcpnn_s2"] = ("noise", "alpha", "p_min", "include_diagonal", "smoothing")
_ALLOWED["bcpnn_s3"] = _ALLOWED["bcpnn_s2"]


def list_rules() -> list[str]:
    """Registered rule names.

    Returns
    -------
    list of str
        The keys of :data:`RULES`, in registry order.
    """
    return list(RULES)


def is_noise_aware(rule: str) -> bool:
    """Whether the weights of ``rule`` depend on the cue noise (bayes, bom, boms, bcpnn_s2/s3).

    Parameters
    ----------
    rule : str
        Registered rule name.

    Returns
    -------
    bool
        True for the rules in :data:`NOISE_AWARE`.

    Raises
    ------
    ValueError
        Unknown rule.
    """
    check_choice("rule", rule, tuple(RULES))
    return rule in NOISE_AWARE


def build(
    rule: str, counts: Counts, layout: Layout, *, self_gain: float = 0.0, **params: Any
) -> Network:
    """Weights and biases of ``rule`` from ``counts`` (formulas in the module docstring).

    Synapses in D get W = 0 (diagonal W_jj = ``self_gain`` ≥ 0 unless the Bayes diagonal is
    included). Log rules (bcpnn, bayes, S2, S3) give weights in nats. The count-linear rules
    (hebb, willshaw, covar, hopfield, precovar b) also carry exact integer weights
    (``Network.int_scale``) when ``self_gain`` = 0 on a fixed-K layout.

    Parameters
    ----------
    rule : str
        Registered rule name (see :func:`list_rules`).
    counts : Counts
        Counters of the stored patterns.
    layout : KofN, Modular or Free
        Layout of the counters.
    self_gain : float
        Diagonal weight g >= 0.
    **params
        Rule parameters (module docstring); noise-aware rules need ``noise=CueNoise(...)``.

    Returns
    -------
    Network
        float32 W[N, N] (row = presynaptic) and b[N].

    Raises
    ------
    TypeError
        ``counts`` not a Counts, or a parameter the rule does not accept.
    ValueError
        Unknown rule, mismatched layouts, invalid parameter values, or missing ``noise``.
    FloatingPointError
        Non-finite weights of a rule that must be finite.
    """
    check_choice("rule", rule, tuple(RULES))
    if not isinstance(counts, Counts):
        raise TypeError(f"counts must be a Counts; got {type(counts).__name__}")
    check_layout(layout)
    if counts.N != layout.N or (counts.layout is not None and counts.layout != layout):
        raise ValueError(
            f"layout {layout!r} does not match counts (N = {counts.N}) (mismatched layouts)"
        )
    self_gain = check_float("self_gain", self_gain, lo=0.0)
    bad = set(params) - set(_ALLOWED[rule])
    if bad:
        raise TypeError(
            f"unknown parameter(s) {sorted(bad)} for rule {rule!r}; "
            f"accepted: {list(_ALLOWED[rule])}"
        )
    incl = bool(params.get("include_diagonal", False))
    if rule in NOISE_AWARE:
        return _build_noise(rule, counts, layout, self_gain, params)
    code, fargs = _kernel_code(rule, params, counts, layout)
    if code is None:
        return build_reference(rule, counts, layout, self_gain=self_gain, **params)
    W, b = rule_kernel(
        code,
        counts.M11,
        counts.M1,
        counts.P,
        _groups(layout),
        incl,
        float(layout.activity),
        fargs[0],
        fargs[1],
        fargs[2],
        self_gain,
        bool(fargs[3]),
    )
    if not np.all(np.isfinite(b)) or not np.isfinite(W).all():
        raise FloatingPointError(f"rule {rule!r} produced non-finite weights")
    symmetric = rule in _SYMMETRIC or (
        rule in NOISE_AWARE and (rule == "boms" or bool(params.get("symmetrize", False)))
    )
    net = Network(W, b.astype(np.float32), rule, dict(params), symmetric, layout, None)
    return _attach_integer(net, rule, params, counts, layout, self_gain)


def _build_noise(rule, counts, layout, self_gain, params):
    """Noise-aware rules through the one kernel (:func:`kernels.level_weights`)."""
    noise = params.get("noise")
    if noise is None:
        raise ValueError(
            f"noise must be a CueNoise (e.g. CueNoise.from_flips(nflip, layout)) "
            f"for the {rule} rule"
        )
    if not isinstance(noise, CueNoise):
        raise TypeError(f"noise must be a CueNoise; got {type(noise).__name__}")
    if rule == "boms" and "symmetrize" in params and not params["symmetrize"]:
        raise ValueError("symmetrize must be True for 'boms' (use 'bayes' for the asymmetric rule)")
    kw = {k: v for k, v in params.items() if k != "noise"}
    name = "bayes" if rule in ("bom", "boms") else rule
    if rule == "boms":
        kw["symmetrize"] = True
    W, b, _ = noise_arrays(name, counts, layout, noise, **kw)
    sym = bool(kw.get("symmetrize", False))
    if not kw.get("include_diagonal", False) and self_gain != 0.0:
        W = W.copy()
        np.fill_diagonal(W, self_gain)
    return Network(W, b, rule, dict(params), sym, layout, None)


def weight_source(rule: str, counts: Counts, layout: Layout, **params: Any) -> Network | NoiseTable:
    """What retrieval reads for ``rule``.

    Parameters
    ----------
    rule : str
        Registered rule name.
    counts : Counts
        Counters of the stored patterns.
    layout : KofN, Modular or Free
        Layout of the counters.
    **params
        Rule parameters, as for :func:`build`.

    Returns
    -------
    Network or NoiseTable
        A :class:`Network` for a fixed rule or a noise-aware rule with ``noise``; a
        :class:`~neuroplastic.assoc.noise.NoiseTable` (weights of every noise level, built
        lazily) for a noise-aware rule without ``noise``.

    Raises
    ------
    ValueError
        Unknown rule (and the errors of :func:`build`).
    TypeError
        A parameter the rule does not accept.
    """
    check_choice("rule", rule, tuple(RULES))
    if rule in NOISE_AWARE and "noise" not in params:
        name = "bayes" if rule in ("bom", "boms") else rule
        p = dict(params)
        if rule == "boms":
            p["symmetrize"] = True
        bad = set(p) - set(NOISE_PARAMS)
        if bad:
            raise TypeError(
                f"unknown parameter(s) {sorted(bad)} for rule {rule!r}; accepted: "
                f"{list(NOISE_PARAMS)}"
            )
        return NoiseTable(counts, layout, name, p)
    return build(rule, counts, layout, **params)


_SYMMETRIC = ("hebb", "covar", "hopfield", "willshaw", "bcpnn")
_INT_CODES = {
    "hebb": 0,
    "covar_unit": 1,
    "covar_global": 2,
    "precovar_b": 4,
    "hopfield_pm1": 5,
    "willshaw": 6,
}


def _groups(layout):
    g = layout.groups
    return np.array([-1], dtype=np.int32) if g is None else g.astype(np.int32)


def _variant_key(rule, params):
    if rule == "covar":
        return "covar_" + params.get("mean", "unit")
    if rule == "hopfield":
        return "covar_global" if params.get("variant", "sparse") == "sparse" else "hopfield_pm1"
    if rule == "precovar":
        return "precovar_" + params.get("variant", "a")
    return rule


def _kernel_code(rule, params, counts, layout):
    """(code, (f0, f1, f2, symmetrize)) for rule_kernel, or (None, None) for the numpy path."""
    from .kernels import RULE_CODES

    if rule in ("covar",):
        check_choice("mean", params.get("mean", "unit"), ("unit", "global"))
    if rule in ("precovar",):
        check_choice("variant", params.get("variant", "a"), ("a", "b", "c"))
    if rule in ("hopfield",):
        check_choice("variant", params.get("variant", "sparse"), ("sparse", "pm1"))
    key = _variant_key(rule, params)
    if key == "precovar_c":
        return None, None
    if key == "bcpnn":
        eps = params.get("eps", "1/(P+1)")
        if isinstance(eps, str):
            if eps != "1/(P+1)":
                raise ValueError(f"eps must be '1/(P+1)' or a float in (0, 1); got {eps!r}")
            e = 1.0 / (counts.P + 1)
        else:
            e = check_float("eps", eps, lo=0.0, hi=1.0, lo_open=True, hi_open=True)
        return RULE_CODES["bcpnn"], (e, 0.0, 0.0, False)
    return RULE_CODES[key], (0.0, 0.0, 0.0, False)


def _attach_integer(net, rule, params, counts, layout, self_gain):
    from fractions import Fraction

    from .kernels import integer_kernel

    key = _variant_key(rule, params)
    if key not in _INT_CODES or self_gain != 0.0 or not layout.fixed_k:
        return net
    fr = Fraction(int(layout.K), int(layout.N))
    num, den = fr.numerator, fr.denominator
    P = max(counts.P, 1)
    scale = {
        "hebb": P,
        "willshaw": 1,
        "covar_unit": P * P,
        "covar_global": P * den * den,
        "precovar_b": P * den,
        "hopfield_pm1": P,
    }[key]
    Wi, mx = integer_kernel(
        _INT_CODES[key], counts.M11, counts.M1, counts.P, _groups(layout), num, den
    )
    if int(np.ceil(layout.K)) * mx >= 2**24:
        return net
    object.__setattr__(net, "int_scale", float(scale))
    object.__setattr__(net, "_kernel_arrays", (Wi, np.zeros(layout.N, np.float32)))
    return net


def build_reference(
    rule: str, counts: Counts, layout: Layout, *, self_gain: float = 0.0, **params: Any
) -> Network:
    """The same weights as :func:`build`, computed with plain numpy from the formulas of the
    module docstring (readable reference; no integer support path).

    Parameters
    ----------
    rule : str
        Registered rule name.
    counts : Counts
        Counters of the stored patterns.
    layout : KofN, Modular or Free
        Layout of the counters.
    self_gain : float
        Diagonal weight g >= 0.
    **params
        Rule parameters.

    Returns
    -------
    Network
        float32 W[N, N] and b[N] (``int_scale`` None).

    Raises
    ------
    ValueError
        Unknown rule or invalid parameters.
    FloatingPointError
        NaN weights (noise-aware rules) or non-finite weights (the other rules).
    """
    check_choice("rule", rule, tuple(RULES))
    check_layout(layout)
    self_gain = check_float("self_gain", self_gain, lo=0.0)
    incl = bool(params.get("include_diagonal", False))
    D = removed_mask(layout, include_diagonal=incl)
    W, b, symmetric = RULES[rule](counts, layout, D, **dict(params))
    W = np.where(D, 0.0, W)
    if symmetric:  # exact symmetry in floating point (e.g. 4p_ij − 2p_i − 2p_j + 1)
        W = 0.5 * (W + W.T)
    if not incl:
        np.fill_diagonal(W, self_gain)
    finite = np.isnan if rule in NOISE_AWARE else (lambda x: ~np.isfinite(x))
    if finite(W).any() or finite(b).any():
        raise FloatingPointError(f"rule {rule!r} produced non-finite weights")
    return Network(
        np.ascontiguousarray(W, dtype=np.float32),
        np.asarray(b, dtype=np.float32),
        rule,
        dict(params),
        bool(symmetric),
        layout,
    )


def parse_rule(
    spec: str | tuple[str, dict[str, Any]] | list | dict[str, Any],
) -> tuple[str, dict[str, Any], str]:
    """Rule name, parameters and label from a rule spec.

    ``"covar"``, ``"covar:mean=global"`` or ``"bayes:alpha=0.5,symmetrize=1"``; a (name,
    params) pair or a ``{"rule": name, "label": ..., **params}`` dict also works. In strings,
    symmetrize/include_diagonal are booleans ("1", "true", "yes"), alpha, p_min and a numeric
    eps floats, other values strings.

    Parameters
    ----------
    spec : str, tuple, list or dict
        The rule spec.

    Returns
    -------
    tuple
        (name, params, label); the label is the string itself or built from name and params.

    Raises
    ------
    ValueError
        Unknown rule, malformed parameter or a parameter the rule does not accept.
    TypeError
        ``spec`` of another type.
    """
    if isinstance(spec, (tuple, list)) and len(spec) == 2:
        name, params = spec[0], dict(spec[1])
        label = name + (":" + ",".join(f"{k}={v}" for k, v in params.items()) if params else "")
    elif isinstance(spec, dict):
        params = dict(spec)
        name = params.pop("rule", None)
        label = params.pop("label", None) or name
    elif isinstance(spec, str):
        label = spec
        name, _, rest = spec.partition(":")
        params = {}
        for item in filter(None, rest.split(",")):
            k, sep, v = item.partition("=")
            if not sep:
                raise ValueError(
                    f"rule spec parameters must be key=value; got {item!r} in {spec!r}"
                )
            k = k.strip()
            v = v.strip()
            if k in ("symmetrize", "include_diagonal"):
                params[k] = v.lower() in ("1", "true", "yes")
            elif k in ("alpha", "p_min") or (k == "eps" and v != "1/(P+1)"):
                params[k] = float(v)
            else:
                params[k] = v
    else:
        raise TypeError(
            f"rule must be a name, 'name:key=value,...', a (name, params) pair or a "
            f"dict; got {type(spec).__name__}"
        )
    check_choice("rule", name, tuple(RULES))
    bad = set(params) - set(_ALLOWED[name])
    if bad:
        raise ValueError(
            f"unknown parameter(s) {sorted(bad)} for rule {name!r}; "
            f"accepted: {list(_ALLOWED[name])}"
        )
    return name, params, label
