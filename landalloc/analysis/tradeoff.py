"""The exact front between output and plan fit (the two objectives of a solve).

front(t) = max output  s.t.  plan_fit(x) >= t,  t in [plan fit at the output optimum, max plan fit]

is concave and piecewise linear in t. Its breakpoints are found exactly by the dichotomic
(NISE / Cohon, Eisner–Severance) search: start from the two lexicographic optima (output then
plan fit; plan fit then output); for two neighbouring points P, Q solve the weighted LP
max (f2q − f2p)·output + (f1p − f1q)·plan_fit, whose level line passes through P and Q. If its
optimum lies strictly above that line, the new point is on the front between them and both
halves are searched again; if not, the segment P–Q is an edge of the front. Every LP is the
scenario's own (landalloc.problem.build), so its objective weights and rules are used.
Collinear points are dropped at the end, so the points are the front's vertices.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from landalloc.formulations.allocation import plan_fit_weights
from landalloc.formulations.lp import LinearProgram, row_table
from landalloc.problem.build import Problem
from landalloc.solver import get_backend
from landalloc.solver.base import Status, tolerance_of
from landalloc.solver.stages import face_lp

#: Relative tolerance on the weighted objective: a point counts as above the line P–Q only
#: when it gains more than this (times the scale of the objective).
REL_TOL = 1e-9


@dataclass
class FrontPoint:
    objective: float
    plan_fit: float
    x: np.ndarray
    changes: list[dict[str, Any]] = field(default_factory=list)
    rate: float | None = None  # output lost per plan-fit point from the previous point
    words: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"objective": self.objective, "plan_fit": self.plan_fit,
                "allocation_changes": self.changes, "output_per_plan_fit_point": self.rate,
                "exchange": self.words}


@dataclass
class Front:
    name: str
    period: str
    unit: str
    points: list[FrontPoint]
    lp_solves: int

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "period": self.period, "objective_unit": self.unit,
                "method": "dichotomic search (NISE) on output and plan fit; exact breakpoints",
                "lp_solves": self.lp_solves,
                "points": [p.to_dict() for p in self.points]}


class _Solver:
    def __init__(self, problem: Problem) -> None:
        self.p = problem
        self.lp = problem.lp
        self.backend = get_backend(problem.backend)
        self.w = plan_fit_weights(problem.instance, self.lp.sectors, self.lp.districts)
        self.count = 0

    def solve(self, lp: LinearProgram):
        self.count += 1
        raw = self.backend.solve(lp, self.p.options)
        if raw.status is Status.INFEASIBLE and self.count == 1:  # the scenario's own LP
            from landalloc.analysis.alternatives import Infeasible

            raise Infeasible(f"{lp.name}: no allocation meets every rule (`landalloc "
                             "diagnose` names the rules that collide)")
        if raw.status is Status.TIME_LIMIT:
            from landalloc.analysis.alternatives import NotSolved

            raise NotSolved(f"{lp.name}: not solved ({raw.message})")
        if raw.status is not Status.OPTIMAL:
            raise RuntimeError(f"{lp.name}: {raw.status.value} ({raw.message})")
        return raw

    def lexicographic(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """max first·x, then max second·x on its optimal face."""
        lp = dataclasses.replace(self.lp, c=first)
        raw = self.solve(lp)
        raw2 = self.solve(face_lp(lp, raw, tolerance_of(self.p.options), costs=second))
        return raw2.x

    def weighted(self, a: float, b: float) -> np.ndarray:
        c = a * self.lp.c + b * self.w
        return self.lexicographic(c, self.lp.c)

    def point(self, x: np.ndarray) -> FrontPoint:
        return FrontPoint(float(self.lp.c @ x), float(self.w @ x), x)


def with_plan_fit_floor(lp: LinearProgram, weights: np.ndarray, t: float,
                        exact: bool = False) -> LinearProgram:
    """The LP with one more row: plan fit >= t (== t when exact)."""
    A = sp.vstack([lp.A, sp.csr_matrix(weights.reshape(1, -1))], format="csc")
    rows = row_table([*lp.rows.itertuples(index=False, name=None),
                      ("plan_fit_floor", "rule", "plan_fit", "规划契合度下限",
                       "plan fit floor", "tradeoff", "")])
    return dataclasses.replace(
        lp, matrix=A, row_info=rows,
        row_lower=np.append(lp.row_lower, t), row_upper=np.append(lp.row_upper,
                                                                  t if exact else np.inf))


def front(problem: Problem, max_points: int | None = None) -> Front:
    """The exact output–plan-fit front of one scenario."""
    s = _Solver(problem)
    lp = s.lp
    # best output, then the tie-break every command uses (plan fit, then the fixed cell
    # weights): the front starts at `solve`'s own allocation
    left = s.point(s.lexicographic(lp.c, lp.tie_weights()))
    right = s.point(s.lexicographic(s.w, lp.c))   # best plan fit, then best output
    pts = [left]
    if right.plan_fit > left.plan_fit + 1e-6 * max(1.0, abs(left.plan_fit)):
        scale = max(1.0, abs(left.objective), abs(left.plan_fit))
        stack = [(left, right)]
        found = [left, right]
        while stack and (max_points is None or len(found) < max_points):
            p, q = stack.pop()
            a, b = q.plan_fit - p.plan_fit, p.objective - q.objective
            if b <= 0:
                continue
            r = s.point(s.weighted(a, b))
            line = a * p.objective + b * p.plan_fit
            if a * r.objective + b * r.plan_fit > line + REL_TOL * scale * (a + b):
                found.append(r)
                stack += [(p, r), (r, q)]
        pts = sorted(found, key=lambda z: z.plan_fit)
        pts = _vertices(pts)
    _describe(problem, pts)
    return Front(problem.instance.name, problem.instance.period, lp.objective_unit, pts,
                 s.count)


def _vertices(pts: list[FrontPoint]) -> list[FrontPoint]:
    """Drop duplicates and points on the segment between their neighbours."""
    out: list[FrontPoint] = []
    for p in pts:
        if out and abs(p.plan_fit - out[-1].plan_fit) < 1e-6 and \
                abs(p.objective - out[-1].objective) < 1e-6:
            continue
        while len(out) >= 2:
            a, b = out[-2], out[-1]
            cross = (b.plan_fit - a.plan_fit) * (p.objective - a.objective) - \
                (b.objective - a.objective) * (p.plan_fit - a.plan_fit)
            # b's output off the straight line from a to p, in output units: a breakpoint
            # 9 units off the line is one, whatever the plan-fit scale
            off = abs(cross) / max(p.plan_fit - a.plan_fit, 1e-12)
            if off <= 1e3 * REL_TOL * max(1.0, abs(b.objective)):
                out.pop()
            else:
                break
        out.append(p)
    return out


def _describe(problem: Problem, pts: list[FrontPoint]) -> None:
    inst, lp = problem.instance, problem.lp
    unit = lp.objective_unit
    for prev, p in itertools.pairwise(pts):
        d = p.x - prev.x
        moved = np.flatnonzero(np.abs(d) > 1e-6)
        p.changes = [{"sector": lp.sectors[lp.col_sector[j]],
                      "district": lp.districts[lp.col_district[j]],
                      "from": float(prev.x[j]), "to": float(p.x[j]), "delta": float(d[j]),
                      "role": (r.role if (r := inst.role(lp.sectors[lp.col_sector[j]],
                                                         lp.districts[lp.col_district[j]]))
                               else None)} for j in moved]
        gain = p.plan_fit - prev.plan_fit
        p.rate = (prev.objective - p.objective) / gain if gain > 0 else None
        gains = sorted((c for c in p.changes if c["delta"] > 0), key=lambda c: -c["delta"])
        losses = sorted((c for c in p.changes if c["delta"] < 0), key=lambda c: c["delta"])

        def name(c: dict) -> str:
            s, dd = inst.sectors[c["sector"]], inst.districts[c["district"]]
            role = f" ({c['role']})" if c["role"] else " (no role)"
            return f"{s.en} {s.zh} in {dd.zh} {dd.en}{role}"

        into = "; ".join(f"{c['delta']:,.0f} ha more {name(c)}" for c in gains[:3])
        out = "; ".join(f"{-c['delta']:,.0f} ha less {name(c)}" for c in losses[:3])
        p.words = (f"{into} ({out}) costs {p.rate:,.4f} {unit} of output per plan-fit point "
                   f"({prev.objective - p.objective:,.2f} {unit} for {gain:,.0f} points)"
                   if p.rate is not None else "")
