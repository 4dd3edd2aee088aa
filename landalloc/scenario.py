"""Scenario files: a name, what they extend, and what they change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from landalloc.errors import InputError, Problem
from landalloc.model import Rule
from landalloc.overrides import Override
from landalloc.paths import resolve_input
from landalloc.yamlio import Where, read_yaml


class Scenario(BaseModel):
    """What a scenario file may say; unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str | None = None
    extends: str = Field(description="An instance (name, folder, instance.yaml) or a scenario, "
                                     "relative to this file")
    period: str | None = None
    set: dict[str, Any] = Field(default_factory=dict,
                                description="Dotted paths, as with --set")
    rules: list[Rule] = Field(default_factory=list, description="Custom linear rules")


def _parse(path: Path, where: Where) -> Scenario:
    data = read_yaml(path, where)
    if not isinstance(data, dict):
        raise InputError.one("a scenario is a mapping with name, extends, set", file=str(path))
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        problems = []
        for e in err.errors():
            loc = tuple(e["loc"])
            line = where.get(tuple(str(x) for x in loc[:1]), (None, None))[1]
            msg = "unknown key" if e["type"] == "extra_forbidden" else e["msg"]
            problems.append(Problem(msg, str(path), ".".join(map(str, loc)), line))
        raise InputError(problems) from None


def _target(path: Path, extends: str) -> Path:
    candidate = (path.parent / extends)
    if candidate.exists() or "/" in extends or extends.endswith((".yaml", ".yml")):
        return resolve_input(candidate)
    return resolve_input(extends)


def load_scenario_chain(path: Path, inputs: dict[str, str]
                        ) -> tuple[Scenario, Path, list[Override]]:
    """Follow `extends` to the instance; return the scenario, the instance file and overrides.

    Overrides of the scenario closest to the instance come first, so a child's win.
    """
    import hashlib

    chain: list[tuple[Scenario, Path, Where]] = []
    seen: list[Path] = []
    current = path
    while True:
        resolved = current.resolve()
        if resolved in seen:
            cycle = " -> ".join(str(p) for p in [*seen, resolved])
            raise InputError.one(f"extends forms a cycle: {cycle}", file=str(path), key="extends")
        seen.append(resolved)
        where: Where = {}
        scenario = _parse(current, where)
        inputs[str(current)] = hashlib.sha256(current.read_bytes()).hexdigest()
        chain.append((scenario, current, where))
        target = _target(current, scenario.extends)
        if not target.exists():
            raise InputError.one(f"extends a file that does not exist: {target}",
                                 file=str(current), key="extends",
                                 line=where.get(("extends",), (None, None))[1])
        head = read_yaml(target, {})
        if isinstance(head, dict) and "periods" in head:
            break
        current = target
    overrides: list[Override] = []
    merged_rules: list[Rule] = []
    period = None
    description = None
    for scenario, file, where in reversed(chain):
        for key, value in scenario.set.items():
            line = where.get(("set", key), (None, None))[1]
            overrides.append(Override(key, value, str(file), line))
        merged_rules.extend(scenario.rules)
        period = scenario.period or period
        description = scenario.description or description
    top = chain[0][0].model_copy(update={"period": period, "description": description,
                                         "rules": merged_rules})
    return top, target, overrides
