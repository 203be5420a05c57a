"""The DAG of docs/architecture.md, drawn from dbt's manifest: one box per layer and domain
(models/<layer>/<domain>/), an arrow where a box reads another. Rewrites the diagram between the
markers in docs/architecture.md; tests/python/test_architecture.py fails when it is stale.

    python scripts/architecture_diagram.py target/manifest.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"
START, END = "<!-- diagram: scripts/architecture_diagram.py -->", "<!-- end of diagram -->"
LAYERS = ("raw", "seeds", "staging", "intermediate", "marts", "snapshots", "reporting")


def box(node: dict) -> tuple[str, str]:
    """(layer, box name) of a manifest node: its folder under models/, else its kind."""
    kind = node["resource_type"]
    if kind == "source":
        return "raw", "raw"
    if kind in ("seed", "snapshot"):
        return kind + "s", kind + "s"
    parts = Path(node["original_file_path"]).parts
    layer = parts[1]
    domain = parts[2] if layer in ("intermediate", "marts") and len(parts) > 3 else layer
    return layer, domain if domain == layer else f"{layer}/{domain}"


def diagram(manifest: dict) -> str:
    """The Mermaid flowchart of the project's boxes and the reads between them."""
    nodes = {**manifest["nodes"], **manifest["sources"]}
    ours = {key: node for key, node in nodes.items()
            if node.get("package_name") == "segments" and node["resource_type"] in ("model", "seed", "snapshot", "source")}
    boxes: dict[str, set[str]] = {layer: set() for layer in LAYERS}
    edges = set()
    for key, node in ours.items():
        layer, name = box(node)
        boxes[layer].add(name)
        for parent in node.get("depends_on", {}).get("nodes", []):
            if parent in ours and box(ours[parent])[1] != name:
                edges.add((box(ours[parent])[1], name))
    ident = lambda name: name.replace("/", "_")  # noqa: E731
    lines = ["```mermaid", "flowchart LR"]
    for layer in LAYERS:
        if not boxes[layer]:
            continue
        lines.append(f"    subgraph {layer}")
        lines += [f"        {ident(name)}[{name.split('/')[-1]}]" for name in sorted(boxes[layer])]
        lines.append("    end")
    lines += [f"    {ident(parent)} --> {ident(child)}" for parent, child in sorted(edges)]
    lines.append("```")
    return "\n".join(lines)


def with_diagram(document: str, manifest: dict) -> str:
    """The document with its diagram between the markers replaced by the manifest's."""
    head, rest = document.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{diagram(manifest)}\n{END}{tail}"


def main() -> None:
    manifest = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    DOC.write_text(with_diagram(DOC.read_text(encoding="utf-8"), manifest), encoding="utf-8")
    print(f"diagram of {DOC} redrawn")


if __name__ == "__main__":
    main()
