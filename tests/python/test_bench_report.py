"""The benchmark's report when a peer cannot finish at a scale (polars killed out of memory at 5M)."""

from __future__ import annotations

import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import bench  # noqa: E402
import report  # noqa: E402


def _result_with_a_killed_peer() -> bench.ScaleResult:
    result = bench.ScaleResult("L", 5_000_000, 1)
    result.runs["dbt run (no tests)"] = [bench.Measurement(800.0, 3 * 2**30)]
    result.runs["pandas"] = [bench.Measurement(400.0, 18 * 2**30)]
    killed = bench.RunFailed("peer_polars.py failed (exit -9)", 250.0, 22 * 2**30, -9)
    result.failures["polars"] = killed.summary()
    return result


def test_a_killed_peer_is_a_row_of_the_figures_with_what_happened():
    rows = {row[0]: row for row in report.figures(_result_with_a_killed_peer())}
    assert rows["pandas"][2] == "400.0 s"
    assert rows["polars"][2] == "did not finish"
    what = rows["polars"][3]
    assert "out-of-memory" in what and "250.0 s" in what and "22.00 GiB" in what


def test_the_pair_with_a_killed_peer_has_no_ratio_and_the_others_keep_theirs():
    rows = {row[0]: row for row in report.ratios(_result_with_a_killed_peer())}
    assert rows["dbt run (no tests) / pandas"][2] == "2.0×"
    assert rows["dbt run (no tests) / polars"][1:] == ("polars did not finish", "—")


def test_an_exit_code_is_told_apart_from_a_signal():
    assert bench.RunFailed("x", 1.0, 0, 3).summary().startswith("failed (exit 3)")
    assert bench.RunFailed("x", 1.0, 0, -15).summary().startswith("killed (signal 15)")
