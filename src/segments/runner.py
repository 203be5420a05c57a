"""Run dbt in-process on this project, with its own profiles folder (users never need ~/.dbt)."""

from __future__ import annotations

import json
import os

from segments.errors import SegmentsError
from segments.project import project_dir, warehouse_path
from segments.sql import first_lines


def run_dbt(command: list[str], dbt_vars: dict | None = None) -> None:
    """Invoke `dbt <command>` on the project and the warehouse; raise SegmentsError on failure."""
    from dbt.cli.main import dbtRunner  # imported late: dbt takes a second to import

    root = project_dir()
    warehouse_path()  # exports SEGMENTS_DUCKDB_PATH as an absolute path for the profile
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
        raise SegmentsError(f"dbt {command[0]} failed: see the errors above")
