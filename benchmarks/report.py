"""The benchmark's report: a readable summary for stdout and docs/benchmarks.md (rewritten entirely)."""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from pathlib import Path

RUN = "dbt run (no tests)"
POLARS = ("polars", "polars (streaming)")  # one query, two polars engines
PAIRS = (("dbt build", "floor"), ("incremental build", "dbt build"), (RUN, "pandas"),
         *((RUN, engine) for engine in POLARS))
WHAT = {
    "dbt build": "`segments build --as-of-date 2026-06-30`: every seed, model, snapshot, data test and unit test",
    "floor": "benchmarks/floor.sql: one DuckDB statement from the raw tables, 2 threads, its own memory_limit",
    "incremental build": "the same `segments build`, after `segments load --append` of the newest 1 % of orders "
    "and interactions into a copy of a full build of the rest (copy and append not measured)",
    "dbt run (no tests)": "`dbt build --exclude-resource-type test unit_test`: seeds, models, snapshot, no test",
    "pandas": "benchmarks/peer_pandas.py: pandas on the raw files, written to Parquet",
    "polars": "benchmarks/peer_polars.py --engine in-memory: one polars lazy query on the raw files, collected "
    "by polars' in-memory engine, written to Parquet",
    "polars (streaming)": "benchmarks/peer_polars.py --engine streaming: the same query collected by polars' "
    "streaming engine (`collect(engine=\"streaming\")`, in batches), written to Parquet",
}
TEST_KINDS = ("test", "unit_test")  # the resource types (unique_id prefixes) of data tests and unit tests
SLOWEST = 10


def dbt_timing(run_results: Path) -> dict:
    """Node time per resource type and the slowest nodes, from a dbt run_results.json."""
    if not run_results.is_file():
        return {}
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    by_type: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for node in results:  # a few hundred dbt nodes, not data
        kind = node["unique_id"].split(".", 1)[0]
        by_type[kind] += node["execution_time"]
        counts[kind] += 1
    slowest = sorted(results, key=lambda node: node["execution_time"], reverse=True)[:SLOWEST]
    return {
        "by_type": {kind: (counts[kind], by_type[kind])
                    for kind in sorted(by_type, key=by_type.get, reverse=True)},
        "slowest": [(node["unique_id"], node["execution_time"]) for node in slowest],
        "elapsed": json.loads(run_results.read_text(encoding="utf-8")).get("elapsed_time"),
    }


def tests_share(timing: dict) -> float | None:
    """The share of a dbt run's node time (dbt_timing) spent in data tests and unit tests; None without any."""
    by_type = timing.get("by_type", {})
    total = sum(seconds for _, seconds in by_type.values())
    if not total:
        return None
    return sum(by_type[kind][1] for kind in TEST_KINDS if kind in by_type) / total


def wall_test_shares(result) -> list[float]:
    """Per round: (dbt build - dbt run (no tests)) / dbt build, from wall times."""
    return [1 - ratio for ratio in pair_ratios(result, RUN, "dbt build")]


def _gib(value: int) -> str:
    return f"{value / 2**30:.2f} GiB"


def _seconds(value: float) -> str:
    return f"{value:.1f} s" if value < 600 else f"{value / 60:.1f} min"


def figures(result) -> list[tuple[str, str, str, str, str]]:
    """Per contender: runs, median, min-max, peak RSS."""
    rows = []
    for name, runs in result.runs.items():
        times = [run.seconds for run in runs]
        peak = max(run.peak_rss_bytes for run in runs)
        rows.append((name, str(len(runs)), _seconds(statistics.median(times)),
                     f"{_seconds(min(times))} – {_seconds(max(times))}", _gib(peak)))
    rows += [(name, "0", "did not finish", failure, "") for name, failure in result.failures.items()
             if name not in result.runs]
    return rows


