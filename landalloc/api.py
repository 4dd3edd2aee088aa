"""The Python API: one call from an instance or scenario to a labelled Result."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from landalloc.formulations import formulate
from landalloc.formulations.lp import LinearProgram
from landalloc.formulations.objective import weight_output
from landalloc.plan.loading import Loaded, load
from landalloc.plan.model import Instance
from landalloc.results.result import Result, label
from landalloc.solver import SolverOptions, get_backend


def solve_instance(instance: Instance, backend: str = "highs",
                   options: SolverOptions | None = None) -> Result:
    """Formulate, solve and label one Instance."""
    lp = formulate(instance)
    raw = get_backend(backend).solve(lp, options)
    return label(instance, lp, raw)


def scenario_lp(loaded: Loaded) -> LinearProgram:
    """The LP of a loaded instance or scenario, with the scenario's objective applied."""
    lp = formulate(loaded.instance)
    if loaded.scenario is not None:
        obj = loaded.scenario.max_output()
        lp = weight_output(lp, obj.sector_weights, obj.district_weights)
    return lp


def effective_options(loaded: Loaded, backend: str | None,
                      options: SolverOptions | None) -> tuple[str, SolverOptions]:
    """The scenario's solver settings, with anything given by the caller winning."""
    settings = loaded.scenario.solver if loaded.scenario is not None else None
    base = SolverOptions()
    if settings is not None:
        base = SolverOptions(**settings.model_dump(exclude={"backend"}))
    if options is not None:
        given = {f.name: getattr(options, f.name) for f in dataclasses.fields(options)
                 if getattr(options, f.name) not in (None, False)}
        base = dataclasses.replace(base, **given)
    name = backend or (settings.backend if settings and settings.backend else None) or "highs"
    return name, base


def solve_loaded(loaded: Loaded, backend: str | None = None,
                 options: SolverOptions | None = None) -> Result:
    """Solve what `load` returned: the scenario's objective and solver settings apply."""
    name, opts = effective_options(loaded, backend, options)
    lp = scenario_lp(loaded)
    raw = get_backend(name).solve(lp, opts)
    result = label(loaded.instance, lp, raw)
    result.record = {**loaded.record(), "backend": name}
    return result


def solve(ref: str | Path | None = None, period: str | None = None,
          sets: list[str] | None = None, backend: str | None = None,
          options: SolverOptions | None = None) -> Result:
    """Solve a bundled instance by name, an instance folder or a scenario file."""
    return solve_loaded(load(ref, period, sets), backend, options)


def diagnose_instance(instance: Instance, relax: list[str] | str | None = None,
                      weights: dict[str, float] | None = None, method: str = "auto",
                      time_limit: float = 10.0, overrides: list | None = None):
    """Why one Instance is infeasible, and the cheapest repair (a Diagnosis)."""
    from landalloc.analysis.diagnosis import RelaxSpec, explain

    lp = formulate(instance)
    spec = RelaxSpec.parse(relax, weights, lp)
    return explain(lp, instance, overrides, spec, method, time_limit)


def diagnose(ref: str | Path | None = None, period: str | None = None,
             sets: list[str] | None = None, relax: list[str] | str | None = None,
             weights: dict[str, float] | None = None, method: str = "auto",
             time_limit: float = 10.0):
    """Diagnose a bundled instance, folder or scenario file with overrides.

    Returns a `landalloc.analysis.diagnosis.Diagnosis`: `feasible`, `iis` (rule names), `sentences`,
    `arithmetic`, `repair` (set path -> new value) and `repair_block()` for a scenario file.
    """
    loaded = load(ref, period, sets)
    return diagnose_instance(loaded.instance, relax, weights, method, time_limit,
                             loaded.overrides)
