"""Instance and scenario files -> a validated Instance of one period.

instance.yaml (sets, names, provenance) + the period's file (quotas, caps, allowed cells,
output per ha) are merged; a scenario's `set:` block and `--set` overrides apply last.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from landalloc.errors import InputError, Problem
from landalloc.model import Instance
from landalloc.overrides import Override, apply, normalise, parse_set
from landalloc.paths import resolve_input
from landalloc.scenario import Scenario, load_scenario_chain
from landalloc.yamlio import Where, read_yaml

PERIOD_KEYS = ("sectors", "districts", "zones", "sector_groups", "area_classes")


@dataclass
class Loaded:
    """An Instance and the record of how it was made."""

    instance: Instance
    instance_file: Path
    scenario: Scenario | None
    overrides: list[Override]
    inputs: dict[str, str] = field(default_factory=dict)  # file -> sha256

    def record(self) -> dict[str, Any]:
        return {
            "instance": str(self.instance_file),
            "period": self.instance.period,
            "scenario": self.scenario.name if self.scenario else None,
            "overrides": [
                {"path": o.path, "old": o.old, "new": o.value, "origin": o.origin}
                for o in self.overrides
            ],
            "inputs_sha256": self.inputs,
        }


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_output_csv(path: Path, period: str) -> dict[str, dict[str, float]]:
    """sector,district,output_per_ha[,period] rows -> sector -> district -> value."""
    out: dict[str, dict[str, float]] = {}
    try:
        with path.open(encoding="utf-8", newline="") as f:
            for i, row in enumerate(csv.DictReader(f), start=2):
                if row.get("period") not in (None, "", period):
                    continue
                try:
                    value = float(row["output_per_ha"])
                except (KeyError, TypeError, ValueError):
                    raise InputError.one(
                        f"row {i}: output_per_ha is not a number: {row.get('output_per_ha')!r}",
                        file=str(path), key="output_per_ha") from None
                out.setdefault(row["sector"], {})[row["district"]] = value
    except FileNotFoundError:
        raise InputError.one("file not found", file=str(path)) from None
    return out


def read_instance(instance_file: Path, period: str | None, where: Where,
                  inputs: dict[str, str]) -> dict:
    """Merge instance.yaml with one period's file into one plain dict."""
    base = read_yaml(instance_file, where)
    inputs[str(instance_file)] = _sha(instance_file)
    if not isinstance(base, dict) or "periods" not in base:
        raise InputError.one("not an instance file: no 'periods' key", file=str(instance_file))
    periods = base["periods"]
    period = period or base.get("default_period") or next(iter(periods))
    if period not in periods:
        raise InputError.one(f"unknown period '{period}' (known: {', '.join(periods)})",
                             file=str(instance_file), key="periods")
    period_file = instance_file.parent / str(periods[period])
    pwhere: Where = {}
    pdata = read_yaml(period_file, pwhere)
    inputs[str(period_file)] = _sha(period_file)
    if not isinstance(pdata, dict):
        raise InputError.one("expected a mapping", file=str(period_file))
    where.update(pwhere)

    merged: dict[str, Any] = {
        "name": base.get("name", instance_file.parent.name),
        "period": period,
        "title": base.get("title"),
        "objective_unit": base.get("objective_unit", "亿元"),
    }
    for key in PERIOD_KEYS:
        items = {k: dict(v) for k, v in (base.get(key) or {}).items()}
        for k, extra in (pdata.get(key) or {}).items():
            if k not in items and key != "sectors":
                raise InputError.one(f"unknown {key[:-1]} '{k}' (not in {instance_file.name})",
                                     file=str(period_file), key=f"{key}.{k}")
            items[k] = {**items.get(k, {}), **(extra or {})}
        if key == "sectors":  # a period has the sectors its file lists
            items = {k: v for k, v in items.items() if k in (pdata.get("sectors") or {})}
        merged[key] = items
    for key, value in pdata.items():
        if key in PERIOD_KEYS:
            continue
        if key == "output" and isinstance(value, str):
            out_file = period_file.parent / value
            merged["output"] = _read_output_csv(out_file, period)
            inputs[str(out_file)] = _sha(out_file)
            merged.setdefault("output_source", f"{value} (see DERIVATION.md)")
            continue
        merged[key] = value
    return merged


