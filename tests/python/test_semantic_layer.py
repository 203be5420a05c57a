"""The semantic layer (models/marts/semantic/_semantic__models.yml): dbt parses and validates it, its
metrics cover the issue's list, every metric slices by every segment dimension (the contact
semantic model has each dimension of var segments_segment_dimensions, and every metric's measures
reach the entity contact), and MetricFlow's answer on a built warehouse equals plain SQL's.

The MetricFlow query needs dbt-metricflow (extra dev); without it that one test is skipped.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from segments.project import project_dir, project_vars, segment_dimensions

ROOT = project_dir()
# The metrics (campaign lift waits for a campaign_results mart), by name.
REQUIRED_METRICS = {
    "contacts": "simple", "customers": "simple", "revenue": "simple", "orders": "simple",
    "average_order_value": "ratio", "repeat_rate": "ratio", "high_churn_risk_share": "ratio",
    "churn_probability": "ratio", "predicted_clv": "simple", "average_predicted_clv": "simple",
    "prospects": "simple", "hot_leads": "simple", "hot_lead_share": "ratio",
}
CONTACT = "contact"


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """dbt's manifest of the project, parsed afresh into a temporary target (no warehouse needed).
    dbt validates the semantic models and metrics as it parses: a parse error fails here."""
    from dbt.cli.main import dbtRunner

    target = tmp_path_factory.mktemp("semantic")
    result = dbtRunner().invoke(["parse", "--project-dir", str(ROOT), "--profiles-dir", str(ROOT / "profiles"),
                                 "--target-path", str(target), "--quiet"])
    assert result.success, result.exception
    assert (target / "semantic_manifest.json").is_file()
    return json.loads((target / "manifest.json").read_text(encoding="utf-8"))


def _semantic_models(manifest: dict) -> dict[str, dict]:
    return {model["name"]: model for model in manifest["semantic_models"].values()
            if model["package_name"] == "segments"}


def _metrics(manifest: dict) -> dict[str, dict]:
    return {metric["name"]: metric for metric in manifest["metrics"].values()
            if metric["package_name"] == "segments"}


def contact_model(manifest: dict) -> dict:
    """The semantic model whose primary entity is contact (over contact_segments)."""
    (model,) = [model for model in _semantic_models(manifest).values()
                if any(e["name"] == CONTACT and e["type"] == "primary" for e in model["entities"])]
    return model


def missing_dimensions(manifest: dict) -> list[str]:
    """Segment dimensions (var segments_segment_dimensions) that are no categorical dimension of the
    contact semantic model, and as_of_date if it is not its time dimension."""
    dimensions = {d["name"]: d["type"] for d in contact_model(manifest)["dimensions"]}
    missing = [name for name in segment_dimensions() if dimensions.get(name) != "categorical"]
    return missing + ([] if dimensions.get("as_of_date") == "time" else ["as_of_date"])


def metrics_off_contact(manifest: dict) -> list[str]:
    """Metrics with a measure in a semantic model that has no entity contact: those could not be
    grouped by contact__<dimension>."""
    owner = {measure["name"]: model for model in _semantic_models(manifest).values()
             for measure in model["measures"]}
    metrics = _metrics(manifest)

    def measures(name: str) -> set[str]:
        params = metrics[name]["type_params"]
        found = {m["name"] for m in params.get("input_measures") or []}
        if params.get("measure"):
            found.add(params["measure"]["name"])
        for key in ("numerator", "denominator"):
            if params.get(key):
                found |= measures(params[key]["name"])
        for metric in params.get("metrics") or []:
            found |= measures(metric["name"])
        return found

    return sorted(name for name in metrics
                  if not measures(name)
                  or any(CONTACT not in {e["name"] for e in owner[m]["entities"]} for m in measures(name)))


def test_the_required_metrics_exist_with_their_types(manifest: dict) -> None:
    types = {name: metric["type"] for name, metric in _metrics(manifest).items()}
    assert {name: types.get(name) for name in REQUIRED_METRICS} == REQUIRED_METRICS


def test_the_ratios_divide_what_they_say(manifest: dict) -> None:
    metrics = _metrics(manifest)
    ratio = lambda name: tuple(metrics[name]["type_params"][key]["name"]  # noqa: E731
                               for key in ("numerator", "denominator"))
    assert ratio("average_order_value") == ("revenue", "orders")
    assert ratio("repeat_rate") == ("repeat_customers", "customers")
    assert ratio("high_churn_risk_share") == ("high_churn_risk_customers", "customers")


def test_every_segment_dimension_is_a_dimension_of_the_contact_model(manifest: dict) -> None:
    assert len(segment_dimensions()) >= 8
    assert missing_dimensions(manifest) == []
    assert contact_model(manifest)["defaults"]["agg_time_dimension"] == "as_of_date"


def test_the_dimension_check_can_fail(manifest: dict) -> None:
    changed = json.loads(json.dumps(manifest))
    model = contact_model(changed)
    dropped = segment_dimensions()[-1]
    model["dimensions"] = [d for d in model["dimensions"] if d["name"] != dropped]
    assert missing_dimensions(changed) == [dropped]


def test_every_metric_reaches_the_contact_entity(manifest: dict) -> None:
    assert metrics_off_contact(manifest) == []


def test_the_entity_check_can_fail(manifest: dict) -> None:
    changed = json.loads(json.dumps(manifest))
    orders = _semantic_models(changed)["orders"]
    orders["entities"] = [e for e in orders["entities"] if e["name"] != CONTACT]
    assert {"revenue", "orders", "average_order_value"} <= set(metrics_off_contact(changed))


def test_the_high_churn_risk_filter_names_the_highest_label(manifest: dict) -> None:
    """The filter spells the label: it must stay the last of var segments_churn_risk_labels."""
    (where,) = _metrics(manifest)["high_churn_risk_customers"]["filter"]["where_filters"]
    labels = re.findall(r"=\s*'(\w+)'", where["where_sql_template"])
    assert labels == [project_vars()["segments_churn_risk_labels"][-1]]


def test_the_hot_lead_filter_names_the_highest_tier(manifest: dict) -> None:
    """The filter spells the tier: it must stay the last of var segments_lead_tier_labels."""
    (where,) = _metrics(manifest)["hot_leads"]["filter"]["where_filters"]
    labels = re.findall(r"=\s*'(\w+)'", where["where_sql_template"])
    assert labels == [project_vars()["segments_lead_tier_labels"][-1]]


def test_the_time_spine_is_configured(manifest: dict) -> None:
    (spine,) = [node for node in manifest["nodes"].values()
                if node["resource_type"] == "model" and node.get("time_spine")]
    assert spine["time_spine"]["standard_granularity_column"] == "date_day"
    assert spine["columns"]["date_day"]["granularity"] == "day"


# --- MetricFlow on a built warehouse

# A mark, not a skip in the test: it is decided before the (session) warehouse build is set up.
needs_metricflow = pytest.mark.skipif(
    importlib.util.find_spec("dbt_metricflow") is None,
    reason="dbt-metricflow is not installed (pip install -c constraints.txt -e '.[dev]')",
)


def _project_copy(folder: Path) -> Path:
    """The dbt project copied without its build output: mf reads <project>/target/semantic_manifest.json,
    and the checkout's own target stays untouched."""
    copy = folder / "project"
    for name in ("dbt_project.yml", ".dbtignore", "profiles", "models", "macros", "seeds", "snapshots", "analyses",
                 "tests"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("python", "__pycache__"))
        else:
            copy.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    return copy


