"""Small helpers for the SQL the CLI sends to DuckDB: quoting, finding a relation, error text."""

from __future__ import annotations

import os
import re
from pathlib import Path

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
    $SEGMENTS_DUCKDB_MEMORY_LIMIT, default 3GB (beyond it DuckDB spills to its temp directory).
    A value DuckDB does not read as a size is a user error."""
    value = os.environ.get("SEGMENTS_DUCKDB_MEMORY_LIMIT", "3GB")
    try:
        with duckdb.connect() as connection:
            connection.execute(f"set memory_limit = {literal(value)}")
    except duckdb.Error:
        raise SegmentsError(
            f"SEGMENTS_DUCKDB_MEMORY_LIMIT={value}: not a memory size (e.g. 3GB, 500MB, 80%)"
        ) from None
    return value


def duckdb_threads() -> int:
    """The dbt profile's DuckDB threads, $SEGMENTS_DUCKDB_THREADS (default 1): a whole number
    of at least 1, else a user error."""
    value = os.environ.get("SEGMENTS_DUCKDB_THREADS", "1")
    if not value.strip().isdigit() or int(value) < 1:
        raise SegmentsError(f"SEGMENTS_DUCKDB_THREADS={value}: not a whole number of at least 1")
    return int(value)


LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")


def _process(pid: str, program: str) -> str:
    """What process `pid` runs: its command line where /proc shows it, else its program."""
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        command = " ".join(argument.decode(errors="replace") for argument in arguments if argument)
    except OSError:
        command = ""
    return command or program


def warehouse_error(error: duckdb.Error, warehouse: Path | str | None = None) -> str:
    """One line for a DuckDB error opening a warehouse file: who holds its lock, or that the file
    is not a DuckDB database; else the error's first lines."""
    text = str(error)
    named = re.search(r'file "(?P<file>[^"]+)"', text)
    where = f"{warehouse or named['file']}: " if warehouse or named else ""
    holder = LOCK_HOLDER.search(text)
    if holder:
        process = _process(holder["pid"], holder["program"])
        return (
            f"{where}the warehouse is in use by another "
            f"process, PID {holder['pid']} ({process}); a DuckDB file is open to one process at a "
            "time: wait for it to finish, then run the command again"
        )
    if "not a valid DuckDB database file" in text:
        return (
            f"{where}not a DuckDB database file: give "
            "another --database (or SEGMENTS_DUCKDB_PATH), or move this file away"
        )
    return f"{where}{first_lines(error, 3)}"


def check_warehouse(warehouse: Path) -> None:
    """Open and close the DuckDB file (when it exists) so that a lock held by another process or
    a file that is not a DuckDB database stops a command before it starts, in one line."""
    if not warehouse.exists():
        return
    try:
        duckdb.connect(str(warehouse)).close()
    except duckdb.Error as error:
        raise SegmentsError(warehouse_error(error, warehouse)) from None


def build_settings(connection: duckdb.DuckDBPyConnection) -> dict:
    """The vars the marts were built with (reporting model rpt_build_settings), so what reads the
    marts follows a build run with --vars or inside a host project."""
    import json

    rows = connection.execute(
        f"select setting_name, setting_value from {relation(connection, 'rpt_build_settings')}"
    ).fetchall()
    return {name: json.loads(value) for name, value in rows}
