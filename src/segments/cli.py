"""The `segments` command: generate demo data, load raw files, build the segments, summarise.

The CLI is thin: the data work happens in DuckDB SQL and in the dbt project's models.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from segments import __version__
from segments.errors import SegmentsError


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def cmd_generate(args: argparse.Namespace) -> None:
    from segments.generate import generate

    started = time.perf_counter()
    try:
        counts = generate(
            contacts=args.contacts,
            seed=args.seed,
            out_dir=Path(args.out),
            end_date=args.end_date or dt.datetime.now(dt.UTC).date(),
            fmt=args.format,
            inject_bad_rows=args.inject_bad_rows,
            progress=_say,
            commerce_cases=args.commerce_cases,
        )
    except ValueError as error:
        raise SegmentsError(str(error)) from None
    rows = ", ".join(f"{name} {count:,}" for name, count in counts.items())
    _say(f"generated {rows} rows in {args.out} ({time.perf_counter() - started:.1f} s)")


def cmd_load(args: argparse.Namespace) -> None:
    from segments.load import load
    from segments.project import segments_raw_parquet_dir, select_target, warehouse_path

    started = time.perf_counter()
    target = select_target(args.target)
    warehouse = warehouse_path(args.database)
    load(Path(args.directory), warehouse, schema=args.schema, lenient=args.lenient, progress=_say,
         target=target, append=args.append, options=_csv_options(args))
    where = {"spark": lambda: str(segments_raw_parquet_dir()), "postgres": lambda: "PostgreSQL"}.get(
        target, lambda: str(warehouse))()
    done = "appended" if args.append else "loaded"
    _say(f"{done} {args.directory} into {where} ({time.perf_counter() - started:.1f} s)")


def cmd_build(args: argparse.Namespace) -> None:
    from segments.history import SNAPSHOT, latest_recorded_date
    from segments.project import select_target, warehouse_path
    from segments.runner import run_dbt

    target = select_target(args.target)
    warehouse = warehouse_path(args.database)
    _check_duckdb_warehouse(target, warehouse)
    dbt_vars = dict(args.vars)
    if args.as_of_date:
        dbt_vars["segments_as_of_date"] = args.as_of_date.isoformat()
    command = ["build"]
    if args.select:
        command += ["--select", *args.select, *SELECTION_MUST_MATCH]
    if args.full_refresh:
        command.append("--full-refresh")
    as_of = args.as_of_date or dt.datetime.now(dt.UTC).date()
    latest = latest_recorded_date(warehouse) if target == "duckdb" else None
    if latest is not None and as_of < latest:
        _say(f"note: the segment history already runs to {latest}; segments as of {as_of} "
             f"are built but not recorded in {SNAPSHOT}")
        command += ["--exclude", SNAPSHOT]
    run_dbt(command, dbt_vars)
    if target != "duckdb" or args.no_publish:
        return
    if args.select:
        _say("note: a partial build (--select) is not published: run `segments publish` after a full one")
    else:
        _publish(warehouse, None)


def _publish(warehouse: Path, out: str | None) -> None:
    from segments.publish import publish

    result = publish(warehouse, Path(out).resolve() if out else None)
    _say(f"published {result['relations']} tables as of {result['as_of_date']} to {result['path']} "
         f"for readers ({result['seconds']:.1f} s)")


def cmd_publish(args: argparse.Namespace) -> None:
    from segments.project import warehouse_path

    _publish(warehouse_path(args.database), args.out)


# A --select that matches no node is an error, not "Nothing to do" and exit 0.
SELECTION_MUST_MATCH = ("--warn-error-options", '{"error": ["NoNodesForSelectionCriteria"]}')


def _dbt_vars(text: str) -> dict:
    """--vars: a YAML (or JSON) mapping of dbt vars, as dbt's own --vars takes it."""
    import yaml

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise argparse.ArgumentTypeError(f"not a YAML mapping: {str(error).splitlines()[0]}") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError("not a YAML mapping such as '{segments_reporting_currency: USD}'")
    return value


