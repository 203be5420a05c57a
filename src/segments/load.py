"""`segments load DIR`: check the raw files, then replace (or, with --append, extend) the raw
tables in one transaction.

Every file is read and checked in an in-memory DuckDB before the warehouse is opened: missing or
misspelled columns, rows the CSV parser cannot split, and values that are not timestamps, numbers
or booleans where the contract wants one. A refused load names the file, the column and sample
rows, and leaves the warehouse exactly as it was. A good load replaces raw.contacts, raw.orders
and raw.interactions atomically (and raw.refunds, optional: written empty when DIR has no refunds
file); DIR must hold the three others. With append=True (DuckDB and
PostgreSQL targets) DIR holds any of them, each checked the same way, and their rows are
inserted into the existing raw tables in one transaction; the other tables are untouched. An
append is refused when a table to extend does not exist or has no `_loaded_at` column.

Raw tables keep every value as text, exactly as delivered (staging parses, normalises and
quarantines row by row), followed by `_loaded_at`: the UTC timestamp of the load, one value per
load, strictly increasing (see raw_writers). An input file cannot supply it: like any column
outside the contract it is refused.

CSV files are read as companies export them (see CsvOptions): the encoding from a byte-order mark,
else UTF-8 when the whole file is valid UTF-8, else Windows-1252 (what Excel writes in Western
Europe; it reads Latin-1 text the same way), unless --encoding names it; the delimiter from the
header among `, ; tab |`, unless --delimiter names it; CRLF or LF line ends. Files in another
encoding are transcoded to UTF-8 in a streaming pass before DuckDB reads them. With
--decimal-comma and --date-format, numbers such as '1.234,56' and timestamps such as
'05/01/2024 10:00' are converted, in DuckDB SQL, to the contract's canonical text ('1234.56',
'2024-01-05T10:00:00'); a value that follows neither the declared convention nor the canonical
form is a bad value like any other.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import os
import re
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
from segments.project import segments_raw_parquet_dir
from segments.sql import first_lines, memory_limit
from segments.sql import literal as _literal
from segments.sql import quote as _quote

SAMPLE_SIZE = 5
DELIMITERS = (",", ";", "\t", "|")
CHUNK = 1 << 20  # bytes read at a time when checking or transcoding an encoding
# Byte-order marks, longest first (a UTF-32 LE mark starts like a UTF-16 LE one).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
FALLBACK_ENCODING = "cp1252"
# Magic numbers of files that are not text, with what to do instead.
NOT_TEXT = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook?), not CSV: save it from Excel as CSV"),
    (b"PAR1", "a Parquet file, not CSV: name it .parquet"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook, not CSV: save it from Excel as CSV"),
)
# A number written with a decimal comma: '12,5', '-0,75', '1.234,56', '1 234 567' (groups of three
# separated by '.', a space, a no-break or narrow no-break space).
GROUP_SEPARATORS = "[. \\x{00A0}\\x{202F}]"
DECIMAL_COMMA_NUMBER = (
    f"[+-]?(([0-9]{{1,3}}({GROUP_SEPARATORS}[0-9]{{3}})+|[0-9]+)(,[0-9]+)?|,[0-9]+)"
)
# The shape of the timestamps the raw contract accepts, as the macro iso_timestamp_pattern writes
# it (a test keeps the two equal): DuckDB's cast alone also reads 'epoch', 'infinity', '2024-3-5'.
ISO_TIMESTAMP = (
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?[ ]?"
    "(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)?$"
)
DATE_PARTS = {"year": ("%Y", "%y"), "month": ("%m", "%-m", "%b", "%B"), "day": ("%d", "%-d")}


@dataclass(frozen=True)
class CsvOptions:
    """How to read the files (None: detect) and which local conventions to convert.

    encoding: a Python codec name (utf-8, cp1252, latin-1, utf-16, ...). delimiter: one
    character. decimal_comma: numeric columns use ',' as the decimal mark and may group thousands
    with '.' or spaces. date_formats: strptime formats (DuckDB's) tried in order on timestamp
    columns, e.g. '%d/%m/%Y %H:%M'; ISO 8601 values are accepted as well."""

    encoding: str | None = None
    delimiter: str | None = None
    decimal_comma: bool = False
    date_formats: tuple[str, ...] = ()

    def check(self) -> None:
        """Refuse an unknown encoding, a delimiter that is not one character, a date format
        without a year, a month and a day."""
        if self.encoding is not None:
            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise SegmentsError(
                    f"--encoding {self.encoding}: unknown encoding (e.g. utf-8, cp1252, latin-1, utf-16)"
                ) from None
        if self.delimiter is not None and len(self.delimiter) != 1:
            raise SegmentsError(
                f"--delimiter {self.delimiter!r}: give one character (',', ';', '|', or 'tab')"
            )
        for date_format in self.date_formats:
            missing = [part for part, codes in DATE_PARTS.items() if not any(c in date_format for c in codes)]
            if missing:
                raise SegmentsError(
                    f"--date-format {date_format!r}: no {' and no '.join(missing)} in it "
                    "(e.g. '%d/%m/%Y %H:%M' or '%d.%m.%Y')"
                )
            try:
                duckdb.sql(f"select try_strptime('', {_literal(date_format)})").fetchall()
            except duckdb.Error as error:
                raise SegmentsError(f"--date-format {date_format!r}: {first_lines(error)}") from None


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
            f"(segments load reads contacts, orders, interactions and, optionally, refunds from one directory)"
        )
    if len(present) > 1:
        raise SegmentsError(
            f"{directory}: both {present[0].name} and {present[1].name} exist; keep one"
        )
    return present[0]


def _first_undecodable(path: Path, encoding: str) -> tuple[int, bytes] | None:
    """The byte offset and bytes of the first sequence `encoding` cannot decode, reading the file
    in chunks (None: the whole file decodes)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(CHUNK)
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                return offset - pending + error.start, error.object[error.start : error.end]
            if not chunk:
                return None
            offset += len(chunk)


def _where_in_file(path: Path, offset: int, delimiter: str | None) -> str:
    """'row R (line L), column 'name'' of a byte offset in a CSV file whose encoding keeps ASCII
    bytes as they are (the column: from the delimiters before it on its line, quotes ignored)."""
    line_number, line_start = 1, 0
    with path.open("rb") as handle:
        header = handle.readline()
        handle.seek(0)
        read = 0
        while read < offset:
            chunk = handle.read(min(CHUNK, offset - read))
            if not chunk:
                break
            if b"\n" in chunk:
                line_start = read + chunk.rindex(b"\n") + 1
                line_number += chunk.count(b"\n")
            read += len(chunk)
        handle.seek(line_start)
        before = handle.read(offset - line_start)
    where = "the header" if line_number == 1 else f"row {line_number - 1} (line {line_number})"
    names = header.decode("ascii", errors="replace").rstrip("\r\n")
    split_by = delimiter or max(DELIMITERS, key=names.count)
    columns = next(csv.reader([names], delimiter=split_by), [])
    index = before.count(split_by.encode("ascii"))
    if line_number > 1 and index < len(columns):
        where += f", column '{columns[index].strip().lower()}'"
    return where


def _csv_encoding(path: Path, options: CsvOptions) -> tuple[str, str | None]:
    """The codec to read a CSV file with, and a note to print when it was not UTF-8."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    for magic, what in NOT_TEXT:
        if head.startswith(magic):
            raise SegmentsError(f"{path.name}: this is {what}")
    bom = next((codec for mark, codec in BOMS if head.startswith(mark)), None)
    if options.encoding:
        chosen = options.encoding
        if bom == "utf-8-sig" and codecs.lookup(chosen).name == "utf-8":
            chosen = bom
        _refuse_undecodable(path, chosen, options, f"is not valid {options.encoding}")
        return chosen, None
    if bom:
        _refuse_undecodable(path, bom, options, f"starts with a {bom} byte-order mark but is not valid {bom}")
        return bom, None
    if b"\x00" in head:
        raise SegmentsError(
            f"{path.name}: contains NUL bytes: a binary file, or UTF-16 without a byte-order mark "
            "(then give --encoding utf-16-le or utf-16-be)"
        )
    bad = _first_undecodable(path, "utf-8")
    if bad is None:
        return "utf-8", None
    _refuse_undecodable(path, FALLBACK_ENCODING, options, "is neither UTF-8 nor Windows-1252",
                        hint="; give its encoding with --encoding (e.g. latin-1)")
    return FALLBACK_ENCODING, (
        f"{path.name}: not UTF-8 ({_where_in_file(path, bad[0], options.delimiter)}: byte "
        f"0x{bad[1].hex()}); read as Windows-1252 (cp1252): give --encoding to choose another"
    )


def _refuse_undecodable(path: Path, encoding: str, options: CsvOptions, what: str, hint: str = "") -> None:
    """Refuse the file, naming the row, column and byte, unless `encoding` decodes all of it."""
    bad = _first_undecodable(path, encoding)
    if bad is not None:
        where = _where_in_file(path, bad[0], options.delimiter)
        raise SegmentsError(f"{path.name}: {what} ({where}: byte 0x{bad[1].hex()} at offset {bad[0]:,}){hint}")


def _utf8_copy(path: Path, encoding: str, work_dir: Path) -> Path:
    """The file itself when DuckDB can read it (UTF-8, with or without a BOM), else a UTF-8 copy
    in work_dir, transcoded in chunks."""
    if encoding in ("utf-8", "utf-8-sig"):
        return path
    handle, name = tempfile.mkstemp(prefix=f"{path.stem}-", suffix=".utf8.csv", dir=work_dir)
    os.close(handle)
    copy = Path(name)
    with path.open(encoding=encoding, newline="") as source:
        with copy.open("w", encoding="utf-8", newline="") as target:
            shutil.copyfileobj(source, target, CHUNK)
    return copy


def _csv_header(path: Path, shown: Path, delimiter: str | None) -> tuple[list[str], str]:
    """The header's column names and the delimiter: the one given, else the one that splits the
    header into the most known columns. `path` is UTF-8 text; `shown` names it in messages."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first_line = handle.readline()
    if not first_line.strip():
        raise SegmentsError(f"{shown.name}: the file is empty (a header row is expected)")
    known = {column for table in RAW_TABLES for column in table.columns}

    def score(candidate: str) -> tuple[int, int]:
        names = next(csv.reader([first_line], delimiter=candidate))
        return (sum(name.strip().lower() in known for name in names), len(names))

    delimiter = delimiter or max(DELIMITERS, key=score)
    names = next(csv.reader([first_line.rstrip("\r\n")], delimiter=delimiter))
    return names, delimiter


def _read_source_sql(
    path: Path, options: CsvOptions, work_dir: Path, say: Callable[[str], None]
) -> tuple[str, list[str]]:
    """A SELECT over the file that yields its columns as text, and the file's column names."""
    if path.suffix == ".parquet":
        try:
            described = duckdb.sql(f"describe select * from read_parquet({_literal(str(path))})")
            names = [row[0] for row in described.fetchall()]
        except duckdb.Error as error:
            raise SegmentsError(f"{path.name}: not a readable Parquet file ({first_lines(error, 3)})") from None
        casts = ", ".join(f"cast({_quote(n)} as varchar) as c{i}" for i, n in enumerate(names))
        return f"select {casts} from read_parquet({_literal(str(path))})", names
    encoding, note = _csv_encoding(path, options)
    if note:
        say(f"note: {note}")
    text = _utf8_copy(path, encoding, work_dir)
    names, delimiter = _csv_header(text, path, options.delimiter)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(names))) + "}"
    sql = (
        f"select * from read_csv({_literal(str(text))}, header = true, auto_detect = false, "
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


V = "{v}"  # where a value check's SQL templates put the column


@dataclass(frozen=True)
class ValueCheck:
    """How one typed column is checked. `value` and `bad` are SQL templates over the delivered
    text, written {v}: `value` is what is written to raw ({v} itself, or {v} converted from a
    declared convention), `bad` is true for a value that is not acceptable; `kind` says what the
    values must be."""

    kind: str
    value: str
    bad: str

    @property
    def converts(self) -> bool:
        return self.value != V

    def sql(self, template: str, column: str) -> str:
        """The template with the column (or alias) in place of {v}."""
        return template.replace(V, column)


def _decimal_comma_sql(v: str) -> str:
    """v without its group separators and with '.' for the decimal comma, when v is a number
    with a decimal comma; else v as it is."""
    canonical = f"replace(regexp_replace(trim({v}), {_literal(GROUP_SEPARATORS)}, '', 'g'), ',', '.')"
    matches = f"regexp_full_match(trim({v}), {_literal(DECIMAL_COMMA_NUMBER)})"
    return f"case when {matches} then {canonical} else {v} end"


def _date_format_sql(v: str, date_formats: tuple[str, ...]) -> str:
    """v as an ISO 8601 timestamp (UTC when the format has an offset) when one of date_formats
    reads it; else v as it is."""
    formats = "[" + ", ".join(_literal(date_format) for date_format in date_formats) + "]"
    parsed = f"cast(try_strptime(trim({v}), {formats}) as timestamp)"
    iso = f"regexp_replace(strftime({parsed}, '%Y-%m-%dT%H:%M:%S.%f'), '\\.?0+$', '')"
    return f"coalesce({iso}, {v})"


def _value_checks(table: RawTable, options: CsvOptions = CsvOptions()) -> dict[str, ValueCheck]:
    """For each typed column: what the values must be, what is written, and when a value is bad."""
    booleans = ", ".join(_literal(spelling) for spelling in BOOLEAN_SPELLINGS)
    checks: dict[str, ValueCheck] = {}
    numbers = [(column, "whole numbers") for column in table.integers]
    numbers += [(column, "numbers") for column in table.decimals]
    for column in table.timestamps:
        kind, value = "ISO 8601 timestamps", V
        if options.date_formats:
            kind = f"timestamps in --date-format {' or '.join(map(repr, options.date_formats))} or ISO 8601"
            value = _date_format_sql(V, options.date_formats)
        bad = (
            f"not regexp_matches(trim({value}), {_literal(ISO_TIMESTAMP)}) "
            f"or try_cast(trim({value}) as timestamptz) is null"
        )
        checks[column] = ValueCheck(kind, value, bad)
    for column, kind in numbers:
        value = _decimal_comma_sql(V) if options.decimal_comma else V
        numeric = f"try_cast(trim({value}) as decimal(28, 6))"
        bad = f"{numeric} is null" + (f" or {numeric} != floor({numeric})" if kind == "whole numbers" else "")
        if options.decimal_comma:
            kind += " with a decimal comma (--decimal-comma)"
            bad = f"not regexp_full_match(trim({V}), {_literal(DECIMAL_COMMA_NUMBER)}) or {bad}"
        checks[column] = ValueCheck(kind, value, bad)
    for column in table.booleans:
        checks[column] = ValueCheck("booleans (true/false)", V, f"lower(trim({V})) not in ({booleans})")
    return checks


# What a refused value looks like when the file follows a local convention that was not declared.
CONVENTION_HINTS = (
    (re.compile(r"^\s*\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b"), "timestamps",
     "day-first dates? give --date-format, e.g. '%d/%m/%Y %H:%M'"),
    (re.compile(r"^\s*[+-]?\d[\d. \u00a0\u202f]*,\d+\s*$"), "numbers",
     "a decimal comma? give --decimal-comma"),
)


def _hint(kind: str, samples: list[dict], options: CsvOptions) -> str:
    """A hint when sample values look like an undeclared local convention."""
    declared = {"timestamps": bool(options.date_formats), "numbers": options.decimal_comma}
    for pattern, kinds, hint in CONVENTION_HINTS:
        if kinds in kind and not declared[kinds] and any(pattern.match(s["value"] or "") for s in samples):
            return f" ({hint})"
    return ""


def _value_problems(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    staged: str,
    table: RawTable,
    positions: dict[str, int],
    options: CsvOptions = CsvOptions(),
) -> list[Problem]:
    """Typed columns whose present values do not parse, with up to SAMPLE_SIZE sample rows."""
    problems = []
    is_csv = path.suffix == ".csv"
    for column, check in _value_checks(table, options).items():
        if column not in positions:
            continue
        source = f"c{positions[column]}"
        predicate = f"nullif(trim(v), '') is not null and ({check.sql(check.bad, 'v')})"
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
            hint = _hint(check.kind, samples, options)
            problems.append(
                Problem(path, column, f"{count:,} value(s) are not {check.kind}, e.g. {shown}{hint}")
            )
    return problems


def _converted(
    connection: duckdb.DuckDBPyConnection,
    staged: str,
    table: RawTable,
    positions: dict[str, int],
    options: CsvOptions,
) -> str:
    """The staged table with declared conventions converted to the contract's canonical text
    (a new temp table, same columns and row order), or the staged table itself when none is."""
    if not (options.decimal_comma or options.date_formats):
        return staged
    checks = _value_checks(table, options)
    by_position = {position: column for column, position in positions.items()}
    width = len(connection.execute(f"select * from {staged} limit 0").description)
    columns = []
    for index in range(width):
        check = checks.get(by_position.get(index, ""))
        if check is None or not check.converts:
            columns.append(f"c{index}")
        else:
            columns.append(f"{check.sql(check.value, f'c{index}')} as c{index}")
    converted = f"{staged}_converted"
    connection.execute(
        f"create or replace temp table {converted} as select {', '.join(columns)} from {staged} order by rowid"
    )
    return converted


def _stage_file(
    connection: duckdb.DuckDBPyConnection,
    table: RawTable,
    path: Path,
    options: CsvOptions = CsvOptions(),
    work_dir: Path | None = None,
    say: Callable[[str], None] = lambda message: None,
) -> tuple[list[Problem], dict[str, int], str]:
    """Read one file into a temp table of text columns; return header problems and positions."""
    try:
        select_sql, names = _read_source_sql(path, options, work_dir or Path(tempfile.gettempdir()), say)
    except SegmentsError as error:
        return [Problem(path, None, str(error).removeprefix(f"{path.name}: "))], {}, ""
    except (OSError, UnicodeError) as error:
        return [Problem(path, None, f"cannot be read: {first_lines(error)}")], {}, ""
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
    options: CsvOptions = CsvOptions(),
) -> dict[str, int]:
    """Check DIR's three files, then replace the raw tables of the target in one transaction:
    the DuckDB file `warehouse`, the PostgreSQL server of the PG* variables, or (spark) text-only
    Parquet files in `raw_dir` that the spark target reads in place.

    With append=True (not for spark), DIR holds any non-empty subset of the three files; their
    rows are added to the existing raw tables in one transaction and the other tables are left
    as they are. With lenient=True, values that do not parse are loaded as they are (staging
    quarantines those rows) and reported as warnings; column problems still refuse the load.
    `options` says how to read CSV files and which local conventions to convert (CsvOptions).
    Returns the number of rows loaded (appended) per table.
    """
    say = progress or (lambda message: None)
    options.check()
    if append and target == "spark":
        raise SegmentsError(SPARK_APPEND)
    if not directory.is_dir():
        raise SegmentsError(f"{directory}: no such directory")
    found = {table.name: find_file(directory, table, required=not append and not table.optional)
             for table in RAW_TABLES}
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
            file_problems, positions, staged_name = _stage_file(
                connection, table, path, options, Path(spill), say
            )
            if staged_name:
                value_problems = _value_problems(connection, path, staged_name, table, positions, options)
                (warnings if lenient else problems).extend(value_problems)
                rows = connection.execute(f"select count(*) from {staged_name}").fetchone()[0]
                say(f"checked {path.name}: {rows:,} rows in {time.perf_counter() - started:.1f} s")
                staged_name = _converted(connection, staged_name, table, positions, options)
                staged[table.name] = (staged_name, positions)
            problems.extend(file_problems)

        if not append:  # an optional table without its file is replaced by an empty one
            for table in RAW_TABLES:
                if table.name not in staged and table.name not in files:
                    empty = f"empty_{table.name}"
                    connection.execute(f"create table {empty} as select 1 as c0 where false")
                    staged[table.name] = (empty, {})
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
            return raw_writers.write_parquet(connection, staged, raw_dir or segments_raw_parquet_dir(), say)
        return raw_writers.write_duckdb(connection, staged, warehouse, schema, say, append=append)
    finally:
        connection.close()
        shutil.rmtree(spill, ignore_errors=True)