def pair_ratios(result, slow: str, fast: str) -> list[float]:
    """The ratio slow / fast of each round both finished (empty when one of them never did)."""
    if slow not in result.runs or fast not in result.runs:
        return []
    complete = slow not in result.failures and fast not in result.failures
    return [a.seconds / b.seconds for a, b in zip(result.runs[slow], result.runs[fast], strict=complete)]


def ratios(result) -> list[tuple[str, str, str]]:
    """Per pair: the ratio of each round and their median."""
    rows = []
    for slow, fast in PAIRS:
        each = pair_ratios(result, slow, fast)
        if each:
            listed = ", ".join(f"{ratio:.1f}×" for ratio in each)
            rows.append((f"{slow} / {fast}", listed, f"{statistics.median(each):.1f}×"))
        elif slow in result.runs and fast in result.failures:
            rows.append((f"{slow} / {fast}", f"{fast} did not finish", "—"))
    return rows


# The targets of issue 22 (docs/benchmarks.md, "Against the targets of issue 22").
BUILD_OVER_FLOOR = {"M": 2.5, "L": 2.0}
RUN_FASTER_THAN_POLARS = ("M", "L")
TEST_SHARE = {"M": 0.15, "L": 0.15}
BUILD_MEMORY_AT_L = 3.5 * 2**30
INCREMENTAL_OVER_FULL_AT_L = 0.50
MIN_ROUNDS = {"M": 3, "L": 1}


def _status(met: bool) -> str:
    return "met" if met else "**missed**"


def _median_ratio_row(result, slow: str, fast: str | tuple[str, ...], target: str, limit: float, strict: bool):
    """slow / fast against a limit. `fast` may name several contenders (the polars engines): the ratio is
    then the one against the hardest to beat (the highest median) of those that finished, named."""
    fasts = (fast,) if isinstance(fast, str) else fast
    if not any(name in result.runs or name in result.failures for name in (slow, *fasts)):
        return (target, "not run this time (bench.py --groups)", "not measured")
    finished = {name: each for name in fasts if (each := pair_ratios(result, slow, name))}
    if not finished:
        missing = " and ".join(name for name in (slow, *fasts) if name not in result.runs)
        return (target, f"no ratio: {missing} did not finish", "not measurable")
    best = max(finished, key=lambda name: statistics.median(finished[name]))
    median = statistics.median(finished[best])
    against = f" against {best}" if len(fasts) > 1 else ""
    unfinished = "".join(f"; {name} did not finish" for name in fasts if name not in finished)
    met = median < limit if strict else median <= limit
    return (target, f"{median:.2f}×{against} (median of {len(finished[best])}){unfinished}", _status(met))


def _test_share_row(result, limit: float) -> tuple[str, str, str]:
    """The tests' share of the full build's node time, median of the rounds."""
    target = f"data and unit tests ≤ {limit:.0%} of the full build's time at {result.scale}"
    if not result.test_shares:
        ran = "dbt build" in result.runs
        return (target, "no run_results.json" if ran else "not run this time (bench.py --groups)",
                "not measurable" if ran else "not measured")
    median = statistics.median(result.test_shares)
    return (target, f"{median:.1%} of node time (median of {len(result.test_shares)})", _status(median <= limit))


def targets(results: list) -> list[tuple[str, str, str]]:
    """Each target of issue 22 that the measured scales can judge: what it is, the figure, met or missed."""
    by_scale = {result.scale: result for result in results}
    rows = [_median_ratio_row(by_scale[scale], "dbt build", "floor", f"full dbt build ≤ {limit}× the floor at "
                              f"{scale}", limit, strict=False)
            for scale, limit in BUILD_OVER_FLOOR.items() if scale in by_scale]
    rows += [_median_ratio_row(by_scale[scale], RUN, POLARS, f"dbt run faster than polars at {scale} (the "
                               "faster engine that finished)", 1.0, strict=True)
             for scale in RUN_FASTER_THAN_POLARS if scale in by_scale]
    rows += [_test_share_row(by_scale[scale], limit) for scale, limit in TEST_SHARE.items() if scale in by_scale]
    if "L" in by_scale and "dbt build" in by_scale["L"].runs:
        peak = max(run.peak_rss_bytes for run in by_scale["L"].runs["dbt build"])
        rows.append((f"peak RSS of the full build at L ≤ {BUILD_MEMORY_AT_L / 2**30} GiB", _gib(peak),
                     _status(peak <= BUILD_MEMORY_AT_L)))
    if "L" in by_scale:
        rows.append(_incremental_row(by_scale["L"]))
    rows += [(f"at least {minimum} alternating round{'s' * (minimum > 1)} at {scale}", str(by_scale[scale].pairs),
              _status(by_scale[scale].pairs >= minimum))
             for scale, minimum in MIN_ROUNDS.items() if scale in by_scale]
    return rows