def _dimension_names() -> str:
    """The segment dimensions as dbt_project.yml declares them, for the help."""
    from segments.project import segment_dimensions

    try:
        return ", ".join(segment_dimensions())
    except (SegmentsError, OSError, KeyError):
        return "a label column of contact_segments"


def _add_vars(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--vars", type=_dbt_vars, default={}, metavar="YAML",
        help="dbt vars for this build, a YAML mapping as dbt's --vars takes it, e.g. "
        "'{segments_reporting_currency: USD}' (--as-of-date wins over segments_as_of_date)",
    )


def _check_duckdb_warehouse(target: str, warehouse: Path | None) -> None:
    """Before dbt opens it: the DuckDB warehouse is a DuckDB file that no other process holds."""
    from segments.sql import check_warehouse

    if target == "duckdb" and warehouse is not None:
        check_warehouse(warehouse)


def cmd_history(args: argparse.Namespace) -> None:
    from segments.history import build_history, month_ends
    from segments.project import select_target, warehouse_path

    target = select_target(args.target)
    warehouse = warehouse_path(args.database) if target == "duckdb" else None
    _check_duckdb_warehouse(target, warehouse)
    today = dt.datetime.now(dt.UTC).date()
    dates = list(args.dates or []) + (month_ends(args.month_ends, today) if args.month_ends else [])
    if not dates:
        raise SegmentsError("give --dates or --month-ends")
    started = time.perf_counter()
    built = build_history(dates, warehouse, _say, args.vars)
    _say(f"history recorded for {len(built)} dates, {built[0]} .. {built[-1]} "
         f"({time.perf_counter() - started:.1f} s)")


def cmd_export(args: argparse.Namespace) -> None:
    from segments.export import export_audience
    from segments.project import warehouse_path

    started = time.perf_counter()
    result = export_audience(
        warehouse_path(args.database),
        Path(args.out),
        audience=args.audience,
        dimension=args.dimension,
        labels=args.label,
        fmt=args.format,
        include_unreachable=args.include_unreachable,
        hash_emails=args.hash_emails,
        diff=args.diff,
        allow_empty=args.allow_empty,
        preset=args.preset,
    )
    manifest = result.manifest
    if manifest["diff"]:
        rows = f"{manifest['diff']['adds']:,} adds and {manifest['diff']['removes']:,} removes"
    else:
        rows = f"{manifest['row_count']:,} contacts"
    files = " and ".join(f"{path} ({path.name}.manifest.json)" for path in result.paths)
    _say(f"exported {rows} of {manifest['audience_key']} as of {manifest['as_of_date']} to "
         f"{files} ({time.perf_counter() - started:.1f} s)")


def cmd_record_sync(args: argparse.Namespace) -> None:
    from segments.export import record_sync
    from segments.project import warehouse_path

    result = record_sync(warehouse_path(args.database), args.audience, args.date)
    _say(f"recorded the sync of {result.audience} as of {result.as_of_date}: {result.treated:,} treated, "
         f"{result.holdout:,} held out (export_id {result.export_id})")


def cmd_compare_engines(args: argparse.Namespace) -> None:
    from segments.engines import compare_engines
    from segments.project import warehouse_path

    started = time.perf_counter()
    spark = Path(args.spark_dir).resolve() if args.spark_dir else None
    results = compare_engines(warehouse_path(args.database), postgres=args.postgres, spark_dir=spark)
    for result in results:
        print(result)
    differing = [result for result in results if not result.identical]
    engines = sorted({result.engine for result in results})
    print(f"{len(results) - len(differing)} of {len(results)} marts identical row for row "
          f"({', '.join(engines)} against duckdb, {time.perf_counter() - started:.1f} s)")
    if differing:
        names = ", ".join(f"{result.engine}.{result.mart}" for result in differing)
        raise SegmentsError(f"{len(differing)} mart(s) differ from the DuckDB reference: {names}")


def cmd_parameters(args: argparse.Namespace) -> None:
    from segments.parameters import parameters_json
    from segments.project import warehouse_path

    text = parameters_json(warehouse_path(args.database))
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
        _say(f"prediction parameters written to {args.out}")
    else:
        print(text)


