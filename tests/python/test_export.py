"""`segments export`: generated data -> load -> dbt build -> audience files. Only reachable contacts
leave the warehouse unless overridden, selections are exact, hashed files hold no clear address,
the manifest matches the file, diff mode sends exactly what changed, bad input writes nothing."""

from __future__ import annotations

import csv
import hashlib
import json
import os
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import run_cli

from segments.errors import SegmentsError
from segments.export import STATE_TABLE, export_audience, manifest_path_for
from segments.project import segment_dimensions

END_DATE = "2026-06-30"
DIMENSIONS = tuple(segment_dimensions())


def _query(warehouse: Path, sql: str, parameters: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse)) as connection:
        return connection.execute(sql, parameters or []).fetchall()


def _rows(path: Path) -> list[dict]:
    """The exported rows as dicts; empty CSV fields and Parquet nulls are both None."""
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    with path.open(newline="", encoding="utf-8") as handle:
        return [{key: value or None for key, value in row.items()}
                for row in csv.DictReader(handle)]


def _header(path: Path) -> list[str]:
    if path.suffix == ".parquet":
        return pq.read_schema(path).names
    with path.open(newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def _sha(text: str) -> str:
    return hashlib.sha256(text.strip().lower().encode("utf-8")).hexdigest()


def _contacts(warehouse: Path, where: str = "true", parameters: list | None = None) -> dict:
    """email -> contact_segments row (as a dict) for the contacts matching `where`."""
    columns = ["contact_id", "email", "first_name", "last_name", *DIMENSIONS]
    rows = _query(
        warehouse,
        f"select {', '.join(columns)} from main.contact_segments "
        f"where email is not null and ({where})",
        parameters,
    )
    return {row[1]: dict(zip(columns, row, strict=True)) for row in rows}


def _tags(contact: dict) -> str:
    return ";".join(f"{dimension}:{contact[dimension]}" for dimension in DIMENSIONS)


def _state(warehouse: Path) -> list[tuple]:
    tables = _query(warehouse, "select count(*) from information_schema.tables where "
                               "table_schema = 'exports' and table_name = 'audience_export_state'")
    if not tables[0][0]:
        return []
    return sorted(_query(warehouse, f"select * from {STATE_TABLE}"), key=repr)


def _files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


# --- reachability -------------------------------------------------------------------------------


EVERYONE = {"dimension": "abc_tier", "labels": ["A", "B", "C", "non_customer"]}


def test_only_reachable_contacts_are_exported_by_default(built: Path, tmp_path: Path) -> None:
    result = export_audience(built, tmp_path / "everyone.csv", **EVERYONE)
    exported = {row["email"] for row in _rows(result.path)}
    reachable = _contacts(built, "is_email_reachable")
    assert exported == set(reachable)
    # the contacts that must never leave by default exist in this data, and none of them left
    opted_out = _contacts(built, "email_opt_in is distinct from true")
    unsubscribed = _contacts(built, "is_unsubscribed")
    assert opted_out and unsubscribed
    assert not exported & (set(opted_out) | set(unsubscribed))
    without_email = _query(built, "select count(*) from main.contact_segments where email is null")
    assert without_email[0][0] > 0
    assert result.manifest["options"]["reachable_only"] is True
    assert result.manifest["options"]["include_unreachable_override"] is False
    assert result.manifest["counts"]["skipped_without_email"] == without_email[0][0]


def test_unreachable_contacts_only_with_the_override_and_never_without_email(
    built: Path, tmp_path: Path
) -> None:
    result = export_audience(built, tmp_path / "everyone.parquet", include_unreachable=True,
                             **EVERYONE)
    rows = _rows(result.path)
    # every contact with an email, but never a suppressed address (an opt-out under any record)
    assert {row["email"] for row in rows} == set(_contacts(built)) - {
        row[0] for row in _query(built, "select email from main.email_suppressions")}
    assert all(row["email"] for row in rows)
    total = _query(built, "select count(*) from main.contact_segments")[0][0]
    assert len(rows) < total  # the email-less contacts were skipped
    assert result.manifest["options"] == {
        "reachable_only": False, "include_unreachable_override": True, "hashed": False,
        "hash": None, "diff": False,
    }


# --- selections ---------------------------------------------------------------------------------


@pytest.mark.parametrize("audience", ["vip_field_sales", "onboard_new_customers",
                                      "nonprofit_churn_prospects"])
def test_named_audience_is_exactly_its_reachable_members_outside_the_holdout(
    built: Path, tmp_path: Path, audience: str
) -> None:
    result = export_audience(built, tmp_path / f"{audience}.csv", audience=audience)
    expected = _contacts(
        built,
        "is_email_reachable and contact_id in "
        "(select contact_id from main.audience_members where audience_name = ? and not is_holdout)",
        [audience],
    )
    rows = _rows(result.path)
    assert expected, audience
    assert _header(result.path) == ["email", "first_name", "last_name", "tags"]
    assert {row["email"] for row in rows} == set(expected)
    for row in rows:
        contact = expected[row["email"]]
        assert row["first_name"] == contact["first_name"]
        assert row["last_name"] == contact["last_name"]
        assert row["tags"] == _tags(contact)
    assert [row["email"] for row in rows] == sorted(row["email"] for row in rows)
    assert result.manifest["audience"]["name"] == audience
    assert result.manifest["as_of_date"] == END_DATE


def test_dimension_and_labels_select_exactly_those_contacts(built: Path, tmp_path: Path) -> None:
    labels = ["champions", "loyal_customers"]
    result = export_audience(built, tmp_path / "best.csv", dimension="rfm_segment", labels=labels)
    expected = _contacts(
        built, "is_email_reachable and rfm_segment in ('champions', 'loyal_customers')"
    )
    rows = _rows(result.path)
    assert expected
    assert {row["email"]: row["tags"] for row in rows} == {
        email: _tags(contact) for email, contact in expected.items()
    }
    assert all(row["tags"].startswith("lifecycle_stage:") for row in rows)
    assert result.manifest["audience"] == {
        "type": "dimension", "dimension": "rfm_segment", "labels": labels,
    }


# --- hashed mode --------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_hashed_export_holds_no_clear_email_or_name(
    built: Path, tmp_path: Path, suffix: str
) -> None:
    result = export_audience(built, tmp_path / f"hashed{suffix}", hash_emails=True, **EVERYONE)
    columns = ["email_sha256", "first_name_sha256", "last_name_sha256", "tags"]
    assert _header(result.path) == columns == result.manifest["columns"]
    reachable = _contacts(built, "is_email_reachable")
    rows = _rows(result.path)
    assert {row["email_sha256"] for row in rows} == {_sha(email) for email in reachable}
    by_hash = {_sha(email): contact for email, contact in reachable.items()}
    for row in rows:
        contact = by_hash[row["email_sha256"]]
        assert row["first_name_sha256"] == _sha(contact["first_name"])
        assert row["last_name_sha256"] == _sha(contact["last_name"])
        assert row["tags"] == _tags(contact)
    assert not any("@" in value for row in rows for value in row.values())
    content = result.path.read_bytes()
    everyone = _contacts(built)
    assert not any(email.encode() in content for email in everyone)  # not even in Parquet pages
    if suffix == ".csv":
        assert b"@" not in content
        text = content.decode()
        assert not any(f",{contact['last_name']}," in text for contact in everyone.values())
    assert [row["email_sha256"] for row in rows] == sorted(row["email_sha256"] for row in rows)
    assert result.manifest["options"]["hashed"] is True


