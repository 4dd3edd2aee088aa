"""Parameter columns of a batch summary: one column per `--set` path a scenario changes.

Workers write each scenario's {path: value} as JSON (chunk tables keep one schema); the
merged summary spreads them into columns so an analyst can filter and plot from the
Parquet alone: a path whose values are all numbers is a float column, all true/false a
bool column, anything else (text, `unbounded`, `{min: .., max: ..}`) a text column (JSON
for a mapping or list). A scenario that does not set a path has null there.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from landalloc.batch.worker import SUMMARY

#: The summary's own columns (everything else in the merged summary is a parameter).
FIXED = tuple(f.name for f in SUMMARY if f.name != "parameters")


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int | float):
        return "num"
    return "text"


def column_types(encoded: Iterable[str | None]) -> dict[str, pa.DataType]:
    """Path -> Arrow type over every scenario's JSON parameters, in first-seen order."""
    kinds: dict[str, set[str]] = {}
    for text in encoded:
        for k, v in json.loads(text or "{}").items():
            kinds.setdefault(k, set()).add(_kind(v))
    out = {}
    for k, seen in kinds.items():
        if k in FIXED:  # never shadow a summary column (no path is named like one)
            continue
        out[k] = {frozenset({"num"}): pa.float64(),
                  frozenset({"bool"}): pa.bool_()}.get(frozenset(seen), pa.string())
    return out


def _as(v: Any, typ: pa.DataType) -> Any:
    if v is None:
        return None
    if typ == pa.float64():
        return float(v)
    if typ == pa.bool_():
        return bool(v)
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, sort_keys=True)


def schema(types: dict[str, pa.DataType]) -> pa.Schema:
    fields = [f for f in SUMMARY if f.name != "parameters"]
    return pa.schema(fields + [pa.field(k, t) for k, t in types.items()])


def spread(table: pa.Table, types: dict[str, pa.DataType]) -> pa.Table:
    """A chunk's summary with its JSON parameters as one column per path."""
    rows = [json.loads(t or "{}") for t in table.column("parameters").to_pylist()]
    base = table.drop_columns(["parameters"])
    for k, typ in types.items():
        base = base.append_column(pa.field(k, typ),
                                  pa.array([_as(r.get(k), typ) for r in rows], type=typ))
    return base


def _read(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, str) and v[:1] in "{[":
        try:
            return json.loads(v)
        except ValueError:
            return v
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v


def parameters(summary) -> dict[int, dict[str, Any]]:
    """id -> {path: value} from a merged summary (a DataFrame): the values each scenario
    used, unset paths left out."""
    cols = [c for c in summary.columns if c not in FIXED]
    out: dict[int, dict[str, Any]] = {}
    ids = summary["id"].tolist()
    values = {c: summary[c].tolist() for c in cols}
    for k, sid in enumerate(ids):
        out[int(sid)] = {c: v for c in cols if (v := _read(values[c][k])) is not None}
    return out