def cmd_summary(args: argparse.Namespace) -> None:
    from segments.project import warehouse_path
    from segments.summary import summary

    print(summary(warehouse_path(args.database)))


def cmd_report(args: argparse.Namespace) -> None:
    from segments.project import project_dir, warehouse_path
    from segments.report import build_report

    out = Path(args.out) if args.out else project_dir() / "target" / "segments_report.html"
    result = build_report(warehouse_path(args.database), out)
    _say(f"report as of {result['as_of_date']}: {result['bytes'] / 1e6:.1f} MB in {result['seconds']:.1f} s")
    print(f"report written to {out.resolve()}")


def cmd_validate(args: argparse.Namespace) -> None:
    from segments.project import project_dir, warehouse_path
    from segments.validate import validate

    warehouse = warehouse_path(args.database)
    out_dir = Path(args.out) if args.out else project_dir() / "target" / "gx"
    report = validate(warehouse, out_dir)
    print(report)
    if not report.success:
        raise SegmentsError(
            f"{len(report.failures)} expectation(s) failed; Data Docs: {report.docs_index}"
        )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="segments",
        description="SQL-first customer segmentation in dbt: generate demo data, load raw "
        "files into the warehouse, build the segment marts and summarise them.",
    )
    parser.add_argument("--version", action="version", version=f"segments {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        parser_of_command = commands.add_parser(
            command.name, help=command.summary, description=command.description
        )
        for add_options in (command.add_arguments, *command.shared_options):
            add_options(parser_of_command)
        parser_of_command.set_defaults(handler=command.handler)
    return parser


def _add_generate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--contacts", type=_positive_int, required=True, help="number of contacts")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default: 42)")
    parser.add_argument("--out", required=True, help="output directory (created if missing)")
    parser.add_argument(
        "--end-date", type=_iso_date, help="last day of history, YYYY-MM-DD (default: today, UTC)"
    )
    parser.add_argument(
        "--format", choices=("csv", "parquet"), default="csv", help="file format (default: csv)"
    )
    parser.add_argument(
        "--inject-bad-rows",
        action="store_true",
        help="add a few invalid rows of every kind staging quarantines, and list them in "
        "DIR/_injected_bad_rows.json (load such data with --lenient)",
    )
    parser.add_argument(
        "--commerce-cases",
        action="store_true",
        help="also write what real commerce data holds: order-level discounts, guest checkouts (an "
        "email, no contact_id), orders without lines, shipping and tax, and dated refunds (refunds.csv)",
    )


def _add_load_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", help="folder holding contacts, orders and interactions files")
    parser.add_argument(
        "--append",
        action="store_true",
        help="add the rows of the files in DIR (any of contacts, orders, interactions) to the "
        "existing raw tables in one transaction instead of replacing all three; the next `dbt "
        "build` then re-checks only what the new rows touch (duckdb and postgres targets)",
    )
    parser.add_argument("--schema", default="raw", help="schema of the raw tables (default: raw)")
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="load values that do not parse anyway (as text, with a warning) and let staging "
        "quarantine those rows; column problems still refuse the load",
    )


def _add_build_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of-date", type=_iso_date, help="reference date of the segments (default: today, UTC)"
    )
    parser.add_argument("--select", nargs="+", help="dbt node selection (default: everything)")
    parser.add_argument("--full-refresh", action="store_true", help="rebuild incremental models")
    parser.add_argument(
        "--no-publish", action="store_true",
        help="do not copy the marts to the published file BI tools read (see `segments publish`)",
    )


def _add_publish_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", metavar="FILE",
        help="the published DuckDB file (default: the warehouse's name with .published, e.g. "
        "warehouse/segments.published.duckdb)",
    )


def _add_history_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dates", type=_iso_date, nargs="+", help="as_of dates, YYYY-MM-DD")
    parser.add_argument(
        "--month-ends", type=_positive_int, help="the last days of the N months before today"
    )


