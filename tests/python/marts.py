"""Compare the marts and quarantines of two builds of the same raw data, row for row."""

from __future__ import annotations

from pathlib import Path

import duckdb

from segments.engines import MARTS, SCHEMA_SUFFIX

QUARANTINES = ("quarantine_contacts", "quarantine_order_lines", "quarantine_interactions")
# Relations a build writes beside the marts: <schema><suffix>.
SUFFIX = {**SCHEMA_SUFFIX, **{name: "_quarantine" for name in QUARANTINES}}
RELATIONS = (*MARTS, *QUARANTINES)


def differences(
    left: Path, right: Path, *, left_schema: str = "main", right_schema: str = "main",
    relations: tuple[str, ...] = RELATIONS,
) -> dict[str, tuple[int, int, int]]:
    """Per relation: (rows, rows only in left, rows only in right), duplicates counted (EXCEPT ALL
    both ways). A relation missing on either side raises."""
    result = {}
    with duckdb.connect() as connection:
        connection.execute(f"attach '{left}' as lhs (read_only)")
        connection.execute(f"attach '{right}' as rhs (read_only)")
        for name in relations:
            suffix = SUFFIX.get(name, "")
            lhs = f'lhs."{left_schema}{suffix}"."{name}"'
            rhs = f'rhs."{right_schema}{suffix}"."{name}"'
            columns = ", ".join(
                f'"{column}"' for (column,) in connection.execute(
                    f"select column_name from (describe {lhs}) order by column_name").fetchall()
            )
            rows = connection.execute(f"select count(*) from {lhs}").fetchone()[0]
            only_left = connection.execute(
                f"select count(*) from (select {columns} from {lhs} except all select {columns} from {rhs})"
            ).fetchone()[0]
            only_right = connection.execute(
                f"select count(*) from (select {columns} from {rhs} except all select {columns} from {lhs})"
            ).fetchone()[0]
            result[name] = (rows, only_left, only_right)
    return result


def differing(found: dict[str, tuple[int, int, int]]) -> dict[str, tuple[int, int, int]]:
    return {name: counts for name, counts in found.items() if counts[1] or counts[2]}
