"""Truncated maximum-likelihood fits of weight distributions on [x_min, 1].

Families (densities on [x_min, 1], normalised by Z):
* lognormal: phi((ln x - mu)/sigma) / (x sigma [Phi(-mu/sigma) - Phi((ln x_min - mu)/sigma)]);
* KWW: exp(-(x/lam)^beta) / Z,
  Z = (lam/beta) Gamma(1/beta) [P(1/beta, lam^-beta) - P(1/beta, (x_min/lam)^beta)],
  fitted as "stretched" (beta <= 1) and "compressed" (beta >= 1);
* weibull: x^(beta-1) exp(-(x/lam)^beta) / Z (the other convention);
* powerlaw: x^(-alpha) / Z, Z = (1 - x_min^(1-alpha)) / (1 - alpha) (= -ln x_min at alpha = 1).
Weights are dimensionless (normalised to [0, 1]); L-BFGS-B on log-parameters from a
3 x 3 start grid (the power law: a bounded 1-d search), float64; AIC = 2 k + 2 NLL with k
the number of free parameters; KS D against the truncated CDF.

Degenerate fits. Each family is fitted inside parameter bounds; a fit whose optimum sits on a
bound is the family's way of approaching another one (a lognormal with mu at its lower bound is
a power law in disguise; a compressed exponential at beta = 1 is a plain exponential, the
stretched family's edge; a KWW with lam at its lower bound is deep in its power-law limit).
``FitResult.at_bound`` names those parameters, and ``compare_fits`` leaves such fits out of the
AIC contest (``drop_degenerate=True``). The shape itself is tested by :func:`log_density_hump`:
a lognormal-like weight distribution has an interior mode of the density of ln x, which the AIC
contest alone does not check.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import optimize, special, stats

FAMILIES = ("lognormal", "stretched", "compressed", "weibull", "powerlaw")
_BETA_BOUNDS = {"stretched": (0.02, 1.0), "compressed": (1.0, 20.0), "weibull": (0.02, 20.0)}
_MU_BOUNDS = (-30.0, 5.0)
_SIGMA_BOUNDS = (0.01, 30.0)
_LAM_BOUNDS = (1e-8, 1e3)
_ALPHA_BOUNDS = (-20.0, 20.0)
#: the 4 families of the chapter's AIC contest
CONTEST = ("lognormal", "stretched", "compressed", "powerlaw")


@dataclass(frozen=True)
class FitResult:
    """One truncated maximum-likelihood fit.

    Attributes
    ----------
    family : str
        One of ``FAMILIES``.
    params : dict
        Fitted parameters (``mu``, ``sigma``; ``lam``, ``beta``; or ``alpha``).
    nll : float
        Negative log-likelihood at the optimum (nats).
    aic : float
        2 k + 2 NLL, k the number of free parameters.
    ks_d, ks_p : float
        Kolmogorov–Smirnov distance to the truncated CDF and its p-value.
    n : int
        Number of values fitted.
    at_bound : tuple of str
        Parameters whose optimum lies on a search bound.
    """

    family: str
    params: dict
    nll: float
    aic: float
    ks_d: float
    ks_p: float
    n: int
    at_bound: tuple = ()

    @property
    def degenerate(self) -> bool:
        """Whether a fitted parameter sits on its bound (the family's limit, not an optimum).

        Returns
        -------
        bool
            ``bool(at_bound)``.
        """
        return bool(self.at_bound)


def _check(family, x_min):
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
    if not (isinstance(x_min, (int, float)) and 0 < x_min < 1):
        raise ValueError(f"x_min must be in (0, 1), got {x_min!r}")


def _logZ_quad(beta, lam, x_min, n=4001):
    """log of int_{x_min}^1 exp(-(x/lam)^beta) dx by Simpson's rule on a log-x grid (fallback)."""
    t = np.linspace(np.log(x_min), 0.0, n)
    f = t - np.exp(beta * (t - np.log(lam)))
    w = np.ones(n)
    w[1:-1:2] = 4
    w[2:-1:2] = 2
    w *= (t[1] - t[0]) / 3
    m = f.max()
    return float(m + np.log(np.sum(w * np.exp(f - m))))


def _logP_interval(a, lo, hi):
    """log(P(a, hi) - P(a, lo)) (regularised lower incomplete gamma), or NaN when both
    tails underflow (callers then integrate numerically)."""
    ph = special.gammainc(a, hi)
    if 0 < ph < 0.5:
        pl = special.gammainc(a, lo)
        r = pl / ph
        return float(np.log(ph) + np.log1p(-r)) if r < 1 else np.nan
    ql, qh = special.gammaincc(a, lo), special.gammaincc(a, hi)
    if ql > 0 and ql - qh > 1e-12 * ql:
        return float(np.log(ql) + np.log1p(-qh / ql))
    return np.nan


def _kww_logZ(lam, beta, x_min):
    a = 1.0 / beta
    lp = _logP_interval(a, (x_min / lam) ** beta, lam**-beta)
    if np.isfinite(lp):
        return float(np.log(lam / beta) + special.gammaln(a) + lp)
    return _logZ_quad(beta, lam, x_min)


def _powerlaw_logZ(alpha, x_min):
    """log int_{x_min}^1 x^-alpha dx = log((1 - x_min^(1-alpha)) / (1 - alpha))."""
    a, L = 1.0 - alpha, np.log(x_min)
    if abs(a) < 1e-12:
        return float(np.log(-L))
    return float(np.log(-np.expm1(a * L) / a))


def _logpdf(family, params, x, x_min):
    if family == "lognormal":
        mu, s = params["mu"], params["sigma"]
        z = (np.log(x) - mu) / s
        lz = special.log_ndtr(-mu / s)
        lzm = special.log_ndtr((np.log(x_min) - mu) / s)
        with np.errstate(divide="ignore"):
            logZ = lz + np.log1p(-np.exp(min(lzm - lz, -1e-300)))
        return -0.5 * z**2 - 0.5 * np.log(2 * np.pi) - np.log(x * s) - logZ
    if family == "powerlaw":
        return -params["alpha"] * np.log(x) - _powerlaw_logZ(params["alpha"], x_min)
    lam, beta = params["lam"], params["beta"]
    if family in ("stretched", "compressed"):
        return -((x / lam) ** beta) - _kww_logZ(lam, beta, x_min)
    # weibull: density beta/lam (x/lam)^(beta-1) exp(-(x/lam)^beta) truncated
    Fl, Fh = -np.expm1(-((x_min / lam) ** beta)), -np.expm1(-((1.0 / lam) ** beta))
    logZ = np.log(max(Fh - Fl, 1e-300))
    return np.log(beta / lam) + (beta - 1) * np.log(x / lam) - (x / lam) ** beta - logZ


def trunc_pdf(family: str, params: dict[str, float], x: ArrayLike, x_min: float) -> np.ndarray:
    """Truncated density f(x) / Z on [x_min, 1] (0 outside); see the module docstring.

    Parameters
    ----------
    family : str
        One of ``FAMILIES``.
    params : dict
        The family's parameters (as in ``FitResult.params``).
    x : array_like
        Points (dimensionless weights).
    x_min : float
        Lower truncation point, in (0, 1).

    Returns
    -------
    np.ndarray
        float64 density values, shape of ``x``.

    Raises
    ------
    ValueError
        If ``family`` is unknown or ``x_min`` is out of range.
    """
    _check(family, x_min)
    x = np.asarray(x, dtype=np.float64)
    out = np.zeros_like(x)
    m = (x >= x_min) & (x <= 1)
    out[m] = np.exp(_logpdf(family, params, x[m], x_min))
    return out


def trunc_cdf(family: str, params: dict[str, float], x: ArrayLike, x_min: float) -> np.ndarray:
    """Truncated CDF F(x) = int_{x_min}^x f / Z on [x_min, 1] (``x`` clipped to that range).

    Parameters
    ----------
    family : str
        One of ``FAMILIES``.
    params : dict
        The family's parameters.
    x : array_like
        Points.
    x_min : float
        Lower truncation point, in (0, 1).

    Returns
    -------
    np.ndarray
        float64 values in [0, 1].

    Raises
    ------
    ValueError
        If ``family`` is unknown or ``x_min`` is out of range.
    """
    _check(family, x_min)
    x = np.clip(np.asarray(x, dtype=np.float64), x_min, 1.0)
    if family == "powerlaw":
        a, L = 1.0 - params["alpha"], np.log(x_min)
        if abs(a) < 1e-12:
            return (np.log(x) - L) / -L
        return (np.exp(a * np.log(x)) - np.exp(a * L)) / -np.expm1(a * L)
    if family == "lognormal":
        mu, s = params["mu"], params["sigma"]
        lo, hi = stats.norm.cdf((np.log(x_min) - mu) / s), stats.norm.cdf(-mu / s)
        return (stats.norm.cdf((np.log(x) - mu) / s) - lo) / (hi - lo)
    lam, beta = params["lam"], params["beta"]
    if family == "weibull":
        F = lambda t: -np.expm1(-((t / lam) ** beta))  # noqa: E731
        return (F(x) - F(x_min)) / (F(1.0) - F(x_min))
    a = 1.0 / beta
    lo, hi, t = (x_min / lam) ** beta, lam**-beta, (x / lam) ** beta
    ph = special.gammainc(a, hi)
    if 0 < ph < 0.5 and special.gammainc(a, lo) < ph:
        pl = special.gammainc(a, lo)
        return (special.gammainc(a, t) - pl) / (ph - pl)
    ql, qh = special.gammaincc(a, lo), special.gammaincc(a, hi)
    if ql - qh > 1e-12 * max(ql, 1e-300):
        return (ql - special.gammaincc(a, t)) / (ql - qh)
    # both tails underflow: cumulative Simpson/trapezoid integral on a log-x grid
    g = np.linspace(np.log(x_min), 0.0, 20001)
    f = np.exp(g - np.exp(beta * (g - np.log(lam))) - (g - np.exp(beta * (g - np.log(lam)))).max())
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (f[1:] + f[:-1]) * np.diff(g))])
    return np.interp(np.log(x), g, cum / cum[-1])


