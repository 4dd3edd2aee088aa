"""Sensitivity analysis in the Python API: shadow prices and ranges, sweeps, tornado charts.

    >>> import landalloc
    >>> rep = landalloc.sensitivity("zhengzhou")            # rules and cells, with ranges
    >>> df = landalloc.sweep("zhengzhou", "districts.airport.cap", 900, 1500, steps=25)
    >>> tor = landalloc.tornado("zhengzhou", delta="10%")
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from landalloc.errors import InputError
from landalloc.formulations import formulate
from landalloc.plan.model import Instance
from landalloc.problem.build import Problem, load_problem
from landalloc.problem.entry_maps import row_paths
from landalloc.problem.sweep_plan import instance_with, plan_sweep
from landalloc.solver.base import SolverOptions, Status
from landalloc.solver.highs import HighsSession
from landalloc.solver.sensitivity import SensitivityReport, analyse
from landalloc.solver.sweep import grid_points, rebuild_sweep, tornado_lp, warm_sweep

Ref = str | Path | Instance | None
#: One swept parameter: (--set path, first value, last value, number of points).
Param = tuple[str, float, float, int]


def base_problem(ref: Ref = None, period: str | None = None, sets: list[str] | None = None,
                 options: SolverOptions | None = None) -> Problem:
    """The scenario to analyse (a name, folder, scenario file, or an Instance), built as
    every command builds it: its objective, its solver settings, the caller's options."""
    return load_problem(ref, period, sets, None, options)


def sensitivity(ref: Ref = None, period: str | None = None, sets: list[str] | None = None,
                options: SolverOptions | None = None, probe: bool = True) -> SensitivityReport:
    """Every rule's shadow price and range, every cell's reduced cost and cost range.

    `report.rules` and `report.cells` are DataFrames; `report.duals_unique` is False at a
    degenerate optimum, where `value_one_more_ha` / `value_one_less_ha` (measured by warm
    re-solves) are the figures to quote. Linked periods (`all`, `p1,p2`, or a scenario of
    linked periods): `linked_sensitivity`.
    """
    from landalloc.problem.horizon import linked_spec

    spec = None if isinstance(ref, Instance) else linked_spec(ref, period)
    if spec is not None:
        return linked_sensitivity(ref, spec, sets, options)
    problem = base_problem(ref, period, sets, options)
    inst, record = problem.instance, problem.record()
    rep = analyse(problem.lp, problem.options, probe=probe)
    if rep.status == Status.OPTIMAL.value:
        sec = {k: v.zh for k, v in inst.sectors.items()}
        dis = {k: v.zh for k, v in inst.districts.items()}
        rep.cells.insert(1, "sector_zh", rep.cells["sector"].map(sec))
        rep.cells.insert(3, "district_zh", rep.cells["district"].map(dis))
    rep.record = record
    return rep


def linked_sensitivity(ref: Ref = None, period: str | None = "all",
                       sets: list[str] | None = None, options: SolverOptions | None = None
                       ) -> SensitivityReport:
    """The same analysis on the linked periods' one LP: every period's own rules (their
    `period` column names it) and the rules across periods (`period` ""), with prices,
    measured values and ranging; cells by sector, district and period (the carry-over
    columns are read through their rows, `carry_over[p->q]`)."""
    from landalloc.problem.horizon import load_horizon

    problem = load_horizon(ref, period, sets, None, options)
    rep = analyse(problem.lp, problem.options, probe=True)
    inst = problem.instance
    if rep.status == Status.OPTIMAL.value:
        cells = rep.cells[rep.cells["sector"] != "carry_over"].copy()
        period = cells.pop("period")
        cells.insert(1, "sector_zh", cells["sector"].map({k: v.zh for k, v in
                                                          inst.sectors.items()}))
        cells.insert(3, "district_zh", cells["district"].map({k: v.zh for k, v in
                                                              inst.districts.items()}))
        cells.insert(4, "period", period)
        rep.cells = cells.reset_index(drop=True)
        own = rep.rules["period"] != ""
        rep.rules.loc[own, "label_zh"] = (rep.rules.loc[own, "label_zh"] + "（"
                                          + rep.rules.loc[own, "period"] + "）")
    rep.record = problem.record()
    return rep


def _params(param: str | list[Param], start: float | None, stop: float | None,
            steps: int) -> list[Param]:
    if isinstance(param, str):
        if start is None or stop is None:
            raise InputError.one("give the first and last value of the sweep", file="--param",
                                 key=param)
        return [(param, float(start), float(stop), int(steps))]
    return [(p, float(a), float(b), int(n)) for p, a, b, n in param]