def _incremental_row(result) -> tuple[str, str, str]:
    """The incremental target: the paired ratio, and every mart identical to the full build's."""
    target = f"incremental build at L ≤ {INCREMENTAL_OVER_FULL_AT_L:.2f}× a full build, marts identical"
    if "incremental build" not in result.runs and "incremental build" not in result.failures:
        return (target, "not run this time (bench.py --groups)", "not measured")
    row = _median_ratio_row(result, "incremental build", "dbt build", target, INCREMENTAL_OVER_FULL_AT_L,
                            strict=False)
    if row[2] == "not measured" or not result.incremental_check:
        return row
    differing = sum(1 for _, only_full, only_incremental in result.incremental_check.values()
                    if only_full or only_incremental)
    verdict = (f"{len(result.incremental_check)} marts and quarantines identical" if not differing
               else f"{differing} tables differ")
    return (target, f"{row[1]}; {verdict}", row[2] if not differing else "**missed**")


def incremental_lines(result) -> list[str]:
    """The incremental scenario of one scale: what was appended, and the comparison with the full build."""
    setup = result.incremental_setup
    if not setup:
        return []
    delta = ", ".join(f"{table} {rows:,}" for table, rows in setup["delta_rows"].items())
    lines = [f"**Incremental build:** the newest 1 % set apart (rows: {delta}); the rest loaded in "
             f"{_seconds(setup['base_load_seconds'])} and built in {_seconds(setup['base_build_seconds'])} "
             "(set-up, not measured). Each round appends those rows to a copy of that build and runs "
             "`segments build`.", ""]
    if result.incremental_check:
        lines += ["After the first round, every mart and quarantine of the incremental build against the full "
                  "build (EXCEPT ALL both ways, duplicates included):", ""]
        lines += _table(("table", "rows", "only in the full build", "only in the incremental build"),
                        [(f"`{table}`", f"{rows:,}", f"{only_full:,}", f"{only_incremental:,}")
                         for table, (rows, only_full, only_incremental) in result.incremental_check.items()])
        lines.append("")
    return lines


