"""`segments compare-engines`: the same raw data built on another engine gives the same marts.

The DuckDB warehouse is the reference. Each mart of another engine is brought into an in-memory
DuckDB with the reference's column types, and the two are compared row for row, duplicates
included (EXCEPT ALL in both directions). PostgreSQL tables travel as CSV through COPY (exact text
for numerics, shortest round-trip text for doubles); Spark tables are the Parquet files of the
spark target's warehouse folder, read in place, so no JVM is started.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from segments import postgres
from segments.errors import SegmentsError
from segments.sql import first_lines
from segments.sql import literal as _literal
from segments.sql import quote as _quote

# The marts a BI tool or a sync reads (every table of models/marts), then the segment history,
# compared in this order. The history (snapshot, transitions, movement) holds rows once more than
# one as_of_date was recorded (segments history), as in make test.
MARTS = (
    "contact_rfm",
    "contact_abc",
    "contact_lifecycle",
    "contact_abell",
    "abell_matrix",
    "contact_segments",
    "contact_segments_sync",
    "abell_axis_summary",
    "segment_kpis",
    "rfm_thresholds",
    "rfm_eligibility",
    "dim_contacts",
    "fct_orders",
    "fct_order_lines",
    "audience_members",
    "campaign_results",
    "segment_labels",
    "contact_engagement",
    "contact_predictions",
    "prediction_calibration",
    "prediction_calibration_by_frequency",
    "contact_upgrade_potential",
    "contact_lead_scores",
    "lead_score_evaluation",
    "contact_segments_snapshot",
    "segment_transitions",
    "segment_movement",
)
# Tables outside the marts' schema: <target schema>_<suffix>, as dbt's default schema naming does.
SCHEMA_SUFFIX = {"contact_segments_snapshot": "_snapshots"}
SAMPLE_ROWS = 3


@dataclass(frozen=True)
class MartComparison:
    """How one mart of an engine compares with the reference."""

    engine: str
    mart: str
    reference_rows: int
    engine_rows: int
    only_in_reference: int
    only_in_engine: int
    samples: tuple[str, ...] = ()

    @property
    def identical(self) -> bool:
        return self.only_in_reference == 0 and self.only_in_engine == 0

    def __str__(self) -> str:
        verdict = (
            "identical"
            if self.identical
            else (
                f"{self.only_in_reference:,} rows only in duckdb, {self.only_in_engine:,} only in {self.engine}"
            )
        )
        line = f"{self.engine:<9} {self.mart:<26} {self.reference_rows:>8,} rows  {verdict}"
        return "\n".join([line, *(f"    {sample}" for sample in self.samples)])


def compare_engines(
    reference: Path, postgres: bool = False, spark_dir: Path | None = None, schema: str = "main",
    postgres_schema: str | None = None,
) -> list[MartComparison]:
    """Compare every mart of the reference DuckDB file with PostgreSQL (PG* variables; its schema
    postgres_schema, default the reference's) and/or the spark target's folder; return one
    comparison per engine and mart."""
    if not reference.is_file():
        raise SegmentsError(f"{reference}: no such DuckDB warehouse (build it first)")
    if not postgres and spark_dir is None:
        raise SegmentsError("nothing to compare: give --postgres and/or --spark-dir")
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    connection.execute(f"attach {_literal(str(reference))} as reference (read_only)")
    results: list[MartComparison] = []
    try:
        columns = {mart: _reference_columns(connection, _schema_of(schema, mart), mart) for mart in MARTS}
        if postgres:
            results += _compare_postgres(connection, columns, schema, postgres_schema or schema)
        if spark_dir is not None:
            results += _compare_spark(connection, columns, spark_dir, schema)
    finally:
        connection.close()
    return results


def _schema_of(schema: str, mart: str) -> str:
    return schema + SCHEMA_SUFFIX.get(mart, "")


def _reference_columns(
    connection: duckdb.DuckDBPyConnection, schema: str, mart: str
) -> list[tuple[str, str]]:
    rows = connection.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = 'reference' and table_schema = ? and table_name = ? order by ordinal_position",
        [schema, mart],
    ).fetchall()
    if not rows:
        raise SegmentsError(f"reference warehouse has no {schema}.{mart}: build it first")
    return rows


def _compare(
    connection: duckdb.DuckDBPyConnection,
    engine: str,
    mart: str,
    columns: list[tuple[str, str]],
    engine_sql: str,
    schema: str,
) -> MartComparison:
    """Row-for-row comparison of reference.<mart> with the engine's rows, typed like the reference."""
    names = ", ".join(_quote(name) for name, _ in columns)
    typed = ", ".join(f"cast({_quote(name)} as {data_type}) as {_quote(name)}" for name, data_type in columns)
    connection.execute(f"create or replace temp table engine_rows as select {typed} from ({engine_sql})")
    reference = f"reference.{_quote(_schema_of(schema, mart))}.{_quote(mart)}"
    connection.execute(f"create or replace temp view reference_rows as select {names} from {reference}")
    count = lambda sql: connection.execute(f"select count(*) from ({sql})").fetchone()[0]  # noqa: E731
    only_reference = "select * from reference_rows except all select * from engine_rows"
    only_engine = "select * from engine_rows except all select * from reference_rows"
    samples = [
        f"{side}: {row}"
        for side, sql in (("duckdb", only_reference), (engine, only_engine))
        for row in connection.execute(f"{sql} limit {SAMPLE_ROWS}").fetchall()
    ]
    return MartComparison(
        engine,
        mart,
        count("select * from reference_rows"),
        count("select * from engine_rows"),
        count(only_reference),
        count(only_engine),
        tuple(samples),
    )


def _compare_postgres(
    connection: duckdb.DuckDBPyConnection, columns: dict[str, list[tuple[str, str]]], schema: str,
    engine_schema: str,
) -> list[MartComparison]:
    server = postgres.connect()
    spool = Path(tempfile.mkdtemp(prefix="segments-compare-"))
    try:
        results = []
        with server, server.cursor() as cursor:
            for mart, mart_columns in columns.items():
                spooled = spool / f"{mart}.csv"
                names = ", ".join(_quote(name) for name, _ in mart_columns)
                table = f"{_quote(_schema_of(engine_schema, mart))}.{_quote(mart)}"
                with spooled.open("w", encoding="utf-8") as handle:
                    try:
                        cursor.copy_expert(
                            f"copy (select {names} from {table}) to stdout "
                            "with (format csv, header true)",
                            handle,
                        )
                    except postgres.database_error() as error:
                        raise SegmentsError(f"PostgreSQL {table}: {first_lines(error)}") from None
                as_text = "{" + ", ".join(f"{_literal(name)}: 'VARCHAR'" for name, _ in mart_columns) + "}"
                engine_sql = (
                    f"select * from read_csv({_literal(str(spooled))}, header = true, auto_detect = false, "
                    f"columns = {as_text}, quote = '\"', escape = '\"')"
                )
                results.append(_compare(connection, "postgres", mart, mart_columns, engine_sql, schema))
        return results
    finally:
        server.close()
        shutil.rmtree(spool, ignore_errors=True)


def _compare_spark(
    connection: duckdb.DuckDBPyConnection,
    columns: dict[str, list[tuple[str, str]]],
    spark_dir: Path,
    schema: str,
) -> list[MartComparison]:
    results = []
    for mart, mart_columns in columns.items():
        folder = spark_dir / "warehouse" / f"{_schema_of(schema, mart)}.db" / mart
        if not any(folder.glob("**/*.parquet")):
            raise SegmentsError(
                f"spark: no Parquet files for {schema}.{mart} in {folder} (build the spark target first)"
            )
        engine_sql = f"select * from read_parquet({_literal(str(folder / '**' / '*.parquet'))})"
        results.append(_compare(connection, "spark", mart, mart_columns, engine_sql, schema))
    return results
