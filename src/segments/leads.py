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
    converted: Sequence[bool],
    c: float = DEFAULT_C,
) -> LeadFit:
    """Fit the model. numeric and categorical map feature names to one value per row."""
    y = np.asarray(converted, dtype=float)
    n, k = len(y), int(y.sum())
    design, scaffold = _design(numeric, categorical, n)
    if n < MIN_ROWS or k == 0 or k == n:
        intercept = float(np.log((k + 0.5) / (n - k + 0.5)))
        return _result(scaffold, intercept, np.zeros(design.shape[1]), y, design, "base_rate", c)
    start = np.zeros(design.shape[1] + 1)
    start[0] = np.log(k / (n - k))
    theta, converged = _newton(start, design, y, c)
    status = "converged" if converged else "not_converged"
    return _result(scaffold, float(theta[0]), theta[1:], y, design, status, c)


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


def log_loss(y: NDArray[np.float64], p: NDArray[np.float64]) -> float:
    p = np.clip(p, 1e-15, 1 - 1e-15)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))


def _design(numeric: Mapping[str, Sequence[float]], categorical: Mapping[str, Sequence[str | None]],
            n: int) -> tuple[NDArray[np.float64], list[tuple[str, str, str | None, float, float]]]:
    """The standardised design matrix, filled column by column in place (one n x p array: at
    2.5M rows a list of columns stacked afterwards would hold it twice)."""
    levels = {name: sorted({v for v in categorical[name] if v is not None}) for name in sorted(categorical)}
    design = np.empty((n, len(numeric) + sum(len(found) for found in levels.values())))
    scaffold = []
    for name in sorted(numeric):
        values = np.asarray(numeric[name], dtype=float)
        center = float(values.mean()) if n else 0.0
        spread = float(values.std()) if n else 0.0
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
            c: float) -> tuple[NDArray[np.float64], bool]:
    """Damped Newton on the objective; theta is (intercept, beta)."""
    value, z = _objective(theta, design, y, c)
    for _ in range(MAX_NEWTON_STEPS):
        p = special.expit(z)
        residual = p - y
        gradient = np.concatenate(([c * residual.sum()], theta[1:] + c * (design.T @ residual)))
        step = _solve(_hessian(design, c * p * (1.0 - p)), gradient)
        if np.max(np.abs(step)) <= STEP_TOLERANCE:  # at the minimum to machine precision
            return theta - step, True
        slope, length = float(gradient @ step), 1.0
        while True:  # backtracking: the first step length that lowers the objective enough
            candidate = theta - length * step
            candidate_value, candidate_z = _objective(candidate, design, y, c)
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
               c: float) -> tuple[float, NDArray[np.float64]]:
    z = theta[0] + design @ theta[1:]
    # logloss(y, z) = log(1 + e^z) - y z, computed without overflow
    value = 0.5 * theta[1:] @ theta[1:] + c * float(np.sum(np.logaddexp(0.0, z) - y * z))
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
            design: NDArray[np.float64], status: str, c: float) -> LeadFit:
    terms = [Term("intercept", "intercept", None, 0.0, 1.0, intercept)]
    terms += [Term(kind, name, level, center, scale, float(weight))
              for (kind, name, level, center, scale), weight in zip(scaffold, beta, strict=True)]
    p = special.expit(intercept + design @ beta) if len(y) else np.zeros(0)
    return LeadFit(terms=tuple(terms), sample_size=len(y), conversions=int(y.sum()),
                   log_loss=log_loss(y, p) if len(y) else float("nan"), status=status, regularisation_c=c)
