"""`segments export`: write an audience as a file marketing platforms import, with a manifest.

An audience is a named audience (main.audience_members, seed audiences) or every contact of
main.contact_segments whose label on one segment dimension is one of the given labels. The file
(CSV or Parquet, written by DuckDB's COPY) holds one row per contact:

    email, first_name, last_name, tags

ordered by email, then contact_id. tags are the contact's segment labels as `dimension:label`,
joined by `;`, in the column order of contact_segments (the segment dimensions of the var
segments_segment_dimensions: lifecycle_stage, rfm_segment, ..., loyalty_segment, lead_tier). With hash_emails the
clear columns are replaced by email_sha256, first_name_sha256 and last_name_sha256: SHA-256 hex of
the trimmed, lower-cased value (customer-match uploads), rows ordered by the hash; no clear email or
name is written.

With a preset (klaviyo, hubspot, mailchimp, meta, google; see segments.export_presets) the file is
the CSV that platform imports instead: its header names and column order, one row per contact, a
column per segment dimension holding the label (klaviyo, hubspot, mailchimp: clear email and names,
no tags blob), or identifiers only, SHA-256 hashed, the file being the list (meta, google). A
preset refuses Parquet; the email platforms refuse hash_emails and include_unreachable (an import
would make contacts without consent emailable); meta and google always hash. The manifest records
the preset.

Only reachable contacts (is_email_reachable: email present, opted in, not unsubscribed, the
address not suppressed) are exported unless include_unreachable is given; contacts without an email
never are, and neither is any address of main.email_suppressions, whatever the option: an opt-out
or unsubscribe seen under any record of the address, at any date (the latest consent in the
warehouse, not the build's as_of_date), or a quarantined row that may carry one.

A named audience's holdout (audience_members.is_holdout, seed audiences.holdout_share) is never
exported, in any mode or preset: it is the control group. Every export, full or diff, is logged in
exports.campaign_exports with its treated contacts (every exported member, the whole audience also
for a diff) and its holdout members passing the same filters in exports.campaign_members (see
segments.campaigns), in the transaction that keeps the diff state: when that fails, the files are
removed. record_sync logs a reverse-ETL sync of a named audience the same way, without a file.

Before anything is read, the marts must come from the latest dbt run that selected a mart, and
that run must have succeeded (segments.build_log); raw contacts or interactions loaded after it
started are refused too (their consent is not in the marts yet).

Diff mode writes only what changed since the previous diff export of the same audience key, with an
`action` column (`add` / `remove`); a removal carries only the identifier (email or its hash) the
destination deletes. With a preset, a diff is two files in the preset's shape, <name>-add.<ext>
(the adds, every column) and <name>-remove.<ext> (the identifier column only), each with its own
manifest naming both; all four are moved into place together or not at all. What was sent is kept
in the warehouse, in exports.audience_export_state, replaced in one transaction after the file and
its manifest are in place. A full export never touches that state. The audience key is the
selection plus the identifier (email or email_sha256) plus reachable_only / include_unreachable, so
a clear and a hashed feed of one audience keep separate state; with a preset the identifier part is
`<preset>:<identifier column>` (e.g. klaviyo:Email), so each platform keeps its own state. Adds and
removes are compared on the identifier (what the destination keys on): a contact whose email
changed is a remove of the old address and an add of the new. Label changes of a contact that stays
are not in a diff (a full export refreshes tags).

A diff for an as_of_date before that of the key's previous diff export is refused: going back in
time would remove members who are still there. An empty diff (no change) is a valid file, header
only, with its manifest. An empty audience is an
error in both modes (usually a wrong as_of_date or a broken build; in diff mode it would remove
everyone from the destination) unless allow_empty is given.

Nothing is half-written: the file and the manifest are written into a private temporary folder
(mode 0700, files 0600) inside the target folder, so on the same file system, and moved into place
with os.replace; the folder is removed whatever happens, SIGTERM and SIGHUP included. A process
killed outright (SIGKILL) leaves that folder, readable by its owner only, and the next export into
the same folder removes it. Every problem a user can cause is a SegmentsError.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from segments.build_log import check_build
from segments.campaigns import CampaignLog, write_log
from segments.errors import SegmentsError
from segments.export_presets import HASH, Preset, Shape, diff_paths, find_preset, generic_shape, preset_shape
from segments.sql import first_lines as _first_line
from segments.sql import literal as _literal
from segments.sql import quote as _quote
from segments.sql import relation as _relation

STATE_SCHEMA = "exports"
STATE_TABLE = f"{STATE_SCHEMA}.audience_export_state"
FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
RELATIONS = {  # table -> the schema dbt builds it in (looked up elsewhere if the profile differs)
    "contact_segments": "main",
    "audience_members": "main",
    "segment_labels": "main",
    "audiences": "main_seeds",
    "email_suppressions": "main",
}
# Raw tables whose consent (opt-in, unsubscribes) must be in the marts before an export.
CONSENT_TABLES = ("contacts", "interactions")
TEMPORARY_PREFIX = ".segments-export-"


@dataclass(frozen=True)
class ExportResult:
    """What export_audience wrote."""

    path: Path
    manifest_path: Path
    manifest: dict
    # every file written and its manifest (a preset's diff: the add file, then the remove file)
    paths: tuple[Path, ...] = ()
    manifests: tuple[dict, ...] = ()

    @property
    def row_count(self) -> int:
        return int(self.manifest["row_count"])


def manifest_path_for(out: Path) -> Path:
    """<FILE>.manifest.json next to the export."""
    return out.with_name(out.name + ".manifest.json")


def export_audience(
    warehouse: Path,
    out: Path,
    *,
    audience: str | None = None,
    dimension: str | None = None,
    labels: Sequence[str] | None = None,
    fmt: str | None = None,
    include_unreachable: bool = False,
    hash_emails: bool = False,
    diff: bool = False,
    allow_empty: bool = False,
    preset: str | None = None,
) -> ExportResult:
    """Write the audience to `out` (and `out`.manifest.json); see the module docstring."""
    out = Path(out).absolute()
    platform = None
    if preset is not None:
        platform = find_preset(preset, fmt, out, hash_emails, include_unreachable)
        fmt, hash_emails = "csv", platform.hashed
    if (audience is None) == (dimension is None):
        raise SegmentsError(
            "give exactly one selection: an audience name, or a dimension with labels (not both)"
        )
    if dimension is not None and not labels:
        raise SegmentsError(f"give at least one label for dimension {dimension}")
    if dimension is None and labels:
        raise SegmentsError("labels select within a dimension: give the dimension too")
    for target in _targets(out, platform, diff):
        _check_target(target)
    fmt = _format(out, fmt)
    if not Path(warehouse).is_file():
        raise SegmentsError(
            f"{warehouse}: no warehouse yet: run `segments load` and `segments build`"
        )
    try:
        connection = duckdb.connect(str(warehouse))
    except duckdb.Error as error:
        message = _first_line(error)
        raise SegmentsError(f"{warehouse}: cannot open the warehouse: {message}") from None
    with connection:
        try:
            return _export(
                connection, out, fmt, audience, dimension, sorted(set(labels or [])),
                _Options(include_unreachable, hash_emails, diff, allow_empty, platform),
            )
        except duckdb.Error as error:
            raise SegmentsError(f"{warehouse}: export failed: {_first_line(error)}") from None


@dataclass(frozen=True)
class SyncResult:
    """What record_sync logged."""

    export_id: str
    audience: str
    as_of_date: dt.date
    treated: int
    holdout: int


def record_sync(warehouse: Path, audience: str, as_of_date: dt.date | None = None) -> SyncResult:
    """Log a reverse-ETL sync of a named audience in the campaign log (mode sync): treated are its
    members the sync sends (reachable, not suppressed, not held out), holdout its holdout members
    passing the same filters, as of the current build. Refused when the build's as_of_date is not
    `as_of_date` (the sync sent another day's audience), or when the audience has no such member."""
    if not Path(warehouse).is_file():
        raise SegmentsError(f"{warehouse}: no warehouse yet: run `segments load` and `segments build`")
    try:
        connection = duckdb.connect(str(warehouse))
    except duckdb.Error as error:
        raise SegmentsError(f"{warehouse}: cannot open the warehouse: {_first_line(error)}") from None
    with connection:
        try:
            check_build(connection, ("contact_segments", "audience_members"), CONSENT_TABLES)
            relations = {name: _relation(connection, name, schema) for name, schema in RELATIONS.items()}
            selection = _named_selection(connection, relations, audience)
            shape = generic_shape(_dimensions(connection, relations), False)
            _materialise_members(connection, relations, selection, shape, False)
            counts = _count_members(connection, relations["contact_segments"])
            if as_of_date is not None and as_of_date != counts.as_of_date:
                raise SegmentsError(
                    f"the build is as of {counts.as_of_date}, not {as_of_date}: run `segments build "
                    f"--as-of-date {as_of_date}` first (or record the sync with --date {counts.as_of_date})"
                )
            if counts.current == 0 and counts.held_out == 0:
                raise SegmentsError(
                    f"audience {audience} as of {counts.as_of_date} is empty: "
                    + _empty_reason(counts, False) + "; nothing recorded"
                )
            log = CampaignLog(
                audience, f"{selection.key}|sync|reachable_only", counts.as_of_date,
                dt.datetime.now(dt.UTC).replace(microsecond=0), "sync",
            )
            connection.execute("begin transaction")
            try:
                treated, holdout = write_log(connection, log)
                connection.execute("commit")
            except BaseException:
                connection.execute("rollback")
                raise
        except duckdb.Error as error:
            raise SegmentsError(f"{warehouse}: cannot record the sync: {_first_line(error)}") from None
    return SyncResult(log.export_id, audience, counts.as_of_date, treated, holdout)


@dataclass(frozen=True)
class _Options:
    """How the audience is exported (the options of export_audience)."""

    include_unreachable: bool
    hash_emails: bool
    diff: bool
    allow_empty: bool
    preset: Preset | None = None

    @property
    def reachability(self) -> str:
        return "include_unreachable" if self.include_unreachable else "reachable_only"

    def manifest(self) -> dict:
        return {
            "reachable_only": not self.include_unreachable,
            "include_unreachable_override": self.include_unreachable,
            "hashed": self.hash_emails,
            "hash": HASH if self.hash_emails else None,
            "diff": self.diff,
        }


@dataclass(frozen=True)
class _Selection:
    """Who is selected: the manifest's description of it, the query of the members' contact_id, the
    selection's part of the audience key and the name an error message gives it."""

    manifest: dict
    members_sql: str  # contact_id, is_holdout
    parameters: list
    key: str
    name: str
    audience_name: str  # as the campaign log names it: the audience, or the dimension selection


@dataclass(frozen=True)
class _Counts:
    """The selected contacts, those skipped and why, and the exported ones."""

    selected: int
    without_email: int
    suppressed: int
    unreachable: int
    current: int
    held_out: int
    as_of_date: dt.date

    def manifest(self, include_unreachable: bool) -> dict:
        return {
            "selected_contacts": self.selected,
            "skipped_without_email": self.without_email,
            "skipped_suppressed": self.suppressed,
            "skipped_unreachable": 0 if include_unreachable else self.unreachable,
            "skipped_holdout": self.held_out,
            "exported_contacts": self.current,
        }


def _export(
    connection: duckdb.DuckDBPyConnection,
    out: Path,
    fmt: str,
    audience: str | None,
    dimension: str | None,
    labels: list[str],
    options: _Options,
) -> ExportResult:
    check_build(connection, ("contact_segments", "audience_members"), CONSENT_TABLES)
    relations = {name: _relation(connection, name, schema) for name, schema in RELATIONS.items()}
    dimensions = _dimensions(connection, relations)
    if audience is not None:
        selection = _named_selection(connection, relations, audience)
    else:
        selection = _dimension_selection(connection, relations, dimensions, dimension, labels)
    if options.preset is not None:
        shape = preset_shape(options.preset, dimensions)
    else:
        shape = generic_shape(dimensions, options.hash_emails)
    audience_key = f"{selection.key}|{shape.key}|{options.reachability}"
    _materialise_members(connection, relations, selection, shape, options.include_unreachable)
    counts = _count_members(connection, relations["contact_segments"])
    if counts.current == 0 and not options.allow_empty:
        raise SegmentsError(
            f"audience {selection.name} as of {counts.as_of_date} is empty: "
            + _empty_reason(counts, options.include_unreachable)
            + "; nothing written (--allow-empty writes it anyway)"
        )
    diff_info = None
    if options.diff:
        diff_info = _diff_rows(connection, audience_key, counts.as_of_date, shape)
    outputs = _outputs(out, shape, options)
    manifest = {
        "file": None,
        "format": fmt,
        "preset": None if options.preset is None else options.preset.manifest(),
        "audience": selection.manifest,
        "audience_key": audience_key,
        "as_of_date": str(counts.as_of_date),
        "row_count": None,
        "sha256": None,
        "columns": None,
        "options": options.manifest(),
        "counts": counts.manifest(options.include_unreachable),
        "diff": diff_info,
    }
    written_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    manifests = _write_files(connection, out, fmt, outputs, manifest, written_at)
    paths = tuple(output.path for output in outputs)
    log = CampaignLog(
        selection.audience_name, audience_key, counts.as_of_date, written_at,
        "diff" if options.diff else "full",
        None if options.preset is None else options.preset.name,
    )
    _record_state(connection, paths, audience_key if options.diff else None, written_at, log)
    return ExportResult(paths[0], manifest_path_for(paths[0]), manifests[0], paths, manifests)


@dataclass(frozen=True)
class _Output:
    """A file to write: its path, role (all, diff, add, remove), header and the query of its rows."""

    path: Path
    role: str
    header: tuple[str, ...]
    query: str


def _targets(out: Path, preset: Preset | None, diff: bool) -> tuple[Path, ...]:
    """The files an export writes: `out`, or a preset's <name>-add and <name>-remove."""
    return diff_paths(out) if preset is not None and diff else (out,)


def _outputs(out: Path, shape: Shape, options: _Options) -> list[_Output]:
    """Every member (_export_current) in `out`; a diff (_export_rows) in `out` with an action
    column, or with a preset as two files in its shape: the adds, and the removes' identifiers."""
    identifier = f"identifier as {_quote(shape.identifier)}"
    data = "".join(f", {_quote(name)}" for name in shape.data_columns)
    if not options.diff:
        query = f"select {identifier}{data} from _export_current order by identifier, contact_id"
        return [_Output(out, "all", shape.header, query)]
    if options.preset is None:
        query = (
            f"select action, {identifier}{data} "
            "from _export_rows order by action, identifier, contact_id"
        )
        return [_Output(out, "diff", ("action", *shape.header), query)]
    add_path, remove_path = diff_paths(out)
    return [
        _Output(add_path, "add", shape.header, f"select {identifier}{data} from _export_rows "
                "where action = 'add' order by identifier, contact_id"),
        _Output(remove_path, "remove", (shape.identifier,), f"select {identifier} from _export_rows "
                "where action = 'remove' order by identifier"),
    ]


def _named_selection(
    connection: duckdb.DuckDBPyConnection, relations: dict[str, str], audience: str
) -> _Selection:
    """The members of a named audience (audience_members)."""
    description, reachable_only = _check_audience(connection, relations, audience)
    manifest = {
        "type": "named",
        "name": audience,
        "description": description,
        # audience_members already keeps only reachable members of such an audience, so
        # include_unreachable cannot add any to it
        "reachable_only_by_definition": reachable_only,
    }
    members = (
        f"select contact_id, is_holdout from {relations['audience_members']} where audience_name = ?"
    )
    return _Selection(manifest, members, [audience], f"audience={audience}", audience, audience)


def _dimension_selection(
    connection: duckdb.DuckDBPyConnection,
    relations: dict[str, str],
    dimensions: list[str],
    dimension: str,
    labels: list[str],
) -> _Selection:
    """The contacts whose label on `dimension` is one of `labels`."""
    _check_labels(connection, relations, dimensions, dimension, labels)
    manifest = {"type": "dimension", "dimension": dimension, "labels": labels}
    members = (
        f"select contact_id, false as is_holdout from {relations['contact_segments']} "
        f"where list_contains(?, {_quote(dimension)})"
    )
    key = f"{dimension}={','.join(labels)}"
    return _Selection(manifest, members, [labels], key, f"{dimension} in ({', '.join(labels)})", key)


def _materialise_members(
    connection: duckdb.DuckDBPyConnection,
    relations: dict[str, str],
    selection: _Selection,
    shape: Shape,
    include_unreachable: bool,
) -> None:
    """_export_selected: every selected contact, marked when its address is suppressed or it is
    in the audience's holdout; _export_current: the rows to export (an email, not suppressed,
    reachable unless overridden, not held out); _export_held_out: the holdout members that pass the
    same filters (the control group the campaign log keeps). The file, the state and the log all
    come from these tables, so all see the same members."""
    data = "".join(f", {sql} as {_quote(name)}" for name, sql in shape.data)
    # A suppressed address (email_suppressions, compared trimmed and lower-cased) is never sent.
    connection.execute(
        f"""
        create or replace temp table _export_selected as
        select segments.*, members.is_holdout, exists (
            select 1 from {relations['email_suppressions']} as suppressions
            where suppressions.email = lower(trim(segments.email))
        ) as is_suppressed
        from {relations['contact_segments']} as segments
        inner join ({selection.members_sql}) as members on members.contact_id = segments.contact_id
        """,
        selection.parameters,
    )
    eligible = """
        from _export_selected
        where nullif(trim(email), '') is not null
          and not is_suppressed
          and (is_email_reachable or ?)
    """
    connection.execute(
        f"""
        create or replace temp table _export_current as
        select contact_id, {shape.identifier_sql} as identifier{data}, as_of_date
        {eligible} and not is_holdout
        """,
        [include_unreachable],
    )
    connection.execute(
        f"create or replace temp table _export_held_out as select contact_id {eligible} and is_holdout",
        [include_unreachable],
    )


def _count_members(connection: duckdb.DuckDBPyConnection, segments: str) -> _Counts:
    """The counts of _export_selected and _export_current; without a member, the build's date."""
    counts = _Counts(*connection.execute(
        """
        with emailed as (
            select * from _export_selected where nullif(trim(email), '') is not null
        )
        select
            (select count(*) from _export_selected),
            (select count(*) from _export_selected) - count(*),
            count(*) filter (where is_suppressed),
            count(*) filter (where not is_suppressed and not is_email_reachable),
            (select count(*) from _export_current),
            (select count(*) from _export_held_out),
            (select max(as_of_date) from _export_selected)
        from emailed
        """
    ).fetchone())
    if counts.as_of_date is None:
        as_of_date = connection.execute(f"select max(as_of_date) from {segments}").fetchone()[0]
        counts = dataclasses.replace(counts, as_of_date=as_of_date)
    return counts


def _diff_rows(
    connection: duckdb.DuckDBPyConnection, audience_key: str, as_of_date: dt.date, shape: Shape
) -> dict:
    """The adds and removes since the key's previous diff export (_export_rows) and the manifest's
    diff entry. Refused for a date before the previous export's."""
    previous = _previous_state(connection, audience_key)
    if previous is not None and previous[0] is not None and as_of_date < previous[0]:
        raise SegmentsError(
            f"{audience_key} was last exported in diff mode as of {previous[0]}; this build is "
            f"as of {as_of_date}: a diff cannot go back in time (build for {previous[0]} or "
            "later, or export without --diff)"
        )
    adds, removes = _materialise_diff(connection, shape.data_columns)
    return {
        "baseline": "none: first diff export, every member is an add" if previous is None
        else "the previous diff export of this audience_key",
        "previous_as_of_date": None if previous is None else str(previous[0]),
        "previous_exported_at": None if previous is None else _iso(previous[1]),
        "adds": adds,
        "removes": removes,
    }


def _record_state(
    connection: duckdb.DuckDBPyConnection,
    paths: tuple[Path, ...],
    audience_key: str | None,
    written_at: dt.datetime,
    log: CampaignLog,
) -> None:
    """Log the export in the campaign log and, for a diff (audience_key given), keep what the
    files sent as the key's state, in one transaction; when that fails the files and their
    manifests are removed, since the next diff would be computed against a state that never saw
    them, and an export missing from the log would be missing from campaign_results."""
    try:
        _replace_state(connection, audience_key, written_at, log)
    except duckdb.Error as error:
        for path in paths:
            path.unlink(missing_ok=True)
            manifest_path_for(path).unlink(missing_ok=True)
        raise SegmentsError(
            f"{STATE_TABLE}: cannot record the export (file removed): {_first_line(error)}"
        ) from None


def _empty_reason(counts: _Counts, overridden: bool) -> str:
    if not counts.selected:
        return "no contact is a member"
    if counts.held_out:
        return f"every one of its {counts.held_out:,} contacts that could be sent is in the holdout"
    if overridden:
        return (
            f"none of its {counts.selected:,} contacts has an email that is not suppressed "
            f"({counts.without_email:,} without email, {counts.suppressed:,} suppressed)"
        )
    return (
        f"none of its {counts.selected:,} contacts is reachable by email ({counts.without_email:,} "
        f"without email, {counts.suppressed:,} suppressed, {counts.unreachable:,} not opted in or "
        "unsubscribed)"
    )


def _write_files(
    connection: duckdb.DuckDBPyConnection,
    out: Path,
    fmt: str,
    outputs: list[_Output],
    manifest: dict,
    written_at: dt.datetime,
) -> list[dict]:
    """COPY each output's query to its file and write its manifest (FILE.manifest.json), all in a
    private temporary folder next to the target, then move them into place, the manifests last; the
    files already moved are removed when a later move fails. Whatever happens, the folder goes.
    Returns the manifests, in the order of `outputs`."""
    _remove_stale_folders(out.parent)
    names = [output.path.name for output in outputs]
    placed: list[Path] = []
    try:
        with _private_folder(out) as folder:
            copy_options = "format csv, header true" if fmt == "csv" else "format parquet"
            manifests = []
            for output in outputs:
                data_tmp = folder / output.path.name
                try:
                    row_count = connection.execute(
                        f"copy ({output.query}) to {_literal(str(data_tmp))} ({copy_options})"
                    ).fetchone()[0]
                except duckdb.Error as error:
                    raise SegmentsError(
                        f"{output.path}: cannot write the export: {_first_line(error)}"
                    ) from None
                manifests.append({
                    **manifest,
                    "file": output.path.name,
                    "row_count": int(row_count),
                    "sha256": _sha256(data_tmp),
                    "columns": list(output.header),
                    **({"part": {"role": output.role, "files": names}} if len(outputs) > 1 else {}),
                    "written_at": _iso(written_at),
                })
            manifest_moves = []
            for output, content in zip(outputs, manifests, strict=True):
                target = manifest_path_for(output.path)
                (folder / target.name).write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
                manifest_moves.append((folder / target.name, target))
            moves = [(folder / output.path.name, output.path) for output in outputs] + manifest_moves
            for source, _ in moves:
                os.chmod(source, 0o666 & ~_umask())  # an ordinary file once in place
            try:
                for source, target in moves:
                    os.replace(source, target)
                    placed.append(target)
            except OSError:
                for path in placed:  # never a file without its own manifest
                    path.unlink(missing_ok=True)
                raise
    except OSError as error:
        raise SegmentsError(f"{out}: cannot write the export: {error.strerror or error}") from None
    return manifests


class _Terminated(Exception):
    """SIGTERM or SIGHUP while an export was being written."""


@contextlib.contextmanager
def _private_folder(out: Path) -> Iterator[Path]:
    """A folder only its owner can enter (mkdtemp: 0700), next to `out` (same file system, so
    os.replace is atomic), named after this process so a later export can tell a dead one's. It is
    removed on leaving, also on SIGTERM and SIGHUP (turned into a one-line error meanwhile)."""
    folder = Path(tempfile.mkdtemp(prefix=f"{TEMPORARY_PREFIX}{os.getpid()}-", dir=out.parent))
    previous = {}

    def terminate(number: int, _frame: object) -> None:
        raise _Terminated(signal.Signals(number).name)

    try:
        if threading.current_thread() is threading.main_thread():
            for number in (signal.SIGTERM, signal.SIGHUP):
                previous[number] = signal.signal(number, terminate)
        yield folder
    except _Terminated as stopped:
        raise SegmentsError(f"{out}: export interrupted by {stopped}: nothing written") from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        for number, handler in previous.items():
            signal.signal(number, handler)


def _remove_stale_folders(parent: Path) -> None:
    """Remove the temporary folders of exports whose process is gone (killed outright)."""
    for folder in parent.glob(f"{TEMPORARY_PREFIX}*"):
        pid = folder.name[len(TEMPORARY_PREFIX):].split("-", 1)[0]
        if folder.is_dir() and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _materialise_diff(
    connection: duckdb.DuckDBPyConnection, data_columns: tuple[str, ...]
) -> tuple[int, int]:
    """_export_rows: the adds (members whose identifier was not sent last time) and the removes
    (identifiers sent last time that no member carries now), compared on the identifier the
    destination keys on, so a changed email is a remove of the old one and an add of the new.
    A remove carries the identifier only. Returns (adds, removes)."""
    nulls = "".join(f", cast(null as varchar) as {_quote(name)}" for name in data_columns)
    data = "".join(f", {_quote(name)}" for name in data_columns)
    connection.execute(
        f"""
        create or replace temp table _export_rows as
        select 'add' as action, contact_id, identifier{data}
        from _export_current as current_members
        where not exists (
            select 1 from _export_previous as previous
            where previous.identifier = current_members.identifier
        )
        union all
        select 'remove' as action, min(contact_id) as contact_id, identifier{nulls}
        from _export_previous as previous
        where not exists (
            select 1 from _export_current as current_members
            where current_members.identifier = previous.identifier
        )
        group by identifier
        """
    )
    adds, removes = connection.execute(
        "select count(*) filter (where action = 'add'), count(*) filter (where action = 'remove') "
        "from _export_rows"
    ).fetchone()
    return int(adds), int(removes)


def _previous_state(connection: duckdb.DuckDBPyConnection, audience_key: str) -> tuple | None:
    """Load the rows of the previous diff export into _export_previous; its (as_of_date,
    exported_at), or None when this key was never exported in diff mode."""
    exists = connection.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        STATE_TABLE.split("."),
    ).fetchone()[0]
    if exists:
        connection.execute(
            f"""
            create or replace temp table _export_previous as
            select contact_id, identifier, exported_as_of_date, exported_at
            from {STATE_TABLE} where audience_key = ?
            """,
            [audience_key],
        )
    else:
        connection.execute(
            """
            create or replace temp table _export_previous (
                contact_id varchar, identifier varchar, exported_as_of_date date,
                exported_at timestamp
            )
            """
        )
    return connection.execute(
        "select max(exported_as_of_date), max(exported_at) from _export_previous "
        "having count(*) > 0"
    ).fetchone()


