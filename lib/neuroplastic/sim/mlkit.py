"""Small numpy kernels for the data-generation and classification examples.

* :func:`gauss_2d` draws n points from N(mu, Sigma) in 2-D (Sigma = [[s11, s12], [s12, s22]]);
  a non-PSD Sigma (|s12| > sqrt(s11 s22)) raises ValueError.
* Classifiers on 2 classes (labels 0/1): k-nearest neighbours (majority of the K nearest, ties to
  the nearer class), nearest class mean, Gaussian QDA (class-conditional Gaussians with ML
  covariances + 1e-6 I, priors by class frequency). ``posterior`` returns P(class 1 | x).
* :func:`cv_error`: S-fold cross-validated error with a seeded permutation.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["gauss_2d", "CLASSIFIERS", "fit_predict", "posterior", "cv_error", "sample_stats"]

CLASSIFIERS = ("k-NN", "nearest class mean", "Gaussian QDA")


def gauss_2d(
    n: int,
    mu1: float,
    mu2: float,
    s11: float,
    s22: float,
    s12: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """n samples from N((mu1, mu2), [[s11, s12], [s12, s22]]): x = mu + A z, A A^T = Sigma.

    Parameters
    ----------
    n : int
        Number of samples >= 0.
    mu1, mu2 : float
        Mean.
    s11, s22, s12 : float
        Variances (>= 0) and covariance, |s12| <= sqrt(s11 s22).
    rng : numpy.random.Generator
        Source of z ~ N(0, I).

    Returns
    -------
    numpy.ndarray
        float64[n, 2].

    Raises
    ------
    ValueError
        If ``n`` is invalid or Sigma is not positive semi-definite.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"n must be an int >= 0, got {n!r}")
    if s11 < 0 or s22 < 0:
        raise ValueError(f"variances must be >= 0, got Sigma_11={s11}, Sigma_22={s22}")
    if abs(s12) > math.sqrt(s11 * s22) + 1e-12:
        raise ValueError(
            f"|Sigma_12| must be <= sqrt(Sigma_11 Sigma_22) = {math.sqrt(s11 * s22):.3g}, "
            f"got Sigma_12={s12}"
        )
    cov = np.array([[s11, s12], [s12, s22]], dtype=np.float64)
    w, V = np.linalg.eigh(cov)
    A = V * np.sqrt(np.clip(w, 0, None))
    z = rng.standard_normal((int(n), 2))
    return np.array([mu1, mu2]) + z @ A.T


