"""`segments export --preset`: the demo build exported as each platform imports it. Headers and
column order as the platforms document them, one row per contact with its own values, a column per
segment dimension holding only that contact's label, hashed files with no clear address, a diff as
an add file and a remove file in the preset's shape, and refused option combinations writing nothing.
Reuses the session's build (no dbt run here)."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import duckdb
import pytest
from conftest import run_cli

from segments.errors import SegmentsError
from segments.export import STATE_TABLE, export_audience, manifest_path_for
from segments.project import segment_dimensions

EVERYONE = {"dimension": "abc_tier", "labels": ["A", "B", "C", "non_customer"]}
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
# (preset, its first columns as the platform documents them, the prefix of a dimension's column)
EMAIL_PLATFORMS = [
    ("klaviyo", ["Email", "First Name", "Last Name"], ""),
    ("hubspot", ["Email", "First Name", "Last Name"], "Segment "),
    ("mailchimp", ["Email Address", "First Name", "Last Name"], ""),
]


@pytest.fixture(scope="module")
def dimensions(built: Path) -> list[str]:
    """The declared segment dimensions, in the column order of contact_segments (the export's)."""
    columns = [row[0] for row in _query(built, "select column_name from information_schema.columns "
                                               "where table_name = 'contact_segments' "
                                               "order by ordinal_position")]
    found = [name for name in columns if name in segment_dimensions()]
    assert len(found) >= 8, found
    return found


def _query(warehouse: Path, sql: str, parameters: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse)) as connection:
        return connection.execute(sql, parameters or []).fetchall()


