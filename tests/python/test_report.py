"""`segments report`: every section present, the numbers equal the marts, nothing loaded remotely."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from conftest import run_cli

from segments.errors import SegmentsError
from segments.report import SECTIONS, build_report


class _Page(HTMLParser):
    """Collects section ids, tables (by the section they sit in) and resource references."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.tables: dict[str, list[list[list[str]]]] = {}
        self.references: list[str] = []
        self.svgs: dict[str, int] = {}
        self._cell: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "section":
            self.sections.append(attributes.get("id") or "")
        elif tag == "svg":
            self.svgs[self.sections[-1]] = self.svgs.get(self.sections[-1], 0) + 1
        elif tag == "table":
            self.tables.setdefault(self.sections[-1], []).append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        for name in ("src", "href"):
            value = attributes.get(name)
            if value and not value.startswith("#"):
                self.references.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self.sections[-1]][-1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def report(clean_build: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, _Page]:
    out = tmp_path_factory.mktemp("report") / "segments.html"
    build_report(clean_build, out)
    page = _Page()
    page.feed(out.read_text(encoding="utf-8"))
    return out, page


def _number(text: str) -> float:
    return float(re.sub(r"[^0-9.\-]", "", text))


def test_every_section_is_there_with_charts(report) -> None:
    _, page = report
    assert page.sections == [key for key, _ in SECTIONS]
    for section in ("rfm", "abc", "lifecycle", "abell", "engagement", "predictions", "calibration", "leads"):
        assert page.svgs.get(section, 0) >= 1, section
    # this build has one date of history: the movement section says so instead of drawing
    assert "movement" not in page.svgs


def test_nothing_is_loaded_from_elsewhere(report) -> None:
    _, page = report
    assert page.references == []


def test_rfm_segment_sizes_equal_the_mart(report, clean_build: Path) -> None:
    _, page = report
    with duckdb.connect(str(clean_build)) as connection:
        expected = dict(connection.execute(
            "select rfm_segment, count(*) from main.contact_rfm group by 1").fetchall())
    rows = page.tables["rfm"][0][1:]
    assert {row[0]: int(_number(row[1])) for row in rows} == expected


def test_overview_and_lifecycle_equal_the_marts(report, clean_build: Path) -> None:
    out, page = report
    with duckdb.connect(str(clean_build)) as connection:
        contacts = connection.execute("select count(*) from main.contact_segments").fetchone()[0]
        stages = dict(connection.execute(
            "select lifecycle_stage, count(*) from main.contact_lifecycle group by 1").fetchall())
        kpi_rows = connection.execute("select count(*) from main.segment_kpis").fetchone()[0]
        quarantined = connection.execute(
            "select count(*) from main_quarantine.quarantine_order_lines").fetchone()[0]
        raw_orders = connection.execute("select count(*) from raw.orders").fetchone()[0]
    assert f'<span class="value">{contacts:,}</span><span class="label">contacts</span>' in out.read_text()
    lifecycle = {row[0]: int(_number(row[1])) for row in page.tables["lifecycle"][0][1:]}
    assert {stage: count for stage, count in lifecycle.items() if count} == stages
    assert len(page.tables["kpis"][0]) - 1 == kpi_rows
    volumes = {row[0]: row for row in page.tables["overview"][0][1:]}
    assert int(_number(volumes["orders"][3])) == quarantined
    # the table adds up: raw = staged + quarantined + collapsed duplicates + deleted
    assert int(_number(volumes["orders"][1])) == raw_orders == sum(
        int(_number(cell)) for cell in volumes["orders"][2:6])


def test_money_is_labelled_with_the_reporting_currency(report, clean_build: Path) -> None:
    out, page = report
    with duckdb.connect(str(clean_build)) as connection:
        (setting,) = connection.execute("select setting_value from main.rpt_build_settings "
                                        "where setting_name = 'segments_reporting_currency'").fetchone()
    currency = setting.strip('"')
    assert len(currency) == 3 and f"revenue ({currency})" in out.read_text()
    headers = page.tables["kpis"][0][0]
    assert f"revenue ({currency})" in headers and f"avg order ({currency})" in headers, headers


def test_calibration_table_equals_the_mart(report, clean_build: Path) -> None:
    _, page = report
    with duckdb.connect(str(clean_build)) as connection:
        deciles = connection.execute(
            "select prediction_decile, customers from main.prediction_calibration order by 1").fetchall()
    shown = [(row[0], int(_number(row[1]))) for row in page.tables["calibration"][0][1:]]
    assert shown == deciles and len(shown) == 11


def test_report_errors_are_one_line(tmp_path: Path, clean_build: Path) -> None:
    with pytest.raises(SegmentsError, match="no warehouse yet"):
        build_report(tmp_path / "missing.duckdb", tmp_path / "r.html")
    with pytest.raises(SegmentsError, match="no such folder"):
        build_report(clean_build, tmp_path / "nope" / "r.html")


def test_cli_prints_the_report_path(built_env, tmp_path: Path, capsys) -> None:
    out = tmp_path / "cli.html"
    assert run_cli("report", "--out", str(out)) == 0
    assert f"report written to {out.resolve()}" in capsys.readouterr().out
    assert out.stat().st_mode & 0o044  # readable by others, like any file a person opens


@pytest.fixture
def built_env(clean_build: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SEGMENTS_DUCKDB_PATH", str(clean_build))
    return clean_build


def test_predictions_engagement_and_leads_equal_the_marts(report, clean_build: Path) -> None:
    _, page = report
    with duckdb.connect(str(clean_build)) as connection:
        bands = dict(connection.execute(
            "select churn_risk, count(*) from main.contact_predictions group by 1").fetchall())
        clv = dict(connection.execute(
            "select rfm_segment, round(sum(predicted_clv)) from main.contact_predictions"
            " join main.contact_rfm using (contact_id) group by 1").fetchall())
        loyalty = dict(connection.execute(
            "select loyalty_segment, count(*) from main.contact_engagement group by 1").fetchall())
        deciles = connection.execute(
            "select decile, decile_contacts, decile_conversions from main.lead_score_evaluation order by 1"
        ).fetchall()
        tiers = dict(connection.execute(
            "select lead_tier, count(*) from main.contact_lead_scores group by 1").fetchall())
    band_table, segment_table = page.tables["predictions"]
    assert {row[0]: int(_number(row[1])) for row in band_table[1:]} == bands
    shown_clv = {row[0]: _number(row[2]) for row in segment_table[1:]}
    assert shown_clv.keys() == clv.keys()
    assert all(abs(shown_clv[segment] - float(clv[segment])) <= 1 for segment in clv)
    shown_loyalty = {row[0]: int(_number(row[1])) for row in page.tables["engagement"][0][1:]}
    assert {label: count for label, count in shown_loyalty.items() if count} == loyalty
    tier_table, decile_table = page.tables["leads"]
    assert {row[0]: int(_number(row[1])) for row in tier_table[1:]} == tiers
    assert [(int(row[0]), int(_number(row[1])), int(_number(row[2]))) for row in decile_table[1:]] == deciles
