"""The CLI's own PostgreSQL connection (loader and engine comparison), from the libpq variables
PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE, the same the dbt profile's postgres target reads."""

from __future__ import annotations

import os
from typing import Any

from segments.errors import SegmentsError
from segments.sql import first_lines


def connect() -> Any:
    """A psycopg2 connection; a missing extra or an unreachable server is a one-line error."""
    try:
        import psycopg2
    except ImportError:
        raise SegmentsError(
            "PostgreSQL needs the postgres extra: pip install -c constraints.txt -e '.[postgres]'"
        ) from None
    try:
        return psycopg2.connect("")  # libpq reads the PG* variables
    except psycopg2.Error as error:
        where = f"{os.environ.get('PGHOST', 'localhost')}:{os.environ.get('PGPORT', '5432')}"
        raise SegmentsError(f"cannot connect to PostgreSQL at {where} ({first_lines(error)})") from None


def database_error() -> type[Exception]:
    """psycopg2's base error class (after connect() has checked the extra is installed)."""
    import psycopg2

    return psycopg2.Error