def _read(path: Path) -> tuple[list[str], list[dict]]:
    """The header and the rows (empty fields as None) of a CSV file."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = [{key: value or None for key, value in row.items()} for row in reader]
        return list(reader.fieldnames or []), rows


def _sha(text: str) -> str:
    return hashlib.sha256(text.strip().lower().encode("utf-8")).hexdigest()


def _reachable(warehouse: Path, dimensions: list[str]) -> dict[str, dict]:
    """email -> contact_segments row of every reachable contact (what EVERYONE exports)."""
    columns = ["contact_id", "email", "first_name", "last_name", *dimensions]
    rows = _query(warehouse, f"select {', '.join(columns)} from main.contact_segments "
                             "where email is not null and is_email_reachable")
    return {row[1]: dict(zip(columns, row, strict=True)) for row in rows}


def _labels(warehouse: Path) -> dict[str, set[str]]:
    labels: dict[str, set[str]] = {}
    for dimension, label in _query(warehouse, "select segment_dimension, label from main.segment_labels"):
        labels.setdefault(dimension, set()).add(label)
    return labels


def _as_dimension(header: str, prefix: str) -> str:
    """The dimension a column header names: 'Segment RFM Segment' -> rfm_segment."""
    assert header.startswith(prefix), header
    return header[len(prefix):].lower().replace(" ", "_")


# --- email platforms: clear identifiers, a column per dimension ----------------------------------


@pytest.mark.parametrize(("preset", "first_columns", "prefix"), EMAIL_PLATFORMS)
def test_email_platform_file_has_the_documented_header_and_one_row_per_contact(
    built: Path, tmp_path: Path, dimensions: list[str], preset: str, first_columns: list[str],
    prefix: str,
) -> None:
    result = export_audience(built, tmp_path / f"{preset}.csv", preset=preset, **EVERYONE)
    header, rows = _read(result.path)
    assert header[:3] == first_columns
    # then one column per segment dimension, in contact_segments' order, in the platform's style
    assert [_as_dimension(column, prefix) for column in header[3:]] == dimensions
    assert "tags" not in {column.lower() for column in header}
    reachable = _reachable(built, dimensions)
    identifier = first_columns[0]
    assert [row[identifier] for row in rows] == sorted(reachable)  # one row each, ordered by email
    labels = _labels(built)
    for row in rows:
        contact = reachable[row[identifier]]
        assert (row["First Name"], row["Last Name"]) == (contact["first_name"], contact["last_name"])
        for column in header[3:]:
            dimension = _as_dimension(column, prefix)
            assert row[column] == contact[dimension]  # the contact's own label, not a blob
            assert row[column] in labels[dimension]
    assert result.manifest["preset"]["name"] == preset
    assert result.manifest["columns"] == header
    assert result.manifest["row_count"] == len(rows) > 100
    assert result.manifest["sha256"] == hashlib.sha256(result.path.read_bytes()).hexdigest()
    assert result.manifest["options"]["hashed"] is False


def test_klaviyo_first_column_is_email_and_every_dimension_holds_its_labels(
    built: Path, tmp_path: Path, dimensions: list[str]
) -> None:
    out = tmp_path / "klaviyo.csv"
    assert run_cli("export", "--audience", "vip_field_sales", "--preset", "klaviyo",
                   "--out", str(out)) == 0
    first_line = out.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith("Email,First Name,Last Name,Lifecycle Stage,RFM Segment,ABC Tier,")
    header, rows = _read(out)
    labels = _labels(built)
    members = _query(built, "select count(*) from main.audience_members where audience_name = "
                            "'vip_field_sales'")[0][0]
    assert len(rows) == members > 0
    for column, dimension in zip(header[3:], dimensions, strict=True):
        assert {row[column] for row in rows} <= labels[dimension]
    assert json.loads(manifest_path_for(out).read_text())["preset"]["platform"] == "Klaviyo"


# --- customer-match platforms: hashed identifiers only --------------------------------------------


def test_meta_file_is_hashed_email_fn_ln_with_no_clear_value(
    built: Path, tmp_path: Path, dimensions: list[str]
) -> None:
    result = export_audience(built, tmp_path / "meta.csv", preset="meta", **EVERYONE)
    text = result.path.read_text(encoding="utf-8")
    assert "@" not in text
    header, rows = _read(result.path)
    assert header == ["email", "fn", "ln"]
    reachable = _reachable(built, dimensions)
    by_hash = {_sha(email): contact for email, contact in reachable.items()}
    assert [row["email"] for row in rows] == sorted(by_hash)  # one row each, ordered by the hash
    for row in rows:
        assert all(SHA256_HEX.fullmatch(value) for value in row.values())
        contact = by_hash[row["email"]]
        assert row["fn"] == _sha(contact["first_name"]) and row["ln"] == _sha(contact["last_name"])
    # accented and multi-word names are hashed whole, lower-cased (UTF-8), not left clear
    accented = [c for c in reachable.values() if re.search(r"[^A-Za-z]", c["last_name"])]
    assert accented and not any(c["last_name"] in text or c["first_name"] in text for c in accented)
    assert result.manifest["options"]["hashed"] is True
    assert result.manifest["preset"]["segment_membership"].startswith("the file is the list")


def test_google_file_is_hashed_email_only(built: Path, tmp_path: Path, dimensions: list[str]) -> None:
    out = tmp_path / "google.csv"
    assert run_cli("export", "--preset", "google", "--out", str(out), "--dimension",
                   EVERYONE["dimension"], "--label", *EVERYONE["labels"]) == 0
    assert "@" not in out.read_text(encoding="utf-8")
    header, rows = _read(out)
    assert header == ["Email"]
    assert [row["Email"] for row in rows] == sorted(_sha(email) for email in _reachable(built, dimensions))
    assert all(SHA256_HEX.fullmatch(row["Email"]) for row in rows)


def test_meta_accepts_hash_emails_and_include_unreachable_but_never_a_suppressed_address(
    built: Path, tmp_path: Path
) -> None:
    result = export_audience(built, tmp_path / "meta.csv", preset="meta", hash_emails=True,
                             include_unreachable=True, **EVERYONE)
    exported = {row["email"] for row in _read(result.path)[1]}
    emails = {row[0] for row in _query(built, "select email from main.contact_segments "
                                              "where email is not null")}
    suppressed = {row[0] for row in _query(built, "select email from main.email_suppressions")}
    assert suppressed and exported == {_sha(email) for email in emails if email.strip().lower()
                                       not in suppressed}
    assert result.manifest["options"]["include_unreachable_override"] is True


# --- refused combinations -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("x.csv", {"preset": "sendgrid"}, "unknown preset 'sendgrid'; presets: klaviyo, hubspot"),
        ("x.parquet", {"preset": "hubspot"}, "writes CSV, the file HubSpot imports"),
        ("x.csv", {"preset": "meta", "fmt": "parquet"}, "writes CSV, the file Meta imports"),
        ("x.csv", {"preset": "klaviyo", "hash_emails": True}, "--hash-emails does not apply"),
        ("x.csv", {"preset": "mailchimp", "include_unreachable": True}, "would make contacts"),
    ],
)
def test_refused_combinations_write_nothing(
    built: Path, tmp_path: Path, name: str, options: dict, message: str
) -> None:
    with pytest.raises(SegmentsError, match=re.escape(message)):
        export_audience(built, tmp_path / name, audience="vip_field_sales", **options)
    assert list(tmp_path.iterdir()) == []


def test_cli_refuses_an_unknown_preset_in_one_line(tmp_path: Path, capsys) -> None:
    assert run_cli("export", "--audience", "vip_field_sales", "--preset", "salesforce",
                   "--out", str(tmp_path / "x.csv")) == 1
    assert capsys.readouterr().err.strip() == (
        "error: unknown preset 'salesforce'; presets: klaviyo, hubspot, mailchimp, meta, google")


# --- diff: an add file and a remove file in the preset's shape ----------------------------------


def _suppress(warehouse: Path, emails: list[str]) -> None:
    """Add addresses to email_suppressions: they leave every export (removes of a diff)."""
    with duckdb.connect(str(warehouse)) as connection:
        for email in emails:
            connection.execute("insert into main.email_suppressions (email) values (lower(trim(?)))",
                               [email])


def _forget(warehouse: Path, audience_key: str, emails: list[str]) -> None:
    """Drop identifiers from the key's export state: those members are adds again."""
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(f"delete from {STATE_TABLE} where audience_key = ? "
                           "and list_contains(?, identifier)", [audience_key, emails])


