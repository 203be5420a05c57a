"""segments as a dbt package: a host project installs it from the checkout and builds it green.

The host (tests/host_project) is what an analytics engineer has: its own profile (another name,
another schema, a connection in Europe/Paris), its own model named dim_contacts, its own global
vars named like the package's without their prefix (as_of_date, segments_raw_schema, segments_rfm_bins,
segments_reporting_currency), and the
package's vars under `vars: segments:`. Nothing of the package's own set-up is copied: no
dispatch block, no profile, no on-run hooks. Its marts must equal the standalone build's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import run_cli
from marts import differences, differing

ROOT = Path(__file__).resolve().parents[2]
HOST = ROOT / "tests" / "host_project"
DBT = Path(sys.executable).parent / "dbt"
END_DATE = "2026-06-30"
HOST_SCHEMA = "analytics"


def _dbt(project: Path, warehouse: Path, *arguments: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "HOST_DUCKDB_PATH": str(warehouse), "DBT_PROFILES_DIR": str(project),
                   "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    for name in ("SEGMENTS_DUCKDB_PATH", "SEGMENTS_PREDICTION_PARAMETERS", "DBT_TARGET_PATH",
                 "DBT_LOG_PATH"):
        environment.pop(name, None)
    return subprocess.run([str(DBT), *arguments], cwd=project, env=environment, capture_output=True,
                          text=True, timeout=900, check=False)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("host")
    data = folder / "data"
    standalone, hosted = folder / "standalone.duckdb", folder / "host.duckdb"
    assert run_cli("generate", "--contacts", "400", "--seed", "11", "--end-date", END_DATE,
                   "--inject-bad-rows", "--out", str(data)) == 0
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEGMENTS_DUCKDB_PATH", str(standalone))
        assert run_cli("load", "--lenient", str(data)) == 0
        assert run_cli("build", "--as-of-date", END_DATE) == 0
        assert run_cli("load", "--lenient", "--database", str(hosted), str(data)) == 0
    # dbt-duckdb keeps the file open in this process: compare a checkpointed copy
    with duckdb.connect(str(standalone)) as connection:
        connection.execute("checkpoint")
    shutil.copy(standalone, folder / "standalone-copy.duckdb")
    standalone = folder / "standalone-copy.duckdb"
    project = folder / "project"
    shutil.copytree(HOST, project)
    (project / "packages.yml").write_text(f"packages:\n  - local: {ROOT}\n", encoding="utf-8")
    deps = _dbt(project, hosted, "deps")
    assert deps.returncode == 0, deps.stdout[-3000:]
    build = _dbt(project, hosted, "build")
    return {"standalone": standalone, "hosted": hosted, "project": project, "build": build}


def test_the_host_builds_the_package_green(builds: dict) -> None:
    build = builds["build"]
    assert build.returncode == 0, build.stdout[-6000:]
    assert "ERROR=0" in build.stdout


def test_the_package_marts_equal_the_standalone_build(builds: dict) -> None:
    found = differences(builds["standalone"], builds["hosted"], right_schema=f"{HOST_SCHEMA}_segments")
    assert len(found) >= 24
    assert not differing(found), differing(found)
    assert found["contact_segments"][0] > 300


def test_package_relations_never_clash_with_the_hosts(builds: dict) -> None:
    with duckdb.connect(str(builds["hosted"]), read_only=True) as connection:
        host_dim = connection.execute(f"select contact_source from {HOST_SCHEMA}.dim_contacts").fetchall()
        schemas = {schema for (schema,) in connection.execute(
            "select distinct table_schema from information_schema.tables").fetchall()}
        audience = connection.execute(f"select sum(contacts) from {HOST_SCHEMA}.email_audience").fetchone()[0]
    assert host_dim == [("host",)]
    assert {f"{HOST_SCHEMA}_segments", f"{HOST_SCHEMA}_segments_staging",
            f"{HOST_SCHEMA}_segments_quarantine", f"{HOST_SCHEMA}_segments_seeds"} <= schemas
    assert audience > 0


def test_one_var_switches_the_python_fit_off(builds: dict, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(builds["project"], project, symlinks=True)
    settings = project / "dbt_project.yml"
    parameters = '{"scoring": {"r": 0.5, "alpha": 20, "a": 0.8, "b": 2.5, "p": 6, "q": 4, "gamma": 15}}'
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "    segments_rfm_bins: 5\n",
        f"    segments_rfm_bins: 5\n    segments_prediction_parameters: '{parameters}'\n"), encoding="utf-8")
    listed = _dbt(project, builds["hosted"], "ls", "--select", "package:segments", "--resource-type",
                  "model", "--output", "name")
    assert listed.returncode == 0, listed.stdout[-3000:]
    names = set(listed.stdout.split())
    assert "prediction_parameters" in names
    assert "prediction_fits" not in names


def test_the_data_tests_can_be_left_out_by_tag(builds: dict) -> None:
    """Every data test of the package carries the tag (about 190: the row-level rules of each model
    are one column_rules test, issue 22)."""
    listed = _dbt(builds["project"], builds["hosted"], "ls", "--select", "package:segments",
                  "--resource-type", "test", "--output", "json", "--output-keys", "name", "tags")
    assert listed.returncode == 0, listed.stdout[-3000:]
    tests = [json.loads(line) for line in listed.stdout.splitlines() if line.startswith("{")]
    assert len(tests) > 150
    assert [test["name"] for test in tests if "segments_data_test" not in test["tags"]] == []
    assert any(test["name"].startswith("column_rules_") for test in tests)
