"""The project's shape, read from dbt's manifest: layers only look down, only staging reads raw
sources and checks each on its own, every mart has a primary-key test, the segment dimensions are
declared once, and every column entry in YAML says what dbt reads (docs/architecture.md states the
rules).

Layer of a model: its first folder under models/ (staging, intermediate, marts, reporting);
snapshots sit with the marts (they record contact_segments, marts read them), seeds below staging.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from segments.project import project_dir, segment_dimensions

ROOT = project_dir()
LAYERS = {"seed": 0, "staging": 1, "intermediate": 2, "marts": 3, "snapshot": 3, "reporting": 4}
PUBLISHED = ("marts", "reporting")
PRIMARY_KEY_TESTS = {"unique", "unique_combination_of_columns"}


def is_primary_key_test(test: dict) -> bool:
    """A unique or unique_combination_of_columns test, or a column_rules test with a unique rule."""
    metadata = test.get("test_metadata") or {}
    if metadata.get("name") == "column_rules":
        return any("unique" in rules for rules in metadata["kwargs"]["rules"].values())
    return metadata.get("name") in PRIMARY_KEY_TESTS


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """dbt's manifest of the project, parsed afresh (no warehouse needed)."""
    from dbt.cli.main import dbtRunner

    target = tmp_path_factory.mktemp("manifest")
    result = dbtRunner().invoke(["parse", "--project-dir", str(ROOT), "--profiles-dir", str(ROOT / "profiles"),
                                 "--target-path", str(target), "--quiet"])
    assert result.success, result.exception
    return json.loads((target / "manifest.json").read_text(encoding="utf-8"))


def layer(node: dict) -> str:
    if node["resource_type"] in ("seed", "snapshot"):
        return node["resource_type"]
    folder = Path(node["original_file_path"]).parts
    assert folder[0] == "models" and folder[1] in LAYERS, node["original_file_path"]
    return folder[1]


def _models(manifest: dict) -> list[dict]:
    return [node for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and node["package_name"] == "segments"]


def upward_reads(manifest: dict) -> list[str]:
    """'model (layer) reads other (layer)' for every read of a layer above the reader's."""
    found = []
    for node in _models(manifest) + [n for n in manifest["nodes"].values() if n["resource_type"] == "snapshot"]:
        for parent_id in node["depends_on"]["nodes"]:
            parent = manifest["nodes"].get(parent_id)
            if parent is not None and LAYERS[layer(parent)] > LAYERS[layer(node)]:
                found.append(f"{node['name']} ({layer(node)}) reads {parent['name']} ({layer(parent)})")
    return found


def test_no_model_reads_a_layer_above_its_own(manifest: dict) -> None:
    assert upward_reads(manifest) == []


def test_the_layer_check_can_fail(manifest: dict) -> None:
    changed = json.loads(json.dumps(manifest))
    (node,) = [n for n in changed["nodes"].values() if n["name"] == "int_contact_order_facts"]
    (mart,) = [key for key, n in changed["nodes"].items() if n["name"] == "fct_orders"]
    node["depends_on"]["nodes"].append(mart)
    assert upward_reads(changed) == ["int_contact_order_facts (intermediate) reads fct_orders (marts)"]


def test_only_staging_reads_sources(manifest: dict) -> None:
    readers = {node["name"]: layer(node) for node in _models(manifest)
               if any(parent.startswith("source.") for parent in node["depends_on"]["nodes"])}
    assert readers and set(readers.values()) == {"staging"}, readers


def staging_models_across_sources(manifest: dict) -> list[str]:
    """'model reads contacts, orders' for every staging model that combines the rows of several raw
    tables through the staging models it reads: a check across sources (the order's contact
    exists) belongs to the intermediate layer. A model that reads sources only (the row counts)
    checks nothing and is not one."""
    nodes = manifest["nodes"]

    def raw_tables(node_id: str) -> set[str]:
        if node_id.startswith("source."):
            return {manifest["sources"][node_id]["name"]}
        node = nodes.get(node_id)
        if node is None or node["resource_type"] != "model" or layer(node) != "staging":
            return set()
        return set().union(*(raw_tables(parent) for parent in node["depends_on"]["nodes"]))

    found = []
    for node in _models(manifest):
        parents = node["depends_on"]["nodes"]
        if layer(node) != "staging" or not any(parent.startswith("model.") for parent in parents):
            continue
        tables = raw_tables(node["unique_id"])
        if len(tables) > 1:
            found.append(f"{node['name']} reads {', '.join(sorted(tables))}")
    return found


def test_staging_checks_each_source_on_its_own(manifest: dict) -> None:
    assert staging_models_across_sources(manifest) == []


def test_the_cross_source_check_can_fail(manifest: dict) -> None:
    changed = json.loads(json.dumps(manifest))
    (node,) = [n for n in changed["nodes"].values() if n["name"] == "stg_order_lines__checked"]
    (contacts,) = [key for key, n in changed["nodes"].items() if n["name"] == "stg_contacts"]
    node["depends_on"]["nodes"].append(contacts)
    assert "stg_order_lines__checked reads contacts, orders" in staging_models_across_sources(changed)


