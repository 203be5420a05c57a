"""Shared fixtures: small raw files written by the tests, a temporary warehouse per test."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from segments.cli import main
from segments.contract import CONTACTS, INTERACTIONS, ORDERS

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
def built(clean_build: Path, monkeypatch_module) -> Path:
    """The session's clean build; CLI calls of this module default to it."""
    monkeypatch_module.setenv("SEGMENTS_DUCKDB_PATH", str(clean_build))
    return clean_build


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
