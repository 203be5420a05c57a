"""Where `segments load` puts checked raw tables, per dbt target: the DuckDB file, PostgreSQL, or
text-only Parquet files that the Spark target reads.

Every writer takes the loader's in-memory DuckDB connection, in which each raw file has been read
and checked as a temp table of text columns, and replaces the three raw tables as one unit: all or
nothing. Raw values stay text everywhere; staging parses them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb

from segments import postgres
from segments.contract import RAW_TABLES, RawTable
from segments.errors import SegmentsError
from segments.sql import first_lines
from segments.sql import literal as _literal
from segments.sql import quote as _quote

Staged = dict[str, tuple[str, dict[str, int]]]
Say = Callable[[str], None]


def contract_select(table: RawTable, staged: Staged) -> str:
    """The staged file's columns in contract order, with missing optional columns as NULL text,
    in the file's row order."""
    staged_name, positions = staged[table.name]
    columns = ", ".join(
        f"c{positions[column]} as {column}" if column in positions else f"cast(null as varchar) as {column}"
        for column in table.columns
    )
    return f"select {columns} from {staged_name} order by rowid"


def write_duckdb(
    connection: duckdb.DuckDBPyConnection, staged: Staged, warehouse: Path, schema: str, say: Say
) -> dict[str, int]:
    """Replace <warehouse>.<schema>.{contacts,orders,interactions} in one DuckDB transaction."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    try:
        connection.execute(f"attach {_literal(str(warehouse))} as warehouse")
    except duckdb.Error as error:
        raise SegmentsError(f"{warehouse}: cannot open the warehouse ({first_lines(error, 3)})") from None
    counts: dict[str, int] = {}
    connection.execute("begin transaction")
    try:
        connection.execute(f"create schema if not exists warehouse.{_quote(schema)}")
        for table in RAW_TABLES:
            target = f"warehouse.{_quote(schema)}.{table.name}"
            connection.execute(f"create or replace table {target} as {contract_select(table, staged)}")
            counts[table.name] = connection.execute(f"select count(*) from {target}").fetchone()[0]
        connection.execute("commit")
    except duckdb.Error as error:
        connection.execute("rollback")
        raise SegmentsError(f"{warehouse}: load rolled back ({first_lines(error, 3)})") from None
    _report(counts, f"{warehouse}: {schema}", say)
    return counts


def write_postgres(
    connection: duckdb.DuckDBPyConnection, staged: Staged, schema: str, say: Say
) -> dict[str, int]:
    """Replace <schema>.{contacts,orders,interactions} on the PostgreSQL server of the PG*
    environment variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE) in one transaction.

    Each table travels as a CSV written by DuckDB and read by the server's COPY (bulk, not row by
    row). Both sides use the same CSV convention: NULL is an empty field, an empty string is "".
    """
    server = postgres.connect()
    spool = Path(tempfile.mkdtemp(prefix="segments-pg-load-"))
    try:
        counts: dict[str, int] = {}
        try:
            with server, server.cursor() as cursor:  # one transaction: commit on success, else rollback
                cursor.execute(f"create schema if not exists {_quote(schema)}")
                for table in RAW_TABLES:
                    spooled = spool / f"{table.name}.csv"
                    connection.execute(
                        f"copy ({contract_select(table, staged)}) to {_literal(str(spooled))} "
                        "(format csv, header true)"
                    )
                    target = f"{_quote(schema)}.{_quote(table.name)}"
                    columns = ", ".join(f"{_quote(column)} text" for column in table.columns)
                    cursor.execute(f"drop table if exists {target}")
                    cursor.execute(f"create table {target} ({columns})")
                    with spooled.open("rb") as handle:
                        cursor.copy_expert(f"copy {target} from stdin with (format csv, header true)", handle)
                    cursor.execute(f"select count(*) from {target}")
                    counts[table.name] = cursor.fetchone()[0]
        except postgres.database_error() as error:
            raise SegmentsError(f"PostgreSQL: load rolled back ({first_lines(error, 3)})") from None
        finally:
            server.close()
    finally:
        shutil.rmtree(spool, ignore_errors=True)
    _report(counts, f"PostgreSQL {os.environ.get('PGDATABASE', '')}: {schema}", say)
    return counts


def write_parquet(
    connection: duckdb.DuckDBPyConnection, staged: Staged, out_dir: Path, say: Say
) -> dict[str, int]:
    """Write OUT/<table>.parquet (every column text, contract order) for engines that read raw
    files in place (the spark target: see the var raw_parquet_dir). Files are written to a temp
    folder first and moved in together, so a failed write leaves the previous files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pending = Path(tempfile.mkdtemp(prefix=".segments-raw-", dir=out_dir))
    counts: dict[str, int] = {}
    try:
        for table in RAW_TABLES:
            connection.execute(
                f"copy ({contract_select(table, staged)}) to "
                f"{_literal(str(pending / f'{table.name}.parquet'))} (format parquet)"
            )
            staged_name = staged[table.name][0]
            counts[table.name] = connection.execute(f"select count(*) from {staged_name}").fetchone()[0]
        for table in RAW_TABLES:
            os.replace(pending / f"{table.name}.parquet", out_dir / f"{table.name}.parquet")
    except duckdb.Error as error:
        raise SegmentsError(f"{out_dir}: cannot write the raw files ({first_lines(error, 3)})") from None
    finally:
        shutil.rmtree(pending, ignore_errors=True)
    _report(counts, str(out_dir), say)
    return counts


def _report(counts: dict[str, int], where: str, say: Say) -> None:
    for name, rows in counts.items():
        say(f"loaded {where}.{name}: {rows:,} rows")
