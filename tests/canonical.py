"""Canonical LPs with primal and dual values worked out on paper.

Every problem is `max c·x  s.t.  row_lower <= A x <= row_upper,  col_lower <= x <= col_upper`
in the project's sign convention: the dual of a row (a column) is d(objective)/d(bound) of
its active bound, so >= 0 at an upper bound, <= 0 at a lower bound, 0 strictly between,
free on an equality. What is known about an optimum is written as linear relations
(`Linear`) over names: column names (`x[A,X]`: the allocation, or the column's dual) and
row names (`district_cap[X]`: the row's dual). A unique value is a one-term equality; a
degenerate problem's set of valid duals is a few equalities and one-sided inequalities.

Every import of a module that may move lives here, so the tests import only this file
and `tests.kkt`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from landalloc.solver import BACKENDS, get_backend
from landalloc.solver.live import LiveLP

import landalloc
from landalloc.plan.model import Instance
from landalloc.problem.entry_maps import EntryMap, PathMaps, lp_with
from landalloc.problem.sweep_plan import instance_with
from landalloc.problem.synthetic import random_instance

LinearProgram = landalloc.LinearProgram
formulate = landalloc.formulate

__all__ = ["BACKENDS", "PROBLEMS", "Canonical", "LinearProgram", "LiveLP", "check_known",
           "formulate", "get_backend", "live_changes", "lp_back_through_maps", "no_optimum",
           "random_instance"]


@dataclass(frozen=True)
class Linear:
    """sum(coef * value[name]) <op> rhs, where value is x, a row dual or a column dual."""

    terms: dict[str, float]
    op: str  # "==", "<=" or ">="
    rhs: float
    why: str = ""

    def violation(self, value: dict[str, float], tol: float) -> str | None:
        lhs = sum(k * value[n] for n, k in self.terms.items())
        scale = max(1.0, abs(self.rhs), *(abs(k * value[n]) for n, k in self.terms.items()))
        bad = {"==": abs(lhs - self.rhs), "<=": lhs - self.rhs, ">=": self.rhs - lhs}[self.op]
        if bad <= tol * scale:
            return None
        text = " + ".join(f"{k:g}*{n}" for n, k in self.terms.items())
        return f"{text} = {lhs:.10g}, expected {self.op} {self.rhs:g} ({self.why})"


def eq(name: str, v: float, why: str = "unique") -> Linear:
    return Linear({name: 1.0}, "==", v, why)


@dataclass
class Canonical:
    """A problem, what is known about its optimum, and one change to move it and back."""

    name: str
    lp: LinearProgram
    objective: float
    primal: list[Linear]  # holds at every optimal x
    duals: list[Linear]  # holds for every optimal (row_dual, col_dual)
    instance: Instance | None = None
    # a `--set` path and another value of it (Instance problems), or entry changes (raw)
    path: tuple[str, float] | None = None
    raw_changes: list[tuple[EntryMap, float]] = field(default_factory=list)
    perturbed_objective: float = 0.0  # the objective at the other value, also by hand
    unique_primal: bool = False
    unique_duals: bool = False


def _instance(name: str, total: dict | float, sectors: dict, districts: dict, output: dict,
              groups: dict | None = None, rules: list | None = None) -> Instance:
    """A one-zone, one-area-class instance; a cell is allowed where it has an output."""
    sec = {s: {"zh": s, "en": s, "group": g, **({} if q is None else {"quota": q})}
           for s, (g, q) in sectors.items()}
    dist = {d: {"zh": d, "en": d, "zone": "z", "area_class": "a",
                **({} if cap is None else {"cap": cap})} for d, cap in districts.items()}
    return Instance.model_validate({
        "name": name, "period": "p",
        "total_increment": total,
        "area_classes": {"a": {"zh": "区", "en": "area"}},
        "sector_groups": groups or {"g": {"zh": "组", "en": "group"}},
        "sectors": sec,
        "zones": {"z": {"zh": "区域", "en": "zone"}},
        "districts": dist,
        "allowed": {s: dict.fromkeys(row, "t") for s, row in output.items()},
        "output": output,
        "rules": rules or [],
    })


def _all_cells(inst: Instance, x: dict[tuple[str, str], float], why: str) -> list[Linear]:
    """Every cell's value (0 where not listed)."""
    return [eq(f"x[{s},{d}]", x.get((s, d), 0.0), why) for s in inst.sectors
            for d in inst.districts]


