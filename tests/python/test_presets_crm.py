"""The CRM and email source presets (hubspot, klaviyo) on Fivetran-shaped fixtures, on DuckDB and
on PostgreSQL (under scripts/with_postgres.sh).

Per engine, the two fixtures (tests/fixtures/presets/hubspot.sql and klaviyo.sql: Fivetran's table
and column names and types) are loaded into the schemas `hubspot` and `klaviyo` and ONE selective
dbt build runs with both presets on, up to the contacts, interactions and suppressions marts. The
expectations are what the source itself reports (written down in each fixture's header): per
contact, its interactions counted by type, and its consent. These presets fill no orders (Klaviyo's
Placed Order is left out: docs/presets/klaviyo.md), so there is no revenue to compare; the raw
orders table is empty.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from preset_warehouses import DuckDBWarehouse, PostgresWarehouse

from segments.contract import ORDERS
from segments.runner import run_dbt

PRESETS = ("hubspot", "klaviyo")
RAW_SCHEMA = "crm_raw"  # only the raw orders table: empty, no preset here fills it
AS_OF_DATE = "2024-06-30"
BUILD = ["--select", "+int_contacts", "+dim_contacts", "+fct_interactions", "+email_suppressions",
         "+int_interactions_without_contact", "--exclude", "resource_type:unit_test",
         "--indirect-selection", "cautious"]

# What the sources report, per contact of the marts: interactions by type, and consent.
EXPECTED_INTERACTIONS = {
    "hubspot:101": {"email_sent": 1, "email_open": 1, "email_click": 1, "call": 1, "meeting": 1,
                    "form_submit": 1},
    "hubspot:102": {"email_sent": 1, "unsubscribe": 1},
    "hubspot:104": {"meeting": 1, "form_submit": 1},  # 103's, merged into 104
    "hubspot:106": {"unsubscribe": 1},  # a spam report
    "hubspot:108": {},
    "hubspot:recipient:ghost@example.com": {"email_sent": 1, "unsubscribe": 1},
    "klaviyo:K1": {"email_sent": 1, "email_open": 1, "email_click": 1, "page_view": 2,
                   "cart_abandon": 1},
    "klaviyo:K2": {"email_sent": 1, "unsubscribe": 1},
    "klaviyo:K3": {}, "klaviyo:K4": {},
    "klaviyo:K5": {"email_sent": 1},
    "klaviyo:K7": {},
}
EXPECTED_OPT_IN = {
    "hubspot:101": True, "hubspot:102": False,
    "hubspot:104": False,  # opted out under 103, merged into it
    "hubspot:106": True, "hubspot:108": None, "hubspot:recipient:ghost@example.com": False,
    "klaviyo:K1": True, "klaviyo:K2": True, "klaviyo:K3": False,
    "klaviyo:K4": False,  # global_exclusion
    "klaviyo:K5": True, "klaviyo:K7": None,
}
# Every address that said no, in either tool (or never said yes): never exported.
NEVER_EXPORTED = {"ben@example.com", "cara@example.com", "eve@example.com", "fay@example.com",
                  "ghost@example.com", "lou@example.com", "max@example.com", "ned@example.com",
                  "pam@example.com"}
EXPORTED = {"ann@example.com", "kim@example.com"}


def _load_fixtures(warehouse: DuckDBWarehouse) -> None:
    warehouse.load_fixtures(PRESETS)
    warehouse.execute(f"create schema {RAW_SCHEMA}")
    columns = ", ".join(f"{column} text" for column in ORDERS.columns)
    warehouse.execute(f"create table {RAW_SCHEMA}.orders ({columns})")


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """Each engine's warehouse, the fixtures loaded and built once with both presets on."""
    folder = tmp_path_factory.mktemp(f"crm-{request.param}")
    with pytest.MonkeyPatch.context() as patch:
        warehouse = (DuckDBWarehouse(folder / "crm.duckdb", patch) if request.param == "duckdb"
                     else PostgresWarehouse("crm_pg", patch, PRESETS, (RAW_SCHEMA,)))
        _load_fixtures(warehouse)
        started = time.perf_counter()
        run_dbt(["build", *BUILD], {"segments_presets": list(PRESETS), "segments_raw_schema": RAW_SCHEMA,
                                    "segments_as_of_date": AS_OF_DATE})
        print(f"\n{request.param}: build with the hubspot and klaviyo presets "
              f"{time.perf_counter() - started:.1f} s")
        yield warehouse


