"""What a `--set` path does to the LP, found by formulating twice and diffing the arrays.

A sweep moves one or two instance numbers (`districts.airport.cap`,
`sectors.electronics.quota.min`, `output.food.etdz`, ...). Rather than a hand-kept table of
which path touches which row, the instance is formulated at the sweep's ends and at its
middle: the LP entries that differ are the parameter's footprint, and their change per unit
of the parameter is read off the difference. Bounds and costs that move linearly can then be
changed in a live solver and re-solved warm. A path that changes matrix coefficients
(a share, a custom rule's coefficient) or moves entries non-linearly cannot: such a sweep
rebuilds the LP at every point, and says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import ValidationError

from landalloc.errors import InputError
from landalloc.formulations import LinearProgram, formulate
from landalloc.model import Instance
from landalloc.overrides import Override, apply, normalise

#: The instance path behind each kind of LP row (rule name -> --set path).
_RULE_PATHS = [
    (re.compile(r"^total_increment$"), "total_increment"),
    (re.compile(r"^sector_quota\[(.+)\]$"), "sectors.{}.quota"),
    (re.compile(r"^sector_group_total\[(.+)\]$"), "sector_groups.{}.total"),
    (re.compile(r"^sector_group_share(?:_min)?\[(.+)\]$"), "sector_groups.{}.share.min"),
    (re.compile(r"^sector_group_share_max\[(.+)\]$"), "sector_groups.{}.share.max"),
    (re.compile(r"^district_cap\[(.+)\]$"), "districts.{}.cap"),
    (re.compile(r"^zone_total\[(.+)\]$"), "zones.{}.total"),
]


def rule_path(rule: str) -> str | None:
    """The `--set` path that sets a rule's figure (None for custom rules)."""
    for pattern, template in _RULE_PATHS:
        m = pattern.match(rule)
        if m:
            return template.format(*m.groups())
    return None


def instance_with(base: Instance, sets: list[tuple[str, Any]], origin: str = "--param"
                  ) -> Instance:
    """The instance with dotted-path overrides applied (same rules as `--set`)."""
    data = normalise(base.model_dump(mode="python", exclude_none=True))
    data, _ = apply(data, [Override(p, v, origin) for p, v in sets], {})
    try:
        return Instance.model_validate(data)
    except ValidationError as err:
        from landalloc.loading import _validation_problems

        problems = _validation_problems(err, {}, origin)
        at = ", ".join(f"{p}={v:g}" if isinstance(v, float | int) else f"{p}={v}"
                       for p, v in sets)
        for p in problems:
            p.message = f"at {at}: {p.message}"
        raise InputError(problems) from None


_ARRAYS = ("row_lower", "row_upper", "col_lower", "col_upper", "c")


@dataclass
class ParameterMap:
    """How one parameter moves the LP: entries and their change per unit of the parameter."""

    path: str
    origin: float  # the parameter's value in the base LP of the sweep
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    row_lower: np.ndarray = field(default_factory=lambda: np.zeros(0))  # slope per unit
    row_upper: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cols: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    col_lower: np.ndarray = field(default_factory=lambda: np.zeros(0))
    col_upper: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cost: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def describe(self, lp: LinearProgram) -> str:
        """`districts.airport.cap -> district_cap[airport] (upper)`."""
        parts = []
        names = lp.row_names()
        for i, lo, hi in zip(self.rows, self.row_lower, self.row_upper, strict=True):
            side = "value" if lo and hi else ("lower" if lo else "upper")
            parts.append(f"{names[i]} ({side})")
        cols = lp.col_names()
        for j, lo, hi, c in zip(self.cols, self.col_lower, self.col_upper, self.cost,
                                strict=True):
            what = [w for w, s in (("lower", lo), ("upper", hi), ("output per ha", c)) if s]
            parts.append(f"{cols[j]} ({', '.join(what)})")
        return f"{self.path} -> " + ("; ".join(parts) or "nothing")


@dataclass
class SweepPlan:
    """The base LP of a sweep and, when the sweep can be warm, each parameter's footprint."""

    base: Instance  # with every parameter at its sweep start
    lp: LinearProgram
    maps: list[ParameterMap]
    warm: bool
    reason: str = ""


