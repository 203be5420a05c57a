"""Probabilistic customer-base models: BG/NBD purchase counts and Gamma-Gamma spend.

The maths of two classic "buy till you die" models, as reference implementations in numpy/scipy
(vectorised over customers, no row loops). The time unit is the day throughout.

BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way: an alternative to the
Pareto/NBD model", Marketing Science 24(2)). Per customer:

* ``x``   -- repeat purchases: distinct purchase dates - 1;
* ``t_x`` -- days from the first to the last purchase date (0 when x = 0);
* ``T``   -- days from the first purchase date to the as-of date (0 for a customer whose first
  purchase is on the as-of date).

While alive, a customer buys as a Poisson process with rate lambda ~ Gamma(r, rate alpha); after
each repeat purchase they drop out for good with probability p ~ Beta(a, b). r, alpha, a, b > 0;
alpha is in days.

Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves for customer base
analysis", Journal of Marketing Research 42(4)). Per repeat customer: ``x`` > 0 repeat purchases
and ``m`` the mean value of those repeat purchases. Each transaction value is Gamma(p, rate nu)
with nu ~ Gamma(q, rate gamma) across customers. p, q, gamma > 0; gamma is in currency units.

The scoring functions (`p_alive`, `expected_purchases`, `p_no_purchase`, `expected_order_value`,
`clv`) are written straight from the papers' closed forms; the SQL implementation of the same
scores is tested against them.

Fitting is maximum likelihood (`scipy.optimize.minimize`, L-BFGS-B with analytic gradients) on the
logarithms of the parameters, from a fixed, data-based starting point, so the same input gives the
same fit bit for bit. Input rows are first collapsed to their distinct values with summed weights,
so passing one row per customer or the distinct rows with their counts gives the identical fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special

__all__ = [
    "BgNbdFit",
    "GammaGammaFit",
    "bgnbd_log_likelihood",
    "clv",
    "expected_order_value",
    "expected_purchases",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "gamma_gamma_log_likelihood",
    "p_alive",
    "p_no_purchase",
    "simulate_bgnbd",
    "simulate_gamma_gamma",
]

# The optimiser works on theta = log(parameter / scale): scale 1 for the shape parameters (r, a, b,
# p, q) and a data-based scale for the two scale parameters (alpha in days, gamma in money). Each
# theta is bounded to +-LOG_BOUND, i.e. a parameter lies within a factor of 1e6 of its scale: wide
# enough for any realistic customer base, narrow enough that exp() never overflows, no parameter
# reaches 0 (so no log(0)) and gammaln() keeps its precision.
LOG_BOUND = float(np.log(1e6))
# The BG/NBD limit a, b -> infinity with a / (a + b) = p fixed (every customer drops out with the
# same probability p) is written as a = p HOMOGENEOUS_DROPOUT_SCALE, b = (1 - p) HOMOGENEOUS_DROPOUT_SCALE;
# the scoring (here and in SQL, macro bgnbd_is_homogeneous_dropout) reads a + b >= this value less 1
# (a and b are rounded) as that limit.
HOMOGENEOUS_DROPOUT_SCALE = 1e6
# A BG/NBD fit whose log-likelihood is not above the homogeneous-dropout limit's by more than this
# has its supremum at a, b -> infinity: the data do not identify any dropout heterogeneity.
_LIMIT_TOLERANCE = 1e-2
# A fitted theta closer than this to a bound counts as "on the bound" (see `converged`).
_ON_BOUND = 1e-6
# A fit whose mean-log-likelihood gradient (per unit of weight, w.r.t. theta) is below this is a
# stationary point even if the line search stopped on rounding noise first.
_GRADIENT_TOLERANCE = 1e-5
_OPTIONS = {"maxiter": 2000, "maxfun": 4000, "ftol": 1e-15, "gtol": 1e-10, "maxcor": 20}


@dataclass(frozen=True)
class BgNbdFit:
    """A fitted BG/NBD model (alpha in days).

    ``log_likelihood`` is the total (weighted) log-likelihood at the fitted parameters and
    ``sample_size`` the total weight (the number of customers). ``converged`` is True when the
    optimiser reached a stationary point with no parameter on its bound (a parameter on a bound
    means the likelihood keeps rising towards 0 or infinity, e.g. a, b -> infinity when nobody
    seems to drop out; the numbers are then a boundary value, not an interior maximum).
    ``iterations`` is the optimiser's iteration count. ``status`` says which: `converged`,
    `homogeneous_dropout` (the likelihood is highest in the limit a, b -> infinity, where every
    customer drops out with the same probability p: the fit is that limit's, written as
    a + b = HOMOGENEOUS_DROPOUT_SCALE, and ``converged`` is False) or `not_converged`.
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    sample_size: int
    converged: bool
    iterations: int
    status: str = "converged"


