"""A sweep's parameters as LP changes: the instance at the sweep's start, and the footprint
of each parameter found by formulating at its start, middle and end
(`landalloc.problem.entry_maps`).

Every number a parameter moves (bounds, costs, matrix coefficients such as a share's) must
move affinely with it; the sweep then changes those numbers in one live solver and re-solves
warm. A parameter that changes the LP's shape or moves numbers non-affinely (or two that move
the same number) makes the sweep rebuild the LP at every point, and it says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import ValidationError

from landalloc.errors import InputError
from landalloc.formulations import LinearProgram, formulate
from landalloc.plan.model import Instance
from landalloc.plan.overrides import Override, apply, normalise
from landalloc.problem.entry_maps import (
    Change,
    PathMap,
    bound_owner,
    fit_path,
    lp_with,
    overlapping,
)


def instance_with(base: Instance, sets: list[tuple[str, Any]], origin: str = "--param"
                  ) -> Instance:
    """The instance with dotted-path overrides applied (same rules as `--set`)."""
    data = normalise(base.model_dump(mode="python", exclude_none=True))
    data, _ = apply(data, [Override(p, v, origin) for p, v in sets], {})
    try:
        return Instance.model_validate(data)
    except ValidationError as err:
        from landalloc.plan.loading import _validation_problems

        problems = _validation_problems(err, {}, origin)
        at = ", ".join(f"{p}={v:g}" if isinstance(v, float | int) else f"{p}={v}"
                       for p, v in sets)
        for p in problems:
            p.message = f"at {at}: {p.message}"
        raise InputError(problems) from None


@dataclass
class SweepPlan:
    """The base LP of a sweep and, when the sweep can be warm, each parameter's footprint."""

    base: Instance  # with every parameter at its sweep start
    lp: LinearProgram
    maps: list[PathMap]
    warm: bool
    reason: str = ""

    def changes(self, values) -> list[Change]:
        """The LP changes at one point (one value per parameter)."""
        return [(e, float(v)) for m, v in zip(self.maps, values, strict=True)
                for e in m.entries]

    def lp_at(self, values) -> LinearProgram:
        """A copy of the LP at one point."""
        return lp_with(self.lp, self.changes(values))


def _agrees(got: LinearProgram, want: LinearProgram) -> bool:
    for k in ("c", "row_lower", "row_upper", "col_lower", "col_upper"):
        a, b = getattr(got, k), getattr(want, k)
        fin = np.isfinite(a)
        if not np.array_equal(fin, np.isfinite(b)) or not np.array_equal(a[~fin], b[~fin]):
            return False
        if not np.allclose(a[fin], b[fin], rtol=1e-9, atol=1e-9):
            return False
    return np.allclose(got.A.data, want.A.data, rtol=1e-9, atol=1e-9)


def plan_sweep(base: Instance, params: list[tuple[str, float, float]]) -> SweepPlan:
    """Map each (path, start, end) to LP numbers; decide whether the sweep can be warm.

    The instance is formulated at the start corner, at each parameter's end and middle (the
    middle checks that entries move linearly) and, for two parameters, at the far corner
    (their effects must add up). Every corner is validated, so a bad end is reported
    before any solve.
    """
    if not params:
        raise InputError.one("give a parameter to sweep", file="--param")
    for path, a, b in params:
        if not (np.isfinite(a) and np.isfinite(b)) or a == b:
            raise InputError.one(f"the sweep needs two different finite ends, got {a:g} and "
                                 f"{b:g}", file="--param", key=path)
    try:
        return _plan(base, params)
    except InputError as e:
        sided = [path for path, *_ in params if path.endswith((".min", ".max"))]
        for p in e.problems:
            if sided and "above" in p.message:
                p.message += (f" (sweep {sided[0].rsplit('.', 1)[0]} to move min and max "
                              "together, or widen the other side with --set)")
        raise


def _plan(base: Instance, params: list[tuple[str, float, float]]) -> SweepPlan:
    start = [(p, float(a)) for p, a, _ in params]
    inst0 = instance_with(base, start)
    lp0 = formulate(inst0)
    maps: list[PathMap] = []
    reason = ""
    for k, (path, a, b) in enumerate(params):
        def build(v: float, k: int = k, path: str = path, a: float = a) -> LinearProgram:
            if v == a:
                return lp0
            return formulate(instance_with(base, [*start[:k], (path, v), *start[k + 1:]]))

        got = fit_path(build, lp0, (float(a), float(b), (a + b) / 2))  # the end checked first
        if isinstance(got, str):
            reason = reason or f"{path}: {got}"
            continue
        if not got:
            raise InputError.one(
                "sweeping this changes nothing in the LP (a name, a note, or the output of a "
                "cell the plan does not allow?)", file="--param", key=path)
        owner = bound_owner(path.split("."))
        maps.append(PathMap(path, got, *(owner if owner else (None, None))))
    if not reason and len(params) > 1:
        far = [(p, float(b)) for p, _, b in params]
        plan = SweepPlan(inst0, lp0, maps, warm=True)
        if overlapping(plan.changes([v for _, v in far])):
            reason = "the two parameters move the same LP numbers"
        elif not _agrees(plan.lp_at([v for _, v in far]), formulate(instance_with(base, far))):
            reason = "the two parameters move the LP in ways that do not add up"
    if reason:
        return SweepPlan(inst0, lp0, [], warm=False, reason=reason)
    return SweepPlan(inst0, lp0, maps, warm=True)
