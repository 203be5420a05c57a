"""The marts a command reads must come from one successful build, of one as_of_date.

dbt's on-run-start and on-run-end hooks (macro record_build) append to main.segments_build_log a
'started' row and then a 'succeeded' or 'failed' row for every dbt run or build that selects a mart;
a run killed midway keeps its 'started' row alone. Before `summary`, `report` and `export` read the
marts, check_build refuses, in one line, marts whose latest run failed or never finished, marts that
hold another as_of_date than that run's (a partial build, or one for another date), and, for an
export, raw consent data loaded after that run started (the export must apply the latest consent).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb

from segments.errors import SegmentsError
from segments.sql import quote as _quote

BUILD_LOG = "segments_build_log"
REBUILD = "run `segments build`"


def check_build(
    connection: duckdb.DuckDBPyConnection,
    marts: Sequence[str],
    raw_tables: Sequence[str] = (),
) -> dt.date:
    """The as_of_date of the latest build, after checking that it succeeded, that every mart of
    `marts` with an as_of_date column holds that date only, and that none of `raw_tables` was loaded
    (column _loaded_at) after the build started. Raises SegmentsError otherwise."""
    log = _find(connection, BUILD_LOG)
    if log is None:
        raise SegmentsError(
            f"no build is recorded in this warehouse ({BUILD_LOG}): {REBUILD} first"
        )
    latest = connection.execute(
        f"""
        select
            as_of_date,
            min(recorded_at) as started_at,
            bool_or(phase = 'succeeded') as succeeded,
            bool_or(phase = 'failed') as failed,
            max(failed_nodes) as failed_nodes
        from {log}
        group by invocation_id, as_of_date
        order by started_at desc, invocation_id desc
        limit 1
        """
    ).fetchone()
    if latest is None:
        raise SegmentsError(
            f"no build is recorded in this warehouse ({BUILD_LOG}): {REBUILD} first"
        )
    as_of_date, started_at, succeeded, failed, failed_nodes = latest
    started = started_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    if failed:
        raise SegmentsError(
            f"the last build (as of {as_of_date}, started {started}) failed ({failed_nodes} node(s) "
            f"failed or skipped): the marts may mix two builds; fix it and {REBUILD} again"
        )
    if not succeeded:
        raise SegmentsError(
            f"the last build (as of {as_of_date}, started {started}) did not finish: the marts may "
            f"mix two builds; {REBUILD} again"
        )
    mixed = [
        f"{mart} as of {', '.join(map(str, dates))}"
        for mart, dates in ((mart, _dates(connection, mart)) for mart in marts)
        if dates and dates != [as_of_date]
    ]
    if mixed:
        raise SegmentsError(
            f"the marts are not of the last build (as of {as_of_date}): {'; '.join(mixed)}; "
            f"{REBUILD} for one date"
        )
    for table in raw_tables:
        loaded = _latest_load(connection, table)
        if loaded is not None and loaded > started_at:
            raise SegmentsError(
                f"raw {table} was loaded at {loaded:%Y-%m-%d %H:%M:%S} UTC, after the last build "
                f"(started {started}): consent may have changed since; {REBUILD} first"
            )
    return as_of_date


def _find(connection: duckdb.DuckDBPyConnection, table: str, column: str | None = None) -> str | None:
    """schema.table of a table of this database (with `column`, when given), or None."""
    found = connection.execute(
        """
        select table_schema from information_schema.columns
        where table_catalog = current_database() and table_name = ?
          and column_name = coalesce(?, column_name)
        order by table_schema <> 'main', table_schema limit 1
        """,
        [table, column],
    ).fetchone()
    return None if found is None else f"{_quote(found[0])}.{_quote(table)}"


def _dates(connection: duckdb.DuckDBPyConnection, mart: str) -> list[dt.date]:
    relation = _find(connection, mart, "as_of_date")
    if relation is None:
        return []
    rows = connection.execute(f"select distinct as_of_date from {relation} order by 1").fetchall()
    return [row[0] for row in rows]


def _latest_load(connection: duckdb.DuckDBPyConnection, table: str) -> dt.datetime | None:
    found = connection.execute(
        "select table_schema from information_schema.columns where table_catalog = "
        "current_database() and table_name = ? and column_name = '_loaded_at' "
        "and table_schema not like 'main%' order by table_schema = 'raw' desc limit 1",
        [table],
    ).fetchone()
    if found is None:
        return None
    return connection.execute(
        f"select max(_loaded_at) from {_quote(found[0])}.{_quote(table)}"
    ).fetchone()[0]
