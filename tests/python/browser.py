"""Open an HTML file in real headless Chromium (Debian's /usr/bin/chromium, driven by Python Playwright)
and report what a person would see: the console errors and page errors, every request that tried to
leave the file (blocked and recorded), and per section whether it exists, a screenshot of it and how
many charts actually drew.

Playwright's own browser download (`playwright install`) cannot work on these machines, so the browser is
Debian's package, installed by scripts/ensure_chromium.sh, and launched with the flags that are known to
work here (the background-networking ones keep Chromium from calling home through a closed network).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Page, Route, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 30_000
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")

# One pass over a section: the top-level <svg> elements (not the ones nested in another svg) that have a
# box and at least one drawn mark, and the <canvas> elements that have a size. A mark counts as drawn
# when it has a box of its own (a horizontal rule is 0 high, so width or height is enough).
_COUNT_CHARTS = """
(section) => {
  const boxed = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const drawn = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 || r.height > 0; };
  const svgs = Array.from(section.querySelectorAll('svg')).filter((s) => !s.parentElement.closest('svg'));
  let svgDrawn = 0, marks = 0;
  const clipped = [];
  for (const svg of svgs) {
    // text that reaches past its svg's box is cut off on screen (an outer svg clips its overflow)
    const frame = svg.getBoundingClientRect();
    for (const text of svg.querySelectorAll('text')) {
      const r = text.getBoundingClientRect();
      if (r.width > 0 && (r.left < frame.left - 0.5 || r.right > frame.right + 0.5
                          || r.top < frame.top - 0.5 || r.bottom > frame.bottom + 0.5)) {
        clipped.push(text.textContent);
      }
    }
    const m = Array.from(svg.querySelectorAll('path, rect, circle, text, line, polygon, polyline, ellipse'))
      .filter(drawn).length;
    marks += m;
    if (boxed(svg) && m > 0) svgDrawn += 1;
  }
  const canvases = Array.from(section.querySelectorAll('canvas'))
    .filter((c) => c.width > 0 && c.height > 0 && boxed(c)).length;
  return {svgs: svgs.length, svgDrawn, marks, canvases, clipped,
          figures: section.querySelectorAll('figure.chart').length};
}
"""


@dataclass
class SectionReport:
    id: str
    found: bool
    screenshot: Path | None = None
    screenshot_bytes: int = 0
    svgs: int = 0            # top-level <svg> elements in the section
    svgs_drawn: int = 0      # ... of which have a box and at least one drawn mark
    canvases_drawn: int = 0  # <canvas> elements with a non-zero size
    marks: int = 0           # drawn path/rect/circle/text/... elements over all svgs
    figures: int = 0         # <figure class="chart"> elements
    height: float = 0.0      # CSS pixels
    clipped: list[str] = field(default_factory=list)  # chart texts cut off at their svg's edge
    text: str = ""           # the section's rendered text (innerText)

    @property
    def charts_drawn(self) -> int:
        return self.svgs_drawn + self.canvases_drawn


@dataclass
class PageReport:
    title: str
    console_errors: list[str] = field(default_factory=list)
    console_warnings: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)
    sections: dict[str, SectionReport] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def missing_sections(self) -> list[str]:
        return [key for key, section in self.sections.items() if not section.found]

    @property
    def screenshots(self) -> list[Path]:
        return [s.screenshot for s in self.sections.values() if s.screenshot is not None]

    def charts(self) -> dict[str, int]:
        return {key: section.charts_drawn for key, section in self.sections.items()}


class BrowserPage:
    """A page in a fresh headless Chromium with its own empty profile; records console errors, page errors
    and every request that is not file:/data: (which it aborts). Use as a context manager."""

    def __init__(self, html: Path) -> None:
        if not CHROMIUM.is_file():
            raise RuntimeError(f"{CHROMIUM} is missing: run scripts/ensure_chromium.sh first")
        self.html = Path(html).resolve()
        self.console_errors: list[str] = []
        self.console_warnings: list[str] = []
        self.page_errors: list[str] = []
        self.blocked_requests: list[str] = []
        self.page: Page

    def __enter__(self) -> BrowserPage:
        self._profile = tempfile.mkdtemp(prefix="segments-chromium-")
        self._playwright = sync_playwright().start()
        try:
            self._context = self._playwright.chromium.launch_persistent_context(
                self._profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
                viewport=VIEWPORT, device_scale_factor=1, timeout=TIMEOUT_MS, service_workers="block",
            )
            self._context.set_default_timeout(TIMEOUT_MS)
            self._context.route("**/*", self._route)
            if hasattr(self._context, "route_web_socket"):  # Playwright >= 1.48
                self._context.route_web_socket("**/*", self._web_socket)
            self.page = self._context.pages[0] if self._context.pages else self._context.new_page()
            self.page.on("console", self._console)
            self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))
            self.page.on("request", self._request)
            self.page.goto(self.html.as_uri(), wait_until="load")
            self.page.wait_for_load_state("networkidle")
        except BaseException:
            self._close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._close()

    def _close(self) -> None:
        try:
            if getattr(self, "_context", None) is not None:
                self._context.close()
        finally:
            self._playwright.stop()
            shutil.rmtree(self._profile, ignore_errors=True)

    # --- recorders --------------------------------------------------------------------------------
    def _block(self, url: str) -> None:
        if url not in self.blocked_requests:
            self.blocked_requests.append(url)

    def _route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            self._block(url)
            route.abort("blockedbyclient")

    def _web_socket(self, socket) -> None:  # a WebSocketRoute; never connected to a server
        self._block(socket.url)
        socket.close()

    def _request(self, request) -> None:
        # Belt and braces: whatever the route handler did not see (none expected) is recorded too.
        if not request.url.startswith(LOCAL_SCHEMES):
            self._block(request.url)

    def _console(self, message: ConsoleMessage) -> None:
        location = message.location or {}
        where = f" ({location.get('url', '')}:{location.get('lineNumber', '')})" if location.get("url") else ""
        if message.type == "error":
            self.console_errors.append(message.text + where)
        elif message.type == "warning":
            self.console_warnings.append(message.text + where)

    # --- what a person sees -----------------------------------------------------------------------
    def section(self, section_id: str, screenshot_dir: Path | None = None) -> SectionReport:
        element = self.page.query_selector(f"section#{section_id}, #{section_id}")
        if element is None:
            return SectionReport(id=section_id, found=False)
        element.scroll_into_view_if_needed()
        counts = element.evaluate(_COUNT_CHARTS)
        box = element.bounding_box() or {"height": 0.0}
        report = SectionReport(
            id=section_id, found=True, svgs=counts["svgs"], svgs_drawn=counts["svgDrawn"],
            canvases_drawn=counts["canvases"], marks=counts["marks"], figures=counts["figures"],
            height=box["height"], text=element.inner_text(), clipped=counts["clipped"],
        )
        if screenshot_dir is not None:
            screenshot_dir.mkdir(parents=True, exist_ok=True)
            path = screenshot_dir / f"{section_id}.png"
            element.screenshot(path=str(path), animations="disabled")
            report.screenshot, report.screenshot_bytes = path, path.stat().st_size
        return report

    def report(self, section_ids: list[str], screenshot_dir: Path | None = None) -> PageReport:
        sections = {key: self.section(key, screenshot_dir) for key in section_ids}
        return PageReport(
            title=self.page.title(), console_errors=list(self.console_errors),
            console_warnings=list(self.console_warnings), page_errors=list(self.page_errors),
            blocked_requests=list(self.blocked_requests), sections=sections,
        )

    def column(self, table: str, index: int = 0) -> list[tuple[str, str | None]]:
        """The body cells of column `index` of `table` (a CSS selector), top to bottom, as
        (shown text, data-value attribute)."""
        cells = self.page.eval_on_selector(
            table,
            """(table, index) => Array.from(table.tBodies[0].rows).map((row) => {
                 const cell = row.cells[index];
                 return cell ? [cell.innerText.trim(), cell.getAttribute('data-value')] : ['', null];
               })""",
            index,
        )
        return [(text, value) for text, value in cells]

    def rows(self, table: str) -> list[list[str]]:
        """Every body row of `table` as the shown text of its cells."""
        return self.page.eval_on_selector(
            table,
            "(table) => Array.from(table.tBodies[0].rows).map((row) => "
            "Array.from(row.cells).map((cell) => cell.innerText.trim()))",
        )

    def click_header(self, table: str, nth: int) -> None:
        """Click the nth (from 0) header cell of `table` like a person would (scrolls to it first)."""
        self.page.locator(f"{table} th").nth(nth).click()

    def headers(self, table: str) -> list[str]:
        return [text.strip() for text in self.page.locator(f"{table} th").all_inner_texts()]


@contextmanager
def open_page(html: Path) -> Iterator[BrowserPage]:
    with BrowserPage(html) as browser:
        yield browser


def inspect_page(html: Path, screenshot_dir: Path, section_ids: list[str]) -> PageReport:
    """Open `html` in headless Chromium, screenshot every section into `screenshot_dir` and count the
    charts that drew; see PageReport."""
    started = time.perf_counter()
    with open_page(html) as browser:
        report = browser.report(section_ids, screenshot_dir)
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class SortResult:
    headers: list[str]
    before: list[tuple[str, str | None]]  # (shown text, data-value) of the column, top to bottom
    after: list[tuple[str, str | None]]
    rows_before: list[list[str]]          # every body row's cell texts, top to bottom
    rows_after: list[list[str]]
    errors: list[str]                     # console errors and page errors while sorting


def sort_by_header(html: Path, table: str, nth: int, column: int = 0, clicks: int = 1) -> SortResult:
    """Column `column` of `table` (a CSS selector) before and after clicking its nth header cell (from 0)
    `clicks` times."""
    with open_page(html) as browser:
        headers = browser.headers(table)
        before, rows_before = browser.column(table, column), browser.rows(table)
        for _ in range(clicks):
            browser.click_header(table, nth)
        after, rows_after = browser.column(table, column), browser.rows(table)
        errors = browser.console_errors + browser.page_errors
    return SortResult(headers=headers, before=before, after=after, rows_before=rows_before,
                      rows_after=rows_after, errors=errors)


__all__ = [
    "CHROMIUM", "CHROMIUM_ARGS", "BrowserPage", "PageReport", "SectionReport", "SortResult", "inspect_page",
    "open_page", "sort_by_header",
]
