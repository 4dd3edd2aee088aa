"""Where the bundled instances live, installed or in a source checkout."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

DEFAULT_INSTANCE = "zhengzhou"
INSTANCE_FILE = "instance.yaml"


def instances_root() -> Path:
    """The folder of bundled instances (`LANDALLOC_INSTANCES` overrides it)."""
    env = os.environ.get("LANDALLOC_INSTANCES")
    if env:
        return Path(env)
    source_tree = Path(__file__).resolve().parents[2] / "instances"
    if source_tree.is_dir():  # a checkout (editable install)
        return source_tree
    spec = importlib.util.find_spec("landalloc.instances")  # installed: package data
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return source_tree


def resolve_input(ref: str | os.PathLike | None) -> Path:
    """A bundled instance name, an instance folder, or a YAML file -> the YAML file to read."""
    if ref is None:
        ref = DEFAULT_INSTANCE
    path = Path(ref)
    if path.is_dir():
        return path / INSTANCE_FILE
    if path.exists() or path.suffix in (".yaml", ".yml") or os.sep in str(ref):
        return path
    bundled = instances_root() / str(ref)
    if bundled.is_dir():
        return bundled / INSTANCE_FILE
    return path
