"""The raw input contract: the three tables `segments load` accepts, column by column.

Declared once, in the sources YAML of the dbt project (models/staging/_sources.yml, source `raw`):
the columns in order, and in each column's `config.meta` whether it is required and what kind of
value it holds (integer, decimal, boolean, timestamp; text when absent). Staging reads the same
declaration (macro raw_contract_columns), and so does the demo generator. Staging parses and
quarantines row by row; the loader only refuses files that are malformed as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from segments.errors import SegmentsError

SOURCES_YAML = Path("models") / "staging" / "_sources.yml"
RAW_SOURCE = "raw"
KINDS = ("text", "integer", "decimal", "boolean", "timestamp")


@dataclass(frozen=True)
class RawTable:
    """One raw table: its columns in order, and which of them must be present and parse."""

    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    timestamps: tuple[str, ...] = ()
    integers: tuple[str, ...] = ()
    decimals: tuple[str, ...] = ()
    booleans: tuple[str, ...] = ()


def _raw_table(declared: dict) -> RawTable:
    name = declared["name"]
    kinds: dict[str, list[str]] = {kind: [] for kind in KINDS}
    required = []
    for column in declared.get("columns") or []:
        meta = (column.get("config") or {}).get("meta") or {}
        kind = meta.get("kind", "text")
        if kind not in KINDS:
            raise SegmentsError(f"{SOURCES_YAML}: raw.{name}.{column['name']}: unknown kind '{kind}'")
        kinds[kind].append(column["name"])
        if meta.get("required"):
            required.append(column["name"])
    return RawTable(
        name=name,
        columns=tuple(column["name"] for column in declared.get("columns") or []),
        required=tuple(required),
        timestamps=tuple(kinds["timestamp"]),
        integers=tuple(kinds["integer"]),
        decimals=tuple(kinds["decimal"]),
        booleans=tuple(kinds["boolean"]),
    )


@cache
def raw_tables() -> tuple[RawTable, ...]:
    """The raw tables as the sources YAML of the project declares them, in its order."""
    import yaml

    from segments.project import project_dir

    path = project_dir() / SOURCES_YAML
    try:
        sources = yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]
        (raw,) = [source for source in sources if source["name"] == RAW_SOURCE]
    except (OSError, KeyError, TypeError, ValueError, yaml.YAMLError) as error:
        raise SegmentsError(f"{path}: cannot read the raw contract (source '{RAW_SOURCE}'): {error}") from None
    return tuple(_raw_table(table) for table in raw["tables"])


def __getattr__(name: str) -> object:
    """RAW_TABLES and one name per table (CONTACTS, ORDERS, INTERACTIONS), read from the sources
    YAML on first use."""
    if name == "RAW_TABLES":
        return raw_tables()
    if name.isupper():
        for table in raw_tables():
            if table.name.upper() == name:
                return table
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


BOOLEAN_SPELLINGS: tuple[str, ...] = ("true", "t", "yes", "y", "1", "false", "f", "no", "n", "0")

# Not part of the input contract: the column `segments load` adds after the contract columns of
# every raw table, the UTC time of the load (one value per load, strictly increasing per schema).
# An input file that has it is refused like any unknown column.
LOADED_AT = "_loaded_at"
