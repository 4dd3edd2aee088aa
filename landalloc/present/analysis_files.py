"""Files written by `sensitivity`, `sweep` and `tornado --out DIR`: each one atomically."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from landalloc.atomic import atomic_write, atomic_write_text, write_json


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out.attrs = {}
    return out


def write_sensitivity(out: Path, rep) -> list[Path]:
    files = [out / "rules.csv", out / "cells.csv", out / "sensitivity.json"]
    atomic_write_text(files[0], _plain(rep.rules).drop(columns=["members"]).to_csv(index=False))
    atomic_write_text(files[1], _plain(rep.cells).to_csv(index=False))
    write_json(files[2], rep.to_dict())
    return files


def write_sweep(out: Path, df: pd.DataFrame) -> list[Path]:
    from landalloc.present.plots import plot_sweep

    files = [out / "sweep.csv", out / "sweep.parquet", out / "sweep.png", out / "record.json"]
    atomic_write_text(files[0], _plain(df).to_csv(index=False))
    atomic_write(files[1], lambda tmp: _plain(df).to_parquet(tmp, index=False))
    plot_sweep(df, files[2])
    write_json(files[3], {k: v for k, v in df.attrs.items() if k != "sectors"})
    return files


def write_tornado(out: Path, df: pd.DataFrame) -> list[Path]:
    from landalloc.present.plots import plot_tornado

    files = [out / "tornado.csv", out / "tornado.png", out / "record.json"]
    atomic_write_text(files[0], _plain(df).to_csv(index=False))
    plot_tornado(df, files[1])
    write_json(files[2], dict(df.attrs))
    return files