def _tiny_instance(caps: dict[str, float]) -> Instance:
    return _instance("tiny", {"min": 0, "max": 1000}, {"A": ("g", 50), "B": ("g", 40)}, caps,
                     {"A": {"X": 5, "Y": 3, "Z": 1}, "B": {"Y": 4, "Z": 1.5}})


def tiny() -> Canonical:
    """2 sectors x 3 districts (the case of tests/test_small_lp.py), solved on paper.

    Sectors A (quota exactly 50), B (exactly 40); districts X (cap 40), Y (30), Z (30);
    total in [0, 1000]. Output per ha: A: X 5, Y 3, Z 1; B: X not allowed, Y 4, Z 1.5.
    A fills X (5 is A's best and B cannot use X); B prefers Y: B-Y 30, B-Z 10, A-Z 10.
    Moving one ha of Y from B to A changes output by +3 - 4 + 1.5 - 1 = -0.5 < 0, so the
    optimum is unique: 40*5 + 10*1 + 30*4 + 10*1.5 = 345.

    Six rows, four positive cells, slack on total (90 < 1000) and on Z's cap (20 < 30):
    a non-degenerate basis, so the duals are unique. From c_ij = u_i + v_j on the basic cells
    with v_Z = 0 (slack) and the total's dual t = 0 (slack):
      A-Z: 1 = u_A,  B-Z: 1.5 = u_B,  A-X: 5 = u_A + v_X -> v_X = 4,  B-Y: 4 = u_B + v_Y ->
      v_Y = 2.5.  Dual objective 50*1 + 40*1.5 + 40*4 + 30*2.5 = 345.
    Reduced costs c_ij - u_i - v_j: A-Y 3 - 1 - 2.5 = -0.5; B-X (fixed at 0, cost 0)
    0 - 1.5 - 4 = -5.5; zero on the four basic cells.

    Other value: X's cap 45. Five more ha of X go to A at 5 instead of Z at 1: 345 + 5*4 = 365.
    """
    inst = _tiny_instance({"X": 40, "Y": 30, "Z": 30})
    x = {("A", "X"): 40, ("A", "Z"): 10, ("B", "Y"): 30, ("B", "Z"): 10}
    duals = [eq("sector_quota[A]", 1.0), eq("sector_quota[B]", 1.5),
             eq("district_cap[X]", 4.0), eq("district_cap[Y]", 2.5),
             eq("district_cap[Z]", 0.0, "slack"), eq("total_increment", 0.0, "slack"),
             eq("x[A,Y]", -0.5), eq("x[B,X]", -5.5)]
    duals += [eq(f"x[{c}]", 0.0, "basic") for c in ("A,X", "A,Z", "B,Y", "B,Z")]
    return Canonical("tiny_2x3", formulate(inst), 345.0, _all_cells(inst, x, "by hand"),
                     duals, inst, path=("districts.X.cap", 45.0), perturbed_objective=365.0,
                     unique_primal=True, unique_duals=True)


