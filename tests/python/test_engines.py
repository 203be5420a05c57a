"""The other engines' plumbing: the PostgreSQL loader, the raw Parquet folder the spark target reads,
and `segments compare-engines`, which must notice a single differing value.

The PostgreSQL tests need a server: `make test` runs pytest under scripts/with_postgres.sh, which
starts a throwaway one and exports the PG* variables. Without them these tests fail (they are
never skipped): run `scripts/with_postgres.sh .venv/bin/pytest tests/python/test_engines.py`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import psycopg2  # the postgres extra, part of make test's install
import pytest
from conftest import run_cli, write_csv

from segments.contract import ORDERS, RAW_TABLES


@pytest.fixture(autouse=True)
def engine_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """`--target` exports SEGMENTS_TARGET (and spark's folders) for the dbt profile: restore them
    after each test, so later tests build on DuckDB again."""
    monkeypatch.setenv("SEGMENTS_TARGET", "duckdb")
    for name in ("SEGMENTS_SPARK_DIR", "SEGMENTS_RAW_PARQUET_DIR", "SPARK_LOCAL_IP"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def postgres_schema(request: pytest.FixtureRequest) -> str:
    """A fresh schema on the throwaway server for one test (dropped afterwards)."""
    if "PGHOST" not in os.environ:
        pytest.fail("no PostgreSQL server: run under scripts/with_postgres.sh (make test does)")
    schema = f"raw_{request.node.name[:40].lower()}"
    with psycopg2.connect("") as server, server.cursor() as cursor:
        cursor.execute(f'drop schema if exists "{schema}" cascade')
    yield schema
    with psycopg2.connect("") as server, server.cursor() as cursor:
        cursor.execute(f'drop schema if exists "{schema}" cascade')


def _postgres_rows(schema: str) -> dict[str, list[tuple]]:
    with psycopg2.connect("") as server, server.cursor() as cursor:
        rows = {}
        for table in RAW_TABLES:
            cursor.execute(f'select * from "{schema}"."{table.name}"')
            rows[table.name] = sorted(cursor.fetchall(), key=repr)
    return rows


def test_postgres_load_copies_every_value_as_text(raw_dir: Path, postgres_schema: str, capsys) -> None:
    orders = raw_dir / "orders.csv"
    write_csv(orders, ORDERS.columns, [
        {"order_id": "007", "line_number": "1", "contact_id": "00042", "ordered_at": "2024-04-01T10:00:00Z",
         "status": "completed", "quantity": "2", "unit_price": "10.50", "currency": "EUR",
         "product_category": 'it\'s "quoted", with a comma'},
    ])
    assert run_cli("load", str(raw_dir), "--target", "postgres", "--schema", postgres_schema) == 0
    rows = _postgres_rows(postgres_schema)
    assert [row[0] for row in rows["contacts"]] == ["00042", "00043"]  # leading zeros kept
    order = rows["orders"][0]
    assert order[0] == "007"
    assert order[ORDERS.columns.index("product_category")] == 'it\'s "quoted", with a comma'
    assert order[ORDERS.columns.index("discount_amount")] is None  # an empty field is NULL
    with psycopg2.connect("") as server, server.cursor() as cursor:
        cursor.execute(
            "select distinct data_type from information_schema.columns where table_schema = %s",
            [postgres_schema],
        )
        assert cursor.fetchall() == [("text",)]
    assert "loaded PostgreSQL" in capsys.readouterr().err


def test_postgres_refused_load_changes_nothing(raw_dir: Path, postgres_schema: str, capsys) -> None:
    assert run_cli("load", str(raw_dir), "--target", "postgres", "--schema", postgres_schema) == 0
    before = _postgres_rows(postgres_schema)
    write_csv(raw_dir / "orders.csv", (*ORDERS.columns, "unit_prise"), [])
    capsys.readouterr()
    assert run_cli("load", str(raw_dir), "--target", "postgres", "--schema", postgres_schema) == 1
    message = capsys.readouterr().err
    assert "orders.csv: column 'unit_prise'" in message and "did you mean 'unit_price'" in message
    assert _postgres_rows(postgres_schema) == before


def test_postgres_unreachable_server_is_one_line(raw_dir: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PGHOST", "127.0.0.1")
    monkeypatch.setenv("PGPORT", "1")  # nothing listens on port 1
    assert run_cli("load", str(raw_dir), "--target", "postgres") == 1
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith("error: cannot connect to PostgreSQL at 127.0.0.1:1")


def test_spark_load_writes_text_parquet_read_in_place(raw_dir: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "spark-raw"
    monkeypatch.setenv("SEGMENTS_RAW_PARQUET_DIR", str(out))
    monkeypatch.setenv("SEGMENTS_SPARK_DIR", str(tmp_path / "spark"))
    assert run_cli("load", str(raw_dir), "--target", "spark") == 0
    written = sorted(path.name for path in out.iterdir())
    assert written == ["contacts.parquet", "interactions.parquet", "orders.parquet"]
    described = duckdb.sql(f"describe select * from read_parquet('{out / 'orders.parquet'}')").fetchall()
    assert [row[0] for row in described] == list(ORDERS.columns)
    assert {row[1] for row in described} == {"VARCHAR"}


def _export_marts_as_spark_folder(warehouse: Path, folder: Path) -> None:
    """The marts of a DuckDB build laid out as the spark target's warehouse folder would hold them."""
    from segments.engines import MARTS, SCHEMA_SUFFIX

    with duckdb.connect(str(warehouse), read_only=True) as connection:
        for mart in MARTS:
            schema = "main" + SCHEMA_SUFFIX.get(mart, "")
            target = folder / "warehouse" / f"{schema}.db" / mart
            target.mkdir(parents=True)
            connection.execute(f"copy {schema}.{mart} to '{target / 'part-0.parquet'}' (format parquet)")


def test_compare_engines_finds_one_changed_value(clean_build: Path, tmp_path: Path, capsys) -> None:
    reference = tmp_path / "reference.duckdb"
    shutil.copy(clean_build, reference)
    spark_dir = tmp_path / "spark"
    _export_marts_as_spark_folder(reference, spark_dir)
    assert run_cli("compare-engines", "--database", str(reference), "--spark-dir", str(spark_dir)) == 0
    assert "21 of 21 marts identical" in capsys.readouterr().out

    tiers = spark_dir / "warehouse" / "main.db" / "contact_abc" / "part-0.parquet"
    changed = tmp_path / "changed.parquet"
    duckdb.sql(
        f"copy (select * replace (case when row_number() over (order by contact_id) = 1 "
        f"then monetary + 0.01 else monetary end as monetary) from read_parquet('{tiers}')) "
        f"to '{changed}' (format parquet)"
    )
    shutil.move(changed, tiers)
    assert run_cli("compare-engines", "--database", str(reference), "--spark-dir", str(spark_dir)) == 1
    captured = capsys.readouterr()
    assert "contact_abc" in captured.out and "1 rows only in duckdb, 1 only in spark" in captured.out
    assert "20 of 21 marts identical" in captured.out
    assert "error: 1 mart(s) differ from the DuckDB reference: spark.contact_abc" in captured.err