def _unpack(family, th):
    if family == "powerlaw":
        return {"alpha": float(th[0])}
    if family == "lognormal":
        return {"mu": th[0], "sigma": float(np.exp(th[1]))}
    return {"lam": float(np.exp(th[0])), "beta": float(np.exp(th[1]))}


_BOUND_TOL = 1e-4  # a parameter within this fraction of its (log-)range of a bound is "at" it


def fit_distribution(x: ArrayLike, family: str, x_min: float = 0.005) -> FitResult:
    """MLE of ``family`` truncated to [x_min, 1] on the values of ``x`` in that range.

    L-BFGS-B on log-parameters from a 3 x 3 start grid (the power law: 3 starts); AIC = 2 k +
    2 NLL; KS against :func:`trunc_cdf`. ``at_bound`` of the result names the parameters whose
    optimum lies on a bound of the search (within 1e-4 of the log-parameter range): such a fit
    is degenerate.

    Parameters
    ----------
    x : array_like
        Weights (dimensionless, normalised to [0, 1]); values outside [x_min, 1] are ignored.
    family : str
        One of ``FAMILIES``.
    x_min : float
        Lower truncation point, in (0, 1).

    Returns
    -------
    FitResult

    Raises
    ------
    ValueError
        If ``family``/``x_min`` is invalid or fewer than 10 values lie in [x_min, 1].
    """
    _check(family, x_min)
    x = np.asarray(x, dtype=np.float64).ravel()
    x = x[(x >= x_min) & (x <= 1.0)]
    if len(x) < 10:
        raise ValueError(f"x must hold at least 10 values in [x_min, 1], got {len(x)}")

    lx = np.log(x)
    s1, s2, n = lx.sum(), (lx**2).sum(), len(x)

    def nll(th):
        prm = _unpack(family, th)
        with np.errstate(all="ignore"):
            if family == "lognormal":  # sufficient statistics: sum ln x, sum (ln x)^2
                mu, sg = prm["mu"], prm["sigma"]
                lz = special.log_ndtr(-mu / sg)
                lzm = special.log_ndtr((np.log(x_min) - mu) / sg)
                logZ = lz + np.log1p(-np.exp(min(lzm - lz, -1e-300)))
                v = (
                    0.5 * (s2 - 2 * mu * s1 + n * mu**2) / sg**2
                    + n * (0.5 * np.log(2 * np.pi) + np.log(sg))
                    + s1
                    + n * logZ
                )
            elif family == "powerlaw":
                v = prm["alpha"] * s1 + n * _powerlaw_logZ(prm["alpha"], x_min)
            elif family in ("stretched", "compressed"):
                lam, beta = prm["lam"], prm["beta"]
                v = np.exp(beta * (lx - np.log(lam))).sum() + n * _kww_logZ(lam, beta, x_min)
            else:
                v = -np.sum(_logpdf(family, prm, x, x_min))
        return float(v) if np.isfinite(v) else 1e300

    if family == "powerlaw":
        starts = [(a,) for a in (-1.0, 0.5, 2.0)]
        bounds = [_ALPHA_BOUNDS]
    elif family == "lognormal":
        starts = [
            (m, np.log(s))
            for m in (lx.mean() - 1, lx.mean(), lx.mean() + 1)
            for s in (0.5 * lx.std(), lx.std(), 2 * lx.std())
        ]
        bounds = [_MU_BOUNDS, (np.log(_SIGMA_BOUNDS[0]), np.log(_SIGMA_BOUNDS[1]))]
    else:
        bl, bh = _BETA_BOUNDS[family]
        betas = np.exp(
            np.linspace(
                np.log(bl) if family != "stretched" else np.log(0.15),
                np.log(bh) if family != "compressed" else np.log(4.0),
                5,
            )[[0, 2, 4]]
        )
        starts = [
            (np.log(lam), np.log(b))
            for lam in (x.mean() / 3, x.mean(), 3 * x.mean())
            for b in betas
        ]
        bounds = [(np.log(_LAM_BOUNDS[0]), np.log(_LAM_BOUNDS[1])), (np.log(bl), np.log(bh))]
    best = None
    for th0 in starts:
        th0 = np.clip(th0, [b[0] for b in bounds], [b[1] for b in bounds])
        r = optimize.minimize(nll, th0, method="L-BFGS-B", bounds=bounds)
        if best is None or r.fun < best.fun:
            best = r
    params = _unpack(family, best.x)
    ks = stats.kstest(x, lambda t: trunc_cdf(family, params, t, x_min))
    names = list(params)
    at_bound = tuple(
        names[i]
        for i, (lo, hi) in enumerate(bounds)
        if min(best.x[i] - lo, hi - best.x[i]) <= _BOUND_TOL * (hi - lo)
    )
    k = len(names)
    return FitResult(
        family,
        params,
        float(best.fun),
        float(2 * k + 2 * best.fun),
        float(ks.statistic),
        float(ks.pvalue),
        int(len(x)),
        at_bound,
    )


