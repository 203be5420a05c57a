"""The loader refuses malformed files before touching the warehouse and names file, column, row."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pytest
from conftest import GOOD_CONTACTS, GOOD_INTERACTIONS, GOOD_ORDERS, raw_snapshot, run_cli, write_csv

from segments import load, raw_writers
from segments.contract import CONTACTS, INTERACTIONS, ORDERS, RAW_TABLES


def test_good_load_keeps_keys_as_text(raw_dir: Path, warehouse: Path) -> None:
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 0
    with duckdb.connect(str(warehouse)) as connection:
        ids = connection.execute("select contact_id from raw.contacts order by 1").fetchall()
        types = connection.execute(
            "select distinct data_type from information_schema.columns "
            "where table_schema = 'raw' and column_name <> '_loaded_at'"
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
    assert [row[:-1] for row in snapshot["contacts"]] == [("00042",) + (None,) * 10 + ("2024-01-01", None)]


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


# --- the _loaded_at stamp and `segments load DIR --append` ---------------------------------------

TABLES = ("contacts", "orders", "interactions")
T0 = dt.datetime(2030, 1, 1, 12, 0, 0)
MICROSECOND = dt.timedelta(microseconds=1)


def _raw_state(warehouse: Path) -> dict[str, list[tuple]]:
    """The rows (stamps included) and column names of every raw table the warehouse has."""
    with duckdb.connect(str(warehouse)) as connection:
        present = [row[0] for row in connection.execute(
            "select table_name from duckdb_tables() where schema_name = 'raw' order by 1").fetchall()]
        state = {}
        for table in present:
            relation = connection.execute(f"select * from raw.{table}")
            columns = tuple(column[0] for column in relation.description)
            state[table] = [columns, *sorted(relation.fetchall(), key=repr)]
        return state


def _stamps(warehouse: Path, table: str) -> list[dt.datetime]:
    with duckdb.connect(str(warehouse)) as connection:
        return [row[0] for row in connection.execute(
            f"select distinct _loaded_at from raw.{table} order by 1").fetchall()]


def _set_clock(monkeypatch: pytest.MonkeyPatch, when: dt.datetime) -> None:
    monkeypatch.setattr(raw_writers, "utc_now", lambda: when)


def _folder(tmp_path: Path, name: str, **files: tuple[tuple[str, ...], list[dict]]) -> Path:
    """tmp_path/name holding <table>.csv for each keyword: (columns, rows)."""
    folder = tmp_path / name
    folder.mkdir()
    for table, (columns, rows) in files.items():
        write_csv(folder / f"{table}.csv", columns, rows)
    return folder


NEW_CONTACT = {"contact_id": "00044", "created_at": "2024-05-05T10:00:00Z"}
NEW_ORDER = dict(GOOD_ORDERS[0], order_id="ORD-2", contact_id="00044", ordered_at="2024-05-06T10:00:00Z")
NEW_INTERACTION = {"interaction_id": "INT-2", "contact_id": "00044", "occurred_at": "2024-05-07T10:00:00Z"}


def test_every_load_stamps_one_utc_time_as_the_last_column(raw_dir: Path, warehouse: Path) -> None:
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 0
    after = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with duckdb.connect(str(warehouse)) as connection:
        for table in RAW_TABLES:
            columns = connection.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'raw' and table_name = ? order by ordinal_position", [table.name]
            ).fetchall()
            assert columns == [*((name, "VARCHAR") for name in table.columns), ("_loaded_at", "TIMESTAMP")]
        stamps = connection.execute(
            " union ".join(f"select _loaded_at from raw.{table}" for table in TABLES)
        ).fetchall()
    assert len(stamps) == 1  # one value for every row of the three tables
    assert before <= stamps[0][0] <= after


def test_stamps_increase_strictly_even_when_the_clock_does_not(
    raw_dir: Path, warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _set_clock(monkeypatch, T0)
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 0
    assert all(_stamps(warehouse, table) == [T0] for table in TABLES)

    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 0  # same clock reading
    assert all(_stamps(warehouse, table) == [T0 + MICROSECOND] for table in TABLES)

    _set_clock(monkeypatch, T0 - dt.timedelta(days=1))  # the clock went back
    orders = _folder(tmp_path, "orders_only", orders=(ORDERS.columns, [NEW_ORDER]))
    assert run_cli("load", str(orders), "--append", "--database", str(warehouse)) == 0
    assert _stamps(warehouse, "orders") == [T0 + MICROSECOND, T0 + 2 * MICROSECOND]
    # the next stamp follows the latest of the whole schema, not only of the table appended to
    contacts = _folder(tmp_path, "contacts_only", contacts=(CONTACTS.columns, [NEW_CONTACT]))
    assert run_cli("load", str(contacts), "--append", "--database", str(warehouse)) == 0
    assert _stamps(warehouse, "contacts") == [T0 + MICROSECOND, T0 + 3 * MICROSECOND]

    _set_clock(monkeypatch, T0 + dt.timedelta(hours=1))  # a clock ahead of the stamps is used as is
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 0
    assert all(_stamps(warehouse, table) == [T0 + dt.timedelta(hours=1)] for table in TABLES)


def test_append_adds_rows_and_keeps_the_old_ones_with_their_stamps(
    raw_dir: Path, warehouse: Path, tmp_path: Path, capsys
) -> None:
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 0
    before = raw_snapshot(warehouse)
    (first,) = _stamps(warehouse, "contacts")
    new = _folder(tmp_path, "new", contacts=(CONTACTS.columns, [NEW_CONTACT]),
                  orders=(ORDERS.columns, [NEW_ORDER]),
                  interactions=(INTERACTIONS.columns, [NEW_INTERACTION]))
    capsys.readouterr()
    assert run_cli("load", str(new), "--append", "--database", str(warehouse)) == 0
    err = capsys.readouterr().err
    after = raw_snapshot(warehouse)
    for table in TABLES:
        assert set(before[table]) <= set(after[table])  # old rows and their stamps untouched
        assert len(after[table]) == len(before[table]) + 1
        (second,) = [stamp for stamp in _stamps(warehouse, table) if stamp != first]
        assert second > first
        assert f"appended 1 rows to {warehouse}: raw.{table}" in err
    (added,) = [row for row in after["orders"] if row not in before["orders"]]
    assert added[:-1] == tuple(NEW_ORDER.get(column) for column in ORDERS.columns)
    assert f"appended {new} into {warehouse}" in err


def test_append_with_only_an_orders_file_leaves_the_other_tables(
    raw_dir: Path, warehouse: Path, tmp_path: Path, capsys
) -> None:
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 0
    before = raw_snapshot(warehouse)
    orders = _folder(tmp_path, "orders_only", orders=(ORDERS.columns, [NEW_ORDER]))
    capsys.readouterr()
    assert run_cli("load", str(orders), "--append", "--database", str(warehouse)) == 0
    err = capsys.readouterr().err
    after = raw_snapshot(warehouse)
    assert after["contacts"] == before["contacts"]
    assert after["interactions"] == before["interactions"]
    assert len(after["orders"]) == 2 and set(before["orders"]) < set(after["orders"])
    assert "appended 1 rows to" in err and "raw.orders" in err
    assert "contacts" not in err and "interactions" not in err


def _refused_append(folder: Path, warehouse: Path, capsys, *options: str) -> str:
    """Append FOLDER, expect a refusal, prove the warehouse did not change; the message."""
    before = _raw_state(warehouse) if warehouse.exists() else None
    capsys.readouterr()
    assert run_cli("load", str(folder), "--append", "--database", str(warehouse), *options) == 1
    message = capsys.readouterr().err
    assert (_raw_state(warehouse) if warehouse.exists() else None) == before
    assert "\nerror: " in f"\n{message}" and "Traceback" not in message
    return message


def test_append_refuses_a_folder_without_any_file(raw_dir: Path, warehouse: Path, tmp_path: Path, capsys) -> None:
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 0
    empty = _folder(tmp_path, "empty")
    (empty / "notes.txt").write_text("not a raw file")
    message = _refused_append(empty, warehouse, capsys)
    assert "nothing to append: no contacts, orders or interactions file" in message


def test_append_refuses_missing_raw_tables(raw_dir: Path, warehouse: Path, tmp_path: Path, capsys) -> None:
    orders = _folder(tmp_path, "orders_only", orders=(ORDERS.columns, [NEW_ORDER]))
    message = _refused_append(orders, warehouse, capsys)  # no warehouse at all: none is created
    assert not warehouse.exists()
    assert "raw.orders does not exist yet: run `segments load DIR` first" in message

    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 0
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("drop table raw.interactions")
    both = _folder(tmp_path, "both", orders=(ORDERS.columns, [NEW_ORDER]),
                   interactions=(INTERACTIONS.columns, [NEW_INTERACTION]))
    message = _refused_append(both, warehouse, capsys)  # orders would be fine: nothing is appended
    assert "raw.interactions does not exist yet: run `segments load DIR` first" in message
    assert "raw.orders" not in message


def test_append_refuses_tables_loaded_without_a_stamp(
    raw_dir: Path, warehouse: Path, tmp_path: Path, capsys
) -> None:
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 0
    with duckdb.connect(str(warehouse)) as connection:  # as an older version loaded it
        connection.execute("alter table raw.orders drop column _loaded_at")
    new = _folder(tmp_path, "new", contacts=(CONTACTS.columns, [NEW_CONTACT]),
                  orders=(ORDERS.columns, [NEW_ORDER]))
    message = _refused_append(new, warehouse, capsys)
    assert "raw.orders has no _loaded_at column" in message
    assert "reload the whole data without --append" in message
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 0  # a full load fixes it
    assert run_cli("load", str(new), "--append", "--database", str(warehouse)) == 0


def test_append_refuses_the_spark_target(raw_dir: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    out = tmp_path / "spark-raw"
    monkeypatch.setenv("SEGMENTS_TARGET", "duckdb")  # restored after the test, like the folders
    monkeypatch.setenv("SEGMENTS_RAW_PARQUET_DIR", str(out))
    monkeypatch.setenv("SEGMENTS_SPARK_DIR", str(tmp_path / "spark"))
    monkeypatch.delenv("SPARK_LOCAL_IP", raising=False)
    assert run_cli("load", str(raw_dir), "--append", "--target", "spark") == 1
    assert capsys.readouterr().err.strip() == (
        "error: --append is not supported for the spark target: it reads one Parquet file per "
        "table; load the whole data again"
    )
    assert not out.exists()


def test_malformed_append_file_is_refused_before_the_warehouse_is_opened(
    raw_dir: Path, warehouse: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 0

    def no_write(*args, **kwargs):
        raise AssertionError("the warehouse was opened")

    monkeypatch.setattr(raw_writers, "write_duckdb", no_write)
    bad = _folder(tmp_path, "bad", contacts=(CONTACTS.columns, [NEW_CONTACT]),
                  orders=(ORDERS.columns, [dict(NEW_ORDER, ordered_at="yesterday")]))
    message = _refused_append(bad, warehouse, capsys)
    assert f"refused to append {bad}: the warehouse was not changed" in message
    assert "orders.csv: column 'ordered_at': 1 value(s) are not ISO 8601 timestamps" in message


def test_lenient_append_loads_unparseable_values(raw_dir: Path, warehouse: Path, tmp_path: Path, capsys) -> None:
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 0
    bad = _folder(tmp_path, "bad", orders=(ORDERS.columns, [dict(NEW_ORDER, ordered_at="yesterday")]))
    assert run_cli("load", str(bad), "--append", "--lenient", "--database", str(warehouse)) == 0
    assert "warning: orders.csv: column 'ordered_at'" in capsys.readouterr().err
    assert "yesterday" in {row[3] for row in raw_snapshot(warehouse)["orders"]}


def test_an_input_loaded_at_column_is_refused(raw_dir: Path, warehouse: Path, tmp_path: Path, capsys) -> None:
    _bad_orders(raw_dir, (*ORDERS.columns, "_loaded_at"), [dict(GOOD_ORDERS[0], _loaded_at="2099-01-01")])
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 1
    assert "orders.csv: column '_loaded_at': is not a column of the orders contract" in capsys.readouterr().err
    assert not warehouse.exists()

    good = _folder(tmp_path, "good", contacts=(CONTACTS.columns, GOOD_CONTACTS),
                   orders=(ORDERS.columns, GOOD_ORDERS),
                   interactions=(INTERACTIONS.columns, GOOD_INTERACTIONS))
    assert run_cli("load", str(good), "--database", str(warehouse)) == 0
    message = _refused_append(_only_orders(raw_dir, tmp_path), warehouse, capsys)
    assert "column '_loaded_at': is not a column of the orders contract" in message


def _only_orders(raw_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "only_orders"
    folder.mkdir()
    (folder / "orders.csv").write_bytes((raw_dir / "orders.csv").read_bytes())
    return folder


def test_append_is_one_transaction(raw_dir: Path, warehouse: Path, tmp_path: Path, capsys) -> None:
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 0
    with duckdb.connect(str(warehouse)) as connection:  # contacts append fine, interactions cannot
        connection.execute("alter table raw.interactions drop column topic")
    new = _folder(tmp_path, "new", contacts=(CONTACTS.columns, [NEW_CONTACT]),
                  interactions=(INTERACTIONS.columns, [NEW_INTERACTION]))
    message = _refused_append(new, warehouse, capsys)
    assert f"{warehouse}: append rolled back" in message


def test_the_loader_checks_the_timestamp_shape_staging_accepts() -> None:
    macro = (Path(__file__).parents[2] / "macros" / "iso_timestamp_pattern.sql").read_text(encoding="utf-8")
    assert f'return("{load.ISO_TIMESTAMP}")' in macro


@pytest.mark.parametrize("value", ["epoch", "infinity", "-infinity", "2024-3-5", "10000-01-01",
                                   "2024-01-01 (BC)", "2024-01-01 10:00 Europe/Paris"])
def test_timestamps_duckdb_alone_would_read_are_refused(
    raw_dir: Path, warehouse: Path, value: str, capsys
) -> None:
    _bad_orders(raw_dir, ORDERS.columns, [dict(GOOD_ORDERS[0], ordered_at=value)])
    assert run_cli("load", str(raw_dir), "--database", str(warehouse)) == 1
    assert f"column 'ordered_at': 1 value(s) are not ISO 8601 timestamps, e.g. row 1 (line 2): {value!r}" in (
        capsys.readouterr().err)


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 1 << 20])
def test_encoding_checks_read_in_chunks_find_the_right_byte(tmp_path: Path, chunk: int, monkeypatch) -> None:
    monkeypatch.setattr(load, "CHUNK", chunk)  # a multi-byte character split across two chunks is valid
    path = tmp_path / "contacts.csv"
    path.write_bytes("contact_id;first_name\r\n1;Zoë Éloïse\r\n2;Jürgen\r\n".encode())
    assert load._first_undecodable(path, "utf-8") is None
    path.write_bytes("contact_id;first_name\r\n1;Zoë\r\n2;Jürgen\r\n".encode() + b"3;J\xfcrgen\r\n")
    offset, bad = load._first_undecodable(path, "utf-8")
    assert bad == b"\xfc" and path.read_bytes()[offset:offset + 1] == b"\xfc"
    assert load._where_in_file(path, offset, None) == "row 3 (line 4), column 'first_name'"
