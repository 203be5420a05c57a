"""All four source presets switched on at once, as a shop with Shopify, Stripe, HubSpot and Klaviyo
would: their fixtures (tests/fixtures/presets/*.sql, Fivetran's names and types) loaded into their
schemas and ONE full `dbt build` (every model, snapshot, data test and unit test) on DuckDB.

The fixtures are far too small to fit BG/NBD and Gamma-Gamma (the build refuses a fit that did not
converge, with a message saying what to do), so the prediction parameters are fixed, as a user with
little data would do (var segments_prediction_parameters)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from preset_warehouses import DuckDBWarehouse

from segments.project import project_vars
from segments.runner import run_dbt

PRESETS = ["shopify", "stripe", "hubspot", "klaviyo"]
AS_OF_DATE = "2024-05-31"
# BG/NBD and Gamma-Gamma parameters of the same order as the demo's fit (inputs, not results).
FIXED_PARAMETERS = {
    purpose: {"r": 0.2, "alpha": 13.0, "a": 0.7, "b": 14.8, "p": 0.9, "q": 13.3, "gamma": 18000.0}
    for purpose in ("scoring", "calibration")
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("presets_together")
    path = folder / "presets.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        DuckDBWarehouse(path, patch).load_fixtures(PRESETS)
        patch.setenv("DBT_TARGET_PATH", str(folder / "target"))
        run_dbt(["build"], {"segments_presets": PRESETS, "segments_as_of_date": AS_OF_DATE,
                            "segments_prediction_parameters": FIXED_PARAMETERS})
    return path


KEYS = {"contacts": "contact_id", "orders": "order_id", "interactions": "interaction_id", "refunds": "refund_id"}


def test_every_preset_fills_the_raw_tables_it_declares(warehouse: Path) -> None:
    declared = project_vars()["segments_preset_tables"]
    with duckdb.connect(str(warehouse)) as connection:
        for table, key in KEYS.items():
            prefixes = {prefix for (prefix,) in connection.execute(
                f"select distinct split_part({key}, ':', 1) from main_staging.stg_presets__{table}").fetchall()}
            assert prefixes == {preset for preset in PRESETS if table in declared[preset]}, table


def test_every_contact_of_every_preset_is_segmented(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as connection:
        staged = connection.execute("select count(*) from main_staging.stg_contacts").fetchone()[0]
        segmented = connection.execute("select count(*) from main.contact_segments").fetchone()[0]
        sources = {prefix for (prefix,) in connection.execute(
            "select distinct split_part(contact_id, ':', 1) from main.contact_segments").fetchall()}
    assert staged == segmented > 0
    assert sources == set(PRESETS)


def test_an_address_that_said_no_in_any_tool_is_never_reachable(warehouse: Path) -> None:
    """Suppression is by address: an opt-out in HubSpot or Klaviyo keeps the same address out of
    every audience, whichever preset's contact carries it."""
    with duckdb.connect(str(warehouse)) as connection:
        refused = {email for (email,) in connection.execute(
            "select distinct email from main_staging.stg_contacts where email_opt_in = false "
            "union select distinct email from main.fct_interactions as interactions "
            "inner join main_staging.stg_contacts as contacts on interactions.contact_id = contacts.contact_id "
            "where interactions.interaction_type = 'unsubscribe'").fetchall() if email}
        reachable = {email for (email,) in connection.execute(
            "select distinct email from main.contact_segments where is_email_reachable").fetchall()}
    assert refused, "the fixtures hold opted-out addresses"
    assert not refused & reachable