def normalize_weights(
    W: ArrayLike,
    mode: str = "layer",
    x_min: float = 0.005,
    exclude_rows: ArrayLike | None = None,
) -> np.ndarray:
    """Weight magnitudes scaled to [0, 1] for fitting: |W| / max|W| over the layer or the row.

    Only values >= x_min are kept (zeros from clipping are never fitted).

    Parameters
    ----------
    W : array_like
        2-d weights [K, D].
    mode : str
        "layer" (divide by the layer max) or "unit" (by each row's max).
    x_min : float
        Smallest value kept.
    exclude_rows : array_like or None
        Dead rows to remove (bool mask or indices).

    Returns
    -------
    np.ndarray
        1-d float64.

    Raises
    ------
    ValueError
        If ``mode`` is unknown or ``W`` is not 2-d.
    """
    if mode not in ("layer", "unit"):
        raise ValueError(f"mode must be 'layer' or 'unit', got {mode!r}")
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2:
        raise ValueError("W must be 2-d")
    if exclude_rows is not None:
        keep = np.ones(len(W), bool)
        keep[np.asarray(exclude_rows)] = False
        W = W[keep]
    W = np.abs(W)
    if mode == "layer":
        V = W / max(W.max(), 1e-300)
    else:
        V = W / np.maximum(W.max(axis=1, keepdims=True), 1e-300)
    V = V.ravel()
    return V[V >= x_min]


