"""Where `segments load` puts checked raw tables, per dbt target: the DuckDB file, PostgreSQL, or
text-only Parquet files that the Spark target reads.

Every writer takes the loader's in-memory DuckDB connection, in which each raw file has been read
and checked as a temp table of text columns, and writes the raw tables as one unit, all or
nothing: by default it replaces the three tables; with append=True (DuckDB and PostgreSQL only)
it inserts the rows of the files given into the existing tables and leaves the others untouched.

Raw values stay text everywhere (staging parses them), in contract order, followed by one column
that is not part of the contract: `_loaded_at`, a timestamp without time zone holding the UTC time
the load started writing, to the microsecond, the same for every row of one load. It is strictly
greater than every `_loaded_at` already in the raw tables of that schema (or folder): when the
clock is behind, the latest one plus a microsecond. Staging uses it as an incremental watermark.
On PostgreSQL the existing raw tables are locked against other writers before the stamp is
chosen, so concurrent loads commit in the order of their stamps.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb

from segments import postgres
from segments.contract import LOADED_AT, RAW_TABLES, RawTable
from segments.errors import SegmentsError
from segments.sql import first_lines, warehouse_error
from segments.sql import literal as _literal
from segments.sql import quote as _quote

Staged = dict[str, tuple[str, dict[str, int]]]
Say = Callable[[str], None]
Existing = dict[str, set[str]]  # raw table present in the warehouse -> its column names

ONE_MICROSECOND = dt.timedelta(microseconds=1)


def utc_now() -> dt.datetime:
    """The current UTC time as a naive datetime (the stamp is a timestamp without time zone)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def next_stamp(latest: dt.datetime | None) -> dt.datetime:
    """The `_loaded_at` of a new load: now (UTC, microseconds), or the latest stamp already
    loaded plus one microsecond when the clock is not past it."""
    now = utc_now()
    if latest is not None and now <= latest:
        return latest + ONE_MICROSECOND
    return now


def _stamp_sql(stamp: dt.datetime) -> str:
    return f"cast({_literal(stamp.isoformat(sep=' ', timespec='microseconds'))} as timestamp)"


def contract_select(table: RawTable, staged: Staged, stamp: dt.datetime) -> str:
    """The staged file's columns in contract order, with missing optional columns as NULL text,
    then the load's `_loaded_at`, in the file's row order."""
    staged_name, positions = staged[table.name]
    columns = ", ".join(
        f"c{positions[column]} as {column}" if column in positions else f"cast(null as varchar) as {column}"
        for column in table.columns
    )
    return f"select {columns}, {_stamp_sql(stamp)} as {LOADED_AT} from {staged_name} order by rowid"


def _tables(staged: Staged) -> list[RawTable]:
    """The raw tables to write, in contract order (all three, or those appended)."""
    return [table for table in RAW_TABLES if table.name in staged]


def _staged_rows(connection: duckdb.DuckDBPyConnection, staged: Staged, table: RawTable) -> int:
    return connection.execute(f"select count(*) from {staged[table.name][0]}").fetchone()[0]


def _insert_columns(table: RawTable) -> str:
    return ", ".join(_quote(column) for column in (*table.columns, LOADED_AT))


def check_append_targets(existing: Existing, staged: Staged, schema: str, where: str) -> None:
    """Refuse an append when a table to append to is missing or was loaded without the stamp."""
    missing = [f"{schema}.{table.name}" for table in _tables(staged) if table.name not in existing]
    unstamped = [
        f"{schema}.{table.name}"
        for table in _tables(staged)
        if table.name in existing and LOADED_AT not in existing[table.name]
    ]
    reasons = []
    if missing:
        reasons.append(
            f"{' and '.join(missing)} {'does' if len(missing) == 1 else 'do'} not exist yet: "
            "run `segments load DIR` first (without --append it loads all three files)"
        )
    if unstamped:
        reasons.append(
            f"{' and '.join(unstamped)} {'has' if len(unstamped) == 1 else 'have'} no {LOADED_AT} "
            "column (loaded by an older version of segments): reload the whole data without "
            "--append, then append to it"
        )
    if reasons:
        raise SegmentsError(
            f"cannot append to {where}: {'; '.join(reasons)}. The warehouse was not changed."
        )


