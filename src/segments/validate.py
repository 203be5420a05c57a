"""`segments validate`: Great Expectations checks of the built marts, with HTML Data Docs.

Every suite is built in code from the warehouse itself (the seeds give the accepted values) and
from the vars the build ran with (rpt_build_settings: segments_rfm_bins, segments_abc_labels,
segments_rfm_window_days). Each mart is read
from DuckDB through Arrow into a pandas DataFrame, only the columns its expectations need, and
validated with GX's pandas datasource: GX's SQL datasource does not work on DuckDB through
duckdb-engine. Cross-table checks (row counts, the revenue reconciliation) are expectations too:
on a value computed in SQL, or on a one-row DataFrame of totals, so they show in Data Docs like
every other check.

The GX context is ephemeral: suites, checkpoints and results live in memory, and the only thing
written is the Data Docs site, OUT_DIR/data_docs/local_site/index.html, rebuilt on every run.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from segments.errors import SegmentsError
from segments.project import segment_dimensions
from segments.sql import build_settings
from segments.sql import first_lines as _first_line

MARTS = "main"
SEEDS = "main_seeds"
DOCS_SITE = "local_site"
# The marts and seeds every run needs; contact_segments is optional (see _suites).
REQUIRED = (
    (MARTS, "contact_rfm"), (MARTS, "contact_abc"), (MARTS, "contact_lifecycle"),
    (MARTS, "contact_abell"), (MARTS, "abell_matrix"), (MARTS, "fct_orders"),
    (MARTS, "dim_contacts"),
    (SEEDS, "rfm_segments"), (SEEDS, "lifecycle_stages"), (SEEDS, "abell_client_group_labels"),
    (SEEDS, "abell_need_labels"), (SEEDS, "abell_technology_labels"),
)
OPTIONAL_SEGMENTS = "contact_segments"
NOT_BUILT = "not built yet"


@dataclass(frozen=True)
class Failure:
    """One failed expectation: where, what, and what the data showed."""

    suite: str
    column: str  # the column(s) checked, or "(table)" for table-level expectations
    expectation: str  # GX expectation type, e.g. expect_column_values_to_be_unique
    observed: str

    def __str__(self) -> str:
        return f"{self.suite}.{self.column}: {self.expectation} failed: {self.observed}"


@dataclass(frozen=True)
class SuiteResult:
    """Counts of one expectation suite; `skipped` says why it did not run (then counts are 0)."""

    name: str
    evaluated: int = 0
    successful: int = 0
    rows: int = 0
    skipped: str | None = None

    @property
    def success(self) -> bool:
        return self.skipped is not None or self.successful == self.evaluated


@dataclass
class ValidationReport:
    """What `validate` found: one entry per suite, every failed expectation, the Data Docs page."""

    suites: list[SuiteResult]
    failures: list[Failure]
    docs_index: Path
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return not self.failures and all(suite.success for suite in self.suites)

    def lines(self) -> list[str]:
        """The report as text: a line per suite, then the failures, then the Data Docs path."""
        width = max(len(suite.name) for suite in self.suites)
        lines = []
        for suite in self.suites:
            if suite.skipped:
                lines.append(f"{suite.name:<{width}}  skipped: {suite.skipped}")
                continue
            verdict = "ok" if suite.success else "FAILED"
            lines.append(
                f"{suite.name:<{width}}  {suite.successful}/{suite.evaluated} expectations passed"
                f" ({suite.rows:,} row{'' if suite.rows == 1 else 's'})  {verdict}"
            )
        lines += self.notes
        if self.failures:
            lines += ["", f"{len(self.failures)} failed expectation(s):"]
            lines += [f"  {failure}" for failure in self.failures]
        passed = sum(suite.successful for suite in self.suites)
        evaluated = sum(suite.evaluated for suite in self.suites)
        lines += [
            "",
            f"{'passed' if self.success else 'FAILED'}: {passed}/{evaluated} expectations "
            f"in {self.seconds:.1f} s",
            f"Data Docs: {self.docs_index}",
        ]
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())


@dataclass
class _Suite:
    """A suite to run: its name, the DataFrame it validates and its expectations."""

    name: str
    relation: str  # what the frame holds, for the suite notes in Data Docs
    frame: Any  # pandas.DataFrame
    expectations: list = field(default_factory=list)


def validate(
    warehouse: Path, out_dir: Path, progress: Callable[[str], None] | None = None
) -> ValidationReport:
    """Validate the marts of `warehouse` and write Data Docs under `out_dir`.

    Raises SegmentsError when the warehouse or a needed mart or seed is missing. Failed
    expectations do not raise: they are listed in the report and make `report.success` False.
    """
    say = progress or (lambda message: None)
    started = time.perf_counter()
    if not warehouse.is_file():
        raise SegmentsError(
            f"{warehouse}: no warehouse yet: run `segments load` and `segments build`"
        )
    import great_expectations  # noqa: F401  (a few seconds: say so, apart from reading the marts)

    say(f"loaded Great Expectations ({time.perf_counter() - started:.1f} s)")
    reading = time.perf_counter()
    # Not read_only: dbt may hold this very file open in-process, and DuckDB refuses a second
    # connection to it with another configuration.
    try:
        connection = duckdb.connect(str(warehouse))
    except duckdb.Error as error:
        message = _first_line(error)
        raise SegmentsError(f"{warehouse}: cannot open the warehouse: {message}") from None
    try:
        connection.begin()  # one snapshot for every table read
        suites, skipped, notes = _suites(connection, build_settings(connection))
        connection.rollback()
    except SegmentsError as error:
        raise SegmentsError(f"{warehouse}: {error}") from None
    except duckdb.Error as error:
        raise SegmentsError(f"{warehouse}: cannot read the marts: {_first_line(error)}") from None
    finally:
        connection.close()
    say(f"read the marts of {warehouse} ({time.perf_counter() - reading:.1f} s)")

    results, failures, docs_index = _run_checkpoints(suites, out_dir, say)
    for result in skipped:
        say(f"{result.name}: skipped: {result.skipped}")
    return ValidationReport(
        suites=results + skipped,
        failures=failures,
        docs_index=docs_index,
        seconds=time.perf_counter() - started,
        notes=notes,
    )


# --- configuration -----------------------------------------------------------------------------


# --- the suites --------------------------------------------------------------------------------


def _tables(connection: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], set[str]]:
    """{(schema, table): {columns}} of every table and view of the marts and seeds schemas."""
    rows = connection.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema in (?, ?)",
        [MARTS, SEEDS],
    ).fetchall()
    tables: dict[tuple[str, str], set[str]] = {}
    for schema, table, column in rows:
        tables.setdefault((schema, table), set()).add(column)
    return tables


def _frame(connection: duckdb.DuckDBPyConnection, sql: str):
    """A query's result as a pandas DataFrame, through Arrow (a relation's Arrow output: the
    DB-API cursor's would copy the rows once more)."""
    return connection.sql(sql).to_arrow_table().to_pandas()


