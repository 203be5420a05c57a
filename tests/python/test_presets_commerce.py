"""The Shopify and Stripe source presets (issue 24), end to end on DuckDB and PostgreSQL.

Each fixture (tests/fixtures/presets/<preset>.sql) writes the loader's own tables in Fivetran's
column names and types. One dbt build per engine runs both presets as of a date before every
refund, then the models as_of_date changes are rebuilt as of a date after them. Every order's
revenue_amount in fct_orders must be what the source itself reports (the fixtures' headers say how
it is computed from the source's own columns): the sale before its refund, the net after.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from preset_warehouses import DuckDBWarehouse, PostgresWarehouse

from segments.runner import run_dbt

PRESETS = ("shopify", "stripe")
REPORTING_CURRENCY = "EUR"
BEFORE_REFUNDS = "2024-03-20"  # every order placed (03-01 .. 03-12), no refund yet (first: 03-25)
AFTER_REFUNDS = "2024-05-31"  # every refund dated (last: 04-25)
PRESET_VARS = {"segments_presets": list(PRESETS), "segments_reporting_currency": REPORTING_CURRENCY}
# What the source reports as each order's revenue, in the order's currency: (before, after, currency).
# Shopify: subtotal_price less refunded lines' subtotal less refund discrepancies (shipping refunds
# excluded). Stripe: invoice total - tax (subtotal less discounts and credit lines) less refunds; a
# payment without invoice: its amount. Cancelled and pending orders have no revenue.
SOURCE_REVENUE = {
    "shopify:1001": ("23.00", "23.00", "EUR"),  # 2 x 10.00 + 5.00, 2.00 off line 1
    "shopify:1002": ("2.80", "2.80", "EUR"),  # 2 x 2.80, 2.80 off the order (not on the line)
    "shopify:1003": ("55.00", "38.00", "EUR"),  # 15.00 line + 2.00 discrepancy refunded 2024-04-20
    "shopify:1004": ("36.00", "0.00", "EUR"),  # fully refunded 2024-03-25
    "shopify:1005": ("27.00", "27.00", "EUR"),  # no order_line rows: 30.00 less 3.00 off the order
    "shopify:1006": ("8.00", "8.00", "EUR"),  # guest checkout, email of customer 101
    "shopify:1008": ("0.00", "0.00", "EUR"),  # cancelled (voided)
    "shopify:1010": ("50.00", "50.00", "USD"),
    "shopify:1011": ("0.00", "0.00", "EUR"),  # pending
    "stripe:in_1": ("25.00", "25.00", "EUR"),
    "stripe:in_2": ("2.80", "2.80", "EUR"),  # 560 cents, 280 invoice discount
    "stripe:in_3": ("3000", "2000", "JPY"),  # zero-decimal currency, 1000 refunded 2024-04-25
    "stripe:in_4": ("40.00", "0.00", "EUR"),  # refunded 2024-03-28 (refund names only the intent)
    "stripe:in_5": ("0.00", "0.00", "EUR"),  # void
    "stripe:in_6": ("0.00", "0.00", "EUR"),  # open
    "stripe:in_7": ("10.00", "10.00", "EUR"),  # no line rows: 1200 less 200 discount
    "stripe:in_9": ("20.00", "20.00", "EUR"),  # 3000 line and a -1000 proration credit
    "stripe:ch_10": ("19.99", "19.99", "EUR"),  # payment without invoice, guest (cus_A's email)
}
GUESTS_MATCHED = {"shopify:1006": "shopify:101", "stripe:ch_10": "stripe:cus_A"}
GUESTS_UNMATCHED = {"shopify:1007", "stripe:ch_11"}
# deleted, test, failed, test mode (Stripe livemode false)
LEFT_OUT = {"shopify:1009", "shopify:1012", "stripe:in_8", "stripe:ch_12", "stripe:ch_13"}
# every model between the presets' tables and fct_orders, the contact-less lines and the quarantines
BUILD = ["build", "--select", "+fct_orders", "+int_order_lines_without_contact", "+quarantine_order_lines",
         "+quarantine_contacts", "+quarantine_interactions", "+quarantine_refunds", "+int_refunds_not_applied",
         "+stg_interactions",
         "--exclude", "resource_type:unit_test", "--indirect-selection", "cautious"]
# what as_of_date changes: not the seeds, not staging (no as_of_date there)
REBUILD = ["run", "--select", "+fct_orders", "--exclude", "resource_type:seed", "path:models/staging"]


def _relation(warehouse: DuckDBWarehouse, name: str) -> str:
    """Where the build put `name` (the intermediate layer's schema differs between engines)."""
    schemas = [schema for (schema,) in warehouse.execute(
        f"select table_schema from information_schema.tables where table_name = '{name}'")]
    assert schemas, f"{name} was not built"
    return f"{sorted(schemas, key=len)[0]}.{name}"


def _orders(warehouse: DuckDBWarehouse) -> dict[str, tuple]:
    return {order_id: (contact_id, Decimal(str(revenue)), currency, Decimal(str(rate)))
            for order_id, contact_id, revenue, currency, rate in warehouse.execute(
                "select order_id, contact_id, revenue_amount, original_currency, fx_rate_to_reporting "
                f"from {warehouse.marts}.fct_orders")}


def _build(warehouse: DuckDBWarehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """Both presets built as of BEFORE_REFUNDS, then rebuilt as of AFTER_REFUNDS; what the tests read."""
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    warehouse.load_fixtures(PRESETS)
    run_dbt(BUILD, {**PRESET_VARS, "segments_as_of_date": BEFORE_REFUNDS})
    before = _orders(warehouse)
    without_contact = warehouse.execute(
        f"select order_id, quarantine_reason from {_relation(warehouse, 'int_order_lines_without_contact')}")
    quarantined = {table: warehouse.execute(
        f"select record_key, quarantine_reason from {warehouse.quarantine}.quarantine_{table}")
        for table in ("contacts", "order_lines", "interactions", "refunds")}
    not_applied = warehouse.execute(f"select record_key from {_relation(warehouse, 'int_refunds_not_applied')}")
    carried = {order_id: (shipping, tax, guest) for order_id, shipping, tax, guest in warehouse.execute(
        "select order_id, shipping_amount, tax_amount, is_guest_checkout from "
        f"{warehouse.marts}.fct_orders where order_id in ('shopify:1001', 'shopify:1006', 'stripe:in_1')")}
    contacts = dict(warehouse.execute(f"select contact_id, email_opt_in from {warehouse.staging}.stg_contacts"))
    interactions = warehouse.execute(
        f"select interaction_id, contact_id, channel, interaction_type from {warehouse.staging}.stg_interactions")
    run_dbt(REBUILD, {**PRESET_VARS, "segments_as_of_date": AFTER_REFUNDS})
    return {"before": before, "after": _orders(warehouse), "without_contact": without_contact,
            "quarantined": quarantined, "not_applied": not_applied, "carried": carried,
            "contacts": contacts, "interactions": interactions}


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp(f"commerce_{request.param}")
    with pytest.MonkeyPatch.context() as monkeypatch:
        warehouse = (DuckDBWarehouse(folder / "commerce.duckdb", monkeypatch) if request.param == "duckdb"
                     else PostgresWarehouse("commerce_pg", monkeypatch, PRESETS))
        return _build(warehouse, folder, monkeypatch)


def _in_reporting_currency(amount: str, currency: str, rate: Decimal) -> Decimal:
    if currency == REPORTING_CURRENCY:
        return Decimal(amount)
    return (Decimal(amount) * rate).quantize(Decimal("0.01"))


@pytest.mark.parametrize("when", ["before", "after"])
def test_revenue_is_what_the_source_reports(built: dict, when: str) -> None:
    orders = built[when]
    column = 0 if when == "before" else 1
    wrong = {}
    for order_id, (*amounts, currency) in SOURCE_REVENUE.items():
        if order_id not in orders:
            wrong[order_id] = "missing from fct_orders"
            continue
        _, revenue, original_currency, rate = orders[order_id]
        expected = _in_reporting_currency(amounts[column], currency, rate)
        # another currency is converted line by line: a cent either way is rounding
        tolerance = Decimal("0") if currency == REPORTING_CURRENCY else Decimal("0.01")
        if original_currency != currency or abs(revenue - expected) > tolerance:
            wrong[order_id] = (f"{revenue} {original_currency}, "
                               f"source reports {expected} ({amounts[column]} {currency})")
    assert not wrong, f"as of {BEFORE_REFUNDS if when == 'before' else AFTER_REFUNDS}: {wrong}"


def test_every_order_is_there_once_and_the_left_out_ones_are_not(built: dict) -> None:
    assert set(built["before"]) == set(SOURCE_REVENUE)
    assert not set(built["before"]) & (LEFT_OUT | GUESTS_UNMATCHED)


def test_guest_checkouts_go_to_the_contact_with_their_email(built: dict) -> None:
    assert {order_id: built["before"].get(order_id, (None,))[0] for order_id in GUESTS_MATCHED} == GUESTS_MATCHED
    listed = {order_id for order_id, reason in built["without_contact"] if reason}
    assert listed == GUESTS_UNMATCHED, built["without_contact"]


def test_nothing_good_is_quarantined(built: dict) -> None:
    assert built["quarantined"] == {"contacts": [], "order_lines": [], "interactions": [], "refunds": []}
    assert built["not_applied"] == []  # every refund row found its order (and line)


def test_shipping_and_tax_are_carried_apart_from_revenue(built: dict) -> None:
    carried = {order_id: (None if shipping is None else Decimal(str(shipping)), Decimal(str(tax)), guest)
               for order_id, (shipping, tax, guest) in built["carried"].items()}
    assert carried == {"shopify:1001": (Decimal("4.90"), Decimal("4.60"), False),
                       "shopify:1006": (None, Decimal("0"), True),
                       "stripe:in_1": (None, Decimal("5.00"), False)}


def test_contacts_and_interactions(built: dict) -> None:
    # Shopify consent: subscribed / accepts_marketing with no consent state / unsubscribed;
    # Stripe records none. The deleted Stripe customer is left out.
    assert built["contacts"] == {"shopify:101": True, "shopify:102": True, "shopify:103": False,
                                 "stripe:cus_A": None, "stripe:cus_B": None}
    # the guest's and the deleted abandoned checkouts are left out
    assert built["interactions"] == [("shopify:5001", "shopify:101", "web", "cart_abandon")]
