"""No documented setting breaks the build: the generated test data under non-default settings.

Each configuration is one `dbt build` (models, seeds, snapshot, every data test and unit test) of
the same generated data into its own warehouse, run as an analytics engineer would: `dbt build
--vars ...` on the project. Two builds run at a time (each DuckDB query is single-threaded here).
Beside the settings, three data sets that real first builds have: no customer at all (every order
quarantined, or a prospects-only CRM), a single customer, and no interactions. Each build must be
green, and each configuration's own effect is checked in its marts, so a setting that is silently
ignored fails too. The figures are printed at the end (pytest -s, or the log of make test).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest
from conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).parent / "dbt"
END_DATE = "2026-06-30"
# Close to what the fit gives on this data (a fixed set a user pins from `segments parameters`).
PARAMETERS = {"scoring": {"r": 0.22, "alpha": 13.2, "a": 0.58, "b": 11.5, "p": 0.83, "q": 12.4, "gamma": 18000.0}}
# Spend too heavy-tailed for Gamma-Gamma (q <= 1): its mean does not exist.
HEAVY_TAILED = {"scoring": {**PARAMETERS["scoring"], "q": 0.8}}

# name -> (data set, vars). Every documented setting appears in at least one.
CONFIGURATIONS = {
    "usd_rfm3_abc80_fixed_parameters": ("full", {
        "segments_reporting_currency": "USD", "segments_rfm_bins": 3, "segments_abc_cutoffs": [0.80, 0.95],
        "segments_prediction_parameters": PARAMETERS}),
    "gbp_rfm4_window365": ("full", {
        "segments_reporting_currency": "GBP", "segments_rfm_bins": 4, "segments_rfm_window_days": 365,
        "segments_calibration_frequency_top": 3, "segments_prediction_failed_fit": "last_converged"}),
    "thresholds_renamed_load_stamp": ("renamed_stamp", {
        "segments_rfm_scoring_method": "thresholds", "segments_raw_loaded_at_column": "_fivetran_synced"}),
    "absent_load_stamp": ("no_stamp", {}),
    "no_customers": ("no_orders", {}),
    # One customer cannot identify the BG/NBD and Gamma-Gamma parameters: the fit stops with a
    # message naming this var, and a user scores with a fixed set instead (here with q <= 1).
    "single_customer": ("one_customer", {"segments_prediction_parameters": HEAVY_TAILED}),
    "no_interactions": ("no_interactions", {}),
}


def _rewrite(source: Path, target: Path, keep=lambda table, row: True) -> None:
    target.mkdir(parents=True)
    for path in source.glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            rows = [row for row in reader if keep(path.stem, row)]
            columns = reader.fieldnames
        with (target / path.name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)


def _data_sets(folder: Path) -> dict[str, Path]:
    full = folder / "full"
    assert run_cli("generate", "--contacts", "300", "--seed", "5", "--end-date", END_DATE,
                   "--inject-bad-rows", "--out", str(full)) == 0
    with (full / "orders.csv").open(newline="", encoding="utf-8") as handle:
        first_customer = next(csv.DictReader(handle))["contact_id"]
    sets = {"full": full}
    for name, keep in {
        "no_orders": lambda table, row: table != "orders",
        "one_customer": lambda table, row: table != "orders" or row["contact_id"] == first_customer,
        "no_interactions": lambda table, row: table != "interactions",
    }.items():
        _rewrite(full, folder / name, keep)
        sets[name] = folder / name
    return sets


def _warehouse(data: Path, database: Path, stamp: str | None) -> None:
    assert run_cli("load", "--lenient", "--database", str(database), str(data)) == 0
    if stamp == "_loaded_at":
        return
    with duckdb.connect(str(database)) as connection:
        for table in ("contacts", "orders", "interactions"):
            if stamp is None:
                connection.execute(f"alter table raw.{table} drop column _loaded_at")
            else:
                connection.execute(f"alter table raw.{table} rename column _loaded_at to {stamp}")


def _build(name: str, database: Path, dbt_vars: dict, folder: Path) -> dict:
    environment = {**os.environ, "SEGMENTS_DUCKDB_PATH": str(database),
                   "DBT_PROFILES_DIR": str(ROOT / "profiles"), "DBT_TARGET_PATH": str(folder / "target"),
                   "DBT_LOG_PATH": str(folder / "logs"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    environment.pop("SEGMENTS_PREDICTION_PARAMETERS", None)
    started = time.perf_counter()
    result = subprocess.run(
        [str(DBT), "build", "--project-dir", str(ROOT),
         "--vars", json.dumps({"segments_as_of_date": END_DATE, **dbt_vars})],
        env=environment, capture_output=True, text=True, timeout=1200, check=False)
    summary = next((line for line in reversed(result.stdout.splitlines()) if "Done. PASS=" in line), "")
    return {"name": name, "returncode": result.returncode, "seconds": time.perf_counter() - started,
            "summary": summary.split("Done. ")[-1], "output": result.stdout[-5000:],
            "database": database}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("configurations")
    sets = _data_sets(folder / "data")
    stamps = {"renamed_stamp": "_fivetran_synced", "no_stamp": None}
    jobs = []
    for name, (data_set, dbt_vars) in CONFIGURATIONS.items():
        database = folder / f"{name}.duckdb"
        _warehouse(sets.get(data_set, sets["full"]), database, stamps.get(data_set, "_loaded_at"))
        jobs.append((name, database, dbt_vars, folder / name))
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = {result["name"]: result for result in pool.map(lambda job: _build(*job), jobs)}
    return results


def test_closing_figures(builds: dict, capsys: pytest.CaptureFixture) -> None:
    lines = [f"  {name:<34} {'green' if result['returncode'] == 0 else 'FAILED':<7} "
             f"{result['seconds']:6.1f} s  {result['summary']}" for name, result in builds.items()]
    with capsys.disabled():  # on stderr: a pytest-xdist worker's stdout goes nowhere
        print("\nconfiguration matrix (dbt build, 300 generated contacts with bad rows):\n" + "\n".join(lines),
              file=sys.stderr)
    assert len(lines) == len(CONFIGURATIONS)


def _one(database: Path, sql: str):
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


@pytest.mark.parametrize("name", sorted(CONFIGURATIONS))
def test_the_build_is_green(builds: dict, name: str) -> None:
    result = builds[name]
    assert result["returncode"] == 0, result["output"]
    assert "ERROR=0" in result["summary"]


def test_rfm_bins_and_abc_cutoffs_take_effect(builds: dict) -> None:
    database = builds["usd_rfm3_abc80_fixed_parameters"]["database"]
    assert _one(database, "select min(r_score), max(r_score), max(f_score), max(m_score) "
                          "from main.contact_rfm") == [(1, 3, 3, 3)]
    # A holds the customers before 80 % of revenue is reached: more of them than with 60 %.
    default = builds["gbp_rfm4_window365"]["database"]
    share = "select avg(case when abc_tier = 'A' then 1.0 else 0 end) from main.contact_abc"
    assert _one(database, share)[0][0] > _one(default, share)[0][0]
    assert _one(default, "select max(r_score) from main.contact_rfm") == [(4,)]


def test_calibration_groups_follow_their_setting(builds: dict) -> None:
    database = builds["gbp_rfm4_window365"]["database"]
    assert _one(database, "select max(repeat_purchases_group), max(repeat_purchases_label) "
                          "from main.prediction_calibration_by_frequency") == [(3, "3+")]
    # the fits converge: last_converged has nothing to replace
    assert _one(database, "select distinct parameter_source from main.prediction_parameters") == [("fit",)]


def test_reporting_currency_converts_the_amounts(builds: dict) -> None:
    usd = builds["usd_rfm3_abc80_fixed_parameters"]["database"]
    gbp = builds["gbp_rfm4_window365"]["database"]
    revenue = "select sum(revenue_amount) from main.fct_orders"
    assert _one(usd, revenue)[0][0] != _one(gbp, revenue)[0][0]


def test_fixed_parameters_replace_the_fit(builds: dict) -> None:
    database = builds["usd_rfm3_abc80_fixed_parameters"]["database"]
    assert _one(database, "select r_parameter, alpha_parameter from main.prediction_parameters "
                          "where fit_purpose = 'scoring'") == [(0.22, 13.2)]
    tables = {table for (table,) in _one(database, "select table_name from information_schema.tables")}
    assert "prediction_fits" not in tables


def test_without_customers_every_contact_is_still_segmented(builds: dict) -> None:
    database = builds["no_customers"]["database"]
    assert _one(database, "select count(*) from main.contact_rfm") == [(0,)]
    assert _one(database, "select count(*) > 0 from main.contact_segments") == [(True,)]
    assert _one(database, "select bool_or(is_passed) from main.rfm_eligibility") == [(False,)]


def test_a_single_customer_builds(builds: dict) -> None:
    database = builds["single_customer"]["database"]
    assert _one(database, "select count(*) from main.contact_rfm") == [(1,)]


def test_spend_too_heavy_tailed_for_gamma_gamma_falls_back_to_the_observed_mean(builds: dict) -> None:
    """q = 0.8: the customer's expected order value is its own mean order value, flagged, and the
    CLV is built on it (before, the not_null test on expected_order_value failed the build)."""
    database = builds["single_customer"]["database"]
    (row,) = _one(database, """
        select predictions.expected_order_value, predictions.is_order_value_observed,
               round(summary.observed_order_value, 6), predictions.predicted_clv
        from main.contact_predictions as predictions
        inner join main.int_customer_purchase_summary as summary
            on summary.contact_id = predictions.contact_id and summary.fit_purpose = 'scoring'
    """)
    value, observed_flag, observed_mean, clv = row
    assert observed_flag is True and value == observed_mean and value > 0 and clv > 0


def test_no_interactions_builds(builds: dict) -> None:
    database = builds["no_interactions"]["database"]
    assert _one(database, "select count(*) from main_staging.stg_interactions") == [(0,)]
    assert _one(database, "select count(*) > 0 from main.contact_segments") == [(True,)]


def test_validate_checks_the_marts_against_the_settings_they_were_built_with(builds: dict, tmp_path: Path) -> None:
    """A 365-day RFM window makes contact_rfm's monetary less than fct_orders' revenue: validate must
    read the window the build ran with (--vars), not dbt_project.yml's default (no window)."""
    database = builds["gbp_rfm4_window365"]["database"]
    assert _one(database, "select setting_value from main.rpt_build_settings "
                          "where setting_name = 'segments_rfm_window_days'") == [("365",)]
    assert run_cli("validate", "--database", str(database), "--out", str(tmp_path / "gx")) == 0


