"""Truncated maximum-likelihood fits of weight distributions on [x_min, 1].

Families (densities on [x_min, 1], normalised by Z):
* lognormal: phi((ln x - mu)/sigma) / (x sigma [Phi(-mu/sigma) - Phi((ln x_min - mu)/sigma)]);
* KWW: exp(-(x/lam)^beta) / Z, Z = (lam/beta) Gamma(1/beta) [P(1/beta, lam^-beta) - P(1/beta, (x_min/lam)^beta)],
  fitted as "stretched" (beta <= 1) and "compressed" (beta >= 1);
* weibull: x^(beta-1) exp(-(x/lam)^beta) / Z (the other convention).
Weights are dimensionless (normalised to [0, 1]); L-BFGS-B on log-parameters from a
3 x 3 start grid, float64; AIC = 2 * 2 + 2 NLL; KS D against the truncated CDF.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

FAMILIES = ("lognormal", "stretched", "compressed", "weibull")
_BETA_BOUNDS = {"stretched": (0.02, 1.0), "compressed": (1.0, 20.0), "weibull": (0.02, 20.0)}


@dataclass(frozen=True)
class FitResult:
    family: str
    params: dict
    nll: float
    aic: float
    ks_d: float
    ks_p: float
    n: int


def _check(family, x_min):
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
    if not (isinstance(x_min, (int, float)) and 0 < x_min < 1):
        raise ValueError(f"x_min must be in (0, 1), got {x_min!r}")


def _logZ_quad(beta, lam, x_min, n=4001):
    """log of int_{x_min}^1 exp(-(x/lam)^beta) dx by Simpson's rule on a log-x grid (fallback)."""
    t = np.linspace(np.log(x_min), 0.0, n)
    f = t - np.exp(beta * (t - np.log(lam)))
    w = np.ones(n); w[1:-1:2] = 4; w[2:-1:2] = 2
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
    lp = _logP_interval(a, (x_min / lam) ** beta, lam ** -beta)
    if np.isfinite(lp):
        return float(np.log(lam / beta) + special.gammaln(a) + lp)
    return _logZ_quad(beta, lam, x_min)


def _logpdf(family, params, x, x_min):
    if family == "lognormal":
        mu, s = params["mu"], params["sigma"]
        z = (np.log(x) - mu) / s
        lz = special.log_ndtr(-mu / s)
        lzm = special.log_ndtr((np.log(x_min) - mu) / s)
        with np.errstate(divide="ignore"):
            logZ = lz + np.log1p(-np.exp(min(lzm - lz, -1e-300)))
        return -0.5 * z**2 - 0.5 * np.log(2 * np.pi) - np.log(x * s) - logZ
    lam, beta = params["lam"], params["beta"]
    a = 1.0 / beta
    if family in ("stretched", "compressed"):
        return -(x / lam) ** beta - _kww_logZ(lam, beta, x_min)
    # weibull: density beta/lam (x/lam)^(beta-1) exp(-(x/lam)^beta) truncated
    Fl, Fh = -np.expm1(-(x_min / lam) ** beta), -np.expm1(-(1.0 / lam) ** beta)
    logZ = np.log(max(Fh - Fl, 1e-300))
    return np.log(beta / lam) + (beta - 1) * np.log(x / lam) - (x / lam) ** beta - logZ


def trunc_pdf(family, params, x, x_min):
    """Truncated density on [x_min, 1] (0 outside)."""
    _check(family, x_min)
    x = np.asarray(x, dtype=np.float64)
    out = np.zeros_like(x)
    m = (x >= x_min) & (x <= 1)
    out[m] = np.exp(_logpdf(family, params, x[m], x_min))
    return out