def _add_export_arguments(parser: argparse.ArgumentParser) -> None:
    from segments.export_presets import PRESETS

    selection = parser.add_mutually_exclusive_group(required=True)
    selection.add_argument("--audience", metavar="NAME", help="a named audience (seed audiences)")
    selection.add_argument(
        "--dimension",
        metavar="DIM",
        help=f"a segment dimension ({_dimension_names()}); select by --label",
    )
    parser.add_argument(
        "--label", nargs="+", metavar="L", help="labels of --dimension to select (any of them)"
    )
    parser.add_argument("--out", required=True, metavar="FILE", help="output file (.csv or .parquet)")
    parser.add_argument(
        "--format", choices=("csv", "parquet"), help="file format (default: from the FILE extension)"
    )
    parser.add_argument(
        "--preset",
        metavar="PLATFORM",
        help=f"write the CSV the platform imports ({', '.join(PRESETS)}): its header names, one "
        "row per contact; klaviyo, hubspot and mailchimp get clear email and names plus a column per "
        "segment dimension holding the label; meta (email, fn, ln) and google (Email) get SHA-256 "
        "hashes only, the file being the list. Default: the generic email, first_name, last_name, "
        "tags. With --diff: FILE's <name>-add and <name>-remove files (the remove file holds the "
        "identifier column only). Refused with .parquet, and for klaviyo, hubspot and mailchimp "
        "with --hash-emails or --include-unreachable",
    )
    parser.add_argument(
        "--include-unreachable",
        action="store_true",
        help="also export contacts not opted in or unsubscribed (never those without an email); "
        "recorded in the manifest",
    )
    parser.add_argument(
        "--hash-emails",
        action="store_true",
        help="write email_sha256, first_name_sha256, last_name_sha256 (SHA-256 of the trimmed, "
        "lower-cased value) instead of clear email and names, for customer-match uploads "
        "(--preset meta and google always hash)",
    )
    parser.add_argument(
        "--diff",
        action="store_true",
        help="only adds and removes since the previous --diff export of the same audience "
        "(an action column; with --preset two files, adds and removes); the first one adds everyone",
    )
    parser.add_argument(
        "--allow-empty",
        action="store_true",
        help="write the file even when the audience has no member (default: refuse)",
    )


def _add_record_sync_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--audience", required=True, metavar="NAME",
                        help="the named audience (seed audiences) the reverse-ETL tool synced")
    parser.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD",
                        help="the as_of_date of the audience the sync sent; refused when the build is "
                        "of another date (default: the build's)")


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    """A command with only the options it shares."""


def _add_report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", help="HTML file to write (default: target/segments_report.html)")


def _add_compare_engines_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--postgres", action="store_true", help="compare the postgres target")
    parser.add_argument(
        "--spark-dir", metavar="DIR",
        help="compare the spark target whose folder is DIR (its $SEGMENTS_SPARK_DIR)",
    )


def _add_parameters_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", help="write the JSON to this file instead of standard output")


def _add_validate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", help="folder for the Data Docs (default: target/gx in the project)")


DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


def _delimiter(text: str) -> str:
    return DELIMITER_NAMES.get(text.lower(), text)


def _add_csv_options(parser: argparse.ArgumentParser) -> None:
    """`segments load`'s options for files as companies export them (see load.CsvOptions)."""
    parser.add_argument(
        "--encoding",
        metavar="NAME",
        help="encoding of the CSV files, e.g. utf-8, cp1252, latin-1, utf-16 (default: from a "
        "byte-order mark, else UTF-8 when the whole file is valid UTF-8, else Windows-1252 with "
        "a note)",
    )
    parser.add_argument(
        "--delimiter",
        type=_delimiter,
        metavar="CHAR",
        help="field separator of the CSV files: one character, or tab, comma, semicolon, pipe "
        "(default: the one of , ; tab | that splits the header into the most contract columns)",
    )
    parser.add_argument(
        "--decimal-comma",
        action="store_true",
        help="numeric columns (quantity, unit_price, discount_amount, company_size, rating) use "
        "a decimal comma, thousands grouped by '.' or spaces: '1.234,56' is loaded as 1234.56",
    )
    parser.add_argument(
        "--date-format",
        action="append",
        metavar="FORMAT",
        help="strptime format of the timestamp columns, e.g. '%%d/%%m/%%Y %%H:%%M' (repeat the option "
        "to try several in order); values are loaded as ISO 8601, and ISO values are accepted too",
    )