def _latest_sql(existing: Existing, relation: Callable[[str], str]) -> str | None:
    """A query for the latest `_loaded_at` of the existing raw tables (None: none has one)."""
    parts = [
        f"select max(cast({_quote(LOADED_AT)} as timestamp)) as latest from {relation(name)}"
        for name, columns in existing.items()
        if LOADED_AT in columns
    ]
    return f"select max(latest) from ({' union all '.join(parts)}) as stamps" if parts else None


def write_duckdb(
    connection: duckdb.DuckDBPyConnection,
    staged: Staged,
    warehouse: Path,
    schema: str,
    say: Say,
    append: bool = False,
) -> dict[str, int]:
    """Replace <warehouse>.<schema>.{contacts,orders,interactions}, or append the staged tables
    to them, in one DuckDB transaction."""
    where = f"{warehouse}: {schema}"
    if append and not warehouse.is_file():
        check_append_targets({}, staged, schema, str(warehouse))  # refuses without creating the file
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    try:
        connection.execute(f"attach {_literal(str(warehouse))} as warehouse")
    except duckdb.Error as error:
        raise SegmentsError(f"{warehouse_error(error, warehouse)}; the warehouse was not changed") from None

    def relation(name: str) -> str:
        return f"warehouse.{_quote(schema)}.{_quote(name)}"

    counts: dict[str, int] = {}
    connection.execute("begin transaction")
    try:
        existing: Existing = {}
        for name, column in connection.execute(
            "select table_name, column_name from duckdb_columns() "
            "where database_name = 'warehouse' and schema_name = ? "
            f"and table_name in ({', '.join('?' for _ in RAW_TABLES)})",
            [schema, *(table.name for table in RAW_TABLES)],
        ).fetchall():
            existing.setdefault(name, set()).add(column)
        if append:
            check_append_targets(existing, staged, schema, str(warehouse))
        latest_sql = _latest_sql(existing, relation)
        stamp = next_stamp(connection.execute(latest_sql).fetchone()[0] if latest_sql else None)
        if not append:
            connection.execute(f"create schema if not exists warehouse.{_quote(schema)}")
        for table in _tables(staged):
            select = contract_select(table, staged, stamp)
            if append:
                connection.execute(f"insert into {relation(table.name)} ({_insert_columns(table)}) {select}")
            else:
                connection.execute(f"create or replace table {relation(table.name)} as {select}")
            counts[table.name] = _staged_rows(connection, staged, table)
        connection.execute("commit")
    except duckdb.Error as error:
        connection.execute("rollback")
        verb = "append" if append else "load"
        raise SegmentsError(f"{warehouse}: {verb} rolled back ({first_lines(error, 3)})") from None
    except BaseException:
        connection.execute("rollback")
        raise
    _report(counts, where, say, append)
    return counts


