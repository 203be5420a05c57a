"""Benchmark of issue 6 (targets of issue 22): how far is the full dbt build from the floor, and from
dataframe peers?

    .venv/bin/python benchmarks/bench.py --scales S M [--pairs N] [--work-dir DIR]

For each scale (S = 10,000 contacts, M = 1,000,000, L = 5,000,000) it generates raw data with
`segments generate` (reused when already there for that scale and seed), loads it into a fresh DuckDB
file with `segments load`, then measures, each run in its own subprocess on the same data, alternating:

1. `segments build --no-publish` (the full dbt build: every seed, model, snapshot, data and unit test) vs
   the floor,
   one hand-written DuckDB statement (benchmarks/floor.sql) on a copy of the loaded file;
2. dbt without tests (`dbt build --exclude-resource-type test unit_test`: seeds, models, snapshot) vs the
   pandas peer vs the polars peer (in-memory engine) vs the same polars query on polars' streaming engine,
   which read the raw files.

Every measurement is wall time and the peak RSS of the whole process tree (psutil, every 100 ms). After
the first round the floor's and the peers' results are checked against the marts of the dbt build
(summaries and contact by contact); any disagreement stops the benchmark naming the measure. The result
goes to stdout and to docs/benchmarks.md, which the command rewrites entirely.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import threading
import time
from importlib import metadata
from pathlib import Path

import compare
import incremental
import report
from bench_params import PROJECT_DIR, floor_sql, load_params, slug

SCALES = {"S": 10_000, "M": 1_000_000, "L": 5_000_000}
DEFAULT_PAIRS = {"S": 3, "M": 3, "L": 2}
SEED = 42
INCREMENTAL_SHARE = 0.01  # the newest orders and interactions appended before an incremental build
END_DATE = dt.date(2026, 6, 30)
SAMPLE_SECONDS = 0.1
# Free disk a scale needs under --work-dir (GiB): its generated files and warehouses (loaded, built,
# full-built reference, floor), one build's copy and DuckDB's spill beside it. Estimates from runs on
# 2026-12-01: the L folder holds 19 GiB after a run and a build copy another 7; a run that started with
# 21 GiB free (those 19 already there) ran out of space in its 5M build. Checked before anything runs.
DISK_NEEDED_GIB = {"S": 1, "M": 12, "L": 50}
GIB = 1024**3
BIN = Path(sys.executable).parent
BENCH_DIR = Path(__file__).resolve().parent
# What dbt needs of the project: copied once per benchmark, so edits made meanwhile cannot mix in.
PROJECT_FILES = ("dbt_project.yml", "profiles", "models", "macros", "seeds", "snapshots", "tests", "analyses")
# Copied when the project has it: .dbtignore keeps dbt from parsing tests/host_project (from 2026-12-03 on).
OPTIONAL_PROJECT_FILES = (".dbtignore",)
GENERATED_MARKER = "_bench_generated.json"
FLOOR_RUNNER = """
import sys, duckdb
database, sql_file, memory_limit = sys.argv[1:4]
connection = duckdb.connect(database)
connection.execute(f"set memory_limit = '{memory_limit}'")
connection.execute("set threads = 2")
connection.execute("set TimeZone = 'UTC'")
connection.execute(open(sql_file, encoding="utf-8").read())
rows = connection.execute("select count(*) from floor_contacts").fetchone()[0]
connection.close()
print(f"floor: {rows:,} contacts in floor_contacts", file=sys.stderr)
"""


class BenchError(Exception):
    """A problem the benchmark reports in one line and exits 1."""


class RunFailed(BenchError):
    """A measured command that did not finish: how long it ran, how much memory it held, its exit."""

    def __init__(self, message: str, seconds: float, peak_rss_bytes: int, code: int):
        super().__init__(message)
        self.seconds, self.peak_rss_bytes, self.code = seconds, peak_rss_bytes, code

    def summary(self) -> str:
        """One line for the report, e.g. 'killed (signal 15) after 312.4 s at 21.30 GiB peak RSS'."""
        if self.code == -9:
            how = "killed (signal 9: the kernel's out-of-memory killer, most likely)"
        elif self.code < 0:
            how = f"killed (signal {-self.code})"
        else:
            how = f"failed (exit {self.code})"
        return f"{how} after {self.seconds:.1f} s at {self.peak_rss_bytes / GIB:.2f} GiB peak RSS"


@dataclasses.dataclass(frozen=True)
class Measurement:
    """One run: wall time and the peak resident memory of its process tree."""

    seconds: float
    peak_rss_bytes: int


@dataclasses.dataclass
class ScaleResult:
    """Everything measured at one scale."""

    scale: str
    contacts: int
    pairs: int
    data_format: str = ""
    rows: dict[str, int] = dataclasses.field(default_factory=dict)
    generate_seconds: float | None = None  # None: data reused
    load_seconds: float = 0.0
    runs: dict[str, list[Measurement]] = dataclasses.field(default_factory=dict)
    reference: dict[str, object] = dataclasses.field(default_factory=dict)
    agreed: list[str] = dataclasses.field(default_factory=list)
    quarantined: int = 0
    dbt_build_timing: dict = dataclasses.field(default_factory=dict)
    test_shares: list[float] = dataclasses.field(default_factory=list)  # per full build: tests' node time share
    dbt_run_timing: dict = dataclasses.field(default_factory=dict)
    failures: dict[str, str] = dataclasses.field(default_factory=dict)  # contender -> what happened
    incremental_setup: dict[str, object] = dataclasses.field(default_factory=dict)  # delta rows, base build
    incremental_check: dict[str, tuple[int, int, int]] = dataclasses.field(default_factory=dict)
    dbt_incremental_timing: dict = dataclasses.field(default_factory=dict)


# ---------------------------------------------------------------------------------------------- measuring
def tree_rss(process) -> int:
    """Resident memory of a process and all its descendants, in bytes (0 once it is gone)."""
    import psutil

    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total


def measure(command: list[str], env: dict[str, str], log: Path, label: str) -> Measurement:
    """Run a command to completion, sampling its tree's RSS; BenchError (with the log) if it fails."""
    import psutil

    log.parent.mkdir(parents=True, exist_ok=True)
    peak = 0
    with log.open("w", encoding="utf-8") as out:
        started = time.perf_counter()
        process = psutil.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=BENCH_DIR)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss(process))
                done.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            code = process.wait()
        except BaseException:
            stop_tree(process)
            raise
        finally:
            seconds = time.perf_counter() - started
            done.set()
            sampler.join()
    if code != 0:
        raise RunFailed(f"{label} failed (exit {code}): {_last_line(log)} (log: {log})", seconds, peak, code)
    return Measurement(seconds, peak)


