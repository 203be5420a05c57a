"""Shared fixtures: small raw files written by the tests, a temporary warehouse per test; and, when
pytest runs on several workers (pytest-xdist, `make unit`), each worker's own dbt folders and
PostgreSQL database."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import duckdb
import pytest

from segments.cli import main
from segments.contract import CONTACTS, INTERACTIONS, ORDERS
from segments.project import project_dir


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist (`make unit` runs pytest -n 2), each worker is a process of its own
    (PYTEST_XDIST_WORKER = gw0, gw1, ...) and gets, before any test runs, what two dbt runs at once
    must not share:

    - its own dbt target and log folders, <project>/target/pytest-<worker> and <project>/logs/pytest-<worker>
      (DBT_TARGET_PATH, DBT_LOG_PATH; dbt's default <project>/target and <project>/logs hold
      partial_parse.msgpack, manifest.json, run_results.json, compiled/ and dbt.log), unless they are set
      already; a test that sets its own still overrides them;
    - its own database on the PostgreSQL server of scripts/with_postgres.sh, <PGDATABASE>_<worker>
      (created when missing), since the tests build fixed schemas there (main, typed_pg, shopify, ...);
    - great_expectations imported once, before a test's import of it could end the worker (below).

    A run without workers (pytest -n 0, -p no:xdist) keeps dbt's and libpq's defaults."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    root = project_dir()
    for variable, folder in (("DBT_TARGET_PATH", "target"), ("DBT_LOG_PATH", "logs")):
        if not os.environ.get(variable):
            os.environ[variable] = str(root / folder / f"pytest-{worker}")
    if os.environ.get("PGHOST"):
        os.environ["PGDATABASE"] = _worker_database(f"{os.environ.get('PGDATABASE', 'segments')}_{worker}")
    _import_great_expectations()


def _import_great_expectations() -> None:
    """great_expectations (segments validate) imports pyspark.sql.connect when pyspark is installed (the
    spark extra). pyspark takes a __main__ module without __spec__ and __file__ for a run of its own
    doctests and, Spark Connect's grpc missing, ends the process (SystemExit 0, "Skipping doctests"). A
    pytest-xdist worker's __main__ is execnet's `python -c`: import great_expectations once here as an
    interactive session (sys.ps1) would, so pyspark.sql.connect fails with the ImportError that
    great_expectations expects, as it does under a plain pytest run."""
    import importlib.util
    import sys
    import warnings

    if importlib.util.find_spec("pyspark") is None or hasattr(sys, "ps1"):
        return
    sys.ps1 = ""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pyspark warns of pandas 3: not a test's warning
            import great_expectations  # noqa: F401
    finally:
        del sys.ps1


def dbt_target_path() -> Path:
    """The folder dbt writes manifest.json, catalog.json and run_results.json to: $DBT_TARGET_PATH
    (relative to the project, as dbt takes it), else <project>/target."""
    return project_dir() / os.environ.get("DBT_TARGET_PATH", "target")


def _worker_database(name: str) -> str:
    """The database `name` on the libpq server (PG* variables), created when missing."""
    import psycopg2  # the postgres extra, part of make test's install
    from psycopg2 import sql

    server = psycopg2.connect("")
    try:
        server.autocommit = True  # CREATE DATABASE cannot run in a transaction
        with server.cursor() as cursor:
            cursor.execute("select 1 from pg_database where datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    finally:
        server.close()
    return name


GOOD_CONTACTS = [
    {"contact_id": "00042", "email": "Ann@Example.com", "created_at": "2024-01-05T10:00:00Z"},
    {"contact_id": "00043", "email": "bob@example.com", "created_at": "2024-02-05T10:00:00Z",
     "company_size": "12", "email_opt_in": "true"},
]
GOOD_ORDERS = [
    {"order_id": "ORD-1", "line_number": "1", "contact_id": "00042",
     "ordered_at": "2024-04-01T10:00:00Z", "status": "completed", "quantity": "2",
     "unit_price": "10.50", "currency": "EUR"},
]
GOOD_INTERACTIONS = [
    {"interaction_id": "INT-1", "contact_id": "00042", "occurred_at": "2024-04-02T10:00:00Z",
     "channel": "email", "interaction_type": "email_open"},
]


def write_csv(path: Path, columns: list[str] | tuple[str, ...], rows: list[dict]) -> Path:
    """A CSV with the given header; missing values are empty fields."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    """A directory holding three valid CSV files."""
    folder = tmp_path / "raw"
    folder.mkdir()
    write_csv(folder / "contacts.csv", CONTACTS.columns, GOOD_CONTACTS)
    write_csv(folder / "orders.csv", ORDERS.columns, GOOD_ORDERS)
    write_csv(folder / "interactions.csv", INTERACTIONS.columns, GOOD_INTERACTIONS)
    return folder


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "test.duckdb"


def run_cli(*args: str) -> int:
    return main(list(args))


def raw_snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    """Every raw table's rows, sorted, to prove a refused load changed nothing."""
    with duckdb.connect(str(warehouse)) as connection:
        return {
            table: sorted(connection.execute(f"select * from raw.{table}").fetchall(), key=repr)
            for table in ("contacts", "orders", "interactions")
        }


CLEAN_END_DATE = "2026-06-30"


@pytest.fixture(scope="session")
def clean_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build of 800 generated contacts without bad rows, shared by the export and validation
    tests (never modified: tests that change it work on a copy). The write-ahead log is flushed so
    that copies of the file are complete."""
    folder = tmp_path_factory.mktemp("clean")
    data, warehouse = folder / "data", folder / "warehouse.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEGMENTS_DUCKDB_PATH", str(warehouse))
        assert run_cli("generate", "--contacts", "800", "--seed", "3", "--end-date",
                       CLEAN_END_DATE, "--out", str(data)) == 0
        assert run_cli("load", str(data)) == 0
        assert run_cli("build", "--as-of-date", CLEAN_END_DATE) == 0
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("checkpoint")
    return warehouse


@pytest.fixture(scope="module")
def built(clean_build: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch_module) -> Path:
    """The module's own copy of the session's clean build (an export logs itself in the warehouse, so
    the export tests change it; the session's build stays as built, whatever ran before on this
    worker); CLI calls of this module default to it."""
    copy = tmp_path_factory.mktemp("built") / clean_build.name
    copy.write_bytes(clean_build.read_bytes())
    monkeypatch_module.setenv("SEGMENTS_DUCKDB_PATH", str(copy))
    return copy


@pytest.fixture
def warehouse_copy(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built warehouse for a test that changes it (export state, rebuild)."""
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(built.read_bytes())
    return copy


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch
