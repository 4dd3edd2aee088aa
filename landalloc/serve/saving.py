"""A scenario file of a session's state that loads anywhere the same inputs are offered.

The file never points at the server's own files (a bundled scenario sits in site-packages,
an upload in a temporary folder): it extends the bundled instance by name, or the PATH the
server was started with (absolutely: the user's own file), and carries everything of the
scenarios in between — their `set:` paths (parent first, then the page's changes), rules (by
name, the nearest wins), objective, solver settings — so that `landalloc solve FILE`, this
server and a new one (with the same PATH) all load the same problem.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from landalloc.errors import InputError
from landalloc.plan.locate import resolve_input
from landalloc.plan.overrides import parse_set
from landalloc.plan.scenario import flatten_set, is_instance_file
from landalloc.plan.yamlio import read_yaml


def _plain(value: Any) -> Any:
    """JSON-plain data (what the YAML reader gives is already; dates become text)."""
    return json.loads(json.dumps(value, default=str))


def _chain(file: Path, stop: Path | None) -> tuple[list[dict[str, Any]], Path | None]:
    """The raw scenarios from `file` up its `extends:` (nearest first), up to `stop` or the
    instance; and the instance file reached (None when stopped at `stop`)."""
    from landalloc.plan.scenario import _target

    out: list[dict[str, Any]] = []
    seen: set[Path] = set()
    current = file
    while True:
        resolved = current.resolve()
        if stop is not None and resolved == stop:
            return out, None
        if resolved in seen or len(seen) > 50:
            raise InputError.one("extends forms a cycle", file="extends")
        seen.add(resolved)
        data = read_yaml(current, {})
        if not isinstance(data, dict) or not isinstance(data.get("extends"), str):
            raise InputError.one("not a scenario file", file=current.name)
        out.append(_plain(data))
        target = _target(current, data["extends"])
        if is_instance_file(target):
            return out, target.resolve()
        current = target


def _merge(chain: list[dict[str, Any]]) -> dict[str, Any]:
    """Merge as the loader does: parent first; a child's path, rule, setting wins."""
    sets: dict[str, Any] = {}
    rules: dict[str, Any] = {}
    solver: dict[str, Any] = {}
    out: dict[str, Any] = {}
    for data in reversed(chain):
        for keys, value in flatten_set(data.get("set") or {}):
            put(sets, ".".join(keys), value)
        for rule in data.get("rules") or []:
            rules.pop(rule.get("name"), None)
            rules[rule.get("name")] = rule
        solver.update(data.get("solver") or {})
        for key in ("description", "objective", "period"):
            if data.get(key) is not None:
                out[key] = data[key]
    out.update(set=sets, rules=list(rules.values()), solver=solver)
    return out


def put(sets: dict[str, Any], path: str, value: Any) -> None:
    """Set `path` last, as a later --set applies after every earlier one."""
    sets.pop(path, None)
    sets[path] = value


def portable_scenario(ref: str, loaded: str, start: str | None, root: Path, period: str | None,
                      changes: list[str], name: str, description: str | None) -> str:
    """The YAML text of a scenario: the session's base (`ref` as the page named it, `loaded`
    the file the server read) with `changes` (`PATH=VALUE`) applied after it."""
    root = root.resolve()
    start_file = resolve_input(start).resolve() if start else None
    # the PATH the server was started with is the user's own file: named absolutely, so
    # that the CLI loads the saved file from wherever it is kept
    by_start = start if start is None or (root / start).is_dir() else str(start_file)
    base: dict[str, Any] = {"set": {}, "rules": [], "solver": {}}
    if start is not None and ref == start:
        extends = by_start
    elif "/" not in ref and (root / ref).is_dir():
        extends = ref
    else:
        stop = start_file if start_file is not None and not is_instance_file(start_file) \
            else None
        chain, instance = _chain(Path(loaded), stop)
        base = _merge(chain)
        if instance is None:
            extends = by_start
        elif instance.parent.parent == root:
            extends = instance.parent.name
        elif start_file is not None and instance == start_file:
            extends = by_start
        else:
            raise InputError.one("this scenario extends an instance the server does not "
                                 "offer by name: save from a bundled instance or the PATH "
                                 "the server was started with", file="extends")
    sets = dict(base["set"])
    for text in changes:
        path, value = parse_set(text)
        put(sets, path, value)
    doc: dict[str, Any] = {"name": name, "extends": extends}
    desc = description or base.get("description")
    if desc:
        doc["description"] = desc
    doc["period"] = period
    for key in ("objective",):
        if base.get(key) is not None:
            doc[key] = base[key]
    if base["solver"]:
        doc["solver"] = base["solver"]
    if base["rules"]:
        doc["rules"] = base["rules"]
    if sets:
        doc["set"] = sets
    head = f"# written by landalloc serve: {ref} with the page's changes\n"
    return head + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100,
                                 default_flow_style=None)
