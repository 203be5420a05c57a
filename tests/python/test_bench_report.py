"""The benchmark's report: a peer that cannot finish at a scale (polars killed out of memory at 5M), and
the targets of issue 22."""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import bench  # noqa: E402
import report  # noqa: E402

_CONTEXT = defaultdict(lambda: "?")  # the machine description is not what these tests are about


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
    result = _result_with_a_killed_peer()
    result.runs["polars (streaming)"] = [bench.Measurement(1000.0, 9 * 2**30)]
    rows = {row[0]: row for row in report.ratios(result)}
    assert rows["dbt run (no tests) / pandas"][2] == "2.0×"
    assert rows["dbt run (no tests) / polars"][1:] == ("polars did not finish", "—")
    assert rows["dbt run (no tests) / polars (streaming)"][1:] == ("0.8×", "0.8×")


def test_an_exit_code_is_told_apart_from_a_signal():
    assert bench.RunFailed("x", 1.0, 0, 3).summary().startswith("failed (exit 3)")
    assert bench.RunFailed("x", 1.0, 0, -15).summary().startswith("killed (signal 15)")


CONTENDERS = {"dbt_build": "dbt build", "dbt_run": "dbt run (no tests)", "incremental_build": "incremental build",
              "polars_streaming": "polars (streaming)"}


def _scale(scale: str, pairs: int, **seconds_and_rss: tuple[float, float]) -> bench.ScaleResult:
    """A result whose contenders ran `pairs` rounds of the same (seconds, GiB) each."""
    result = bench.ScaleResult(scale, {"M": 1_000_000, "L": 5_000_000}[scale], pairs)
    for name, (seconds, gib) in seconds_and_rss.items():
        result.runs[CONTENDERS.get(name, name)] = [bench.Measurement(seconds, int(gib * 2**30))] * pairs
    return result


def test_targets_judge_each_figure_against_its_limit_and_say_what_cannot_be_judged():
    medium = _scale("M", 3, dbt_build=(75.0, 3.1), floor=(30.0, 4.0), dbt_run=(60.0, 3.0), pandas=(60.0, 4.0),
                    polars=(20.0, 6.0), polars_streaming=(30.0, 2.0))
    medium.test_shares = [0.14, 0.15, 0.2]
    large = _scale("L", 1, dbt_build=(700.0, 3.6), floor=(350.0, 11.0), dbt_run=(500.0, 3.4),
                   pandas=(800.0, 18.0), polars_streaming=(400.0, 9.0))
    large.failures["polars"] = "killed (signal 9) after 300.0 s at 22.00 GiB peak RSS"
    large.test_shares = [0.151]
    rows = {target: (measured, status) for target, measured, status in report.targets([medium, large])}

    assert rows["full dbt build ≤ 2.5× the floor at M"] == ("2.50× (median of 3)", "met")  # the limit is in
    assert rows["full dbt build ≤ 2.0× the floor at L"] == ("2.00× (median of 1)", "met")
    # against the faster polars engine at M (in-memory: 3.0×), the only one that finished at L (streaming)
    assert rows["dbt run faster than polars at M (the faster engine that finished)"] == (
        "3.00× against polars (median of 3)", "**missed**")
    assert rows["dbt run faster than polars at L (the faster engine that finished)"] == (
        "1.25× against polars (streaming) (median of 1); polars did not finish", "**missed**")
    assert rows["data and unit tests ≤ 15% of the full build's time at M"] == (
        "15.0% of node time (median of 3)", "met")  # the limit is in
    assert rows["data and unit tests ≤ 15% of the full build's time at L"] == (
        "15.1% of node time (median of 1)", "**missed**")
    assert rows["peak RSS of the full build at L ≤ 3.5 GiB"] == ("3.60 GiB", "**missed**")
    assert rows["incremental build at L ≤ 0.50× a full build, marts identical"] == (
        "not run this time (bench.py --groups)", "not measured")
    assert rows["at least 3 alternating rounds at M"] == ("3", "met")
    assert rows["at least 1 alternating round at L"] == ("1", "met")
    assert not [target for target in rows if "pandas" in target or "growth" in target]  # issue 6's, gone
    text = report.markdown([medium, large], _CONTEXT)
    assert "## Against the targets of issue 22" in text and "targets of issue 6" not in text
    assert text.startswith("# Benchmarks: the dbt build against its floor and dataframe peers (issue 6; "
                           "targets of issue 22)\n")
    assert "against the targets of issue 22:" in report.text_summary([medium, large], _CONTEXT)


def test_dbt_run_against_polars_is_faster_only_below_one_and_unmeasurable_when_no_engine_finished():
    target = "dbt run faster than polars at L (the faster engine that finished)"
    large = _scale("L", 2, dbt_run=(400.0, 3.4), polars=(500.0, 9.0), polars_streaming=(400.0, 4.0))
    rows = {row[0]: row[1:] for row in report.targets([large])}
    assert rows[target] == ("1.00× against polars (streaming) (median of 2)", "**missed**")  # a tie is not faster
    large.runs["polars (streaming)"] = [bench.Measurement(410.0, 4 * 2**30)] * 2
    assert {row[0]: row[1:] for row in report.targets([large])}[target] == (
        "0.98× against polars (streaming) (median of 2)", "met")
    del large.runs["polars"], large.runs["polars (streaming)"]
    large.failures = {"polars": "killed (signal 9)", "polars (streaming)": "killed (signal 9)"}
    assert {row[0]: row[1:] for row in report.targets([large])}[target] == (
        "no ratio: polars and polars (streaming) did not finish", "not measurable")