def sweep(ref: Ref = None, param: str | list[Param] = "", start: float | None = None,
          stop: float | None = None, steps: int = 21, period: str | None = None,
          sets: list[str] | None = None, options: SolverOptions | None = None,
          rebuild: bool = False) -> pd.DataFrame:
    """Solve over a grid of one parameter (or two: pass a list of (path, start, stop, steps)).

    One row per point: the parameter values, status, objective, `marginal[path]` (slope of
    the objective from the duals), `basis_changed`, `hectares[sector]`, `max_violation`.
    `df.attrs` says whether the sweep was warm and, if not, why.
    """
    params = _params(param, start, stop, steps)
    if len(params) > 2:
        raise InputError.one("a sweep has one or two parameters", file="--param")
    for path, _, _, n in params:
        if n < 2:
            raise InputError.one(f"--steps must be at least 2, got {n}", file="--steps",
                                 key=path)
    problem = base_problem(ref, period, sets, options)
    inst, record, options = problem.instance, problem.record(), problem.options
    plan = plan_sweep(inst, [(p, a, b) for p, a, b, _ in params])
    axes = [np.linspace(a, b, n) for _, a, b, n in params]
    points, order = grid_points(axes)
    paths = [p for p, *_ in params]
    if plan.warm and not rebuild:
        df = warm_sweep(plan.lp, plan.maps, points, order, options)
        method, reason = "warm", ""
    else:
        df = rebuild_sweep(lambda sets: formulate(instance_with(inst, sets)), paths, points,
                           order, options)
        method = "rebuild"
        reason = plan.reason or "asked for a rebuild at every point"
    df.attrs.update(
        method=method, reason=reason, params=paths, record=record,
        objective_unit=inst.objective_unit, objective_unit_en=inst.objective_unit_en,
        mapping=[m.summary(plan.lp) for m in plan.maps],
        sectors={k: (v.zh, v.en) for k, v in inst.sectors.items()})
    return df


def parse_delta(delta: str | float) -> tuple[float, bool]:
    """'10%' -> (0.10, relative); '50' or 50 -> (50.0 ha, absolute)."""
    text = str(delta).strip()
    try:
        if text.endswith("%"):
            value, relative = float(text[:-1]) / 100.0, True
        else:
            value, relative = float(text), False
    except ValueError:
        raise InputError.one(f"expected a percentage like 10% or hectares like 50, got "
                             f"'{delta}'", file="--delta") from None
    if not np.isfinite(value) or value <= 0:
        raise InputError.one(f"delta must be positive, got '{delta}'", file="--delta")
    return value, relative


def _path_value(inst: Instance, path: str) -> Any:
    node: Any = inst.model_dump(mode="python")
    for k in path.split("."):
        node = node.get(k) if isinstance(node, dict) else None
    return node


def tornado(ref: Ref = None, delta: str | float = "10%", period: str | None = None,
            sets: list[str] | None = None, options: SolverOptions | None = None
            ) -> pd.DataFrame:
    """Each rule's figure moved down and up by delta, one rule at a time: objective change.

    `delta` is '10%' (bounds scaled by 0.9 and 1.1) or a number of hectares (bounds shifted).
    A share rule is moved through its share (rebuilt) when delta is relative. Rows are sorted
    by `swing`, the larger objective change of the two moves; a move that makes the plan
    infeasible is kept with its status.
    """
    value, relative = parse_delta(delta)
    problem = base_problem(ref, period, sets, options)
    inst, record, options, lp = problem.instance, problem.record(), problem.options, problem.lp
    objective, moves = tornado_lp(lp, value, relative, options)
    if objective is None:
        raise InputError.one("the plan itself is not solvable, so nothing can be compared; "
                             "run `landalloc solve` (or diagnose) first", file="--delta")
    df = lp.rows.drop(columns=["members"]).copy()
    df["lower"], df["upper"] = lp.row_lower, lp.row_upper
    df = df.join(moves.set_index("row"))
    df["method"] = np.where(df["status_low"] == "not moved", "not moved", "warm")
    df["set_path"] = row_paths(lp)
    df["share_low"] = df["share_high"] = np.nan
    df["note"] = ""
    for i in np.flatnonzero(df["method"].to_numpy() == "not moved"):
        path = df.at[i, "set_path"]
        share = _path_value(inst, path) if isinstance(path, str) else None
        if not isinstance(share, float | int):
            continue
        df.at[i, "method"] = "rebuild"
        df.at[i, "note"] = f"moved through {path} = {share:g} (a fraction, rebuilt)"
        for tag, sign in (("low", -1.0), ("high", 1.0)):
            new = share * (1 + sign * value)
            df.at[i, f"share_{tag}"] = new
            try:
                raw = HighsSession(formulate(instance_with(inst, [(path, new)])), options).run()
                df.at[i, f"status_{tag}"] = raw.status.value
                df.at[i, f"objective_{tag}"] = raw.objective if raw.objective is not None \
                    else np.nan
            except InputError as e:
                df.at[i, f"status_{tag}"] = "invalid"
                df.at[i, "note"] += f"; {tag}: {e}"
    for tag in ("low", "high"):
        ok = df[f"status_{tag}"] == Status.OPTIMAL.value
        df[f"change_{tag}"] = np.where(ok, df[f"objective_{tag}"] - objective, np.nan)
    df["swing"] = df[["change_low", "change_high"]].abs().max(axis=1)
    df = df.sort_values("swing", ascending=False, na_position="last", kind="stable")
    df = df.reset_index(drop=True)
    df.attrs.update(objective=objective, delta=str(delta), relative=relative, record=record,
                    objective_unit=inst.objective_unit,
                    objective_unit_en=inst.objective_unit_en)
    return df