def _column_frame(connection, tables, relation: tuple[str, str], columns: list[str]):
    """The given columns of a table (those that exist: an expectation on a missing column
    fails in GX with 'column does not exist', which is the report we want)."""
    present = [column for column in columns if column in tables[relation]]
    selected = ", ".join(f'"{column}"' for column in present) or "null as no_expected_column"
    return _frame(connection, f'select {selected} from "{relation[0]}"."{relation[1]}"')


def _values(connection, relation: str, column: str) -> list[str]:
    rows = connection.execute(f"select distinct {column} from {relation} order by 1").fetchall()
    return [row[0] for row in rows if row[0] is not None]


def _count(connection, relation: str) -> int:
    (count,) = connection.execute(f"select count(*) from {relation}").fetchall()[0]
    return int(count)


def _check_required(tables: dict) -> None:
    """Refuse to validate before the marts every suite reads are built."""
    missing = [f"{schema}.{table}" for schema, table in REQUIRED if (schema, table) not in tables]
    if len(missing) == len(REQUIRED):
        raise SegmentsError("the marts are not built yet: run `segments build` first")
    if missing:
        more = len(missing) - 3
        listed = ", ".join(missing[:3]) + (f" and {more} more" if more > 0 else "")
        raise SegmentsError(f"not in the warehouse yet: {listed}: run `segments build` first")