def _distribution(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{'null' if key is None else key}: {count:,}" for key, count in value.items())
    return f"{value:,}" if isinstance(value, int) else str(value)


def _table(header: tuple[str, ...], rows: list[tuple]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def _data_line(result) -> str:
    rows = ", ".join(f"{table} {count:,}" for table, count in result.rows.items())
    generated = ("reused from an earlier run" if result.generate_seconds is None
                 else f"generated in {_seconds(result.generate_seconds)}")
    return (f"{result.contacts:,} contacts, seed 42, history ending 2026-06-30, {result.data_format} "
            f"({generated}); raw rows: {rows}; `segments load` into a fresh DuckDB file: "
            f"{_seconds(result.load_seconds)}.")


def _timing_lines(title: str, timing: dict) -> list[str]:
    if not timing:
        return []
    lines = [f"{title} (node times from run_results.json; with more than one dbt thread they add up to more "
             f"than the wall time of {_seconds(timing['elapsed'] or 0)}):", ""]
    lines += _table(("resource type", "nodes", "node time"),
                    [(kind, count, _seconds(seconds)) for kind, (count, seconds) in timing["by_type"].items()])
    lines += ["", "Slowest nodes:", ""]
    lines += _table(("node", "time"), [(f"`{node}`", _seconds(seconds)) for node, seconds in timing["slowest"]])
    return [*lines, ""]


def _percentages(shares: list[float]) -> str:
    listed = ", ".join(f"{share:.1%}" for share in shares)
    return f"{statistics.median(shares):.1%} (median of {len(shares)}: {listed})"


def _test_share_lines(result) -> list[str]:
    """What the data and unit tests cost the full build: node-time share (judged) and wall-time difference."""
    lines = []
    if result.test_shares:
        lines.append(f"**Tests' share of the full build, node time** (what the target judges): "
                     f"{_percentages(result.test_shares)}.")
    wall = wall_test_shares(result)
    if wall:
        lines.append("**Wall-time difference** (dbt build − dbt run (no tests)) / dbt build: "
                     f"{_percentages(wall)}.")
    return lines


def scale_markdown(result) -> list[str]:
    """The section of one scale."""
    lines = [f"## {result.scale}: {result.contacts:,} contacts", "", _data_line(result), ""]
    lines += _table(("contender", "runs", "median", "min – max", "peak RSS (max of runs)"), figures(result))
    lines += ["", "Ratios, round by round (each pair ran alternately on the same data):", ""]
    lines += _table(("pair", "per round", "median"), ratios(result))
    for line in _test_share_lines(result):
        lines += ["", line]
    agreed = ", ".join(result.agreed) or "nothing"
    lines += ["", f"**Agreement:** {agreed} agree with the dbt marts on every measure below and contact by "
              f"contact on every column (dbt quarantined {result.quarantined} rows).", ""]
    lines += _table(("measure", " = ".join(["dbt marts", *result.agreed])),
                    [(measure, _distribution(value)) for measure, value in result.reference.items()])
    lines += ["", *incremental_lines(result)]
    lines += _timing_lines("Where the time of the full dbt build goes", result.dbt_build_timing)
    lines += _timing_lines("Where the time of the incremental dbt build goes", result.dbt_incremental_timing)
    lines += _timing_lines("Where the time of dbt without tests goes", result.dbt_run_timing)
    return lines


def markdown(results: list, context: dict[str, str]) -> str:
    """docs/benchmarks.md."""
    scales = " ".join(result.scale for result in results)
    pairs = " ".join(f"{result.scale}={result.pairs}" for result in results)
    groups = context.get("groups", "build peers")
    chosen = "" if groups == "build peers" else f" --groups {groups}"
    lines = [
        "# Benchmarks: the dbt build against its floor and dataframe peers (issue 6; targets of issue 22)",
        "",
        f"Generated by `.venv/bin/python benchmarks/bench.py --scales {scales} --pairs {pairs}{chosen}`; the "
        "command rewrites this file. Do not edit it by hand.",
        "",
        "## What is measured",
        "",
        *[f"- **{name}**: {what}." for name, what in WHAT.items()],
        "",
        "Each run is its own subprocess on the same generated data; dbt and the floor each get a fresh copy of "
        "the loaded DuckDB file. Wall time is measured around the subprocess; peak RSS is the resident memory "
        "of the whole process tree, sampled every 100 ms with psutil. Contenders alternate round by round "
        "(dbt build, floor, incremental build, dbt build, ...; dbt run, pandas, polars, polars (streaming), "
        "dbt run, ...), and the ratios compare the runs of one round. `dbt parse` runs once before, so every "
        "dbt run starts from the same partial-parse state (dbt is still parsing the project each run: it is "
        "part of the price).",
        "",
        "The tests' share of the full build (a target of issue 22) is judged on node time: in each round's "
        "run_results.json of the full dbt build, the execution_time of the nodes whose unique_id starts with "
        "`test.` or `unit_test.` over that of every node; the median of the rounds. Each scale's section also "
        "gives the wall-time difference, (dbt build − dbt run (no tests)) / dbt build per round, which counts "
        "dbt's start-up and scheduling too and pairs runs of the two groups; it is shown, not judged. Where a "
        "target compares dbt with polars, the ratio is against the polars engine that is harder to beat (the "
        "higher median ratio) among those that finished, and the figure names it.",
        "",
        "Before any figure is reported, the floor's and the peers' per-contact tables are checked against the "
        "marts of the dbt build (`contact_rfm`, `contact_abc`, `contact_lifecycle`, `contact_abell`): row "
        "count, customers, sums of monetary and frequency, the distributions of the r/f/m scores, ABC tier, "
        "lifecycle stage, primary need and primary technology, and then contact by contact on every column "
        "(recency, frequency, monetary to the cent, scores, tier, stage, need, technology). A disagreement "
        "stops the benchmark and names the measure.",
        "",
        "## Machine",
        "",
        *_table(("", ""), [
            ("date", context["date"]), ("CPU", f"{context['cpu']} ({context['cpus']} CPUs)"),
            ("RAM", context["ram"]), ("OS", context["os"]),
            ("load average (1, 5, 15 min)",
             f"{context['load']} at start, {context.get('load_after', '?')} at end"),
            ("Python", context["python"]),
            ("DuckDB / dbt-core / dbt-duckdb",
             f"{context['duckdb']} / {context['dbt-core']} / {context['dbt-duckdb']}"),
            ("pandas / polars / pyarrow / psutil",
             f"{context['pandas']} / {context['polars']} / {context['pyarrow']} / {context['psutil']}"),
            ("DuckDB memory_limit (dbt / floor)", f"{context['memory_limit']} / {context['floor_memory_limit']}"),
            ("dbt threads (SEGMENTS_DUCKDB_THREADS)", context.get("dbt_threads", "?")),
            ("project commit", context["commit"]),
            ("dbt project benchmarked", context.get("project", "work tree")),
            ("segments CLI imported from", context.get("segments", "?")),
        ]),
        "",
        "The machine is shared: other builds may run at the same time (see the load average), so single "
        "figures move by a few percent to tens of percent; the alternation keeps the ratios fair.",
        "",
    ]
    judged = targets(results)
    if judged:
        lines += ["## Against the targets of issue 22", "",
                  "Medians of the rounds below; \"faster\" means a ratio under 1.", "",
                  *_table(("target", "measured", "status"), judged), ""]
    for result in results:
        lines += scale_markdown(result)
    return "\n".join(lines).rstrip() + "\n"


def text_summary(results: list, context: dict[str, str]) -> str:
    """A readable summary for stdout."""
    lines = [f"benchmark on {context['cpu']} ({context['cpus']} CPUs, {context['ram']}), {context['date']}"]
    for result in results:
        lines += ["", f"{result.scale}: {result.contacts:,} contacts ({result.data_format}); "
                  f"agreement with the marts: {', '.join(result.agreed) or 'none'}"]
        lines += [f"  {name:<20} {runs} runs  median {median:>9}  range {span:<22} peak RSS {peak}"
                  for name, runs, median, span, peak in figures(result)]
        lines += [f"  {pair:<40} {each}  (median {median})" for pair, each, median in ratios(result)]
        lines += [f"  {line.replace('**', '')}" for line in _test_share_lines(result)]
        if result.incremental_check:
            same = all(not only_full and not only_incremental
                       for _, only_full, only_incremental in result.incremental_check.values())
            lines.append(f"  incremental build vs full build: {len(result.incremental_check)} marts and "
                         f"quarantines {'identical' if same else 'DIFFER'}")
        slowest = result.dbt_build_timing.get("slowest", [])[:3]
        if slowest:
            listed = ", ".join(f"{node} {seconds:.1f} s" for node, seconds in slowest)
            lines.append(f"  slowest dbt build nodes: {listed}")
    judged = targets(results)
    if judged:
        lines += ["", "against the targets of issue 22:"]
        lines += [f"  {status.strip('*'):<14} {target}: {measured}" for target, measured, status in judged]
    return "\n".join(lines)
