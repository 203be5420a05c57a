"""The warehouses the source-preset tests build on: a DuckDB file, or schemas of the throwaway
PostgreSQL server of scripts/with_postgres.sh. Each loads the presets' fixtures
(tests/fixtures/presets/<preset>.sql: Fivetran's table and column names and types, written to run
unchanged on both engines) into a schema named after the preset, and names the schemas the build
writes (marts, staging, quarantine)."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "presets"


class DuckDBWarehouse:
    """A DuckDB file built by dbt in this process (read with a plain connection: dbt-duckdb keeps
    the file open)."""

    name, marts, staging, quarantine = "duckdb", "main", "main_staging", "main_quarantine"

    def __init__(self, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.path = path
        monkeypatch.setenv("SEGMENTS_DUCKDB_PATH", str(path))

    def execute(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.path)) as connection:
            connection.execute(sql)
            return connection.fetchall() if connection.description else []

    def load_fixtures(self, presets: list[str] | tuple[str, ...]) -> None:
        for preset in presets:
            self.execute(f"create schema if not exists {preset}")
            self.execute((FIXTURES / f"{preset}.sql").read_text().replace("{schema}", preset))


class PostgresWarehouse(DuckDBWarehouse):
    """The same on the throwaway PostgreSQL server: the build writes the schema `schema` and its
    _staging, _quarantine, _seeds and _intermediate companions, dropped first with the presets'
    schemas and any other given."""

    name = "postgres"

    def __init__(self, schema: str, monkeypatch: pytest.MonkeyPatch, presets: tuple[str, ...] | list[str],
                 other_schemas: tuple[str, ...] = ()) -> None:
        if "PGHOST" not in os.environ:
            pytest.fail("no PostgreSQL server: run under scripts/with_postgres.sh (make test does)")
        import psycopg2

        self.connect = lambda: psycopg2.connect("")
        self.marts, self.staging, self.quarantine = schema, f"{schema}_staging", f"{schema}_quarantine"
        monkeypatch.setenv("SEGMENTS_TARGET", "postgres")
        monkeypatch.setenv("SEGMENTS_PG_SCHEMA", schema)
        for dropped in (*presets, *other_schemas, self.marts, self.staging, self.quarantine, f"{schema}_seeds",
                        f"{schema}_intermediate"):
            self.execute(f"drop schema if exists {dropped} cascade")

    def execute(self, sql: str) -> list[tuple]:
        with self.connect() as server, server.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall() if cursor.description else []
