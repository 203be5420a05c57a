"""The benchmark's command line: rounds per scale (`--pairs N`, `--pairs SCALE=N`), and what it runs: the peers
(polars on both engines) and the full build's tests share per round."""

from __future__ import annotations

import json
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


def _runner(tmp_path, monkeypatch, commands: list) -> bench.Runner:
    """A Runner on empty files whose measured commands are recorded, not run."""
    def measure(command, env, log, label):
        commands.append((command, log, label))
        return bench.Measurement(1.0, 0)

    monkeypatch.setattr(bench, "measure", measure)
    workspace = bench.Workspace(tmp_path)
    loaded = tmp_path / "loaded.duckdb"
    loaded.write_bytes(b"")
    result = bench.ScaleResult("S", 10_000, 2)
    return bench.Runner(workspace, result, {}, loaded, tmp_path / "data", tmp_path / "floor.sql")


def test_the_peers_alternate_with_dbt_and_polars_runs_on_each_engine(tmp_path, monkeypatch):
    assert bench.GROUPS["peers"] == ("dbt run (no tests)", "pandas", "polars", "polars (streaming)")
    commands: list = []
    runner = _runner(tmp_path, monkeypatch, commands)
    for name in bench.PEERS:
        bench.CONTENDERS[name](runner, 2)
    engines = {label: command[command.index("--engine") + 1] if "--engine" in command else None
               for command, _, label in commands}
    assert engines == {"peer_pandas.py": None, "peer_polars.py --engine in-memory": "in-memory",
                       "peer_polars.py --engine streaming": "streaming"}
    streaming, log, _ = commands[-1]
    assert Path(streaming[1]).name == "peer_polars.py"
    assert streaming[3] == str(runner.folder / "polars_streaming.parquet") == str(
        runner.peer_output("polars (streaming)"))
    assert log == runner.folder / "logs" / "polars_streaming-2.log"


def test_every_full_build_adds_its_tests_share_from_its_own_run_results(tmp_path, monkeypatch):
    commands: list = []
    runner = _runner(tmp_path, monkeypatch, commands)
    runner.folder.mkdir(parents=True)
    runner.workspace.dbt_target.mkdir()
    for round_number, test_seconds in ((1, 10.0), (2, 30.0)):
        (runner.workspace.dbt_target / "run_results.json").write_text(json.dumps({"elapsed_time": 1.0, "results": [
            {"unique_id": "model.segments.contact_rfm", "execution_time": 90.0},
            {"unique_id": "unit_test.segments.contact_rfm.ties", "execution_time": test_seconds},
        ]}), encoding="utf-8")
        runner.dbt_build(round_number)
    assert runner.result.test_shares == [0.1, 0.25]


def test_peer_polars_collects_in_memory_unless_told_to_stream(tmp_path, monkeypatch, capsys):
    import peer_polars
    import polars as pl

    engines: list[str] = []

    class Query:
        def collect(self, engine):
            engines.append(engine)
            return pl.DataFrame({"contact_id": ["c1"]})

    monkeypatch.setattr(peer_polars, "load_params", lambda as_of_date, project_dir: None)
    monkeypatch.setattr(peer_polars, "segment_contacts", lambda data_dir, params: Query())
    out = tmp_path / "out.parquet"
    assert peer_polars.main([str(tmp_path), str(out), "--as-of-date", "2026-06-30"]) == 0
    assert peer_polars.main([str(tmp_path), str(out), "--as-of-date", "2026-06-30", "--engine", "streaming"]) == 0
    assert engines == ["in-memory", "streaming"]
    assert "peer_polars (streaming): 1 contacts written" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        peer_polars.main([str(tmp_path), str(out), "--as-of-date", "2026-06-30", "--engine", "auto"])
    assert exit_info.value.code == 2


def test_the_project_copy_keeps_the_dbtignore_so_dbt_does_not_parse_the_host_fixture(tmp_path):
    workspace = bench.Workspace(tmp_path)
    bench.snapshot_project(workspace, None)
    assert "tests/host_project" in (workspace.project / ".dbtignore").read_text(encoding="utf-8")
    assert (workspace.project / "models").is_dir() and not (workspace.project / "tests" / "python").exists()
