"""Holdouts and campaign lift: the holdout draw is the salted MD5 Python computes, holdout members
never appear in an export file (full, diff, every preset) and are logged as holdout, record-sync
logs a sync of the build's date only, and campaign_results' confidence interval covers a known
simulated effect."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import random
from pathlib import Path

import duckdb
import pytest
from conftest import CLEAN_END_DATE, run_cli, write_csv

from segments.campaigns import EXPORTS_TABLE, MEMBERS_TABLE, CampaignLog, write_log
from segments.contract import ORDERS
from segments.export import export_audience
from segments.export_presets import PRESETS

SALT = "segments-holdout-v1"  # dbt_project.yml: segments_holdout_salt


@pytest.fixture
def warehouse_copy(clean_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the clean build, the CLI's default warehouse for the test."""
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(clean_build.read_bytes())
    monkeypatch.setenv("SEGMENTS_DUCKDB_PATH", str(copy))
    return copy


def _query(warehouse: Path, sql: str, parameters: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse)) as connection:
        return connection.execute(sql, parameters or []).fetchall()


def _bucket(audience: str, contact_id: str) -> int:
    return int(hashlib.md5(f"{SALT}|{audience}|{contact_id}".encode()).hexdigest()[:4], 16)


def test_the_holdout_is_the_salted_hash_python_computes(clean_build: Path) -> None:
    rows = _query(clean_build, "select members.audience_name, members.contact_id, members.is_holdout, "
                               "coalesce(audiences.holdout_share, 0) from main.audience_members as members "
                               "inner join main_seeds.audiences as audiences using (audience_name)")
    assert rows
    assert [row for row in rows if (_bucket(row[0], row[1]) < float(row[3]) * 65536) != row[2]] == []
    assert any(row[2] for row in rows), "no audience of the clean build has a holdout member"
    assert not any(row[2] for row in rows if row[3] == 0)


def test_no_log_before_the_first_export_builds_an_empty_campaign_results(clean_build: Path) -> None:
    assert _query(clean_build, "select count(*) from main.campaign_results") == [(0,)]


def _held_out(warehouse: Path, audience: str) -> tuple[set[str], set[str]]:
    """The holdout members' contact ids, and every identifier they could be exported under (the
    address as stored, lower-cased and trimmed, and its SHA-256)."""
    rows = _query(warehouse, "select contact_id, email from main.audience_members "
                             "where audience_name = ? and is_holdout", [audience])
    identifiers = set()
    for _, email in rows:
        if email:
            identifiers |= {email, email.strip().lower(),
                            hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()}
    return {row[0] for row in rows}, identifiers