def _run_results(path: Path, seconds_by_node: dict[str, float]) -> Path:
    results = [{"unique_id": node, "execution_time": seconds} for node, seconds in seconds_by_node.items()]
    path.write_text(json.dumps({"results": results, "elapsed_time": 99.0}), encoding="utf-8")
    return path


def test_the_tests_share_is_the_node_time_of_data_and_unit_tests_over_every_node(tmp_path):
    timing = report.dbt_timing(_run_results(tmp_path / "run_results.json", {
        "model.segments.contact_rfm": 50.0, "seed.segments.labels": 10.0, "snapshot.segments.history": 20.0,
        "test.segments.not_null_contact_rfm_contact_id.abc": 12.0,
        "unit_test.segments.contact_rfm.ties_share_a_score": 8.0,
    }))
    assert report.tests_share(timing) == 0.2
    assert report.tests_share(report.dbt_timing(_run_results(tmp_path / "run_results.json", {
        "model.segments.test_model": 3.0, "model.segments.unit_test_model": 1.0}))) == 0.0
    assert report.tests_share(report.dbt_timing(tmp_path / "missing.json")) is None


def test_each_scale_shows_the_tests_share_by_node_time_and_the_wall_time_difference():
    medium = _scale("M", 2, dbt_build=(100.0, 3.0), dbt_run=(80.0, 3.0))
    medium.runs["dbt run (no tests)"][1] = bench.Measurement(70.0, 3 * 2**30)
    medium.test_shares = [0.12, 0.1]
    text = "\n".join(report.scale_markdown(medium))
    assert ("**Tests' share of the full build, node time** (what the target judges): 11.0% (median of 2: "
            "12.0%, 10.0%).") in text
    assert ("**Wall-time difference** (dbt build − dbt run (no tests)) / dbt build: 25.0% (median of 2: "
            "20.0%, 30.0%).") in text
    doc = report.markdown([medium], _CONTEXT)
    assert "judged on node time" in doc.split("## Machine")[0]  # "What is measured" states the method


INCREMENTAL = "incremental build at L ≤ 0.50× a full build, marts identical"


def test_the_incremental_target_needs_the_ratio_and_identical_marts():
    large = _scale("L", 2, dbt_build=(800.0, 3.5), floor=(200.0, 11.0), incremental_build=(400.0, 3.0))
    large.incremental_check = {"contact_rfm": (5, 0, 0), "fct_orders": (12, 0, 0)}
    large.incremental_setup = {"delta_rows": {"orders": 3, "interactions": 2}, "base_load_seconds": 1.0,
                               "base_build_seconds": 700.0}
    rows = {target: (measured, status) for target, measured, status in report.targets([large])}
    # the limit is in
    assert rows[INCREMENTAL] == ("0.50× (median of 2); 2 marts and quarantines identical", "met")
    assert rows["dbt run faster than polars at L (the faster engine that finished)"] == (
        "not run this time (bench.py --groups)", "not measured")

    large.incremental_check["fct_orders"] = (12, 1, 0)
    rows = {target: (measured, status) for target, measured, status in report.targets([large])}
    assert rows[INCREMENTAL] == ("0.50× (median of 2); 1 tables differ", "**missed**")

    large.runs["incremental build"] = [bench.Measurement(410.0, 3 * 2**30)] * 2
    large.incremental_check["fct_orders"] = (12, 0, 0)
    rows = {target: (measured, status) for target, measured, status in report.targets([large])}
    assert rows[INCREMENTAL][1] == "**missed**"
    text = report.markdown([large], _CONTEXT)
    assert "| incremental build / dbt build | 0.5×, 0.5× | 0.5× |" in text
    assert "| `fct_orders` | 12 | 0 | 0 |" in text


def test_a_run_of_the_small_scale_alone_has_no_targets_section():
    small = bench.ScaleResult("S", 10_000, 3)
    small.runs["dbt build"] = [bench.Measurement(30.0, 2**30)] * 3
    small.runs["floor"] = [bench.Measurement(0.5, 2**28)] * 3
    assert report.targets([small]) == []
    assert "Against the targets" not in report.markdown([small], _CONTEXT)


def test_the_agreement_table_names_only_the_contenders_that_agreed():
    result = _result_with_a_killed_peer()
    result.agreed = ["floor", "pandas"]
    result.reference = {"contacts": 5_000_000}
    text = "\n".join(report.scale_markdown(result))
    assert "| measure | dbt marts = floor = pandas |" in text
    assert "polars |" not in text.split("**Agreement:**")[1]


def test_a_later_scale_that_fails_keeps_the_figures_of_the_finished_ones(tmp_path, monkeypatch, capsys):
    doc = tmp_path / "benchmarks.md"
    doc.write_text("the last complete run\n", encoding="utf-8")

    def bench_scale(workspace, scale, pairs, groups):
        if scale == "L":
            raise bench.BenchError("segments build failed (exit 1): IO Error: No space left on device")
        return _result_with_a_killed_peer()

    monkeypatch.setattr(bench, "bench_scale", bench_scale)
    monkeypatch.setattr(bench, "check_disk", lambda workspace, scales: None)
    monkeypatch.setattr(bench, "snapshot_project", lambda workspace, ref: None)
    code = bench.main(["--scales", "S", "L", "--work-dir", str(tmp_path / "work"), "--doc", str(doc)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "pandas" in out and "400.0 s" in out  # the finished scale's figures reach stdout
    assert err.strip().endswith("error: segments build failed (exit 1): IO Error: No space left on device")
    assert "left as it was" in err
    assert doc.read_text(encoding="utf-8") == "the last complete run\n"
