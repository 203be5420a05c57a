"""Where the dbt project, its profiles and the DuckDB warehouse are."""

from __future__ import annotations

import os
from pathlib import Path

from segments.errors import SegmentsError

DEFAULT_WAREHOUSE = Path("warehouse") / "segments.duckdb"


def project_dir() -> Path:
    """The dbt project: $SEGMENTS_PROJECT_DIR, else the nearest folder up from the current one
    that holds this project's dbt_project.yml, else the checkout this package was installed from."""
    configured = os.environ.get("SEGMENTS_PROJECT_DIR")
    if configured:
        path = Path(configured).resolve()
        if not (path / "dbt_project.yml").is_file():
            raise SegmentsError(f"SEGMENTS_PROJECT_DIR={configured}: no dbt_project.yml there")
        return path
    for folder in (Path.cwd(), *Path.cwd().parents):
        if _is_segments_project(folder):
            return folder
    checkout = Path(__file__).resolve().parents[2]
    if _is_segments_project(checkout):
        return checkout
    raise SegmentsError(
        "cannot find the dbt project: run inside the checkout or set SEGMENTS_PROJECT_DIR"
    )


def _is_segments_project(folder: Path) -> bool:
    manifest = folder / "dbt_project.yml"
    return manifest.is_file() and "name: segments" in manifest.read_text(encoding="utf-8")


def warehouse_path(explicit: str | None = None) -> Path:
    """The DuckDB file: --database, else $SEGMENTS_DUCKDB_PATH, else warehouse/segments.duckdb in
    the project. Relative paths are taken from the current folder and made absolute, and the
    result is exported as SEGMENTS_DUCKDB_PATH so the dbt profile uses the very same file."""
    chosen = explicit or os.environ.get("SEGMENTS_DUCKDB_PATH")
    path = Path(chosen).resolve() if chosen else project_dir() / DEFAULT_WAREHOUSE
    os.environ["SEGMENTS_DUCKDB_PATH"] = str(path)
    return path


TARGETS = ("duckdb", "postgres", "spark")


def select_target(explicit: str | None = None) -> str:
    """The dbt target: --target, else $SEGMENTS_TARGET, else duckdb. It is exported as
    SEGMENTS_TARGET for the profile; for spark, the folders the profile and the raw files use are
    made absolute first, so every command of a run sees the same metastore and files."""
    chosen = explicit or os.environ.get("SEGMENTS_TARGET") or "duckdb"
    if chosen not in TARGETS:
        raise SegmentsError(f"unknown target '{chosen}': choose one of {', '.join(TARGETS)}")
    os.environ["SEGMENTS_TARGET"] = chosen
    if chosen == "spark":
        spark_dir()
        segments_raw_parquet_dir()
        # The in-process Spark driver listens on loopback only, never on the machine's network.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    return chosen


def spark_dir() -> Path:
    """The spark target's folder (tables and metastore): $SEGMENTS_SPARK_DIR, else
    warehouse/spark in the project; exported as an absolute path."""
    configured = os.environ.get("SEGMENTS_SPARK_DIR")
    path = Path(configured).resolve() if configured else project_dir() / "warehouse" / "spark"
    os.environ["SEGMENTS_SPARK_DIR"] = str(path)
    return path


def segments_raw_parquet_dir() -> Path:
    """Where `segments load --target spark` writes the raw files and the spark target reads them
    (var segments_raw_parquet_dir): $SEGMENTS_RAW_PARQUET_DIR, else SPARK_DIR/raw; exported absolute."""
    configured = os.environ.get("SEGMENTS_RAW_PARQUET_DIR")
    path = Path(configured).resolve() if configured else spark_dir() / "raw"
    os.environ["SEGMENTS_RAW_PARQUET_DIR"] = str(path)
    return path


def project_vars() -> dict:
    """The vars block of this project's dbt_project.yml (the defaults, not a build's overrides)."""
    import yaml

    settings = yaml.safe_load((project_dir() / "dbt_project.yml").read_text(encoding="utf-8"))
    return settings.get("vars") or {}


def segment_dimensions() -> list[str]:
    """The segment dimensions, as dbt_project.yml declares them once (var segments_segment_dimensions):
    the label columns of contact_segments that the CLI's help and checks list."""
    return list(project_vars()["segments_segment_dimensions"])
