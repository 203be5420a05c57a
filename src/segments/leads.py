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

(the intercept is not penalised), minimised by L-BFGS with the analytic gradient from a fixed
starting point: the same rows give the same coefficients bit for bit.

When the rows cannot identify a model (no conversion, no non-conversion, or fewer than
MIN_ROWS rows) the fit is the base rate: the intercept log((k + 0.5) / (n - k + 0.5)), every
feature weight 0, status `base_rate`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, special

MIN_ROWS = 20
DEFAULT_C = 1.0


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
    result = optimize.minimize(_objective, start, args=(design, y, c), jac=True, method="L-BFGS-B",
                               options={"maxiter": 5000, "ftol": 1e-14, "gtol": 1e-9})
    status = "converged" if result.success else "not_converged"
    return _result(scaffold, float(result.x[0]), result.x[1:], y, design, status, c)


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
    columns, scaffold = [], []
    for name in sorted(numeric):
        values = np.asarray(numeric[name], dtype=float)
        center = float(values.mean()) if n else 0.0
        spread = float(values.std()) if n else 0.0
        scale = spread if spread > 0 else 1.0
        columns.append((values - center) / scale)
        scaffold.append(("numeric", name, None, center, scale))
    for name in sorted(categorical):
        values = np.asarray(categorical[name], dtype=object)
        for level in sorted({v for v in values if v is not None}):
            columns.append((values == level).astype(float))
            scaffold.append(("category", name, level, 0.0, 1.0))
    design = np.column_stack(columns) if columns else np.zeros((n, 0))
    return design, scaffold


def _objective(theta: NDArray[np.float64], design: NDArray[np.float64], y: NDArray[np.float64],
               c: float) -> tuple[float, NDArray[np.float64]]:
    intercept, beta = theta[0], theta[1:]
    z = intercept + design @ beta
    # logloss(y, z) = log(1 + e^z) - y z, computed without overflow
    loss = np.logaddexp(0.0, z) - y * z
    residual = special.expit(z) - y
    value = 0.5 * beta @ beta + c * loss.sum()
    gradient = np.concatenate(([c * residual.sum()], beta + c * (design.T @ residual)))
    return float(value), gradient


def _result(scaffold, intercept: float, beta: NDArray[np.float64], y: NDArray[np.float64],
            design: NDArray[np.float64], status: str, c: float) -> LeadFit:
    terms = [Term("intercept", "intercept", None, 0.0, 1.0, intercept)]
    terms += [Term(kind, name, level, center, scale, float(weight))
              for (kind, name, level, center, scale), weight in zip(scaffold, beta, strict=True)]
    p = special.expit(intercept + design @ beta) if len(y) else np.zeros(0)
    return LeadFit(terms=tuple(terms), sample_size=len(y), conversions=int(y.sum()),
                   log_loss=log_loss(y, p) if len(y) else float("nan"), status=status, regularisation_c=c)
