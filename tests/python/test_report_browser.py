"""`segments report` in a real browser: Debian's headless Chromium opens the HTML file with every network
request blocked, and the page must show every section, draw its charts, log no error, ask for nothing
from the network and sort the KPI table on a click. The section screenshots are copied to
target/report-screenshots/ for a person to look at.

The first tests check the harness itself (tests/python/browser.py) on small hand-written pages: a clean
page reports nothing, and a console error, a script error or a remote reference is always reported, so
that a green run of the report tests means something. Chromium comes from scripts/ensure_chromium.sh
(run by `make unit`); without it these tests fail, they are never skipped.
"""

from __future__ import annotations

import math
import shutil
import time
from pathlib import Path

import pytest
from browser import PageReport, inspect_page, open_page, sort_by_header
from conftest import run_cli

PROJECT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT / "target" / "report-screenshots"

# The report's contract: one <section id=...> each, in this order; charts are <figure class="chart"><svg>.
SECTION_IDS = ["overview", "rfm", "abc", "lifecycle", "abell", "movement", "kpis", "calibration"]
CHARTED = ("rfm", "abc", "lifecycle", "abell", "calibration")
KPI_TABLE = "#kpi-table"
MIN_SCREENSHOT_BYTES = 2_000

# --- the harness, on hand-written pages ----------------------------------------------------------

SORT_SCRIPT = """
document.querySelectorAll('#kpi-table th').forEach(function (th, index) {
  th.addEventListener('click', function () {
    var body = th.closest('table').tBodies[0], asc = th.dataset.order !== 'asc';
    th.dataset.order = asc ? 'asc' : 'desc';
    Array.prototype.slice.call(body.rows).sort(function (a, b) {
      var x = a.cells[index].dataset.value, y = b.cells[index].dataset.value;
      var r = th.dataset.numeric === 'true' ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
      return asc ? r : -r;
    }).forEach(function (row) { body.appendChild(row); });
  });
});
"""

