"""`segments publish` (and `segments build`, which publishes after a full build): readers get a file
of their own, swapped in whole, so a dashboard reading it during a build never fails and never
sees two builds mixed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from conftest import CLEAN_END_DATE, run_cli

from segments.publish import published_path

EARLIER_DATE = "2026-05-31"
# a dashboard's query: the as_of_dates of two marts, read through one connection as a reader would
READER = textwrap.dedent("""
    import sys, time, duckdb
    path, stop, out = sys.argv[1], sys.argv[2], sys.argv[3]
    import os
    with open(out, "w") as log:
        while not os.path.exists(stop):
            try:
                with duckdb.connect(path, read_only=True) as connection:
                    segments = connection.execute(
                        "select min(as_of_date), max(as_of_date), count(*) from contact_segments").fetchone()
                    rfm = connection.execute("select min(as_of_date), max(as_of_date) from contact_rfm").fetchone()
                log.write(f"ok {segments[0]} {segments[1]} {rfm[0]} {rfm[1]} {segments[2]}\\n")
            except Exception as error:  # what a dashboard would show
                log.write("error " + str(error).replace("\\n", " ") + "\\n")
            log.flush()
            time.sleep(0.05)
""")


@pytest.fixture
def warehouse(clean_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "segments.duckdb"
    shutil.copy(clean_build, copy)
    monkeypatch.setenv("SEGMENTS_DUCKDB_PATH", str(copy))
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    return copy


def test_publish_copies_the_marts_seeds_and_quarantine(warehouse: Path) -> None:
    assert run_cli("publish") == 0
    published = published_path(warehouse)
    assert published == warehouse.parent / "segments.published.duckdb"
    with duckdb.connect(str(published), read_only=True) as connection:
        tables = {(schema, name) for schema, name in connection.execute(
            "select table_schema, table_name from information_schema.tables").fetchall()}
        connection.execute(f"attach '{warehouse}' as built (read_only)")
        only_one_side = connection.execute("""
            select count(*) from (
                (select * from main.contact_segments except all select * from built.main.contact_segments)
                union all
                (select * from built.main.contact_segments except all select * from main.contact_segments)
            )""").fetchone()[0]
    assert only_one_side == 0
    assert {("main", "contact_segments"), ("main", "rpt_segment_shares"), ("main_seeds", "lifecycle_stages"),
            ("main_quarantine", "quarantine_order_lines")} <= tables
    assert not [name for _, name in tables if name.startswith(("int_", "stg_"))]
    assert not {schema for schema, _ in tables} & {"raw", "main_staging"}
    assert [path.name for path in warehouse.parent.iterdir() if path.name.endswith(".tmp")] == []


def test_readers_never_see_a_build_in_progress(warehouse: Path, tmp_path: Path) -> None:
    """A reader loops on the published file while `segments build` rebuilds the marts for another
    date: every read succeeds and sees one as_of_date in both marts, the old one, then the new."""
    assert run_cli("publish") == 0
    stop, log = tmp_path / "stop", tmp_path / "reads.log"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(published_path(warehouse)), str(stop), str(log)])
    try:
        time.sleep(1)
        built = subprocess.run(
            [str(Path(sys.executable).parent / "segments"), "build", "--as-of-date", EARLIER_DATE],
            env=dict(os.environ), capture_output=True, text=True, timeout=900,
        )
        assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
        assert "published" in built.stderr
        time.sleep(1)
    finally:
        stop.touch()
        reader.wait(timeout=60)
    reads = log.read_text().splitlines()
    errors = [line for line in reads if not line.startswith("ok ")]
    assert errors == [] and len(reads) > 20, (errors[:3], len(reads))
    seen = []
    for line in reads:
        _, segments_min, segments_max, rfm_min, rfm_max, _ = line.split()
        assert segments_min == segments_max == rfm_min == rfm_max, line  # one build, never two
        if not seen or seen[-1] != segments_min:
            seen.append(segments_min)
    assert seen == [CLEAN_END_DATE, EARLIER_DATE]


def test_a_failed_build_is_not_published(warehouse: Path, capsys: pytest.CaptureFixture) -> None:
    """segments_rfm_bins 6: the seed rfm_segments covers 5 scores, a test fails, the build fails
    after rebuilding part of the marts for the new date. The published file keeps the last good
    build; publish itself refuses with one line."""
    assert run_cli("publish") == 0
    published = published_path(warehouse)
    before = published.stat().st_mtime_ns
    assert run_cli("build", "--as-of-date", EARLIER_DATE, "--vars", "{segments_rfm_bins: 6}") == 1
    assert published.stat().st_mtime_ns == before
    capsys.readouterr()
    assert run_cli("publish") == 1
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "the last build" in error[0] and "failed" in error[0], error
    with duckdb.connect(str(published), read_only=True) as connection:
        dates = connection.execute("select distinct cast(as_of_date as varchar) from contact_segments").fetchall()
    assert dates == [(CLEAN_END_DATE,)]
