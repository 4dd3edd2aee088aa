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
