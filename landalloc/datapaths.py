"""`--set PATH=VALUE` for plain data files (the forecast): strict dotted paths.

The instance's overrides (landalloc/overrides.py) know sectors, districts and bounds; a
forecast file is a tree of parameters instead. Here every key on the path must exist, except
a new year under a map of years (e.g. another fitted investment point), and a parameter node
(`{value: .., source: ..}`) takes a bare number as its value, keeping its provenance.
"""

from __future__ import annotations

import copy
from typing import Any

from landalloc.errors import InputError, Problem
from landalloc.overrides import Override, parse_set


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


def apply_sets(data: dict, sets: list[str], origin: str = "--set") -> tuple[dict, list[Override]]:
    """Apply `PATH=VALUE` texts to a copy of data; every bad path is reported at once."""
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
    if problems:
        raise InputError(problems)
    return data, done