def degenerate() -> Canonical:
    """Caps summing exactly to the total: a degenerate optimum whose duals are not unique.

    Sectors A (quota at most 80), B (no quota); districts X (cap 60), Y (cap 40); total
    exactly 100 = 60 + 40, so both caps must be full. Output: A: X 3, Y 1; B: X 2, Y 2.
    Each district goes to its best sector: A-X 60, B-Y 40; objective 180 + 80 = 260.
    Unique: the only move keeping the caps full swaps d ha (A-X, B-Y) for (B-X, A-Y),
    changing output by (-3 - 2 + 2 + 1) d = -2d.

    The basis has four rows (total, quota A, caps X, Y) but only three positive basic values
    (A-X, B-Y, slack of quota A: 80 - 60): one basic variable is 0, so the duals are a ray.
    With t the total's dual, q A's quota dual (0: slack at every optimum), v_X, v_Y the
    caps' duals (>= 0, upper bounds):
      A-X basic: 3 = t + q + v_X;  B-Y basic: 2 = t + v_Y;
      A-Y: 1 - t - q - v_Y <= 0 and B-X: 2 - t - v_X <= 0 hold with equality to -1.
    Every dual is (t, v_X, v_Y) = (2 - k, 1 + k, k) for a k >= 0, reduced costs unique.
    One-sided values: total down by 1 loses one ha of B-Y (left derivative 2 = the largest
    t); cap X up by 1 moves one ha from B-Y to A-X (+3 - 2: right derivative 1 = the least
    v_X); cap Y up by 1 changes nothing (right derivative 0 = the least v_Y); total up or a
    cap down is infeasible (the other sides are unbounded).

    Other value: total 90. The 10 ha left out are the cheapest, B-Y at 2: 260 - 20 = 240.
    """
    inst = _instance("degenerate", 100, {"A": ("g", {"max": 80}), "B": ("g", None)},
                     {"X": 60, "Y": 40}, {"A": {"X": 3, "Y": 1}, "B": {"X": 2, "Y": 2}})
    x = {("A", "X"): 60, ("B", "Y"): 40}
    t, q, vx, vy = "total_increment", "sector_quota[A]", "district_cap[X]", "district_cap[Y]"
    duals = [
        eq(q, 0.0, "quota A is slack at every optimum (60 < 80)"),
        Linear({t: 1, vx: 1}, "==", 3.0, "A-X basic: c = t + v_X"),
        Linear({t: 1, vy: 1}, "==", 2.0, "B-Y basic: c = t + v_Y"),
        Linear({t: 1}, "<=", 2.0, "left derivative of the total"),
        Linear({vx: 1}, ">=", 1.0, "right derivative of cap X"),
        Linear({vy: 1}, ">=", 0.0, "right derivative of cap Y"),
        eq("x[A,Y]", -1.0, "1 - t - v_Y"), eq("x[B,X]", -1.0, "2 - t - v_X"),
        eq("x[A,X]", 0.0, "basic"), eq("x[B,Y]", 0.0, "basic"),
    ]
    return Canonical("degenerate_caps_equal_total", formulate(inst), 260.0,
                     _all_cells(inst, x, "by hand"), duals, inst,
                     path=("total_increment", 90.0), perturbed_objective=240.0,
                     unique_primal=True)


def share() -> Canonical:
    """A group's share of the total: the row sum_G x - s * sum_all x >= 0.

    Sectors A (group lead), B (group rest), no quotas; districts X (cap 60), Y (cap 60);
    total exactly 100; lead's share at least s = 0.3. Output: A: X 1, Y 1; B: X 3, Y 2.
    Without the share B takes everything; with it A >= 30. B fills X (3 is the best cell);
    A goes to Y rather than X: A-X + B-Y = 3 < A-Y + B-X = 4. So B-X 60, B-Y 10, A-Y 30:
    180 + 20 + 30 = 230. Unique: moving d of A from Y to X (and d of B from X to Y) changes
    output by (1 - 1 - 3 + 2) d = -d. The share row 0.7 x_A - 0.3 x_B is 21 - 21 = 0: active.

    Four rows (total, share, caps X, Y), three positive cells and Y's slack (20): unique
    duals. With t (total), w (share, lower bound: <= 0), v_X (cap, >= 0), v_Y = 0:
      B-Y: 2 = t - 0.3 w;  A-Y: 1 = t + 0.7 w  ->  w = -1, t = 1.7;  B-X: 3 = t - 0.3 w + v_X
      -> v_X = 1.  Reduced cost of A-X: 1 - (1.7 - 0.7 + 1) = -1.
    Dual objective 1.7*100 + 1*60 = 230. Check of t: total 101 -> A >= 30.3 in Y, B-Y 10.7:
    180 + 21.4 + 30.3 = 231.7.

    Other value: share 0.4. A >= 40 in Y, B-X 60: 180 + 40 = 220.
    """
    groups = {"lead": {"zh": "主导", "en": "lead", "share": 0.3},
              "rest": {"zh": "其他", "en": "rest"}}
    inst = _instance("share", 100, {"A": ("lead", None), "B": ("rest", None)},
                     {"X": 60, "Y": 60}, {"A": {"X": 1, "Y": 1}, "B": {"X": 3, "Y": 2}},
                     groups=groups)
    x = {("B", "X"): 60, ("B", "Y"): 10, ("A", "Y"): 30}
    duals = [eq("total_increment", 1.7), eq("sector_group_share[lead]", -1.0),
             eq("district_cap[X]", 1.0), eq("district_cap[Y]", 0.0, "slack"),
             eq("x[A,X]", -1.0)] + [eq(f"x[{c}]", 0.0, "basic") for c in ("B,X", "B,Y", "A,Y")]
    return Canonical("share_rule", formulate(inst), 230.0, _all_cells(inst, x, "by hand"),
                     duals, inst, path=("sector_groups.lead.share.min", 0.4),
                     perturbed_objective=220.0, unique_primal=True, unique_duals=True)


