"""The parameters the floor and the peers share with the dbt project: the vars of dbt_project.yml.

The floor (floor.sql) and the dataframe peers (peer_pandas.py, peer_polars.py) reproduce the per-contact
results of contact_rfm, contact_abc, contact_lifecycle and contact_abell. They read every threshold
from the project's vars, so a change of var changes all four implementations alike, and they refuse
settings they do not implement rather than computing something else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import string
from pathlib import Path

import yaml

BENCH_DIR = Path(__file__).resolve().parent
FLOOR_SQL = BENCH_DIR / "floor.sql"
PROJECT_DIR = BENCH_DIR.parent

# The per-contact table every implementation writes (one row per contact known on as_of_date).
OUTPUT_COLUMNS = (
    "contact_id", "is_customer", "recency_days", "frequency", "monetary_cents", "r_score", "f_score",
    "m_score", "abc_tier", "lifecycle_stage", "primary_need", "primary_technology",
)
# A need window of null (all history) is rendered as a window longer than any history.
UNBOUNDED_DAYS = 2_147_483_647


@dataclasses.dataclass(frozen=True)
class Params:
    """Everything that decides the per-contact result, besides the raw data."""

    as_of_date: dt.date
    seeds_dir: Path
    raw_schema: str
    reporting_currency: str
    rfm_bins: int
    abc_cutoffs: tuple[float, float]
    abc_labels: tuple[str, str, str]
    engagement_types: tuple[str, ...]
    engaged_lead_min_events: int
    engagement_window_days: int
    lapsed_days: int
    reactivation_gap_days: int
    reactivation_recent_days: int
    new_customer_days: int
    at_risk_min_days: int
    at_risk_gap_multiplier: float
    need_window_days: int


def load_params(as_of_date: dt.date, project_dir: Path = PROJECT_DIR) -> Params:
    """The vars of project_dir/dbt_project.yml; ValueError for a setting the peers do not implement."""
    config = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8"))
    values = config.get("vars") or {}
    _refuse_unsupported(values)
    need_window = values.get("abell_need_window_days")
    return Params(
        as_of_date=as_of_date,
        seeds_dir=project_dir / "seeds",
        raw_schema=str(values.get("raw_schema") or "raw"),
        reporting_currency=str(values["reporting_currency"]),
        rfm_bins=int(values["rfm_bins"]),
        abc_cutoffs=tuple(float(cut) for cut in values["abc_cutoffs"]),
        abc_labels=tuple(str(label) for label in values["abc_labels"]),
        engagement_types=tuple(str(kind) for kind in values["lifecycle_engagement_types"]),
        engaged_lead_min_events=int(values["lifecycle_engaged_lead_min_events"]),
        engagement_window_days=int(values["lifecycle_engagement_window_days"]),
        lapsed_days=int(values["lifecycle_lapsed_days"]),
        reactivation_gap_days=int(values["lifecycle_reactivation_gap_days"]),
        reactivation_recent_days=int(values["lifecycle_reactivation_recent_days"]),
        new_customer_days=int(values["lifecycle_new_customer_days"]),
        at_risk_min_days=int(values["lifecycle_at_risk_min_days"]),
        at_risk_gap_multiplier=float(values["lifecycle_at_risk_gap_multiplier"]),
        need_window_days=UNBOUNDED_DAYS if need_window is None else int(need_window),
    )


def _refuse_unsupported(values: dict) -> None:
    """The floor and the peers implement the default scoring; say so instead of diverging."""
    if values.get("rfm_scoring_method", "quantile") != "quantile":
        raise ValueError("the floor and peers implement rfm_scoring_method: quantile only")
    if values.get("rfm_window_days") is not None:
        raise ValueError("the floor and peers implement rfm_window_days: null (all history) only")
    if values.get("raw_database") is not None:
        raise ValueError("the floor reads the raw tables of the warehouse file itself (raw_database: null)")
    if len(values.get("abc_cutoffs", ())) != 2 or len(values.get("abc_labels", ())) != 3:
        raise ValueError("the floor and peers implement exactly two abc_cutoffs and three abc_labels")


def _sql_text(value: str) -> str:
    """A single-quoted SQL literal."""
    return "'" + value.replace("'", "''") + "'"


def floor_sql(params: Params, template: Path = FLOOR_SQL) -> str:
    """floor.sql with its ${...} placeholders filled from the params."""
    fields = {
        "as_of_date": f"date '{params.as_of_date.isoformat()}'",
        "seeds_dir": str(params.seeds_dir).replace("'", "''"),
        "raw_schema": params.raw_schema,
        "reporting_currency": params.reporting_currency.replace("'", "''"),
        "rfm_bins": params.rfm_bins,
        "abc_cutoff_1": params.abc_cutoffs[0],
        "abc_cutoff_2": params.abc_cutoffs[1],
        "abc_label_1": params.abc_labels[0],
        "abc_label_2": params.abc_labels[1],
        "abc_label_3": params.abc_labels[2],
        "engagement_types": ", ".join(_sql_text(kind) for kind in params.engagement_types),
        "engaged_lead_min_events": params.engaged_lead_min_events,
        "engagement_window_days": params.engagement_window_days,
        "lapsed_days": params.lapsed_days,
        "reactivation_gap_days": params.reactivation_gap_days,
        "reactivation_recent_days": params.reactivation_recent_days,
        "new_customer_days": params.new_customer_days,
        "at_risk_min_days": params.at_risk_min_days,
        "at_risk_gap_multiplier": params.at_risk_gap_multiplier,
        "need_window_days": params.need_window_days,
    }
    return string.Template(template.read_text(encoding="utf-8")).substitute(fields)
