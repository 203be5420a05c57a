"""The hostile-input suite (cases in hostile.py): every case gets the outcome it declares, and the
closing figures are printed at the end: cases tried, refused with a clear message, loaded,
quarantined with the right reason, built, tracebacks, silently wrong results, rows lost.

File cases run the CLI in-process, one load each into a copy of a loaded warehouse; the
quarantine cases share one lenient load and one build of the quarantine models; the command
cases that need dbt run as subprocesses, in parallel with the rest."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import subprocess
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from hostile import AS_OF, BASE, TRACEBACK, Case, CsvFile, file_cases, quarantine_cases, table_file

from segments.cli import main

KEYS = {"contacts": "contact_id", "orders": "order_id", "interactions": "interaction_id"}
QUARANTINE = {
    "contacts": "quarantine_contacts",
    "orders": "quarantine_order_lines",
    "interactions": "quarantine_interactions",
}
STAGED = {"contacts": "stg_contacts", "orders": "stg_order_lines", "interactions": "stg_interactions"}
# HOSTILE_BATCHES=owner: one shared build per owner, so that a crash in one owner's cases does
# not hide the outcome of the other cases (slower: a build each).
BY_OWNER = os.environ.get("HOSTILE_BATCHES") == "owner"
# The rows a contact check sets aside in the intermediate layer (their contact is not staged).
WITHOUT_CONTACT = {"orders": "int_order_lines_without_contact", "interactions": "int_interactions_without_contact"}
# staging (the checked, staged and quarantine models), its seeds, the seed its tests read, and the
# contact check in intermediate: the models of rows without a contact and the point-in-time models
# whose relationships tests read staged contacts (selected with stg_contacts, they need their table)
QUARANTINE_SELECTION = (
    "+path:models/staging",
    "quarantine_reasons",
    *WITHOUT_CONTACT.values(),
    "+int_order_lines",
    "+int_order_lines_without_contact",
    "int_interactions",
)


@dataclass
class Outcome:
    case: Case
    result: str  # refused | loaded | quarantined | built | traceback | silent_wrong | failed
    detail: str = ""
    rows_lost: int = 0


def run_in_process(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """`segments ARGS` in this process: exit code and everything it printed (a traceback too)."""
    out = io.StringIO()
    saved = dict(os.environ)  # commands export SEGMENTS_* variables: restored after each
    os.environ.update(env or {})
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            try:
                code = main(list(args))
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
            except BaseException:  # noqa: BLE001 - an escaped exception is what the suite counts
                out.write(traceback.format_exc())
                code = 1
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return code, out.getvalue()


def start_cli(*args: str, work: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`segments ARGS` as a subprocess with its own dbt target and log folders."""
    work.mkdir(parents=True, exist_ok=True)
    environment = (
        os.environ
        | {
            "DBT_TARGET_PATH": str(work / "dbt-target"),
            "DBT_LOG_PATH": str(work / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        | (env or {})
    )
    return subprocess.Popen(
        [sys.executable, "-m", "segments.cli", *args],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def write_folder(folder: Path, files: dict[str, CsvFile | bytes]) -> dict[str, int]:
    """The base files with the case's ones in their place; the data rows of each file."""
    folder.mkdir(parents=True)
    rows = {}
    for table in BASE:
        file = files.get(table, table_file(table))
        (folder / f"{table}.csv").write_bytes(file if isinstance(file, bytes) else file.payload())
        rows[table] = file.data_rows if isinstance(file, CsvFile) else -1
    return rows


def raw_state(warehouse: Path) -> object:
    """The raw tables' rows; the file's bytes when it cannot be opened (locked, not DuckDB)."""
    if not warehouse.exists():
        return None
    try:
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            return {
                table: sorted(connection.execute(f"select * from raw.{table}").fetchall(), key=repr)
                for table in BASE
            }
    except duckdb.Error:
        return hashlib.sha256(warehouse.read_bytes()).hexdigest()


def refusal(case: Case, code: int, output: str, unchanged: bool) -> Outcome:
    if TRACEBACK in output:
        return Outcome(case, "traceback", output[-600:])
    if code == 0:
        return Outcome(case, "silent_wrong" if case.expect == "refused" else "loaded", "accepted")
    missing = [text for text in case.says if text not in output]
    clear = any(line.startswith("error: ") or ": error: " in line for line in output.splitlines())
    if missing or not clear:
        return Outcome(
            case, "failed", f"refused, but the message lacks {missing or 'an error line'}: {output[-500:]}"
        )
    if not unchanged:
        return Outcome(case, "silent_wrong", "refused, but the warehouse changed")
    return Outcome(case, "refused")


def loaded(case: Case, code: int, output: str, warehouse: Path, rows: dict[str, int]) -> Outcome:
    if TRACEBACK in output:
        return Outcome(case, "traceback", output[-600:])
    if code != 0:
        return Outcome(case, "failed", f"refused: {output[-500:]}")
    lost, wrong = 0, []
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        for table, expected in rows.items():
            (count,) = connection.execute(f"select count(*) from raw.{table}").fetchone()
            expected = len(BASE[table]) if expected < 0 else expected
            lost += max(0, expected - count)
            if count > expected:
                wrong.append(f"{table}: {count} rows loaded from {expected}")
        for table, key, column, text in case.values:
            found = connection.execute(
                f"select {column} from raw.{table} where {KEYS[table]} = ? limit 1", [key]
            ).fetchone()
            if found is None or found[0] != text:
                wrong.append(f"{table}.{column} of {key}: {found and found[0]!r:.80} instead of {text!r:.80}")
    if wrong:
        return Outcome(case, "silent_wrong", "; ".join(wrong), lost)
    return Outcome(case, "loaded" if not lost else "failed", f"{lost} rows lost" if lost else "", lost)


def run_file_case(case: Case, work: Path, base_warehouse: Path) -> Outcome:
    folder = work / case.name
    rows = write_folder(folder / "data", case.files)
    warehouse = folder / "warehouse.duckdb"
    shutil.copyfile(base_warehouse, warehouse)
    before = raw_state(warehouse)
    code, output = run_in_process("load", str(folder / "data"), "--database", str(warehouse), *case.args)
    if case.expect == "refused":
        return refusal(case, code, output, raw_state(warehouse) == before)
    return loaded(case, code, output, warehouse, rows)


def command_cases(work: Path, base_warehouse: Path) -> list[tuple[Case, Callable]]:
    """Broken warehouses, environments and arguments: (case, run() -> (code, output, unchanged))."""
    data = work / "base-data"
    locked, junk = work / "locked.duckdb", work / "junk.duckdb"
    shutil.copyfile(base_warehouse, locked)
    junk.write_bytes(b"this is not a database\n" * 100)

    def in_process(*args: str, env: dict | None = None, warehouse: Path | None = None):
        def run():
            before = raw_state(warehouse) if warehouse else None
            code, output = run_in_process(*args, env=env)
            return code, output, (raw_state(warehouse) if warehouse else None) == before

        return run

    def refused(
        name: str, says: tuple[str, ...], *args: str, env: dict | None = None, warehouse: Path | None = None
    ) -> tuple[Case, Callable]:
        return Case(name, "refused", says=says), in_process(*args, env=env, warehouse=warehouse)

    in_use = ("in use by another process", "PID")
    not_duckdb = ("not a DuckDB database file",)
    banana = {"SEGMENTS_DUCKDB_MEMORY_LIMIT": "banana"}
    memory = ("SEGMENTS_DUCKDB_MEMORY_LIMIT=banana", "not a memory size")
    return [
        refused("locked_warehouse_summary", in_use, "summary", "--database", str(locked), warehouse=locked),
        refused("locked_warehouse_load", in_use, "load", str(data), "--database", str(locked), warehouse=locked),
        refused("locked_warehouse_build", in_use, "build", "--database", str(locked), warehouse=locked),
        refused(
            "locked_warehouse_export",
            ("lock", "PID"),
            "export",
            "--audience",
            "vip_field_sales",
            "--out",
            str(work / "x.csv"),
            "--database",
            str(locked),
            warehouse=locked,
        ),
        refused("not_a_database_summary", not_duckdb, "summary", "--database", str(junk), warehouse=junk),
        refused("not_a_database_load", not_duckdb, "load", str(data), "--database", str(junk), warehouse=junk),
        refused("not_a_database_build", not_duckdb, "build", "--database", str(junk), warehouse=junk),
        refused(
            "not_a_database_report",
            not_duckdb,
            "report",
            "--out",
            str(work / "r.html"),
            "--database",
            str(junk),
            warehouse=junk,
        ),
        refused(
            "memory_limit_banana_load",
            memory,
            "load",
            str(data),
            "--database",
            str(locked),
            env=banana,
            warehouse=locked,
        ),
        refused("memory_limit_banana_build", memory, "build", "--database", str(work / "b.duckdb"), env=banana),
        refused(
            "memory_limit_banana_generate",
            memory,
            "generate",
            "--contacts",
            "5",
            "--out",
            str(work / "g"),
            env=banana,
        ),
        refused(
            "threads_not_a_number_build",
            ("SEGMENTS_DUCKDB_THREADS=many",),
            "build",
            "--database",
            str(work / "b.duckdb"),
            env={"SEGMENTS_DUCKDB_THREADS": "many"},
        ),
        refused("build_date_not_a_date", ("not a date",), "build", "--as-of-date", "31/12/2024"),
        refused(
            "load_no_such_directory",
            ("no such directory",),
            "load",
            str(work / "nowhere"),
            "--database",
            str(locked),
            warehouse=locked,
        ),
        refused("generate_zero_contacts", ("must be at least 1",), "generate", "--contacts", "0", "--out", "x"),
        refused("unknown_command", ("invalid choice",), "frobnicate"),
    ]


def dbt_cases(work: Path, base_warehouse: Path) -> list[tuple[Case, subprocess.Popen]]:
    """Commands that run dbt: started now as subprocesses, judged when they end."""
    empty, select = work / "no-orders.duckdb", work / "select.duckdb"
    shutil.copyfile(base_warehouse, empty)
    shutil.copyfile(base_warehouse, select)
    return [
        (
            Case("no_completed_order_before_the_cut_off", "built", owner="predict"),
            start_cli("build", "--as-of-date", "2000-01-01", "--database", str(empty), work=work / "no-orders"),
        ),
        (
            Case("select_matches_no_model", "refused", says=("no_such_model",)),
            start_cli("build", "--select", "no_such_model", "--database", str(select), work=work / "select"),
        ),
    ]


def quarantine_outcomes(
    cases: list[Case], warehouse: Path, build: subprocess.Popen, loaded_rows: dict[str, int], load_output: str
) -> list[Outcome]:
    output, _ = build.communicate(timeout=600)
    if TRACEBACK in load_output:
        return [Outcome(case, "traceback", load_output[-600:]) for case in cases]
    if build.returncode != 0 or TRACEBACK in output:
        tail = output[-800:]
        return [
            Outcome(case, "traceback" if TRACEBACK in output else "failed", f"shared build failed: {tail}")
            for case in cases
        ]
    outcomes = []
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        lost = sum(
            max(0, expected - connection.execute(f"select count(*) from raw.{table}").fetchone()[0])
            for table, expected in loaded_rows.items()
        )
        for case in cases:
            table, row = case.row
            key = row[KEYS[table]]
            set_aside = [f"main_quarantine.{QUARANTINE[table]}"]
            if table in WITHOUT_CONTACT:
                set_aside.append(f"main.{WITHOUT_CONTACT[table]}")
            reasons = [
                found
                for relation in set_aside
                for (found,) in connection.execute(
                    f"select quarantine_reason from {relation} where {KEYS[table]} = ?", [key]
                ).fetchall()
            ]
            if reasons and all(reason in case.reasons for reason in reasons):
                outcomes.append(Outcome(case, "quarantined"))
            elif reasons:
                outcomes.append(Outcome(case, "silent_wrong", f"quarantined as {reasons}, not {case.reasons}"))
            else:
                staged = (
                    connection.execute(
                        f"select count(*) from main_staging.{STAGED[table]} where {KEYS[table]} = trim(?)", [key]
                    ).fetchone()[0]
                    if key.strip()
                    else 0
                )
                outcomes.append(
                    Outcome(
                        case,
                        "silent_wrong" if staged else "failed",
                        "staged as valid" if staged else "neither staged nor quarantined",
                    )
                )
    if lost:
        outcomes[0].rows_lost = lost
    return outcomes


@pytest.fixture(scope="session")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    started = time.perf_counter()
    work = tmp_path_factory.mktemp("hostile")
    write_folder(work / "base-data", {})
    base_warehouse = work / "base.duckdb"
    code, output = run_in_process("load", str(work / "base-data"), "--database", str(base_warehouse))
    assert code == 0, output
    with duckdb.connect(str(base_warehouse)) as connection:
        connection.execute("checkpoint")

    batches = []  # one lenient load and one build of all quarantine cases (or one per owner)
    groups = {case.owner if BY_OWNER else "all" for case in quarantine_cases()}
    for group in sorted(groups):
        cases = [case for case in quarantine_cases() if group in ("all", case.owner)]
        folder = work / f"shared-{group}"
        shared = {table: [dict(row) for row in rows] for table, rows in BASE.items()}
        for case in cases:
            shared[case.row[0]].append(case.row[1])
        rows = write_folder(folder / "data", {t: table_file(t, table_rows) for t, table_rows in shared.items()})
        warehouse = folder / "warehouse.duckdb"
        code, load_output = run_in_process("load", "--lenient", str(folder / "data"), "--database", str(warehouse))
        build = start_cli(
            "build",
            "--as-of-date",
            AS_OF,
            "--select",
            *QUARANTINE_SELECTION,
            "--database",
            str(warehouse),
            work=folder,
        )
        batches.append((cases, warehouse, build, rows, load_output))
    running = dbt_cases(work, base_warehouse)

    outcomes = [run_file_case(case, work, base_warehouse) for case in file_cases()]
    phases = {"file cases": time.perf_counter() - started}
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; "
            f"c = duckdb.connect({str(work / 'locked.duckdb')!r}); print('held', flush=True); "
            "time.sleep(120)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        commands = command_cases(work, base_warehouse)
        holder.stdout.readline()
        for case, run in commands:
            code, output, unchanged = run()
            outcomes.append(refusal(case, code, output, unchanged))
    finally:
        holder.kill()
        holder.wait()
    phases["command cases"] = time.perf_counter() - started - sum(phases.values())
    for batch in batches:
        outcomes += quarantine_outcomes(*batch)
    for case, process in running:
        output, _ = process.communicate(timeout=600)
        if case.expect == "built":
            result = "traceback" if TRACEBACK in output else ("built" if process.returncode == 0 else "failed")
            outcomes.append(Outcome(case, result, "" if result == "built" else output[-800:]))
        else:
            outcomes.append(refusal(case, process.returncode, output, True))
    campaign_seconds = time.perf_counter() - started
    spent = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in phases.items())
    timing = f"{campaign_seconds:.0f} s ({spent}, then waiting for the dbt builds running beside them)"
    outcomes.append(Outcome(Case("_seconds", "built"), "built", timing))
    return outcomes


CASES = [case.name for case in file_cases()] + [case.name for case in quarantine_cases()]
COMMANDS = [
    "locked_warehouse_summary",
    "locked_warehouse_load",
    "locked_warehouse_build",
    "locked_warehouse_export",
    "not_a_database_summary",
    "not_a_database_load",
    "not_a_database_build",
    "not_a_database_report",
    "memory_limit_banana_load",
    "memory_limit_banana_build",
    "memory_limit_banana_generate",
    "threads_not_a_number_build",
    "build_date_not_a_date",
    "load_no_such_directory",
    "generate_zero_contacts",
    "unknown_command",
    "no_completed_order_before_the_cut_off",
    "select_matches_no_model",
]


@pytest.mark.parametrize("name", CASES + COMMANDS)
def test_case_gets_its_declared_outcome(campaign: list[Outcome], name: str) -> None:
    (outcome,) = [outcome for outcome in campaign if outcome.case.name == name]
    assert outcome.result == outcome.case.expect, (
        f"{name} (waits on {outcome.case.owner}): expected {outcome.case.expect}, got {outcome.result}: "
        f"{outcome.detail}"
    )
    assert outcome.rows_lost == 0


def test_every_case_ran_and_closing_figures(campaign: list[Outcome], capsys) -> None:
    outcomes = [outcome for outcome in campaign if outcome.case.name != "_seconds"]
    assert sorted(outcome.case.name for outcome in outcomes) == sorted(CASES + COMMANDS)
    results = Counter(outcome.result for outcome in outcomes)
    expected = Counter(outcome.case.expect for outcome in outcomes)
    right = Counter(outcome.result for outcome in outcomes if outcome.result == outcome.case.expect)
    seconds = next(outcome.detail for outcome in campaign if outcome.case.name == "_seconds")
    figures = [
        ("refused with a clear message", expected["refused"], right["refused"]),
        ("loaded clean (values checked)", expected["loaded"], right["loaded"]),
        ("loaded, quarantined with the right reason", expected["quarantined"], right["quarantined"]),
        ("built", expected["built"], right["built"]),
        ("tracebacks", 0, results["traceback"]),
        ("silently wrong", 0, results["silent_wrong"]),
        ("other failures", 0, results["failed"]),
        ("rows lost", 0, sum(outcome.rows_lost for outcome in outcomes)),
    ]
    lines = [
        "",
        f"hostile-input suite: {len(outcomes)} cases in {seconds}",
        f"  {'outcome':<42} {'declared':>8} {'got':>6}",
    ]
    lines += [f"  {label:<42} {declared:>8} {got:>6}" for label, declared, got in figures]
    lines += [
        f"  not yet: {o.case.name} ({o.case.owner}): {o.result}" for o in outcomes if o.result != o.case.expect
    ]
    with capsys.disabled():  # on stderr: a pytest-xdist worker's stdout goes nowhere
        print("\n".join(lines), file=sys.stderr)