def trunc_cdf(family, params, x, x_min):
    """Truncated CDF on [x_min, 1]."""
    _check(family, x_min)
    x = np.clip(np.asarray(x, dtype=np.float64), x_min, 1.0)
    if family == "lognormal":
        mu, s = params["mu"], params["sigma"]
        lo, hi = stats.norm.cdf((np.log(x_min) - mu) / s), stats.norm.cdf(-mu / s)
        return (stats.norm.cdf((np.log(x) - mu) / s) - lo) / (hi - lo)
    lam, beta = params["lam"], params["beta"]
    if family == "weibull":
        F = lambda t: -np.expm1(-(t / lam) ** beta)  # noqa: E731
        return (F(x) - F(x_min)) / (F(1.0) - F(x_min))
    a = 1.0 / beta
    lo, hi, t = (x_min / lam) ** beta, lam ** -beta, (x / lam) ** beta
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
    if family == "lognormal":
        return {"mu": th[0], "sigma": float(np.exp(th[1]))}
    return {"lam": float(np.exp(th[0])), "beta": float(np.exp(th[1]))}


def fit_distribution(x, family, x_min=0.005) -> FitResult:
    """MLE of ``family`` truncated to [x_min, 1] on the values of ``x`` in that range."""
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
                v = (0.5 * (s2 - 2 * mu * s1 + n * mu**2) / sg**2 + n * (0.5 * np.log(2 * np.pi) + np.log(sg))
                     + s1 + n * logZ)
            elif family in ("stretched", "compressed"):
                lam, beta = prm["lam"], prm["beta"]
                v = np.exp(beta * (lx - np.log(lam))).sum() + n * _kww_logZ(lam, beta, x_min)
            else:
                v = -np.sum(_logpdf(family, prm, x, x_min))
        return float(v) if np.isfinite(v) else 1e300

    if family == "lognormal":
        starts = [(m, np.log(s)) for m in (lx.mean() - 1, lx.mean(), lx.mean() + 1)
                  for s in (0.5 * lx.std(), lx.std(), 2 * lx.std())]
        bounds = [(-30.0, 5.0), (np.log(0.01), np.log(30.0))]
    else:
        bl, bh = _BETA_BOUNDS[family]
        betas = np.exp(np.linspace(np.log(bl) if family != "stretched" else np.log(0.15),
                                   np.log(bh) if family != "compressed" else np.log(4.0), 5)[[0, 2, 4]])
        starts = [(np.log(lam), np.log(b)) for lam in (x.mean() / 3, x.mean(), 3 * x.mean()) for b in betas]
        bounds = [(np.log(1e-8), np.log(1e3)), (np.log(bl), np.log(bh))]
    best = None
    for th0 in starts:
        th0 = np.clip(th0, [b[0] for b in bounds], [b[1] for b in bounds])
        r = optimize.minimize(nll, th0, method="L-BFGS-B", bounds=bounds)
        if best is None or r.fun < best.fun:
            best = r
    params = _unpack(family, best.x)
    ks = stats.kstest(x, lambda t: trunc_cdf(family, params, t, x_min))
    return FitResult(family, params, float(best.fun), float(4 + 2 * best.fun), float(ks.statistic),
                     float(ks.pvalue), int(len(x)))


def normalize_weights(W, mode="layer", x_min=0.005, exclude_rows=None) -> np.ndarray:
    """Weights divided by the layer max (``mode="layer"``) or each row's max ("unit"),
    dead rows (``exclude_rows``: bool mask or indices) removed, only values >= x_min
    kept (zeros from clipping are never fitted). Returns a 1-d float64 array."""
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


def compare_fits(x, x_min=0.005, families=("lognormal", "stretched", "compressed")) -> pd.DataFrame:
    """Fit each family; rows sorted by AIC with dAIC = AIC - min AIC."""
    rows = []
    for f in families:
        r = fit_distribution(x, f, x_min)
        rows.append({"family": f, **r.params, "n": r.n,
                     "nll": r.nll, "aic": r.aic, "ks_d": r.ks_d, "ks_p": r.ks_p})
    df = pd.DataFrame(rows)
    df["d_aic"] = df["aic"] - df["aic"].min()
    return df.sort_values("aic").reset_index(drop=True)


def sample_kww(n, lam, beta, x_min, seed=0) -> np.ndarray:
    """Samples from the truncated KWW density by inverse CDF (x = lam * P^-1(1/beta, u)^(1/beta))."""
    rng = np.random.default_rng(seed)
    a = 1.0 / beta
    lo, hi = special.gammainc(a, (x_min / lam) ** beta), special.gammainc(a, lam ** -beta)
    u = rng.uniform(lo, hi, n)
    return lam * special.gammaincinv(a, u) ** (1.0 / beta)
