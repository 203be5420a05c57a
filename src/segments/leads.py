"""Lead scoring: an L2-regularised logistic regression of first-purchase conversion on behaviour.

The model behind `contact_lead_scores`. Rows are prospects at a cut-off date, the label is "placed a
first completed order within the conversion window after the cut-off", the features are what the
warehouse knew on the cut-off (int_lead_features). This module only does the maths, vectorised
in numpy/scipy (no row loops); the dbt Python model int_lead_fits moves the data, and the scores are
computed in portable SQL from the stored coefficients, so every engine scores with DuckDB's fit.

The design matrix: each numeric feature standardised, (x - center) / scale with the training mean
and population standard deviation (scale 1 when a feature is constant), and one indicator column
per level of each categorical feature seen in training (a level unseen at scoring time contributes
nothing). The objective is scikit-learn's LogisticRegression(penalty='l2', C=c) one:

    0.5 * ||beta||^2 + c * sum_i logloss(y_i, intercept + x_i . beta)

(the intercept is not penalised), minimised by Newton's method with the exact Hessian and a
backtracking (Armijo) line search from a fixed starting point. The objective is strictly convex, so
the minimum is unique; Newton reaches it to machine precision in a dozen steps of one pass over the
rows each (X' W X for p columns costs n p^2), where L-BFGS needed thousands of gradient passes on a
million prospects. The same rows give the same coefficients bit for bit (one BLAS thread).

A row may stand for several prospects with the same features (`prospects`, with `converted` then
counting their conversions): the objective sums each row's log loss times its prospects, so the fit
is that of the prospects one by one, on fewer rows; int_lead_fits groups them so in the warehouse.

When the rows cannot identify a model (no conversion, no non-conversion, or fewer than
MIN_ROWS rows) the fit is the base rate: the intercept log((k + 0.5) / (n - k + 0.5)), every
feature weight 0, status `base_rate`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import linalg, special

MIN_ROWS = 20
DEFAULT_C = 1.0
MAX_NEWTON_STEPS = 100
STEP_TOLERANCE = 1e-10  # converged once the Newton step moves no coefficient by more than this
HESSIAN_BLOCK_ROWS = 65_536

Scaffold = tuple[str, str, str | None, float, float]  # term kind, feature, level, center, scale


@dataclass(frozen=True)
class Term:
    """One coefficient: the intercept, a numeric feature (with its scaling) or a categorical level."""

    term_kind: str  # intercept | numeric | category
    feature: str
    level: str | None
    center: float
    scale: float
    coefficient: float


@dataclass(frozen=True)
class LeadFit:
    terms: tuple[Term, ...]
    sample_size: int
    conversions: int
    log_loss: float  # mean training log loss
    status: str  # converged | base_rate | not_converged
    regularisation_c: float


def fit_lead_model(
    numeric: Mapping[str, Sequence[float]],
    categorical: Mapping[str, Sequence[str | None]],
    converted: Sequence[float],
    c: float = DEFAULT_C,
    prospects: Sequence[float] | None = None,
) -> LeadFit:
    """Fit the model. numeric and categorical map feature names to one value per row.

    By default a row is one prospect and converted says whether it converted. With prospects, a
    row stands for that many prospects with the same features (grouped in SQL: 37 % as many rows
    at 5M contacts, 45 % at 1M) and converted counts how many of them converted; the fit is the
    same as on the rows one by one."""
    conversions = np.asarray(converted, dtype=float)
    counts = np.ones(len(conversions)) if prospects is None else np.asarray(prospects, dtype=float)
    n, k = int(counts.sum()), int(conversions.sum())
    design, scaffold = _design(numeric, categorical, counts)
    if n < MIN_ROWS or k == 0 or k == n:
        intercept = float(np.log((k + 0.5) / (n - k + 0.5)))
        return _result(scaffold, intercept, np.zeros(design.shape[1]), conversions, counts, design, "base_rate", c)
    start = np.zeros(design.shape[1] + 1)
    start[0] = np.log(k / (n - k))
    theta, converged = _newton(start, design, conversions, counts, c)
    status = "converged" if converged else "not_converged"
    return _result(scaffold, float(theta[0]), theta[1:], conversions, counts, design, status, c)


def score(terms: Sequence[Term], numeric: Mapping[str, Sequence[float]],
          categorical: Mapping[str, Sequence[str | None]]) -> NDArray[np.float64]:
    """Conversion probabilities of rows from stored terms: the reference for the SQL scoring."""
    n = len(next(iter(numeric.values()))) if numeric else len(next(iter(categorical.values())))
    z = np.zeros(n)
    for term in terms:
        if term.term_kind == "intercept":
            z += term.coefficient
        elif term.term_kind == "numeric":
            z += (np.asarray(numeric[term.feature], dtype=float) - term.center) / term.scale * term.coefficient
        else:
            z += (np.asarray(categorical[term.feature], dtype=object) == term.level) * term.coefficient
    return special.expit(z)


def log_loss(y: NDArray[np.float64], p: NDArray[np.float64], counts: NDArray[np.float64]) -> float:
    """Mean log loss over the prospects: y of a row's counts prospects converted."""
    p = np.clip(p, 1e-15, 1 - 1e-15)
    return float(-np.sum(y * np.log(p) + (counts - y) * np.log1p(-p)) / np.sum(counts))