def _number(text: str) -> Decimal | None:
    return None if text in ("", "None") else Decimal(text)


@needs_metricflow
def test_metricflow_query_equals_plain_sql(clean_build: Path, tmp_path: Path) -> None:
    mf = Path(sys.executable).parent / "mf"
    project = _project_copy(tmp_path)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy2(clean_build, warehouse)
    env = {**os.environ, "SEGMENTS_DUCKDB_PATH": str(warehouse), "DBT_PROFILES_DIR": str(project / "profiles"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_LOG_PATH": str(tmp_path / "logs")}
    env.pop("DBT_TARGET_PATH", None)
    dbt = Path(sys.executable).parent / "dbt"
    subprocess.run([str(dbt), "parse", "--quiet"], cwd=project, env=env, check=True)
    result_csv = tmp_path / "mf.csv"
    run = subprocess.run([str(mf), "query", "--metrics", "revenue,customers,repeat_rate",
                          "--group-by", "contact__rfm_segment", "--csv", str(result_csv)],
                         cwd=project, env=env, capture_output=True, text=True)
    assert run.returncode == 0 and result_csv.is_file(), run.stdout + run.stderr
    with result_csv.open(encoding="utf-8") as handle:
        found = {row["contact__rfm_segment"]: (_number(row["revenue"]), _number(row["customers"]),
                                               _number(row["repeat_rate"]))
                 for row in csv.DictReader(handle)}

    with duckdb.connect(str(warehouse), read_only=True) as connection:
        revenue = dict(connection.execute("""
            select contact_segments.rfm_segment, sum(fct_orders.revenue_amount)
            from main.fct_orders
            inner join main.contact_segments on fct_orders.contact_id = contact_segments.contact_id
            group by 1""").fetchall())
        customers = {segment: (count, repeat) for segment, count, repeat in connection.execute("""
            select rfm_segment, count(*) filter (where frequency > 0), count(*) filter (where frequency >= 2)
            from main.contact_segments
            group by 1""").fetchall()}

    assert len(customers) > 3 and set(found) == set(customers)
    for segment, (count, repeat) in customers.items():
        mf_revenue, mf_customers, mf_repeat_rate = found[segment]
        assert mf_revenue == pytest.approx(Decimal(revenue.get(segment) or 0), abs=Decimal("0.01")), segment
        assert mf_customers == count, segment
        if count:
            assert mf_repeat_rate == pytest.approx(Decimal(repeat) / Decimal(count), rel=Decimal("1e-9")), segment
        else:
            assert mf_repeat_rate is None, segment  # no customers: MetricFlow's ratio is null, not 0
