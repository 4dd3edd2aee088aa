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
from landalloc.plan.choices import DEFAULT_UNIT
from landalloc.plan.locate import resolve_input
from landalloc.plan.model import Instance, expand_allowed
from landalloc.plan.overrides import Override, apply_collect, normalise, parse_set
from landalloc.plan.safefile import excerpt
from landalloc.plan.scenario import (
    Scenario,
    ScenarioChain,
    is_instance_file,
    load_scenario_chain,
    objective_problems,
)
from landalloc.plan.validation import problems_from
from landalloc.plan.yamlio import Where, read_yaml

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
                        f"row {i}: output_per_ha is not a number: "
                        f"{excerpt(row.get('output_per_ha'))}",
                        file=str(path), key="output_per_ha") from None
                out.setdefault(row["sector"], {})[row["district"]] = value
    except FileNotFoundError:
        raise InputError.one("file not found", file=str(path)) from None
    return out


def _read_coefficients(folder: Path, period: str, inputs: dict[str, str],
                       districts: list[str]) -> dict[str, tuple[dict, str | None, str | None]]:
    """coefficients/<name>.csv: sector,district[,period],value per cell (a blank district:
    every district; a blank or missing period: every period) -> name -> (sector -> district
    -> value, source, unit). A `# source: ...` and `# unit: ...` comment line may head the
    file. A table may name sectors a period lacks; they are simply not selected."""
    out: dict[str, tuple[dict, str | None, str | None]] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.csv")):
        text = path.read_text(encoding="utf-8")
        inputs[str(path)] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        heads = {}
        lines = []
        for line in text.splitlines():
            if line.startswith("#"):
                key, _, value = line[1:].partition(":")
                heads[key.strip()] = value.strip()
            elif line.strip():
                lines.append(line)
        reader = csv.DictReader(lines)
        missing = [c for c in ("sector", "district", "value") if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError.one(f"missing column(s) {', '.join(missing)}", file=str(path))
        cells: dict[str, dict[str, float]] = {}
        every: dict[str, float] = {}
        for i, row in enumerate(reader, start=2):
            if (row.get("period") or "") not in ("", period):
                continue
            try:
                value = float(row["value"])
            except (TypeError, ValueError):
                raise InputError.one(f"row {i}: value is not a number: "
                                     f"{excerpt(row.get('value'))}", file=str(path),
                                     key="value") from None
            if not row["district"]:
                every[row["sector"]] = value
            else:
                cells.setdefault(row["sector"], {})[row["district"]] = value
        for sector, value in every.items():
            cells[sector] = {**dict.fromkeys(districts, value), **cells.get(sector, {})}
        out[path.stem] = (cells,
                          heads.get("source") or (heads.get("assumption") and
                          f"assumption: {heads['assumption']}"), heads.get("unit"))
    return out


ROLE_COLUMNS = ("period", "sector", "district", "role", "source", "reading", "assumption")


def _read_roles_csv(path: Path, period: str) -> dict[str, dict[str, dict]]:
    """roles.csv rows of one period -> sector -> district -> {role, source, reading,
    assumption}. Format: instances/zhengzhou/ROLES.md."""
    out: dict[str, dict[str, dict]] = {}
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in ROLE_COLUMNS[:5] if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError.one(f"missing column(s) {', '.join(missing)}",
                                     file=str(path))
            for i, row in enumerate(reader, start=2):
                if row.get("period") not in (None, "", period):
                    continue
                cell = out.setdefault(row["sector"], {})
                if row["district"] in cell:
                    raise InputError.one(
                        f"row {i}: a second row for {row['sector']} x {row['district']}",
                        file=str(path), key="district")
                cell[row["district"]] = {
                    "role": row["role"], "source": row["source"],
                    "reading": row.get("reading") or None,
                    "assumption": row.get("assumption") or None}
    except FileNotFoundError:
        raise InputError.one("file not found", file=str(path)) from None
    return out


def _check_shape(data: dict, file: Path, where: Where, top: bool = True) -> None:
    """An instance folder's files have mappings where mappings go: all problems at once."""
    problems = []
    keys = [*PERIOD_KEYS, *(["periods"] if top else [])]
    for key in keys:
        value = data.get(key)
        if value is None and key not in data:
            continue
        if not isinstance(value, dict):
            problems.append(Problem(f"expected a mapping of ids, got {type(value).__name__}",
                                    str(file), key, where.get((key,), (None, None))[1]))
            continue
        for k, item in value.items():
            ok = isinstance(item, str) if key == "periods" else isinstance(item, dict)
            if not ok:
                what = "a file name" if key == "periods" else "a mapping of fields"
                problems.append(Problem(f"expected {what}, got {type(item).__name__}",
                                        str(file), f"{key}.{k}",
                                        where.get((key, k), (None, None))[1]))
    if top and isinstance(data.get("periods"), dict) and not data["periods"]:
        problems.append(Problem("no periods listed", str(file), "periods"))
    if problems:
        raise InputError(problems)


def read_instance(instance_file: Path, period: str | None, where: Where,
                  inputs: dict[str, str]) -> dict:
    """Merge instance.yaml with one period's file into one plain dict."""
    base = read_yaml(instance_file, where, nulls=False)
    inputs[str(instance_file)] = _sha(instance_file)
    if not isinstance(base, dict) or "periods" not in base:
        raise InputError.one("not an instance file: no 'periods' key", file=str(instance_file))
    _check_shape(base, instance_file, where)
    # a period is named by text: `2024:` and `default_period: 2024` are the same period
    periods = {str(k): v for k, v in base["periods"].items()}
    default = base.get("default_period")
    period = str(period or (default if default is not None else next(iter(periods))))
    if period not in periods:
        raise InputError.one(f"unknown period '{period}' (known: {', '.join(periods)})",
                             file=str(instance_file), key="periods")
    period_file = instance_file.parent / str(periods[period])
    pwhere: Where = {}
    pdata = read_yaml(period_file, pwhere, nulls=False)
    inputs[str(period_file)] = _sha(period_file)
    if not isinstance(pdata, dict):
        raise InputError.one("expected a mapping", file=str(period_file))
    _check_shape(pdata, period_file, pwhere, top=False)
    where.update(pwhere)

    merged: dict[str, Any] = {
        "name": base.get("name", instance_file.parent.name),
        "period": period,
        "title": base.get("title"),
        "objective_unit": base.get("objective_unit", DEFAULT_UNIT),
        "objective_unit_en": base.get("objective_unit_en"),
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
    roles_file = pdata.get("roles", base.get("roles"))
    if isinstance(roles_file, str):  # the plan's layout (optional: old instances have none)
        rpath = instance_file.parent / roles_file
        merged["roles"] = _read_roles_csv(rpath, period)
        merged["roles_source"] = f"{roles_file} (see ROLES.md)"
        inputs[str(rpath)] = _sha(rpath)
        merged["layout"] = {**(base.get("layout") or {}), **(pdata.get("layout") or {})}
    if "plan_fit" in base or "roles" in merged:
        from landalloc.plan.model import DEFAULT_ROLE_WEIGHTS

        pf = dict(base.get("plan_fit") or {})
        pf["weights"] = {**DEFAULT_ROLE_WEIGHTS, **(pf.get("weights") or {}),
                         **((pdata.get("plan_fit") or {}).get("weights") or {})}
        merged["plan_fit"] = pf
    merged["output_citywide"] = dict(base.get("output_citywide") or {})
    # rules across linked periods (instance.yaml `horizon:`), and how much unused land a
    # period may leave to the next (0 by default: periods stay exact)
    merged["horizon"] = dict(base.get("horizon") or {})
    merged["carry_over"] = {"max": 0.0, **(base.get("carry_over") or {})}
    tables = _read_coefficients(instance_file.parent / "coefficients", period, inputs,
                                list(merged["districts"]))
    if tables:
        merged["coefficients"] = {k: v[0] for k, v in tables.items()}
        merged["coefficient_sources"] = {k: v[1] for k, v in tables.items() if v[1]}
        merged["coefficient_units"] = {k: v[2] for k, v in tables.items() if v[2]}
    for key, value in pdata.items():
        if key in PERIOD_KEYS or key in ("roles", "layout", "plan_fit"):
            continue
        if key == "output" and isinstance(value, str):
            out_file = period_file.parent / value
            merged["output"] = _read_output_csv(out_file, period)
            inputs[str(out_file)] = _sha(out_file)
            merged.setdefault("output_source", f"{value} (see DERIVATION.md)")
            continue
        merged[key] = value
    return merged


def _rule_problems(data: dict, first: int, where: Where) -> list[tuple[int, Problem]]:
    """Scenario rules naming unknown sectors or districts (rules from `first` on)."""
    out = []
    for k, rule in enumerate(data.get("rules") or []):
        if k < first or not isinstance(rule, dict):
            continue
        for field_, known in (("sectors", data.get("sectors", {})),
                              ("districts", data.get("districts", {}))):
            for i, name in enumerate(rule.get(field_) or []):
                if name not in known:
                    file, line = where.get(("rules", k, field_, i),
                                           where.get(("rules", k), (None, None)))
                    out.append((k, Problem(
                        f"unknown {field_[:-1]} '{name}' (known: {', '.join(known)})",
                        file, f"rules[{k - first}].{field_}", line)))
    return out


#: Kept for callers of the old name.
_validation_problems = problems_from


def _base(instance_file: Path, period: str | None, cache: dict | None
          ) -> tuple[dict, Where, dict[str, str]]:
    """instance.yaml + period file, normalised; read once per process when `cache` is given."""
    key = None
    if cache is not None:
        try:
            st = instance_file.stat()
            key = ("instance", str(instance_file.resolve()), st.st_mtime_ns, st.st_size, period)
        except OSError:
            key = None
        if key is not None and key in cache:
            return cache[key]
    where: Where = {}
    inputs: dict[str, str] = {}
    # shorthand rows (a group, a zone, `all`) become cells before any override: `--set
    # allowed.<s>.<d>=false` must find the cell the shorthand made
    data = normalise(expand_allowed(read_instance(instance_file, period, where, inputs)))
    if key is not None:
        cache[key] = (data, where, inputs)
    return data, where, inputs


def load(ref: str | Path | None = None, period: str | None = None,
         sets: list[str] | None = None, *, overrides: list[Override] | None = None,
         cache: dict | None = None) -> Loaded:
    """Load an instance (name, folder, instance.yaml) or a scenario file, with overrides.

    `overrides` apply after `sets` (a batch row passes them ready-made). `cache` (any dict,
    kept by the caller) holds parsed instance files and parent scenarios between calls.
    Every problem found is reported at once: unknown paths, bad values, unknown names.
    """
    path = resolve_input(ref)
    inputs: dict[str, str] = {}
    chain: ScenarioChain | None = None
    if is_instance_file(path, cache):
        instance_file = path
    else:
        chain = load_scenario_chain(path, inputs, cache)
        instance_file = chain.instance_file
        own = chain.scenario.period
        linked = own is not None and (own.strip() == "all" or "," in own)
        # a scenario of linked periods is read one named period at a time (by the
        # linked-period model); read without one, it would silently be one period only
        if linked and period is None:
            raise InputError.one(
                f"this scenario links periods (period: {own}); `landalloc solve` solves "
                "them together. This command reads one period: give --period with one of "
                "them", file=str(path), key="period")
        period = period or own
    data, base_where, base_inputs = _base(instance_file, period, cache)
    where: Where = dict(base_where)
    inputs = {**base_inputs, **inputs}
    data = dict(data)
    scenario = chain.scenario if chain else None
    problems: list[Problem] = []
    n = 0
    if chain is not None:
        if scenario.description:
            data["description"] = scenario.description
        n = len(data.get("rules") or [])
        data["rules"] = [*(data.get("rules") or []),
                         *[r.model_dump(exclude_none=True) for r in scenario.rules]]
        for k, (file, sub) in enumerate(chain.rule_where):
            for loc, (_, line) in sub.items():
                where[("rules", n + k, *loc)] = (file, line)
            where[("rules", n + k)] = (file, sub.get((), (file, None))[1])
        if chain.objective_where is not None:
            file, owhere = chain.objective_where
            bad_objective = objective_problems(scenario.max_output(), data["sectors"],
                                               data["districts"], owhere, file)
            problems += bad_objective
            if not bad_objective:
                data["objective"] = scenario.max_output().model_dump()
        if scenario.solver is not None:
            data["solver"] = scenario.solver.model_dump(exclude_none=True)
    cli = [Override(p, v, "--set") for p, v in (parse_set(s) for s in sets or [])]
    data, done, bad = apply_collect(data, (chain.overrides if chain else []) + cli
                                    + list(overrides or []), where)
    problems = bad + problems
    if chain is not None:  # checked here so they show beside any other problem
        rule_bad = _rule_problems(data, n, where)
        problems += [p for _, p in rule_bad]
        drop = {k for k, _ in rule_bad}
        data["rules"] = [r for k, r in enumerate(data["rules"]) if k not in drop]
    touched = {tuple(o.path.split(".")): (o.origin, o.line) for o in done}
    try:
        instance = Instance.model_validate(data)
    except ValidationError as err:
        problems += problems_from(err, where, str(path), touched=touched, model=Instance)
    if problems:
        raise InputError(problems)
    return Loaded(instance, instance_file, scenario, done, inputs)


def load_instance(ref: str | Path | None = None, period: str | None = None,
                  sets: list[str] | None = None) -> Instance:
    """The Instance alone, for the Python API."""
    return load(ref, period, sets).instance
