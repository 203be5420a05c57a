"""Run dbt in-process on this project, with its own profiles folder (users never need ~/.dbt)."""

from __future__ import annotations

import json
import os

from segments.errors import SegmentsError
from segments.project import project_dir, warehouse_path
from segments.sql import duckdb_threads, first_lines, memory_limit

FAILED = ("error", "fail", "runtime error")
SHOWN_FAILURES = 3


def run_dbt(command: list[str], dbt_vars: dict | None = None) -> None:
    """Invoke `dbt <command>` on the project and the warehouse; raise SegmentsError on failure."""
    from dbt.cli.main import dbtRunner  # imported late: dbt takes a second to import

    root = project_dir()
    warehouse_path()  # exports SEGMENTS_DUCKDB_PATH as an absolute path for the profile
    if os.environ.get("SEGMENTS_TARGET", "duckdb") == "duckdb":  # the profile reads both
        memory_limit()
        duckdb_threads()
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    arguments = [*command, "--project-dir", str(root), "--profiles-dir", str(root / "profiles")]
    if dbt_vars:
        arguments += ["--vars", json.dumps(dbt_vars)]
    result = dbtRunner().invoke(arguments)
    if result.exception is not None:
        message = first_lines(result.exception, 3)
        if len(message) > 600:  # a parsing error quotes the whole YAML block it rejects
            message = message[:600] + " ... (the full message is in the dbt log)"
        raise SegmentsError(f"dbt {command[0]} could not run: {message}")
    if not result.success:
        raise SegmentsError(f"dbt {command[0]} failed{_failures(result.result)}: see the errors above")


def _failures(results) -> str:
    """': model x (first line of its error), test y (...)' for the nodes that failed, if known."""
    failed = [
        item for item in getattr(results, "results", None) or []
        if str(getattr(item, "status", "")).lower() in FAILED
    ]
    if not failed:
        return ""
    shown = []
    for item in failed[:SHOWN_FAILURES]:
        node = item.node
        message = (item.message or "").strip()
        if "Traceback (most recent call last)" in message:  # a Python model: its last line says why
            message = message.strip().splitlines()[-1]
        first = first_lines(Exception(message)) if message else ""
        if len(first) > 200:
            first = first[:200] + " ..."
        shown.append(f"{node.resource_type} {node.name}" + (f" ({first})" if first else ""))
    more = len(failed) - SHOWN_FAILURES
    return ": " + ", ".join(shown) + (f" and {more} more" if more > 0 else "")