def custom_rule() -> Canonical:
    """A custom rule with a non-unit coefficient: 2.5 * (A's land) <= 150 (a water budget).

    Sectors A, B, no quotas; districts X (cap 80), Y (cap 80); total exactly 100.
    Output: A: X 4, Y 3; B: X 2, Y 1.5. The rule allows A at most 60 ha; A is the better
    sector everywhere, so the rule binds. A goes where its lead over B is larger (X: 2,
    Y: 1.5): A-X 60; B takes the rest of X (2 > 1.5) and then Y: B-X 20, B-Y 20.
    240 + 40 + 30 = 310. Unique: moving d of A from X to Y (B the other way) changes output
    by (-4 + 3 + 2 - 1.5) d = -0.5 d.

    Four rows (total, caps X, Y, rule), three positive cells and Y's slack (60): unique
    duals. With t (total), v_X (>= 0), v_Y = 0, r (rule, upper bound: >= 0):
      B-Y: 1.5 = t;  B-X: 2 = t + v_X -> v_X = 0.5;  A-X: 4 = t + v_X + 2.5 r -> r = 0.8.
    Reduced cost of A-Y: 3 - (1.5 + 2.5*0.8) = -0.5. Dual objective 1.5*100 + 0.5*80 +
    0.8*150 = 310. Check of r: one more unit of budget is 0.4 ha more of A at X displacing
    B: 0.4 * (4 - 2) = 0.8.

    Other value: output of A at X 5. Same allocation (the lead of A at X only grows):
    300 + 40 + 30 = 370.
    """
    rule = {"name": "water", "sectors": ["A"], "coef": 2.5, "max": 150}
    inst = _instance("custom", 100, {"A": ("g", None), "B": ("g", None)},
                     {"X": 80, "Y": 80}, {"A": {"X": 4, "Y": 3}, "B": {"X": 2, "Y": 1.5}},
                     rules=[rule])
    x = {("A", "X"): 60, ("B", "X"): 20, ("B", "Y"): 20}
    duals = [eq("total_increment", 1.5), eq("district_cap[X]", 0.5),
             eq("district_cap[Y]", 0.0, "slack"), eq("rule[water]", 0.8),
             eq("x[A,Y]", -0.5)] + [eq(f"x[{c}]", 0.0, "basic") for c in ("A,X", "B,X", "B,Y")]
    return Canonical("custom_rule", formulate(inst), 310.0, _all_cells(inst, x, "by hand"),
                     duals, inst, path=("output.A.X", 5.0), perturbed_objective=370.0,
                     unique_primal=True, unique_duals=True)