def stop_tree(process) -> None:
    """Kill a measured process and its descendants (on an interruption): nothing is left running."""
    import psutil

    try:
        members = [*process.children(recursive=True), process]
    except psutil.Error:
        return
    for member in members:
        try:
            member.kill()
        except psutil.Error:
            continue
    psutil.wait_procs(members, timeout=10)


DATABASE_ERROR = re.compile(r"\b[A-Z]\w* Error: ")  # DuckDB's "IO Error: ...", "Binder Error: ...", ...


def _last_line(log: Path) -> str:
    """The last error line of a run's log, and the database error behind it when dbt's own line only
    says "see the errors above" (a full disk, say)."""
    lines = [line.strip() for line in log.read_text(encoding="utf-8", errors="replace").splitlines()]
    errors = [line for line in lines if "error" in line.lower()]
    last = (errors or [line for line in lines if line] or ["no output"])[-1][:300]
    causes = [line for line in lines if DATABASE_ERROR.search(line) and line != last]
    return f"{last}: {causes[-1][:300]}" if causes else last


def run_quietly(command: list[str], env: dict[str, str], log: Path, label: str) -> float:
    """Run a set-up step (not measured beyond its wall time)."""
    return measure(command, env, log, label).seconds


# ---------------------------------------------------------------------------------------------- set-up
@dataclasses.dataclass(frozen=True)
class Workspace:
    """The files of one benchmark under --work-dir."""

    root: Path

    @property
    def project(self) -> Path:
        return self.root / "project"

    @property
    def dbt_target(self) -> Path:
        return self.root / "dbt-target"

    @property
    def dbt_warehouse(self) -> Path:
        # one path for every dbt run: dbt's partial parsing is discarded when the profile changes
        return self.root / "dbt-warehouse.duckdb"

    def data(self, scale: str) -> Path:
        return self.root / "data" / f"{scale}-seed{SEED}"

    def scale_dir(self, scale: str) -> Path:
        return self.root / scale


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file()) if path.is_dir() else 0


