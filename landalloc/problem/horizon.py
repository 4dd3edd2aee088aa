"""Linked periods from a scenario: every period loaded the one way (`load`), stacked into
one LP (`formulate_horizon`). `--period all` or a comma list `2021-2025,2026-2035`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from landalloc.errors import InputError
from landalloc.plan.loading import Loaded, load
from landalloc.plan.locate import resolve_input
from landalloc.plan.scenario import is_instance_file, load_scenario_chain
from landalloc.plan.yamlio import read_yaml
from landalloc.problem.build import options_for
from landalloc.solver.base import SolverOptions

if TYPE_CHECKING:  # the linked formulation loads only when periods are linked
    from landalloc.formulations.horizon import HorizonLP


def is_linked(period: str | None) -> bool:
    """True for `all` or a comma list of periods: the linked-period model."""
    return period is not None and (period.strip() == "all" or "," in period)


def linked_spec(ref: str | Path | None, period: str | None) -> str | None:
    """The linked-period spec asked for (`--period`, else the scenario's own `period:`),
    or None for one period."""
    if period is not None:
        return period if is_linked(period) else None
    _, own = instance_file_of(ref)
    return own if is_linked(own) else None


def instance_file_of(ref: str | Path | None) -> tuple[Path, str | None]:
    path = resolve_input(ref)
    if is_instance_file(path):
        return path, None
    chain = load_scenario_chain(path, {})
    return chain.instance_file, chain.scenario.period


def instance_periods(ref: str | Path | None) -> list[str]:
    """The periods of the instance an instance or scenario reference leads to."""
    return periods_of(instance_file_of(ref)[0])


def periods_of(instance_file: Path) -> list[str]:
    data = read_yaml(instance_file, {}, nulls=False)
    return [str(p) for p in (data.get("periods") or {})]


@dataclass(frozen=True)
class HorizonProblem:
    """Linked periods, ready to solve."""

    horizon: HorizonLP
    loaded: list[Loaded]
    backend: str
    options: SolverOptions

    @property
    def lp(self):
        return self.horizon.lp

    @property
    def instance(self):
        return self.horizon.instances[0]

    @property
    def periods(self) -> list[str]:
        return self.horizon.periods

    def record(self) -> dict:
        return {"periods": self.periods,
                "per_period": {lo.instance.period: lo.record() for lo in self.loaded},
                "backend": self.backend, "solver_options": dataclasses.asdict(self.options)}


def load_horizon(ref: str | Path | None = None, period: str | None = "all",
                 sets: list[str] | None = None, backend: str | None = None,
                 options: SolverOptions | None = None, **load_kw) -> HorizonProblem:
    """Load every named period of a scenario (each through `load`, with the same `--set`s)
    and link them. `period`: `all` or `p1,p2,...` (in the order given)."""
    instance_file, own = instance_file_of(ref)
    if period is None:
        period = own if is_linked(own) else "all"
    known = periods_of(instance_file)
    wanted = known if period.strip() == "all" else [p.strip() for p in period.split(",")
                                                    if p.strip()]
    if not wanted:
        raise InputError.one(f"no period named in '{period[:40]}': give one or more of "
                             f"{', '.join(known)} (comma separated), or all", file="--period")
    bad = [p for p in wanted if p not in known]
    if bad:
        raise InputError.one(f"unknown period {', '.join(bad)} (known: {', '.join(known)}, "
                             "or all)", file="--period")
    if len(wanted) != len(set(wanted)):
        raise InputError.one("a period is named twice", file="--period")
    from landalloc.formulations.horizon import formulate_horizon

    loaded = [load(ref, p, sets, **load_kw) for p in wanted]
    instances = [lo.instance for lo in loaded]
    name, opts = options_for(instances[0], backend, options)
    return HorizonProblem(formulate_horizon(instances), loaded, name, opts)