def _csv_options(args: argparse.Namespace):
    from segments.load import CsvOptions

    return CsvOptions(
        encoding=args.encoding,
        delimiter=args.delimiter,
        decimal_comma=args.decimal_comma,
        date_formats=tuple(args.date_format or ()),
    )


def _add_database(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        help="DuckDB warehouse file (default: $SEGMENTS_DUCKDB_PATH, else warehouse/segments.duckdb)",
    )


def _add_target(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--target",
        choices=("duckdb", "postgres", "spark"),
        help="dbt target of profiles/profiles.yml (default: $SEGMENTS_TARGET, else duckdb); "
        "postgres connects with the PG* variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, "
        "PGDATABASE); spark loads raw files into $SEGMENTS_RAW_PARQUET_DIR (default "
        "warehouse/spark/raw) that the spark target reads in place",
    )


def _duckdb_error(error: Exception) -> str | None:
    """One line for a DuckDB error no command turned into a message (e.g. the warehouse locked
    by another process between the check and the work); None for any other exception."""
    duckdb = sys.modules.get("duckdb")
    if duckdb is None or not isinstance(error, duckdb.Error):
        return None
    from segments.sql import warehouse_error

    return warehouse_error(error)


@dataclass(frozen=True)
class Command:
    """A subcommand: its name, one-line help, description, own arguments, handler and the
    options it shares with other commands."""

    name: str
    summary: str
    description: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    handler: Callable[[argparse.Namespace], None]
    shared_options: tuple[Callable[[argparse.ArgumentParser], None], ...]