def check_disk(workspace: Workspace, scales: list[str]) -> None:
    """Refuse, before any work, a work dir whose disk cannot hold the scales asked for."""
    need = sum(DISK_NEEDED_GIB[scale] for scale in scales) * GIB
    # what earlier runs left for these scales is rewritten, so its space counts as available
    reusable = sum(_size(workspace.scale_dir(scale)) for scale in scales) + _size(workspace.dbt_warehouse)
    free = shutil.disk_usage(workspace.root).free
    if free + reusable < need:
        estimates = ", ".join(f"{scale} {DISK_NEEDED_GIB[scale]}" for scale in scales)
        raise BenchError(
            f"{workspace.root}: {free / GIB:.1f} GiB free (+ {reusable / GIB:.1f} GiB of earlier runs that are "
            f"rewritten), but {' '.join(scales)} need about {need / GIB:.0f} GiB ({estimates}): free some space "
            "or pass --work-dir on a larger disk"
        )


def snapshot_project(workspace: Workspace, ref: str | None) -> None:
    """Copy the dbt project (not tests/python, target, data) into the work dir: from the work tree, or
    from a commit with `git archive` (read-only: the git index is left alone)."""
    if workspace.project.exists():
        shutil.rmtree(workspace.project)
    workspace.project.mkdir(parents=True)
    if ref is not None:
        optional = subprocess.run(["git", "ls-tree", "--name-only", ref, "--", *OPTIONAL_PROJECT_FILES],
                                  cwd=PROJECT_DIR, capture_output=True, text=True, check=False).stdout.split()
        archive = subprocess.run(["git", "archive", "--format=tar", ref, *PROJECT_FILES, *optional],
                                 cwd=PROJECT_DIR, capture_output=True, check=False)
        if archive.returncode != 0:
            raise BenchError(f"git archive {ref}: {archive.stderr.decode(errors='replace').strip()}")
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(workspace.project, filter="data")
        shutil.rmtree(workspace.project / "tests" / "python", ignore_errors=True)
        return
    for name in (*PROJECT_FILES, *OPTIONAL_PROJECT_FILES):
        source = PROJECT_DIR / name
        if source.is_dir():
            skip = shutil.ignore_patterns("python", "__pycache__")
            shutil.copytree(source, workspace.project / name, ignore=skip)
        elif source.is_file():
            shutil.copy2(source, workspace.project / name)
        elif name not in OPTIONAL_PROJECT_FILES:
            raise BenchError(f"{source}: missing from the project")


