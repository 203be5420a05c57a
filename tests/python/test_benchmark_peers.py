"""The benchmark's floor (benchmarks/floor.sql) and dataframe peers (peer_pandas.py, peer_polars.py on polars'
in-memory and streaming engines) compute the same per-contact result as the dbt marts: contact by contact, on
generated data built once."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pytest
from conftest import run_cli

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import bench_params  # noqa: E402
import compare  # noqa: E402
import peer_pandas  # noqa: E402
import peer_polars  # noqa: E402

END_DATE = "2026-06-30"
POLARS = {"polars": "in-memory", "polars (streaming)": "streaming"}  # contender -> engine, as bench.PEERS
CANDIDATES = ("floor", "pandas", *POLARS)


def _generate(folder: Path, contacts: int, seed: int, fmt: str) -> Path:
    assert run_cli("generate", "--contacts", str(contacts), "--seed", str(seed), "--end-date", END_DATE,
                   "--format", fmt, "--out", str(folder)) == 0
    return folder


def _params() -> bench_params.Params:
    return bench_params.load_params(pd.Timestamp(END_DATE).date())


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """2,000 generated contacts: loaded, copied for the floor BEFORE the build, built once with dbt;
    then the marts' reference and the candidates' outputs (polars through its command line, as bench runs it)."""
    folder = tmp_path_factory.mktemp("bench_peers")
    data = _generate(folder / "data", 2000, 11, "parquet")
    warehouse, floor_copy = folder / "warehouse.duckdb", folder / "floor.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEGMENTS_DUCKDB_PATH", str(warehouse))
        patch.setenv("SEGMENTS_RAW_PARQUET_DIR", "")
        assert run_cli("load", str(data)) == 0
        # `segments load` exports the spark target's raw folder whatever the target; in one process the
        # build would then read raw Parquet files from there instead of the loaded tables
        patch.setenv("SEGMENTS_RAW_PARQUET_DIR", "")
        with duckdb.connect(str(warehouse)) as connection:
            connection.execute("checkpoint")
        shutil.copyfile(warehouse, floor_copy)
        assert run_cli("build", "--as-of-date", END_DATE) == 0
    params = _params()
    with duckdb.connect(str(floor_copy)) as connection:
        connection.execute("set TimeZone = 'UTC'")
        connection.execute(bench_params.floor_sql(params))
    peer_pandas.segment_contacts(data, params).to_parquet(folder / "pandas.parquet", index=False)
    polars = {name: compare.Candidate(name, folder / f"{bench_params.slug(name)}.parquet") for name in POLARS}
    for name, engine in POLARS.items():
        assert peer_polars.main([str(data), str(polars[name].path), "--as-of-date", END_DATE,
                                 "--engine", engine]) == 0
    reference = folder / "marts.parquet"
    return {
        "quarantined": compare.export_reference(warehouse, reference),
        "reference": reference,
        "floor": compare.Candidate("floor", floor_copy, "floor_contacts"),
        "pandas": compare.Candidate("pandas", folder / "pandas.parquet"),
        **polars,
        "folder": folder,
    }


def test_the_generated_data_is_clean(outputs: dict) -> None:
    """The floor and peers do not reproduce every quarantine rule: the comparison needs clean data."""
    assert outputs["quarantined"] == 0


def test_the_reference_has_customers_and_every_kind_of_label(outputs: dict) -> None:
    with compare.connect(outputs["reference"]) as connection:
        measures = compare.summary(connection, "reference")
    assert measures["rows"] == 2000 and 500 < measures["customers"] < 1500
    assert len(measures["distribution of lifecycle_stage"]) == 7
    assert len(measures["distribution of abc_tier"]) == 4  # A, B, C and null for non-customers
    assert len(measures["distribution of primary_need"]) >= 5


@pytest.mark.parametrize("name", CANDIDATES)
def test_candidate_agrees_with_the_marts_contact_by_contact(outputs: dict, name: str) -> None:
    candidate = outputs[name]
    with compare.connect(outputs["reference"]) as connection:
        relation = compare.register(connection, candidate)
        differences = compare.contact_differences(connection, relation)
        samples = {column: compare.examples(connection, candidate, column.split()[0]) for column in differences}
        reference, other = (compare.summary(connection, view) for view in ("reference", relation))
        compare.check(connection, candidate)  # what bench.py runs after the first round
    assert differences == {}, f"{name} differs from the marts: {differences}; e.g. {samples}"
    assert compare.summary_differences(reference, other) == []


@pytest.mark.parametrize("name", CANDIDATES)
def test_candidate_matches_the_marts_column_by_column_in_pandas(outputs: dict, name: str) -> None:
    """The same comparison without compare.py's SQL: both tables as DataFrames, joined on contact_id."""
    candidate = outputs[name]
    if candidate.table is None:
        other = pd.read_parquet(candidate.path)
    else:
        with duckdb.connect(str(candidate.path), read_only=True) as connection:
            other = connection.execute(f"select * from {candidate.table}").df()
    reference = pd.read_parquet(outputs["reference"])
    joined = reference.merge(other, on="contact_id", how="outer", suffixes=("_marts", "_other"), indicator=True)
    assert (joined["_merge"] == "both").all(), "contacts missing on one side"
    for column in compare.VALUE_COLUMNS:
        left, right = joined[f"{column}_marts"].astype(object), joined[f"{column}_other"].astype(object)
        same = (left == right) | (left.isna() & right.isna())
        differing = joined.loc[~same, ["contact_id", f"{column}_marts", f"{column}_other"]]
        assert same.all(), f"{name}.{column} differs for {len(differing)} contact(s):\n{differing.head()}"


