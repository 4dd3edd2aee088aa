"""Alternative allocations, exactly, on the LinearProgram: no names, no wording.

* `table_check`   which rows and cells a given allocation breaks, and by how much;
* `nearest`       the feasible (or optimal) allocation that moves the fewest hectares from
                  a given one: min Σ|x - t|, linearised by split variables x - t = p - q;
* `near_optimal`  the LP restricted to allocations of output ≥ (1 - S) × optimum (S = 0:
                  the optimal face, `face_lp`, with no tolerance on the objective);
* `cell_ranges`   min and max of every cell over that set: two LPs per cell on ONE warm
                  Highs model (one cost changed, re-solved);
* `mga`           modelling to generate alternatives: allocations in that set as far apart
                  as possible (L1, in ha), by the sign-pattern linearisation of the distance
                  started from Hamming-style (SPORES) weights, or along given directions;
* `forcing_curve` the optimum as a function of one cell fixed at t: a concave piecewise
                  linear function whose breakpoints are found exactly by tangent re-solves;
* `elastic`       the least change of row bounds that lets one cell hold T ha at output
                  ≥ (1 - S) × optimum.

The LP's sense is maximise throughout (as LinearProgram).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from landalloc.formulations.lp import LinearProgram
from landalloc.solver.base import RawSolution, SolverOptions, Status, Tolerance, tolerance_of
from landalloc.solver.highs import HighsSession
from landalloc.solver.stages import face_lp


def bare_lp(c, A, row_lower, row_upper, col_lower, col_upper) -> LinearProgram:
    """A LinearProgram of plain arrays (no plan behind it): for auxiliary LPs."""
    n = len(c)
    return LinearProgram(np.asarray(c, float), sp.csc_matrix(A), np.asarray(row_lower, float),
                         np.asarray(row_upper, float), np.asarray(col_lower, float),
                         np.asarray(col_upper, float), row_info=pd.DataFrame(), sectors=[],
                         districts=[], col_sector=np.zeros(n, int),
                         col_district=np.zeros(n, int))


def solve(lp: LinearProgram, options: SolverOptions | None = None) -> RawSolution:
    return HighsSession(lp, options).run()


def allowed_cells(lp: LinearProgram) -> np.ndarray:
    return lp.col_upper > lp.col_lower


# ------------------------------------------------------------------ checking a table
@dataclass
class TableCheck:
    """What an allocation t breaks. `row_excess[i]` > 0: above the upper bound by that
    much; < 0: below the lower bound by that much; `col_excess[j]` likewise for cells."""

    activity: np.ndarray
    row_excess: np.ndarray
    col_excess: np.ndarray
    objective: float
    x: np.ndarray | None = None

    @property
    def feasible(self) -> bool:
        return not (np.any(self.row_excess != 0) or np.any(self.col_excess != 0))


def table_check(lp: LinearProgram, t: np.ndarray, tol: Tolerance | None = None) -> TableCheck:
    tol = tol or Tolerance()
    act = lp.A @ t

    def excess(v, lo, hi):
        over = np.where(v > hi, v - hi, 0.0)
        under = np.where(v < lo, v - lo, 0.0)
        e = over + under
        scale = np.maximum(1.0, np.abs(np.where(e > 0, hi, lo)))
        return np.where(np.abs(e) <= tol.ha * scale, 0.0, e)

    return TableCheck(act, excess(act, lp.row_lower, lp.row_upper),
                      excess(t, lp.col_lower, lp.col_upper), float(lp.c @ t), t)


# ------------------------------------------------------------------ the near-optimal set
def optimum(lp: LinearProgram, options: SolverOptions | None = None) -> RawSolution:
    """The first stage (max c·x), with its duals: the face and the prices come from it."""
    return solve(lp, options)


def near_optimal(lp: LinearProgram, first: RawSolution, slack: float,
                 tol: Tolerance | None = None, costs: np.ndarray | None = None
                 ) -> LinearProgram:
    """The allocations of output ≥ (1 - slack) × optimum, as an LP with `costs` (zero).

    slack = 0 is the optimal face (every bound with a non-zero dual made an equality), so
    no tolerance on the objective enters; slack > 0 adds the row c·x ≥ (1 - S)·opt."""
    tol = tol or Tolerance()
    costs = np.zeros(lp.num_col) if costs is None else costs
    if slack <= 0:
        return face_lp(lp, first, tol, costs=costs)
    floor = first.objective - slack * abs(first.objective)
    A = sp.vstack([lp.A, sp.csr_matrix(lp.c.reshape(1, -1))]).tocsc()
    return dataclasses.replace(lp, c=costs, matrix=A,
                               row_lower=np.append(lp.row_lower, floor),
                               row_upper=np.append(lp.row_upper, np.inf))


# ------------------------------------------------------------------ nearest allocation
@dataclass
class Nearest:
    status: Status
    x: np.ndarray | None = None
    moved: float = math.nan  # Σ|x - t| / 2 ... see `moved_ha`
    added: float = math.nan
    removed: float = math.nan

    @property
    def moved_ha(self) -> float:
        """Hectares moved: the larger of what the table gains and what it loses (with the
        total fixed the two are equal: every hectare taken from one cell goes to another)."""
        return max(self.added, self.removed)


def nearest(region: LinearProgram, t: np.ndarray, options: SolverOptions | None = None,
            tol: Tolerance | None = None) -> Nearest:
    """The allocation of `region` (an LP whose costs are ignored) of least Σ|x - t|.

    Variables (x, p, q), p, q ≥ 0, with x - p + q = t: min Σ(p + q) is exactly min Σ|x-t|
    (at an optimum p_j q_j = 0)."""
    tol = tol or Tolerance()
    n = region.num_col
    eye = sp.identity(n, format="csc")
    zero = sp.csc_matrix((region.num_row, n))
    A = sp.vstack([sp.hstack([region.A, zero, zero]), sp.hstack([eye, -eye, eye])]).tocsc()
    big = bare_lp(np.concatenate([np.zeros(n), -np.ones(2 * n)]), A,
                  np.concatenate([region.row_lower, t]), np.concatenate([region.row_upper, t]),
                  np.concatenate([region.col_lower, np.zeros(2 * n)]),
                  np.concatenate([region.col_upper, np.full(2 * n, np.inf)]))
    raw = solve(big, options)
    if raw.status is not Status.OPTIMAL:
        return Nearest(raw.status)
    x = raw.x[:n]
    x = np.where(np.abs(x) < tol.ha, 0.0, x)
    d = x - t
    return Nearest(raw.status, x, float(np.abs(d).sum()) / 2, float(d[d > 0].sum()),
                   float(-d[d < 0].sum()))


# ------------------------------------------------------------------ ranges
@dataclass
class Ranges:
    lower: np.ndarray
    upper: np.ndarray
    solves: int = 0
    iterations: int = 0


def cell_ranges(region: LinearProgram, cells: np.ndarray | None = None,
                options: SolverOptions | None = None) -> Ranges:
    """min and max of each cell over `region`, on one warm Highs: cost e_j, re-solve, cost
    -e_j, re-solve, cost 0. Cells not listed (default: every allowed one) get their
    bounds."""
    n = region.num_col
    cells = np.flatnonzero(allowed_cells(region)) if cells is None else np.asarray(cells)
    lo, hi = region.col_lower.astype(float).copy(), region.col_upper.astype(float).copy()
    session = HighsSession(dataclasses.replace(region, c=np.zeros(n)), options)
    first = session.run()
    if first.status is not Status.OPTIMAL:
        raise ValueError(f"the near-optimal set is empty: {first.status.value}")
    solves, its = 1, first.iterations
    for j in cells:
        for sign in (1.0, -1.0):
            session.set_cost(j, sign)
            raw = session.run()
            solves += 1
            its += raw.iterations
            if raw.status is Status.OPTIMAL:
                v = float(raw.x[j])
            elif raw.status is Status.UNBOUNDED:
                v = sign * math.inf
            else:
                raise ValueError(f"range of cell {j}: {raw.status.value}")
            if sign > 0:
                hi[j] = v
            else:
                lo[j] = v
        session.set_cost(j, 0.0)
    return Ranges(lo, hi, solves, its)


def cold_ranges(region: LinearProgram, cells: np.ndarray | None = None,
                options: SolverOptions | None = None) -> Ranges:
    """The same ranges by one cold solve per cell end (for benchmarks and tests)."""
    n = region.num_col
    cells = np.flatnonzero(allowed_cells(region)) if cells is None else np.asarray(cells)
    lo, hi = region.col_lower.astype(float).copy(), region.col_upper.astype(float).copy()
    solves = its = 0
    for j in cells:
        for sign in (1.0, -1.0):
            c = np.zeros(n)
            c[j] = sign
            raw = solve(dataclasses.replace(region, c=c), options)
            solves += 1
            its += raw.iterations
            v = float(raw.x[j]) if raw.status is Status.OPTIMAL else sign * math.inf
            if sign > 0:
                hi[j] = v
            else:
                lo[j] = v
    return Ranges(lo, hi, solves, its)


# ------------------------------------------------------------------ alternatives (MGA)
@dataclass
class Alternative:
    x: np.ndarray
    objective: float
    how: str  # "distance" or the direction's name
    distance: float = 0.0  # Σ over earlier allocations of |x - x_f| (ha, L1)


@dataclass
class MGA:
    base: np.ndarray
    alternatives: list[Alternative] = field(default_factory=list)
    solves: int = 0


def mga(lp: LinearProgram, first: RawSolution, base: np.ndarray, slack: float, n: int,
        seed: int = 0, directions: list[tuple[str, np.ndarray]] | None = None,
        options: SolverOptions | None = None, rounds: int = 12) -> MGA:
    """n allocations of output ≥ (1 - slack) × optimum, as different as possible.

    Each named direction (name, d) gives one alternative: max d·x over the set. The rest
    maximise the L1 distance to every allocation found so far (the optimum `base` first):
    start from Hamming-style weights (SPORES: minimise the land in cells the earlier ones
    used, a seeded jitter breaking ties), then repeat with the sign pattern of the
    current point, max Σ_f s_f·x with s_f = sign(x - x_f) — for a fixed pattern it is a
    lower bound of Σ_f |x - x_f| that is tight at the point, so the distance never falls
    — until it stops growing."""
    tol = tolerance_of(options)
    rng = np.random.default_rng(seed)
    region = near_optimal(lp, first, slack, tol)
    allowed = allowed_cells(region)
    session = HighsSession(region, options)
    out = MGA(base.copy())
    found = [base.copy()]

    def run(costs: np.ndarray) -> np.ndarray | None:
        session.h.changeColsCost(costs.size, np.arange(costs.size, dtype=np.int32),
                                 costs.astype(float))
        raw = session.run()
        out.solves += 1
        if raw.status is not Status.OPTIMAL:
            return None
        return np.where(np.abs(raw.x) < tol.ha, 0.0, raw.x)

    def dist(x: np.ndarray) -> float:
        return float(sum(np.abs(x - f).sum() for f in found))

    for k in range(n):
        if directions and k < len(directions):
            name, d = directions[k]
            x = run(np.where(allowed, d, 0.0))
            how = name
        else:
            used = sum((f > tol.ha).astype(float) for f in found)
            w = -used + 1e-3 * rng.standard_normal(region.num_col)
            x = run(np.where(allowed, w, 0.0))
            how = "distance"
            best, kept = -1.0, x
            for _ in range(rounds):
                if x is None:
                    break
                cur = dist(x)
                if cur <= best + tol.ha:
                    break
                best, kept = cur, x
                s = sum(np.where(np.abs(x - f) <= tol.ha, rng.choice((-1.0, 1.0), x.size),
                                 np.sign(x - f)) for f in found)
                x = run(np.where(allowed, s, 0.0))
            x = kept
        if x is None:
            break
        out.alternatives.append(Alternative(x, float(lp.c @ x), how, dist(x)))
        found.append(x)
    return out


# ------------------------------------------------------------------ forcing curve
@dataclass
class Curve:
    """optimum(t) = max c·x with cell j fixed at t, at its exact breakpoints (t, value)."""

    t: np.ndarray
    value: np.ndarray
    solves: int

    def at(self, t: float) -> float:
        return float(np.interp(t, self.t, self.value))

    def slope_right(self, t: float, tol: float = 1e-6) -> float:
        """d optimum / dt just above t (output lost per ha forced in is its negative).

        A breakpoint within `tol` ha of t (relative above 1 ha) is t itself: breakpoints
        carry float noise, and the segment that matters starts there, not ends there."""
        i = int(np.searchsorted(self.t, t + tol * max(1.0, abs(t)), side="right"))
        if i >= self.t.size:
            return math.nan
        i = max(i, 1)
        return float((self.value[i] - self.value[i - 1]) / (self.t[i] - self.t[i - 1]))


def forcing_curve(lp: LinearProgram, j: int, options: SolverOptions | None = None,
                  max_solves: int = 400) -> Curve:
    """optimum(t) over every feasible t of cell j, by parametric re-solves on one model.

    optimum(t) is concave and piecewise linear. At t = a and t = b the re-solve gives the
    value and a supergradient (the reduced cost of the fixed cell); where the two tangents
    meet, t*, the re-solve either reaches the tangents' value (then optimum is linear on
    [a, t*] and on [t*, b]: t* is a breakpoint, or no breakpoint if the slopes agree) or
    lies below (then both halves are searched). Exact up to the solver's tolerance."""
    tol = tolerance_of(options)
    session = HighsSession(dataclasses.replace(lp, c=np.eye(1, lp.num_col, j).ravel()),
                           options)
    lo_raw = None
    hi_raw = session.run()
    if hi_raw.status is not Status.OPTIMAL:
        raise ValueError(f"no feasible allocation: {hi_raw.status.value}")
    tmax = float(hi_raw.x[j])
    session.set_cost(j, -1.0)
    lo_raw = session.run()
    tmin = float(lo_raw.x[j])
    session.h.changeColsCost(lp.num_col, np.arange(lp.num_col, dtype=np.int32), lp.c)
    solves = 2
    cl, cu = float(lp.col_lower[j]), float(lp.col_upper[j])

    def at(t: float) -> tuple[float, float]:
        nonlocal solves
        session.set_col_bounds(j, t, t)
        raw = session.run()
        solves += 1
        if raw.status is not Status.OPTIMAL:
            raise ValueError(f"cell fixed at {t}: {raw.status.value}")
        return float(raw.objective), float(raw.col_dual[j])

    pts: dict[float, float] = {}
    fa, ga = at(tmin)
    pts[tmin] = fa
    if tmax - tmin <= tol.ha * max(1.0, abs(tmax)):
        session.set_col_bounds(j, cl, cu)
        return Curve(np.array([tmin]), np.array([fa]), solves)
    fb, gb = at(tmax)
    pts[tmax] = fb
    stack = [(tmin, fa, ga, tmax, fb, gb)]
    vtol = 1e-7 * max(1.0, abs(fa), abs(fb))
    while stack and solves < max_solves:
        a, fa, ga, b, fb, gb = stack.pop()
        if abs(ga - gb) <= 1e-9 * max(1.0, abs(ga)):
            continue  # one line from a to b
        ts = (fb - fa + ga * a - gb * b) / (ga - gb)
        if not (a + tol.ha < ts < b - tol.ha):
            continue
        line = fa + ga * (ts - a)
        fs, gs = at(ts)
        pts[ts] = fs
        if fs >= line - vtol:
            continue  # ts is a breakpoint; linear on both sides
        stack.append((a, fa, ga, ts, fs, gs))
        stack.append((ts, fs, gs, b, fb, gb))
    session.set_col_bounds(j, cl, cu)
    t = np.array(sorted(pts))
    v = np.array([pts[k] for k in t])
    # keep the breakpoints only (drop points on a straight segment)
    keep = np.ones(t.size, bool)
    for i in range(1, t.size - 1):
        s1 = (v[i] - v[i - 1]) / (t[i] - t[i - 1])
        s2 = (v[i + 1] - v[i]) / (t[i + 1] - t[i])
        keep[i] = abs(s1 - s2) > 1e-7 * max(1.0, abs(s1))
    return Curve(t[keep], v[keep], solves)


