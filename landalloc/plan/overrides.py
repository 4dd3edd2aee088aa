"""`--set PATH=VALUE` and scenario `set:` blocks: dotted paths into the period instance.

A changed bound cites the change (`--set …` or file:line) as its source and keeps the
plan's figure beside it; `unbounded` removes a bound (or one side of it) on purpose —
an empty value never does.
"""

from __future__ import annotations

import copy
import math
import os
from dataclasses import dataclass
from typing import Any

from landalloc.errors import InputError, Problem
from landalloc.plan.model import BOUND_KEYS, as_bound
from landalloc.plan.yamlio import Where, parse_scalar

#: Top-level keys whose children are ids that must already exist.
COLLECTIONS = ("sectors", "districts", "zones", "sector_groups", "area_classes")
#: Keys addressed as <sector>.<district>.
CELL_MAPS = ("allowed", "output")
#: The explicit spelling that removes a bound (or one side: `….cap.max=unbounded`).
UNBOUNDED = "unbounded"
#: Top-level keys that are not plan figures, and where they are set instead.
NOT_FIGURES = {
    "period": "choose the period with --period (or `period:` in a scenario file)",
    "name": "name a scenario with `name:` in its file",
    "description": "describe a scenario with `description:` in its file",
    "title": "the plan's title is not a figure",
    "objective_unit": "the objective's unit is not a figure",
    "output_source": "the source of output per ha is not a figure",
    "tables": "the plan's tables are how a report groups figures, not figures",
}


@dataclass(frozen=True)
class Override:
    """One change: where it came from, the path, the value before and after."""

    path: str
    value: Any
    origin: str  # "--set" or the scenario file
    line: int | None = None
    old: Any = None


def parse_set(text: str) -> tuple[str, Any]:
    """`districts.airport.cap=1500` -> ("districts.airport.cap", 1500)."""
    if "=" not in text:
        raise InputError.one(f"expected PATH=VALUE, got '{text}'", file="--set")
    path, _, raw = text.partition("=")
    path = path.strip()
    if not path:
        raise InputError.one(f"empty path in '{text[:60]}'", file="--set")
    try:
        return path, parse_scalar(raw.strip())
    except InputError as e:
        raise InputError([Problem(p.message, "--set", path) for p in e.problems]) from None


def _figure(bound: Any) -> str:
    """A bound in the analyst's words: = 1,100, ≤ 1,100, ≥ 0.6, 1,000–1,200."""
    if not isinstance(bound, dict):
        return "none"
    lo, hi = bound.get("min"), bound.get("max")

    def f(v: Any) -> str:
        return f"{v:,.4g}" if isinstance(v, float) and abs(v) < 1 else f"{v:,}"

    if lo is not None and lo == hi:
        return f"= {f(lo)}"
    if lo is None and hi is None:
        return "unbounded"
    if lo is None:
        return f"≤ {f(hi)}"
    if hi is None:
        return f"≥ {f(lo)}"
    return f"{f(lo)}–{f(hi)}"


def cite(ov: Override) -> str:
    """Where a change comes from, as a source: `--set PATH=VALUE` or `file:line set PATH`."""
    if ov.origin == "--set":
        return f"--set {ov.path}={_text(ov.value)}"
    try:
        shown = os.path.relpath(ov.origin)
    except ValueError:
        shown = ov.origin
    if shown.startswith(".."):
        shown = ov.origin
    return f"{shown}:{ov.line} set {ov.path}" if ov.line else f"{shown} set {ov.path}"


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _value_problem(path: str, keys: list[str], value: Any) -> str | None:
    """What is wrong with a value at a path before it is applied, or None."""
    if keys[0] in NOT_FIGURES:
        return f"'{keys[0]}' is not a plan figure: {NOT_FIGURES[keys[0]]}"
    if value is None:
        from landalloc.plan.yamlio import NULL_HINT

        return NULL_HINT
    if keys[0] == "allowed" and not isinstance(value, bool):
        shown = str(value)[:40]
        return f"expected true or false, got '{shown}' (booleans are exactly true/false)"
    if value == UNBOUNDED and not _bound_path(keys):
        return "`unbounded` removes a bound: only quota, cap, total, share, " \
               "total_increment (or their .min/.max) take it"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a finite number"
    return None


