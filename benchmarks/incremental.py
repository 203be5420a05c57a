"""The incremental scenario of benchmark issue 6: the newest 1 % of orders and interactions arrive
in a second load, after a full build of the rest; the incremental build must give the full build's
marts.

- split_newest: the generated raw files in two folders, `base` (contacts, and the orders and
  interactions before the newest share) and `delta` (the newest share of orders, whole, and of
  interactions), every row in exactly one of them, each file in its original row order;
- mart_differences: every mart of two built warehouses compared row for row, duplicates included
  (EXCEPT ALL both ways), with the number of rows only in one or the other.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

# The marts a BI tool or a sync reads. The snapshot and what is derived from it (segment_transitions,
# segment_movement) record history, so a warehouse built twice differs from one built once by design.
MARTS = (
    "contact_rfm", "contact_abc", "contact_lifecycle", "contact_abell", "abell_matrix", "contact_segments",
    "abell_axis_summary", "segment_kpis", "rfm_thresholds", "rfm_eligibility", "dim_contacts", "fct_orders",
    "fct_order_lines", "audience_members", "segment_labels", "contact_engagement", "contact_predictions",
    "prediction_calibration",
)
QUARANTINES = ("quarantine_contacts", "quarantine_order_lines", "quarantine_interactions")
# Per table: the expression whose newest values go to delta, and the key kept whole.
NEWEST = {
    "orders": ("max(try_cast(ordered_at as timestamptz)) over (partition by order_id)", "order_id"),
    "interactions": ("try_cast(occurred_at as timestamptz)", "interaction_id"),
}


def _escape(path: Path) -> str:
    return str(path).replace("'", "''")


def _raw_file(folder: Path, table: str) -> Path:
    for suffix in (".parquet", ".csv"):
        if (folder / f"{table}{suffix}").is_file():
            return folder / f"{table}{suffix}"
    raise FileNotFoundError(f"{folder}: no {table}.parquet or {table}.csv")


def split_newest(data: Path, base: Path, delta: Path, share: float = 0.01) -> dict[str, int]:
    """Write base/ and delta/ from the raw files in data/ (same format); return the rows in delta.

    Orders: the newest `share` of distinct order ids by their latest parseable ordered_at (ties by
    order id), every line of them; interactions: the newest `share` of rows by occurred_at (ties by
    interaction id, then file position). Rows without a parseable time stay in base."""
    for folder in (base, delta):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    contacts = _raw_file(data, "contacts")
    shutil.copyfile(contacts, base / contacts.name)
    counts: dict[str, int] = {}
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    try:
        for table, (newest, key) in NEWEST.items():
            path = _raw_file(data, table)
            reader = (f"read_parquet('{_escape(path)}')" if path.suffix == ".parquet"
                      else f"read_csv('{_escape(path)}', header = true, all_varchar = true)")
            options = "(format parquet)" if path.suffix == ".parquet" else "(header true)"
            connection.execute(f"create temp table rows_{table} as select *, row_number() over () as position "
                               f"from {reader}")
            keys = "count(distinct order_id)" if table == "orders" else "count(*)"
            wanted = round(share * connection.execute(f"select {keys} from rows_{table}").fetchone()[0])
            connection.execute(f"""
                create temp table newest_{table} as
                with timed as (select position, {key}, {newest} as newest_at from rows_{table}),
                ranked as (
                    select {key}, dense_rank() over (order by newest_at desc, {key} desc) as rank
                    from timed where newest_at is not null and {key} is not null
                    group by {key}, newest_at
                )
                select distinct timed.position from timed
                join ranked on timed.{key} = ranked.{key}
                where ranked.rank <= {wanted} and timed.newest_at is not null
            """)
            for folder, keep in ((base, "not in"), (delta, "in")):
                connection.execute(
                    f"copy (select * exclude (position) from rows_{table} where position {keep} "
                    f"(select position from newest_{table}) order by position) "
                    f"to '{_escape(folder / path.name)}' {options}"
                )
            counts[table] = connection.execute(f"select count(*) from newest_{table}").fetchone()[0]
    finally:
        connection.close()
    return counts


def mart_differences(reference: Path, other: Path) -> dict[str, tuple[int, int, int]]:
    """Per mart and quarantine: (rows in reference, rows only in reference, rows only in other)."""
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    connection.execute(f"attach '{_escape(reference)}' as reference (read_only)")
    connection.execute(f"attach '{_escape(other)}' as other (read_only)")
    differences = {}
    try:
        relations = [("main", mart) for mart in MARTS] + [("main_quarantine", table) for table in QUARANTINES]
        for schema, table in relations:
            a, b = f"reference.{schema}.{table}", f"other.{schema}.{table}"
            rows = connection.execute(f"select count(*) from {a}").fetchone()[0]
            only_a = connection.execute(f"select count(*) from (from {a} except all from {b})").fetchone()[0]
            only_b = connection.execute(f"select count(*) from (from {b} except all from {a})").fetchone()[0]
            differences[table] = (rows, only_a, only_b)
    finally:
        connection.close()
    return differences