def compare_fits(
    x: ArrayLike,
    x_min: float = 0.005,
    families: Iterable[str] = CONTEST,
    drop_degenerate: bool = True,
) -> pd.DataFrame:
    """Fit each family and rank the fits by AIC.

    ``d_aic`` = AIC - the lowest AIC of a non-degenerate fit (all fits count when every one is
    degenerate). When both KWW halves sit on their shared edge beta = 1 (a plain exponential),
    the "stretched" fit is kept as non-degenerate.

    Parameters
    ----------
    x : array_like
        Weights in [0, 1] (see :func:`normalize_weights`).
    x_min : float
        Lower truncation point.
    families : iterable of str
        Families to fit (default: the chapter's contest).
    drop_degenerate : bool
        Degenerate fits take no part in the contest: their ``d_aic`` is NaN and they sort last.

    Returns
    -------
    pd.DataFrame
        One row per family: ``family``, its parameters, ``n``, ``nll``, ``aic``, ``ks_d``,
        ``ks_p``, ``at_bound`` (comma-separated), ``degenerate``, ``d_aic``; sorted by AIC.
    """
    rows, res = [], {f: fit_distribution(x, f, x_min) for f in families}
    st, co = res.get("stretched"), res.get("compressed")
    if st is not None and co is not None and st.at_bound == ("beta",) and co.at_bound == ("beta",):
        # both KWW halves on their shared edge beta = 1: the data are a plain exponential, an
        # interior point of the whole KWW family; keep it once (as "stretched")
        res["stretched"] = dataclasses.replace(st, at_bound=())
    for f in families:
        r = res[f]
        rows.append(
            {
                "family": f,
                **r.params,
                "n": r.n,
                "nll": r.nll,
                "aic": r.aic,
                "ks_d": r.ks_d,
                "ks_p": r.ks_p,
                "at_bound": ",".join(r.at_bound),
                "degenerate": r.degenerate,
            }
        )
    df = pd.DataFrame(rows)
    valid = (
        ~df["degenerate"]
        if drop_degenerate and not df["degenerate"].all()
        else pd.Series(True, index=df.index)
    )
    df["d_aic"] = np.where(valid, df["aic"] - df.loc[valid, "aic"].min(), np.nan)
    df["_key"] = np.where(valid, df["aic"], np.inf)
    return df.sort_values(["_key", "aic"]).drop(columns="_key").reset_index(drop=True)