def _replace_state(
    connection: duckdb.DuckDBPyConnection,
    audience_key: str | None,
    written_at: dt.datetime,
    log: CampaignLog | None = None,
) -> None:
    """Replace the key's state rows with what was just exported (none: a full export keeps no
    state) and log the export (write_log), in one transaction."""
    connection.execute("begin transaction")
    try:
        if log is not None:
            write_log(connection, log)
        if audience_key is None:
            connection.execute("commit")
            return
        connection.execute(f"create schema if not exists {STATE_SCHEMA}")
        connection.execute(
            f"""
            create table if not exists {STATE_TABLE} (
                audience_key varchar not null,
                contact_id varchar not null,
                identifier varchar not null,
                exported_as_of_date date not null,
                exported_at timestamp not null
            )
            """
        )
        connection.execute(f"delete from {STATE_TABLE} where audience_key = ?", [audience_key])
        connection.execute(
            f"""
            insert into {STATE_TABLE}
            select ?, contact_id, identifier, as_of_date, ? from _export_current
            """,
            [audience_key, written_at.replace(tzinfo=None)],
        )
        connection.execute("commit")
    except BaseException:
        connection.execute("rollback")
        raise


def _dimensions(connection: duckdb.DuckDBPyConnection, relations: dict[str, str]) -> list[str]:
    """The segment dimensions: label columns of contact_segments that segment_labels lists, in the
    column order of contact_segments (the fixed order of the tags)."""
    schema, table = (part.strip('"') for part in relations["contact_segments"].split(".", 1))
    rows = connection.execute(
        f"""
        select columns.column_name
        from information_schema.columns as columns
        where columns.table_schema = ? and columns.table_name = ?
          and columns.column_name in (
              select distinct segment_dimension from {relations['segment_labels']}
          )
        order by columns.ordinal_position
        """,
        [schema, table],
    ).fetchall()
    if not rows:
        raise SegmentsError("segment_labels lists no dimension: run `segments build` first")
    return [row[0] for row in rows]


