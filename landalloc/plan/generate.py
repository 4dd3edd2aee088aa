"""Scenario sets: a grid (every combination of values) or Monte Carlo draws (seeded).

A set is written either as scenario files (one YAML per scenario, extending the base) or as
one compact override table (Parquet/CSV: `scenario`, `extends`, `period` and one column per
path) that `landalloc batch` streams — the form for very large sets.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from landalloc.errors import InputError
from landalloc.plan.yamlio import parse_scalar

DISTRIBUTIONS = {"uniform": 2, "normal": 2, "triangular": 3}
_CALL = re.compile(r"^\s*(\w+)\s*\((.*)\)\s*$")


def _split(spec: str, origin: str) -> tuple[str, str]:
    if "=" not in spec:
        raise InputError.one(f"expected PATH=VALUES, got '{spec}'", file=origin)
    path, _, rest = spec.partition("=")
    if not path.strip() or not rest.strip():
        raise InputError.one(f"expected PATH=VALUES, got '{spec}'", file=origin)
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
        values = [a + k * c for k in range(n)]
        return path, [int(v) if float(v).is_integer() else round(v, 10) for v in values]
    values = [parse_scalar(t.strip()) for t in rest.split(",") if t.strip()]
    if not values:
        raise InputError.one(f"no values in '{spec}'", file="--param")
    return path, values


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


def _yaml_scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_yaml_scalar(x)}" for k, x in v.items()) + "}"
    return json.dumps(str(v), ensure_ascii=False)


def write_set(out: Path, base: str, period: str | None, prefix: str, paths: list[str],
              rows: Iterator[tuple] | np.ndarray, description: str) -> int:
    """Write scenarios as YAML files into a folder, or as one .parquet/.csv table."""
    if out.suffix in (".parquet", ".csv"):
        return _write_table(out, base, period, prefix, paths, rows)
    out.mkdir(parents=True, exist_ok=True)
    extends = _extends_from(base, out)
    n = 0
    for n, values in enumerate(rows, start=1):
        name = f"{prefix}-{n:06d}"
        lines = [f"name: {name}", f"description: {json.dumps(description, ensure_ascii=False)}",
                 f"extends: {json.dumps(extends)}"]
        if period:
            lines.append(f"period: {json.dumps(period)}")
        lines.append("set:")
        lines += [f"  {p}: {_yaml_scalar(v)}" for p, v in zip(paths, values, strict=True)]
        (out / f"{name}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return n


def _write_table(out: Path, base: str, period: str | None, prefix: str, paths: list[str],
                 rows: Iterator[tuple] | np.ndarray) -> int:
    import pandas as pd

    from landalloc.atomic import atomic_write_text

    data = pd.DataFrame(list(rows) if not isinstance(rows, np.ndarray) else rows,
                        columns=paths)
    n = len(data)
    data.insert(0, "scenario", [f"{prefix}-{k:06d}" for k in range(1, n + 1)])
    data.insert(1, "extends", _extends_from(base, out.parent))
    if period:
        data.insert(2, "period", period)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".csv":
        atomic_write_text(out, data.to_csv(index=False))
    else:
        tmp = out.with_name(f".{out.name}.tmp")
        data.to_parquet(tmp, index=False)
        os.replace(tmp, out)
    return n