CLEAN_PAGE = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Harness fixture</title>
<style>section {{ margin: 16px; padding: 12px; border: 1px solid #ccc; }}</style></head><body>
<section id="charts"><h2>Charts</h2>
  <figure class="chart"><svg width="320" height="160" viewBox="0 0 320 160">
    <rect x="10" y="60" width="40" height="90" fill="steelblue"/><rect x="60" y="20" width="40" height="130"
    fill="steelblue"/><path d="M120,150 L200,40 L300,90" stroke="darkred" fill="none" stroke-width="3"/>
    <circle cx="200" cy="40" r="6" fill="darkred"/><text x="120" y="20">a drawn chart</text></svg>
    <figcaption>two bars, a line, a point, a label</figcaption></figure>
  <figure class="chart"><canvas id="canvas" width="200" height="100"></canvas></figure>
  <svg width="100" height="50"></svg>
  <svg width="100" height="50" style="display: none"><rect width="50" height="50"/></svg>
</section>
<section id="table"><h2>Table</h2><table id="kpi-table"><thead><tr><th>label</th>
  <th data-numeric="true">revenue</th></tr></thead><tbody>
  <tr><td data-value="beta">beta</td><td data-value="20">20</td></tr>
  <tr><td data-value="alpha">alpha</td><td data-value="300">300</td></tr>
  <tr><td data-value="gamma">gamma</td><td data-value="1">1</td></tr></tbody></table></section>
<script>
var ctx = document.getElementById('canvas').getContext('2d');
ctx.fillStyle = 'orange'; ctx.fillRect(10, 10, 120, 60);
{SORT_SCRIPT}</script></body></html>
"""

ERROR_PAGE = """<!DOCTYPE html><html><head><title>Errors</title></head><body>
<section id="only"><h2>Broken</h2><p>This page logs an error and throws.</p></section>
<script>console.error('deliberate console error'); throw new Error('deliberate page error');</script>
</body></html>
"""

# No script at all: the remote image and stylesheet alone must be caught.
REMOTE_PAGE = """<!DOCTYPE html><html><head><title>Remote</title>
<link rel="stylesheet" href="https://cdn.example.invalid/style.css"></head><body>
<section id="only"><h2>Remote</h2><img src="http://images.example.invalid/chart.png" alt="remote chart"></section>
</body></html>
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def fixture_pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("harness")
    _write(folder, "clean.html", CLEAN_PAGE)
    _write(folder, "errors.html", ERROR_PAGE)
    _write(folder, "remote.html", REMOTE_PAGE)
    return folder


def test_harness_reports_nothing_on_a_clean_page(fixture_pages: Path) -> None:
    shots = fixture_pages / "shots-clean"
    report = inspect_page(fixture_pages / "clean.html", shots, ["charts", "table", "absent"])
    assert report.title == "Harness fixture"
    assert report.console_errors == [] and report.page_errors == [] and report.blocked_requests == []
    assert report.missing_sections == ["absent"]
    charts = report.sections["charts"]
    # the drawn svg and the canvas count; the empty svg and the hidden one do not
    assert (charts.svgs, charts.svgs_drawn, charts.canvases_drawn, charts.figures) == (3, 1, 1, 2)
    assert charts.charts_drawn == 2 and charts.marks == 5
    assert report.sections["table"].charts_drawn == 0
    for key in ("charts", "table"):
        section = report.sections[key]
        assert section.screenshot == shots / f"{key}.png" and section.screenshot.stat().st_size > 500
        assert section.screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "alpha" in report.sections["table"].text


def test_harness_reports_console_errors_and_page_errors(fixture_pages: Path) -> None:
    report = inspect_page(fixture_pages / "errors.html", fixture_pages / "shots-errors", ["only"])
    assert any("deliberate console error" in message for message in report.console_errors), report
    assert any("deliberate page error" in message for message in report.page_errors), report
    assert report.blocked_requests == []


def test_harness_blocks_and_reports_remote_references(fixture_pages: Path) -> None:
    report = inspect_page(fixture_pages / "remote.html", fixture_pages / "shots-remote", ["only"])
    assert sorted(report.blocked_requests) == [
        "http://images.example.invalid/chart.png", "https://cdn.example.invalid/style.css"]
    assert report.console_errors, "a blocked resource shows as a console error too"
    assert report.sections["only"].found


def test_harness_sorts_a_table_by_a_click(fixture_pages: Path) -> None:
    result = sort_by_header(fixture_pages / "clean.html", KPI_TABLE, nth=1)
    assert result.headers == ["label", "revenue"]
    assert [text for text, _ in result.before] == ["beta", "alpha", "gamma"]
    assert [text for text, _ in result.after] == ["gamma", "beta", "alpha"]  # revenue ascending
    assert result.errors == []
    again = sort_by_header(fixture_pages / "clean.html", KPI_TABLE, nth=1, clicks=2, column=1)
    assert [value for _, value in again.after] == ["300", "20", "1"]  # second click: descending


# --- the real report -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_html(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report-browser") / "segments_report.html"
    started = time.perf_counter()
    assert run_cli("report", "--out", str(out)) == 0
    print(f"segments report: {out.stat().st_size / 1e6:.2f} MB in {time.perf_counter() - started:.1f} s")
    return out


@pytest.fixture(scope="module")
def page(report_html: Path, tmp_path_factory: pytest.TempPathFactory) -> PageReport:
    shots = tmp_path_factory.mktemp("report-screenshots")
    report = inspect_page(report_html, shots, SECTION_IDS)
    print(f"browser inspection: {report.seconds:.1f} s, charts drawn {report.charts()}")
    # copied for a person to look at, whatever the assertions say next
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    for path in report.screenshots:
        shutil.copy2(path, SCREENSHOTS / path.name)
    return report


def test_report_logs_no_error(page: PageReport) -> None:
    assert page.console_errors == []
    assert page.page_errors == []


def test_report_asks_nothing_from_the_network(page: PageReport) -> None:
    assert page.blocked_requests == []


def test_report_title_names_the_date(page: PageReport) -> None:
    assert "2026-06-30" in page.title


def test_every_section_is_shown(page: PageReport) -> None:
    assert page.missing_sections == []
    for key in SECTION_IDS:
        section = page.sections[key]
        assert section.height > 20, key
        assert section.screenshot is not None and section.screenshot.is_file(), key
        assert section.screenshot_bytes > MIN_SCREENSHOT_BYTES, (key, section.screenshot_bytes)
        assert (SCREENSHOTS / f"{key}.png").is_file(), key


def test_charts_draw(page: PageReport) -> None:
    for key in CHARTED:
        section = page.sections[key]
        assert section.charts_drawn >= 1, (key, section)
        assert section.svgs_drawn == section.figures, (key, section)  # every chart figure drew
    movement = page.sections["movement"]
    # this build has a single snapshot date: the section says so instead of drawing
    assert movement.charts_drawn >= 1 or "no history" in movement.text.lower(), movement


def test_no_chart_text_is_cut_off(page: PageReport) -> None:
    """Every axis label, title and legend of every chart lies within its chart's box (the browser's
    fonts can be wider than the ones the SVG was laid out with)."""
    assert {key: page.sections[key].clipped for key in CHARTED if page.sections[key].clipped} == {}


def test_overview_shows_the_date(page: PageReport) -> None:
    assert "2026-06-30" in page.sections["overview"].text


def _value(cell: tuple[str, str | None]) -> float:
    """A cell's sort key as the page's sorter reads it: data-value as a number, empty lowest."""
    try:
        return float(cell[1]) if cell[1] else -math.inf
    except ValueError:
        return math.nan


def test_kpi_table_sorts_on_a_click(report_html: Path) -> None:
    with open_page(report_html) as browser:  # one browser: click, read, click again, read
        headers = browser.headers(KPI_TABLE)
        nth = next((index for index, header in enumerate(headers) if header.startswith("revenue (")),
                   len(headers) - 1)
        rows_before = browser.rows(KPI_TABLE)
        browser.click_header(KPI_TABLE, nth)
        once, rows_once = browser.column(KPI_TABLE, nth), browser.rows(KPI_TABLE)
        browser.click_header(KPI_TABLE, nth)
        twice = browser.column(KPI_TABLE, nth)
        errors = browser.console_errors + browser.page_errors
    assert rows_before, "the KPI table has no rows"
    assert errors == []
    assert rows_once != rows_before, f"clicking header {headers[nth]!r} did not re-order the rows"
    assert sorted(rows_once) == sorted(rows_before), "sorting lost or changed rows"
    values = [_value(cell) for cell in once]
    if not any(math.isnan(v) for v in values):
        assert values == sorted(values) or values == sorted(values, reverse=True), values
    assert [cell[1] for cell in twice] == [cell[1] for cell in reversed(once)], \
        "a second click does not reverse the order"