def test_contacts_are_the_live_ones_with_their_consent(built: DuckDBWarehouse) -> None:
    rows = dict(built.execute(f"select contact_id, email_opt_in from {built.marts}.dim_contacts"))
    # 103 and 107 merged away, 105 and K6 deleted
    assert rows == EXPECTED_OPT_IN


def test_interactions_per_contact_by_type(built: DuckDBWarehouse) -> None:
    counts = {contact: Counter() for contact in EXPECTED_INTERACTIONS}
    for contact, kind, count in built.execute(
        f"select contact_id, interaction_type, count(*) from {built.marts}.fct_interactions group by 1, 2"
    ):
        counts[contact][kind] = count
    assert {contact: dict(found) for contact, found in counts.items()} == EXPECTED_INTERACTIONS


def test_channels_and_campaigns_are_mapped(built: DuckDBWarehouse) -> None:
    rows = set(built.execute(
        f"select interaction_type, channel from {built.marts}.fct_interactions"))
    assert rows == {("email_sent", "email"), ("email_open", "email"), ("email_click", "email"),
                    ("unsubscribe", "email"), ("call", "phone"), ("meeting", "event"),
                    ("form_submit", "web"), ("page_view", "web"), ("cart_abandon", "web")}
    campaigns = {row[0] for row in built.execute(
        f"select distinct campaign_id from {built.marts}.fct_interactions where channel = 'email'")}
    assert campaigns == {"hubspot:7", "klaviyo:C-SPRING"}


def test_nothing_is_quarantined_and_unmatched_events_are_listed(built: DuckDBWarehouse) -> None:
    for table in ("quarantine_contacts", "quarantine_interactions"):
        assert built.execute(f"select count(*) from {built.quarantine}.{table}") == [(0,)], table
    without_contact = set(built.execute(
        f"select record_key, contact_id, quarantine_reason "
        f"from {built.marts}.int_interactions_without_contact"))
    assert without_contact == {
        # a recipient no HubSpot contact carries; an event of a Klaviyo profile that is not there
        ("hubspot:email_event:ev-stranger-open", "hubspot:recipient:stranger@example.com", "unknown_contact"),
        ("klaviyo:e-nobody-received", "klaviyo:K404", "unknown_contact"),
    }


def test_addresses_that_said_no_are_never_exported(built: DuckDBWarehouse) -> None:
    """is_email_reachable is the flag every export and contact_segments keep; an address is
    reachable only when no record of it, in either tool, opted out or unsubscribed."""
    reachable = {}
    for email, flag in built.execute(
        f"select email, is_email_reachable from {built.marts}.int_contacts where email is not null"
    ):
        reachable[email] = reachable.get(email, False) or flag
    assert {email for email, flag in reachable.items() if flag} == EXPORTED
    assert NEVER_EXPORTED <= set(reachable) and not NEVER_EXPORTED & EXPORTED
    suppressed = dict(built.execute(
        f"select email, suppression_reasons from {built.marts}.email_suppressions"))
    # the same address opted in as a Klaviyo profile, unsubscribed in HubSpot with no contact there
    assert suppressed["ghost@example.com"] == "opted_out, unsubscribed"
    assert suppressed["cara@example.com"] == "opted_out"  # carried over from the merged contact
    assert suppressed["ned@example.com"] == "opted_out"  # Klaviyo's global exclusion
    assert suppressed["lou@example.com"] == "unsubscribed"