def best_fit(table: pd.DataFrame) -> pd.Series:
    """The winning row of a :func:`compare_fits` table.

    Parameters
    ----------
    table : pd.DataFrame
        Output of :func:`compare_fits`.

    Returns
    -------
    pd.Series
        The row with the lowest AIC among non-degenerate fits (an empty Series when every fit
        is degenerate).
    """
    ok = table[~table["degenerate"]]
    return ok.sort_values("aic").iloc[0] if len(ok) else pd.Series(dtype=object)


def log_density_hump(
    x: ArrayLike, x_min: float = 0.005, bins: int = 40, smooth: int = 3, rise: float = 1.5
) -> dict[str, float | bool]:
    """Does the density of ln x on [ln x_min, 0] have an interior mode (a lognormal hump)?

    Histogram of ln x in ``bins`` equal bins (the log-binned histogram of the chapter's figure,
    as a density of ln x), smoothed by a ``smooth``-bin moving average. ``left``/``right`` are
    the peak's ratio to the mean of the first/last ``smooth`` bins. The mode is interior when
    it lies outside those edge bins and the density rises by at least ``rise`` from the left
    edge to the peak and falls by at least ``rise`` from the peak to the right edge. A power law
    (monotone in ln x) or a density piled up at x_min fails.

    Parameters
    ----------
    x : array_like
        Weights; values outside [x_min, 1] are ignored.
    x_min : float
        Lower end, in (0, 1).
    bins : int
        Histogram bins (>= 6).
    smooth : int
        Moving-average width in bins, in [1, bins // 3].
    rise : float
        Required ratio (>= 1).

    Returns
    -------
    dict
        ``{"mode": x at the peak, "left": ratio, "right": ratio, "interior": bool}`` (an empty
        edge gives an infinite ratio).

    Raises
    ------
    ValueError
        If an argument is out of range or fewer than 10 values lie in [x_min, 1].
    """
    if not (isinstance(x_min, (int, float)) and 0 < x_min < 1):
        raise ValueError(f"x_min must be in (0, 1), got {x_min!r}")
    if not isinstance(bins, int) or bins < 6:
        raise ValueError(f"bins must be an int >= 6, got {bins!r}")
    if not isinstance(smooth, int) or not 1 <= smooth <= bins // 3:
        raise ValueError(f"smooth must be an int in [1, bins // 3], got {smooth!r}")
    if not rise >= 1:
        raise ValueError(f"rise must be >= 1, got {rise!r}")
    x = np.asarray(x, dtype=np.float64).ravel()
    x = x[(x >= x_min) & (x <= 1.0)]
    if len(x) < 10:
        raise ValueError(f"x must hold at least 10 values in [x_min, 1], got {len(x)}")
    edges = np.linspace(np.log(x_min), 0.0, bins + 1)
    h, _ = np.histogram(np.log(x), edges)
    hs = np.convolve(h.astype(float), np.ones(smooth) / smooth, mode="same")
    m = int(np.argmax(hs))
    peak = hs[m]
    el, er = hs[:smooth].mean(), hs[-smooth:].mean()
    left = peak / el if el > 0 else np.inf  # an empty edge (e.g. a pruning gap) is an infinite rise
    right = peak / er if er > 0 else np.inf
    interior = bool(smooth <= m < bins - smooth and left >= rise and right >= rise)
    return {
        "mode": float(np.exp(0.5 * (edges[m] + edges[m + 1]))),
        "left": float(left),
        "right": float(right),
        "interior": interior,
    }


def sample_kww(
    n: int,
    lam: float,
    beta: float,
    x_min: float,
    seed: int | np.random.Generator | None = 0,
) -> np.ndarray:
    """Samples from the KWW density exp(-(x/lam)^beta) truncated to [x_min, 1], by inverse CDF.

    x = lam P^-1(1/beta, u)^(1/beta) with u uniform between P(1/beta, (x_min/lam)^beta) and
    P(1/beta, lam^-beta) (P the regularised lower incomplete gamma function).

    Parameters
    ----------
    n : int
        Number of samples.
    lam, beta : float
        Scale and stretch exponent (> 0).
    x_min : float
        Lower truncation point.
    seed : int, np.random.Generator or None
        Seed of the draw.

    Returns
    -------
    np.ndarray
        float64 [n] in [x_min, 1].
    """
    rng = np.random.default_rng(seed)
    a = 1.0 / beta
    lo, hi = special.gammainc(a, (x_min / lam) ** beta), special.gammainc(a, lam**-beta)
    u = rng.uniform(lo, hi, n)
    return lam * special.gammaincinv(a, u) ** (1.0 / beta)
