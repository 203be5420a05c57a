"""`segments history`: rebuild the segments for a series of past dates into the snapshot history.

Every mart is point in time, so the segments of any past as_of_date can be rebuilt exactly. Building
them in increasing date order into the snapshot contact_segments_snapshot (check strategy on
segment_hash, valid from the as_of_date) gives a new user segment movement on day one.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import duckdb

from segments.errors import SegmentsError
from segments.runner import run_dbt

SNAPSHOT = "contact_segments_snapshot"


def month_ends(count: int, before: dt.date) -> list[dt.date]:
    """The last days of the `count` months that ended before `before`, oldest first."""
    ends = []
    year, month = before.year, before.month
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        ends.append(dt.date(year, month, calendar.monthrange(year, month)[1]))
    return sorted(ends)


def latest_recorded_date(warehouse: Path | None) -> dt.date | None:
    """The most recent as_of_date in the snapshot history of a DuckDB warehouse, or None when there
    is none yet (or the target is another engine: None for warehouse)."""
    if warehouse is None or not warehouse.is_file():
        return None
    with duckdb.connect(str(warehouse)) as connection:
        found = connection.execute(
            "select table_schema from information_schema.tables where table_name = ?", [SNAPSHOT]
        ).fetchone()
        if found is None:
            return None
        latest = connection.execute(
            f'select max(cast(dbt_valid_from as date)) from "{found[0]}"."{SNAPSHOT}"'
        ).fetchone()[0]
    return latest


def build_history(
    dates: list[dt.date], warehouse: Path | None, say: Callable[[str], None] = lambda message: None,
    dbt_vars: dict | None = None,
) -> list[dt.date]:
    """Build the segments and the snapshot for each date, oldest first; return the dates built.
    On DuckDB (warehouse given) dates before the latest one recorded are refused; on other
    engines keeping the dates increasing is the caller's part."""
    if not dates:
        raise SegmentsError("no dates to build")
    ordered = sorted(set(dates))
    latest = latest_recorded_date(warehouse)
    if latest is not None and ordered[0] <= latest:
        raise SegmentsError(
            f"the history already runs to {latest}: dates must come after it "
            f"(got {ordered[0]}); history is recorded in increasing date order"
        )
    for number, as_of in enumerate(ordered, start=1):
        say(f"history {number}/{len(ordered)}: segments as of {as_of}")
        run_dbt(
            ["build", "--select", f"+{SNAPSHOT}", "--exclude", "resource_type:test",
             "resource_type:unit_test", "--quiet"],
            {**(dbt_vars or {}), "segments_as_of_date": as_of.isoformat()},
        )
    return ordered