def test_every_published_model_has_a_primary_key_test(manifest: dict) -> None:
    keyed = set()
    for test in manifest["nodes"].values():
        if test["resource_type"] == "test" and is_primary_key_test(test):
            keyed.add(test.get("attached_node") or "")
    published = [node for node in _models(manifest) if layer(node) in PUBLISHED and node["config"]["enabled"]]
    assert len(published) >= 25
    missing = [node["name"] for node in published
               if node["unique_id"] not in keyed
               and not any(c["type"] == "primary_key" for c in node.get("constraints", []))]
    assert missing == []


def test_the_segment_dimensions_are_columns_of_contact_segments(manifest: dict) -> None:
    (segments,) = [node for node in _models(manifest) if node["name"] == "contact_segments"]
    dimensions = segment_dimensions()
    assert len(dimensions) == 10
    assert set(dimensions) <= set(segments["columns"])


DIMENSION_LIST = re.compile(r"[\[(]\s*(['\"]\w+['\"]\s*,\s*)+['\"]\w+['\"]\s*,?\s*[\])]")


def copied_dimension_lists(text: str) -> list[str]:
    """List literals in code that name three or more segment dimensions: copies of the declaration
    (two may be a model's own pair, such as Abell's client_group and primary_need)."""
    dimensions = set(segment_dimensions())
    return [match.group(0) for match in DIMENSION_LIST.finditer(text)
            if len(dimensions & set(re.findall(r"['\"](\w+)['\"]", match.group(0)))) >= 3]


def test_no_code_copies_the_list_of_dimensions() -> None:
    assert copied_dimension_lists("{% set d = ['lifecycle_stage', 'abc_tier', 'churn_risk'] %}")
    assert not copied_dimension_lists("('client_group', 'primary_need')")
    files = [*(ROOT / "models").rglob("*.sql"), *(ROOT / "macros").rglob("*.sql"), *(ROOT / "src").rglob("*.py")]
    copies = {str(path.relative_to(ROOT)): copied_dimension_lists(path.read_text(encoding="utf-8"))
              for path in files}
    assert {path: found for path, found in copies.items() if found} == {}


COLUMN_KEYS = {"name", "description", "data_tests", "tests", "data_type", "constraints", "config", "quote",
               "meta", "tags", "granularity"}


def test_every_column_entry_has_only_the_keys_dbt_reads() -> None:
    """A flow mapping `{name: x, description: A, b}` parses as description 'A' and a key 'b': the
    description is cut at its first comma. Such entries must be quoted."""
    assert set(yaml.safe_load("{name: x, description: A, b}")) - COLUMN_KEYS == {"b"}
    odd = []
    for path in [*(ROOT / "models").rglob("*.yml"), *(ROOT / "seeds").rglob("*.yml"),
                 *(ROOT / "snapshots").rglob("*.yml")]:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in ("models", "seeds", "snapshots", "sources"):
            for entry in document.get(key) or []:
                for holder in [entry, *(entry.get("tables") or [])]:
                    for column in holder.get("columns") or []:
                        extra = set(column) - COLUMN_KEYS
                        if extra:
                            odd.append(f"{path.name}: {holder['name']}.{column['name']}: {extra}")
    assert odd == []


def test_the_architecture_diagram_is_current(manifest: dict) -> None:
    import importlib.util

    script = ROOT / "scripts" / "architecture_diagram.py"
    spec = importlib.util.spec_from_file_location("architecture_diagram", script)
    drawing = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(drawing)
    document = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert "marts_core --> marts_activation" in drawing.diagram(manifest)
    assert drawing.with_diagram(document, manifest) == document, (
        "docs/architecture.md is stale: run `python scripts/architecture_diagram.py target/manifest.json`")


def test_the_export_help_lists_every_dimension(capsys: pytest.CaptureFixture) -> None:
    from segments.cli import main

    with pytest.raises(SystemExit):
        main(["export", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert all(dimension in help_text for dimension in segment_dimensions()), help_text


# What the CLI's modules name as relations: relation(connection, 'x'), ("main", "x") pairs and the
# keys of export.RELATIONS.
NAMED_RELATION = re.compile(r"""relation\(connection, ["'](\w+)["']|\(MARTS, "(\w+)"\)|\(SEEDS, "(\w+)"\)""")
READERS = ("summary", "report", "validate", "export", "parameters", "build_log", "engines")


def test_the_cli_reads_only_marts_reporting_models_and_seeds(manifest: dict) -> None:
    from segments import export

    published = {node["name"] for node in manifest["nodes"].values()
                 if node["resource_type"] in ("seed", "snapshot", "model")
                 and layer(node) in ("seed", "marts", "snapshot", "reporting")}
    named = set(export.RELATIONS)
    for module in READERS:
        source = (ROOT / "src" / "segments" / f"{module}.py").read_text(encoding="utf-8")
        named |= {name for match in NAMED_RELATION.finditer(source) for name in match.groups() if name}
    assert len(named) > 25, sorted(named)
    assert named - published == set(), "the CLI reads models below the marts"


def test_the_prediction_fit_imports_only_the_fitting_module() -> None:
    """int_prediction_fits runs inside dbt: it may import segments.predict, which imports numpy and
    scipy only, never the CLI or anything that reads the warehouse."""
    model = (ROOT / "models" / "intermediate" / "predictions" / "int_prediction_fits.py").read_text("utf-8")
    assert set(re.findall(r"from (segments[\w.]*) import", model)) == {"segments.predict"}
    fitter = (ROOT / "src" / "segments" / "predict.py").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(from|import) segments", fitter, re.M)