def test_both_polars_engines_give_the_same_table_row_for_row(outputs: dict) -> None:
    in_memory, streaming = (pl.read_parquet(outputs[name].path).sort("contact_id") for name in POLARS)
    assert in_memory.height == 2000
    assert in_memory.equals(streaming)


def test_a_disagreeing_peer_is_caught(outputs: dict, tmp_path: Path) -> None:
    """The check can fail: one contact's m_score and tier changed in the pandas output are found."""
    tampered = pd.read_parquet(outputs["pandas"].path)
    customer = tampered.index[tampered["is_customer"]][0]
    tampered.loc[customer, "m_score"] = 6
    tampered.loc[customer, "abc_tier"] = "Z"
    tampered.to_parquet(tmp_path / "tampered.parquet", index=False)
    candidate = compare.Candidate("tampered", tmp_path / "tampered.parquet")
    with compare.connect(outputs["reference"]) as connection:
        assert compare.contact_differences(connection, compare.register(connection, candidate)) == {
            "m_score": 1, "abc_tier": 1,
        }
        with pytest.raises(compare.Disagreement, match="distribution of m_score"):
            compare.check(connection, candidate)


def test_peers_read_csv_exports_like_parquet(tmp_path: Path) -> None:
    """The same generated data as CSV (all text) and as Parquet (typed) gives the same result."""
    params = _params()
    csv_data = _generate(tmp_path / "csv", 300, 5, "csv")
    parquet_data = _generate(tmp_path / "parquet", 300, 5, "parquet")
    from_csv = peer_pandas.segment_contacts(csv_data, params)
    pd.testing.assert_frame_equal(from_csv, peer_pandas.segment_contacts(parquet_data, params))
    for engine in peer_polars.ENGINES:
        polars_csv, polars_parquet = (
            peer_polars.segment_contacts(data, params).collect(engine=engine).sort("contact_id")
            for data in (csv_data, parquet_data)
        )
        assert polars_csv.equals(polars_parquet), engine
        assert polars_csv.height == len(from_csv) == 300


def test_money_is_rounded_half_away_from_zero_to_the_cent_like_duckdb() -> None:
    """The peers' exact integer conversion equals DuckDB's decimal round(net x fx, 2), at half cents too."""
    fx = np.array([10**12, 925925925926, 1176470588235, 1052631578947, 6172839506], dtype="int64")
    net = np.array([0, 1, -1, 5000, -5000, 4999, 123456789, -123456789, 500_000_000_000, 10_000_005_000],
                   dtype="int64")
    pairs = pd.DataFrame([(n, f) for n in net for f in fx], columns=["net_micros", "fx_e12"])
    expected = duckdb.sql(
        "select cast(round(cast(net_micros as decimal(38, 0)) * 0.000001::decimal(7, 6) "
        "* (cast(fx_e12 as decimal(38, 0)) * 0.000000000001::decimal(13, 12)), 2) * 100 as bigint) as cents "
        "from pairs"
    ).df()["cents"].to_numpy()
    pandas_cents = peer_pandas.reporting_cents(pairs["net_micros"].to_numpy(), pairs["fx_e12"].to_numpy())
    polars_cents = pl.from_pandas(pairs).select(
        peer_polars.reporting_cents(pl.col("net_micros"), pl.col("fx_e12")).alias("cents")
    )["cents"].to_numpy()
    np.testing.assert_array_equal(pandas_cents, expected)
    np.testing.assert_array_equal(polars_cents, expected)
