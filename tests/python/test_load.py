"""The loader refuses malformed files before touching the warehouse and names file, column, row."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from conftest import GOOD_ORDERS, raw_snapshot, run_cli, write_csv

from segments.contract import ORDERS


def test_good_load_keeps_keys_as_text(raw_dir: Path, warehouse: Path) -> None:
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 0
    with duckdb.connect(str(warehouse)) as connection:
        ids = connection.execute("select contact_id from raw.contacts order by 1").fetchall()
        types = connection.execute(
            "select distinct data_type from information_schema.columns where table_schema = 'raw'"
        ).fetchall()
    assert ids == [("00042",), ("00043",)]
    assert types == [("VARCHAR",)]


def _bad_orders(raw_dir: Path, columns: tuple[str, ...], rows: list[dict]) -> None:
    write_csv(raw_dir / "orders.csv", columns, rows)


def _load_fails_and_changes_nothing(raw_dir: Path, warehouse: Path, good_dir: Path, capsys):
    assert run_cli("load", str(good_dir), "--database", str(warehouse)) == 0
    before = raw_snapshot(warehouse)
    capsys.readouterr()
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 1
    message = capsys.readouterr().err
    assert raw_snapshot(warehouse) == before
    return message


@pytest.fixture
def good_dir(tmp_path: Path, raw_dir: Path) -> Path:
    """A second, valid copy of the raw files, loaded first so a refused load has something to keep."""
    copy = tmp_path / "good"
    copy.mkdir()
    for path in raw_dir.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    return copy


def test_missing_unit_price_is_refused_and_warehouse_unchanged(
    raw_dir: Path, good_dir: Path, warehouse: Path, capsys
) -> None:
    columns = tuple(column for column in ORDERS.columns if column != "unit_price")
    _bad_orders(raw_dir, columns, GOOD_ORDERS)
    message = _load_fails_and_changes_nothing(raw_dir, warehouse, good_dir, capsys)
    assert "orders.csv: column 'unit_price': required column is missing" in message


def test_non_date_ordered_at_is_refused_with_row_and_value(
    raw_dir: Path, good_dir: Path, warehouse: Path, capsys
) -> None:
    rows = [dict(GOOD_ORDERS[0]), dict(GOOD_ORDERS[0], line_number="2", ordered_at="yesterday")]
    _bad_orders(raw_dir, ORDERS.columns, rows)
    message = _load_fails_and_changes_nothing(raw_dir, warehouse, good_dir, capsys)
    assert "orders.csv: column 'ordered_at'" in message
    assert "row 2 (line 3): 'yesterday'" in message


def test_refused_load_into_a_new_warehouse_creates_nothing(raw_dir: Path, warehouse: Path) -> None:
    _bad_orders(raw_dir, ORDERS.columns, [dict(GOOD_ORDERS[0], quantity="two")])
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 1
    assert not warehouse.exists()


def test_misspelled_column_gets_a_suggestion(raw_dir: Path, warehouse: Path, capsys) -> None:
    columns = tuple("unit_prce" if column == "unit_price" else column for column in ORDERS.columns)
    rows = [{("unit_prce" if k == "unit_price" else k): v for k, v in GOOD_ORDERS[0].items()}]
    _bad_orders(raw_dir, columns, rows)
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 1
    message = capsys.readouterr().err
    assert "column 'unit_prce': is not a column of the orders contract (did you mean 'unit_price'?)" in message
    assert "column 'unit_price': required column is missing" in message


def test_every_problem_of_every_file_is_listed(raw_dir: Path, warehouse: Path, capsys) -> None:
    write_csv(raw_dir / "contacts.csv", ("contact_id", "created_at", "email_opt_in"),
              [{"contact_id": "1", "created_at": "2024-01-01", "email_opt_in": "maybe"}])
    _bad_orders(raw_dir, ORDERS.columns, [dict(GOOD_ORDERS[0], unit_price="ten")])
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 1
    message = capsys.readouterr().err
    assert "contacts.csv: column 'email_opt_in': 1 value(s) are not booleans" in message
    assert "orders.csv: column 'unit_price': 1 value(s) are not numbers" in message


def test_ragged_csv_names_the_line(raw_dir: Path, warehouse: Path, capsys) -> None:
    with (raw_dir / "interactions.csv").open("a", encoding="utf-8") as handle:
        handle.write("INT-2,00042,2024-04-02T10:00:00Z,web,page_view,,,,extra\r\n")
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 1
    message = capsys.readouterr().err
    assert "interactions.csv: cannot be read" in message
    assert "Line: 3" in message


def test_lenient_loads_unparseable_values_for_staging_to_quarantine(
    raw_dir: Path, warehouse: Path, capsys
) -> None:
    _bad_orders(raw_dir, ORDERS.columns, [dict(GOOD_ORDERS[0], ordered_at="yesterday")])
    assert run_cli("load", str(raw_dir), "--lenient", "--database", str(warehouse)) == 0
    assert "warning: orders.csv: column 'ordered_at'" in capsys.readouterr().err
    assert raw_snapshot(warehouse)["orders"][0][3] == "yesterday"


def test_optional_columns_may_be_absent_and_tables_empty(raw_dir: Path, warehouse: Path) -> None:
    write_csv(raw_dir / "contacts.csv", ("contact_id", "created_at"),
              [{"contact_id": "00042", "created_at": "2024-01-01"}])
    write_csv(raw_dir / "interactions.csv", ("interaction_id", "contact_id", "occurred_at"), [])
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 0
    snapshot = raw_snapshot(warehouse)
    assert snapshot["interactions"] == []
    assert snapshot["contacts"] == [("00042",) + (None,) * 10 + ("2024-01-01", None)]


def test_semicolon_separated_file_with_bom_loads(raw_dir: Path, warehouse: Path) -> None:
    text = (raw_dir / "contacts.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(text.splitlines()))
    with (raw_dir / "contacts.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 0
    assert len(raw_snapshot(warehouse)["contacts"]) == 2


def test_parquet_files_load(raw_dir: Path, warehouse: Path) -> None:
    for name in ("contacts", "orders", "interactions"):
        source = raw_dir / f"{name}.csv"
        duckdb.execute(
            f"copy (select * from read_csv('{source}', all_varchar = true)) "
            f"to '{raw_dir / name}.parquet' (format parquet)"
        )
        source.unlink()
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 0
    assert raw_snapshot(warehouse)["contacts"][0][0] == "00042"


def test_missing_file_and_directory_are_clear_errors(raw_dir: Path, warehouse: Path, capsys) -> None:
    (raw_dir / "orders.csv").unlink()
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 1
    assert "no orders.csv or orders.parquet" in capsys.readouterr().err
    assert run_cli("load", str(raw_dir / "nope"), "--database", str(warehouse)) == 1
    assert "no such directory" in capsys.readouterr().err
