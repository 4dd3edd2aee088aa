"""Scenario sets: a grid (every combination of values) or Monte Carlo draws (seeded).

A set is written either as scenario files (one YAML per scenario, extending the base) or as
one compact override table (Parquet/CSV: `scenario`, `extends`, `period` and one column per
path) that `landalloc batch` streams — the form for very large sets.
"""

from __future__ import annotations

import itertools
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from landalloc.errors import InputError
from landalloc.plan.choices import MAX_SCENARIOS
from landalloc.plan.safefile import excerpt
from landalloc.plan.yamlio import parse_scalar

DISTRIBUTIONS = {"uniform": 2, "normal": 2, "triangular": 3}
_CALL = re.compile(r"^\s*(\w+)\s*\((.*)\)\s*$")


def _split(spec: str, origin: str) -> tuple[str, str]:
    if "=" not in spec:
        raise InputError.one(f"expected PATH=VALUES, got {excerpt(spec)}", file=origin)
    path, _, rest = spec.partition("=")
    if not path.strip() or not rest.strip():
        raise InputError.one(f"expected PATH=VALUES, got {excerpt(spec)}", file=origin)
    if not _PATH.fullmatch(path.strip()):
        raise InputError.one(f"{excerpt(path.strip())} is not a path: dotted names such as "
                             "districts.airport.cap", file=origin)
    return path.strip(), rest.strip()


def _number(text: str, spec: str, origin: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise InputError.one(f"'{text}' is not a number in '{spec}'", file=origin) from None
    if not math.isfinite(v):
        raise InputError.one(f"'{text}' is not a finite number in '{spec}'", file=origin)
    return v


def grid_values(spec: str) -> tuple[str, list[Any]]:
    """`PATH=1100,1300,1500` or `PATH=1000:1500:100` (stop included) -> (path, values)."""
    path, rest = _split(spec, "--param")
    if re.fullmatch(r"[^,:]+:[^,:]+:[^,:]+", rest):
        a, b, c = (_number(t, spec, "--param") for t in rest.split(":"))
        if c <= 0 or b < a:
            raise InputError.one(f"START:STOP:STEP needs STEP > 0 and STOP >= START: '{spec}'",
                                 file="--param")
        n = math.floor((b - a) / c + 1e-9) + 1
        if n > MAX_SCENARIOS:
            raise InputError.one(f"{n:,} values in {excerpt(spec)}: a set holds at most "
                                 f"{MAX_SCENARIOS:,} scenarios", file="--param")
        values = [a + k * c for k in range(n)]
        return path, [int(v) if float(v).is_integer() else round(v, 10) for v in values]
    values = [parse_scalar(t.strip()) for t in _top_level_items(rest) if t.strip()]
    if not values:
        raise InputError.one(f"no values in '{spec}'", file="--param")
    return path, values


def _top_level_items(text: str) -> list[str]:
    """Split a value list at the commas outside braces and brackets, so that
    `1100,{min: 1000, max: 1200}` is two values."""
    items, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "{[":
            depth += 1
        elif ch in "}]":
            depth = max(depth - 1, 0)
        elif ch == "," and depth == 0:
            items.append(text[start:i])
            start = i + 1
    return [*items, text[start:]]


@dataclass(frozen=True)
class Draw:
    """One parameter's distribution."""

    path: str
    kind: str
    args: tuple[float, ...]

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.kind == "uniform":
            return rng.uniform(self.args[0], self.args[1], n)
        if self.kind == "normal":
            return rng.normal(self.args[0], self.args[1], n)
        lo, mode, hi = self.args
        return rng.triangular(lo, mode, hi, n)


def parse_draw(spec: str) -> Draw:
    """`PATH=uniform(LO,HI)`, `PATH=normal(MEAN,SD)`, `PATH=triangular(LO,MODE,HI)`."""
    path, rest = _split(spec, "--param")
    m = _CALL.match(rest)
    if not m or m.group(1) not in DISTRIBUTIONS:
        raise InputError.one(f"expected uniform(lo,hi), normal(mean,sd) or "
                             f"triangular(lo,mode,hi) in '{spec}'", file="--param")
    kind = m.group(1)
    args = tuple(_number(t.strip(), spec, "--param") for t in m.group(2).split(","))
    if len(args) != DISTRIBUTIONS[kind]:
        raise InputError.one(f"{kind} takes {DISTRIBUTIONS[kind]} numbers: '{spec}'",
                             file="--param")
    if kind == "uniform" and args[0] > args[1]:
        raise InputError.one(f"uniform(lo,hi) needs lo <= hi: '{spec}'", file="--param")
    if kind == "normal" and args[1] < 0:
        raise InputError.one(f"normal(mean,sd) needs sd >= 0: '{spec}'", file="--param")
    if kind == "triangular" and not args[0] <= args[1] <= args[2]:
        raise InputError.one(f"triangular(lo,mode,hi) needs lo <= mode <= hi: '{spec}'",
                             file="--param")
    return Draw(path, kind, args)


def grid(specs: list[str]) -> tuple[list[str], Iterator[tuple]]:
    """Paths and the Cartesian product of their values (first path varies slowest)."""
    parsed = [grid_values(s) for s in specs]
    paths = [p for p, _ in parsed]
    if len(set(paths)) != len(paths):
        raise InputError.one("a path is given twice", file="--param")
    return paths, itertools.product(*(v for _, v in parsed))


def grid_size(specs: list[str]) -> int:
    return math.prod(len(grid_values(s)[1]) for s in specs)


def sample(specs: list[str], n: int, seed: int, decimals: int | None
           ) -> tuple[list[str], np.ndarray]:
    """n seeded draws per parameter: an (n, parameters) array."""
    draws = [parse_draw(s) for s in specs]
    paths = [d.path for d in draws]
    if len(set(paths)) != len(paths):
        raise InputError.one("a path is given twice", file="--param")
    rng = np.random.default_rng(seed)
    values = np.column_stack([d.sample(rng, n) for d in draws]) if draws else np.zeros((n, 0))
    if decimals is not None:
        values = np.round(values, decimals)
    return paths, values


def _extends_from(base: str, folder: Path) -> str:
    """The base as a scenario in `folder` must write it: relative path, or a bundled name."""
    p = Path(base)
    if p.exists():
        return Path(os.path.relpath(p.resolve(), folder.resolve())).as_posix()
    return base


def _plain(v: Any) -> Any:
    """A value as YAML should hold it: Python scalars, a whole float as an integer."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    return v


def scenario_yaml(doc: dict[str, Any]) -> str:
    """One scenario file's text, written by the YAML emitter (libyaml): every name, path
    and value is quoted as it must be, so no value can add or break a key."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(doc, Dumper=dumper, sort_keys=False, allow_unicode=True,
                     width=1_000_000)