@dataclass(frozen=True)
class GammaGammaFit:
    """A fitted Gamma-Gamma spend model (gamma in currency units); fields as in `BgNbdFit`."""

    p: float
    q: float
    gamma: float
    log_likelihood: float
    sample_size: int
    converged: bool
    iterations: int


# --------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------


def _column(values: ArrayLike, name: str) -> NDArray[np.float64]:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} has values that are not numbers (or are missing)") from None
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (one value per row), got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} has missing or infinite values")
    return array + 0.0  # -0.0 -> 0.0, so equal values collapse together


def _columns(names: Sequence[str], values: Sequence[ArrayLike]) -> list[NDArray[np.float64]]:
    arrays = [_column(value, name) for name, value in zip(names, values, strict=True)]
    sizes = {len(array) for array in arrays}
    if len(sizes) != 1:
        raise ValueError(f"{', '.join(names)} must have the same length, got {[len(a) for a in arrays]}")
    if arrays[0].size == 0:
        raise ValueError("no customers: the input is empty")
    for name, array in zip(names, arrays, strict=True):
        if np.any(array < 0):
            raise ValueError(f"{name} has negative values")
    return arrays


def _weights(weights: ArrayLike | None, size: int) -> NDArray[np.float64]:
    if weights is None:
        return np.ones(size)
    array = _column(weights, "weights")
    if array.size != size:
        raise ValueError(f"weights must have one value per row ({size}), got {array.size}")
    if np.any(array <= 0) or np.any(array != np.round(array)):
        raise ValueError("weights must be positive whole numbers (counts of identical rows)")
    return array


def _check_counts(x: NDArray[np.float64]) -> None:
    if np.any(x != np.round(x)):
        raise ValueError("x (repeat purchases) must be whole numbers")


def _bgnbd_input(x: ArrayLike, t_x: ArrayLike, T: ArrayLike, weights: ArrayLike | None) -> tuple:
    x, t_x, T = _columns(("x", "t_x", "T"), (x, t_x, T))
    _check_counts(x)
    if np.any(t_x > T):
        raise ValueError("t_x (first to last purchase) is greater than T (first purchase to as-of date)")
    return x, t_x, T, _weights(weights, x.size)


def _gamma_gamma_input(x: ArrayLike, m: ArrayLike, weights: ArrayLike | None) -> tuple:
    x, m = _columns(("x", "m"), (x, m))
    _check_counts(x)
    if np.any(x <= 0):
        raise ValueError("x must be > 0: the Gamma-Gamma model takes repeat customers only")
    if np.any(m <= 0):
        raise ValueError("m (mean repeat-purchase value) must be > 0")
    return x, m, _weights(weights, x.size)


def _positive_params(params: Sequence[float], names: Sequence[str]) -> list[float]:
    values = [float(value) for value in params]
    if len(values) != len(names):
        raise ValueError(f"expected {len(names)} parameters ({', '.join(names)}), got {len(values)}")
    if not all(np.isfinite(value) and value > 0 for value in values):
        raise ValueError(f"parameters {', '.join(names)} must be positive and finite, got {values}")
    return values


