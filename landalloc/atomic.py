"""Writing results: every file goes to a temporary name first, then is renamed."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd


def atomic_write(path: Path, write: Callable[[str], None], suffix: str = "") -> Path:
    """Call write(tmp) on a temporary file beside `path`, then rename it into place.

    A reader never sees half a file, and a failure leaves the old file as it was. The file
    gets ordinary permissions (mkstemp's are private). `suffix` keeps writers that choose a
    format from the file name (HiGHS, matplotlib) working.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    return atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))


def atomic_write_text(path: Path, text: str) -> Path:
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


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
