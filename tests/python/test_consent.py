"""Consent belongs to a person and is current: an opt-out or unsubscribe under any record of an
address, at any date, and a quarantined row that may carry one, keep the address out of every
export mode (plain, hashed, diff). A diff never goes back in time; the CLI refuses marts of a build
that failed; a killed export leaves no readable email file in the output folder.

One warehouse is built for all the cases: 300 generated contacts plus one contact (or two) per
case, built as of a month before the end of the data, so that an unsubscribe of two weeks ago is
after the build's as_of_date."""

from __future__ import annotations

import csv
import hashlib
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from conftest import run_cli, write_csv

from segments.contract import INTERACTIONS
from segments.errors import SegmentsError
from segments.export import STATE_TABLE, export_audience
from segments.report import build_report
from segments.runner import run_dbt
from segments.summary import summary

END_DATE = "2026-06-30"
PAST_DATE = "2026-05-31"  # the build's as_of_date: a month before the data ends
EVERYONE = {"dimension": "abc_tier", "labels": ["A", "B", "C", "non_customer"]}
CREATED = "2024-01-05T10:00:00Z"


def _contact(contact_id: str, email: str, opt_in: str = "true") -> dict:
    return {"contact_id": contact_id, "email": email, "first_name": "Case", "last_name": contact_id,
            "email_opt_in": opt_in, "created_at": CREATED, "updated_at": CREATED}


def _event(interaction_id: str, contact_id: str, **changes: str) -> dict:
    return {"interaction_id": interaction_id, "contact_id": contact_id,
            "occurred_at": "2026-03-02T10:00:00Z", "channel": "email",
            "interaction_type": "unsubscribe", **changes}


# One opted-in contact per case whose address must be suppressed; the key is the test's id.
QUARANTINED_UNSUBSCRIBES = {
    "unknown_spelling": {"interaction_type": "unsubscribed"},
    "other_spelling": {"interaction_type": "Opt-Out"},
    "unknown_channel": {"channel": "fax"},
    "rating_on_it": {"rating": "3"},
    "empty_timestamp": {"occurred_at": ""},
    "unparseable_timestamp": {"occurred_at": "2026-02-30T10:00:00Z"},
}
CASES = {  # case -> the address that must never be exported
    "per_person_opt_out": "jane.doe@example.com",
    "per_person_unsubscribe": "max.mustermann@example.com",
    "quarantined_contact_opt_out": "conflicted.person@example.com",
    "duplicate_id": "case.duplicate_id@example.com",
    "unsubscribed_after_as_of_date": "recent.unsubscriber@example.com",
    **{case: f"case.{case}@example.com" for case in QUARANTINED_UNSUBSCRIBES},
}
CONTROL = "still.welcome@example.com"  # opted in, no signal: exported (the data is not broken)


def _case_rows() -> tuple[list[dict], list[dict]]:
    contacts = [
        # 1. the same person under two ids: opted out under one, other case and spacing on the other
        _contact("C-1001", "jane.doe@example.com", "false"),
        _contact("C-1002", " Jane.Doe@Example.COM ", "true"),
        # ... unsubscribed under one
        _contact("C-1011", "Max.Mustermann@example.com"),
        _contact("C-1012", "max.mustermann@example.com "),
        # 2. a contact row quarantined (conflicting duplicate key), one version opted out; the
        # same address opted in under another id
        _contact("C-1021", "conflicted.person@example.com", "false"),
        {**_contact("C-1021", "conflicted.person@example.com", "true"), "country": "DE"},
        _contact("C-1022", "Conflicted.Person@example.com"),
        _contact("C-1031", CASES["duplicate_id"]),
        # 3. unsubscribed two weeks before the end of the data, after the build's as_of_date
        _contact("C-1041", CASES["unsubscribed_after_as_of_date"]),
        _contact("C-1099", CONTROL),
    ]
    interactions = [
        _event("I-1011", "C-1011"),
        # duplicate id: two versions of one interaction, one of them an unsubscribe
        _event("I-1031", "C-1031"),
        _event("I-1031", "C-1031", interaction_type="email_open"),
        _event("I-1041", "C-1041", occurred_at="2026-06-16T09:00:00Z"),
    ]
    for number, (case, changes) in enumerate(QUARANTINED_UNSUBSCRIBES.items(), start=1100):
        contacts.append(_contact(f"C-{number}", CASES[case]))
        interactions.append(_event(f"I-{number}", f"C-{number}", **changes))
    return contacts, interactions


