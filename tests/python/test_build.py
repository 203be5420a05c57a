"""End to end: generated data with injected bad rows -> load -> dbt build; the quarantine catches
exactly what was injected, and the reconciliation test is a real check."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import dbt_target_path, run_cli

from segments.errors import SegmentsError
from segments.project import segment_dimensions
from segments.runner import run_dbt

END_DATE = "2026-06-30"
SEGMENT_DIMENSIONS = segment_dimensions()
QUARANTINES = {
    "contacts": "quarantine_contacts",
    "orders": "quarantine_order_lines",
    "interactions": "quarantine_interactions",
    "refunds": "quarantine_refunds",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, monkeypatch_module) -> dict:
    """One build of 800 generated contacts plus bad rows, shared by the tests of this module."""
    folder = tmp_path_factory.mktemp("build")
    data, warehouse = folder / "data", folder / "warehouse.duckdb"
    monkeypatch_module.setenv("SEGMENTS_DUCKDB_PATH", str(warehouse))
    assert run_cli("generate", "--contacts", "800", "--seed", "3", "--end-date", END_DATE,
                   "--inject-bad-rows", "--out", str(data)) == 0
    assert run_cli("load", "--lenient", str(data)) == 0
    assert run_cli("build", "--as-of-date", END_DATE) == 0
    injected = json.loads((data / "_injected_bad_rows.json").read_text())
    return {"warehouse": warehouse, "injected": injected, "data": data}


def _reasons(warehouse: Path, source: str) -> dict[str, int]:
    """The rows set aside per reason: the source's quarantine, and for orders and interactions the
    staged rows whose contact is unknown, counted by rpt_quarantine_overview."""
    with duckdb.connect(str(warehouse)) as connection:
        rows = connection.execute(
            "select quarantine_reason, quarantined_rows from main.rpt_quarantine_overview where source_table = ?",
            [source],
        ).fetchall()
    return dict(rows)


@pytest.mark.parametrize("source", sorted(QUARANTINES))
def test_quarantine_holds_exactly_the_injected_rows(built: dict, source: str) -> None:
    expected = {
        reason: count
        for reason, count in built["injected"][source].items()
        if reason != "exact_duplicates_collapsed"
    }
    assert _reasons(built["warehouse"], source) == expected


def test_every_reason_the_issue_lists_is_exercised(built: dict) -> None:
    seen = set()
    for source in QUARANTINES:
        seen |= set(_reasons(built["warehouse"], source))
    assert {
        "missing_key", "conflicting_duplicate_key", "unparseable_timestamp", "unparseable_number",
        "unknown_status", "unknown_channel", "unknown_interaction_type", "unknown_currency",
        "negative_quantity", "unknown_contact",
    } <= seen


@pytest.mark.parametrize(("source", "staged", "without_contact", "key"), [
    ("orders", "stg_order_lines", "int_order_lines_without_contact", "order_id"),
    ("interactions", "stg_interactions", "int_interactions_without_contact", "interaction_id"),
])
def test_rows_of_an_unknown_contact_stay_staged_and_reach_no_fact(
    built: dict, source: str, staged: str, without_contact: str, key: str
) -> None:
    """The contact check spans two sources, so it is not made in staging: the rows stay staged,
    are listed with their reason, are counted by the reconciliation, and no fact reads them."""
    fact = {"orders": "fct_order_lines", "interactions": "fct_interactions"}[source]
    with duckdb.connect(str(built["warehouse"])) as connection:
        listed = connection.execute(f"select {key}, contact_id from main.{without_contact}").fetchall()
        injected = built["injected"][source]
        assert len(listed) == injected["unknown_contact"] + injected.get("unmatched_guest_email", 0)
        keys = [row[0] for row in listed]
        placeholders = ", ".join("?" for _ in keys)
        assert connection.execute(
            f"select count(*) from main_staging.{staged} where {key} in ({placeholders})", keys
        ).fetchone()[0] == len(keys)
        assert connection.execute(
            f"select count(*) from main_quarantine.{QUARANTINES[source]} "
            "where quarantine_reason = 'unknown_contact'"
        ).fetchone()[0] == 0
        assert connection.execute(
            f"select count(*) from main.{fact} where {key} in ({placeholders})", keys).fetchone()[0] == 0
        assert connection.execute(
            "select count(*) from main_staging.stg_contacts where contact_id in "
            f"(select contact_id from main.{without_contact})").fetchone()[0] == 0
        assert connection.execute(
            "select without_contact_rows from main.rpt_source_reconciliation where source_table = ?",
            [source]).fetchone()[0] == len(keys)


def test_exact_duplicates_are_collapsed_and_counted(built: dict) -> None:
    staged = {"contacts": "stg_contacts", "orders": "stg_order_lines",
              "interactions": "stg_interactions"}
    with duckdb.connect(str(built["warehouse"])) as connection:
        for source, model in staged.items():
            collapsed = sum(
                connection.execute(
                    f"select coalesce(sum(collapsed_duplicates), 0) from {schema}.{name}"
                ).fetchone()[0]
                for schema, name in (("main_staging", model), ("main_quarantine", QUARANTINES[source]))
            )
            assert collapsed == built["injected"][source]["exact_duplicates_collapsed"], source


def test_reconciliation_fails_when_staged_rows_go_missing(built: dict, tmp_path: Path) -> None:
    """Delete one valid contact from the checked table: the reconciliation test must fail."""
    copy = tmp_path / "tampered.duckdb"
    with duckdb.connect(str(built["warehouse"])) as connection:
        connection.execute("checkpoint")  # flush the write-ahead log before copying the file
    copy.write_bytes(built["warehouse"].read_bytes())
    with duckdb.connect(str(copy)) as connection:
        connection.execute(
            "delete from main_staging.stg_contacts__checked where contact_id = "
            "(select min(contact_id) from main_staging.stg_contacts)"
        )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEGMENTS_DUCKDB_PATH", str(copy))
        selection = ["--select", "test_name:reconciles_with_source"]
        with pytest.raises(SegmentsError, match="dbt test failed"):
            run_dbt(["test", *selection], {"segments_as_of_date": END_DATE})
        # the untouched sources still reconcile: only the contacts test failed
        others = ["stg_order_lines,test_name:reconciles_with_source",
                  "stg_interactions,test_name:reconciles_with_source"]
        run_dbt(["test", "--select", *others], {"segments_as_of_date": END_DATE})


def test_column_rules_name_each_broken_rule_and_nothing_else(built: dict, tmp_path: Path) -> None:
    """One column_rules test checks a model's row-level rules in one pass (issue 22). Break one
    rule of each kind on a copy: each test fails and returns exactly the broken rules, with counts."""
    copy = tmp_path / "broken_rules.duckdb"
    with duckdb.connect(str(built["warehouse"])) as connection:
        connection.execute("checkpoint")
    copy.write_bytes(built["warehouse"].read_bytes())
    with duckdb.connect(str(copy)) as connection:
        first, second, third, fourth = (row[0] for row in connection.execute(
            "select contact_id from main.contact_rfm order by contact_id limit 4").fetchall())
        connection.execute("update main.contact_rfm set r_score = 0 where contact_id = ?", [first])
        connection.execute("update main.contact_rfm set rfm_cell = null where contact_id = ?", [second])
        connection.execute("insert into main.contact_rfm select * from main.contact_rfm where contact_id = ?",
                           [third])
        connection.execute("update main.contact_rfm set rfm_segment = 'unheard_of' where contact_id = ?",
                           [fourth])
        connection.execute("update main.rfm_thresholds set rfm_dimension = 'Recency' "
                           "where rfm_dimension = 'recency' and score = 1")
        connection.execute("insert into main.rfm_thresholds select * from main.rfm_thresholds "
                           "where rfm_dimension = 'frequency' and score = 2")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEGMENTS_DUCKDB_PATH", str(copy))
        selection = ["--select", "contact_rfm,test_name:column_rules", "rfm_thresholds,test_name:column_rules"]
        with pytest.raises(SegmentsError, match="dbt test failed"):
            run_dbt(["test", *selection, "--store-failures"], {"segments_as_of_date": END_DATE})
    with duckdb.connect(str(copy)) as connection:
        def broken(test: str) -> set:
            schema = connection.execute("select table_schema from information_schema.tables "
                                        "where table_name = ?", [test]).fetchone()[0]
            return set(connection.execute(
                f"select column_name, rule_name, failing_rows from {schema}.{test}").fetchall())

        assert broken("column_rules_contact_rfm") == {
            ("r_score", "is_between", 1), ("rfm_cell", "not_null", 1), ("contact_id", "unique", 1),
            ("rfm_segment", "relationships", 1)}
        assert broken("column_rules_rfm_thresholds") == {
            ("rfm_dimension", "accepted_values", 1), ("rfm_dimension, score", "unique", 1)}


def test_summary_reports_reconciled_sources(built: dict, capsys) -> None:
    capsys.readouterr()
    assert run_cli("summary") == 0
    output = capsys.readouterr().out
    for source in ("contacts", "orders", "interactions"):
        line = next(line for line in output.splitlines() if line.startswith(source))
        assert line.rstrip().endswith("yes"), line


def test_generation_is_deterministic(tmp_path: Path) -> None:
    end = dt.date(2026, 6, 30)
    from segments.generate import generate

    first, second = tmp_path / "a", tmp_path / "b"
    generate(300, 11, first, end, inject_bad_rows=True)
    generate(300, 11, second, end, inject_bad_rows=True)
    for path in sorted(first.iterdir()):
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name


MARTS = (
    "dim_contacts", "fct_order_lines", "fct_orders", "contact_rfm", "rfm_thresholds",
    "rfm_eligibility", "contact_abc", "contact_lifecycle", "contact_abell", "abell_matrix",
    "abell_axis_summary", "contact_segments", "segment_kpis", "segment_labels", "audience_members",
)


def _shuffled_copy(source: Path, target: Path) -> None:
    """The same raw files with their rows in another order (a fixed permutation)."""
    target.mkdir()
    for path in source.glob("*.csv"):
        duckdb.execute(
            f"copy (select * exclude (position) from (select *, row_number() over () as position "
            f"from read_csv('{path}', header = true, all_varchar = true)) "
            f"order by hash(position * 7919 + 13)) to '{target / path.name}' (header true)"
        )


def _rows(warehouse: Path, relation: str) -> list[tuple]:
    with duckdb.connect(str(warehouse)) as connection:
        return sorted(connection.execute(f"select * from {relation}").fetchall(), key=repr)


def test_shuffled_raw_rows_rebuild_identical_marts(built: dict, tmp_path: Path) -> None:
    """A second build from the same rows in another order gives the same marts, bit for bit."""
    shuffled, warehouse = tmp_path / "shuffled", tmp_path / "shuffled.duckdb"
    _shuffled_copy(built["data"], shuffled)
    assert (shuffled / "orders.csv").read_bytes() != (built["data"] / "orders.csv").read_bytes()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEGMENTS_DUCKDB_PATH", str(warehouse))
        assert run_cli("load", "--lenient", str(shuffled)) == 0
        assert run_cli("build", "--as-of-date", END_DATE) == 0
    for mart in MARTS:
        first, second = _rows(built["warehouse"], f"main.{mart}"), _rows(warehouse, f"main.{mart}")
        assert first, mart
        assert first == second, mart
    for quarantine in QUARANTINES.values():
        relation = f"main_quarantine.{quarantine}"
        assert _rows(built["warehouse"], relation) == _rows(warehouse, relation), quarantine


def test_every_segment_is_populated(built: dict) -> None:
    with duckdb.connect(str(built["warehouse"])) as connection:
        stages = {row[0] for row in connection.execute(
            "select distinct lifecycle_stage from main.contact_lifecycle").fetchall()}
        tiers = {row[0] for row in connection.execute(
            "select distinct abc_tier from main.contact_abc").fetchall()}
        groups = {row[0] for row in connection.execute(
            "select distinct client_group from main.contact_abell").fetchall()}
        niches = connection.execute(
            "select count(*) from main.abell_matrix where is_opportunity").fetchone()[0]
    assert tiers == {"A", "B", "C"}
    assert {"prospect", "new_customer", "active_customer", "at_risk", "lapsed"} <= stages
    assert {"growth_stage_founders", "marketing_managers", "field_sales_teams",
            "non_profits_going_digital", "unclassified"} == groups
    assert niches > 0


def test_docs_describe_every_model_seed_and_column(built: dict) -> None:
    """`dbt docs generate` stays complete: every model, seed and warehouse column has a description."""
    run_dbt(["docs", "generate"], {"segments_as_of_date": END_DATE})
    target = dbt_target_path()  # <project>/target, or a pytest-xdist worker's own
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    missing = []
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] not in ("model", "seed"):
            continue
        if not node["description"].strip():
            missing.append(unique_id)
        documented = {name.lower() for name, column in node["columns"].items()
                      if column["description"].strip()}
        for column in catalog["nodes"].get(unique_id, {}).get("columns", {}):
            if column.lower() not in documented:
                missing.append(f"{unique_id}.{column}")
    assert missing == []


def test_business_threshold_scoring_passes_every_segment_test(built: dict, tmp_path: Path) -> None:
    """The seed-driven scoring mode builds and passes the same monotonicity, tie and coverage tests."""
    copy = tmp_path / "thresholds.duckdb"
    with duckdb.connect(str(built["warehouse"])) as connection:
        connection.execute("checkpoint")
    copy.write_bytes(built["warehouse"].read_bytes())
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEGMENTS_DUCKDB_PATH", str(copy))
        run_dbt(["build", "--select", "contact_rfm+"],
                {"segments_as_of_date": END_DATE, "segments_rfm_scoring_method": "thresholds"})
    with duckdb.connect(str(copy)) as connection:
        frequencies = connection.execute(
            "select f_score, min(frequency), max(frequency) from main.contact_rfm group by 1 order by 1"
        ).fetchall()
    # the seed's cut points: 1 order = 1, 2 = 2, 3 = 3, 4..7 = 4, 8+ = 5
    bounds = {1: (0, 1), 2: (2, 2), 3: (3, 3), 4: (4, 7), 5: (8, None)}
    for score, low, high in frequencies:
        expected_low, expected_high = bounds[score]
        assert low >= expected_low and (expected_high is None or high <= expected_high), score


def _warehouse_copy(built: dict, target: Path) -> Path:
    with duckdb.connect(str(built["warehouse"])) as connection:
        connection.execute("checkpoint")
    target.write_bytes(built["warehouse"].read_bytes())
    return target


def test_history_records_movement_between_dates(built: dict, tmp_path: Path) -> None:
    from segments.history import build_history

    warehouse = _warehouse_copy(built, tmp_path / "history.duckdb")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEGMENTS_DUCKDB_PATH", str(warehouse))
        with pytest.raises(SegmentsError, match="already runs to 2026-06-30"):
            build_history([dt.date(2026, 5, 31)], warehouse)
        build_history([dt.date(2026, 9, 30), dt.date(2026, 12, 31)], warehouse)
        # every mart of one date: the report refuses marts of two (history builds only the
        # snapshot's ancestors)
        assert run_cli("build", "--as-of-date", "2026-12-31") == 0
    with duckdb.connect(str(warehouse)) as connection:
        periods = connection.execute(
            "select distinct from_date, to_date from main.segment_movement").fetchall()
        moved = connection.execute(
            "select sum(contacts) from main.segment_movement where segment_dimension = 'lifecycle_stage'"
        ).fetchone()[0]
        contacts = connection.execute("select count(*) from main.contact_segments").fetchone()[0]
        transitions = connection.execute(
            "select count(*), min(changed_at), max(changed_at) from main.segment_transitions "
            "where segment_dimension = 'lifecycle_stage'"
        ).fetchone()
        # every declared dimension of contact_segments has its movement, KPIs and labels; the
        # transitions hold the dimensions where a label changed
        covered = {model: {row[0] for row in connection.execute(
            f"select distinct segment_dimension from main.{model}").fetchall()}
            for model in ("segment_movement", "segment_kpis", "segment_labels")}
        changed_dimensions = {row[0] for row in connection.execute(
            "select distinct segment_dimension from main.segment_transitions").fetchall()}
        lapsed_moves = connection.execute(
            "select sum(contacts) from main.segment_movement where segment_dimension = "
            "'lifecycle_stage' and from_label != to_label and to_label = 'lapsed'"
        ).fetchone()[0]
    assert periods == [(dt.date(2026, 9, 30), dt.date(2026, 12, 31))]
    assert covered == dict.fromkeys(covered, set(SEGMENT_DIMENSIONS))
    assert {"lifecycle_stage", "loyalty_segment"} <= changed_dimensions <= set(SEGMENT_DIMENSIONS)
    assert moved == contacts
    assert transitions[0] > 0 and transitions[1] == dt.date(2026, 9, 30)
    assert transitions[2] == dt.date(2026, 12, 31)
    # six months without new orders after the data ends: customers lapse
    assert lapsed_moves > 0
    # with two dates of history, the report draws the migration matrix
    from segments.report import build_report

    out = tmp_path / "report.html"
    build_report(warehouse, out)
    movement = out.read_text().split('<section id="movement">')[1].split("</section>")[0]
    assert "<svg" in movement and "2026-09-30" in movement and "2026-12-31" in movement


def test_contract_rejects_a_changed_column_type(built: dict, tmp_path: Path) -> None:
    """Changing a type of contact_segments without a new version fails the build."""
    import shutil

    from segments.project import project_dir

    root = project_dir()
    copy = tmp_path / "project"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(
        ".venv", "target", "logs", "warehouse", "data", ".git", "__pycache__"))
    model = copy / "models" / "marts" / "activation" / "contact_segments.sql"
    text = model.read_text()
    assert "cast(frequency as bigint) as frequency" in text
    model.write_text(text.replace("cast(frequency as bigint) as frequency",
                                  "cast(frequency as varchar) as frequency"))
    warehouse = _warehouse_copy(built, tmp_path / "contract.duckdb")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEGMENTS_DUCKDB_PATH", str(warehouse))
        patch.setenv("SEGMENTS_PROJECT_DIR", str(copy))
        # the copy's own target and logs, as dbt's defaults give (a pytest-xdist worker sets others)
        patch.setenv("DBT_TARGET_PATH", str(copy / "target"))
        patch.setenv("DBT_LOG_PATH", str(copy / "logs"))
        with pytest.raises(SegmentsError, match="dbt run failed"):
            run_dbt(["run", "--select", "contact_segments"], {"segments_as_of_date": END_DATE})
    log = (copy / "logs" / "dbt.log").read_text()
    assert "frequency" in log and "contract" in log.lower()


def _split_copy(source: Path, base: Path, delta: Path) -> None:
    """The raw files in two loads: every tenth row of each file (by position) in delta, the rest in
    base. So the second load brings contacts whose orders arrived first, lines of orders already
    loaded, copies and conflicting versions of rows already loaded."""
    for folder in (base, delta):
        folder.mkdir()
    for path in source.glob("*.csv"):
        for folder, test in ((base, "!="), (delta, "=")):
            duckdb.execute(
                f"copy (select * exclude (position) from (select *, row_number() over () as position "
                f"from read_csv('{path}', header = true, all_varchar = true)) where position % 10 {test} 3 "
                f"order by position) to '{folder / path.name}' (header true)"
            )


def _untouched_line(warehouse: Path, delta: Path) -> tuple[str, str]:
    """A valid order line that nothing in delta touches (not its order, not its contact), marked
    by an impossible key_versions of 99: it survives an incremental run only if it is not rebuilt."""
    with duckdb.connect(str(warehouse)) as connection:
        line = connection.execute(
            f"select order_id, line_number from main_staging.stg_order_lines__checked "
            f"where quarantine_reason is null "
            f"and order_id not in (select trim(order_id) from read_csv('{delta / 'orders.csv'}', "
            f"all_varchar = true) where order_id is not null) "
            f"and contact_id not in (select trim(contact_id) from read_csv('{delta / 'contacts.csv'}', "
            f"all_varchar = true) where contact_id is not null) "
            f"order by order_id, line_number limit 1"
        ).fetchone()
        connection.execute(
            "update main_staging.stg_order_lines__checked set key_versions = 99 "
            "where order_id = ? and line_number = ?", list(line),
        )
        connection.execute("checkpoint")
    return line


def _key_versions(warehouse: Path, line: tuple[str, str]) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(
            "select key_versions from main_staging.stg_order_lines__checked "
            "where order_id = ? and line_number = ?", list(line),
        ).fetchone()[0]


def _segments(warehouse: Path, *arguments: str) -> None:
    """`segments ...` in its own process, as a user runs it (dbt run in this process would keep the
    DuckDB file locked until the tests end, so the next load could not open it)."""
    env = {**os.environ, "SEGMENTS_DUCKDB_PATH": str(warehouse)}
    done = subprocess.run([str(Path(sys.executable).parent / "segments"), *arguments],
                          capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def _assert_same_outputs(reference: Path, warehouse: Path) -> None:
    for relation in [f"main.{mart}" for mart in MARTS] + [
        f"main_quarantine.{quarantine}" for quarantine in QUARANTINES.values()
    ]:
        assert _rows(reference, relation) == _rows(warehouse, relation), relation


def test_an_append_and_an_incremental_build_give_the_full_build(built: dict, tmp_path: Path) -> None:
    """Load 90 % of the rows, build, append the other 10 %, build again: the incremental run gives
    the marts and quarantines of one full build of all rows, bit for bit, and keeps what the new rows
    do not touch. A replacing load then makes the next run check every row again."""
    base, delta, warehouse = tmp_path / "base", tmp_path / "delta", tmp_path / "incremental.duckdb"
    _split_copy(built["data"], base, delta)
    _segments(warehouse, "load", "--lenient", str(base))
    _segments(warehouse, "build", "--as-of-date", END_DATE)
    untouched = _untouched_line(warehouse, delta)
    _segments(warehouse, "load", "--append", "--lenient", str(delta))
    _segments(warehouse, "build", "--as-of-date", END_DATE)
    assert _key_versions(warehouse, untouched) == 99  # kept as it was: not checked again
    _assert_same_outputs(built["warehouse"], warehouse)

    _segments(warehouse, "load", "--lenient", str(built["data"]))
    _segments(warehouse, "build", "--as-of-date", END_DATE)
    assert _key_versions(warehouse, untouched) == 1  # a replacing load: every row checked again
    _assert_same_outputs(built["warehouse"], warehouse)