# --- manifest -----------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_manifest_matches_the_file(built: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"vip{suffix}"
    result = export_audience(built, out, audience="vip_field_sales")
    manifest = json.loads(manifest_path_for(out).read_text())
    assert manifest == result.manifest
    assert manifest["row_count"] == len(_rows(out)) > 0
    assert manifest["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert manifest["columns"] == _header(out)
    assert manifest["format"] == suffix[1:]
    assert manifest["written_at"].endswith("Z")
    assert manifest["audience_key"] == "audience=vip_field_sales|email|reachable_only"
    assert _files(tmp_path) == sorted([out.name, f"{out.name}.manifest.json"])


def test_export_is_deterministic_and_leaves_the_warehouse_alone(
    built: Path, tmp_path: Path
) -> None:
    first = export_audience(built, tmp_path / "a.csv", audience="vip_field_sales")
    second = export_audience(built, tmp_path / "b.csv", audience="vip_field_sales")
    assert first.path.read_bytes() == second.path.read_bytes()
    assert _state(built) == []  # a full export records no diff state


# --- diff mode ----------------------------------------------------------------------------------


def _set_opt_in(warehouse: Path, contact_ids: list[str], value: str) -> None:
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(
            "update raw.contacts set email_opt_in = ? where list_contains(?, contact_id)",
            [value, contact_ids],
        )


def test_diff_mode_sends_exactly_what_entered_and_left(
    warehouse_copy: Path, tmp_path: Path
) -> None:
    selection = {"dimension": "abc_tier", "labels": ["A", "B"]}
    where = "abc_tier in ('A', 'B')"
    before = _contacts(warehouse_copy, f"is_email_reachable and {where}")

    first = export_audience(warehouse_copy, tmp_path / "first.csv", diff=True, **selection)
    rows = _rows(first.path)
    assert _header(first.path) == ["action", "email", "first_name", "last_name", "tags"]
    assert {row["action"] for row in rows} == {"add"}
    assert {row["email"] for row in rows} == set(before)
    assert first.manifest["diff"]["adds"] == len(before)
    state = _state(warehouse_copy)
    assert {row[2] for row in state} == set(before)
    assert {row[3].isoformat() for row in state} == {END_DATE}

    # known change: three members opt out (leave), three opted-out contacts of A/B opt in (enter)
    leaving = sorted(before.values(), key=lambda contact: contact["contact_id"])[:3]
    entering = _query(
        warehouse_copy,
        f"select contact_id, email from main.contact_segments where {where} and email is not null "
        "and email_opt_in = false and not is_unsubscribed order by contact_id limit 3",
    )
    assert len(entering) == 3
    _set_opt_in(warehouse_copy, [contact["contact_id"] for contact in leaving], "false")
    _set_opt_in(warehouse_copy, [contact_id for contact_id, _ in entering], "true")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEGMENTS_DUCKDB_PATH", str(warehouse_copy))
        assert run_cli("build", "--as-of-date", END_DATE) == 0
    after = _contacts(warehouse_copy, f"is_email_reachable and {where}")
    # the labels did not move: the change is exactly the reachability flipped above
    assert set(after) == (set(before) - {c["email"] for c in leaving}) | {e for _, e in entering}

    second = export_audience(warehouse_copy, tmp_path / "second.csv", diff=True, **selection)
    rows = _rows(second.path)
    adds = {row["email"] for row in rows if row["action"] == "add"}
    removes = {row["email"] for row in rows if row["action"] == "remove"}
    assert adds == set(after) - set(before) == {email for _, email in entering}
    assert removes == set(before) - set(after) == {contact["email"] for contact in leaving}
    assert len(rows) == 6
    for row in rows:
        if row["action"] == "add":
            assert row["tags"] == _tags(after[row["email"]]) and row["first_name"]
        else:  # a removal carries the identifier only
            assert (row["first_name"], row["last_name"], row["tags"]) == (None, None, None)
    assert second.manifest["diff"]["adds"] == 3 and second.manifest["diff"]["removes"] == 3
    assert second.manifest["diff"]["previous_as_of_date"] == END_DATE
    assert {row[2] for row in _state(warehouse_copy)} == set(after)

    # no change since: a valid, empty file (header only) with its manifest; state still `after`
    third = export_audience(warehouse_copy, tmp_path / "third.csv", diff=True, **selection)
    assert _rows(third.path) == []
    assert _header(third.path) == ["action", "email", "first_name", "last_name", "tags"]
    assert third.manifest["row_count"] == 0
    assert third.manifest["diff"] == {**third.manifest["diff"], "adds": 0, "removes": 0}
    assert third.manifest["sha256"] == hashlib.sha256(third.path.read_bytes()).hexdigest()
    assert {row[2] for row in _state(warehouse_copy)} == set(after)


def test_diff_state_is_kept_per_audience_key(warehouse_copy: Path, tmp_path: Path) -> None:
    """Clear and hashed exports of one audience go to different destinations: separate state."""
    clear = export_audience(warehouse_copy, tmp_path / "clear.csv", audience="vip_field_sales",
                            diff=True)
    hashed = export_audience(warehouse_copy, tmp_path / "hashed.csv", audience="vip_field_sales",
                             diff=True, hash_emails=True)
    assert clear.manifest["diff"]["adds"] == hashed.manifest["diff"]["adds"] > 0
    assert {row["email_sha256"] for row in _rows(hashed.path)} == {
        _sha(row["email"]) for row in _rows(clear.path)
    }
    keys = {row[0]: row[2] for row in _state(warehouse_copy)}
    assert set(keys) == {"audience=vip_field_sales|email|reachable_only",
                         "audience=vip_field_sales|email_sha256|reachable_only"}
    again = export_audience(warehouse_copy, tmp_path / "again.csv", audience="vip_field_sales",
                            diff=True, hash_emails=True)
    assert again.manifest["row_count"] == 0


# --- bad input ----------------------------------------------------------------------------------


def _empty_label(warehouse: Path) -> tuple[str, str]:
    """A valid (dimension, label) no contact carries in this data."""
    for dimension in DIMENSIONS:
        rows = _query(
            warehouse,
            f"select label from main.segment_labels where segment_dimension = ? and label not in "
            f"(select {dimension} from main.contact_segments) order by label limit 1",
            [dimension],
        )
        if rows:
            return dimension, rows[0][0]
    raise AssertionError("every label is used: no empty audience to test with")


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        ({"audience": "no_such_audience"}, "unknown audience 'no_such_audience'; known audiences: hot_leads, "
         "nonprofit_churn_prospects, onboard_new_customers, vip_field_sales"),
        ({"dimension": "favourite_colour", "labels": ["blue"]},
         "unknown dimension 'favourite_colour'; valid dimensions: lifecycle_stage, rfm_segment"),
        ({"dimension": "abc_tier", "labels": ["A", "Z"]},
         "unknown abc_tier label(s) 'Z'; valid labels: A, B, C, non_customer"),
        ({"dimension": "abc_tier", "labels": []}, "give at least one label"),
        ({"audience": "vip_field_sales", "dimension": "abc_tier", "labels": ["A"]}, "not both"),
    ],
)
@pytest.mark.parametrize("diff", [False, True])
def test_bad_selection_writes_nothing(
    warehouse_copy: Path, tmp_path: Path, selection: dict, message: str, diff: bool
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    export_audience(warehouse_copy, out_dir / "seed.csv", audience="vip_field_sales", diff=True)
    files, state = _files(out_dir), _state(warehouse_copy)
    with pytest.raises(SegmentsError) as error:
        export_audience(warehouse_copy, out_dir / "bad.csv", diff=diff, **selection)
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert _files(out_dir) == files
    assert _state(warehouse_copy) == state


def test_empty_audience_is_an_error_in_both_modes(warehouse_copy: Path, tmp_path: Path) -> None:
    dimension, label = _empty_label(warehouse_copy)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    for diff in (False, True):
        with pytest.raises(SegmentsError, match="is empty: no contact is a member; nothing"):
            export_audience(warehouse_copy, out_dir / "empty.csv", dimension=dimension,
                            labels=[label], diff=diff)
    assert _files(out_dir) == []
    assert _state(warehouse_copy) == []
    # explicitly allowed: a valid header-only file
    result = export_audience(warehouse_copy, out_dir / "empty.csv", dimension=dimension,
                             labels=[label], allow_empty=True)
    assert result.manifest["row_count"] == 0 and _rows(result.path) == []


def test_audience_with_members_but_none_reachable_is_empty(
    warehouse_copy: Path, tmp_path: Path
) -> None:
    """Every selected contact is unreachable: refused, and the message says why; with the
    override the members with an email are exported."""
    with duckdb.connect(str(warehouse_copy)) as connection:  # the mart, edited in a private copy
        connection.execute(
            "update main.contact_segments set email_opt_in = false, is_email_reachable = false "
            "where lifecycle_stage = 'reactivated'"
        )
    members = _contacts(warehouse_copy, "lifecycle_stage = 'reactivated'")
    assert members
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    selection = {"dimension": "lifecycle_stage", "labels": ["reactivated"]}
    with pytest.raises(SegmentsError, match="none of its .* contacts is reachable by email"):
        export_audience(warehouse_copy, out_dir / "x.csv", diff=True, **selection)
    assert _files(out_dir) == []
    assert _state(warehouse_copy) == []
    result = export_audience(warehouse_copy, out_dir / "x.csv", include_unreachable=True,
                             **selection)
    suppressed = {row[0] for row in _query(warehouse_copy, "select email from main.email_suppressions")}
    assert {row["email"] for row in _rows(result.path)} == set(members) - suppressed


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing/out.csv", "does not exist"),
        ("a_file.txt/out.csv", "is not a folder"),
        ("folder", "is a folder"),
        ("out.xlsx", "give --format"),
    ],
)
def test_unusable_output_path_writes_nothing(
    warehouse_copy: Path, tmp_path: Path, target: str, message: str
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "a_file.txt").write_text("not a folder")
    (out_dir / "folder").mkdir()
    files = _files(out_dir)
    with pytest.raises(SegmentsError, match=message):
        export_audience(warehouse_copy, out_dir / target, audience="vip_field_sales", diff=True)
    assert _files(out_dir) == files
    assert _state(warehouse_copy) == []


def test_failure_while_moving_into_place_leaves_nothing(
    warehouse_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manifest cannot be moved into place: no export, no temporary file, no state change."""
    out = tmp_path / "vip.csv"
    real_replace = os.replace

    def failing_replace(source, target):
        if str(target).endswith(".manifest.json"):
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(SegmentsError, match="No space left on device"):
        export_audience(warehouse_copy, out, audience="vip_field_sales", diff=True)
    assert _files(tmp_path) == ["copy.duckdb"]
    assert _state(warehouse_copy) == []


def test_missing_warehouse_or_unbuilt_marts(tmp_path: Path) -> None:
    with pytest.raises(SegmentsError, match="no warehouse yet"):
        export_audience(tmp_path / "none.duckdb", tmp_path / "out.csv", audience="vip_field_sales")
    assert not (tmp_path / "none.duckdb").exists()
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(SegmentsError, match="run `segments build` first"):
        export_audience(empty, tmp_path / "out.csv", audience="vip_field_sales")
    assert _files(tmp_path) == ["empty.duckdb"]