@dataclass(frozen=True)
class _Expected:
    """What the marts are checked against: the build's vars and the label seeds."""

    bins: int
    abc_labels: list[str]
    window_days: int | None
    rfm_segments: list[str]
    stages: list[str]
    groups: list[str]
    needs: list[str]
    contacts: int
    cells: int

    @classmethod
    def read(cls, connection: duckdb.DuckDBPyConnection, dbt_vars: dict) -> _Expected:
        cells = 1
        for seed in ("abell_client_group_labels", "abell_need_labels", "abell_technology_labels"):
            cells *= _count(connection, f"{SEEDS}.{seed}")
        return cls(
            bins=int(dbt_vars.get("segments_rfm_bins") or 5),
            abc_labels=[str(label) for label in (dbt_vars.get("segments_abc_labels") or ["A", "B", "C"])],
            window_days=dbt_vars.get("segments_rfm_window_days"),
            rfm_segments=_values(connection, f"{SEEDS}.rfm_segments", "rfm_segment"),
            stages=_values(connection, f"{SEEDS}.lifecycle_stages", "lifecycle_stage"),
            groups=_values(connection, f"{SEEDS}.abell_client_group_labels", "client_group"),
            needs=_values(connection, f"{SEEDS}.abell_need_labels", "need"),
            contacts=_count(connection, f"{MARTS}.dim_contacts"),
            cells=cells,
        )


def _unique_key(column: str = "contact_id") -> list:
    from great_expectations import expectations as gxe

    return [gxe.ExpectColumnValuesToBeUnique(column=column), gxe.ExpectColumnValuesToNotBeNull(column=column)]


def _not_null(*columns: str) -> list:
    from great_expectations import expectations as gxe

    return [gxe.ExpectColumnValuesToNotBeNull(column=column) for column in columns]


def _rows_of_dim_contacts(expected: _Expected) -> Any:
    from great_expectations import expectations as gxe

    return gxe.ExpectTableRowCountToEqual(
        value=expected.contacts,
        meta={"compared_with": f"{MARTS}.dim_contacts", "rows": expected.contacts},
        description=f"Must have exactly as many rows as {MARTS}.dim_contacts ({expected.contacts:,}).",
    )


def _mart_expectations(expected: _Expected) -> dict[str, tuple[list[str], list]]:
    """mart -> (the columns its frame needs, its expectations), for the marts every build has."""
    from great_expectations import expectations as gxe

    in_set = gxe.ExpectColumnValuesToBeInSet
    return {
        "contact_rfm": (
            ["contact_id", "recency_days", "r_score", "f_score", "m_score", "rfm_cell", "rfm_segment"],
            [
                *_unique_key(),
                *[gxe.ExpectColumnValuesToBeBetween(column=score, min_value=1, max_value=expected.bins)
                  for score in ("r_score", "f_score", "m_score")],
                *_not_null("r_score", "f_score", "m_score", "rfm_segment"),
                in_set(column="rfm_segment", value_set=expected.rfm_segments),
                gxe.ExpectColumnValuesToBeBetween(column="recency_days", min_value=0),
                gxe.ExpectColumnValuesToMatchRegex(column="rfm_cell", regex="^[0-9]+$"),
            ],
        ),
        "contact_abc": (
            ["contact_id", "abc_tier", "revenue_share"],
            [
                *_unique_key(),
                *_not_null("abc_tier", "revenue_share"),
                in_set(column="abc_tier", value_set=expected.abc_labels),
                gxe.ExpectColumnValuesToBeBetween(column="revenue_share", min_value=0, max_value=1),
            ],
        ),
        "contact_lifecycle": (
            ["contact_id", "lifecycle_stage"],
            [
                *_unique_key(),
                *_not_null("lifecycle_stage"),
                in_set(column="lifecycle_stage", value_set=expected.stages),
                _rows_of_dim_contacts(expected),
            ],
        ),
        "contact_abell": (
            ["contact_id", "client_group", "primary_need"],
            [
                *_unique_key(),
                *_not_null("client_group", "primary_need"),
                in_set(column="client_group", value_set=expected.groups),
                in_set(column="primary_need", value_set=sorted({*expected.needs, "unknown"})),
            ],
        ),
        "abell_matrix": (
            ["penetration"],
            [
                gxe.ExpectTableRowCountToEqual(
                    value=expected.cells,
                    meta={"rows": expected.cells},
                    description="Must have one row per client group x need x technology of the "
                    f"label seeds ({expected.cells:,} rows).",
                ),
                gxe.ExpectColumnValuesToBeBetween(column="penetration", min_value=0, max_value=1),
            ],
        ),
    }


