"""`segments load DIR`: check the raw files, then replace (or, with --append, extend) the raw
tables in one transaction.

Every file is read and checked in an in-memory DuckDB before the warehouse is opened: missing or
misspelled columns, rows the CSV parser cannot split, and values that are not timestamps, numbers
or booleans where the contract wants one. A refused load names the file, the column and sample
rows, and leaves the warehouse exactly as it was. A good load replaces raw.contacts, raw.orders
and raw.interactions atomically; DIR must hold all three files. With append=True (DuckDB and
PostgreSQL targets) DIR holds any of the three, each checked the same way, and their rows are
inserted into the existing raw tables in one transaction; the other tables are untouched. An
append is refused when a table to extend does not exist or has no `_loaded_at` column.

Raw tables keep every value as text, exactly as delivered (staging parses, normalises and
quarantines row by row), followed by `_loaded_at`: the UTC timestamp of the load, one value per
load, strictly increasing (see raw_writers). An input file cannot supply it: like any column
outside the contract it is refused.
"""

from __future__ import annotations

import csv
import difflib
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from segments import raw_writers
from segments.contract import BOOLEAN_SPELLINGS, LOADED_AT, RAW_TABLES, RawTable
from segments.errors import SegmentsError
from segments.project import raw_parquet_dir
from segments.sql import first_lines, memory_limit
from segments.sql import literal as _literal
from segments.sql import quote as _quote

SAMPLE_SIZE = 5
DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class Problem:
    """One reason a file is refused."""

    file: Path
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file.name}: column '{self.column}'" if self.column else self.file.name
        return f"{where}: {self.message}"


def find_file(directory: Path, table: RawTable, required: bool = True) -> Path | None:
    """DIR/<table>.csv or DIR/<table>.parquet, exactly one of them (None: neither, when not
    required)."""
    candidates = [directory / f"{table.name}.{ext}" for ext in ("csv", "parquet")]
    present = [path for path in candidates if path.is_file()]
    if not present and not required:
        return None
    if not present:
        raise SegmentsError(
            f"{directory}: no {table.name}.csv or {table.name}.parquet "
            f"(segments load reads contacts, orders and interactions from one directory)"
        )
    if len(present) > 1:
        raise SegmentsError(
            f"{directory}: both {present[0].name} and {present[1].name} exist; keep one"
        )
    return present[0]


def _csv_header(path: Path) -> tuple[list[str], str]:
    """The header's column names and the delimiter that splits it into the most known columns."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first_line = handle.readline()
    if not first_line.strip():
        raise SegmentsError(f"{path.name}: the file is empty (a header row is expected)")
    known = {column for table in RAW_TABLES for column in table.columns}

    def score(delimiter: str) -> tuple[int, int]:
        names = next(csv.reader([first_line], delimiter=delimiter))
        return (sum(name.strip().lower() in known for name in names), len(names))

    delimiter = max(DELIMITERS, key=score)
    names = next(csv.reader([first_line], delimiter=delimiter))
    return names, delimiter


def _read_source_sql(path: Path) -> tuple[str, list[str]]:
    """A SELECT over the file that yields its columns as text, and the file's column names."""
    if path.suffix == ".parquet":
        try:
            described = duckdb.sql(f"describe select * from read_parquet({_literal(str(path))})")
            names = [row[0] for row in described.fetchall()]
        except duckdb.Error as error:
            raise SegmentsError(f"{path.name}: not a readable Parquet file ({first_lines(error, 3)})") from None
        casts = ", ".join(f"cast({_quote(n)} as varchar) as c{i}" for i, n in enumerate(names))
        return f"select {casts} from read_parquet({_literal(str(path))})", names
    names, delimiter = _csv_header(path)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(names))) + "}"
    sql = (
        f"select * from read_csv({_literal(str(path))}, header = true, auto_detect = false, "
        f"delim = {_literal(delimiter)}, quote = '\"', escape = '\"', columns = {columns}, "
        f"encoding = 'utf-8')"
    )
    return sql, names


