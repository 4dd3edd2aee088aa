"""The Python API: one call from an instance or scenario to a labelled Result."""

from __future__ import annotations

from pathlib import Path

from landalloc.formulations import formulate
from landalloc.loading import load
from landalloc.model import Instance
from landalloc.result import Result, label
from landalloc.solver import SolverOptions, get_backend


def solve_instance(instance: Instance, backend: str = "highs",
                   options: SolverOptions | None = None) -> Result:
    """Formulate, solve and label one Instance."""
    lp = formulate(instance)
    raw = get_backend(backend).solve(lp, options)
    return label(instance, lp, raw)


def solve(ref: str | Path | None = None, period: str | None = None,
          sets: list[str] | None = None, backend: str = "highs",
          options: SolverOptions | None = None) -> Result:
    """Solve a bundled instance by name, an instance folder or a scenario file."""
    loaded = load(ref, period, sets)
    result = solve_instance(loaded.instance, backend, options)
    result.record = {**loaded.record(), "backend": backend}
    return result


def diagnose_instance(instance: Instance, relax: list[str] | str | None = None,
                      weights: dict[str, float] | None = None, method: str = "auto",
                      time_limit: float = 10.0, overrides: list | None = None):
    """Why one Instance is infeasible, and the cheapest repair (a Diagnosis)."""
    from landalloc.diagnosis import RelaxSpec, explain

    lp = formulate(instance)
    spec = RelaxSpec.parse(relax, weights, lp)
    return explain(lp, instance, overrides, spec, method, time_limit)


def diagnose(ref: str | Path | None = None, period: str | None = None,
             sets: list[str] | None = None, relax: list[str] | str | None = None,
             weights: dict[str, float] | None = None, method: str = "auto",
             time_limit: float = 10.0):
    """Diagnose a bundled instance, folder or scenario file with overrides.

    Returns a `landalloc.diagnosis.Diagnosis`: `feasible`, `iis` (rule names), `sentences`,
    `arithmetic`, `repair` (set path -> new value) and `repair_block()` for a scenario file.
    """
    loaded = load(ref, period, sets)
    return diagnose_instance(loaded.instance, relax, weights, method, time_limit,
                             loaded.overrides)
