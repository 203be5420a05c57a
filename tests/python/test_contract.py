"""The raw input contract is written three times, for three readers: the sources YAML (docs),
the SQL macro raw_contract_columns (staging), the loader's contract.py. They must agree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

from segments.contract import LOADED_AT, RAW_TABLES

ROOT = Path(__file__).resolve().parents[2]


def _macro_contract() -> dict[str, list[str]]:
    text = (ROOT / "macros" / "raw_contract_columns.sql").read_text()
    literal = re.search(r"set contract = (\{.*?\}) -%\}", text, flags=re.S).group(1)
    return ast.literal_eval(literal)


def _yaml_contract() -> dict[str, list[str]]:
    sources = yaml.safe_load((ROOT / "models" / "staging" / "_sources.yml").read_text())
    raw = next(source for source in sources["sources"] if source["name"] == "raw")
    return {table["name"]: [column["name"] for column in table["columns"]] for table in raw["tables"]}


def test_sources_yaml_macro_and_loader_agree() -> None:
    loader = {table.name: list(table.columns) for table in RAW_TABLES}
    documented = _yaml_contract()
    # The YAML may also document the loader's stamp, which is not part of the input contract:
    # then as the last column, after the contract's.
    for columns in documented.values():
        if LOADED_AT in columns:
            assert columns[-1] == LOADED_AT and columns.count(LOADED_AT) == 1
            columns.pop()
    assert documented == loader
    assert _macro_contract() == loader


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