def write_set(out: Path, base: str, period: str | None, prefix: str, paths: list[str],
              rows: Iterator[tuple] | np.ndarray, description: str) -> int:
    """Write scenarios as YAML files into a folder, or as one .parquet/.csv table.

    The folder is written whole (landalloc.atomic.run_folder): a second run replaces the
    first, never leaving its files beside the new ones, and a folder of other files is
    refused."""
    from landalloc.atomic import run_folder

    check_name(prefix)
    if out.suffix in (".parquet", ".csv"):
        return _write_table(out, base, period, prefix, paths, rows)
    extends = _extends_from(base, out)
    n = 0
    with run_folder(out, "scenarios") as tmp:
        for n, values in enumerate(rows, start=1):
            name = f"{prefix}-{n:06d}"
            doc: dict[str, Any] = {"name": name, "description": description,
                                   "extends": extends}
            if period:
                doc["period"] = period
            doc["set"] = {p: _plain(v) for p, v in zip(paths, values, strict=True)}
            (tmp / f"{name}.yaml").write_text(scenario_yaml(doc), encoding="utf-8")
    return n


#: A scenario name prefix: letters (any script), digits, '.', '_' and '-'; no path.
_NAME = re.compile(r"\w[\w.-]{0,63}")
#: A --set path: dotted names (sectors.electronics.quota.min, horizon.stock_targets.2026-2035).
_PATH = re.compile(r"[\w-]+(\.[\w-]+)*")


def check_name(prefix: str) -> str:
    """A --name becomes file names and YAML: it is a plain name or refused."""
    if not _NAME.fullmatch(prefix) or ".." in prefix:
        raise InputError.one(f"{excerpt(prefix)} is not a scenario name: letters, digits, "
                             "'.', '_' and '-' (at most 64), no '/' or '..'", file="--name")
    return prefix


def _write_table(out: Path, base: str, period: str | None, prefix: str, paths: list[str],
                 rows: Iterator[tuple] | np.ndarray) -> int:
    import pandas as pd

    from landalloc.atomic import atomic_write, atomic_write_text
    from landalloc.safe_text import csv_text

    data = pd.DataFrame(list(rows) if not isinstance(rows, np.ndarray) else rows,
                        columns=paths)
    n = len(data)
    data.insert(0, "scenario", [f"{prefix}-{k:06d}" for k in range(1, n + 1)])
    data.insert(1, "extends", _extends_from(base, out.parent))
    if period:
        data.insert(2, "period", period)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".csv":
        atomic_write_text(out, csv_text(data))
    else:  # whole or absent, like every file written (a kill leaves no temporary file)
        atomic_write(out, lambda tmp: data.to_parquet(tmp, index=False), suffix=".parquet")
    return n