def _unwrap(ann: Any) -> Any:
    """Optional[X], Annotated[X, ...] -> X."""
    import types
    import typing

    while True:
        origin = typing.get_origin(ann)
        if origin is typing.Annotated:
            ann = typing.get_args(ann)[0]
        elif origin in (typing.Union, types.UnionType):
            ann = next(a for a in typing.get_args(ann) if a is not type(None))
        else:
            return ann


def _known_keys(loc: tuple) -> list[str]:
    """The keys the Instance model accepts at a location, for 'unknown key' messages."""
    import typing

    from pydantic import BaseModel

    ann: Any = Instance
    parts = list(loc)
    while parts:
        ann = _unwrap(ann)
        origin = typing.get_origin(ann)
        if origin in (dict, list):
            ann = typing.get_args(ann)[-1]
            parts.pop(0)
        elif isinstance(ann, type) and issubclass(ann, BaseModel):
            field = ann.model_fields.get(str(parts.pop(0)))
            if field is None:
                return []
            ann = field.annotation
        else:
            return []
    ann = _unwrap(ann)
    return list(ann.model_fields) if isinstance(ann, type) and issubclass(ann, BaseModel) else []


def _validation_problems(err: ValidationError, where: Where, fallback: str) -> list[Problem]:
    problems = []
    for e in err.errors():
        loc = tuple(str(x) if not isinstance(x, int) else x for x in e["loc"])
        loc = tuple(x for x in loc if not str(x).startswith("function-"))
        file, line = fallback, None
        # the latest-set entry at, above or below the failing key explains it best
        order = {k: i for i, k in enumerate(where)}
        related = [k for k in where if k[:len(loc)] == loc or loc[:len(k)] == k]
        if related:
            file, line = where[max(related, key=order.__getitem__)]
        key = ".".join(str(x) for x in loc) or None
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            known = _known_keys(loc[:-1])
            msg = "unknown key" + (f" (expected one of: {', '.join(known)})" if known else "")
        elif e["type"] == "missing":
            msg = "required key is missing"
        elif "input" in e and e["type"] not in ("value_error",):
            msg += f" (got {e['input']!r})"
        problems.append(Problem(msg, file, key, line))
    return problems


def load(ref: str | Path | None = None, period: str | None = None,
         sets: list[str] | None = None) -> Loaded:
    """Load an instance (name, folder, instance.yaml) or a scenario file, with overrides."""
    path = resolve_input(ref)
    where: Where = {}
    inputs: dict[str, str] = {}
    scenario = None
    scenario_overrides: list[Override] = []
    head = read_yaml(path, {})
    if isinstance(head, dict) and "periods" not in head:
        scenario, instance_file, scenario_overrides = load_scenario_chain(path, inputs)
        period = period or scenario.period
    else:
        instance_file = path
    data = read_instance(instance_file, period, where, inputs)
    data = normalise(data)
    if scenario is not None:
        for key in ("description",):
            if getattr(scenario, key):
                data[key] = getattr(scenario, key)
        data["rules"] = [*data.get("rules", []), *[r.model_dump(exclude_none=True)
                                                    for r in scenario.rules]]
    cli = [Override(p, v, "--set") for p, v in (parse_set(s) for s in sets or [])]
    data, done = apply(data, scenario_overrides + cli, where)
    try:
        instance = Instance.model_validate(data)
    except ValidationError as err:
        raise InputError(_validation_problems(err, where, str(path))) from None
    return Loaded(instance, instance_file, scenario, done, inputs)


def load_instance(ref: str | Path | None = None, period: str | None = None,
                  sets: list[str] | None = None) -> Instance:
    """The Instance alone, for the Python API."""
    return load(ref, period, sets).instance