def _append_csv(path: Path, rows: list[dict]) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    with path.open("a", newline="", encoding="utf-8") as handle:
        csv.DictWriter(handle, fieldnames=header, extrasaction="ignore",
                       lineterminator="\n").writerows(rows)


@pytest.fixture(scope="module")
def consent_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("consent")
    data, warehouse = folder / "data", folder / "warehouse.duckdb"
    contacts, interactions = _case_rows()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEGMENTS_DUCKDB_PATH", str(warehouse))
        assert run_cli("generate", "--contacts", "300", "--seed", "7", "--end-date", END_DATE,
                       "--out", str(data)) == 0
        _append_csv(data / "contacts.csv", contacts)
        _append_csv(data / "interactions.csv", interactions)
        assert run_cli("load", "--lenient", str(data)) == 0
        assert run_cli("build", "--as-of-date", PAST_DATE) == 0
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("checkpoint")
    return warehouse


@pytest.fixture
def copy(consent_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the consent build; CLI calls default to it."""
    path = tmp_path / "copy.duckdb"
    path.write_bytes(consent_build.read_bytes())
    monkeypatch.setenv("SEGMENTS_DUCKDB_PATH", str(path))
    return path


def _sha(text: str) -> str:
    return hashlib.sha256(text.strip().lower().encode("utf-8")).hexdigest()


def _identifiers(path: Path) -> set[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {(row.get("email") or row.get("email_sha256") or "").strip().lower()
                for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def exports(consent_build: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """The identifiers of a plain, a hashed and a diff export of everyone, hashes turned back into
    addresses where they are one of the cases' (or the control's)."""
    folder = tmp_path_factory.mktemp("consent-exports")
    work = folder / "warehouse.duckdb"
    work.write_bytes(consent_build.read_bytes())  # the diff writes its state
    known = {_sha(address): address for address in (*CASES.values(), CONTROL)}
    found = {}
    for mode, options in (("plain", {}), ("hashed", {"hash_emails": True}),
                          ("diff", {"diff": True})):
        result = export_audience(work, folder / f"{mode}.csv", **options, **EVERYONE)
        found[mode] = {known.get(value, value) for value in _identifiers(result.path)}
    return found


@pytest.mark.parametrize("mode", ["plain", "hashed", "diff"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_suppressed_address_is_in_no_export(exports: dict, case: str, mode: str) -> None:
    assert CONTROL in exports[mode]  # the selection does reach the cases' contacts
    assert CASES[case] not in exports[mode]


def test_suppressed_address_is_not_exported_with_include_unreachable(
    consent_build: Path, tmp_path: Path
) -> None:
    result = export_audience(consent_build, tmp_path / "all.csv", include_unreachable=True,
                             **EVERYONE)
    exported = _identifiers(result.path)
    assert CONTROL in exported and not exported & set(CASES.values())
    assert result.manifest["counts"]["skipped_suppressed"] >= len(CASES)


def test_contact_segments_says_the_cases_are_unreachable(consent_build: Path) -> None:
    """The public interface (read by reverse-ETL syncs) carries the suppression too."""
    with duckdb.connect(str(consent_build)) as connection:
        rows = dict(connection.execute(
            "select email, bool_or(is_email_reachable) from main.contact_segments "
            "where email like '%@example.com' group by 1").fetchall())
        reasons = dict(connection.execute(
            "select email, suppression_reasons from main.email_suppressions").fetchall())
    assert rows[CONTROL] is True
    assert {case: rows[address] for case, address in CASES.items()} == dict.fromkeys(CASES, False)
    assert reasons[CASES["per_person_opt_out"]] == "opted_out"
    assert reasons[CASES["per_person_unsubscribe"]] == "unsubscribed"
    assert reasons[CASES["unsubscribed_after_as_of_date"]] == "unsubscribed"
    assert reasons[CASES["quarantined_contact_opt_out"]] == "quarantined_opt_out"
    for case in (*QUARANTINED_UNSUBSCRIBES, "duplicate_id"):
        assert reasons[CASES[case]] == "quarantined_unsubscribe", case


def test_summary_and_report_say_how_many_are_suppressed_and_why(
    consent_build: Path, tmp_path: Path
) -> None:
    with duckdb.connect(str(consent_build)) as connection:
        counts = dict(connection.execute(
            "select suppression_reason, count(*) from main.email_suppressions group by 1"
        ).fetchall())
    text = summary(consent_build)
    assert f"{sum(counts.values()):,} addresses" in text
    for reason, count in counts.items():
        assert any(line.split()[:2] == [reason, f"{count:,}"] for line in text.splitlines()), reason
    page = build_report(consent_build, tmp_path / "r.html")["path"].read_text(encoding="utf-8")
    assert 'id="consent"' in page
    assert 'data-value="quarantined_unsubscribe">quarantined_unsubscribe' in page


def test_diff_for_a_date_before_its_last_state_is_refused(copy: Path, tmp_path: Path) -> None:
    first = export_audience(copy, tmp_path / "first.csv", diff=True, **EVERYONE)
    with duckdb.connect(str(copy)) as connection:  # the state as a later build would leave it
        connection.execute(f"update {STATE_TABLE} set exported_as_of_date = date '{END_DATE}'")
        before = connection.execute(f"select * from {STATE_TABLE} order by all").fetchall()
    with pytest.raises(SegmentsError, match=f"last exported in diff mode as of {END_DATE}; this "
                                            f"build is as of {PAST_DATE}: a diff cannot go back"):
        export_audience(copy, tmp_path / "second.csv", diff=True, **EVERYONE)
    assert not (tmp_path / "second.csv").exists()
    with duckdb.connect(str(copy)) as connection:
        assert connection.execute(f"select * from {STATE_TABLE} order by all").fetchall() == before
    assert first.manifest["diff"]["adds"] > 0


def test_raw_consent_loaded_after_the_build_is_refused(copy: Path, tmp_path: Path) -> None:
    """An unsubscribe loaded since the build is not in the marts: the export would miss it."""
    delta = tmp_path / "delta"
    delta.mkdir()
    write_csv(delta / "interactions.csv", INTERACTIONS.columns,
              [_event("I-2001", "C-1099", occurred_at="2026-06-29T10:00:00Z")])
    time.sleep(0.01)
    assert run_cli("load", "--append", str(delta)) == 0
    with pytest.raises(SegmentsError, match="raw interactions was loaded at .* after the last build"):
        export_audience(copy, tmp_path / "x.csv", **EVERYONE)
    assert run_cli("export", "--out", str(tmp_path / "x.csv"), "--dimension", "abc_tier",
                   "--label", "A") == 1
    assert not (tmp_path / "x.csv").exists()


def test_after_a_failed_build_summary_report_and_export_refuse(
    copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """A later build fails midway (segments_rfm_bins 6: the seed rfm_segments covers 5 scores, its
    test fails and what depends on it is skipped) after it rebuilt other marts for another date: the
    marts mix two dates, nothing may read them."""
    with pytest.raises(SegmentsError, match="dbt build failed"):
        run_dbt(["build", "--quiet"], {"segments_as_of_date": END_DATE, "segments_rfm_bins": 6})
    with duckdb.connect(str(copy)) as connection:
        dates = {str(connection.execute(f"select max(as_of_date) from main.{table}").fetchone()[0])
                 for table in ("contact_lifecycle", "contact_abc", "contact_rfm",
                               "contact_segments", "segment_kpis")}
    assert dates == {PAST_DATE, END_DATE}  # a build that failed halfway: two dates in the marts
    capsys.readouterr()
    message = rf"the last build \(as of {END_DATE}, started .*\) failed"
    with pytest.raises(SegmentsError, match=message):
        summary(copy)
    with pytest.raises(SegmentsError, match=message):
        build_report(copy, tmp_path / "r.html")
    with pytest.raises(SegmentsError, match=message):
        export_audience(copy, tmp_path / "x.csv", **EVERYONE)
    for command in (["summary"], ["report", "--out", str(tmp_path / "r.html")],
                    ["export", "--out", str(tmp_path / "x.csv"), "--dimension", "abc_tier",
                     "--label", "A"]):
        assert run_cli(*command) == 1
        error = capsys.readouterr().err.strip().splitlines()
        assert len(error) == 1 and "failed" in error[0], (command, error)
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "r.html").exists()


def test_marts_of_another_date_than_the_last_build_are_refused(copy: Path, tmp_path: Path) -> None:
    """A successful partial build for another date leaves the marts of two dates."""
    run_dbt(["run", "--select", "contact_rfm", "--quiet"], {"segments_as_of_date": END_DATE})
    with pytest.raises(SegmentsError, match="the marts are not of the last build"):
        summary(copy)
    with pytest.raises(SegmentsError, match=f"contact_segments as of {PAST_DATE}"):
        export_audience(copy, tmp_path / "x.csv", **EVERYONE)


def test_a_build_that_did_not_finish_is_refused(copy: Path) -> None:
    """A build killed midway leaves its 'started' row alone in the build log."""
    with duckdb.connect(str(copy)) as connection:
        connection.execute(
            "insert into main.segments_build_log values ('killed', 'started', date "
            f"'{END_DATE}', now()::timestamp + interval 1 minute, 36, 0)")
    with pytest.raises(SegmentsError, match="did not finish"):
        summary(copy)


# --- temporary files --------------------------------------------------------------------------

KILLED_EXPORT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import segments.export as export
    def stall(path):  # the data file is written, its manifest not yet
        Path(sys.argv[3]).write_text("ready")
        time.sleep(120)
    export._sha256 = stall
    export.export_audience(Path(sys.argv[1]), Path(sys.argv[2]), dimension="abc_tier",
                           labels=["A", "B", "C", "non_customer"])
""")