def _bound_path(keys: list[str]) -> bool:
    return keys[-1] in BOUND_KEYS or (len(keys) > 1 and keys[-1] in ("min", "max")
                                      and keys[-2] in BOUND_KEYS)


def _normalise(data: dict) -> None:
    """Rewrite bare numbers at bound keys as explicit {min, max} in place."""
    for key, value in list(data.items()):
        if key in BOUND_KEYS and not isinstance(value, bool):
            data[key] = as_bound(value, BOUND_KEYS[key])
            value = data[key]
        if isinstance(value, dict):
            _normalise(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    _normalise(item)


def normalise(data: dict) -> dict:
    out = copy.deepcopy(data)
    _normalise(out)
    return out


def apply(data: dict, overrides: list[Override], where: Where) -> tuple[dict, list[Override]]:
    """Apply overrides to a normalised instance dict; return the new dict and old -> new."""
    data, done, problems = apply_collect(data, overrides, where)
    if problems:
        raise InputError(problems)
    return data, done


def apply_collect(data: dict, overrides: list[Override], where: Where
                  ) -> tuple[dict, list[Override], list[Problem]]:
    """Like `apply`, but return the problems beside the data so all can be reported at once.

    Copy on write: only the dicts along each override's path are copied (a deep copy of
    the whole instance costs more than solving it); the input, often a cached base instance,
    is never changed, and the branches no override touches are shared.
    """
    data = dict(data)
    done: list[Override] = []
    problems: list[Problem] = []
    for ov in overrides:
        why = _value_problem(ov.path, ov.path.split("."), ov.value)
        if why is not None:
            problems.append(Problem(why, ov.origin, ov.path, ov.line))
            continue
        try:
            _copy_path(data, ov.path.split("."))
            old = _apply_one(data, ov.path, ov.value, cite(ov))
        except KeyError as e:
            problems.append(Problem(str(e.args[0]), ov.origin, ov.path, ov.line))
            continue
        prefix = tuple(ov.path.split("."))
        for key in [k for k in where if k[:len(prefix)] == prefix]:
            del where[key]  # the file's lines under this path no longer explain the value
        where[prefix] = (ov.origin, ov.line)
        done.append(Override(ov.path, ov.value, ov.origin, ov.line, old))
    return data, done, problems


def _copy_path(data: dict, keys: list[str]) -> None:
    """Give `data` its own copy of every dict along keys (data itself is already one)."""
    node = data
    for k in keys[:-1]:
        child = node.get(k)
        if isinstance(child, list):  # rules.<name>.<field>: a list of dicts, addressed by name
            node[k] = [dict(x) if isinstance(x, dict) else x for x in child]
            return
        if not isinstance(child, dict):
            return
        node[k] = child = dict(child)
        node = child


def _apply_one(data: dict, path: str, value: Any, source: str = "override") -> Any:
    """Set `path` to `value` in `data` (copied along the path already); the old value."""
    keys = path.split(".")
    _check_item(data, keys)
    if keys[0] == "rules":
        return _apply_rule(data, keys, value)
    if keys[0] in CELL_MAPS:
        return _apply_cell(data, keys, value, source)
    return _apply_field(data, keys, value, source, path)


def _check_item(data: dict, keys: list[str]) -> None:
    """A known top-level key, and for a collection a known item with a field."""
    top = keys[0]
    if top not in data and top not in BOUND_KEYS and top != "rules":
        known = sorted(k for k in data if k not in NOT_FIGURES)
        raise KeyError(f"unknown key '{top}' (known: {', '.join(known)})")
    if top in COLLECTIONS:
        if len(keys) < 3:
            raise KeyError(f"give a field: {top}.<id>.<field>")
        if keys[1] not in data[top]:
            raise KeyError(f"unknown {top[:-1].replace('_', ' ')} '{keys[1]}' "
                           f"(known: {', '.join(data[top])})")


def _apply_cell(data: dict, keys: list[str], value: Any, source: str) -> Any:
    """`allowed.<s>.<d>` (true: allowed, citing the change; false: removed) or
    `output.<s>.<d>`; the cells are explicit by now (shorthand rows were expanded)."""
    top = keys[0]
    if len(keys) != 3:
        raise KeyError(f"expected {top}.<sector>.<district>")
    sector, district = keys[1], keys[2]
    if sector not in data["sectors"]:
        raise KeyError(f"unknown sector '{sector}' (known: {', '.join(data['sectors'])})")
    if district not in data["districts"]:
        raise KeyError(f"unknown district '{district}' (known: {', '.join(data['districts'])})")
    row = data[top].setdefault(sector, {})
    old = row.get(district)
    if top == "allowed" and value is False:
        row.pop(district, None)
    elif top == "allowed" and value is True:
        row[district] = source
    else:
        row[district] = value
    return old


def _apply_field(data: dict, keys: list[str], value: Any, source: str, path: str) -> Any:
    """Any other path: a bound (whole, or one side) or a plain field."""
    node = data
    for k in keys[:-1]:
        child = node.get(k)
        if child is None:
            child = node[k] = {}
        if isinstance(child, (int, float)) and k in BOUND_KEYS:
            child = node[k] = as_bound(child, BOUND_KEYS[k])
        if not isinstance(child, dict):
            raise KeyError(f"'{k}' holds a value, not fields; set '{'.'.join(keys[:-1])}' itself")
        node = child
    last = keys[-1]
    old = copy.deepcopy(node.get(last))
    if last in BOUND_KEYS:
        if value == UNBOUNDED:
            node.pop(last, None)
            return old
        value = as_bound(value, BOUND_KEYS[last])
        if isinstance(value, dict):
            before = old if isinstance(old, dict) else {}
            value = {**_cited(before, source), **value}
    elif last in ("min", "max") and len(keys) > 1 and keys[-2] in BOUND_KEYS:
        before = copy.deepcopy(node)
        node.update(_cited(before, source, path))
        if value == UNBOUNDED:
            node[last] = None
            if node.get("min") is None and node.get("max") is None:
                _remove(data, keys[:-1])
            return old
    node[last] = value
    return old


def _cited(before: dict, source: str, part: str | None = None) -> dict:
    """Provenance of a changed bound: the change as source, the plan's figure kept beside.

    A change of one side (`part`, the path of a min or max) keeps the earlier changes of the
    other side in the source; a change of the whole bound replaces them."""
    rest = {k: v for k, v in before.items()
            if k not in ("min", "max", "source", "assumption", "plan")}
    plan = before.get("plan")
    earlier: list[str] = []
    if plan is not None and part is not None:  # changed before: keep the other side's
        prev = str(before.get("source") or "")
        prev = prev[:prev.rfind(" (plan: ")] if " (plan: " in prev else prev
        earlier = [c for c in prev.split("; ") if c and not _changes(c, part)]
    if plan is None and before:
        where = before.get("source") or (before.get("assumption") and
                                         f"assumption: {before['assumption']}")
        plan = _figure(before) + (f" — {where}" if where else "")
    changes = "; ".join([*earlier, source])
    out = {**rest, "source": f"{changes} (plan: {plan})" if plan else changes}
    if plan:
        out["plan"] = plan
    return out


def _changes(cited: str, path: str) -> bool:
    """Whether a cited change (see `cite`) sets `path`."""
    return cited.startswith(f"--set {path}=") or cited.endswith(f" set {path}")


def _remove(data: dict, keys: list[str]) -> None:
    node = data
    for k in keys[:-1]:
        node = node[k]
    node.pop(keys[-1], None)


def _apply_rule(data: dict, keys: list[str], value: Any) -> Any:
    """`rules.<name>.<field>`: a custom rule addressed by its name (min, max, ...)."""
    if len(keys) != 3:
        raise KeyError("expected rules.<name>.<field>, e.g. rules.airport_electronics.max")
    rules = data.get("rules") or []
    for rule in rules:
        if isinstance(rule, dict) and rule.get("name") == keys[1]:
            old = copy.deepcopy(rule.get(keys[2]))
            rule[keys[2]] = value
            return old
    known = ", ".join(str(r.get("name")) for r in rules if isinstance(r, dict)) or "none"
    raise KeyError(f"unknown rule '{keys[1]}' (known: {known})")
