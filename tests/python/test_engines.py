"""The other engines' plumbing: the PostgreSQL loader, the raw Parquet folder the spark target reads,
and `segments compare-engines`, which must notice a single differing value.

The PostgreSQL tests need a server: `make test` runs pytest under scripts/with_postgres.sh, which
starts a throwaway one and exports the PG* variables. Without them these tests fail (they are
never skipped): run `scripts/with_postgres.sh .venv/bin/pytest tests/python/test_engines.py`.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import duckdb
import psycopg2  # the postgres extra, part of make test's install
import pytest
from conftest import run_cli, write_csv

from segments import raw_writers
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
            "select distinct column_name = '_loaded_at', data_type from information_schema.columns "
            "where table_schema = %s order by 1",
            [postgres_schema],
        )
        assert cursor.fetchall() == [(False, "text"), (True, "timestamp without time zone")]
    assert "loaded PostgreSQL" in capsys.readouterr().err


def test_postgres_append_adds_stamped_rows_to_one_table(
    raw_dir: Path, tmp_path: Path, postgres_schema: str, capsys
) -> None:
    assert run_cli("load", str(raw_dir), "--target", "postgres", "--schema", postgres_schema) == 0
    before = _postgres_rows(postgres_schema)
    new = tmp_path / "new"
    new.mkdir()
    write_csv(new / "orders.csv", ORDERS.columns, [
        {"order_id": "ORD-2", "line_number": "1", "contact_id": "00043", "ordered_at": "2024-05-01T10:00:00Z",
         "status": "completed", "quantity": "1", "unit_price": "5", "currency": "EUR"},
    ])
    capsys.readouterr()
    assert run_cli("load", str(new), "--append", "--target", "postgres", "--schema", postgres_schema) == 0
    database = os.environ["PGDATABASE"]  # segments, or a pytest-xdist worker's own (conftest.py)
    assert f"appended 1 rows to PostgreSQL {database}: {postgres_schema}.orders" in capsys.readouterr().err
    after = _postgres_rows(postgres_schema)
    assert after["contacts"] == before["contacts"] and after["interactions"] == before["interactions"]
    (old,) = before["orders"]
    assert old in after["orders"] and len(after["orders"]) == 2
    (added,) = [row for row in after["orders"] if row != old]
    assert added[0] == "ORD-2" and added[-1] > old[-1]  # a later _loaded_at

    (new / "orders.csv").unlink()
    capsys.readouterr()
    assert run_cli("load", str(new), "--append", "--target", "postgres", "--schema", postgres_schema) == 1
    assert "nothing to append" in capsys.readouterr().err
    assert _postgres_rows(postgres_schema) == after


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
    # refunds.parquet is written empty: the folder holds no refunds file
    assert written == ["contacts.parquet", "interactions.parquet", "orders.parquet", "refunds.parquet"]
    described = duckdb.sql(f"describe select * from read_parquet('{out / 'orders.parquet'}')").fetchall()
    assert [row[0] for row in described] == [*ORDERS.columns, "_loaded_at"]
    assert {row[1] for row in described[:-1]} == {"VARCHAR"}
    assert described[-1][1] == "TIMESTAMP"  # a Parquet timestamp (not adjusted to UTC: Spark's timestamp_ntz)

    def stamps() -> set:
        files = ", ".join(f"'{path}'" for path in sorted(out.glob("*.parquet")))
        query = f"select distinct _loaded_at from read_parquet([{files}])"
        return {row[0] for row in duckdb.sql(query).fetchall()}

    (first,) = stamps()
    monkeypatch.setattr(raw_writers, "utc_now", lambda: first)  # a clock that did not move
    assert run_cli("load", str(raw_dir), "--target", "spark") == 0
    assert stamps() == {first + dt.timedelta(microseconds=1)}


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
    from segments.engines import MARTS

    reference = tmp_path / "reference.duckdb"
    shutil.copy(clean_build, reference)
    spark_dir = tmp_path / "spark"
    _export_marts_as_spark_folder(reference, spark_dir)
    assert run_cli("compare-engines", "--database", str(reference), "--spark-dir", str(spark_dir)) == 0
    assert f"{len(MARTS)} of {len(MARTS)} marts identical" in capsys.readouterr().out

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
    assert f"{len(MARTS) - 1} of {len(MARTS)} marts identical" in captured.out
    assert "error: 1 mart(s) differ from the DuckDB reference: spark.contact_abc" in captured.err
