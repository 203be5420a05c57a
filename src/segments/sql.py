"""Small helpers for the SQL the CLI sends to DuckDB: quoting, finding a relation, error text."""

from __future__ import annotations

import os

import duckdb

from segments.errors import SegmentsError


def quote(identifier: str) -> str:
    """A double-quoted SQL identifier."""
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A single-quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def first_lines(error: BaseException, count: int = 1) -> str:
    """The first non-empty line(s) of an error message, joined by ' / ' (a one-line message)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return " / ".join(lines[:count]) if lines else type(error).__name__


def relation(connection: duckdb.DuckDBPyConnection, table: str, schema: str | None = None) -> str:
    """schema.table of a model, seed or raw table, wherever the profile put it (a schema named
    `schema` first, when several hold the table). A missing table is a user error."""
    found = connection.execute(
        "select table_schema from information_schema.tables "
        "where table_name = ? and table_catalog = current_database() "
        "order by table_schema <> coalesce(?, table_schema), table_schema limit 1",
        [table, schema],
    ).fetchone()
    if found is None:
        raise SegmentsError(f"{table} is not in the warehouse yet: run `segments build` first")
    return f"{quote(found[0])}.{quote(table)}"


def memory_limit() -> str:
    """DuckDB's memory limit for the CLI's own connections and the dbt profile alike:
    $SEGMENTS_DUCKDB_MEMORY_LIMIT, default 3GB (beyond it DuckDB spills to its temp directory)."""
    return os.environ.get("SEGMENTS_DUCKDB_MEMORY_LIMIT", "3GB")
