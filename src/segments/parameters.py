"""The prediction parameters a DuckDB build used, as the JSON the var segments_prediction_parameters takes.

BG/NBD and Gamma-Gamma parameters per fit purpose, and under the key `lead` the lead model's terms
per fit purpose ([term_kind, feature, level, center, scale, coefficient], from int_lead_coefficients).

Another engine (or a later run) given this JSON scores with exactly the same parameters: floats are
written with repr, which reads back to the same double.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from segments.errors import SegmentsError

PARAMETERS = ("r", "alpha", "a", "b", "p", "q", "gamma")


def fitted_parameters(warehouse: Path) -> dict[str, dict[str, float]]:
    """{fit_purpose: {parameter: value}} from the mart prediction_parameters of a DuckDB build."""
    if not warehouse.is_file():
        raise SegmentsError(f"{warehouse}: no warehouse yet: run `segments load` and `segments build`")
    columns = ", ".join(f"{name}_parameter" for name in PARAMETERS)
    with duckdb.connect(str(warehouse)) as connection:
        try:
            rows = connection.execute(
                f"select fit_purpose, {columns} from main.prediction_parameters order by fit_purpose"
            ).fetchall()
        except duckdb.CatalogException:
            raise SegmentsError(
                f"{warehouse}: no table prediction_parameters: run `segments build` first") from None
    if not rows:
        raise SegmentsError(f"{warehouse}: prediction_parameters is empty")
    return {purpose: dict(zip(PARAMETERS, map(float, values), strict=True)) for purpose, *values in rows}


def lead_terms(warehouse: Path) -> dict[str, list[list]]:
    """{fit_purpose: [[term_kind, feature, level, center, scale, coefficient], ...]} of a DuckDB build."""
    with duckdb.connect(str(warehouse)) as connection:
        try:
            rows = connection.execute(
                "select fit_purpose, term_kind, feature, level, center, scale, coefficient "
                "from main.int_lead_coefficients order by fit_purpose, term_kind, feature, level nulls first"
            ).fetchall()
        except duckdb.CatalogException:
            raise SegmentsError(
                f"{warehouse}: no table int_lead_coefficients: run `segments build` first") from None
    terms: dict[str, list[list]] = {}
    for purpose, kind, feature, level, center, scale, coefficient in rows:
        term = [kind, feature, level, float(center), float(scale), float(coefficient)]
        terms.setdefault(purpose, []).append(term)
    return terms


def parameters_json(warehouse: Path) -> str:
    return json.dumps({**fitted_parameters(warehouse), "lead": lead_terms(warehouse)}, sort_keys=True)