def _design(numeric: Mapping[str, Sequence[float]], categorical: Mapping[str, Sequence[str | None]],
            counts: NDArray[np.float64]) -> tuple[NDArray[np.float64], list[Scaffold]]:
    """The standardised design matrix, filled column by column in place (one n x p array: at
    2.5M rows a list of columns stacked afterwards would hold it twice). Centre and scale are the
    mean and population standard deviation over the prospects (each row counts counts times)."""
    n = len(counts)
    total = float(counts.sum())
    levels = {name: sorted({v for v in categorical[name] if v is not None}) for name in sorted(categorical)}
    design = np.empty((n, len(numeric) + sum(len(found) for found in levels.values())))
    scaffold = []
    for name in sorted(numeric):
        values = np.asarray(numeric[name], dtype=float)
        center = float(np.sum(values * counts) / total) if n else 0.0
        spread = float(np.sqrt(np.sum(np.square(values - center) * counts) / total)) if n else 0.0
        scale = spread if spread > 0 else 1.0
        np.divide(values - center, scale, out=design[:, len(scaffold)])
        scaffold.append(("numeric", name, None, center, scale))
    for name, found in levels.items():
        values = np.asarray(categorical[name], dtype=object)
        for level in found:
            design[:, len(scaffold)] = values == level
            scaffold.append(("category", name, level, 0.0, 1.0))
    return design, scaffold


def _newton(theta: NDArray[np.float64], design: NDArray[np.float64], y: NDArray[np.float64],
            counts: NDArray[np.float64], c: float) -> tuple[NDArray[np.float64], bool]:
    """Damped Newton on the objective; theta is (intercept, beta); y converted of counts per row."""
    value, z = _objective(theta, design, y, counts, c)
    for _ in range(MAX_NEWTON_STEPS):
        p = special.expit(z)
        residual = counts * p - y
        gradient = np.concatenate(([c * residual.sum()], theta[1:] + c * (design.T @ residual)))
        step = _solve(_hessian(design, c * counts * p * (1.0 - p)), gradient)
        if np.max(np.abs(step)) <= STEP_TOLERANCE:  # at the minimum to machine precision
            return theta - step, True
        slope, length = float(gradient @ step), 1.0
        while True:  # backtracking: the first step length that lowers the objective enough
            candidate = theta - length * step
            candidate_value, candidate_z = _objective(candidate, design, y, counts, c)
            if candidate_value <= value - 1e-4 * length * slope:
                break
            length /= 2.0
            if length < 1e-10:  # no step lowers it beyond rounding: as close as floats get
                return theta, bool(np.max(np.abs(step)) <= np.sqrt(STEP_TOLERANCE))
        theta, value, z = candidate, candidate_value, candidate_z
    return theta, False


def _hessian(design: NDArray[np.float64], weights: NDArray[np.float64]) -> NDArray[np.float64]:
    """[1 X]' diag(weights) [1 X] plus the penalty, by blocks of rows (bounded memory)."""
    size = design.shape[1] + 1
    hessian = np.zeros((size, size))
    for first in range(0, len(weights), HESSIAN_BLOCK_ROWS):
        rows = slice(first, first + HESSIAN_BLOCK_ROWS)
        block = np.column_stack((np.ones(len(weights[rows])), design[rows]))
        hessian += block.T @ (block * weights[rows, None])
    hessian[1:, 1:] += np.eye(size - 1)  # the penalty; the intercept is not penalised
    return hessian


def _objective(theta: NDArray[np.float64], design: NDArray[np.float64], y: NDArray[np.float64],
               counts: NDArray[np.float64], c: float) -> tuple[float, NDArray[np.float64]]:
    z = theta[0] + design @ theta[1:]
    # logloss of a row = counts log(1 + e^z) - y z (y of its counts prospects converted), without overflow
    value = 0.5 * theta[1:] @ theta[1:] + c * float(np.sum(counts * np.logaddexp(0.0, z) - y * z))
    return float(value), z


def _solve(hessian: NDArray[np.float64], gradient: NDArray[np.float64]) -> NDArray[np.float64]:
    """The Newton step. The Hessian is positive definite (the penalty makes every feature's block
    definite, and both classes are present); a Hessian made singular by saturated rows falls back
    to least squares."""
    try:
        return linalg.solve(hessian, gradient, assume_a="pos")
    except (linalg.LinAlgError, ValueError):
        return np.linalg.lstsq(hessian, gradient, rcond=None)[0]


def _result(scaffold, intercept: float, beta: NDArray[np.float64], y: NDArray[np.float64],
            counts: NDArray[np.float64], design: NDArray[np.float64], status: str, c: float) -> LeadFit:
    terms = [Term("intercept", "intercept", None, 0.0, 1.0, intercept)]
    terms += [Term(kind, name, level, center, scale, float(weight))
              for (kind, name, level, center, scale), weight in zip(scaffold, beta, strict=True)]
    p = special.expit(intercept + design @ beta) if len(y) else np.zeros(0)
    return LeadFit(terms=tuple(terms), sample_size=int(counts.sum()), conversions=int(y.sum()),
                   log_loss=log_loss(y, p, counts) if len(y) else float("nan"), status=status,
                   regularisation_c=c)
