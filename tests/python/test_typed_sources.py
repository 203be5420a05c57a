"""Raw tables as a loader writes them: typed columns, its own load stamp and soft-delete flag.

The same generated data is built twice: once loaded as text by `segments load`, once as a typed
raw schema such as Fivetran writes (INTEGER, BOOLEAN, DECIMAL, TIMESTAMPTZ, TIMESTAMP without zone
in a source time zone, `_fivetran_synced`, `_fivetran_deleted`, no `_loaded_at`). Every mart and
every quarantine must be identical (EXCEPT ALL both ways).

Values that fit no typed column ('two', 'not-a-date', '2024-02-30T10:00:00Z', 'maybe') cannot be
written by a typed loader: it refuses or nulls them. Those injected rows are deleted from the text
load before either build, so both builds read the same rows (the text path quarantines them; its
tests are test_build.py's). Every other injected bad row (missing keys, duplicates, unknown labels,
negative quantities, bad ratings, inconsistent orders) is in both.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest
from conftest import run_cli
from typed_raw import DELETED, LOADER_VARS, TABLES, untypeable, write_typed_schema

from segments.runner import run_dbt

END_DATE = "2026-06-30"
TYPED_SCHEMA = "raw_typed"
TYPED_VARS = {"segments_raw_schema": TYPED_SCHEMA, **LOADER_VARS}
# Columns and tables that record the build itself (its time, its id), not a result.
BUILD_TIME_COLUMNS = ("fitted_at",)
# rpt_source_reconciliation counts the raw rows, which differ by design: the typed load has the
# loader's soft-deleted rows (checked by test_soft_deleted_rows_leave_staging_and_reconcile).
BUILD_RECORDS = ("main.segments_build_log", "main.rpt_source_reconciliation")


def _drop_untypeable_rows(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Delete from the text raw tables the rows a typed loader could not write; their counts."""
    return {table: connection.execute(f"delete from raw.{table} where {untypeable(table)}").fetchone()[0]
            for table in TABLES}


