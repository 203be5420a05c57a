"""The raw contract on what real commerce data says: order-level discounts, dated refunds, orders
without lines, guest checkouts, shipping and tax, dated FX rates, loaded from files by
`segments load` and built on DuckDB at two as_of_dates, one before the refunds and one after.

Each order's expected revenue is what the source system reports for it (subtotal less discounts
and refunds, shipping and tax excluded), written down here from the files, not read from a build.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import run_cli, write_csv

from segments.contract import CONTACTS, ORDERS, RAW_TABLES
from segments.runner import run_dbt
from segments.summary import _quarantine_lines

BEFORE_REFUNDS, AFTER_REFUNDS = "2024-03-31", "2024-06-30"
CONTACT_ROWS = [
    {"contact_id": "c1", "email": "Ann@Example.com", "created_at": "2024-01-01T00:00:00Z"},
    {"contact_id": "c2", "email": "bob@example.com", "created_at": "2024-01-01T00:00:00Z"},
    {"contact_id": "c3", "email": "twin@example.com", "created_at": "2024-01-01T00:00:00Z"},
    {"contact_id": "c4", "email": "twin@example.com", "created_at": "2024-01-01T00:00:00Z"},
]


def _line(order_id: str, line_number: str | None, **values: str) -> dict:
    row = {"order_id": order_id, "line_number": line_number, "contact_id": "c1",
           "ordered_at": "2024-02-01T10:00:00Z", "status": "completed", "quantity": "1",
           "currency": "EUR"}
    return {**row, **values}


ORDER_ROWS = [
    # 2 x 2.80 GBP, 2.80 off the whole order (none on the line): the source reports 2.80 GBP
    _line("discounted", "1", quantity="2", unit_price="2.80", currency="GBP", order_discount_amount="2.80"),
    # two lines, the order discount given on the first only, shipping and tax on the order
    _line("shipped", "1", unit_price="10.00", order_discount_amount="3.00", shipping_amount="4.90",
          tax_amount="6.00"),
    _line("shipped", "2", quantity="2", unit_price="10.00", shipping_amount="4.90", tax_amount="6.00"),
    # an order without lines: one order-total row
    _line("no_lines", None, quantity="", unit_price="40.00", contact_id="c2"),
    # a guest checkout: no contact_id, the email of c1 (other case and spaces)
    _line("guest", "1", contact_id="", contact_email="  ANN@example.COM ", unit_price="15.00"),
    # guests nobody or several contacts match
    _line("stranger", "1", contact_id="", contact_email="nobody@example.com", unit_price="9.00"),
    _line("twins", "1", contact_id="", contact_email="twin@example.com", unit_price="9.00"),
    # a GBP order placed after the first as_of_date, when GBP had another dated rate
    _line("may_gbp", "1", currency="GBP", unit_price="9.00", ordered_at="2024-05-10T10:00:00Z"),
    # a currency listed in the seed currencies that has no rate: refused, and named
    _line("no_rate", "1", currency="TND", unit_price="5.000"),
]
REFUND_ROWS = [
    # a partial refund of one line, weeks after the order
    {"refund_id": "r1", "order_id": "shipped", "line_number": "2", "refunded_at": "2024-04-15T09:00:00Z",
     "amount": "7.50"},
    # the whole order-total order refunded
    {"refund_id": "r2", "order_id": "no_lines", "refunded_at": "2024-05-02T09:00:00Z", "amount": "40.00"},
    # refunds that cannot apply: no such order; more than the order sold for
    {"refund_id": "r3", "order_id": "missing", "refunded_at": "2024-04-01T09:00:00Z", "amount": "1.00"},
    {"refund_id": "r4", "order_id": "guest", "refunded_at": "2024-04-01T09:00:00Z", "amount": "15.01"},
]
# Revenue in EUR as the source reports it, before and after the refunds (None: not placed yet). A
# GBP order converts at the dated rate of its own day, whatever the as_of_date: 0.80 GBP per EUR from
# 2024-01-01 (2.80 / 0.80 = 3.50), 0.90 from 2024-05-01 (9.00 / 0.90 = 10.00); the undated 0.85 never.
EXPECTED_REVENUE = {
    "discounted": ("3.50", "3.50"),
    "may_gbp": (None, "10.00"),
    "shipped": ("27.00", "19.50"),  # 10 + 20 - 3 order discount; - 7.50 refunded on 2024-04-15
    "no_lines": ("40.00", "0.00"),
    "guest": ("15.00", "15.00"),  # r4 exceeds what it sold for: not applied
}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """The files loaded and built as of BEFORE_REFUNDS, then AFTER_REFUNDS: per date, fct_orders
    and the listings of what was left out."""
    folder = tmp_path_factory.mktemp("commerce")
    raw, warehouse = folder / "raw", folder / "warehouse.duckdb"
    raw.mkdir()
    write_csv(raw / "contacts.csv", CONTACTS.columns, CONTACT_ROWS)
    write_csv(raw / "orders.csv", ORDERS.columns, ORDER_ROWS)
    refunds = next(table for table in RAW_TABLES if table.name == "refunds")
    write_csv(raw / "refunds.csv", refunds.columns, REFUND_ROWS)
    write_csv(raw / "interactions.csv", ["interaction_id", "contact_id", "occurred_at"], [])
    selection = ["--select", "+fct_orders", "+int_order_lines_without_contact", "+int_refunds_not_applied",
                 "+rpt_source_reconciliation", "+rpt_quarantine_overview", "+rpt_fx_rate_coverage",
                 "--exclude", "resource_type:unit_test", "--indirect-selection", "cautious"]
    results = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEGMENTS_DUCKDB_PATH", str(warehouse))
        patch.setenv("DBT_TARGET_PATH", str(folder / "target"))
        assert run_cli("load", str(raw)) == 0
        run_dbt(["seed"])
        with duckdb.connect(str(warehouse)) as connection:
            connection.execute("insert into main_seeds.fx_rates_by_date values "
                               "('GBP', date '2024-01-01', 0.80), ('GBP', date '2024-05-01', 0.90)")
        for as_of_date in (BEFORE_REFUNDS, AFTER_REFUNDS):
            run_dbt(["build", *selection, "--exclude", "resource_type:seed", "resource_type:unit_test"],
                    {"segments_as_of_date": as_of_date})
            with duckdb.connect(str(warehouse)) as connection:
                results[as_of_date] = {
                    "orders": {row[0]: row[1:] for row in connection.execute(
                        "select order_id, revenue_amount, contact_id, is_guest_checkout, shipping_amount, "
                        "tax_amount, discount_amount, refunded_amount, line_count from main.fct_orders"
                    ).fetchall()},
                    "without_contact": dict(connection.execute(
                        "select order_id, quarantine_reason from main.int_order_lines_without_contact")
                        .fetchall()),
                    "not_applied": dict(connection.execute(
                        "select refund_id, quarantine_reason from main.int_refunds_not_applied").fetchall()),
                    "reconciliation": connection.execute(
                        "select source_table, raw_rows, staged_rows, quarantined_rows, without_contact_rows, "
                        "is_reconciled from main.rpt_source_reconciliation order by 1").fetchall(),
                    "quarantine_lines": _quarantine_lines(connection),
                    "quarantined": connection.execute(
                        "select record_key, quarantine_reason from main_quarantine.quarantine_order_lines "
                        "union all select record_key, quarantine_reason "
                        "from main_quarantine.quarantine_refunds").fetchall(),
                }
    return results


@pytest.mark.parametrize("as_of_date", [BEFORE_REFUNDS, AFTER_REFUNDS])
def test_each_order_has_the_revenue_the_source_reports(builds: dict, as_of_date: str) -> None:
    column = 0 if as_of_date == BEFORE_REFUNDS else 1
    revenue = {order_id: values[0] for order_id, values in builds[as_of_date]["orders"].items()}
    assert revenue == {order_id: Decimal(amounts[column]) for order_id, amounts in EXPECTED_REVENUE.items()
                       if amounts[column] is not None}


def test_a_guest_checkout_goes_to_the_contact_with_its_email(builds: dict) -> None:
    orders = builds[AFTER_REFUNDS]["orders"]
    assert orders["guest"][1:3] == ("c1", True)
    assert orders["shipped"][1:3] == ("c1", False)
    assert builds[AFTER_REFUNDS]["without_contact"] == {
        "stranger": "unmatched_guest_email", "twins": "ambiguous_guest_email"}


def test_shipping_tax_and_discounts_are_carried_but_are_not_revenue(builds: dict) -> None:
    shipped = builds[AFTER_REFUNDS]["orders"]["shipped"]
    assert shipped[3:6] == (Decimal("4.90"), Decimal("6.00"), Decimal("3.00"))
    assert shipped[7] == 2  # line_count
    assert builds[AFTER_REFUNDS]["orders"]["no_lines"][7] == 1


def test_refunds_count_only_from_their_date(builds: dict) -> None:
    before, after = builds[BEFORE_REFUNDS]["orders"], builds[AFTER_REFUNDS]["orders"]
    assert before["shipped"][6] == Decimal("0.00") and after["shipped"][6] == Decimal("7.50")
    assert before["no_lines"][6] == Decimal("0.00") and after["no_lines"][6] == Decimal("40.00")


def test_refunds_that_cannot_apply_are_listed_and_every_row_is_accounted_for(builds: dict) -> None:
    built = builds[AFTER_REFUNDS]
    assert built["not_applied"] == {"r3": "unknown_order", "r4": "refund_exceeds_sale"}
    assert built["quarantined"] == [("no_rate#1", "missing_fx_rate")]
    assert built["reconciliation"] == [
        ("contacts", 4, 4, 0, 0, True),
        ("interactions", 0, 0, 0, 0, True),
        ("orders", 9, 8, 1, 2, True),
        ("refunds", 4, 4, 0, 2, True),
    ]


def test_a_warehouse_without_the_new_table_and_columns_still_builds(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Raw tables loaded before the contract grew: no refunds table, no new order columns."""
    warehouse = tmp_path / "old.duckdb"
    monkeypatch.setenv("SEGMENTS_DUCKDB_PATH", str(warehouse))
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    raw = tmp_path / "raw"
    raw.mkdir()
    old_orders = [row for row in ORDER_ROWS if row["order_id"] == "shipped"]
    write_csv(raw / "contacts.csv", CONTACTS.columns, CONTACT_ROWS)
    write_csv(raw / "orders.csv", ORDERS.columns, old_orders)
    write_csv(raw / "interactions.csv", ["interaction_id", "contact_id", "occurred_at"], [])
    assert run_cli("load", str(raw)) == 0
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("drop table raw.refunds")
        for column in ORDERS.columns[ORDERS.columns.index("currency") + 1:]:  # the columns added since
            connection.execute(f"alter table raw.orders drop column {column}")
    run_dbt(["build", "--select", "+fct_orders", "+rpt_source_reconciliation",
             "--exclude", "resource_type:unit_test", "--indirect-selection", "cautious"],
            {"segments_as_of_date": AFTER_REFUNDS})
    with duckdb.connect(str(warehouse)) as connection:
        assert connection.execute("select order_id, revenue_amount from main.fct_orders").fetchall() == [
            ("shipped", Decimal("30.00"))]  # without its order discount column, no discount
        assert connection.execute("select raw_rows, staged_rows from main.rpt_source_reconciliation "
                                  "where source_table = 'refunds'").fetchall() == [(0, 0)]


