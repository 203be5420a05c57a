"""The raw input contract is declared once, in the var segments_raw_contract (dbt_project.yml): the
loader and the generator read it through segments.contract, staging through the macro
raw_contract_columns. The sources YAML describes the same columns; no code may list them itself."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from segments.contract import LOADED_AT, RAW_TABLES, RawTable

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "models" / "staging" / "_sources.yml"
# a list or tuple literal: brackets or parentheses holding quoted names
NAME_LIST = re.compile(r"[\[(]\s*(['\"]\w+['\"]\s*,\s*)+['\"]\w+['\"]\s*,?\s*[\])]")


def _yaml_contract() -> dict[str, list[str]]:
    sources = yaml.safe_load(SOURCES.read_text())
    raw = next(source for source in sources["sources"] if source["name"] == "raw")
    return {table["name"]: [column["name"] for column in table["columns"]] for table in raw["tables"]}


def copied_contract_lists(text: str, tables: tuple[RawTable, ...]) -> list[str]:
    """List literals in code that name four or more columns of one raw table: copies of the
    declaration (a few names together, such as a table's key or its timestamps, are not)."""
    copies = []
    for match in NAME_LIST.finditer(text):
        names = set(re.findall(r"['\"](\w+)['\"]", match.group(0)))
        if any(len(names & set(table.columns)) >= 4 for table in tables):
            copies.append(match.group(0))
    return copies


def test_the_sources_yaml_describes_the_declared_columns() -> None:
    assert {table.name: list(table.columns) for table in RAW_TABLES} == _yaml_contract()
    orders = next(table for table in RAW_TABLES if table.name == "orders")
    assert orders.integers == ("quantity",)
    assert orders.decimals == (
        "unit_price", "discount_amount", "order_discount_amount", "shipping_amount", "tax_amount")
    assert LOADED_AT not in orders.columns


def test_staging_selects_the_declared_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The macro raw_contract_columns reads the same declaration: the compiled quarantine models
    hold every contract column, in the declared order."""
    from dbt.cli.main import dbtRunner

    monkeypatch.setenv("SEGMENTS_DUCKDB_PATH", str(tmp_path / "empty.duckdb"))
    result = dbtRunner().invoke([
        "compile", "--project-dir", str(ROOT), "--profiles-dir", str(ROOT / "profiles"),
        "--target-path", str(tmp_path), "--select", "path:models/staging/quarantine", "--quiet",
        "--vars", json.dumps({"segments_raw_columns_as_text": True}),
    ])
    assert result.success, result.exception
    for table in RAW_TABLES:
        model = "quarantine_order_lines" if table.name == "orders" else f"quarantine_{table.name}"
        (compiled,) = tmp_path.rglob(f"{model}.sql")
        aliases = re.findall(r"raw_(\w+) as (\w+),", compiled.read_text(encoding="utf-8"))
        assert [alias for column, alias in aliases if column == alias] == list(table.columns), model


def test_no_code_copies_the_raw_contract() -> None:
    assert copied_contract_lists("COLUMNS = ('order_id', 'line_number', 'contact_id', 'ordered_at')", RAW_TABLES)
    assert not copied_contract_lists("key=('order_id', 'line_number')", RAW_TABLES)
    files = [*(ROOT / "models").rglob("*.sql"), *(ROOT / "macros").rglob("*.sql"), *(ROOT / "src").rglob("*.py")]
    copies = {str(path.relative_to(ROOT)): copied_contract_lists(path.read_text(encoding="utf-8"), RAW_TABLES)
              for path in files}
    assert {path: found for path, found in copies.items() if found} == {}


def test_an_unknown_kind_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from segments import contract
    from segments.errors import SegmentsError

    text = (ROOT / "dbt_project.yml").read_text().replace("{name: quantity, kind: integer}",
                                                           "{name: quantity, kind: integr}")
    assert "kind: integr}" in text
    (tmp_path / "dbt_project.yml").write_text(text)
    monkeypatch.setenv("SEGMENTS_PROJECT_DIR", str(tmp_path))
    contract.raw_tables.cache_clear()
    try:
        with pytest.raises(SegmentsError, match="orders.quantity: unknown kind 'integr'"):
            contract.raw_tables()
    finally:
        monkeypatch.undo()
        contract.raw_tables.cache_clear()


def test_required_columns_are_documented_as_required() -> None:
    sources = _yaml_contract()
    descriptions = {
        table["name"]: {column["name"]: column["description"] for column in table["columns"]}
        for source in yaml.safe_load((ROOT / "models" / "staging" / "_sources.yml").read_text())["sources"]
        for table in source["tables"]
    }
    for table in RAW_TABLES:
        assert set(table.required) <= set(sources[table.name])
        for column in table.required:
            assert "Required" in descriptions[table.name][column], (table.name, column)
