"""The raw input contract: the tables `segments load` accepts, column by column.

Declared once, in the var `segments_raw_contract` of the dbt project (dbt_project.yml): each table's
columns in order, each with whether it is `required` and its `kind` (integer, decimal, boolean,
timestamp; text when absent). Staging reads the same declaration (macro raw_contract_columns), and so
does the demo generator; models/staging/_sources.yml describes the columns. Staging parses and
quarantines row by row; the loader only refuses files that are malformed as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from segments.errors import SegmentsError

CONTRACT_VAR = "segments_raw_contract"
# Raw tables that may be absent (a load without their file writes them empty; staging reads an
# absent one as empty).
OPTIONAL_TABLES_VAR = "segments_raw_optional_tables"
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
    optional: bool = False


def _raw_table(name: str, declared: list[dict], optional: bool = False) -> RawTable:
    kinds: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for column in declared:
        kind = column.get("kind", "text")
        if kind not in KINDS:
            raise SegmentsError(f"var {CONTRACT_VAR}: {name}.{column['name']}: unknown kind '{kind}'")
        kinds[kind].append(column["name"])
    return RawTable(
        name=name,
        columns=tuple(column["name"] for column in declared),
        required=tuple(column["name"] for column in declared if column.get("required")),
        timestamps=tuple(kinds["timestamp"]),
        integers=tuple(kinds["integer"]),
        decimals=tuple(kinds["decimal"]),
        booleans=tuple(kinds["boolean"]),
        optional=optional,
    )


@cache
def raw_tables() -> tuple[RawTable, ...]:
    """The raw tables as the var segments_raw_contract of dbt_project.yml declares them, in its order."""
    from segments.project import project_vars

    declared = project_vars().get(CONTRACT_VAR)
    if not isinstance(declared, dict) or not declared:
        raise SegmentsError(f"dbt_project.yml: var {CONTRACT_VAR} is missing or not a mapping of tables")
    optional = set(project_vars().get(OPTIONAL_TABLES_VAR) or ())
    return tuple(_raw_table(name, columns, name in optional) for name, columns in declared.items())


def __getattr__(name: str) -> object:
    """RAW_TABLES and one name per table (CONTACTS, ORDERS, INTERACTIONS), read from the var
    segments_raw_contract on first use."""
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