def _collapse(columns: Sequence[NDArray[np.float64]], weights: NDArray[np.float64]) -> tuple:
    """The distinct rows of ``columns`` (sorted) and the summed weight of each."""
    stacked = np.column_stack(columns)
    distinct, inverse = np.unique(stacked, axis=0, return_inverse=True)
    counts = np.bincount(inverse.reshape(-1), weights=weights, minlength=distinct.shape[0])
    return [np.ascontiguousarray(distinct[:, k]) for k in range(distinct.shape[1])], counts


# --------------------------------------------------------------------------------------------
# BG/NBD likelihood
# --------------------------------------------------------------------------------------------


def _bgnbd_rows(r: float, alpha: float, a: float, b: float, x, t_x, T, gradient: bool = False):
    """Per-row log-likelihood (and, if asked, its gradient w.r.t. r, alpha, a, b).

    ln L = ln A1 + ln A2 + logaddexp(ln A3, ln A4 [x > 0]) with
    A1 = Gamma(r+x) alpha^r / Gamma(r),  A2 = B(a, b+x) / B(a, b),
    A3 = (alpha+T)^-(r+x),               A4 = a / (b+x-1) (alpha+t_x)^-(r+x).
    The terms depending on x only are evaluated once per distinct x.
    """
    xs, at = np.unique(x, return_inverse=True)
    at = at.reshape(-1)
    x_part = (special.gammaln(r + xs) - special.gammaln(r) + r * np.log(alpha)
              + special.gammaln(a + b) + special.gammaln(b + xs) - special.gammaln(b)
              - special.gammaln(a + b + xs))[at]
    repeat = x > 0
    b_x_1 = np.where(repeat, b + x - 1.0, 1.0)
    log_T = np.log(alpha + T)
    log_t_x = np.log(alpha + t_x)
    r_x = r + x
    ln_a3 = -r_x * log_T
    ln_a4 = np.where(repeat, np.log(a) - np.log(b_x_1) - r_x * log_t_x, -np.inf)
    tail = np.logaddexp(ln_a3, ln_a4)
    rows = x_part + tail
    if not gradient:
        return rows
    share_3 = np.exp(ln_a3 - tail)
    share_4 = np.exp(ln_a4 - tail)  # 0 where x == 0
    psi_ab, psi_b = special.digamma(a + b), special.digamma(b)
    d_r = (special.digamma(r + xs) - special.digamma(r) + np.log(alpha))[at] - share_3 * log_T - share_4 * log_t_x
    d_alpha = r / alpha - r_x * (share_3 / (alpha + T) + share_4 / (alpha + t_x))
    psi_abx = special.digamma(a + b + xs)
    d_a = (psi_ab - psi_abx)[at] + share_4 / a
    d_b = (psi_ab - psi_b + special.digamma(b + xs) - psi_abx)[at] - share_4 / b_x_1
    return rows, (d_r, d_alpha, d_a, d_b)


def _bgnbd_limit_rows(r: float, alpha: float, odds: float, x, t_x, T, gradient: bool = False):
    """`_bgnbd_rows` in the limit a, b -> infinity with a / (a + b) = p, odds = p / (1 - p).

    ln A2 -> -x ln(1 + odds) and a / (b + x - 1) -> odds: the BG/NBD with one dropout probability.
    """
    xs, at = np.unique(x, return_inverse=True)
    at = at.reshape(-1)
    x_part = (special.gammaln(r + xs) - special.gammaln(r) + r * np.log(alpha) - xs * np.log1p(odds))[at]
    repeat = x > 0
    log_T = np.log(alpha + T)
    log_t_x = np.log(alpha + t_x)
    r_x = r + x
    ln_a3 = -r_x * log_T
    ln_a4 = np.where(repeat, np.log(odds) - r_x * log_t_x, -np.inf)
    tail = np.logaddexp(ln_a3, ln_a4)
    rows = x_part + tail
    if not gradient:
        return rows
    share_3 = np.exp(ln_a3 - tail)
    share_4 = np.exp(ln_a4 - tail)
    d_r = (special.digamma(r + xs) - special.digamma(r) + np.log(alpha))[at] - share_3 * log_T - share_4 * log_t_x
    d_alpha = r / alpha - r_x * (share_3 / (alpha + T) + share_4 / (alpha + t_x))
    d_odds = -x / (1.0 + odds) + share_4 / odds
    return rows, (d_r, d_alpha, d_odds)