@pytest.mark.parametrize(("preset", "identifier", "hashed"),
                         [("klaviyo", "Email", False), ("mailchimp", "Email Address", False),
                          ("google", "Email", True)])
def test_diff_writes_an_add_file_and_a_remove_file_in_the_preset_shape(
    warehouse_copy: Path, tmp_path: Path, dimensions: list[str], preset: str, identifier: str,
    hashed: bool,
) -> None:
    value = _sha if hashed else (lambda email: email)
    before = _reachable(warehouse_copy, dimensions)
    full_header = _read(export_audience(warehouse_copy, tmp_path / "full.csv", preset=preset,
                                        **EVERYONE).path)[0]
    first = export_audience(warehouse_copy, tmp_path / "aud.csv", preset=preset, diff=True,
                            **EVERYONE)
    add, remove = tmp_path / "aud-add.csv", tmp_path / "aud-remove.csv"
    assert first.paths == (add, remove)
    assert sorted(path.name for path in tmp_path.iterdir() if "aud" in path.name) == [
        "aud-add.csv", "aud-add.csv.manifest.json", "aud-remove.csv", "aud-remove.csv.manifest.json"]
    header, rows = _read(add)
    assert header == full_header  # the adds are in the full file's shape, no action column
    assert {row[identifier] for row in rows} == {value(email) for email in before}
    assert _read(remove) == ([identifier], [])  # a valid header-only file
    key = first.manifest["audience_key"]
    assert key.endswith(f"|{preset}:{identifier}|reachable_only")

    # known change: three members are suppressed (leave), three others are forgotten (enter again)
    emails = sorted(before)
    leaving, entering = emails[:3], emails[-3:]
    _suppress(warehouse_copy, leaving)
    _forget(warehouse_copy, key, [value(email) for email in entering])
    second = export_audience(warehouse_copy, tmp_path / "aud.csv", preset=preset, diff=True,
                             **EVERYONE)
    header, rows = _read(add)
    assert header == full_header
    assert {row[identifier] for row in rows} == {value(email) for email in entering}
    if not hashed:
        for row in rows:
            contact = before[row[identifier]]
            assert row["First Name"] == contact["first_name"]
            assert [row[column] for column in header[3:]] == [contact[name] for name in dimensions]
    assert _read(remove) == ([identifier], [{identifier: value(email)} for email in
                                            sorted(leaving, key=value)])
    if hashed:
        assert "@" not in add.read_text() + remove.read_text()
    assert second.manifest["diff"]["adds"] == 3 and second.manifest["diff"]["removes"] == 3
    for path, role in ((add, "add"), (remove, "remove")):
        manifest = json.loads(manifest_path_for(path).read_text())
        assert manifest["file"] == path.name and manifest["part"] == {
            "role": role, "files": ["aud-add.csv", "aud-remove.csv"]}
        assert manifest["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert manifest["columns"] == _read(path)[0] and manifest["preset"]["name"] == preset
    assert second.manifests[1]["row_count"] == 3


def test_each_platform_keeps_its_own_diff_state(warehouse_copy: Path, tmp_path: Path) -> None:
    """Klaviyo and HubSpot are two destinations: a diff to one does not empty the other's."""
    klaviyo = export_audience(warehouse_copy, tmp_path / "k.csv", audience="vip_field_sales",
                              preset="klaviyo", diff=True)
    hubspot = export_audience(warehouse_copy, tmp_path / "h.csv", audience="vip_field_sales",
                              preset="hubspot", diff=True)
    again = export_audience(warehouse_copy, tmp_path / "k2.csv", audience="vip_field_sales",
                            preset="klaviyo", diff=True)
    assert klaviyo.manifest["diff"]["adds"] == hubspot.manifest["diff"]["adds"] > 0
    assert again.manifest["diff"]["adds"] == again.manifest["diff"]["removes"] == 0
    assert klaviyo.manifest["audience_key"] != hubspot.manifest["audience_key"]