def _relations(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse)) as connection:
        return [f"{schema}.{name}" for schema, name in connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('main', 'main_quarantine') order by 1, 2").fetchall()]


def _except_all(connection: duckdb.DuckDBPyConnection, relation: str, first: str, second: str) -> list:
    schema, name = relation.split(".")
    columns = [row[0] for row in connection.execute(
        "select column_name from information_schema.columns where table_catalog = ? "
        "and table_schema = ? and table_name = ? order by ordinal_position",
        [first, schema, name]).fetchall() if row[0] not in BUILD_TIME_COLUMNS]
    listed = ", ".join(columns)
    return connection.execute(
        f"select {listed} from {first}.{relation} except all select {listed} from {second}.{relation}"
    ).fetchall()


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The text build and the typed build of the same 400 generated contacts with bad rows."""
    folder = tmp_path_factory.mktemp("typed")
    data, text_db, typed_db = folder / "data", folder / "text.duckdb", folder / "typed.duckdb"
    assert run_cli("generate", "--contacts", "400", "--seed", "7", "--end-date", END_DATE,
                   "--inject-bad-rows", "--out", str(data)) == 0
    assert run_cli("load", "--lenient", "--database", str(text_db), str(data)) == 0
    with duckdb.connect(str(text_db)) as connection:
        left_out = _drop_untypeable_rows(connection)
    with duckdb.connect(str(typed_db)) as connection:
        connection.execute(f"attach '{text_db}' as text_db")
        assert write_typed_schema(connection, "text_db", TYPED_SCHEMA) == dict.fromkeys(TABLES, 0)
    deleted = {table: len(changes) for table, changes in DELETED.items()}
    seconds = {}
    with pytest.MonkeyPatch.context() as patch:
        # every unit test runs on the typed schema too: a user's dbt build runs them all
        for name, warehouse, dbt_vars, excluded in (
            ("text", text_db, {}, ()),
            ("typed", typed_db, TYPED_VARS, ()),
        ):
            patch.setenv("SEGMENTS_DUCKDB_PATH", str(warehouse))
            started = time.perf_counter()
            exclude = ["--exclude", *excluded] if excluded else []
            run_dbt(["build", *exclude], {"segments_as_of_date": END_DATE, **dbt_vars})
            seconds[name] = time.perf_counter() - started
    print(f"\nbuild at 400 contacts: text {seconds['text']:.1f} s, typed {seconds['typed']:.1f} s")
    copies = {}
    for name, warehouse in (("text", text_db), ("typed", typed_db)):
        # a copy to compare: dbt's connection still holds the file, which another can't attach
        with duckdb.connect(str(warehouse)) as connection:
            connection.execute("checkpoint")
        copies[name] = folder / f"{name}-copy.duckdb"
        copies[name].write_bytes(warehouse.read_bytes())
    return {"text": text_db, "typed": typed_db, "left_out": left_out, "deleted": deleted,
            "copies": copies}


def test_typed_schema_has_typed_columns_and_no_loaded_at(builds: dict) -> None:
    with duckdb.connect(str(builds["typed"])) as connection:
        types = dict(connection.execute(
            "select table_name || '.' || column_name, data_type from information_schema.columns "
            f"where table_schema = '{TYPED_SCHEMA}'").fetchall())
    assert types["contacts.company_size"] == "INTEGER"
    assert types["contacts.email_opt_in"] == "BOOLEAN"
    assert types["contacts.created_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["interactions.occurred_at"] == "TIMESTAMP"
    assert types["orders.unit_price"] == "DECIMAL(12,2)"
    assert "contacts._loaded_at" not in types and types["orders._fivetran_deleted"] == "BOOLEAN"


def test_every_mart_is_identical(builds: dict) -> None:
    marts = [relation for relation in _relations(builds["text"])
             if relation.startswith("main.") and relation not in BUILD_RECORDS]
    assert len(marts) >= 20
    compared = 0
    with duckdb.connect() as connection:
        connection.execute(f"attach '{builds['copies']['text']}' as text_build")
        connection.execute(f"attach '{builds['copies']['typed']}' as typed_build")
        for mart in marts:
            assert _except_all(connection, mart, "text_build", "typed_build") == [], mart
            assert _except_all(connection, mart, "typed_build", "text_build") == [], mart
            compared += connection.execute(f"select count(*) from text_build.{mart}").fetchone()[0]
    print(f"\n{len(marts)} marts, {compared:,} rows compared")
    assert compared > 1000


def test_quarantines_are_identical(builds: dict) -> None:
    assert builds["left_out"] == {"contacts": 7, "orders": 4, "interactions": 2, "refunds": 2}
    quarantines = [relation for relation in _relations(builds["text"])
                   if relation.startswith("main_quarantine.")]
    assert len(quarantines) == len(TABLES)
    reasons = set()
    with duckdb.connect() as connection:
        connection.execute(f"attach '{builds['copies']['text']}' as text_build")
        connection.execute(f"attach '{builds['copies']['typed']}' as typed_build")
        for quarantine in quarantines:
            assert _except_all(connection, quarantine, "text_build", "typed_build") == [], quarantine
            assert _except_all(connection, quarantine, "typed_build", "text_build") == [], quarantine
            reasons |= {row[0] for row in connection.execute(
                f"select distinct quarantine_reason from typed_build.{quarantine}").fetchall()}
        # and the check across sources, made in the intermediate layer
        reasons |= {row[0] for row in connection.execute(
            "select distinct quarantine_reason from typed_build.main.rpt_quarantine_overview").fetchall()}
    # the checks the typed values went through, each of them exercised
    assert {"missing_key", "conflicting_duplicate_key", "negative_quantity", "unknown_status",
            "unknown_currency", "unknown_contact", "invalid_rating", "inconsistent_order",
            "missing_required_value"} <= reasons


def test_soft_deleted_rows_leave_staging_and_reconcile(builds: dict) -> None:
    staged = {"contacts": ("stg_contacts", "quarantine_contacts"),
              "orders": ("stg_order_lines", "quarantine_order_lines"),
              "interactions": ("stg_interactions", "quarantine_interactions")}
    with duckdb.connect(str(builds["typed"])) as connection:
        for table, (model, quarantine) in staged.items():
            raw, deleted = connection.execute(
                f"select count(*), count(*) filter (where _fivetran_deleted) "
                f"from {TYPED_SCHEMA}.{table}").fetchone()
            assert deleted == builds["deleted"][table]
            kept, copies = connection.execute(
                f"select count(*), coalesce(sum(collapsed_duplicates), 0) from ("
                f"select collapsed_duplicates from main_staging.{model} union all "
                f"select collapsed_duplicates from main_quarantine.{quarantine})").fetchone()
            assert raw == kept + copies + deleted, table
        assert connection.execute(
            "select count(*) from main.dim_contacts where contact_id = '99990001'").fetchone()[0] == 0
        assert connection.execute(
            "select count(*) from main.fct_order_lines where line_number = '99' "
            "or order_id = 'ORD-DELETED'").fetchone()[0] == 0


# --------------------------------------------------------------------------
# Single values: numbers and timestamps that overflow or no cast reads (as text), every typed kind
# --------------------------------------------------------------------------
STAGING = ["--select", "+stg_contacts", "+stg_order_lines", "+stg_interactions", "+quarantine_contacts",
           "+quarantine_order_lines", "+quarantine_interactions", "quarantine_reasons",
           "--exclude", "resource_type:unit_test", "--indirect-selection", "cautious"]
GOOD_CONTACT = {"contact_id": "c1", "created_at": "2024-01-05T10:00:00Z"}
GOOD_LINE = {"line_number": "1", "contact_id": "c1", "ordered_at": "2024-04-01T10:00:00Z",
             "status": "completed", "quantity": "1", "unit_price": "10", "currency": "EUR"}
# order id -> (changed values, expected reason): each line is its own order
HOSTILE_LINES = {
    "bigint-overflow": ({"quantity": "9223372036854775808"}, "unparseable_number"),
    "amount-overflow": ({"quantity": "9000000000000000000", "unit_price": "100000000000000000000"},
                        "unparseable_number"),
    "minus-infinity": ({"ordered_at": "-infinity"}, "unparseable_timestamp"),
    "epoch": ({"ordered_at": "epoch"}, "unparseable_timestamp"),
    "infinity": ({"ordered_at": "infinity"}, "unparseable_timestamp"),
    "before-christ": ({"ordered_at": "2024-01-01 (BC)"}, "unparseable_timestamp"),
    "year-10000": ({"ordered_at": "10000-01-01"}, "unparseable_timestamp"),
    "no-zero-padding": ({"ordered_at": "2024-3-5"}, "unparseable_timestamp"),
    "zone-name": ({"ordered_at": "2024-01-01 10:00 Europe/Paris"}, "unparseable_timestamp"),
    "valid": ({}, None),
}
HOSTILE_CONTACTS = {
    "c-size-overflow": ({"company_size": "99999999999999999999"}, "unparseable_number"),
    "c-epoch": ({"created_at": "epoch"}, "unparseable_timestamp"),
    "c-infinity": ({"updated_at": "infinity"}, "unparseable_timestamp"),
}


SQL_TYPES = {  # a loader's column types: DuckDB, PostgreSQL
    "text": ("varchar", "text"), "integer": ("integer", "integer"), "bigint": ("bigint", "bigint"),
    "boolean": ("boolean", "boolean"), "date": ("date", "date"), "double": ("double", "double precision"),
    "decimal": ("decimal(12, 2)", "numeric(12, 2)"), "timestamp": ("timestamp", "timestamp"),
    "timestamptz": ("timestamptz", "timestamptz"),
}
# Typed raw tables: integer keys, DATE, naive TIMESTAMP (read in Europe/Paris), DOUBLE, typed
# infinity and NaN, a soft-delete flag and no load stamp. Values are written as text and cast by
# the warehouse, as a loader's COPY would.
KIND_TYPES = {
    "contacts": {"contact_id": "integer", "company_size": "bigint", "email_opt_in": "boolean",
                 "created_at": "date", "updated_at": "timestamp", "_fivetran_deleted": "boolean"},
    "orders": {"order_id": "integer", "line_number": "bigint", "contact_id": "integer",
               "ordered_at": "timestamptz", "quantity": "integer", "unit_price": "double",
               "discount_amount": "decimal", "_fivetran_deleted": "boolean"},
    "interactions": {"interaction_id": "bigint", "contact_id": "integer", "occurred_at": "timestamp",
                     "rating": "double", "_fivetran_deleted": "boolean"},
}
LINE = {"line_number": "1", "contact_id": "42", "ordered_at": "2024-04-01 10:00:00+00",
        "status": "completed", "quantity": "1", "unit_price": "10", "currency": "EUR",
        "_fivetran_deleted": "false"}
KIND_ROWS = {
    "contacts": [
        {"contact_id": "42", "email": "Ann@Example.com", "company_size": "12", "email_opt_in": "true",
         "created_at": "2024-03-05", "updated_at": "2024-03-05 10:00:00", "_fivetran_deleted": "false"},
        {"contact_id": "43", "email_opt_in": "false", "created_at": "2024-03-05"},
        {"contact_id": "44", "company_size": "-3", "created_at": "2024-03-05", "_fivetran_deleted": "false"},
        {"contact_id": "45", "created_at": "2024-03-05", "_fivetran_deleted": "true"},
    ],
    "orders": [
        {**LINE, "order_id": "1", "ordered_at": "2024-04-01 12:00:00+02", "quantity": "2",
         "unit_price": "10.5", "discount_amount": "1.25"},
        {**LINE, "order_id": "2", "ordered_at": "infinity"},
        {**LINE, "order_id": "3", "unit_price": "nan"},
        {**LINE, "order_id": "4", "quantity": "-1"},
        {**LINE, "order_id": "5", "quantity": "7", "_fivetran_deleted": "true"},
    ],
    "interactions": [
        {"interaction_id": "7", "contact_id": "42", "occurred_at": "2024-04-02 09:30:00",
         "channel": "web", "interaction_type": "review", "rating": "4", "_fivetran_deleted": "false"},
        {"interaction_id": "8", "contact_id": "42", "occurred_at": "2024-04-02 09:30:00",
         "channel": "web", "interaction_type": "review", "rating": "4.5"},
    ],
}
KIND_VARS = {"segments_as_of_date": END_DATE, "segments_source_time_zone": "Europe/Paris",
             "segments_raw_loaded_at_column": "_fivetran_synced",
             "segments_raw_deleted_column": "_fivetran_deleted"}
KIND_REASONS = {
    "quarantine_contacts": {"44": "negative_number"},
    "quarantine_order_lines": {"2#1": "unparseable_timestamp", "3#1": "unparseable_number",
                               "4#1": "negative_quantity"},
    "quarantine_interactions": {"8": "unparseable_number"},
}


class DuckDBWarehouse:
    """Raw tables written and marts read on a DuckDB file, built by dbt in this process."""

    placeholder, types, quarantine_schema, staging_schema = "?", 0, "main_quarantine", "main_staging"

    def __init__(self, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.path = path
        monkeypatch.setenv("SEGMENTS_DUCKDB_PATH", str(path))

    def execute(self, sql: str, parameters: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.path)) as connection:
            return connection.execute(sql, parameters or []).fetchall()


class PostgresWarehouse(DuckDBWarehouse):
    """The same on the throwaway PostgreSQL server of scripts/with_postgres.sh (schema typed_pg)."""

    placeholder, types = "%s", 1
    quarantine_schema, staging_schema = "typed_pg_quarantine", "typed_pg_staging"

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import os

        import psycopg2

        if "PGHOST" not in os.environ:
            pytest.fail("no PostgreSQL server: run under scripts/with_postgres.sh (make test does)")
        self.connect = lambda: psycopg2.connect("")
        monkeypatch.setenv("SEGMENTS_TARGET", "postgres")
        monkeypatch.setenv("SEGMENTS_PG_SCHEMA", "typed_pg")
        for schema in ("raw_hostile", "raw_kinds", "typed_pg", "typed_pg_staging",
                       "typed_pg_quarantine", "typed_pg_seeds"):
            self.execute(f"drop schema if exists {schema} cascade")

    def execute(self, sql: str, parameters: list | None = None) -> list[tuple]:
        with self.connect() as server, server.cursor() as cursor:
            cursor.execute(sql, parameters)
            return cursor.fetchall() if cursor.description else []


def _write_raw(warehouse: DuckDBWarehouse, schema: str, types: dict, rows: dict) -> None:
    """Raw tables of the contract in `schema`: the given column types (text elsewhere), the rows."""
    from segments.contract import RAW_TABLES

    warehouse.execute(f"create schema {schema}")
    for table in RAW_TABLES:
        typed = types.get(table.name, {})
        columns = list(table.columns) + [c for c in typed if c not in table.columns]
        sql_type = {c: SQL_TYPES[typed.get(c, "text")][warehouse.types] for c in columns}
        definitions = ", ".join(f"{c} {sql_type[c]}" for c in columns)
        warehouse.execute(f"create table {schema}.{table.name} ({definitions})")
        for row in rows.get(table.name, []):
            casts = ", ".join(f"cast({warehouse.placeholder} as {sql_type[c]})" for c in row)
            warehouse.execute(f"insert into {schema}.{table.name} ({', '.join(row)}) values ({casts})",
                              list(row.values()))


def _reasons(warehouse: DuckDBWarehouse, quarantine: str) -> dict[str, str]:
    return dict(warehouse.execute(
        f"select record_key, quarantine_reason from {warehouse.quarantine_schema}.{quarantine}"))


def _check_hostile_values(warehouse: DuckDBWarehouse) -> int:
    """Each hostile value is quarantined with its reason, and none crashes the build."""
    contacts = [GOOD_CONTACT] + [{**GOOD_CONTACT, "contact_id": key, **values}
                                 for key, (values, _) in HOSTILE_CONTACTS.items()]
    lines = [{**GOOD_LINE, "order_id": key, **values} for key, (values, _) in HOSTILE_LINES.items()]
    _write_raw(warehouse, "raw_hostile", {}, {"contacts": contacts, "orders": lines})
    run_dbt(["build", *STAGING], {"segments_as_of_date": END_DATE, "segments_raw_schema": "raw_hostile"})
    assert _reasons(warehouse, "quarantine_order_lines") == {
        f"{key}#1": reason for key, (_, reason) in HOSTILE_LINES.items() if reason}
    assert _reasons(warehouse, "quarantine_contacts") == {
        key: reason for key, (_, reason) in HOSTILE_CONTACTS.items()}
    return len(HOSTILE_LINES) - 1 + len(HOSTILE_CONTACTS)


def _check_typed_kinds(warehouse: DuckDBWarehouse, capfd: pytest.CaptureFixture) -> None:
    """Every typed kind staged or quarantined as its text would be; soft deletes leave; a second
    (incremental) run without load stamp rebuilds in full and says so."""
    import datetime as dt

    _write_raw(warehouse, "raw_kinds", KIND_TYPES, KIND_ROWS)
    dbt_vars = {**KIND_VARS, "segments_raw_schema": "raw_kinds"}
    run_dbt(["build", *STAGING], dbt_vars)
    capfd.readouterr()
    run_dbt(["build", *STAGING], dbt_vars)
    assert "orders has no column _fivetran_synced (var segments_raw_loaded_at_column)" in capfd.readouterr().out
    staging = warehouse.staging_schema
    paris_midnight = dt.datetime(2024, 3, 4, 23, 0)  # 2024-03-05 00:00 in Paris (UTC+1)
    assert warehouse.execute(
        "select contact_id, email, company_size, email_opt_in, created_at, updated_at "
        f"from {staging}.stg_contacts order by 1") == [
        ("42", "ann@example.com", 12, True, paris_midnight, dt.datetime(2024, 3, 5, 9, 0)),
        ("43", None, None, False, paris_midnight, None)]
    lines = warehouse.execute("select order_id, quantity, unit_price, discount_amount, ordered_at "
                              f"from {staging}.stg_order_lines")
    assert [line[:2] for line in lines] == [("1", 2)]
    assert (float(lines[0][2]), float(lines[0][3])) == (10.5, 1.25)
    assert lines[0][4] == dt.datetime(2024, 4, 1, 10, 0)
    assert warehouse.execute(f"select interaction_id, rating, occurred_at from {staging}.stg_interactions") == [
        ("7", 4, dt.datetime(2024, 4, 2, 7, 30))]  # Paris is UTC+2 in April
    for quarantine, expected in KIND_REASONS.items():
        assert _reasons(warehouse, quarantine) == expected, quarantine


def test_hostile_numbers_and_timestamps_are_quarantined(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    count = _check_hostile_values(DuckDBWarehouse(tmp_path / "hostile.duckdb", monkeypatch))
    print(f"\nquarantined on DuckDB: {count} hostile values")


def test_every_typed_kind_is_read_like_its_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capfd: pytest.CaptureFixture) -> None:
    _check_typed_kinds(DuckDBWarehouse(tmp_path / "kinds.duckdb", monkeypatch), capfd)


def test_hostile_values_and_typed_kinds_on_postgres(monkeypatch: pytest.MonkeyPatch,
                                                    capfd: pytest.CaptureFixture) -> None:
    warehouse = PostgresWarehouse(monkeypatch)
    count = _check_hostile_values(warehouse)
    _check_typed_kinds(warehouse, capfd)
    print(f"\nquarantined on PostgreSQL: {count} hostile values and every typed kind")


def _freshness(warehouse: Path, dbt_vars: dict) -> dict[str, str]:
    """`dbt source freshness` on a warehouse: the status of each raw table."""
    import json

    from dbt.cli.main import dbtRunner

    from segments.project import project_dir

    root = project_dir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEGMENTS_DUCKDB_PATH", str(warehouse))
        result = dbtRunner().invoke(["source", "freshness", "--project-dir", str(root),
                                     "--profiles-dir", str(root / "profiles"),
                                     "--vars", json.dumps(dbt_vars)])
    assert result.exception is None, result.exception
    return {item.node.name: str(item.status) for item in result.result.results
            if item.node.resource_type == "source"}


def test_source_freshness_reads_the_configured_load_stamp(builds: dict) -> None:
    """Fresh on the loader's own stamp; a table without the configured column is reported stale
    (its load time is unknown), an error only when the error threshold is set; no database error."""
    assert _freshness(builds["typed"], TYPED_VARS) == dict.fromkeys(TABLES, "pass")
    absent = {"segments_raw_loaded_at_column": "_fivetran_synced"}
    assert _freshness(builds["text"], absent) == dict.fromkeys(TABLES, "warn")
    strict = {**absent, "segments_raw_freshness_error_after_hours": 48}
    assert _freshness(builds["text"], strict) == dict.fromkeys(TABLES, "error")


# --------------------------------------------------------------------------
# The same typed schema on PostgreSQL (Spark: make test-spark reads typed Parquet files)
# --------------------------------------------------------------------------
PG_TYPES = {"VARCHAR": "text", "INTEGER": "integer", "BOOLEAN": "boolean", "TIMESTAMP": "timestamp",
            "TIMESTAMP WITH TIME ZONE": "timestamptz", "DECIMAL(12,2)": "numeric(12, 2)"}


def _copy_typed_schema_to_postgres(typed_db: Path, folder: Path) -> dict[str, dict[str, str]]:
    """raw_typed.* of the DuckDB typed warehouse into PostgreSQL, column types kept (CSV + COPY, as
    a loader bulk-loads); returns the PostgreSQL type of each column."""
    import psycopg2

    written = {}
    with duckdb.connect(str(typed_db), read_only=True) as source, psycopg2.connect("") as server, \
            server.cursor() as cursor:
        source.execute("set TimeZone = 'UTC'")
        cursor.execute(f"drop schema if exists {TYPED_SCHEMA} cascade; create schema {TYPED_SCHEMA}")
        for table in TABLES:
            columns = source.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [TYPED_SCHEMA, table]).fetchall()
            written[table] = {name: PG_TYPES[data_type] for name, data_type in columns}
            cursor.execute(f"create table {TYPED_SCHEMA}.{table} ("
                           + ", ".join(f"{name} {kind}" for name, kind in written[table].items()) + ")")
            spooled = folder / f"pg-{table}.csv"
            source.execute(f"copy {TYPED_SCHEMA}.{table} to '{spooled}' (header, quote '\"')")
            with spooled.open(encoding="utf-8") as handle:
                cursor.copy_expert(f"copy {TYPED_SCHEMA}.{table} from stdin with (format csv, header true)",
                                   handle)
    return written


def _postgres_quarantine_reasons(schema: str) -> dict[str, list[tuple]]:
    import psycopg2

    with psycopg2.connect("") as server, server.cursor() as cursor:
        reasons = {}
        for quarantine in ("quarantine_contacts", "quarantine_order_lines", "quarantine_interactions"):
            cursor.execute(f"select record_key, quarantine_reason, collapsed_duplicates "
                           f"from {schema}_quarantine.{quarantine}")
            reasons[quarantine] = sorted(cursor.fetchall(), key=repr)
    return reasons


def test_typed_schema_on_postgres_builds_the_text_marts(builds: dict, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The typed schema bulk-loaded into PostgreSQL with its column types: a full dbt build (every
    unit and data test), scored with DuckDB's fitted parameters, gives the DuckDB text build's
    marts and quarantines, row for row."""
    import os

    from segments.engines import compare_engines

    if "PGHOST" not in os.environ:
        pytest.fail("no PostgreSQL server: run under scripts/with_postgres.sh (make test does)")
    types = _copy_typed_schema_to_postgres(builds["copies"]["typed"], tmp_path)
    assert types["contacts"]["created_at"] == "timestamptz" and types["orders"]["quantity"] == "integer"
    assert types["interactions"]["occurred_at"] == "timestamp" and "_loaded_at" not in types["orders"]
    parameters = tmp_path / "parameters.json"
    assert run_cli("parameters", "--database", str(builds["copies"]["text"]), "--out", str(parameters)) == 0
    monkeypatch.setenv("SEGMENTS_TARGET", "postgres")
    monkeypatch.setenv("SEGMENTS_PG_SCHEMA", "typed_build")
    monkeypatch.setenv("SEGMENTS_PREDICTION_PARAMETERS", parameters.read_text())
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    started = time.perf_counter()
    run_dbt(["build"], {"segments_as_of_date": END_DATE, **TYPED_VARS})
    seconds = time.perf_counter() - started
    results = compare_engines(builds["copies"]["text"], postgres=True, postgres_schema="typed_build")
    differing = [str(result) for result in results if not result.identical]
    assert differing == []
    with duckdb.connect(str(builds["copies"]["text"]), read_only=True) as connection:
        expected = {quarantine: sorted(connection.execute(
            f"select record_key, quarantine_reason, collapsed_duplicates from main_quarantine.{quarantine}"
        ).fetchall(), key=repr) for quarantine in ("quarantine_contacts", "quarantine_order_lines",
                                         "quarantine_interactions")}
    assert _postgres_quarantine_reasons("typed_build") == expected
    rows = sum(result.reference_rows for result in results)
    print(f"\nPostgreSQL typed build {seconds:.1f} s: {len(results)} marts, {rows:,} rows identical to "
          f"the DuckDB text build; {sum(map(len, expected.values()))} quarantined rows identical")