def boxed() -> Canonical:
    """A raw LP the formulation never makes: finite column bounds (one active at its upper
    bound, one negative lower bound), a ranged row active at its lower side and a row
    strictly inside its range.

      max 3.5 x1 - x2 + 2 x3 + x4
      r1: x1 + x3 + 2 x4 <= 7;  r2: 2 <= x2 + x3 <= 10;  r3: -10 <= x1 - x2 <= 10
      0 <= x1 <= 4,  -2 <= x2 <= 5,  0 <= x3 <= 6,  0 <= x4 <= 3

    x1 at 4 (worth 3.5 per unit of r1), x3 fills r1 (x3 = 3, worth 2 + 1: each unit of x3
    lets x2 fall by one through r2), x2 = 2 - 3 = -1 (above its bound -2), x4 = 0 (worth
    1 but uses 2 of r1 worth 3 each). Objective 14 + 1 + 6 = 21. Unique: moving a unit of r1
    from x1 to x3 changes output by -3.5 + 2 + 1 = -0.5; x4 costs 2*3 - 1 = 5 per unit.

    Basic: x2, x3 (interior) and r3's slack (x1 - x2 = 5): non-degenerate, unique duals.
      x2: -1 = y2 -> y2 = -1 (r2 at its lower bound: <= 0);  x3: 2 = y1 + y2 -> y1 = 3;
      x1: 3.5 = y1 + z1 -> z1 = 0.5 (x1 at its upper bound: >= 0);
      x4: z4 = 1 - 2 y1 = -5 (at its lower bound: <= 0);  y3 = 0, z2 = z3 = 0.
    Dual objective 3*7 - 1*2 + 0.5*4 = 21.

    Other value: r1's upper bound 7.5. Half a unit more of x3 and half less of x2:
    21 + 0.5 * 3 = 22.5.
    """
    c = np.array([3.5, -1.0, 2.0, 1.0])
    dense = np.array([[1, 0, 1, 2], [0, 1, 1, 0], [1, -1, 0, 0]], dtype=float)
    names = ["r1", "r2", "r3"]
    lp = LinearProgram(
        c=c, matrix=sp.csc_matrix(dense),
        row_lower=np.array([-np.inf, 2.0, -10.0]), row_upper=np.array([7.0, 10.0, 10.0]),
        col_lower=np.array([0.0, -2.0, 0.0, 0.0]), col_upper=np.array([4.0, 5.0, 6.0, 3.0]),
        row_info=landalloc.formulations.lp.row_table(
            [(n, "rule", n, n, n, "by hand") for n in names]),
        sectors=["raw"], districts=["x1", "x2", "x3", "x4"],
        col_sector=np.zeros(4, dtype=np.int64), col_district=np.arange(4),
        objective_unit="", name="boxed")
    primal = [eq("x[raw,x1]", 4.0), eq("x[raw,x2]", -1.0), eq("x[raw,x3]", 3.0),
              eq("x[raw,x4]", 0.0)]
    duals = [eq("r1", 3.0), eq("r2", -1.0), eq("r3", 0.0, "strictly inside"),
             eq("x[raw,x1]", 0.5), eq("x[raw,x2]", 0.0), eq("x[raw,x3]", 0.0),
             eq("x[raw,x4]", -5.0)]
    up = EntryMap("row_upper", np.array([0]), np.array([0.0]), np.array([1.0]))
    return Canonical("boxed_raw_lp", lp, 21.0, primal, duals, raw_changes=[(up, 7.5)],
                     perturbed_objective=22.5, unique_primal=True, unique_duals=True)


# Zhengzhou 2021-2025 outputs per ha (亿元/ha, instances/zhengzhou/output.csv) by area class
# (every coefficient is r_p * 1.5 * I(sector, class) / 1e4: it depends on the class only).
_ZZ_URBAN = {"electronics": 0.979168, "auto_equipment": 0.760246, "new_materials": 0.619282,
             "food": 0.432558, "biomedicine": 0.863726, "other": 0.461158}
_ZZ_OTHER = {"electronics": 0.408914, "auto_equipment": 0.316839, "aluminum": 0.287909,
             "new_materials": 0.258353, "food": 0.183594, "biomedicine": 0.360234,
             "other": 0.193678}
_ZZ_QUOTA = {"electronics": 2100, "auto_equipment": 1600, "aluminum": 400,
             "new_materials": 300, "food": 400, "biomedicine": 200, "other": 1000}
#: The four recipient 开发区 of Ch.3 §1(3)2: the central districts with cells.
_ZZ_CENTRAL = ["erqi", "guancheng", "huiji", "zhengdong"]
_ZZ_URBAN_DISTRICTS = ["airport", "etdz", "hitech", *_ZZ_CENTRAL]


#: The one --set that turns the named-base minimums off (instance.yaml plan_fit.base_minimum).
NAMED_BASES_OFF = "plan_fit.base_minimum.ha=0"


def _zz_objective(urban: dict[str, float]) -> float:
    """sum_s quota_s * other_s + sum_s urban_s * (urban output_s - other output_s)."""
    base = sum(q * _ZZ_OTHER[s] for s, q in _ZZ_QUOTA.items())
    return base + sum(u * (_ZZ_URBAN[s] - _ZZ_OTHER[s]) for s, u in urban.items())


#: The optimum's land in the city proper per sector (derived in `zhengzhou` below).
ZZ_URBAN_LAND = {"electronics": 1700.0, "biomedicine": 200.0, "auto_equipment": 600.0}
#: 858.7194 + 506.9424 + 115.1636 + 77.5059 + 73.4376 + 72.0468 + 193.678 = 1897.4937 (all
#: land at the other-areas output) + 1700*0.570254 + 200*0.503492 + 600*0.443407 = 1336.1744
ZZ_OBJECTIVE = _zz_objective(ZZ_URBAN_LAND)  # 3233.6681 亿元
#: What every named base's 10 ha minimum costs 2021-2025, by hand (tests/test_named_bases.py).
ZZ_BASES_COST = 17.11598
#: The default solve (minimums on): 3216.5521 亿元.
ZZ_DEFAULT_OBJECTIVE = ZZ_OBJECTIVE - ZZ_BASES_COST


