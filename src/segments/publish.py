"""Publish the marts for readers: a DuckDB file of their own, swapped in whole after a good build.

DuckDB lets one process write a database file and, while it writes, no other process open it: a
dashboard (Superset, Metabase, Evidence, a notebook) pointed at the warehouse fails with "Could not
set lock on file" during every build, and a build fails while a dashboard holds the file. So readers
get a copy: every table and view of the marts' schema (intermediate models, int_*, left out), of its
seeds (the segment definitions), snapshots and quarantine, copied as tables into a new file next to
the target, which then
replaces the target by one rename. A reader opens either the previous file or the new one, whole:
never a build in progress, never two builds mixed. A reader that has the previous file open keeps
reading it until it reconnects.

Only a successful build of one as_of_date is published (check_build); `segments build` publishes
after every full build on DuckDB.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import duckdb

from segments.build_log import check_build
from segments.errors import SegmentsError
from segments.sql import literal, quote

# The marts whose as_of_date check_build compares with the build's.
CHECKED_MARTS = ("contact_segments", "contact_rfm", "contact_abc", "contact_lifecycle", "segment_kpis")
# Schemas published beside the marts' own: <marts schema><suffix>.
SCHEMA_SUFFIXES = ("", "_seeds", "_snapshots", "_quarantine")
INTERMEDIATE_PREFIX = "int_"


def published_path(warehouse: Path) -> Path:
    """Where the published copy of a warehouse goes by default: warehouse/segments.duckdb ->
    warehouse/segments.published.duckdb."""
    return warehouse.with_name(f"{warehouse.stem}.published{warehouse.suffix}")


def _relations(connection: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(schema, name) of every relation to publish, in a fixed order."""
    found = connection.execute(
        "select table_schema from information_schema.tables "
        "where table_catalog = current_database() and table_name = 'contact_segments' "
        "order by table_schema <> 'main', table_schema limit 1"
    ).fetchone()
    if found is None:
        raise SegmentsError("no mart contact_segments in this warehouse: run `segments build` first")
    schemas = [found[0] + suffix for suffix in SCHEMA_SUFFIXES]
    rows = connection.execute(
        f"""
        select table_schema, table_name from information_schema.tables
        where table_catalog = current_database()
          and table_schema in ({", ".join("?" for _ in schemas)})
          and not starts_with(table_name, ?)
        order by table_schema, table_name
        """,
        [*schemas, INTERMEDIATE_PREFIX],
    ).fetchall()
    return [(schema, name) for schema, name in rows]


def publish(warehouse: Path, out: Path | None = None) -> dict:
    """Copy the marts of `warehouse` into `out` (default: published_path) atomically; return what
    was published."""
    out = out or published_path(warehouse)
    if not warehouse.is_file():
        raise SegmentsError(f"{warehouse}: no warehouse yet: run `segments load` and `segments build`")
    if out.resolve() == warehouse.resolve():
        raise SegmentsError(f"{out}: the published file cannot be the warehouse itself")
    if not out.parent.is_dir():
        raise SegmentsError(f"{out.parent}: no such folder for the published file")
    started = time.perf_counter()
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    # The warehouse is opened as `segments build` leaves it open in this process (dbt-duckdb keeps
    # its database): read-write, the copy attached to it.
    with duckdb.connect(str(warehouse)) as connection:
        as_of = check_build(connection, CHECKED_MARTS)
        relations = _relations(connection)
        try:
            connection.execute(f"attach {literal(str(temporary))} as published_copy")
            for schema in sorted({schema for schema, _ in relations}):
                connection.execute(f"create schema if not exists published_copy.{quote(schema)}")
            for schema, name in relations:
                connection.execute(
                    f"create table published_copy.{quote(schema)}.{quote(name)} as "
                    f"select * from {quote(schema)}.{quote(name)}"
                )
            connection.execute("checkpoint published_copy")
            connection.execute("detach published_copy")
            os.chmod(temporary, 0o644)
            os.replace(temporary, out)
        except (OSError, duckdb.Error) as error:
            with contextlib.suppress(duckdb.Error):
                connection.execute("detach database if exists published_copy")
            temporary.unlink(missing_ok=True)
            raise SegmentsError(f"{out}: cannot publish the marts ({error})") from None
    return {"path": out, "as_of_date": as_of, "relations": len(relations),
            "seconds": time.perf_counter() - started}
