"""Every dbt unit test pins what its result depends on, so no setting of a real project breaks it.

Unit tests run inside every production `dbt build`: one that silently reads a var's default (say
segments_reporting_currency EUR) or a seed's rows fails the build of a project configured otherwise, and
skips every mart. These checks read the unit tests' YAML and the SQL of the models they test, with
the macros those models call (transitively, every engine's variant), and fail when a var the model
reads is not set in the test's `overrides: vars:`, or when a relation it reads is not `given`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

# Vars that say where data lives or how it is read, never what a row is worth: a unit test's
# fixtures replace the relations, so these cannot change its result.
# segments_raw_schema, segments_raw_database (and the identifiers) name the raw relation whose
# column types dbt gives the fixtures; segments_raw_deleted_column names a flag no fixture row sets.
# segments_segment_dimensions declares the columns of contact_segments, segments_raw_contract the
# raw tables' columns: structure, not settings.
WHERE_NOT_WHAT = {"segments_raw_parquet_dir", "segments_raw_schema", "segments_raw_database",
                  "segments_raw_deleted_column", "segments_segment_dimensions", "segments_raw_contract",
                  "segments_raw_optional_tables", "segments_preset_tables"}

MACRO = re.compile(r"{%-?\s*macro\s+(\w+)\(.*?{%-?\s*endmacro", re.S)
VAR = re.compile(r"""\bvar\(\s*['"](\w+)['"]""")
CALL = re.compile(r"\bsegments\.(\w+)\(")
REF = re.compile(r"""\bref\(\s*['"](\w+)['"]\s*\)""")
SOURCE = re.compile(r"""\bsource\(\s*['"](\w+)['"]\s*,\s*['"](\w+)['"]\s*\)""")
ENGINES = ("default", "duckdb", "postgres", "spark")


def _macros() -> dict[str, str]:
    bodies: dict[str, str] = {}
    for path in (ROOT / "macros").rglob("*.sql"):
        for match in MACRO.finditer(path.read_text(encoding="utf-8")):
            bodies[match.group(1)] = match.group(0)
    return bodies


MACROS = _macros()


def _vars_read(text: str, seen: set[str] | None = None) -> set[str]:
    """The vars a piece of Jinja SQL reads itself or through the project's macros it calls."""
    seen = set() if seen is None else seen
    names = set(VAR.findall(text))
    for called in CALL.findall(text):
        for name in (called, *(f"{engine}__{called}" for engine in ENGINES)):
            if name in MACROS and name not in seen:
                seen.add(name)
                names |= _vars_read(MACROS[name], seen)
    return names


def _unit_tests() -> list[tuple[str, dict]]:
    tests = []
    for path in sorted((ROOT / "models").rglob("_*unit_tests.yml")):
        for test in yaml.safe_load(path.read_text(encoding="utf-8"))["unit_tests"]:
            tests.append((f"{path.name}:{test['name']}", test))
    return tests


def _model_sql(name: str) -> str:
    (path,) = [path for path in (ROOT / "models").rglob(f"{name}.*") if path.suffix in {".sql", ".py"}]
    return path.read_text(encoding="utf-8")


UNIT_TESTS = _unit_tests()


def test_there_are_unit_tests_to_check() -> None:
    assert len(UNIT_TESTS) >= 30


@pytest.mark.parametrize(("name", "test"), UNIT_TESTS, ids=[name for name, _ in UNIT_TESTS])
def test_unit_test_pins_every_var_its_model_reads(name: str, test: dict) -> None:
    read = _vars_read(_model_sql(test["model"])) - WHERE_NOT_WHAT
    pinned = set(((test.get("overrides") or {}).get("vars") or {}).keys())
    assert not read - pinned, f"{name}: add to overrides: vars: {sorted(read - pinned)}"


@pytest.mark.parametrize(("name", "test"), UNIT_TESTS, ids=[name for name, _ in UNIT_TESTS])
def test_unit_test_gives_every_relation_its_model_reads(name: str, test: dict) -> None:
    sql = _model_sql(test["model"])
    read = {f"ref('{model}')" for model in REF.findall(sql)}
    read |= {f"source('{source}', '{table}')" for source, table in SOURCE.findall(sql)}
    # ref('segments', 'x') names the same relation as ref('x') (two arguments where a host project
    # may have a model of the same name)
    given = {fixture["input"].replace("ref('segments', ", "ref(") for fixture in test.get("given", [])}
    assert not read - given, f"{name}: add to given: {sorted(read - given)}"


def test_the_check_sees_a_var_read_through_a_macro() -> None:
    # contact_rfm reads segments_rfm_bins through macros; as_of_date through segments.as_of_date()
    read = _vars_read(_model_sql("contact_rfm"))
    assert {"segments_rfm_bins", "segments_rfm_scoring_method", "segments_as_of_date"} <= read


@pytest.mark.parametrize(("name", "test"), UNIT_TESTS, ids=[name for name, _ in UNIT_TESTS])
def test_unit_test_name_fits_a_postgres_relation_name(name: str, test: dict) -> None:
    # dbt names a relation after the unit test; PostgreSQL refuses names over 63 characters
    assert len(test["name"]) <= 63, f"{name}: {len(test['name'])} characters"