def zhengzhou() -> Canonical:
    """Zhengzhou 2021-2025 without the named-base minimums (the unconstrained optimum, the
    one `--set` of NAMED_BASES_OFF), its objective pinned to 3233.6681 亿元, by hand.

    Every sector's land is fixed: electronics 2100, auto 1600, new materials 300,
    biomedicine 200 and other 1000 are exact (5200 ha), aluminium and food are at most 400
    each, and the total is exactly 6000, so both are 400. Every district's land is fixed
    too: the zone totals are exact and equal the sum of their districts' caps (leading
    2300 = airport 1100 + etdz 800 + hitech 400; transformation 3500 = the seven caps), and
    the four central districts with cells (no caps; Ch.3 §1(3)2's recipient 开发区) share
    the integration zone's 200. The leading-six
    share (5000 / 6000 = 0.8333 >= 0.833, activity 5000 - 0.833*6000 = 2) is slack at every
    feasible point, so its dual is 0 in every dual solution.

    The output per ha depends on the sector and the area class only (output.csv): the
    city proper (urban: airport, etdz, hitech and the central four, 2500 ha) or the other
    areas (3500 ha). So objective = sum_s quota_s * other_s + sum_s U_s * gain_s, with U_s a
    sector's urban land and gain_s = urban_s - other_s: electronics 0.570254, biomedicine
    0.503492, auto 0.443407, new materials 0.360929, other 0.26748, food 0.248964;
    aluminium is allowed in no urban district. With sum U_s = 2500, U_bio <= 200 (quota) and
    U_electronics <= 1700 (electronics is allowed in the city proper only in airport,
    hitech and the central four: 1100 + 400 + 200), the relaxation is maximised only by
    U = (electronics 1700, biomedicine 200, auto 600), the gains being strictly ordered.
    It is reached: airport 1100, hitech 400 and the central 200 all electronics; etdz
    800 = biomedicine 200 + auto 600 (etdz allows auto, food, biomedicine); in the other
    areas xinzheng 700 = electronics 400 + food 300; xingyang 500 = food 100 + new materials
    300 + aluminium 100; gongyi 400 = aluminium 300 + auto 100; shangjie 200 and dengfeng
    500 other; xinmi 500 = other 300 + auto 200; zhongmou 700 auto (each cell allowed).
    Objective 1897.4937 + 1336.1744 = 3233.6681. The urban cells are therefore unique
    (central electronics as a sum); the other areas' cells are not.

    Other value: electronics at the airport 1.2 instead of 0.979168. The airport is all
    electronics at the optimum and stays so, and the bound argument only gains
    1100 * (1.2 - 0.979168) = 242.9152 at most: 3476.5833.
    """
    inst = landalloc.load_instance("zhengzhou", "2021-2025", sets=[NAMED_BASES_OFF])
    lp = formulate(inst)
    unique_urban = {("electronics", "airport"): 1100, ("electronics", "hitech"): 400,
                    ("biomedicine", "etdz"): 200, ("auto_equipment", "etdz"): 600}
    primal = [eq(f"x[{s},{d}]", unique_urban.get((s, d), 0.0), "urban cells by hand")
              for s in inst.sectors for d in ("airport", "etdz", "hitech")
              if inst.is_allowed(s, d)]
    central = {s: [d for d in _ZZ_CENTRAL if inst.is_allowed(s, d)] for s in inst.sectors}
    primal += [Linear({f"x[{s},{d}]": 1.0 for d in ds}, "==",
                      200.0 if s == "electronics" else 0.0, f"central four, {s}")
               for s, ds in central.items() if ds]
    primal += [Linear({f"x[{s},{d}]": 1.0 for d in _ZZ_URBAN_DISTRICTS if inst.is_allowed(s, d)},
                      "==", ZZ_URBAN_LAND.get(s, 0.0), f"urban land of {s}")
               for s in inst.sectors if any(inst.is_allowed(s, d) for d in _ZZ_URBAN_DISTRICTS)]
    primal += [Linear({f"x[{s},{d}]": 1.0 for d in inst.districts if inst.is_allowed(s, d)},
                      "==", q, f"quota of {s}") for s, q in _ZZ_QUOTA.items()]
    duals = [eq("sector_group_share[leading_six]", 0.0, "slack at every feasible point")]
    return Canonical("zhengzhou_2021_2025", lp, ZZ_OBJECTIVE, primal, duals, inst,
                     path=("output.electronics.airport", 1.2),
                     perturbed_objective=ZZ_OBJECTIVE + 1100 * (1.2 - 0.979168))