def _column_problems(path: Path, table: RawTable, names: list[str]) -> tuple[list[Problem], dict]:
    """Check the header against the contract; map contract columns to the file's positions."""
    problems: list[Problem] = []
    normalised = [name.strip().lower() for name in names]
    positions: dict[str, int] = {}
    for index, name in enumerate(normalised):
        if name in positions:
            problems.append(Problem(path, name, "appears twice in the header"))
        positions[name] = index
    unknown = [name for name in normalised if name not in table.columns]
    for name in unknown:
        close = difflib.get_close_matches(name, table.columns, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        if name == LOADED_AT:
            hint = " (segments load writes it itself, the time of the load: remove the column)"
        problems.append(
            Problem(path, name, f"is not a column of the {table.name} contract{hint}")
        )
    for column in table.required:
        if column not in positions:
            problems.append(Problem(path, column, "required column is missing"))
    return problems, {column: positions[column] for column in table.columns if column in positions}


def _value_checks(table: RawTable) -> dict[str, tuple[str, str]]:
    """For each typed column: (what the values must be, SQL predicate true for a bad value)."""
    numeric = "try_cast(trim(v) as decimal(28, 6))"
    booleans = ", ".join(_literal(spelling) for spelling in BOOLEAN_SPELLINGS)
    checks: dict[str, tuple[str, str]] = {}
    for column in table.timestamps:
        checks[column] = ("ISO 8601 timestamps", "try_cast(trim(v) as timestamptz) is null")
    for column in table.integers:
        checks[column] = ("whole numbers", f"{numeric} is null or {numeric} != floor({numeric})")
    for column in table.decimals:
        checks[column] = ("numbers", f"{numeric} is null")
    for column in table.booleans:
        checks[column] = ("booleans (true/false)", f"lower(trim(v)) not in ({booleans})")
    return checks


def _value_problems(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    staged: str,
    table: RawTable,
    positions: dict[str, int],
) -> list[Problem]:
    """Typed columns whose present values do not parse, with up to SAMPLE_SIZE sample rows."""
    problems = []
    is_csv = path.suffix == ".csv"
    for column, (kind, bad_value) in _value_checks(table).items():
        if column not in positions:
            continue
        source = f"c{positions[column]}"
        predicate = f"nullif(trim(v), '') is not null and ({bad_value})"
        count, samples = connection.execute(
            f"""
            with candidate as (
                select rowid + 1 as data_row, {source} as v from {staged}
            )
            select
                count(*),
                list({{'row': data_row, 'value': v}} order by data_row)[1:{SAMPLE_SIZE}]
            from candidate
            where {predicate}
            """
        ).fetchone()
        if count:
            shown = "; ".join(
                f"row {sample['row']}"
                + (f" (line {sample['row'] + 1})" if is_csv else "")
                + f": {sample['value']!r}"
                for sample in samples
            )
            problems.append(
                Problem(path, column, f"{count:,} value(s) are not {kind}, e.g. {shown}")
            )
    return problems


def _stage_file(
    connection: duckdb.DuckDBPyConnection, table: RawTable, path: Path
) -> tuple[list[Problem], dict[str, int], str]:
    """Read one file into a temp table of text columns; return header problems and positions."""
    select_sql, names = _read_source_sql(path)
    problems, positions = _column_problems(path, table, names)
    if problems:
        return problems, positions, ""
    staged = f"staged_{table.name}"
    try:
        connection.execute(f"create or replace temp table {staged} as {select_sql}")
    except duckdb.Error as error:
        return [Problem(path, None, f"cannot be read: {first_lines(error, 3)}")], positions, ""
    return [], positions, staged


SPARK_APPEND = (
    "--append is not supported for the spark target: it reads one Parquet file per table; "
    "load the whole data again"
)


def load(
    directory: Path,
    warehouse: Path,
    schema: str = "raw",
    lenient: bool = False,
    progress: Callable[[str], None] | None = None,
    target: str = "duckdb",
    raw_dir: Path | None = None,
    append: bool = False,
) -> dict[str, int]:
    """Check DIR's three files, then replace the raw tables of the target in one transaction:
    the DuckDB file `warehouse`, the PostgreSQL server of the PG* variables, or (spark) text-only
    Parquet files in `raw_dir` that the spark target reads in place.

    With append=True (not for spark), DIR holds any non-empty subset of the three files; their
    rows are added to the existing raw tables in one transaction and the other tables are left
    as they are. With lenient=True, values that do not parse are loaded as they are (staging
    quarantines those rows) and reported as warnings; column problems still refuse the load.
    Returns the number of rows loaded (appended) per table.
    """
    say = progress or (lambda message: None)
    if append and target == "spark":
        raise SegmentsError(SPARK_APPEND)
    if not directory.is_dir():
        raise SegmentsError(f"{directory}: no such directory")
    found = {table.name: find_file(directory, table, required=not append) for table in RAW_TABLES}
    files = {name: path for name, path in found.items() if path is not None}
    if not files:
        raise SegmentsError(
            f"{directory}: nothing to append: no contacts, orders or interactions file (.csv or "
            ".parquet) in it. The warehouse was not changed."
        )

    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    connection.execute(f"set memory_limit = {_literal(memory_limit())}")
    spill = tempfile.mkdtemp(prefix="segments-load-")
    connection.execute(f"set temp_directory = {_literal(spill)}")
    try:
        problems: list[Problem] = []
        warnings: list[Problem] = []
        staged: dict[str, tuple[str, dict[str, int]]] = {}
        for table in RAW_TABLES:
            if table.name not in files:
                continue
            path = files[table.name]
            started = time.perf_counter()
            say(f"checking {path.name} ...")
            file_problems, positions, staged_name = _stage_file(connection, table, path)
            if staged_name:
                value_problems = _value_problems(connection, path, staged_name, table, positions)
                (warnings if lenient else problems).extend(value_problems)
                rows = connection.execute(f"select count(*) from {staged_name}").fetchone()[0]
                say(f"checked {path.name}: {rows:,} rows in {time.perf_counter() - started:.1f} s")
                staged[table.name] = (staged_name, positions)
            problems.extend(file_problems)

        for warning in warnings:
            say(f"warning: {warning} (loaded anyway: staging will quarantine these rows)")
        if problems:
            listing = "\n  ".join(str(problem) for problem in problems)
            raise SegmentsError(
                f"refused to {'append' if append else 'load'} {directory}: the warehouse was not "
                f"changed.\n  {listing}"
            )

        if target == "postgres":
            return raw_writers.write_postgres(connection, staged, schema, say, append=append)
        if target == "spark":
            return raw_writers.write_parquet(connection, staged, raw_dir or raw_parquet_dir(), say)
        return raw_writers.write_duckdb(connection, staged, warehouse, schema, say, append=append)
    finally:
        connection.close()
        shutil.rmtree(spill, ignore_errors=True)
