"""The benchmark's command line: rounds per scale (`--pairs N`, `--pairs SCALE=N`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import bench  # noqa: E402


def test_default_rounds_are_three_at_s_and_m_and_two_at_l():
    assert bench.pairs_per_scale(bench.parse_args([]).pairs) == {"S": 3, "M": 3, "L": 2}


def test_one_count_for_every_scale_and_a_per_scale_override_wins_in_any_order():
    args = bench.parse_args(["--scales", "M", "L", "--pairs", "L=1", "4"])
    assert bench.pairs_per_scale(args.pairs) == {"S": 4, "M": 4, "L": 1}


@pytest.mark.parametrize("bad", ["0", "X=2", "L=", "L=two"])
def test_bad_rounds_are_refused_with_a_message(bad, capsys):
    with pytest.raises(SystemExit) as exit_info:
        bench.parse_args(["--pairs", bad])
    assert exit_info.value.code == 2
    assert "--pairs" in capsys.readouterr().err


def test_a_disk_too_small_for_the_scales_is_refused_before_any_work(tmp_path, monkeypatch):
    workspace = bench.Workspace(tmp_path)
    (tmp_path / "L").mkdir()
    (tmp_path / "L" / "old.duckdb").write_bytes(b"x" * 1000)
    free = 40 * bench.GIB
    monkeypatch.setattr(bench.shutil, "disk_usage", lambda path: type("Usage", (), {"free": free})())
    bench.check_disk(workspace, ["S", "M"])  # 40 GiB hold S and M (13)
    with pytest.raises(bench.BenchError, match=r"40\.0 GiB free .* S M L need about 63 GiB \(S 1, M 12, L 50\)"):
        bench.check_disk(workspace, ["S", "M", "L"])


def test_what_earlier_runs_of_the_scale_left_counts_as_available(tmp_path, monkeypatch):
    workspace = bench.Workspace(tmp_path)
    monkeypatch.setattr(bench, "_size", lambda path: 3 * bench.GIB if path == tmp_path / "M" else 0)
    monkeypatch.setattr(bench.shutil, "disk_usage", lambda path: type("Usage", (), {"free": 10 * bench.GIB})())
    bench.check_disk(workspace, ["M"])  # 10 free + 3 rewritten >= 12
    monkeypatch.setattr(bench, "_size", lambda path: 0)
    with pytest.raises(bench.BenchError, match="M need about 12 GiB"):
        bench.check_disk(workspace, ["M"])


def test_a_failed_run_names_the_database_error_behind_dbt_s_summary(tmp_path):
    log = tmp_path / "dbt-build-1.log"
    log.write_text(
        "22:42:04  139 of 530 ERROR creating sql incremental model main_staging.stg_order_lines__checked\n"
        "  IO Error: Could not write file \"dbt-warehouse.duckdb.tmp/duckdb_temp.tmp\": No space left on device\n"
        "22:42:48  Done. PASS=180 WARN=0 ERROR=1 SKIP=318 NO-OP=0 TOTAL=499\n"
        "error: dbt build failed: see the errors above\n",
        encoding="utf-8",
    )
    assert bench._last_line(log) == (
        "error: dbt build failed: see the errors above: IO Error: Could not write file "
        "\"dbt-warehouse.duckdb.tmp/duckdb_temp.tmp\": No space left on device"
    )
    log.write_text("floor: 3 contacts\nerror: the floor failed\n", encoding="utf-8")
    assert bench._last_line(log) == "error: the floor failed"
