"""`--set PATH=VALUE` for plain data files (the forecast): strict dotted paths.

The instance's overrides (landalloc/plan/overrides.py) know sectors, districts and bounds; a
forecast file is a tree of parameters instead. Here every key on the path must exist, except
a new year under a map of years (e.g. another fitted investment point), and a parameter node
(`{value: .., source: ..}`) takes a bare number as its value, keeping its provenance.
"""

from __future__ import annotations

import copy
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from landalloc.errors import InputError, Problem
from landalloc.plan.overrides import Override, parse_set
from landalloc.plan.safefile import MAX_EXCERPT, excerpt
from landalloc.plan.yamlio import Where


def _is_param(node: Any) -> bool:
    return isinstance(node, dict) and "value" in node


def _year_map(node: dict) -> bool:
    return bool(node) and all(str(k).isdigit() for k in node)


def set_path(data: dict, path: str, value: Any) -> Any:
    """Set one dotted path in place; return the old value. KeyError names what is wrong."""
    keys = path.split(".")
    node: Any = data
    for i, key in enumerate(keys[:-1]):
        if not isinstance(node, dict):
            raise KeyError(f"'{'.'.join(keys[:i])}' holds a value, not fields")
        if key not in node:
            known = ", ".join(map(str, node)) or "none"
            raise KeyError(f"unknown key '{key}' under '{'.'.join(keys[:i]) or 'top'}' "
                           f"(known: {known})")
        node = node[key]
    last = keys[-1]
    if not isinstance(node, dict):
        raise KeyError(f"'{'.'.join(keys[:-1])}' holds a value, not fields")
    if last not in node:
        if last.isdigit() and _year_map(node):
            node[last] = {"value": value, "assumption": "set on the command line"}
            return None
        known = ", ".join(map(str, node)) or "none"
        raise KeyError(f"unknown key '{last}' under '{'.'.join(keys[:-1]) or 'top'}' "
                       f"(known: {known})")
    old = node[last]
    if _is_param(old) and not isinstance(value, dict):
        old_value = old["value"]
        node[last] = {**old, "value": value}
        return old_value
    node[last] = value
    return copy.deepcopy(old)


def apply_sets(data: dict, sets: list[str], origin: str = "--set",
               where: Where | None = None) -> tuple[dict, list[Override]]:
    """Apply `PATH=VALUE` texts to a copy of data; every bad path is reported at once.
    `where` (key path -> file, line) learns that these paths now come from the command line."""
    data = copy.deepcopy(data)
    done: list[Override] = []
    problems: list[Problem] = []
    for text in sets:
        path, value = parse_set(text)
        try:
            old = set_path(data, path, value)
        except KeyError as e:
            problems.append(Problem(str(e.args[0]), origin, path))
            continue
        done.append(Override(path, value, origin, None, old))
        if where is not None:
            prefix = tuple(path.split("."))
            for key in [k for k in where if k[:len(prefix)] == prefix]:
                del where[key]
            where[prefix] = (origin, None)
    if problems:
        raise InputError(problems)
    return data, done


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys a pydantic model expects at a location (best effort, for error messages)."""
    node: Any = model
    for part in loc:
        if isinstance(node, type) and issubclass(node, BaseModel):
            field = node.model_fields.get(str(part))
            if field is None:
                return []
            node = field.annotation
            continue
        args = [a for a in get_args(node) if a is not type(None)]
        inner = args[-1] if args else None  # dict[K, V] -> V, list[V] -> V, X | None -> X
        if inner is None:
            return []
        node = inner
        if isinstance(node, type) and issubclass(node, BaseModel):
            continue
    while not (isinstance(node, type) and issubclass(node, BaseModel)):
        args = [a for a in get_args(node) if a is not type(None)]
        if len(args) != 1:
            return []
        node = args[0]
    return list(node.model_fields)


def validation_problems(err: ValidationError, where: Where, fallback: str,
                        model: type[BaseModel]) -> list[Problem]:
    """pydantic errors -> one Problem each: file and line (or the --set that made it), key."""
    problems = []
    for e in err.errors():
        loc = tuple(x for x in e["loc"] if not str(x).startswith("function-"))
        sloc = tuple(str(x) for x in loc)
        file, line = fallback, None
        related = [k for k in where if sloc[:len(k)] == k]
        if related:
            file, line = where[max(related, key=len)]
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            known = _fields_at(model, loc[:-1])
            msg = "unknown key" + (f" (expected one of: {', '.join(known)})" if known else "")
        elif e["type"] == "missing":
            msg = "required key is missing"
        elif "input" in e and e["type"] != "value_error":
            msg += f" (got {excerpt(e['input'])})"
        key = ".".join(sloc)
        key = key if len(key) <= MAX_EXCERPT else key[:MAX_EXCERPT] + "…"
        problems.append(Problem(msg, file, key or None, line))
    return problems
