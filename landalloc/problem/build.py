"""The only way from a scenario to what is solved: its LP, backend and solver settings.

A scenario's objective weights and solver settings live in its Instance, so every command
that formulates the instance — solve, sensitivity, sweep, tornado, export, diagnose,
report, compare, batch — builds the same LP; the caller's options win over the scenario's.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from landalloc.formulations import LinearProgram, formulate
from landalloc.plan.loading import Loaded, load
from landalloc.plan.model import Instance
from landalloc.solver.base import SolverOptions


@dataclass(frozen=True)
class Problem:
    """One scenario, ready to solve."""

    instance: Instance
    lp: LinearProgram
    backend: str
    options: SolverOptions
    loaded: Loaded | None = None

    def record(self) -> dict:
        """How the instance was made, the backend and every solver setting (for re-runs)."""
        base = self.loaded.record() if self.loaded is not None else {
            "instance": self.instance.name, "period": self.instance.period}
        return {**base, "backend": self.backend,
                "solver_options": dataclasses.asdict(self.options)}


def options_for(instance: Instance, backend: str | None,
                options: SolverOptions | None) -> tuple[str, SolverOptions]:
    """The scenario's solver settings, with anything the caller gives winning."""
    settings = instance.solver
    base = SolverOptions()
    if settings is not None:
        base = SolverOptions(**settings.model_dump(exclude={"backend"}))
    if options is not None:
        given = {f.name: getattr(options, f.name) for f in dataclasses.fields(options)
                 if getattr(options, f.name) not in (None, False)}
        base = dataclasses.replace(base, **given)
    name = backend or (settings.backend if settings and settings.backend else None) or "highs"
    return name, base


def build(source: Loaded | Instance, backend: str | None = None,
          options: SolverOptions | None = None) -> Problem:
    """A loaded scenario (or an Instance) -> its Problem."""
    loaded = source if isinstance(source, Loaded) else None
    instance = loaded.instance if loaded is not None else source
    name, opts = options_for(instance, backend, options)
    return Problem(instance, formulate(instance), name, opts, loaded)


def load_problem(ref: str | Path | Instance | None = None, period: str | None = None,
                 sets: list[str] | None = None, backend: str | None = None,
                 options: SolverOptions | None = None, **load_kw) -> Problem:
    """Load a bundled instance, folder, scenario file (or take an Instance) and build it."""
    if isinstance(ref, Instance):
        if sets:
            from landalloc.plan.overrides import parse_set
            from landalloc.problem.sweep_plan import instance_with

            ref = instance_with(ref, [parse_set(s) for s in sets], origin="--set")
        return build(ref, backend, options)
    return build(load(ref, period, sets, **load_kw), backend, options)
