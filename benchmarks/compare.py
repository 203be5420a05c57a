"""Agreement checks of benchmark issue 6: the floor's and the peers' per-contact tables against the marts.

Everything is DuckDB SQL. The marts' per-contact result is first exported once from the built warehouse
to a Parquet file (the reference), so later builds may reuse the warehouse file; candidates are a table
of another DuckDB file, or a Parquet file. Two levels of checks:

- summaries: row count, customers, sum of monetary and frequency, and the distributions of the r, f and
  m scores, ABC tier, lifecycle stage, primary need and primary technology;
- contact by contact: for every column, the contacts whose value differs (missing contacts included).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
from bench_params import OUTPUT_COLUMNS, slug

# The marts' per-contact result in the shape of bench_params.OUTPUT_COLUMNS.
MARTS_SQL = """
select
    lifecycle.contact_id,
    rfm.contact_id is not null as is_customer,
    rfm.recency_days,
    rfm.frequency,
    cast(round(rfm.monetary * 100) as bigint) as monetary_cents,
    rfm.r_score,
    rfm.f_score,
    rfm.m_score,
    abc.abc_tier,
    lifecycle.lifecycle_stage,
    abell.primary_need,
    abell.primary_technology
from main.contact_lifecycle as lifecycle
left join main.contact_rfm as rfm on lifecycle.contact_id = rfm.contact_id
left join main.contact_abc as abc on lifecycle.contact_id = abc.contact_id
left join main.contact_abell as abell on lifecycle.contact_id = abell.contact_id
"""
QUARANTINE_TABLES = ("quarantine_contacts", "quarantine_order_lines", "quarantine_interactions")
DISTRIBUTIONS = ("r_score", "f_score", "m_score", "abc_tier", "lifecycle_stage", "primary_need",
                 "primary_technology")
VALUE_COLUMNS = tuple(column for column in OUTPUT_COLUMNS if column != "contact_id")


@dataclasses.dataclass(frozen=True)
class Candidate:
    """A per-contact table to check: a Parquet file, or a table in a DuckDB file."""

    name: str
    path: Path
    table: str | None = None  # None: path is a Parquet file


class Disagreement(Exception):
    """A candidate's result differs from the marts; the message names the measure."""


def _escape(path: Path) -> str:
    return str(path).replace("'", "''")


def export_reference(marts_warehouse: Path, out: Path) -> int:
    """Write the marts' per-contact result to the Parquet file `out`; return the rows dbt quarantined
    (the floor and peers do not reproduce every quarantine rule, so a comparison needs 0)."""
    # A direct connection (not an attach): in-process callers (the tests) may still hold the file open.
    with duckdb.connect(str(marts_warehouse)) as connection:
        connection.execute(f"copy ({MARTS_SQL}) to '{_escape(out)}' (format parquet)")
        counts = [
            connection.execute(f"select count(*) from main_quarantine.{table}").fetchone()[0]
            for table in QUARANTINE_TABLES
        ]
    return sum(counts)


def connect(reference: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the reference (export_reference's file) as the view `reference`."""
    connection = duckdb.connect()
    connection.execute(f"create temp view reference as select * from read_parquet('{_escape(reference)}')")
    return connection


def register(connection: duckdb.DuckDBPyConnection, candidate: Candidate) -> str:
    """A temp view over the candidate, named after it; returns the view's name."""
    view = f"candidate_{slug(candidate.name)}"
    if candidate.table is None:
        source = f"read_parquet('{_escape(candidate.path)}')"
    else:
        alias = f"db_{slug(candidate.name)}"
        connection.execute(f"attach if not exists '{_escape(candidate.path)}' as {alias} (read_only)")
        source = f"{alias}.main.{candidate.table}"
    columns = ", ".join(OUTPUT_COLUMNS)
    connection.execute(f"create or replace temp view {view} as select {columns} from {source}")
    return view


def summary(connection: duckdb.DuckDBPyConnection, relation: str) -> dict[str, object]:
    """The aggregate measures of one per-contact table."""
    rows, customers, monetary, frequency = connection.execute(
        f"select count(*), count(*) filter (where is_customer), coalesce(sum(monetary_cents), 0), "
        f"coalesce(sum(frequency), 0) from {relation}"
    ).fetchone()
    measures: dict[str, object] = {
        "rows": rows, "customers": customers, "sum of monetary (cents)": int(monetary),
        "sum of frequency": int(frequency),
    }
    for column in DISTRIBUTIONS:
        counts = connection.execute(
            f"select cast({column} as varchar), count(*) from {relation} group by 1 order by 1 nulls first"
        ).fetchall()
        measures[f"distribution of {column}"] = dict(counts)
    return measures


def summary_differences(reference: dict[str, object], other: dict[str, object]) -> list[str]:
    """One line per measure that differs."""
    return [
        f"{measure}: marts {reference[measure]!r}, got {other.get(measure)!r}"
        for measure in reference
        if reference[measure] != other.get(measure)
    ]


def contact_differences(connection: duckdb.DuckDBPyConnection, relation: str) -> dict[str, int]:
    """Per column, the contacts whose value differs from the marts (a missing contact differs everywhere)."""
    checks = ", ".join(
        f"count(*) filter (where reference.{column} is distinct from candidate.{column}) as {column}"
        for column in VALUE_COLUMNS
    )
    row = connection.execute(
        f"select count(*) filter (where reference.contact_id is null or candidate.contact_id is null), {checks} "
        f"from reference full outer join {relation} as candidate "
        f"on reference.contact_id = candidate.contact_id"
    ).fetchone()
    names = ("contact_id (missing or extra contacts)", *VALUE_COLUMNS)
    return {name: count for name, count in zip(names, row, strict=True) if count}


def check(connection: duckdb.DuckDBPyConnection, candidate: Candidate) -> dict[str, object]:
    """Raise Disagreement naming each measure on which the candidate differs; return its summary."""
    relation = register(connection, candidate)
    measures = summary(connection, relation)
    problems = summary_differences(summary(connection, "reference"), measures)
    problems += [
        f"{column}: {count:,} contact(s) differ from the marts"
        for column, count in contact_differences(connection, relation).items()
    ]
    if problems:
        raise Disagreement(f"{candidate.name} disagrees with the dbt marts on: " + "; ".join(problems))
    return measures


def examples(connection: duckdb.DuckDBPyConnection, candidate: Candidate, column: str, limit: int = 5) -> list:
    """A few contacts where the candidate's column differs from the marts (for error messages and tests)."""
    relation = register(connection, candidate)
    return connection.execute(
        f"select coalesce(reference.contact_id, candidate.contact_id), reference.{column}, candidate.{column} "
        f"from reference full outer join {relation} as candidate on reference.contact_id = candidate.contact_id "
        f"where reference.{column} is distinct from candidate.{column} order by 1 limit {int(limit)}"
    ).fetchall()