def write_postgres(
    connection: duckdb.DuckDBPyConnection, staged: Staged, schema: str, say: Say, append: bool = False
) -> dict[str, int]:
    """Replace <schema>.{contacts,orders,interactions}, or append the staged tables to them, on the
    PostgreSQL server of the PG* environment variables (PGHOST, PGPORT, PGUSER, PGPASSWORD,
    PGDATABASE) in one transaction.

    Each table travels as a CSV written by DuckDB and read by the server's COPY (bulk, not row by
    row; into the existing table when appending). Both sides use the same CSV convention: NULL is
    an empty field, an empty string is "".
    """
    server = postgres.connect()
    spool = Path(tempfile.mkdtemp(prefix="segments-pg-load-"))
    database = f"PostgreSQL {os.environ.get('PGDATABASE', '')}".rstrip()
    where = f"{database}: {schema}"

    def relation(name: str) -> str:
        return f"{_quote(schema)}.{_quote(name)}"

    try:
        counts: dict[str, int] = {}
        try:
            with server, server.cursor() as cursor:  # one transaction: commit on success, else rollback
                cursor.execute(
                    "select table_name, column_name from information_schema.columns "
                    "where table_schema = %s and table_name in %s",
                    [schema, tuple(table.name for table in RAW_TABLES)],
                )
                existing: Existing = {}
                for name, column in cursor.fetchall():
                    existing.setdefault(name, set()).add(column)
                if append:
                    check_append_targets(existing, staged, schema, database)
                else:
                    cursor.execute(f"create schema if not exists {_quote(schema)}")
                present = [relation(table.name) for table in RAW_TABLES if table.name in existing]
                if present:  # no other load writes until this one commits: stamps in commit order
                    cursor.execute(f"lock table {', '.join(present)} in exclusive mode")
                latest_sql = _latest_sql(existing, relation)
                latest = None
                if latest_sql:
                    cursor.execute(latest_sql)
                    latest = cursor.fetchone()[0]
                stamp = next_stamp(latest)
                for table in _tables(staged):
                    spooled = spool / f"{table.name}.csv"
                    connection.execute(
                        f"copy ({contract_select(table, staged, stamp)}) to {_literal(str(spooled))} "
                        "(format csv, header true)"
                    )
                    target = relation(table.name)
                    if not append:
                        columns = ", ".join(f"{_quote(column)} text" for column in table.columns)
                        cursor.execute(f"drop table if exists {target}")
                        cursor.execute(f"create table {target} ({columns}, {_quote(LOADED_AT)} timestamp)")
                    with spooled.open("rb") as handle:
                        cursor.copy_expert(
                            f"copy {target} ({_insert_columns(table)}) from stdin "
                            "with (format csv, header true)",
                            handle,
                        )
                    counts[table.name] = _staged_rows(connection, staged, table)
        except postgres.database_error() as error:
            verb = "append" if append else "load"
            raise SegmentsError(f"PostgreSQL: {verb} rolled back ({first_lines(error, 3)})") from None
        finally:
            server.close()
    finally:
        shutil.rmtree(spool, ignore_errors=True)
    _report(counts, where, say, append)
    return counts


def write_parquet(
    connection: duckdb.DuckDBPyConnection, staged: Staged, out_dir: Path, say: Say
) -> dict[str, int]:
    """Write OUT/<table>.parquet (every contract column text, in contract order, then the Parquet
    timestamp `_loaded_at`) for engines that read raw files in place (the spark target: see the
    var segments_raw_parquet_dir). The stamp follows those of the files already in OUT. Files are written
    to a temp folder first and moved in together, so a failed write leaves the previous files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pending = Path(tempfile.mkdtemp(prefix=".segments-raw-", dir=out_dir))
    counts: dict[str, int] = {}
    try:
        stamp = next_stamp(_latest_parquet_stamp(connection, out_dir))
        for table in RAW_TABLES:
            connection.execute(
                f"copy ({contract_select(table, staged, stamp)}) to "
                f"{_literal(str(pending / f'{table.name}.parquet'))} (format parquet)"
            )
            counts[table.name] = _staged_rows(connection, staged, table)
        for table in RAW_TABLES:
            os.replace(pending / f"{table.name}.parquet", out_dir / f"{table.name}.parquet")
    except duckdb.Error as error:
        raise SegmentsError(f"{out_dir}: cannot write the raw files ({first_lines(error, 3)})") from None
    finally:
        shutil.rmtree(pending, ignore_errors=True)
    _report(counts, str(out_dir), say)
    return counts


def _latest_parquet_stamp(connection: duckdb.DuckDBPyConnection, out_dir: Path) -> dt.datetime | None:
    """The latest `_loaded_at` of the raw Parquet files already in OUT (files without the column,
    written by an older version, or unreadable ones are replaced and do not count)."""
    stamps = []
    for table in RAW_TABLES:
        path = out_dir / f"{table.name}.parquet"
        if not path.is_file():
            continue
        try:
            latest = connection.execute(
                f"select max(cast({_quote(LOADED_AT)} as timestamp)) "
                f"from read_parquet({_literal(str(path))})"
            ).fetchone()[0]
        except duckdb.Error:
            continue
        if latest is not None:
            stamps.append(latest)
    return max(stamps, default=None)


def _report(counts: dict[str, int], where: str, say: Say, append: bool = False) -> None:
    for name, rows in counts.items():
        if append:
            say(f"appended {rows:,} rows to {where}.{name}")
        else:
            say(f"loaded {where}.{name}: {rows:,} rows")