def base_env(workspace: Workspace) -> dict[str, str]:
    """The environment of every measured process."""
    env = dict(os.environ)
    env.pop("SEGMENTS_DUCKDB_PATH", None)
    env.update({
        "SEGMENTS_PROJECT_DIR": str(workspace.project),
        "SEGMENTS_DUCKDB_MEMORY_LIMIT": memory_limit(),
        "DBT_TARGET_PATH": str(workspace.dbt_target),
        "DBT_LOG_PATH": str(workspace.root / "dbt-logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    })
    return env


def memory_limit() -> str:
    """The project's DuckDB memory limit (profiles/profiles.yml): $SEGMENTS_DUCKDB_MEMORY_LIMIT or 3GB."""
    return os.environ.get("SEGMENTS_DUCKDB_MEMORY_LIMIT", "3GB")


def floor_memory_limit() -> str:
    """The floor's DuckDB memory limit: $BENCH_FLOOR_MEMORY_LIMIT, default 12GB. One statement cannot
    spill its way through 5M contacts in the project's 3GB (it fails with Out of Memory at L), so the
    floor gets what a hand-written query on this machine would; its peak RSS is reported as measured."""
    return os.environ.get("BENCH_FLOOR_MEMORY_LIMIT", "12GB")


def ensure_data(workspace: Workspace, result: ScaleResult, env: dict[str, str]) -> Path:
    """The generated raw files of the scale: reused when a complete generation with the same arguments
    is there, else generated as Parquet (CSV if Parquet fails)."""
    folder = workspace.data(result.scale)
    wanted = {"contacts": result.contacts, "seed": SEED, "end_date": END_DATE.isoformat()}
    marker = folder / GENERATED_MARKER
    if marker.is_file():
        recorded = json.loads(marker.read_text(encoding="utf-8"))
        if {key: recorded.get(key) for key in wanted} == wanted:
            result.data_format = recorded["format"]
            return folder
    for fmt in ("parquet", "csv"):
        shutil.rmtree(folder, ignore_errors=True)
        command = [str(BIN / "segments"), "generate", "--contacts", str(result.contacts), "--seed", str(SEED),
                   "--end-date", END_DATE.isoformat(), "--format", fmt, "--out", str(folder)]
        say(f"[{result.scale}] generating {result.contacts:,} contacts ({fmt})")
        try:
            result.generate_seconds = run_quietly(command, env, workspace.scale_dir(result.scale) / "logs" /
                                                  f"generate-{fmt}.log", f"segments generate --format {fmt}")
        except BenchError as error:
            say(f"[{result.scale}] {error}")
            continue
        result.data_format = fmt
        marker.write_text(json.dumps({**wanted, "format": fmt}) + "\n", encoding="utf-8")
        return folder
    raise BenchError(f"segments generate failed in both formats at scale {result.scale}")


def load_fresh(workspace: Workspace, result: ScaleResult, data: Path, env: dict[str, str]) -> Path:
    """Load the raw files into a new DuckDB file and return it."""
    loaded = workspace.scale_dir(result.scale) / "loaded.duckdb"
    remove_database(loaded)
    say(f"[{result.scale}] loading {data} into {loaded.name}")
    result.load_seconds = run_quietly(
        [str(BIN / "segments"), "load", str(data), "--database", str(loaded)], env,
        workspace.scale_dir(result.scale) / "logs" / "load.log", "segments load",
    )
    import duckdb

    with duckdb.connect(str(loaded)) as connection:
        connection.execute("checkpoint")
        for table in ("contacts", "orders", "interactions"):
            result.rows[table] = connection.execute(f"select count(*) from raw.{table}").fetchone()[0]
    return loaded


def remove_database(path: Path) -> None:
    """A DuckDB file with its write-ahead log and spill folder."""
    for leftover in (path, Path(f"{path}.wal")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(f"{path}.tmp", ignore_errors=True)


def fresh_copy(loaded: Path, target: Path) -> Path:
    """A copy of the loaded warehouse (not measured)."""
    remove_database(target)
    shutil.copyfile(loaded, target)
    return target


# ---------------------------------------------------------------------------------------------- the runs
@dataclasses.dataclass(frozen=True)
class Runner:
    """How to run each contender at one scale."""

    workspace: Workspace
    result: ScaleResult
    env: dict[str, str]
    loaded: Path
    data: Path
    floor_file: Path
    base_built: Path | None = None  # the full build of all but the newest orders and interactions
    delta: Path | None = None  # the newest orders and interactions, appended before each incremental build

    @property
    def folder(self) -> Path:
        return self.workspace.scale_dir(self.result.scale)

    def log(self, name: str, round_number: int) -> Path:
        return self.folder / "logs" / f"{name}-{round_number}.log"

    def dbt_vars(self) -> str:
        return json.dumps({"segments_as_of_date": END_DATE.isoformat()})

    def dbt_build(self, round_number: int) -> Measurement:
        """`segments build` on a fresh copy."""
        warehouse = fresh_copy(self.loaded, self.workspace.dbt_warehouse)
        command = [str(BIN / "segments"), "build", "--database", str(warehouse),
                   "--as-of-date", END_DATE.isoformat(), "--no-publish"]
        measured = measure(command, self.env, self.log("dbt-build", round_number), "segments build")
        share = report.tests_share(report.dbt_timing(self._keep_run_results("build")))
        if share is not None:
            self.result.test_shares.append(share)
        if round_number == 1:  # the reference of every check after the first round (not measured)
            fresh_copy(warehouse, self.full_built)
        return measured

    @property
    def full_built(self) -> Path:
        return self.folder / "full-built.duckdb"

    def incremental_build(self, round_number: int) -> Measurement:
        """`segments build` after `segments load --append` of the newest orders and interactions into a
        copy of the full build of the rest (the copy and the append are not measured)."""
        if self.base_built is None or self.delta is None:
            raise BenchError("no incremental set-up at this scale")
        warehouse = fresh_copy(self.base_built, self.workspace.dbt_warehouse)
        run_quietly([str(BIN / "segments"), "load", "--append", str(self.delta), "--database", str(warehouse)],
                    self.env, self.log("append", round_number), "segments load --append")
        command = [str(BIN / "segments"), "build", "--database", str(warehouse),
                   "--as-of-date", END_DATE.isoformat(), "--no-publish"]
        measured = measure(command, self.env, self.log("dbt-incremental", round_number), "incremental build")
        self._keep_run_results("incremental")
        return measured

    def dbt_run(self, round_number: int) -> Measurement:
        """dbt without tests (seeds, models, snapshot) on a fresh copy, invoked like runner.py does."""
        warehouse = fresh_copy(self.loaded, self.workspace.dbt_warehouse)
        env = {**self.env, "SEGMENTS_DUCKDB_PATH": str(warehouse)}
        measured = measure(self.dbt_command("build", "--exclude-resource-type", "test", "unit_test"), env,
                           self.log("dbt-run", round_number), "dbt build without tests")
        self._keep_run_results("run")
        return measured

    def dbt_command(self, *arguments: str) -> list[str]:
        project = self.workspace.project
        return [str(BIN / "dbt"), *arguments, "--project-dir", str(project), "--profiles-dir",
                str(project / "profiles"), "--vars", self.dbt_vars()]

    def _keep_run_results(self, kind: str) -> Path:
        """The last run's run_results.json, kept as run_results-KIND.json (the latest round's)."""
        kept = self.folder / f"run_results-{kind}.json"
        shutil.copyfile(self.workspace.dbt_target / "run_results.json", kept)
        return kept

    def floor(self, round_number: int) -> Measurement:
        """floor.sql in a python -c subprocess on a fresh copy, with floor_memory_limit(), 2 threads."""
        database = fresh_copy(self.loaded, self.floor_database)
        command = [sys.executable, "-c", FLOOR_RUNNER, str(database), str(self.floor_file), floor_memory_limit()]
        return measure(command, self.env, self.log("floor", round_number), "floor.sql")

    @property
    def floor_database(self) -> Path:
        return self.folder / "floor.duckdb"

    def peer(self, name: str, round_number: int) -> Measurement:
        """A dataframe peer (PEERS) on the raw files."""
        script, *options = PEERS[name]
        out = self.peer_output(name)
        out.unlink(missing_ok=True)
        command = [sys.executable, str(BENCH_DIR / script), str(self.data), str(out), "--as-of-date",
                   END_DATE.isoformat(), "--project-dir", str(self.workspace.project), *options]
        return measure(command, self.env, self.log(slug(name), round_number), " ".join([script, *options]))

    def peer_output(self, name: str) -> Path:
        return self.folder / f"{slug(name)}.parquet"

    def warm_up(self) -> None:
        """`dbt parse` once, so every measured dbt run starts from the same partial-parse state."""
        env = {**self.env, "SEGMENTS_DUCKDB_PATH": str(self.workspace.dbt_warehouse)}
        run_quietly(self.dbt_command("parse"), env, self.folder / "logs" / "dbt-parse.log", "dbt parse")


# The dataframe peers: contender -> script and its options, run on the raw files.
PEERS = {
    "pandas": ("peer_pandas.py",),
    "polars": ("peer_polars.py", "--engine", "in-memory"),
    "polars (streaming)": ("peer_polars.py", "--engine", "streaming"),
}
CONTENDERS = {
    "dbt build": lambda runner, i: runner.dbt_build(i),
    "floor": lambda runner, i: runner.floor(i),
    "incremental build": lambda runner, i: runner.incremental_build(i),
    "dbt run (no tests)": lambda runner, i: runner.dbt_run(i),
    **{name: lambda runner, i, name=name: runner.peer(name, i) for name in PEERS},
}
GROUPS = {
    "build": ("dbt build", "floor", "incremental build"),
    "peers": ("dbt run (no tests)", *PEERS),
}


def run_group(runner: Runner, group: tuple[str, ...], check_after_first) -> None:
    """Alternate the group's contenders for the scale's number of rounds (A B A B ...)."""
    for round_number in range(1, runner.result.pairs + 1):
        for name in group:
            say(f"[{runner.result.scale}] round {round_number}/{runner.result.pairs}: {name}")
            if name in runner.result.failures:
                say(f"[{runner.result.scale}]   skipped: {runner.result.failures[name]} in an earlier round")
                continue
            try:
                measured = CONTENDERS[name](runner, round_number)
            except RunFailed as failure:
                if name.startswith("dbt"):
                    raise  # the project itself must build: no figure is worth reporting without it
                # A contender that cannot finish at this scale (a peer out of memory) is a result, not
                # the end of the benchmark: it is reported as such, and the others go on.
                runner.result.failures[name] = failure.summary()
                say(f"[{runner.result.scale}]   {failure.summary()}: {failure}")
                continue
            runner.result.runs.setdefault(name, []).append(measured)
            peak = measured.peak_rss_bytes / GIB
            say(f"[{runner.result.scale}]   {measured.seconds:.1f} s, peak RSS {peak:.2f} GiB")
        if round_number == 1:
            check_after_first(group)


def check_outputs(runner: Runner, group: tuple[str, ...]) -> None:
    """After the first round: reference from the dbt build, then each candidate against it."""
    result, reference = runner.result, runner.folder / "marts.parquet"
    if "dbt build" in group:
        result.quarantined = compare.export_reference(runner.full_built, reference)
        if result.quarantined:
            raise BenchError(f"dbt quarantined {result.quarantined} raw rows: the floor and peers only "
                             "reproduce clean data (generate without --inject-bad-rows)")
    candidates = {
        "floor": compare.Candidate("floor", runner.floor_database, "floor_contacts"),
        **{name: compare.Candidate(name, runner.peer_output(name)) for name in PEERS},
    }
    with compare.connect(reference) as connection:
        result.reference = compare.summary(connection, "reference")
        for name in group:
            if name in candidates and name not in result.failures:
                try:
                    compare.check(connection, candidates[name])
                except compare.Disagreement as error:
                    raise BenchError(str(error)) from None
                result.agreed.append(name)
                say(f"[{result.scale}] {name} agrees with the dbt marts (summaries and contact by contact)")
    if "incremental build" in group and "incremental build" in result.runs:
        check_incremental(runner)


def check_incremental(runner: Runner) -> None:
    """Every mart and quarantine of the incremental build (the last dbt run) against the full build."""
    result = runner.result
    result.incremental_check = incremental.mart_differences(runner.full_built, runner.workspace.dbt_warehouse)
    differing = {table: found for table, found in result.incremental_check.items() if found[1] or found[2]}
    if differing:
        listed = ", ".join(f"{table} ({only_full:,} rows only in the full build, {only_incremental:,} only in the "
                           f"incremental one)" for table, (_, only_full, only_incremental) in differing.items())
        raise BenchError(f"[{result.scale}] the incremental build differs from the full build: {listed}")
    say(f"[{result.scale}] the incremental build's {len(result.incremental_check)} marts and quarantines are "
        "identical to the full build's, row for row")


def prepare_incremental(
    workspace: Workspace, result: ScaleResult, data: Path, env: dict[str, str]
) -> tuple[Path, Path]:
    """The newest 1 % of orders and interactions set apart, and a full build of the rest (not measured)."""
    folder = workspace.scale_dir(result.scale)
    base, delta = folder / "data-base", folder / "data-delta"
    started = time.perf_counter()
    try:
        result.incremental_setup["delta_rows"] = incremental.split_newest(data, base, delta, INCREMENTAL_SHARE)
    except Exception as error:  # duckdb's errors: the benchmark reports them in one line
        raise BenchError(f"[{result.scale}] cannot split {data} for the incremental build: {error}") from None
    result.incremental_setup["split_seconds"] = time.perf_counter() - started
    base_built = folder / "base-built.duckdb"
    remove_database(base_built)
    say(f"[{result.scale}] incremental set-up: {result.incremental_setup['delta_rows']} newest rows set apart; "
        "loading and building the rest")
    result.incremental_setup["base_load_seconds"] = run_quietly(
        [str(BIN / "segments"), "load", str(base), "--database", str(base_built)], env,
        folder / "logs" / "load-base.log", "segments load (base)")
    result.incremental_setup["base_build_seconds"] = run_quietly(
        [str(BIN / "segments"), "build", "--database", str(base_built), "--as-of-date", END_DATE.isoformat(),
         "--no-publish"],
        env, folder / "logs" / "build-base.log", "segments build (base)")
    import duckdb

    with duckdb.connect(str(base_built)) as connection:
        connection.execute("checkpoint")
    return base_built, delta


def bench_scale(
    workspace: Workspace, scale: str, pairs: int, groups: tuple[str, ...] = tuple(GROUPS)
) -> ScaleResult:
    """Set up, measure and check one scale, `pairs` rounds per group."""
    result = ScaleResult(scale, SCALES[scale], pairs)
    env = base_env(workspace)
    workspace.scale_dir(scale).mkdir(parents=True, exist_ok=True)
    data = ensure_data(workspace, result, env)
    loaded = load_fresh(workspace, result, data, env)
    floor_file = workspace.scale_dir(scale) / "floor.sql"
    floor_file.write_text(floor_sql(load_params(END_DATE, workspace.project)), encoding="utf-8")
    base_built, delta = (prepare_incremental(workspace, result, data, env) if "build" in groups else (None, None))
    runner = Runner(workspace, result, env, loaded, data, floor_file, base_built, delta)
    runner.warm_up()
    for name in groups:
        run_group(runner, GROUPS[name], lambda first, runner=runner: check_outputs(runner, first))
    result.dbt_build_timing = report.dbt_timing(runner.folder / "run_results-build.json")
    result.dbt_run_timing = report.dbt_timing(runner.folder / "run_results-run.json")
    result.dbt_incremental_timing = report.dbt_timing(runner.folder / "run_results-incremental.json")
    return result


# ---------------------------------------------------------------------------------------------- command line
def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    import psutil

    versions = {name: _version(name) for name in ("duckdb", "dbt-core", "dbt-duckdb", "pandas", "polars",
                                                  "pyarrow", "psutil")}
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": str(os.cpu_count()),
        "cpu": _cpu_model(),
        "ram": f"{psutil.virtual_memory().total / GIB:.1f} GiB",
        "load": "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        **versions,
        "commit": _git_commit(),
        "segments": _segments_package(),
        "memory_limit": memory_limit(),
        "floor_memory_limit": floor_memory_limit(),
        "dbt_threads": os.environ.get("SEGMENTS_DUCKDB_THREADS", "unset: the default of profiles/profiles.yml"),
    }


def _segments_package() -> str:
    """Where the measured `segments` commands import the CLI from (the checkout, or $PYTHONPATH)."""
    found = subprocess.run([sys.executable, "-c", "import segments; print(segments.__file__)"],
                           capture_output=True, text=True, check=False)
    return str(Path(found.stdout.strip()).parent) if found.returncode == 0 else "not importable"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _git_commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_DIR, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=PROJECT_DIR,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} (with uncommitted changes)" if dirty else head


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench.py",
        description="Benchmark of issue 6, judged against the targets of issue 22: the full dbt build vs one "
        "hand-written DuckDB statement (the floor), and dbt without tests vs pandas and polars peers (polars' "
        "in-memory and streaming engines), on generated data; results checked against the marts, written to "
        "docs/benchmarks.md.",
    )
    parser.add_argument("--scales", nargs="+", choices=sorted(SCALES), default=["S"], metavar="SCALE",
                        help="S (10,000 contacts), M (1,000,000), L (5,000,000); default: S")
    parser.add_argument("--pairs", nargs="+", type=_pairs, default=[], metavar="[SCALE=]N",
                        help="rounds per scale: N for every scale, SCALE=N for one (e.g. --pairs L=1); "
                        "default: 3 at S and M, 2 at L")
    parser.add_argument("--work-dir", type=Path, default=PROJECT_DIR / "target" / "bench",
                        help="generated data, warehouses and logs (default: target/bench)")
    parser.add_argument("--project-ref", metavar="REF",
                        help="benchmark the dbt project of this git commit (default: the work tree as it is)")
    parser.add_argument("--groups", nargs="+", choices=tuple(GROUPS), default=list(GROUPS), metavar="GROUP",
                        help="what to measure: build (full dbt build, floor, incremental build) and/or peers "
                        "(dbt without tests, pandas, polars, polars (streaming)); default: both")
    parser.add_argument("--doc", type=Path, default=PROJECT_DIR / "docs" / "benchmarks.md",
                        help="the Markdown report to rewrite (default: docs/benchmarks.md)")
    return parser.parse_args(argv)


def _pairs(text: str) -> tuple[str | None, int]:
    """`N` (every scale) or `SCALE=N` (one scale) -> (scale or None, N)."""
    scale, _, count = text.rpartition("=")
    if scale and scale not in SCALES:
        raise argparse.ArgumentTypeError(f"unknown scale {scale!r} (choose from {', '.join(sorted(SCALES))})")
    return (scale or None, _positive(count))


def pairs_per_scale(entries: list[tuple[str | None, int]]) -> dict[str, int]:
    """The rounds of every scale: the defaults, then `N` entries, then `SCALE=N` entries."""
    pairs = dict(DEFAULT_PAIRS)
    for scale, count in sorted(entries, key=lambda entry: entry[0] is not None):
        pairs.update({scale: count} if scale else dict.fromkeys(pairs, count))
    return pairs


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        import polars  # noqa: F401
        import psutil  # noqa: F401
    except ImportError as error:
        print(f"error: {error.name} is missing: .venv/bin/pip install -e '.[bench]'", file=sys.stderr)
        return 1
    scales = list(dict.fromkeys(args.scales))
    results: list[ScaleResult] = []
    context: dict[str, str] = {}
    try:
        workspace = Workspace(args.work_dir.resolve())
        workspace.root.mkdir(parents=True, exist_ok=True)
        check_disk(workspace, scales)
        snapshot_project(workspace, args.project_ref)
        context = machine()
        context["project"] = args.project_ref or "work tree"
        pairs = pairs_per_scale(args.pairs)
        groups = tuple(name for name in GROUPS if name in args.groups)
        context["groups"] = " ".join(groups)
        for scale in scales:
            results.append(bench_scale(workspace, scale, pairs[scale], groups))
    except (BenchError, OSError, ValueError) as error:
        if results:  # what the finished scales measured is not lost; the doc only takes complete runs
            print(report.text_summary(results, context))
            print(f"\n{args.doc} left as it was: not every scale finished", file=sys.stderr)
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    context["load_after"] = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    print(report.text_summary(results, context))
    args.doc.parent.mkdir(parents=True, exist_ok=True)
    args.doc.write_text(report.markdown(results, context), encoding="utf-8")
    print(f"\nwritten to {args.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