COMMANDS = (
    Command(
        "generate",
        "write deterministic synthetic raw data (contacts, orders, interactions)",
        "Write DIR/contacts, DIR/orders and DIR/interactions (.csv or .parquet): "
        "about three years of history for a CRM vendor's contacts, ending at --end-date. "
        "The same arguments always give byte-identical files.",
        _add_generate_arguments,
        cmd_generate,
        (),
    ),
    Command(
        "load",
        "check and load DIR/{contacts,orders,interactions}.{csv,parquet} into raw",
        "Check the three files against the raw input contract, then replace the "
        "raw tables in one transaction (with --append: add the rows of the files present to "
        "them). A malformed file (missing or unknown column, rows that do not split, values that "
        "are not timestamps, numbers or booleans) is refused with the file, column and sample "
        "rows, and the warehouse is left unchanged. Every row gets the column _loaded_at, the "
        "UTC time of its load.",
        _add_load_arguments,
        cmd_load,
        (_add_csv_options, _add_database, _add_target),
    ),
    Command(
        "build",
        "run `dbt build` (models, seeds, data tests, unit tests) on the warehouse",
        "Run dbt build on the project with its own profiles folder; on DuckDB, a full build "
        "is then published for readers (see `segments publish`).",
        _add_build_arguments,
        cmd_build,
        (_add_database, _add_target, _add_vars),
    ),
    Command(
        "publish",
        "copy the marts of the last good build to a file BI tools read while dbt builds",
        "Copy every mart, reporting model, seed, snapshot and quarantine of the last "
        "successful build into WAREHOUSE.published.duckdb (or --out), written beside it and swapped "
        "in by one rename: a dashboard or reverse-ETL sync reading that file (read-only) never "
        "sees a build in progress or two builds mixed, and never blocks a build. `segments build` "
        "does this after every full build on DuckDB.",
        _add_publish_arguments,
        cmd_publish,
        (_add_database,),
    ),
    Command(
        "history",
        "rebuild the segments for past dates into the snapshot history (segment movement)",
        "Build the segments as of each date, oldest first, and record them in the "
        "snapshot contact_segments_snapshot, so segment_transitions and segment_movement show "
        "movement from day one. Dates must come after the latest date already recorded.",
        _add_history_arguments,
        cmd_history,
        (_add_database, _add_vars, _add_target),
    ),
    Command(
        "export",
        "write an audience as CSV or Parquet for a marketing platform, with a manifest",
        "Write a named audience (--audience) or the contacts whose --dimension label "
        "is one of --label as FILE (columns email, first_name, last_name, tags; rows by email; "
        "or with --preset the file Klaviyo, HubSpot, Mailchimp, Meta or Google Ads imports) "
        "and FILE.manifest.json (row count, checksum, as_of_date, preset, options). Only contacts "
        "reachable by email (email present, opted in, not unsubscribed) unless "
        "--include-unreachable. With --diff only the contacts that entered (add) or left "
        "(remove) the audience since the previous --diff export, tracked in the warehouse table "
        "exports.audience_export_state. Nothing is written when the audience is empty. An "
        "audience's holdout members (seed audiences, holdout_share) are never exported; every export "
        "is logged, with its treated and holdout contacts, in exports.campaign_exports and "
        "exports.campaign_members for the mart campaign_results.",
        _add_export_arguments,
        cmd_export,
        (_add_database,),
    ),
    Command(
        "record-sync",
        "log a reverse-ETL sync of an audience (treated and holdout) for campaign_results",
        "Record in the warehouse's campaign log (exports.campaign_exports, exports.campaign_members) "
        "that a reverse-ETL tool (Hightouch, Census) synced the named audience of the current build: "
        "its members that were sent (reachable, not suppressed, not held out) as treated, its holdout "
        "members passing the same filters as holdout. The next build's campaign_results measures "
        "the lift of that sync. Refused when the build's as_of_date is not --date.",
        _add_record_sync_arguments,
        cmd_record_sync,
        (_add_database,),
    ),
    Command(
        "summary",
        "print what the last build produced: reconciliation, quarantine, orders",
        "Print a short summary of the built warehouse.",
        _no_arguments,
        cmd_summary,
        (_add_database,),
    ),
    Command(
        "report",
        "write a self-contained HTML report of the segments, with charts",
        "Write one HTML file (no network needed to open it: charts are inline SVG) "
        "with the RFM grid and segments, the ABC Pareto curve, lifecycle stages, the Abell "
        "matrix and its top opportunities, the latest segment movement and a sortable KPI "
        "table. Everything is aggregated in the warehouse.",
        _add_report_arguments,
        cmd_report,
        (_add_database,),
    ),
    Command(
        "compare-engines",
        "check that PostgreSQL and/or Spark built the same marts as DuckDB, row for row",
        "Compare every mart of the DuckDB warehouse (the reference, built on the "
        "same raw data and as_of_date) with the same mart on PostgreSQL (the PG* variables) "
        "and/or in the spark target's folder: rows only on one side are counted and sampled, "
        "duplicates included. Exits 1 when any mart differs.",
        _add_compare_engines_arguments,
        cmd_compare_engines,
        (_add_database,),
    ),
    Command(
        "parameters",
        "print the BG/NBD and Gamma-Gamma parameters of a DuckDB build as JSON",
        "Print the prediction parameters (mart prediction_parameters) of a DuckDB build "
        "as the JSON the dbt var segments_prediction_parameters takes, e.g. to score another engine with the "
        "same parameters: SEGMENTS_PREDICTION_PARAMETERS=\"$(segments parameters)\" segments build "
        "--target postgres.",
        _add_parameters_arguments,
        cmd_parameters,
        (_add_database,),
    ),
    Command(
        "validate",
        "check the built marts with Great Expectations and write HTML Data Docs",
        "Validate the marts with Great Expectations suites built from the seeds and "
        "the dbt vars: keys, score ranges, accepted labels, row counts against dim_contacts and "
        "the label seeds, and the revenue reconciliation of fct_orders with contact_rfm. Writes "
        "Data Docs to OUT/data_docs/local_site/index.html; exits 1 if any expectation fails.",
        _add_validate_arguments,
        cmd_validate,
        (_add_database,),
    ),
)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        args.handler(args)
    except SegmentsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except Exception as error:
        message = _duckdb_error(error)
        if message is None:
            raise
        print(f"error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