def _segments_expectations(expected: _Expected, dimensions: list[str]) -> list:
    """contact_segments: one row per contact, every dimension labelled, labels from the seeds."""
    from great_expectations import expectations as gxe

    return [
        *_unique_key(),
        *_not_null(*dimensions, "as_of_date", "segment_hash"),
        gxe.ExpectColumnValuesToBeInSet(column="rfm_segment", value_set=[*expected.rfm_segments, "non_customer"]),
        gxe.ExpectColumnValuesToBeInSet(column="abc_tier", value_set=[*expected.abc_labels, "non_customer"]),
        _rows_of_dim_contacts(expected),
    ]


def _suites(connection: duckdb.DuckDBPyConnection, dbt_vars: dict):
    """The suites with their frames, the suites skipped, and notes for the report."""
    tables = _tables(connection)
    _check_required(tables)
    expected = _Expected.read(connection, dbt_vars)
    suites = [
        _Suite(name, f"{MARTS}.{name}", _column_frame(connection, tables, (MARTS, name), columns), expectations)
        for name, (columns, expectations) in _mart_expectations(expected).items()
    ]
    suites.append(_revenue_reconciliation(connection, expected.window_days))
    skipped: list[SuiteResult] = []
    # the dimensions the build declared (a host project may declare its own), else this project's
    dimensions = list(dbt_vars.get("segments_segment_dimensions") or segment_dimensions())
    if (MARTS, OPTIONAL_SEGMENTS) in tables:
        columns = ["contact_id", *dimensions, "as_of_date", "segment_hash"]
        frame = _column_frame(connection, tables, (MARTS, OPTIONAL_SEGMENTS), columns)
        suites.append(_Suite(OPTIONAL_SEGMENTS, f"{MARTS}.{OPTIONAL_SEGMENTS}", frame,
                             _segments_expectations(expected, dimensions)))
    else:
        skipped.append(SuiteResult(
            OPTIONAL_SEGMENTS, skipped=f"{NOT_BUILT}: {MARTS}.{OPTIONAL_SEGMENTS} is not in the warehouse"
        ))
    notes = []
    if expected.window_days is not None:
        notes.append(
            f"note: var segments_rfm_window_days = {expected.window_days}: contact_rfm.monetary covers the "
            "window only, so revenue_reconciliation checks it does not exceed fct_orders revenue"
        )
    return suites, skipped, notes


def _revenue_reconciliation(connection, window_days) -> _Suite:
    """fct_orders vs contact_rfm: the revenue totals, in cents, as a one-row DataFrame."""
    from great_expectations import expectations as gxe

    frame = _frame(
        connection,
        f"""
        select
            (select cast(round(coalesce(sum(revenue_amount), 0) * 100) as bigint)
             from {MARTS}.fct_orders) as fct_orders_revenue_cents,
            (select cast(round(coalesce(sum(monetary), 0) * 100) as bigint)
             from {MARTS}.contact_rfm) as contact_rfm_monetary_cents
        """,
    )
    if window_days is None:
        check = gxe.ExpectColumnPairValuesToBeEqual(
            column_A="fct_orders_revenue_cents",
            column_B="contact_rfm_monetary_cents",
            description="sum(fct_orders.revenue_amount) must equal sum(contact_rfm.monetary) "
            "to the cent (both in cents).",
        )
    else:
        check = gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="fct_orders_revenue_cents",
            column_B="contact_rfm_monetary_cents",
            or_equal=True,
            description=f"segments_rfm_window_days = {window_days}: sum(contact_rfm.monetary) must not "
            "exceed sum(fct_orders.revenue_amount) (both in cents).",
        )
    expectations = [
        check,
        *[
            gxe.ExpectColumnValuesToNotBeNull(column=column)
            for column in ("fct_orders_revenue_cents", "contact_rfm_monetary_cents")
        ],
    ]
    return _Suite(
        "revenue_reconciliation", f"{MARTS}.fct_orders vs {MARTS}.contact_rfm", frame, expectations
    )


# --- running them ------------------------------------------------------------------------------