def bgnbd_log_likelihood(params: Sequence[float], x: ArrayLike, t_x: ArrayLike, T: ArrayLike,
                         weights: ArrayLike | None = None) -> float:
    """Total BG/NBD log-likelihood of ``params = (r, alpha, a, b)`` (alpha in days).

    ``weights`` (optional positive whole numbers) counts identical rows: the distinct (x, t_x, T)
    combinations with their counts give the same total as one row per customer. The numerically
    stable form of `lifetimes` is used: ln A1 + ln A2 + logaddexp(ln A3, ln A4 when x > 0).
    """
    r, alpha, a, b = _positive_params(params, ("r", "alpha", "a", "b"))
    x, t_x, T, w = _bgnbd_input(x, t_x, T, weights)
    return float(np.dot(w, _bgnbd_rows(r, alpha, a, b, x, t_x, T)))


# --------------------------------------------------------------------------------------------
# Gamma-Gamma likelihood
# --------------------------------------------------------------------------------------------


def _gamma_gamma_rows(p: float, q: float, gamma: float, x, m, gradient: bool = False):
    """Per-row log density of the mean spend m given x (and its gradient w.r.t. p, q, gamma).

    f(m | x) = Gamma(px+q) / (Gamma(px) Gamma(q)) gamma^q m^(px-1) x^(px) / (gamma + m x)^(px+q).
    """
    xs, at = np.unique(x, return_inverse=True)
    at = at.reshape(-1)
    px_q, px = p * xs + q, p * xs
    x_part = (special.gammaln(px_q) - special.gammaln(px) - special.gammaln(q) + q * np.log(gamma)
              + px * np.log(xs))[at]
    log_m = np.log(m)
    log_mx_gamma = np.log(m * x + gamma)
    rows = x_part + (p * x - 1.0) * log_m - (p * x + q) * log_mx_gamma
    if not gradient:
        return rows
    psi_px_q = special.digamma(px_q)
    d_p = (xs * (psi_px_q - special.digamma(px) + np.log(xs)))[at] + x * (log_m - log_mx_gamma)
    d_q = (psi_px_q - special.digamma(q) + np.log(gamma))[at] - log_mx_gamma
    d_gamma = q / gamma - (p * x + q) / (m * x + gamma)
    return rows, (d_p, d_q, d_gamma)


def gamma_gamma_log_likelihood(params: Sequence[float], x: ArrayLike, m: ArrayLike,
                               weights: ArrayLike | None = None) -> float:
    """Total Gamma-Gamma log-likelihood of ``params = (p, q, gamma)`` for repeat customers.

    ``x`` > 0 repeat purchases, ``m`` > 0 their mean value; ``weights`` counts identical rows.
    """
    p, q, gamma = _positive_params(params, ("p", "q", "gamma"))
    x, m, w = _gamma_gamma_input(x, m, weights)
    return float(np.dot(w, _gamma_gamma_rows(p, q, gamma, x, m)))


# --------------------------------------------------------------------------------------------
# Fitting
# --------------------------------------------------------------------------------------------