def test_a_customer_is_one_whatever_the_rfm_window(builds: dict, tmp_path: Path) -> None:
    """With a 365-day window some customers have no order in it (frequency 0): they stay customers
    (doc customer: a completed order on or before as_of_date) in contact_rfm, segment_kpis, the
    report's shares and the summary."""
    database = builds["gbp_rfm4_window365"]["database"]
    (outside_window,), = _one(database, "select count(*) from main.contact_rfm where frequency = 0")
    assert outside_window > 0
    (customers,), = _one(database, "select count(*) from main.dim_contacts where is_customer")
    assert _one(database, "select count(*) from main.contact_rfm") == [(customers,)]
    for dimension in ("rfm_segment", "abc_tier", "lifecycle_stage", "churn_risk"):
        assert _one(database, "select sum(customers) from main.rpt_segment_shares "
                              f"where segment_dimension = '{dimension}'") == [(customers,)], dimension


def test_load_stamp_settings_keep_the_marts(builds: dict) -> None:
    from marts import differences, differing

    renamed = builds["thresholds_renamed_load_stamp"]["database"]
    absent = builds["absent_load_stamp"]["database"]
    compared = ("contact_lifecycle", "contact_abc", "fct_orders", "quarantine_order_lines")
    assert not differing(differences(absent, renamed, relations=compared))


@pytest.fixture(scope="module", autouse=True)
def _clean(tmp_path_factory: pytest.TempPathFactory):
    yield
    shutil.rmtree(tmp_path_factory.getbasetemp() / "configurations0", ignore_errors=True)