def _context(site_dir: Path):
    """An in-memory GX context whose only on-disk output is the Data Docs site in `site_dir`."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        data_docs_sites={
            DOCS_SITE: {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(site_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _run_checkpoints(suites: list[_Suite], out_dir: Path, say: Callable[[str], None]):
    """Run one Checkpoint per suite (a pandas DataFrame is a per-run batch parameter, so suites
    on different frames cannot share one), all under one run id, each updating Data Docs."""
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction
    from great_expectations.core.run_identifier import RunIdentifier

    site_dir = (out_dir / "data_docs" / DOCS_SITE).resolve()
    shutil.rmtree(site_dir, ignore_errors=True)  # the docs show this run only
    try:
        site_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SegmentsError(f"{site_dir}: cannot write Data Docs: {error}") from None
    context = _context(site_dir)
    source = context.data_sources.add_pandas("warehouse")
    run_id = RunIdentifier(run_name="segments_validate", run_time=dt.datetime.now(dt.UTC))
    results: list[SuiteResult] = []
    failures: list[Failure] = []
    for spec in suites:
        asset = source.add_dataframe_asset(spec.name)
        batch = asset.add_batch_definition_whole_dataframe(spec.name)
        suite = context.suites.add(
            gx.ExpectationSuite(
                name=spec.name,
                expectations=spec.expectations,
                meta={"notes": {"format": "markdown", "content": [f"Validates {spec.relation}."]}},
            )
        )
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=spec.name, data=batch, suite=suite)
        )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=spec.name,
                validation_definitions=[definition],
                actions=[UpdateDataDocsAction(name="update_data_docs", site_names=[DOCS_SITE])],
                result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5},
            )
        )
        outcome = checkpoint.run(batch_parameters={"dataframe": spec.frame}, run_id=run_id)
        for validation in outcome.run_results.values():
            statistics = validation.statistics
            result = SuiteResult(
                name=spec.name,
                evaluated=int(statistics["evaluated_expectations"]),
                successful=int(statistics["successful_expectations"]),
                rows=len(spec.frame),
            )
            results.append(result)
            failures += [
                _failure(spec.name, item) for item in validation.results if not item.success
            ]
            say(
                f"{spec.name}: {result.successful}/{result.evaluated} expectations passed"
                + ("" if result.success else " - FAILED")
            )
    index = site_dir / "index.html"
    if not index.is_file():
        raise SegmentsError(f"{index}: Great Expectations did not write the Data Docs")
    return results, failures, index


def _failure(suite: str, item) -> Failure:
    """A readable Failure from a GX ExpectationValidationResult."""
    config = item.expectation_config
    kwargs = config.kwargs
    if "column" in kwargs:
        column = kwargs["column"]
    elif "column_A" in kwargs:
        column = f"{kwargs['column_A']}, {kwargs['column_B']}"
    else:
        column = "(table)"
    return Failure(suite, column, config.type, _observed(item))


def _observed(item) -> str:
    error = _exception_message(item.exception_info)
    if error:
        return f"error: {error}"
    result = dict(item.result or {})
    if "observed_value" in result:
        observed = f"observed {result['observed_value']!r}"
        expected = item.expectation_config.kwargs.get("value")
        return observed if expected is None else f"{observed}, expected {expected!r}"
    unexpected = result.get("unexpected_count")
    if unexpected is not None:
        total = result.get("element_count")
        if item.expectation_config.type == "expect_column_values_to_not_be_null":
            return f"{unexpected} of {total} rows null"
        sample = list(dict.fromkeys(repr(_plain(value)) for value in
                                    result.get("partial_unexpected_list") or []))
        shown = ", ".join(sample[:5])
        return f"{unexpected} of {total} rows unexpected" + (f", e.g. {shown}" if shown else "")
    return "failed"


def _plain(value):
    """numpy scalars and pair tuples as plain Python values, for a readable repr."""
    if isinstance(value, (list, tuple)):
        return tuple(_plain(item) for item in value)
    return value.item() if hasattr(value, "item") else value


def _exception_message(info) -> str | None:
    """The first exception message in GX's exception_info (flat, or keyed by metric)."""
    if not info:
        return None
    if isinstance(info, dict) and "raised_exception" in info:
        if not info.get("raised_exception"):
            return None
        message = str(info.get("exception_message") or "exception").strip()
        return message.removeprefix("Error: ").splitlines()[0]
    if isinstance(info, dict):
        for value in info.values():
            message = _exception_message(value)
            if message:
                return message
    return None
