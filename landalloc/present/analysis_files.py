"""Files written by `sensitivity`, `sweep` and `tornado --out DIR`: each folder whole.

Each folder is built in a temporary sibling and swapped into place (atomic.run_folder):
stale files of an earlier run never sit beside new ones.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from landalloc.atomic import atomic_write, run_folder, write_csv, write_json


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out.attrs = {}
    return out


def _in(out: Path, files: list[Path], tmp: Path) -> list[Path]:
    return [Path(out) / f.relative_to(tmp) for f in files]


def write_sensitivity(out: Path, rep) -> list[Path]:
    with run_folder(out, "sensitivity") as tmp:
        return _in(out, _sensitivity(tmp, rep), tmp)


def write_sweep(out: Path, df: pd.DataFrame) -> list[Path]:
    with run_folder(out, "sweep") as tmp:
        return _in(out, _sweep(tmp, df), tmp)


def write_tornado(out: Path, df: pd.DataFrame) -> list[Path]:
    with run_folder(out, "tornado") as tmp:
        return _in(out, _tornado(tmp, df), tmp)


def _sensitivity(out: Path, rep) -> list[Path]:
    files = [out / "rules.csv", out / "cells.csv", out / "sensitivity.json"]
    write_csv(files[0], _plain(rep.rules).drop(columns=["members"]))
    write_csv(files[1], _plain(rep.cells))
    write_json(files[2], rep.to_dict())
    return files


def _sweep(out: Path, df: pd.DataFrame) -> list[Path]:
    from landalloc.present.plots import plot_sweep

    files = [out / "sweep.csv", out / "sweep.parquet", out / "sweep.png", out / "record.json"]
    write_csv(files[0], _plain(df))
    atomic_write(files[1], lambda tmp: _plain(df).to_parquet(tmp, index=False))
    plot_sweep(df, files[2])
    write_json(files[3], {k: v for k, v in df.attrs.items() if k != "sectors"})
    return files


def _tornado(out: Path, df: pd.DataFrame) -> list[Path]:
    from landalloc.present.plots import plot_tornado

    files = [out / "tornado.csv", out / "tornado.png", out / "record.json"]
    write_csv(files[0], _plain(df))
    plot_tornado(df, files[1])
    write_json(files[2], dict(df.attrs))
    return files