# ------------------------------------------------------------------ elastic repair
@dataclass
class Elastic:
    status: Status
    x: np.ndarray | None = None
    lower_by: np.ndarray | None = None  # how much each row's lower bound must fall
    upper_by: np.ndarray | None = None  # how much each row's upper bound must rise
    cost: float = math.nan


def elastic(lp: LinearProgram, j: int, target: float, floor: float,
            weights: np.ndarray | None = None, movable: np.ndarray | None = None,
            options: SolverOptions | None = None) -> Elastic:
    """min Σ w_i (u_i + v_i) s.t. row_lower - u ≤ A x ≤ row_upper + v, x_j ≥ target,
    c·x ≥ floor. Rows not `movable` keep their bounds (u = v = 0)."""
    tol = tolerance_of(options)
    n, m = lp.num_col, lp.num_row
    w = np.ones(m) if weights is None else np.asarray(weights, float)
    mov = np.ones(m, bool) if movable is None else np.asarray(movable, bool)
    eye = sp.identity(m, format="csc")
    A = sp.vstack([sp.hstack([lp.A, eye, -eye]),
                   sp.hstack([sp.csr_matrix(lp.c.reshape(1, -1)),
                              sp.csc_matrix((1, 2 * m))])]).tocsc()
    cl = lp.col_lower.astype(float).copy()
    cl[j] = max(cl[j], target)
    ub = np.where(mov, np.inf, 0.0)
    big = bare_lp(np.concatenate([np.zeros(n), -w, -w]), A,
                  np.append(lp.row_lower, floor), np.append(lp.row_upper, np.inf),
                  np.concatenate([cl, np.zeros(2 * m)]),
                  np.concatenate([lp.col_upper, ub, ub]))
    raw = solve(big, options)
    if raw.status is not Status.OPTIMAL:
        return Elastic(raw.status)
    u, v = raw.x[n:n + m], raw.x[n + m:]
    u = np.where(u < tol.ha, 0.0, u)
    v = np.where(v < tol.ha, 0.0, v)
    return Elastic(raw.status, raw.x[:n], u, v, float(w @ (u + v)))
