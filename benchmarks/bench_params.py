"""The parameters the floor and the peers share with the dbt project: the vars of dbt_project.yml.

The floor (floor.sql) and the dataframe peers (peer_pandas.py, peer_polars.py) reproduce the per-contact
results of contact_rfm, contact_abc, contact_lifecycle and contact_abell. They read every threshold
from the project's vars, so a change of var changes all four implementations alike, and they refuse
settings they do not implement rather than computing something else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
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
    segments_raw_schema: str
    segments_reporting_currency: str
    segments_rfm_bins: int
    segments_abc_cutoffs: tuple[float, float]
    segments_abc_labels: tuple[str, str, str]
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
    need_window = values.get("segments_abell_need_window_days")
    return Params(
        as_of_date=as_of_date,
        seeds_dir=project_dir / "seeds",
        segments_raw_schema=str(values.get("segments_raw_schema") or "raw"),
        segments_reporting_currency=str(values["segments_reporting_currency"]),
        segments_rfm_bins=int(values["segments_rfm_bins"]),
        segments_abc_cutoffs=tuple(float(cut) for cut in values["segments_abc_cutoffs"]),
        segments_abc_labels=tuple(str(label) for label in values["segments_abc_labels"]),
        engagement_types=tuple(str(kind) for kind in values["segments_lifecycle_engagement_types"]),
        engaged_lead_min_events=int(values["segments_lifecycle_engaged_lead_min_events"]),
        engagement_window_days=int(values["segments_lifecycle_engagement_window_days"]),
        lapsed_days=int(values["segments_lifecycle_lapsed_days"]),
        reactivation_gap_days=int(values["segments_lifecycle_reactivation_gap_days"]),
        reactivation_recent_days=int(values["segments_lifecycle_reactivation_recent_days"]),
        new_customer_days=int(values["segments_lifecycle_new_customer_days"]),
        at_risk_min_days=int(values["segments_lifecycle_at_risk_min_days"]),
        at_risk_gap_multiplier=float(values["segments_lifecycle_at_risk_gap_multiplier"]),
        need_window_days=UNBOUNDED_DAYS if need_window is None else int(need_window),
    )


def _refuse_unsupported(values: dict) -> None:
    """The floor and the peers implement the default scoring; say so instead of diverging."""
    if values.get("segments_rfm_scoring_method", "quantile") != "quantile":
        raise ValueError("the floor and peers implement segments_rfm_scoring_method: quantile only")
    if values.get("segments_rfm_window_days") is not None:
        raise ValueError("the floor and peers implement segments_rfm_window_days: null (all history) only")
    if values.get("segments_raw_database") is not None:
        raise ValueError("the floor reads the raw tables of the warehouse file itself "
                         "(segments_raw_database: null)")
    if len(values.get("segments_abc_cutoffs", ())) != 2 or len(values.get("segments_abc_labels", ())) != 3:
        raise ValueError("the floor and peers implement exactly two segments_abc_cutoffs and three "
                         "segments_abc_labels")


def slug(name: str) -> str:
    """A contender's name as a file name and an SQL identifier: "polars (streaming)" -> "polars_streaming"."""
    return re.sub(r"\W+", "_", name).strip("_")


def _sql_text(value: str) -> str:
    """A single-quoted SQL literal."""
    return "'" + value.replace("'", "''") + "'"


def floor_sql(params: Params, template: Path = FLOOR_SQL) -> str:
    """floor.sql with its ${...} placeholders filled from the params."""
    fields = {
        "as_of_date": f"date '{params.as_of_date.isoformat()}'",
        "seeds_dir": str(params.seeds_dir).replace("'", "''"),
        "segments_raw_schema": params.segments_raw_schema,
        "segments_reporting_currency": params.segments_reporting_currency.replace("'", "''"),
        "segments_rfm_bins": params.segments_rfm_bins,
        "abc_cutoff_1": params.segments_abc_cutoffs[0],
        "abc_cutoff_2": params.segments_abc_cutoffs[1],
        "abc_label_1": params.segments_abc_labels[0],
        "abc_label_2": params.segments_abc_labels[1],
        "abc_label_3": params.segments_abc_labels[2],
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
