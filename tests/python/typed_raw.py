"""Raw tables as a loader such as Fivetran writes them, made from the text raw of `segments load`.

Columns get their natural types (INTEGER, BOOLEAN, DECIMAL, TIMESTAMPTZ, TIMESTAMP without zone
written as wall-clock times of SOURCE_ZONE); the load stamp is `_fivetran_synced`, a soft-delete
flag `_fivetran_deleted` marks a few added rows deleted, and there is no `_loaded_at`.

Values that fit no typed column ('two', 'not-a-date', 'maybe') cannot be written by a typed
loader: it refuses them, so those rows are left out (`untypeable`).

Used by test_typed_sources.py, and as a script by make test-spark, which builds the typed Parquet
files on Spark and compares its marts with the DuckDB text build of the same data:
    python tests/python/typed_raw.py --database WAREHOUSE.duckdb --parquet-dir DIR
(DIR/loader-vars.json then holds the vars that point the project at these files' columns).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import duckdb

# Naive timestamps are written as wall-clock times of this zone (no daylight saving time, so every
# wall-clock time is unambiguous) and read back with var segments_source_time_zone.
SOURCE_ZONE = "Asia/Tokyo"
TABLES = ("contacts", "orders", "interactions", "refunds")
# The columns a loader types, by table; every other column stays text (keys keep leading zeros).
TYPES = {
    "contacts": {"company_size": "integer", "email_opt_in": "boolean", "created_at": "timestamptz",
                 "updated_at": "timestamp"},
    "orders": {"line_number": "integer", "ordered_at": "timestamptz", "quantity": "integer",
               "unit_price": "decimal(12, 2)", "discount_amount": "decimal(12, 2)"},
    "interactions": {"occurred_at": "timestamp", "rating": "integer"},
    "refunds": {"refunded_at": "timestamptz", "amount": "decimal(12, 2)"},
}
# The vars that point the project at such a raw schema.
LOADER_VARS = {"segments_raw_loaded_at_column": "_fivetran_synced",
               "segments_raw_deleted_column": "_fivetran_deleted", "segments_source_time_zone": SOURCE_ZONE}
# Rows the loader marks deleted; each would change a mart or a quarantine if it stayed.
DELETED = {
    "contacts": [
        # a new contact, and a second version of a valid one (a conflicting key if it stayed)
        "contact_id = '99990001', email = 'deleted@example.com'",
        "email = 'changed@example.com'",
    ],
    "orders": [
        # one more line on a valid order, and an order of the deleted contact
        "line_number = 99, quantity = 5",
        "order_id = 'ORD-DELETED', contact_id = '99990001'",
    ],
    "interactions": ["interaction_id = 'INT-DELETED', interaction_type = 'email_click'"],
    # a refund of the whole first valid order (it would lower its revenue if it stayed)
    "refunds": ["refund_id = 'REF-DELETED', order_id = 'ORD-000000001', line_number = null, amount = 1.00"],
}
# The first valid row of each table: its keys sort before the injected ones (9..., ORD-9...).
FIRST_VALID = {"contacts": ("contact_id", "contact_id < '9'"), "orders": ("order_id", "order_id < 'ORD-9'"),
               "interactions": ("interaction_id", "interaction_id < 'INT-9'"),
               "refunds": ("refund_id", "true")}


def _typed(column: str, kind: str) -> str:
    """The typed value a loader writes for a text value (NULL when it fits no such column)."""
    if kind == "timestamp":  # the wall-clock time in SOURCE_ZONE, without zone
        return f"timezone('{SOURCE_ZONE}', try_cast({column} as timestamptz))"
    return f"try_cast({column} as {kind})"


def untypeable(table: str) -> str:
    """A condition on a text row: one of its values fits no typed column of TYPES."""
    return " or ".join(f"({c} is not null and {_typed(c, kind)} is null)" for c, kind in TYPES[table].items())


def write_typed_schema(connection: duckdb.DuckDBPyConnection, source: str, schema: str) -> dict[str, int]:
    """<schema>.<table> from the text <source>.raw.<table> (an attached catalog), as a loader types
    it: untypeable rows left out, soft-deleted rows added. Returns the rows left out per table."""
    connection.execute(f"create schema {schema}")
    left_out = {}
    for table in TABLES:
        columns = [row[0] for row in connection.execute(
            "select column_name from information_schema.columns where table_catalog = ? "
            "and table_schema = 'raw' and table_name = ? and column_name != '_loaded_at' "
            "order by ordinal_position", [source, table]).fetchall()]
        values = [f"{_typed(c, TYPES[table][c])} as {c}" if c in TYPES[table] else c for c in columns]
        connection.execute(f"""
            create table {schema}.{table} as
            select {', '.join(values)},
                cast(_loaded_at as timestamptz) as _fivetran_synced,
                false as _fivetran_deleted
            from {source}.raw.{table}
            where not ({untypeable(table)})
        """)
        left_out[table] = connection.execute(
            f"select count(*) from {source}.raw.{table} where {untypeable(table)}").fetchone()[0]
        _add_soft_deleted_rows(connection, schema, table)
    return left_out


def _add_soft_deleted_rows(connection: duckdb.DuckDBPyConnection, schema: str, table: str) -> None:
    key, valid = FIRST_VALID[table]
    for change in DELETED[table]:
        # a copy of the first valid row, changed, marked deleted, synced a day later
        connection.execute(f"""
            create or replace temp table deleted_row as
            select * from {schema}.{table}
            where {key} = (select min({key}) from {schema}.{table} where {valid})
            limit 1
        """)
        connection.execute(f"update deleted_row set {change}, _fivetran_deleted = true, "
                           "_fivetran_synced = _fivetran_synced + interval 1 day")
        connection.execute(f"insert into {schema}.{table} select * from deleted_row")


def write_typed_parquet(warehouse: Path, out_dir: Path) -> dict[str, int]:
    """OUT/<table>.parquet, typed as above, from the text raw tables of a DuckDB warehouse."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as connection:
        connection.execute("set TimeZone = 'UTC'")
        connection.execute(f"attach '{warehouse}' as text_raw (read_only)")
        left_out = write_typed_schema(connection, "text_raw", "typed")
        for table in TABLES:
            connection.execute(f"copy typed.{table} to '{out_dir / table}.parquet' (format parquet)")
    return left_out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", type=Path, required=True, help="DuckDB warehouse with raw.* as text")
    parser.add_argument("--parquet-dir", type=Path, required=True, help="folder for <table>.parquet")
    args = parser.parse_args()
    left_out = write_typed_parquet(args.database, args.parquet_dir)
    (args.parquet_dir / "loader-vars.json").write_text(json.dumps(LOADER_VARS))
    print(f"typed raw Parquet in {args.parquet_dir}; rows a typed loader refuses, left out: {left_out}")


if __name__ == "__main__":
    main()