def _maximise(rows, columns, w: NDArray[np.float64], scales: NDArray[np.float64], start: NDArray[np.float64]):
    """Maximise sum(w * rows(params)) over theta = log(params / scales) within +-LOG_BOUND.

    The objective is the mean negative log-likelihood per unit of weight, so that the optimiser's
    tolerances do not depend on the sample size. Returns (params, scipy result, converged).
    """
    total = float(w.sum())

    def objective(theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        params = np.exp(theta) * scales
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            values, grads = rows(*params, *columns, gradient=True)
            value = -float(np.dot(w, values)) / total
            grad = -np.array([np.dot(w, g) for g in grads]) * params / total
        if not (np.isfinite(value) and np.all(np.isfinite(grad))):
            return np.inf, np.zeros_like(theta)  # the line search backs off
        return value, grad

    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(start)
    result = optimize.minimize(objective, start, jac=True, method="L-BFGS-B", bounds=bounds, options=_OPTIONS)
    theta = np.asarray(result.x, dtype=np.float64)
    value, grad = objective(theta)
    on_bound = bool(np.any(np.abs(theta) >= LOG_BOUND - _ON_BOUND))
    stationary = bool(result.success) or bool(np.max(np.abs(grad)) < _GRADIENT_TOLERANCE)
    converged = np.isfinite(value) and stationary and not on_bound
    return np.exp(theta) * scales, result, bool(converged)


def fit_bgnbd(x: ArrayLike, t_x: ArrayLike, T: ArrayLike, weights: ArrayLike | None = None) -> BgNbdFit:
    """Maximum-likelihood BG/NBD fit (alpha in days).

    ``x`` repeat purchases, ``t_x`` days first to last purchase, ``T`` days first purchase to the
    as-of date; ``weights`` (optional positive whole numbers) counts identical rows, so the distinct
    (x, t_x, T) combinations with their counts may be passed instead of one row per customer (the
    fit is the same: rows are collapsed to their distinct values either way). Customers with T = 0
    are allowed (they contribute 0 to the log-likelihood).

    Starting point (fixed, data-based): r = a = b = 1 and alpha = sum(w T) / sum(w x), which
    matches the mean purchase rate r / alpha to the observed repeat purchases per day of exposure.
    alpha is optimised relative to that value and all parameters within a factor 1e6 of their
    start (see `LOG_BOUND`).

    The likelihood is often flat along a, b -> infinity with a / (a + b) fixed: when the data show
    no sign that dropout probabilities differ between customers, its supremum lies there and the
    optimiser stops anywhere on that ridge (a = 17,000 or 90,000, b near the bound). So the
    homogeneous-dropout limit (r, alpha, p) is fitted too; when the full fit does not beat it by
    more than _LIMIT_TOLERANCE, the limit is returned (status `homogeneous_dropout`, see `BgNbdFit`).

    Raises ValueError when the input is empty, has missing, infinite or negative values or
    fractional x, has t_x > T, or when no customer has x > 0 (the model is then not identified).
    """
    x, t_x, T, w = _bgnbd_input(x, t_x, T, weights)
    if not np.any(x > 0):
        raise ValueError("no customer has a repeat purchase (x > 0): the BG/NBD model cannot be fitted")
    (x, t_x, T), w = _collapse((x, t_x, T), w)
    alpha_scale = float(np.dot(w, T) / np.dot(w, x))
    scales = np.array([1.0, alpha_scale, 1.0, 1.0])
    params, result, converged = _maximise(_bgnbd_rows, (x, t_x, T), w, scales, np.zeros(4))
    r, alpha, a, b = (float(value) for value in params)
    log_likelihood = float(np.dot(w, _bgnbd_rows(r, alpha, a, b, x, t_x, T)))
    limit, limit_result, limit_converged = _maximise(_bgnbd_limit_rows, (x, t_x, T), w, scales[:3], np.zeros(3))
    limit_log_likelihood = float(np.dot(w, _bgnbd_limit_rows(*limit, x, t_x, T)))
    if limit_converged and limit_log_likelihood >= log_likelihood - _LIMIT_TOLERANCE:
        r, alpha, odds = (float(value) for value in limit)
        return BgNbdFit(
            r=r, alpha=alpha,
            a=HOMOGENEOUS_DROPOUT_SCALE * odds / (1.0 + odds), b=HOMOGENEOUS_DROPOUT_SCALE / (1.0 + odds),
            log_likelihood=limit_log_likelihood,
            sample_size=int(round(float(w.sum()))),
            converged=False,
            iterations=int(limit_result.nit),
            status="homogeneous_dropout",
        )
    return BgNbdFit(
        r=r, alpha=alpha, a=a, b=b,
        log_likelihood=log_likelihood,
        sample_size=int(round(float(w.sum()))),
        converged=converged,
        iterations=int(result.nit),
        status="converged" if converged else "not_converged",
    )


def fit_gamma_gamma(x: ArrayLike, m: ArrayLike, weights: ArrayLike | None = None) -> GammaGammaFit:
    """Maximum-likelihood Gamma-Gamma fit on repeat customers (gamma in the currency of ``m``).

    ``x`` > 0 repeat purchases and ``m`` > 0 their mean value (the caller filters out one-time
    buyers and non-positive means); ``weights`` counts identical rows as in `fit_bgnbd`.

    Starting point (fixed, data-based): p = q = 1 and gamma = sum(w m) / sum(w), the mean spend;
    gamma is optimised relative to that value, all parameters within a factor 1e6 of their start.

    Raises ValueError when the input is empty, has missing, infinite or negative values,
    fractional x, or rows with x <= 0 or m <= 0.
    """
    x, m, w = _gamma_gamma_input(x, m, weights)
    (x, m), w = _collapse((x, m), w)
    scales = np.array([1.0, 1.0, float(np.dot(w, m) / w.sum())])
    params, result, converged = _maximise(_gamma_gamma_rows, (x, m), w, scales, np.zeros(3))
    p, q, gamma = (float(value) for value in params)
    return GammaGammaFit(
        p=p, q=q, gamma=gamma,
        log_likelihood=float(np.dot(w, _gamma_gamma_rows(p, q, gamma, x, m))),
        sample_size=int(round(float(w.sum()))),
        converged=converged,
        iterations=int(result.nit),
    )


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


def _arrays(*values: ArrayLike) -> list[NDArray[np.float64]]:
    return list(np.broadcast_arrays(*(np.asarray(value, dtype=np.float64) for value in values)))


def _dropout_odds(fit: BgNbdFit, x, t_x, T):
    """[x > 0] a / (b+x-1) ((alpha+T) / (alpha+t_x))^(r+x): P(dead) / P(alive) given the history."""
    repeat = x > 0
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        odds = fit.a / (fit.b + x - 1.0) * ((fit.alpha + T) / (fit.alpha + t_x)) ** (fit.r + x)
    return np.where(repeat, odds, 0.0)


def p_alive(fit: BgNbdFit, x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> NDArray[np.float64]:
    """P(alive at the as-of date | x, t_x, T) = 1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)).

    Under BG/NBD a customer can only drop out right after a repeat purchase, so one-time buyers
    (x = 0) are alive with probability 1. Vectorised (inputs broadcast against each other).
    """
    x, t_x, T = _arrays(x, t_x, T)
    return 1.0 / (1.0 + _dropout_odds(fit, x, t_x, T))


def expected_purchases(fit: BgNbdFit, t: ArrayLike, x: ArrayLike, t_x: ArrayLike,
                       T: ArrayLike) -> NDArray[np.float64]:
    """E[purchases in the next t days | x, t_x, T] (Fader, Hardie & Lee 2005, eq. 10).

        (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
        / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))

    The closed form divides by a - 1. Its derivation splits the expectation into two integrals over
    p that each diverge when a <= 1, but the expectation itself is finite for every a > 0 and the
    expression holds by analytic continuation: for a < 1 it agrees with a direct quadrature of the
    model to about 1e-9 (tests/python/test_predict.py), and fitted a is often below 1 on real data.
    At exactly a = 1 it is a removable 0/0: nan here, NULL in SQL. Returns 0 for t = 0.
    Parameters with a + b >= HOMOGENEOUS_DROPOUT_SCALE - 1 stand for the limit a, b -> infinity with
    p = a / (a + b), scored as in SQL by that limit's closed form
    (1 / p) [1 - ((alpha+T)/(alpha+T+p t))^(r+x)] / (1 + odds).
    Vectorised (inputs broadcast against each other).
    """
    t, x, t_x, T = _arrays(t, x, t_x, T)
    if fit.a + fit.b >= HOMOGENEOUS_DROPOUT_SCALE - 1:
        p = fit.a / (fit.a + fit.b)
        quiet = ((fit.alpha + T) / (fit.alpha + T + p * t)) ** (fit.r + x)
        return (1.0 - quiet) / p / (1.0 + _dropout_odds(fit, x, t_x, T))
    if fit.a == 1.0:
        return np.full(np.broadcast(t, x).shape, np.nan)
    r, alpha, a, b = fit.r, fit.alpha, fit.a, fit.b
    horizon = alpha + T + t
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1.0, t / horizon)
    bracket = 1.0 - ((alpha + T) / horizon) ** (r + x) * hyp
    return (a + b + x - 1.0) / (a - 1.0) * bracket / (1.0 + _dropout_odds(fit, x, t_x, T))


def p_no_purchase(fit: BgNbdFit, t: ArrayLike, x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> NDArray[np.float64]:
    """P(no purchase in the next t days | x, t_x, T) = (1 - P_alive) + P_alive ((alpha+T)/(alpha+T+t))^(r+x).

    Why: a dead customer never buys again. Under BG/NBD a customer can only drop out right after
    a purchase, so a customer alive at the as-of date stays alive until their next purchase, and
    "no purchase in t days" for them is just "no Poisson event in t days", e^(-lambda t). Given the
    history and being alive, lambda ~ Gamma(r+x, rate alpha+T), whose Laplace transform at t is
    ((alpha+T)/(alpha+T+t))^(r+x). For one-time buyers (x = 0) P_alive = 1 and the result is
    ((alpha+T)/(alpha+T+t))^r: a genuine probability, below 1 for t > 0, that grows with T (the
    longer someone has gone without a repeat purchase, the lower their rate is likely to be).
    Equal to 1 at t = 0 and decreasing in t. Vectorised (inputs broadcast against each other).
    """
    t, x, t_x, T = _arrays(t, x, t_x, T)
    alive = 1.0 / (1.0 + _dropout_odds(fit, x, t_x, T))
    quiet_if_alive = ((fit.alpha + T) / (fit.alpha + T + t)) ** (fit.r + x)
    return (1.0 - alive) + alive * quiet_if_alive


def expected_order_value(gg: GammaGammaFit, x: ArrayLike, m: ArrayLike) -> NDArray[np.float64]:
    """E[value of a future transaction | x, m] under Gamma-Gamma.

    For x > 0: (gamma + m x) p / (p x + q - 1), the posterior mean of p / nu (a weighted average of
    the population mean and the customer's own mean m). For x = 0: the population mean
    p gamma / (q - 1), and m is ignored (it may be nan). When q <= 1 the population mean is
    infinite and the function returns nan for every customer. Vectorised.
    """
    x, m = _arrays(x, m)
    p, q, gamma = gg.p, gg.q, gg.gamma
    if not q > 1.0:
        return np.full(x.shape, np.nan)
    repeat = x > 0
    own_mean = np.where(repeat, m, 0.0)
    conditional = (gamma + own_mean * x) * p / (p * x + q - 1.0)
    return np.where(repeat, conditional, p * gamma / (q - 1.0))


def clv(fit: BgNbdFit, gg: GammaGammaFit, x: ArrayLike, t_x: ArrayLike, T: ArrayLike, m: ArrayLike,
        horizon_periods: int, period_days: float, annual_discount_rate: float) -> NDArray[np.float64]:
    """Discounted expected value of a customer's purchases over the next ``horizon_periods`` periods.

        expected_order_value(x, m) * sum_{i=1..H} (E[Y(i P)] - E[Y((i-1) P)]) / (1 + d)^i

    with P = ``period_days``, E[Y(t)] = `expected_purchases` (E[Y(0)] = 0) and the per-period rate
    d = (1 + annual_discount_rate)^(P / 365) - 1: each period's expected purchases are discounted
    to the as-of date from the end of that period. With a zero rate this is
    expected_order_value * expected_purchases(H P). nan when a <= 1 or q <= 1. Vectorised over
    customers (the loop is over the H periods).
    """
    if int(horizon_periods) != horizon_periods or horizon_periods < 1:
        raise ValueError(f"horizon_periods must be a whole number >= 1, got {horizon_periods!r}")
    if not (np.isfinite(period_days) and period_days > 0):
        raise ValueError(f"period_days must be positive, got {period_days!r}")
    if not (np.isfinite(annual_discount_rate) and annual_discount_rate > -1):
        raise ValueError(f"annual_discount_rate must be > -1, got {annual_discount_rate!r}")
    x, t_x, T, m = _arrays(x, t_x, T, m)
    d = (1.0 + annual_discount_rate) ** (period_days / 365.0) - 1.0
    total = np.zeros(x.shape)
    previous = np.zeros(x.shape)
    for i in range(1, int(horizon_periods) + 1):
        current = expected_purchases(fit, i * period_days, x, t_x, T)
        total = total + (current - previous) / (1.0 + d) ** i
        previous = current
    return expected_order_value(gg, x, m) * total


# --------------------------------------------------------------------------------------------
# Simulation
# --------------------------------------------------------------------------------------------


def simulate_bgnbd(n: int, r: float, alpha: float, a: float, b: float, T: ArrayLike,
                   seed: int) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Simulate ``n`` customers from the BG/NBD story; returns arrays (x, t_x, T).

    Each customer makes a first purchase at time 0, draws lambda ~ Gamma(r, rate alpha) and
    p ~ Beta(a, b), then buys as a Poisson process with rate lambda; after each (repeat) purchase
    they drop out for good with probability p. They are observed for ``T`` days after the first
    purchase (a scalar, or one value per customer). x counts the repeat purchases within the
    window, t_x is the time of the last one (0 when x = 0). numpy Generator(PCG64(seed)); the loop
    is over purchase rounds, each vectorised across the customers still buying.
    """
    if int(n) != n or n < 0:
        raise ValueError(f"n must be a whole number >= 0, got {n!r}")
    _positive_params((r, alpha, a, b), ("r", "alpha", "a", "b"))
    n = int(n)
    window = np.broadcast_to(np.asarray(T, dtype=np.float64), (n,)).astype(np.float64)
    if not np.all(np.isfinite(window)) or np.any(window < 0):
        raise ValueError("T must be finite and >= 0")
    rng = np.random.Generator(np.random.PCG64(seed))
    rate = rng.gamma(shape=r, scale=1.0 / alpha, size=n)
    dropout = rng.beta(a, b, size=n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    active = np.arange(n)  # customers alive and still inside their window
    clock = np.zeros(n)
    while active.size:
        with np.errstate(divide="ignore"):  # a rate that underflowed to 0 never buys
            clock = clock + rng.exponential(size=active.size) / rate[active]
        bought = clock <= window[active]
        active, clock = active[bought], clock[bought]
        x[active] += 1.0
        t_x[active] = clock
        stays = rng.random(active.size) >= dropout[active]
        active, clock = active[stays], clock[stays]
    return x, t_x, window


def simulate_gamma_gamma(x: ArrayLike, p: float, q: float, gamma: float, seed: int) -> NDArray[np.float64]:
    """Simulate the mean repeat-purchase value m for each customer, given their repeat purchases x.

    nu ~ Gamma(q, rate gamma) per customer and each of the x transaction values ~ Gamma(p, rate nu);
    m is their mean. The sum of x such values is drawn directly as Gamma(p x, rate nu), which has
    exactly the same distribution. Returns an array aligned with ``x``: nan where x == 0.
    numpy Generator(PCG64(seed)).
    """
    _positive_params((p, q, gamma), ("p", "q", "gamma"))
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    if not np.all(np.isfinite(x)) or np.any(x < 0) or np.any(x != np.round(x)):
        raise ValueError("x must be whole numbers >= 0")
    rng = np.random.Generator(np.random.PCG64(seed))
    nu = rng.gamma(shape=q, scale=1.0 / gamma, size=x.size)
    repeat = x > 0
    total = np.full(x.size, np.nan)
    total[repeat] = rng.gamma(shape=p * x[repeat], scale=1.0 / nu[repeat])
    return total / np.where(repeat, x, 1.0)