def test_a_currency_without_a_rate_is_refused_by_name(builds: dict) -> None:
    lines = builds[AFTER_REFUNDS]["quarantine_lines"]
    assert any("missing_fx_rate" in line for line in lines)
    assert any(line.strip().startswith("no FX rate for TND") and "1 order lines refused" in line for line in lines)


@pytest.mark.parametrize("commerce_cases", [False, True])
def test_the_generator_writes_commerce_cases_only_when_asked(tmp_path: Path, commerce_cases: bool) -> None:
    """make dbt-test generates them (so the PostgreSQL and Spark legs compare them with DuckDB); the
    demo and the benchmark do not."""
    import csv

    from segments.generate import generate

    generate(contacts=400, seed=5, out_dir=tmp_path, end_date=dt.date(2026, 6, 30), commerce_cases=commerce_cases)
    with (tmp_path / "orders.csv").open(encoding="utf-8") as handle:
        orders = list(csv.DictReader(handle))
    with (tmp_path / "refunds.csv").open(encoding="utf-8") as handle:
        refunds = list(csv.DictReader(handle))
    cases = {
        "order-total rows": sum(not row["line_number"] for row in orders),
        "guest lines": sum(not row["contact_id"] and bool(row["contact_email"]) for row in orders),
        "order discounts": sum(bool(row["order_discount_amount"]) for row in orders),
        "shipping and tax": sum(bool(row["shipping_amount"]) and bool(row["tax_amount"]) for row in orders),
        "refunds": len(refunds),
        "whole-order refunds": sum(not row["line_number"] for row in refunds),
    }
    assert all(cases.values()) if commerce_cases else not any(cases.values()), cases
