"""Writing results: every file goes to a temporary name first, then is renamed."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd


def atomic_write_text(path: Path, text: str) -> None:
    """Write the whole file or nothing: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_json(path: Path, data: Any) -> None:
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def write_csv(path: Path, df: pd.DataFrame) -> None:
    atomic_write_text(path, df.to_csv(index=False))


def write_result(out: Path, result) -> list[Path]:
    """allocation, totals, rules as CSV; result.json; record.json (how to reproduce it)."""
    files = {
        "allocation.csv": result.allocation() if result.optimal else None,
        "totals.csv": pd.concat([result.totals(k).assign(kind=k)
                                 for k in ("sector", "district", "zone")])
        if result.optimal else None,
        "rules.csv": result.rules().drop(columns=["members"]) if result.optimal else None,
    }
    text = {name: df.to_csv(index=False) for name, df in files.items() if df is not None}
    written = []
    for name, body in text.items():
        atomic_write_text(out / name, body)
        written.append(out / name)
    write_json(out / "result.json", result.to_dict())
    write_json(out / "record.json", run_record(result))
    return [*written, out / "result.json", out / "record.json"]


def run_record(result) -> dict[str, Any]:
    """Everything needed to reproduce a result: inputs, overrides, versions, outcome."""
    from importlib import metadata

    versions = {}
    for pkg in ("landalloc", "highspy", "numpy", "scipy", "pandas", "pydantic", "pulp", "pyomo"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return {**result.record, "status": result.status, "objective": result.objective,
            "max_violation": result.max_violation, "versions": versions,
            "effective_instance": result.instance.model_dump(mode="json")}