def _check_audience(
    connection: duckdb.DuckDBPyConnection, relations: dict[str, str], audience: str
) -> tuple[str, bool]:
    """The audience's (description, reachable_only) from the seed audiences."""
    known = {
        name: (description, bool(reachable_only))
        for name, description, reachable_only in connection.execute(
            f"select audience_name, description, reachable_only from {relations['audiences']} "
            "order by 1"
        ).fetchall()
    }
    if audience not in known:
        raise SegmentsError(
            f"unknown audience {audience!r}; known audiences: {', '.join(known) or 'none'}"
        )
    return known[audience]


def _check_labels(
    connection: duckdb.DuckDBPyConnection,
    relations: dict[str, str],
    dimensions: list[str],
    dimension: str,
    labels: list[str],
) -> None:
    if dimension not in dimensions:
        raise SegmentsError(
            f"unknown dimension {dimension!r}; valid dimensions: {', '.join(dimensions)}"
        )
    valid = [row[0] for row in connection.execute(
        f"select label from {relations['segment_labels']} where segment_dimension = ? order by 1",
        [dimension],
    ).fetchall()]
    unknown = [label for label in labels if label not in valid]
    if unknown:
        raise SegmentsError(
            f"unknown {dimension} label(s) {', '.join(map(repr, unknown))}; "
            f"valid labels: {', '.join(valid)}"
        )


def _format(out: Path, fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in ("csv", "parquet"):
            raise SegmentsError(f"unknown format {fmt!r}: csv or parquet")
        return fmt
    found = FORMATS.get(out.suffix.lower())
    if found is None:
        raise SegmentsError(f"{out.name}: cannot tell the format from the extension: give --format")
    return found


def _check_target(out: Path) -> None:
    folder = out.parent
    if not folder.exists():
        raise SegmentsError(f"{folder}: the output folder does not exist")
    if not folder.is_dir():
        raise SegmentsError(f"{folder}: is not a folder")
    if out.is_dir():
        raise SegmentsError(f"{out}: is a folder, give a file name")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SegmentsError(f"{folder}: the output folder is not writable")


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