def _diff(lp0: LinearProgram, lp1: LinearProgram) -> dict[str, np.ndarray] | str:
    """Per-array differences lp1 - lp0, or why the two cannot be compared entry by entry."""
    if lp0.A.shape != lp1.A.shape or lp0.row_names() != lp1.row_names():
        return "it changes which rules or cells the LP has"
    dA = abs(lp0.A - lp1.A)
    if dA.nnz and dA.max() > 0:
        rows = sorted({lp0.row_names()[i] for i in dA.tocoo().row})
        return f"it changes matrix coefficients of {', '.join(rows)}"
    out = {}
    for name in _ARRAYS:
        a, b = getattr(lp0, name), getattr(lp1, name)
        same = (a == b) | (np.isnan(a) & np.isnan(b))
        if (~same & ~(np.isfinite(a) & np.isfinite(b))).any():
            return "it moves a bound between finite and infinite"
        with np.errstate(invalid="ignore"):
            out[name] = np.where(same, 0.0, b - a)
    return out


def _footprint(path: str, a: float, b: float, d: dict[str, np.ndarray]) -> ParameterMap:
    s = {k: v / (b - a) for k, v in d.items()}
    rows = np.flatnonzero((s["row_lower"] != 0) | (s["row_upper"] != 0))
    cols = np.flatnonzero((s["col_lower"] != 0) | (s["col_upper"] != 0) | (s["c"] != 0))
    return ParameterMap(path, a, rows, s["row_lower"][rows], s["row_upper"][rows],
                        cols, s["col_lower"][cols], s["col_upper"][cols], s["c"][cols])


def apply_maps(lp: LinearProgram, maps: list[ParameterMap], values: list[float]
               ) -> dict[str, np.ndarray]:
    """The five arrays of the LP at parameter values, predicted from the footprints."""
    arrays = {k: getattr(lp, k).astype(float).copy() for k in _ARRAYS}
    for m, v in zip(maps, values, strict=True):
        t = v - m.origin
        arrays["row_lower"][m.rows] += m.row_lower * t
        arrays["row_upper"][m.rows] += m.row_upper * t
        arrays["col_lower"][m.cols] += m.col_lower * t
        arrays["col_upper"][m.cols] += m.col_upper * t
        arrays["c"][m.cols] += m.cost * t
    return arrays


def _agrees(lp: LinearProgram, predicted: dict[str, np.ndarray]) -> bool:
    for k in _ARRAYS:
        got, want = getattr(lp, k), predicted[k]
        fin = np.isfinite(got)
        if not np.array_equal(fin, np.isfinite(want)):
            return False
        if not np.allclose(got[fin], want[fin], rtol=1e-9, atol=1e-9):
            return False
        if not np.array_equal(got[~fin], want[~fin]):
            return False
    return True


def plan_sweep(base: Instance, params: list[tuple[str, float, float]]) -> SweepPlan:
    """Map each (path, start, end) to LP entries; decide whether the sweep can be warm.

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
    maps: list[ParameterMap] = []
    reason = ""
    for k, (path, a, b) in enumerate(params):
        at_end = [*start[:k], (path, float(b)), *start[k + 1:]]
        at_mid = [*start[:k], (path, (a + b) / 2), *start[k + 1:]]
        lp_b = formulate(instance_with(base, at_end))
        d = _diff(lp0, lp_b)
        if isinstance(d, str):
            reason = reason or f"{path}: {d}"
            continue
        m = _footprint(path, float(a), float(b), d)
        if m.rows.size == 0 and m.cols.size == 0:
            raise InputError.one(
                "sweeping this changes nothing in the LP (a name, a note, or the output of a "
                "cell the plan does not allow?)", file="--param", key=path)
        lp_m = formulate(instance_with(base, at_mid))
        if not _agrees(lp_m, apply_maps(lp0, [m], [(a + b) / 2])):
            reason = reason or f"{path}: the LP does not move linearly with it"
            continue
        maps.append(m)
    if not reason and len(params) > 1:
        far = [(p, float(b)) for p, _, b in params]
        lp_far = formulate(instance_with(base, far))
        if not _agrees(lp_far, apply_maps(lp0, maps, [v for _, v in far])):
            reason = "the two parameters move the same LP entries in ways that do not add up"
    if reason:
        return SweepPlan(inst0, lp0, [], warm=False, reason=reason)
    return SweepPlan(inst0, lp0, maps, warm=True)
