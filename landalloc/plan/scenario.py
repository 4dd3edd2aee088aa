"""Scenario files: a name, what they extend, and what they change.

A scenario extends an instance (name, folder, instance.yaml) or another scenario, relative to
its own file. Chains merge deep: `set` paths apply parent first (a child's path wins, and a
child may change one field of a parent's bound), rules merge by name, solver settings merge
field by field, and the nearest `objective`, `period` and `description` win.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from landalloc.errors import InputError, Problem
from landalloc.plan.locate import resolve_input
from landalloc.plan.model import BOUND_KEYS, MaxOutput, Rule, SolverSettings
from landalloc.plan.overrides import Override
from landalloc.plan.safefile import read_text
from landalloc.plan.validation import problems_from
from landalloc.plan.yamlio import Where, read_yaml


class _Forbid(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class ObjectiveSpec(_Forbid):
    """The objective written out: `max_output: {sector_weights: {...}}`."""

    max_output: MaxOutput = Field(default_factory=MaxOutput)


class Scenario(_Forbid):
    """What a scenario file may say; unknown keys are errors."""

    name: str | None = Field(None, description="Scenario name (default: the file name)")
    description: str | None = Field(None, description="The question the scenario answers")
    extends: str = Field(description="An instance (name, folder, instance.yaml) or another "
                                     "scenario file, relative to this file")
    period: str | None = Field(
        None, description="Plan period, e.g. 2026-2035; `all` or a comma list "
                          "(2021-2025,2026-2035) links the periods in one model")
    set: dict[str, Any] = Field(
        default_factory=dict,
        description="Dotted paths, as with --set: districts.airport.cap: 1500, "
                    "sectors.electronics.quota: {min: 1890, max: 2310}. Across linked "
                    "periods: horizon.districts.<d>.cap, horizon.zones.<z>.total, "
                    "horizon.sectors.<s>.quota, horizon.existing_stock (ha, with "
                    "horizon.existing_stock_source), horizon.stock_targets.<period>.total "
                    "(existing + new land by the end of the period), carry_over.max (ha "
                    "one period may leave to the next; default 0)",
        examples=[{"horizon.districts.airport.cap": {"max": 2500},
                   "horizon.stock_targets.2026-2035.total": 40000,
                   "carry_over.max": 500}])
    objective: Literal["max_output"] | ObjectiveSpec | None = Field(
        None, description="max_output (default), or {max_output: {sector_weights: ..., "
                          "district_weights: ...}}")
    solver: SolverSettings | None = Field(None, description="Solver settings")
    rules: list[Rule] = Field(default_factory=list, description="Custom linear rules")

    @field_validator("rules")
    @classmethod
    def _unique_rules(cls, rules: list[Rule]) -> list[Rule]:
        seen: set[str] = set()
        for r in rules:
            if r.name in seen:
                raise ValueError(f"two rules are named '{r.name}'; a rule's name must be "
                                 "unique in its file (a child file may replace a parent's)")
            seen.add(r.name)
        return rules

    def max_output(self) -> MaxOutput:
        """The objective, normalised."""
        if isinstance(self.objective, ObjectiveSpec):
            return self.objective.max_output
        return MaxOutput()


def schema() -> dict[str, Any]:
    """JSON Schema of a scenario file, for editors (autocomplete, typos flagged)."""
    out = Scenario.model_json_schema()
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    out["title"] = "landalloc scenario"
    return out


def flatten_set(block: dict[str, Any], prefix: tuple[str, ...] = ()
                ) -> list[tuple[tuple[str, ...], Any]]:
    """`set:` may nest (`districts: {airport: {cap: 1500}}`): flatten to dotted paths.

    A bound key (`cap`, `quota`, `total`, `share`, `total_increment`) keeps a mapping value
    (`{min: .., max: ..}`) whole.
    """
    out: list[tuple[tuple[str, ...], Any]] = []
    for key, value in block.items():
        path = (*prefix, *str(key).split("."))
        if isinstance(value, dict) and value and path[-1] not in BOUND_KEYS:
            out.extend(flatten_set(value, (*prefix, str(key))))
        else:
            out.append(((*prefix, str(key)), value))
    return out


@dataclass
class ScenarioChain:
    """A scenario followed to its instance: the merged scenario and every override in order."""

    scenario: Scenario
    instance_file: Path
    overrides: list[Override]
    files: list[Path]
    rule_where: list[tuple[str, Where]] = field(default_factory=list)  # per merged rule
    objective_where: tuple[str, Where] | None = None  # the file the objective came from


def _parse(path: Path, where: Where) -> Scenario:
    """Read and check a scenario file; every problem it has on its own is reported at once.

    A file that is not a scenario at all (no mapping, no `extends`, no known key) gets one
    message that quotes none of it: `extends` may point at any file, secrets included.
    """
    problems: list[Problem] = []
    data = read_yaml(path, where, nulls=False, problems=problems)
    known = set(Scenario.model_fields)
    if not isinstance(data, dict) or "extends" not in data or not known & set(data):
        raise InputError.one("not a scenario file: a scenario is a mapping with `extends` "
                             f"and any of {', '.join(sorted(known - {'extends'}))}",
                             file=str(path))
    if isinstance(data.get("set"), dict):
        problems += _set_problems(data["set"], where, str(path))
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as err:
        problems += problems_from(err, where, str(path))
    unique = list({(p.key, p.message): p for p in problems}.values())
    if unique:
        raise InputError(unique)
    return scenario


def _set_problems(block: dict, where: Where, file: str) -> list[Problem]:
    """What can be said of a `set:` block without the instance: non-figures, nulls, flags."""
    from landalloc.plan.overrides import _value_problem

    out = []
    for keys, value in flatten_set(block):
        path = ".".join(keys)
        why = _value_problem(path, path.split("."), value)
        if why is None or value is None:  # a null was reported where it was read
            continue
        line = where.get(("set", *keys), where.get(("set", keys[0]), (None, None)))[1]
        out.append(Problem(why, file, f"set.{path}", line))
    return out


def _target(path: Path, extends: str) -> Path:
    candidate = path.parent / extends
    if candidate.exists() or "/" in extends or extends.endswith((".yaml", ".yml")):
        return resolve_input(candidate)
    return resolve_input(extends)


def _shown(p: Path) -> str:
    try:
        return os.path.relpath(p)
    except ValueError:
        return str(p)


_PERIODS_KEY = re.compile(r"^periods\s*:", re.MULTILINE)


def is_instance_file(path: Path, cache: dict | None = None) -> bool:
    """An instance file has a top-level `periods` key; anything else is a scenario.

    A text check, not a parse: a batch asks this of every scenario file.
    """
    if cache is not None:
        try:
            st = path.stat()
            key = ("is_instance", str(path), st.st_mtime_ns, st.st_size)
        except OSError:
            key = None
        if key is not None and key in cache:
            return cache[key]
    text = read_text(path)
    found = bool(_PERIODS_KEY.search(text))
    if cache is not None and found and key is not None:
        cache[key] = found  # instance files only: the cache stays small
    return found


def _parse_cached(path: Path, cache: dict | None) -> tuple[Scenario, Where]:
    """Parse a scenario; parents shared by many scenarios are parsed once per process."""
    if cache is None:
        where: Where = {}
        return _parse(path, where), where
    st = path.stat()
    key = ("scenario", str(path.resolve()), st.st_mtime_ns, st.st_size)
    if key not in cache:
        where = {}
        cache[key] = (_parse(path, where), where)
    return cache[key]


def load_scenario_chain(path: Path, inputs: dict[str, str],
                        cache: dict | None = None) -> ScenarioChain:
    """Follow `extends` to the instance; merge the chain, nearest scenario winning.

    Overrides of the scenario closest to the instance come first, so a child's win.
    `cache` (any dict) keeps parsed parents across calls — a batch parses each once.
    """
    chain: list[tuple[Scenario, Path, Where]] = []
    seen: list[Path] = []
    current = path
    while True:
        resolved = current.resolve()
        if resolved in seen:
            cycle = " -> ".join(_shown(p) for p in [*seen[seen.index(resolved):], resolved])
            raise InputError.one(f"extends forms a cycle: {cycle}", file=str(current),
                                 key="extends")
        seen.append(resolved)
        # parents are shared by many scenarios: cached; the scenario itself is not, so a
        # batch's memory does not grow with the number of files
        scenario, where = _parse_cached(current, cache if current is not path else None)
        if cache is None or str(current) not in inputs:
            inputs[str(current)] = hashlib.sha256(current.read_bytes()).hexdigest()
        chain.append((scenario, current, where))
        target = _target(current, scenario.extends)
        if not target.exists():
            raise InputError.one(f"extends a file that does not exist: {_shown(target)}",
                                 file=str(current), key="extends",
                                 line=where.get(("extends",), (None, None))[1])
        if is_instance_file(target, cache):
            break
        current = target

    overrides: list[Override] = []
    rules: dict[str, tuple[Rule, str, Where]] = {}
    solver: dict[str, Any] = {}
    merged: dict[str, Any] = {"period": None, "description": None, "objective": None}
    objective_where = None
    for scenario, file, where in reversed(chain):
        for keys, value in flatten_set(scenario.set):
            line = where.get(("set", *keys), (None, None))[1]
            if line is None:
                line = where.get(("set", keys[0]), (None, None))[1]
            overrides.append(Override(".".join(keys), value, str(file), line))
        for i, rule in enumerate(scenario.rules):
            sub = {k[2:]: v for k, v in where.items() if k[:2] == ("rules", i)}
            rules.pop(rule.name, None)  # a child's rule of the same name replaces it
            rules[rule.name] = (rule, str(file), sub)
        if scenario.solver is not None:
            solver.update(scenario.solver.model_dump(exclude_none=True))
        if scenario.objective is not None:
            objective_where = (str(file), where)
        for key in merged:
            if getattr(scenario, key) is not None:
                merged[key] = getattr(scenario, key)
    top = chain[0][0]
    scenario = top.model_copy(update={
        **merged,
        "name": top.name or path.stem,
        "rules": [r for r, _, _ in rules.values()],
        "solver": SolverSettings(**solver) if solver else None,
    })
    return ScenarioChain(scenario, target, overrides, [c[1] for c in chain],
                         [(f, w) for _, f, w in rules.values()], objective_where)


def objective_problems(objective: MaxOutput, sectors: dict, districts: dict,
                       where: Where, file: str) -> list[Problem]:
    """Weights must name the instance's sectors and districts."""
    problems = []
    for kind, names, known in (("sector_weights", objective.sector_weights, sectors),
                               ("district_weights", objective.district_weights, districts)):
        for name in names:
            if name not in known:
                loc = ("objective", "max_output", kind, name)
                line = where.get(loc, (file, None))[1]
                problems.append(Problem(f"unknown {kind.split('_')[0]} '{name}' "
                                        f"(known: {', '.join(known)})", file,
                                        ".".join(loc), line))
    return problems
