"""contact_segments_sync, the table reverse-ETL syncs: between two consecutive daily builds only the
contacts whose labels, consent or identity changed have a different row, where every row of
contact_segments changes (its as_of_date) and about half change an exact value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from conftest import CLEAN_END_DATE

from segments.project import segment_dimensions

CONSENT_AND_IDENTITY = (
    "email", "first_name", "last_name", "email_opt_in", "is_unsubscribed", "is_email_reachable",
)


@pytest.fixture(scope="module")
def two_days(clean_build: Path, tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    """The clean build (as of CLEAN_END_DATE) beside the same data built one day earlier."""
    from segments.runner import run_dbt

    folder = tmp_path_factory.mktemp("sync")
    earlier = folder / "earlier.duckdb"
    earlier.write_bytes(clean_build.read_bytes())
    day_before = (dt.date.fromisoformat(CLEAN_END_DATE) - dt.timedelta(days=1)).isoformat()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEGMENTS_DUCKDB_PATH", str(earlier))
        patch.setenv("DBT_TARGET_PATH", str(folder / "target"))
        run_dbt(["run", "--select", "+contact_segments_sync", "--exclude", "resource_type:seed",
                "path:models/staging"],  # staging has no as_of_date: the earlier date leaves it as it is
                {"segments_as_of_date": day_before})
    # Both files stay open in this process (dbt-duckdb): copy the two tables of each into memory.
    connection = duckdb.connect()
    for schema, path in (("main", clean_build), ("earlier", earlier)):
        connection.execute(f"create schema {schema}_copy")
        with duckdb.connect(str(path)) as source:
            for table in ("contact_segments", "contact_segments_sync"):
                frame = source.sql(f"select * from main.{table}").df()  # noqa: F841 (read below)
                connection.execute(f"create table {schema}_copy.{table} as select * from frame")
    yield connection
    connection.close()


def _changed(connection: duckdb.DuckDBPyConnection, table: str, columns: str = "*") -> set[str]:
    rows = connection.execute(f"""
        select contact_id from (
            select {columns} from main_copy.{table} except select {columns} from earlier_copy.{table}
        )
    """).fetchall()
    return {contact_id for (contact_id,) in rows}


def test_the_sync_table_holds_no_date_and_no_exact_value(two_days: duckdb.DuckDBPyConnection) -> None:
    columns = {name for (name,) in two_days.execute(
        "select column_name from information_schema.columns where table_schema = 'main_copy' "
        "and table_name = 'contact_segments_sync'").fetchall()}
    assert set(segment_dimensions()) <= columns
    assert not columns & {"as_of_date", "frequency", "monetary", "last_order_date", "predicted_clv"}


def test_a_daily_build_resends_only_what_changed(two_days: duckdb.DuckDBPyConnection) -> None:
    contacts = two_days.execute("select count(*) from main_copy.contact_segments_sync").fetchone()[0]
    every_row = _changed(two_days, "contact_segments")
    sync_rows = _changed(two_days, "contact_segments_sync")
    labels_changed = _changed(two_days, "contact_segments", "contact_id, segment_hash")
    consent_changed = _changed(two_days, "contact_segments", f"contact_id, {', '.join(CONSENT_AND_IDENTITY)}")
    assert len(every_row) == contacts > 500  # as_of_date moves for every contact
    assert sync_rows == labels_changed | consent_changed  # nothing else makes a row differ
    assert 0 < len(sync_rows) < contacts / 4


def test_sync_hash_changes_exactly_when_a_synced_value_does(two_days: duckdb.DuckDBPyConnection) -> None:
    columns = "* exclude (sync_hash)"
    assert _changed(two_days, "contact_segments_sync", columns) == _changed(
        two_days, "contact_segments_sync", "contact_id, sync_hash")