def _cells(path: Path) -> set[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {cell for row in csv.reader(handle) for cell in row}


@pytest.mark.parametrize("audience", ["onboard_new_customers", "nonprofit_churn_prospects"])
def test_holdout_members_are_never_exported_and_are_logged_as_holdout(
    warehouse_copy: Path, tmp_path: Path, audience: str
) -> None:
    contacts, identifiers = _held_out(warehouse_copy, audience)
    assert contacts and identifiers, f"{audience} has no holdout member in the clean build"
    out = tmp_path / "out"
    out.mkdir()
    results = [
        export_audience(warehouse_copy, out / "full.csv", audience=audience),
        export_audience(warehouse_copy, out / "hashed.csv", audience=audience, hash_emails=True),
        export_audience(warehouse_copy, out / "diff.csv", audience=audience, diff=True),
        *(export_audience(warehouse_copy, out / f"{preset}.csv", audience=audience, preset=preset)
          for preset in PRESETS),
        *(export_audience(warehouse_copy, out / f"{preset}-diff.csv", audience=audience, preset=preset,
                          diff=True) for preset in PRESETS),
    ]
    files = [path for result in results for path in result.paths]
    assert len(files) == 3 + 3 * len(PRESETS)
    for path in files:
        assert not _cells(path) & identifiers, f"{path.name} holds a holdout member"
    logged = _query(warehouse_copy, f"select mode, preset, treated_contacts, holdout_contacts "
                                    f"from {EXPORTS_TABLE} order by exported_at, mode, preset")
    assert len(logged) == len(results)
    assert {(mode, preset) for mode, preset, *_ in logged} == {
        ("full", None), ("diff", None), *(("full", preset) for preset in PRESETS),
        *(("diff", preset) for preset in PRESETS)}
    exported = results[0].row_count
    assert results[0].manifest["counts"]["skipped_holdout"] == len(contacts)
    assert {row[2:] for row in logged} == {(exported, len(contacts))}
    holdout_logged = _query(warehouse_copy, f"select distinct contact_id from {MEMBERS_TABLE} "
                                            "where campaign_group = 'holdout'")
    assert {row[0] for row in holdout_logged} == contacts
    treated_logged = {row[0] for row in _query(
        warehouse_copy, f"select contact_id from {MEMBERS_TABLE} where campaign_group = 'treated'")}
    assert not treated_logged & contacts


def test_record_sync_logs_the_builds_audience_and_refuses_another_date(
    warehouse_copy: Path, capsys: pytest.CaptureFixture
) -> None:
    assert run_cli("record-sync", "--audience", "onboard_new_customers", "--date", "2026-06-01") == 1
    error = capsys.readouterr().err
    assert error.startswith("error: the build is as of 2026-06-30, not 2026-06-01") and "Traceback" not in error
    assert run_cli("record-sync", "--audience", "no_such_audience") == 1
    assert "unknown audience 'no_such_audience'" in capsys.readouterr().err
    assert run_cli("record-sync", "--audience", "onboard_new_customers", "--date", CLEAN_END_DATE) == 0
    contacts, _ = _held_out(warehouse_copy, "onboard_new_customers")
    logged = _query(warehouse_copy,
                    f"select audience_name, as_of_date, mode, holdout_contacts from {EXPORTS_TABLE}")
    assert logged == [("onboard_new_customers", dt.date(2026, 6, 30), "sync", len(contacts))]


# --- the confidence interval covers a known simulated effect ---------------------------------------

BASE_RATE, UPLIFT, ORDER_AMOUNT = 0.10, 0.10, 100  # holdout converts at 10 %, treated at 20 %
WINDOW_START, BUILD_DATE = dt.date(2026, 7, 1), "2026-07-31"  # the 30-day window after 2026-06-30


def test_campaign_results_confidence_interval_covers_the_simulated_lift(
    warehouse_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Half the contacts logged treated, half holdout, on the clean build's date (no order after
    it); then each treated contact places one completed order of 100 EUR within the 30 days with
    probability 0.20, each holdout contact with 0.10 (fixed seed), and the warehouse is rebuilt 31
    days later: the conversion lift's interval covers 0.10 and the revenue lift's covers 10 EUR."""
    rng = random.Random(25)
    contact_ids = sorted(row[0] for row in _query(warehouse_copy, "select contact_id from main.dim_contacts"))
    rng.shuffle(contact_ids)
    half = len(contact_ids) // 2
    groups = {"treated": contact_ids[:half], "holdout": contact_ids[half:]}
    with duckdb.connect(str(warehouse_copy)) as connection:
        for group, ids in groups.items():
            connection.execute(f"create temp table sim_{group} (contact_id varchar)")
            connection.executemany(f"insert into sim_{group} values (?)", [[contact] for contact in ids])
        write_log(connection, CampaignLog("simulated_campaign", "simulated", dt.date(2026, 6, 30),
                                          dt.datetime(2026, 6, 30, 12, 0), "sync"),
                  "select contact_id from sim_treated", "select contact_id from sim_holdout")
        connection.execute("checkpoint")
    orders = []
    for group, ids in groups.items():
        rate = BASE_RATE + (UPLIFT if group == "treated" else 0)
        for contact in ids:
            if rng.random() < rate:
                day = WINDOW_START + dt.timedelta(days=rng.randrange(30))
                orders.append({"order_id": f"SIM-{contact}", "line_number": "1", "contact_id": contact,
                               "ordered_at": f"{day}T12:00:00Z", "status": "completed", "quantity": "1",
                               "unit_price": str(ORDER_AMOUNT), "currency": "EUR"})
    folder = tmp_path / "simulated"
    folder.mkdir()
    write_csv(folder / "orders.csv", ORDERS.columns, orders)
    assert run_cli("load", "--append", str(folder)) == 0
    # campaign_results and what it reads, with the tests of those models only (cautious: a test
    # that also reads a model left out would compare it with a stale table)
    from segments.runner import run_dbt

    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    run_dbt(["build", "--select", "+campaign_results", "--indirect-selection", "cautious"],
            {"segments_as_of_date": BUILD_DATE})

    with duckdb.connect(str(warehouse_copy)) as connection:
        cursor = connection.execute(
            "select * from main.campaign_results where audience_name = 'simulated_campaign'")
        (row,) = [dict(zip([column[0] for column in cursor.description], values, strict=True))
                  for values in cursor.fetchall()]
    print({key: row[key] for key in sorted(row)})
    assert (row["treated_contacts"], row["holdout_contacts"]) == (half, len(contact_ids) - half)
    assert row["window_complete"] is True and row["observed_days"] == 30
    assert row["conversion_rate_lift_ci_lower"] <= UPLIFT <= row["conversion_rate_lift_ci_upper"]
    assert abs(row["conversion_rate_lift"] - UPLIFT) < 0.05
    assert abs(row["holdout_conversion_rate"] - BASE_RATE) < 0.05
    revenue_uplift = UPLIFT * ORDER_AMOUNT
    assert row["revenue_per_contact_lift_ci_lower"] <= revenue_uplift <= row["revenue_per_contact_lift_ci_upper"]
    assert row["orders_per_contact_lift"] == pytest.approx(row["conversion_rate_lift"])
    assert row["significance"] == "significant"
    assert row["conversion_rate_relative_lift"] == pytest.approx(
        row["conversion_rate_lift"] / row["holdout_conversion_rate"])
