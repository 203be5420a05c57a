"""`segments validate`: the Great Expectations suites pass on a clean build, write Data Docs, and
fail (naming suite and column) on a tampered copy of the warehouse."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from segments.errors import SegmentsError
from segments.validate import NOT_BUILT, ValidationReport, validate

END_DATE = "2026-06-30"
SUITES = (
    "contact_rfm", "contact_abc", "contact_lifecycle", "contact_abell", "abell_matrix",
    "revenue_reconciliation",
)


@pytest.fixture(scope="module")
def clean_report(built: Path, tmp_path_factory: pytest.TempPathFactory) -> ValidationReport:
    return validate(built, tmp_path_factory.mktemp("gx"))


def _copy(warehouse: Path, target: Path) -> Path:
    """A copy of the shared warehouse to tamper with."""
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("checkpoint")  # flush the write-ahead log before copying the file
    shutil.copyfile(warehouse, target)
    return target


def _has_table(warehouse: Path, table: str) -> bool:
    with duckdb.connect(str(warehouse)) as connection:
        return connection.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'main' and table_name = ?", [table]
        ).fetchone()[0] == 1


def _failed(report: ValidationReport) -> set[tuple[str, str, str]]:
    return {(failure.suite, failure.column, failure.expectation) for failure in report.failures}


def test_clean_build_passes_and_writes_data_docs(clean_report: ValidationReport) -> None:
    report = clean_report
    assert report.success, "\n".join(report.lines())
    assert report.failures == []
    by_name = {suite.name: suite for suite in report.suites}
    for name in SUITES:
        assert by_name[name].evaluated > 0 and by_name[name].successful == by_name[name].evaluated
    index = report.docs_index
    assert index.name == "index.html" and index.is_file()
    html = index.read_text(encoding="utf-8")
    ran = [suite.name for suite in report.suites if not suite.skipped]
    for name in ran:
        assert name in html, name
        assert list((index.parent / "validations" / name).rglob("*.html")), name


def test_contact_segments_is_validated_once_built(built: Path,
                                                  clean_report: ValidationReport) -> None:
    segments = next(suite for suite in clean_report.suites if suite.name == "contact_segments")
    if _has_table(built, "contact_segments"):
        assert segments.skipped is None
        assert segments.evaluated >= 10 and segments.success
        assert "contact_segments" in clean_report.docs_index.read_text(encoding="utf-8")
    else:
        assert segments.skipped and NOT_BUILT in segments.skipped


def test_absent_contact_segments_is_skipped_not_failed(built: Path, tmp_path: Path) -> None:
    copy = _copy(built, tmp_path / "no_segments.duckdb")
    with duckdb.connect(str(copy)) as connection:
        kind = connection.execute(
            "select any_value(table_type) from information_schema.tables "
            "where table_schema = 'main' and table_name = 'contact_segments'"
        ).fetchone()[0]
        if kind is not None:
            connection.execute(
                f"drop {'view' if kind == 'VIEW' else 'table'} main.contact_segments"
            )
    report = validate(copy, tmp_path / "gx")
    assert report.success
    segments = next(suite for suite in report.suites if suite.name == "contact_segments")
    assert segments.skipped and NOT_BUILT in segments.skipped
    assert any(line.startswith("contact_segments") and NOT_BUILT in line for line in report.lines())


def test_duplicate_contact_and_out_of_range_score_fail(built: Path, tmp_path: Path) -> None:
    copy = _copy(built, tmp_path / "bad_rfm.duckdb")
    with duckdb.connect(str(copy)) as connection:
        # rebuilt rather than inserted into, so a primary key on the mart cannot refuse the copy
        connection.execute(
            "create or replace table main.contact_rfm as select * from main.contact_rfm "
            "union all (select * from main.contact_rfm order by contact_id limit 1)"
        )
        connection.execute(
            "update main.contact_rfm set r_score = 9 "
            "where contact_id = (select max(contact_id) from main.contact_rfm)"
        )
    report = validate(copy, tmp_path / "gx")
    assert not report.success
    failed = _failed(report)
    assert ("contact_rfm", "contact_id", "expect_column_values_to_be_unique") in failed
    assert ("contact_rfm", "r_score", "expect_column_values_to_be_between") in failed
    score = next(failure for failure in report.failures if failure.column == "r_score")
    assert "9" in score.observed
    rfm = next(suite for suite in report.suites if suite.name == "contact_rfm")
    assert not rfm.success and rfm.successful < rfm.evaluated
    text = "\n".join(report.lines())
    assert "contact_rfm.contact_id" in text and "contact_rfm.r_score" in text
    assert "FAILED" in text
    assert report.docs_index.is_file()


def test_changed_order_revenue_breaks_the_reconciliation(built: Path, tmp_path: Path) -> None:
    copy = _copy(built, tmp_path / "bad_revenue.duckdb")
    with duckdb.connect(str(copy)) as connection:
        connection.execute(
            "update main.fct_orders set revenue_amount = revenue_amount + 0.01 "
            "where order_id = (select min(order_id) from main.fct_orders where is_completed)"
        )
    report = validate(copy, tmp_path / "gx")
    assert not report.success
    assert {failure.suite for failure in report.failures} == {"revenue_reconciliation"}
    (failure,) = report.failures
    assert failure.expectation == "expect_column_pair_values_to_be_equal"
    assert "fct_orders_revenue_cents" in failure.column


def test_contact_segments_suite_catches_bad_labels_and_missing_rows(built: Path,
                                                                    tmp_path: Path) -> None:
    if not _has_table(built, "contact_segments"):
        pytest.skip("contact_segments is not built by this checkout yet")
    copy = _copy(built, tmp_path / "bad_segments.duckdb")
    with duckdb.connect(str(copy)) as connection:
        connection.execute(
            "update main.contact_segments set abc_tier = 'D' where contact_id = "
            "(select min(contact_id) from main.contact_segments where abc_tier = 'A')"
        )
        connection.execute(
            "delete from main.contact_segments "
            "where contact_id = (select max(contact_id) from main.contact_segments)"
        )
    report = validate(copy, tmp_path / "gx")
    assert not report.success
    failed = _failed(report)
    assert ("contact_segments", "abc_tier", "expect_column_values_to_be_in_set") in failed
    assert ("contact_segments", "(table)", "expect_table_row_count_to_equal") in failed
    assert {failure.suite for failure in report.failures} == {"contact_segments"}


def test_missing_warehouse_is_a_user_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.duckdb"
    with pytest.raises(SegmentsError, match="no warehouse yet") as raised:
        validate(missing, tmp_path / "gx")
    assert str(missing) in str(raised.value) and "\n" not in str(raised.value)


def test_unbuilt_warehouse_is_a_user_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(SegmentsError, match="segments build"):
        validate(empty, tmp_path / "gx")


def test_partly_built_warehouse_names_the_missing_mart(built: Path, tmp_path: Path) -> None:
    copy = _copy(built, tmp_path / "partial.duckdb")
    with duckdb.connect(str(copy)) as connection:
        connection.execute("drop table main.abell_matrix")
    with pytest.raises(SegmentsError, match=r"main\.abell_matrix"):
        validate(copy, tmp_path / "gx")
