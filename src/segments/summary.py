"""`segments summary`: a short, readable account of what the last build produced."""

from __future__ import annotations

from pathlib import Path

import duckdb

from segments.errors import SegmentsError

SOURCES = (
    ("contacts", "stg_contacts", "quarantine_contacts"),
    ("orders", "stg_order_lines", "quarantine_order_lines"),
    ("interactions", "stg_interactions", "quarantine_interactions"),
)


def _relation(connection: duckdb.DuckDBPyConnection, table: str) -> str:
    """schema.table of a model or raw table, wherever the profile put it."""
    found = connection.execute(
        "select table_schema from information_schema.tables where table_name = ? "
        "order by table_schema limit 1",
        [table],
    ).fetchone()
    if found is None:
        raise SegmentsError(f"{table} is not in the warehouse yet: run `segments build` first")
    return f'"{found[0]}"."{table}"'


def _count(connection: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(connection.execute(sql).fetchone()[0] or 0)


def summary(warehouse: Path) -> str:
    """The summary text: reconciliation per source, quarantine reasons, order facts."""
    if not warehouse.is_file():
        raise SegmentsError(f"{warehouse}: no warehouse yet: run `segments load` and `segments build`")
    with duckdb.connect(str(warehouse)) as connection:
        lines = [f"Warehouse: {warehouse}", ""]
        lines += _reconciliation_lines(connection)
        lines += [""] + _quarantine_lines(connection)
        lines += [""] + _order_lines(connection)
    return "\n".join(lines)


def _reconciliation_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    header = f"{'source':<14}{'raw rows':>12}{'staged':>12}{'quarantined':>13}{'duplicates':>12}  reconciled"
    lines = [header, "-" * len(header)]
    for source, staged, quarantined in SOURCES:
        raw = _count(connection, f"select count(*) from {_relation(connection, source)}")
        valid = _count(connection, f"select count(*) from {_relation(connection, staged)}")
        bad = _count(connection, f"select count(*) from {_relation(connection, quarantined)}")
        copies = _count(
            connection,
            f"select sum(collapsed_duplicates) from {_relation(connection, staged)}",
        ) + _count(
            connection,
            f"select sum(collapsed_duplicates) from {_relation(connection, quarantined)}",
        )
        verdict = "yes" if raw == valid + bad + copies else "NO"
        lines.append(f"{source:<14}{raw:>12,}{valid:>12,}{bad:>13,}{copies:>12,}  {verdict}")
    return lines


def _quarantine_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    unions = " union all ".join(
        f"select source_table, quarantine_reason from {_relation(connection, quarantined)}"
        for _, _, quarantined in SOURCES
    )
    rows = connection.execute(
        f"select source_table, quarantine_reason, count(*) from ({unions}) "
        "group by all order by 3 desc, 1, 2"
    ).fetchall()
    if not rows:
        return ["Quarantine: empty (every raw row is usable)"]
    lines = ["Quarantine reasons (rows):"]
    lines += [f"  {source:<14}{reason:<28}{count:>8,}" for source, reason, count in rows]
    return lines


def _order_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    orders = _relation(connection, "stg_orders")
    total, first, last = connection.execute(
        f"select count(*), min(ordered_at)::date, max(ordered_at)::date from {orders}"
    ).fetchone()
    statuses = connection.execute(
        f"select order_status, count(*) from {orders} group by 1 order by 2 desc, 1"
    ).fetchall()
    customers = _count(
        connection,
        f"select count(distinct contact_id) from {orders} where order_status = 'completed'",
    )
    mix = ", ".join(f"{status} {count:,}" for status, count in statuses)
    return [
        f"Orders: {total:,} ({mix}), placed {first} .. {last}",
        f"Contacts with a completed order: {customers:,}",
    ]