def sample_stats(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sample mean and covariance (ddof=1) of 2-D points.

    Parameters
    ----------
    X : numpy.ndarray
        Points [n, 2].

    Returns
    -------
    mean : numpy.ndarray
        [2]; NaN for fewer than 2 points.
    cov : numpy.ndarray
        [2, 2]; NaN for fewer than 2 points.
    """
    if len(X) < 2:
        return np.full(2, np.nan), np.full((2, 2), np.nan)
    return X.mean(0), np.cov(X.T)


def _check(X, y):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) != len(y):
        raise ValueError(f"X must be float[n, 2] with n labels, got X{X.shape}, y{y.shape}")
    return X, y.astype(np.int64)


def posterior(method: str, X: ArrayLike, y: ArrayLike, Q: ArrayLike, K: int = 1) -> np.ndarray:
    """P(class 1 | q) for each query row of ``Q`` under classifier ``method`` fit on (X, y).

    k-NN: the share of class 1 among the K nearest (ties nudged towards the nearest neighbour's
    class); nearest class mean: 1, 0 or 0.5 (equal distance); Gaussian QDA:
    1/(1 + exp(log p_0(q) - log p_1(q))) with log p_c = log N(q; mu_c, S_c + 1e-6 I) + log prior_c.
    With no training points every posterior is 0.5.

    Parameters
    ----------
    method : str
        One of ``CLASSIFIERS``.
    X : array-like
        Training points float[n, 2].
    y : array-like
        Labels 0/1, length n.
    Q : array-like
        Query points [m, 2] (or one point).
    K : int
        Neighbours >= 1 (k-NN only).

    Returns
    -------
    numpy.ndarray
        Probabilities in [0, 1], one per query.

    Raises
    ------
    ValueError
        If ``method``, ``K`` or the shapes are invalid.
    """
    X, y = _check(X, y)
    Q = np.atleast_2d(np.asarray(Q, dtype=np.float64))
    if method not in CLASSIFIERS:
        raise ValueError(f"method must be one of {CLASSIFIERS}, got {method!r}")
    if len(X) == 0:
        return np.full(len(Q), 0.5)
    if method == "k-NN":
        if isinstance(K, bool) or not isinstance(K, (int, np.integer)) or K < 1:
            raise ValueError(f"K must be an int >= 1, got {K!r}")
        k = min(int(K), len(X))
        d2 = ((Q[:, None, :] - X[None, :, :]) ** 2).sum(-1)
        idx = np.argpartition(d2, k - 1, axis=1)[:, :k] if k < len(X) else np.argsort(d2, axis=1)
        p1 = y[idx].mean(1)
        # ties broken towards the class of the nearest neighbour
        nn = y[np.argmin(d2, axis=1)]
        return np.where(p1 == 0.5, 0.5 + 1e-9 * (2 * nn - 1), p1)
    classes = [X[y == c] for c in (0, 1)]
    if method == "nearest class mean":
        d = np.stack([((Q - (c.mean(0) if len(c) else np.inf)) ** 2).sum(1) for c in classes], 1)
        d = np.nan_to_num(d, nan=np.inf)
        return (d[:, 1] < d[:, 0]).astype(np.float64) + 0.5 * (d[:, 1] == d[:, 0])
    logp = []
    for c in classes:
        if len(c) < 2:
            logp.append(np.full(len(Q), -np.inf))
            continue
        mu, S = c.mean(0), np.cov(c.T, bias=True) + 1e-6 * np.eye(2)
        Si = np.linalg.inv(S)
        dq = Q - mu
        logp.append(
            -0.5 * np.einsum("ni,ij,nj->n", dq, Si, dq)
            - 0.5 * np.log(np.linalg.det(S))
            + math.log(len(c) / len(X))
        )
    l0, l1 = logp
    with np.errstate(invalid="ignore", over="ignore"):
        p = 1.0 / (1.0 + np.exp(np.clip(l0 - l1, -700, 700)))
    return np.nan_to_num(p, nan=0.5)


def fit_predict(method: str, X: ArrayLike, y: ArrayLike, Q: ArrayLike, K: int = 1) -> np.ndarray:
    """Predicted labels (0/1) for the queries: 1 where :func:`posterior` > 0.5.

    Parameters
    ----------
    method : str
        One of ``CLASSIFIERS``.
    X : array-like
        Training points float[n, 2].
    y : array-like
        Labels 0/1, length n.
    Q : array-like
        Query points [m, 2] (or one point).
    K : int
        Neighbours >= 1 (k-NN only).

    Returns
    -------
    numpy.ndarray
        int64 labels, one per query.
    """
    return (posterior(method, X, y, Q, K) > 0.5).astype(np.int64)


def cv_error(
    method: str, X: ArrayLike, y: ArrayLike, *, K: int = 1, S: int = 5, seed: int = 0
) -> float:
    """S-fold cross-validated error rate, folds from a seeded permutation.

    error = (number misclassified over all held-out folds) / n.

    Parameters
    ----------
    method : str
        One of ``CLASSIFIERS``.
    X : array-like
        Points float[n, 2].
    y : array-like
        Labels 0/1.
    K : int
        Neighbours (k-NN).
    S : int
        Number of folds >= 2.
    seed : int
        Seed of the permutation.

    Returns
    -------
    float
        Error rate in [0, 1] (fraction of points); NaN when n < S.

    Raises
    ------
    ValueError
        If ``S`` < 2 or the shapes are invalid.
    """
    X, y = _check(X, y)
    if isinstance(S, bool) or not isinstance(S, (int, np.integer)) or S < 2:
        raise ValueError(f"S (folds) must be an int >= 2, got {S!r}")
    n = len(X)
    if n < S:
        return float("nan")
    perm = np.random.default_rng(seed).permutation(n)
    folds = np.array_split(perm, S)
    wrong = 0
    for f in folds:
        mask = np.ones(n, bool)
        mask[f] = False
        wrong += int((fit_predict(method, X[mask], y[mask], X[f], K) != y[f]).sum())
    return wrong / n