def _kill_midway(warehouse: Path, out: Path, number: signal.Signals) -> subprocess.CompletedProcess:
    ready = out.parent.parent / f"ready-{number.name}"
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_EXPORT, str(warehouse), str(out), str(ready)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(number)
    stdout, stderr = process.communicate(timeout=30)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def _readable_email_files(folder: Path) -> list[Path]:
    """Files under `folder` that hold an address and that another user could reach and read."""
    found = []
    for root, folders, files in os.walk(folder):
        if stat.S_IMODE(os.stat(root).st_mode) & 0o005 == 0:  # others cannot enter: not reachable
            folders[:] = []
            continue
        for name in files:
            path = Path(root) / name
            if os.stat(path).st_mode & 0o004 and b"@" in path.read_bytes():
                found.append(path)
    return found


@pytest.mark.parametrize("number", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_export_leaves_no_readable_email_file(
    copy: Path, tmp_path: Path, number: signal.Signals
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    result = _kill_midway(copy, out_dir / "everyone.csv", number)
    assert result.returncode != 0
    assert _readable_email_files(out_dir) == []
    assert not (out_dir / "everyone.csv").exists()
    if number == signal.SIGTERM:  # cleaned up at once, and said so in one line
        assert sorted(os.listdir(out_dir)) == []
        assert "export interrupted by SIGTERM" in result.stderr
    # the next export into the folder removes what a killed one left
    export_audience(copy, out_dir / "everyone.csv", **EVERYONE)
    assert sorted(os.listdir(out_dir)) == ["everyone.csv", "everyone.csv.manifest.json"]


def test_a_failing_export_leaves_nothing(copy: Path, tmp_path: Path, monkeypatch) -> None:
    import segments.export as export

    def broken(path: Path) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "_sha256", broken)
    with pytest.raises(SegmentsError, match="No space left on device"):
        export_audience(copy, tmp_path / "x.csv", **EVERYONE)
    assert [path.name for path in tmp_path.iterdir() if path.name != "copy.duckdb"] == []