PROBLEMS: dict[str, Callable[[], Canonical]] = {
    "tiny_2x3": tiny, "degenerate_caps_equal_total": degenerate, "share_rule": share,
    "custom_rule": custom_rule, "boxed_raw_lp": boxed, "zhengzhou_2021_2025": zhengzhou}


def no_optimum() -> dict[str, tuple[LinearProgram, str]]:
    """LPs without an optimum and the status each must get, by hand.

    - quota_beyond_caps: tiny's quotas (90 ha) with caps X 0, Y 0, Z 60: 60 < 90,
      infeasible.
    - no_cap_no_total: one sector, one district, output 1, total at least 0 and no cap:
      x grows without bound, unbounded.
    - crossed_row_bounds: the boxed LP with r2 in [20, 10] (lower above upper): no x
      satisfies it, infeasible. (Instances never make this; a hand-built LP can.)
    """
    over = _tiny_instance({"X": 0, "Y": 0, "Z": 60})
    free = _instance("free", {"min": 0}, {"A": ("g", None)}, {"X": None}, {"A": {"X": 1}})
    crossed = dataclasses.replace(boxed().lp, row_lower=np.array([-np.inf, 20.0, -10.0]))
    return {"quota_beyond_caps": (formulate(over), "infeasible"),
            "no_cap_no_total": (formulate(free), "unbounded"),
            "crossed_row_bounds": (crossed, "infeasible")}


def check_known(p: Canonical, lp: LinearProgram, raw, tol: float = 1e-6) -> list[str]:
    """What the solution gets wrong against the paper values: objective, primal, duals."""
    if raw.status != "optimal" or raw.x is None:
        return [f"status {raw.status} ({raw.message}), expected optimal"]
    out = []
    if abs(raw.objective - p.objective) > tol * max(1.0, abs(p.objective)):
        out.append(f"objective {raw.objective!r}, expected {p.objective!r}")
    cols = lp.col_names()
    x = dict(zip(cols, raw.x.tolist(), strict=True))
    out += [f"primal: {v}" for r in p.primal if (v := r.violation(x, tol))]
    if raw.row_dual is None or raw.col_dual is None:
        return [*out, "no duals returned"]
    d = dict(zip(lp.row_names(), raw.row_dual.tolist(), strict=True))
    d.update(zip(cols, raw.col_dual.tolist(), strict=True))
    out += [f"dual: {v}" for r in p.duals if (v := r.violation(d, tol))]
    return out


def live_changes(p: Canonical, lp: LinearProgram) -> list[tuple[EntryMap, float]]:
    """The entry changes that move the problem's LP to its other value."""
    if p.instance is None:
        return p.raw_changes
    changes = PathMaps(p.instance, lp).changes([p.path])
    assert changes, f"{p.path[0]} has no entry map"
    return changes


def lp_back_through_maps(p: Canonical) -> tuple[LinearProgram, LinearProgram]:
    """(LP at the other value, formulated; that LP moved back to the base value by the
    path's entry maps). The second should be the problem's LP."""
    path, other = p.path
    base_value = _path_value(p.instance, path)
    inst_other = instance_with(p.instance, [(path, other)])
    lp_other = formulate(inst_other)
    changes = PathMaps(inst_other, lp_other).changes([(path, base_value)])
    assert changes, f"{path} has no entry map"
    return lp_other, lp_with(lp_other, changes)


def _path_value(inst: Instance, path: str) -> float:
    keys = path.split(".")
    if keys[0] == "output":
        return inst.output[keys[1]][keys[2]]
    node = inst
    for k in keys[:-1] if keys[-1] in ("min", "max") else keys:
        node = node[k] if isinstance(node, dict) else getattr(node, k)
    if keys[-1] in ("min", "max"):
        return getattr(node, keys[-1])
    return node.max if node.max is not None else node.min
