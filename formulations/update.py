"""Overrides that only move a bound or a cost, applied to an Instance and its LP without
re-validating the instance or formulating again.

For scenario sweeps on small instances, re-validating and re-formulating cost more than
the solve. A bound (`districts.airport.cap=1500`, `sectors.electronics.quota.min=1900`,
`zones.leading.total`, `sector_groups.<g>.total`, `total_increment`) or a cell's output
per ha (`output.<sector>.<district>`) maps to one LP row bound or one cost: the changed
number is validated as the full path would validate it (land is non-negative, min <= max)
and everything else is shared with the base. Any other path returns None: formulate again.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from landalloc.formulations.lp import LinearProgram
from pydantic import ValidationError

from landalloc.errors import InputError
from landalloc.model import BOUND_KEYS, Instance, as_bound

#: collection -> (bound field, LP row name pattern)
_ROWS = {"districts": ("cap", "district_cap[{}]"), "sectors": ("quota", "sector_quota[{}]"),
         "zones": ("total", "zone_total[{}]"), "sector_groups": ("total", "sector_group_total[{}]")}


def _row(lp: LinearProgram, name: str) -> int | None:
    index = lp.meta.get("_row_of")
    if index is None:
        index = lp.meta["_row_of"] = {n: i for i, n in enumerate(lp.row_names())}
    return index.get(name)


def _new_bound(old, field: str, side: str | None, value: Any, path: str):
    """The bound after the override, validated like the instance would validate it."""
    if side is None:
        new = as_bound(value, BOUND_KEYS[field])
        if not isinstance(new, dict):
            return None
        new = {**old.model_dump(exclude_none=True, exclude={"min", "max"}), **new}
    elif side in ("min", "max"):
        new = {**old.model_dump(exclude_none=True), side: value}
    else:
        return None
    try:
        return type(old).model_validate(new)
    except ValidationError as e:
        msg = e.errors()[0]["msg"].removeprefix("Value error, ")
        raise InputError.one(msg, file="--set", key=path) from None


def bound_override(inst: Instance, lp: LinearProgram, path: str,
                   value: Any) -> tuple[Instance, LinearProgram] | None:
    """(Instance', LP') for one bound or cost override, or None if it needs formulate."""
    keys = path.split(".")
    top = keys[0]
    if top == "total_increment" and len(keys) <= 2:
        old = inst.total_increment
        bound = _new_bound(old, "total_increment", keys[1] if len(keys) == 2 else None,
                           value, path)
        if bound is None:
            return None
        return _with_row(inst.model_copy(update={"total_increment": bound}), lp,
                         "total_increment", bound)
    if top in _ROWS and len(keys) in (3, 4) and keys[2] == _ROWS[top][0]:
        field, pattern = _ROWS[top]
        items = getattr(inst, top)
        item = items.get(keys[1])
        old = getattr(item, field, None) if item is not None else None
        row = _row(lp, pattern.format(keys[1]))
        if old is None or row is None:
            return None  # no such rule in the LP yet: formulate
        bound = _new_bound(old, field, keys[3] if len(keys) == 4 else None, value, path)
        if bound is None:
            return None
        new_items = {**items, keys[1]: item.model_copy(update={field: bound})}
        return _with_row(inst.model_copy(update={top: new_items}), lp, row, bound)
    if top == "output" and len(keys) == 3:
        s, d = keys[1], keys[2]
        if s not in inst.sectors or d not in inst.districts or isinstance(value, bool):
            return None
        try:
            v = float(value)
        except (TypeError, ValueError):
            return None
        if not math.isfinite(v) or v < 0:
            raise InputError.one(f"output per ha must be a number >= 0, got {value!r}",
                                 file="--set", key=path)
        output = {**inst.output, s: {**inst.output.get(s, {}), d: v}}
        c = lp.c.copy()
        if inst.is_allowed(s, d):
            c[lp.col_index(s, d)] = v
        return inst.model_copy(update={"output": output}), dataclasses.replace(lp, c=c)
    return None


def _with_row(inst: Instance, lp: LinearProgram, row: int | str, bound) -> tuple:
    i = _row(lp, row) if isinstance(row, str) else row
    lower, upper = lp.row_lower.copy(), lp.row_upper.copy()
    lower[i], upper[i] = bound.lower, bound.upper
    return inst, dataclasses.replace(lp, row_lower=lower, row_upper=upper)


def apply_bounds(inst: Instance, lp: LinearProgram,
                 overrides: list[tuple[str, Any]]) -> tuple[Instance, LinearProgram] | None:
    """Several overrides in order; None as soon as one needs formulate."""
    for path, value in overrides:
        step = bound_override(inst, lp, path, value)
        if step is None:
            return None
        inst, lp = step
    return inst, lp
