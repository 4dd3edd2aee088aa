"""Shadow prices, reduced costs and ranging from one HiGHS simplex solve.

Sign convention (maximisation, the same as RawSolution): a row's `shadow_price` is the change
of the objective per unit increase of the row's *active* bound — the cap for a binding cap,
the minimum for a binding minimum, the value for a fixed figure. A cell's `reduced_cost` is
the change per unit increase of its bound (for a cell at zero: the output lost per ha forced
into it).

Ranging comes from `Highs.getRanging()`. For a row at its bound (non-basic) the row-bound
range is the interval of that bound over which the price holds. For a basic row HiGHS
describes its activity instead, so the range is set here: a price of 0 holds while an upper
bound stays at or above the activity and a lower bound at or below it.

A degenerate optimum (a basic variable sitting on a bound — the Zhengzhou plan's district caps
add up exactly to its zone totals) has more than one set of duals: the price HiGHS returns is
one of them, valid on one side only. So every rule at its bound is also probed: its bound is
moved a little up and a little down and the problem re-solved warm, which measures the value
of one more and of one less hectare directly (NaN where the move alone is infeasible).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np
import pandas as pd
from landalloc.formulations.lp import LinearProgram
from landalloc.solver.base import SolverOptions, Status
from landalloc.solver.highs import HighsSession

#: Tolerance on prices and reduced costs (亿元/ha) below which they count as zero.
PRICE_TOL = 1e-9
#: Tolerance on hectares for "at its bound".
HA_TOL = 1e-7

_BASIC = highspy.HighsBasisStatus.kBasic
_LOWER = highspy.HighsBasisStatus.kLower
_UPPER = highspy.HighsBasisStatus.kUpper

#: The noun for one unit of each kind of rule's figure.
_NOUN = {
    "total": "total new land",
    "sector_quota": "quota",
    "sector_group_total": "group total",
    "sector_group_share": "share requirement",
    "district_cap": "cap",
    "zone_total": "zone total",
    "rule": "bound",
}


@dataclass
class SensitivityReport:
    """Rules and cells of one solved period, with prices, ranges and degeneracy flags."""

    status: str
    objective: float | None
    rules: pd.DataFrame
    cells: pd.DataFrame
    duals_unique: bool = True  # False: primal degenerate, other duals are optimal too
    allocation_unique: bool = True  # False: dual degenerate, other allocations are optimal
    notes: list[str] = field(default_factory=list)
    objective_unit: str = "亿元"
    record: dict = field(default_factory=dict)  # how the instance was made (inputs, overrides)

    def to_dict(self) -> dict:
        """The --json document (NaN and infinities become null)."""
        def clean(df: pd.DataFrame) -> list[dict]:
            out = df.astype(object).where(df.notna(), None).to_dict(orient="records")
            for rec in out:
                for k, v in rec.items():
                    if isinstance(v, float) and not np.isfinite(v):
                        rec[k] = None
                    elif isinstance(v, np.generic):
                        rec[k] = v.item()
            return out

        return {"record": self.record, "status": self.status, "objective": self.objective,
                "objective_unit": self.objective_unit,
                "duals_unique": self.duals_unique, "allocation_unique": self.allocation_unique,
                "notes": self.notes, "rules": clean(self.rules), "cells": clean(self.cells)}


def _status_array(statuses) -> np.ndarray:
    return np.fromiter((int(s.value) for s in statuses), dtype=np.int8, count=len(statuses))


def _finite(v: float) -> float:
    return v if np.isfinite(v) and abs(v) < highspy.kHighsInf else (np.inf if v > 0 else -np.inf)


def _row_side(status: int, lo: float, hi: float, act: float) -> str:
    """Which bound is active: 'fixed', 'upper', 'lower', 'at bound (basic)' or 'slack'."""
    tol = HA_TOL * max(1.0, abs(act))
    if status == int(_BASIC.value):
        at = abs(act - lo) <= tol or abs(act - hi) <= tol
        return "at bound (basic)" if at else "slack"
    if lo == hi:
        return "fixed"
    return "upper" if status == int(_UPPER.value) else "lower"


def _meaning(kind: str, side: str, price: float, slack: float, unit: str) -> str:
    noun = _NOUN.get(kind, "bound")
    p = abs(price)
    if side == "slack":
        return f"not binding: {slack:,.1f} ha to spare; one more ha of {noun} is worth nothing"
    if side == "at bound (basic)" or p <= PRICE_TOL:
        return f"at its bound, but one more ha of {noun} adds nothing at the margin"
    if kind == "sector_group_share":
        if price < 0:
            return (f"1 ha less required of the group (below its share) adds {p:.4f} {unit}; "
                    f"1 ha more costs {p:.4f}")
        return f"1 ha more allowed above the share limit adds {p:.4f} {unit}"
    if side == "lower":
        return (f"one more ha of minimum {noun} costs {p:.4f} {unit}; "
                f"one less adds {p:.4f}")
    if price > 0:
        return f"one more ha of {noun} here adds {p:.4f} {unit}"
    return f"one more ha of {noun} here costs {p:.4f} {unit}; one less adds {p:.4f}"


def _probe(session: HighsSession, i: int, side: str, lo: float, hi: float, bound: float,
           objective: float, step: float) -> tuple[float, float]:
    """(d obj per ha up, per ha down) of the active bound, measured by warm re-solves."""
    out = []
    for sign in (1.0, -1.0):
        nlo = lo + sign * step if side in ("fixed", "lower") else lo
        nhi = hi + sign * step if side in ("fixed", "upper") else hi
        if side == "at bound (basic)":  # move the bound it sits on
            nlo, nhi = (lo + sign * step, hi) if abs(lo - bound) < abs(hi - bound) \
                else (lo, hi + sign * step)
        session.set_row_bounds(i, nlo, nhi)
        raw = session.run()
        session.set_row_bounds(i, lo, hi)
        out.append(sign * (raw.objective - objective) / step
                   if raw.status is Status.OPTIMAL else np.nan)
    return out[0], out[1]


def analyse(lp: LinearProgram, options: SolverOptions | None = None, probe: bool = True
            ) -> SensitivityReport:
    """Solve `lp`, then label every rule and cell with its price, range and meaning."""
    session = HighsSession(lp, options)
    raw = session.run()
    unit = lp.objective_unit
    if raw.status is not Status.OPTIMAL:
        return SensitivityReport(raw.status.value, None, pd.DataFrame(), pd.DataFrame(),
                                 notes=[f"not solved: {raw.message}"], objective_unit=unit)
    h = session.h
    rstatus, rng = h.getRanging()
    basis = h.getBasis()
    row_st = _status_array(basis.row_status)
    col_st = _status_array(basis.col_status)
    n, m = lp.num_col, lp.num_row
    act, x = raw.row_activity, raw.x

    # --- rows -------------------------------------------------------------------------
    rows = lp.rows.copy()
    rows["lower"], rows["upper"], rows["activity"] = lp.row_lower, lp.row_upper, act
    side = [_row_side(row_st[i], lp.row_lower[i], lp.row_upper[i], act[i]) for i in range(m)]
    price = np.where(row_st == int(_BASIC.value), 0.0, raw.row_dual)
    price = np.where(np.abs(price) <= PRICE_TOL, 0.0, price)
    slack = np.minimum(np.abs(act - lp.row_lower), np.abs(lp.row_upper - act))
    r_lo = np.array([_finite(v) for v in rng.row_bound_dn.value_[:m]])
    r_hi = np.array([_finite(v) for v in rng.row_bound_up.value_[:m]])
    for i, s in enumerate(side):
        if s in ("slack", "at bound (basic)"):
            # HiGHS ranges a basic row's activity; a zero price holds for an upper bound
            # from the activity up, a lower bound from the activity down.
            upper_near = abs(lp.row_upper[i] - act[i]) <= abs(act[i] - lp.row_lower[i])
            if lp.row_lower[i] == lp.row_upper[i]:
                r_lo[i], r_hi[i] = act[i], act[i]
            elif upper_near:
                r_lo[i], r_hi[i] = act[i], np.inf
            else:
                r_lo[i], r_hi[i] = -np.inf, act[i]
    active = np.where([s == "lower" for s in side], lp.row_lower,
                      np.where([s in ("upper", "fixed") for s in side], lp.row_upper, np.nan))
    for i, s in enumerate(side):
        if s in ("slack", "at bound (basic)"):
            upper_near = abs(lp.row_upper[i] - act[i]) <= abs(act[i] - lp.row_lower[i])
            active[i] = lp.row_upper[i] if upper_near else lp.row_lower[i]
    tol = HA_TOL * np.maximum(1.0, np.abs(active))
    binding = np.array([s in ("upper", "lower", "fixed", "at bound (basic)") for s in side])
    range_degenerate = binding & ((np.abs(r_lo - active) <= tol) | (np.abs(r_hi - active) <= tol))

    up = np.full(m, np.nan)
    down = np.full(m, np.nan)
    if probe:
        for i in np.flatnonzero(binding):
            step = 1e-3 * max(1.0, abs(active[i]))
            up[i], down[i] = _probe(session, i, side[i], lp.row_lower[i], lp.row_upper[i],
                                    active[i], raw.objective, step)
        for i in np.flatnonzero(~binding):
            up[i] = down[i] = 0.0
    rel = 1e-6 * np.maximum(1.0, np.abs(price))
    unique = np.isfinite(up) & np.isfinite(down) & (np.abs(up - down) <= rel) \
        & (np.abs(up - price) <= rel)
    rows["side"] = side
    rows["slack"] = np.where(binding, 0.0, slack)
    rows["shadow_price"] = price
    rows["range_lower"], rows["range_upper"] = r_lo, r_hi
    rows["value_one_more_ha"], rows["value_one_less_ha"] = up, down
    rows["price_unique"] = unique if probe else ~range_degenerate
    rows["degenerate"] = binding & (range_degenerate | (~unique if probe else False))
    from landalloc.problem.entry_maps import rule_path

    rows["set_path"] = [rule_path(nm) for nm in rows["name"]]
    rows["meaning"] = [_meaning(k, s, p, sl, unit) for k, s, p, sl in
                       zip(rows["kind"], side, price, slack, strict=True)]
    rows["binding"] = binding
    order = np.lexsort((-np.abs(price), ~binding))  # binding first, then by |price|
    rows = rows.iloc[order].reset_index(drop=True)

    # --- cells ------------------------------------------------------------------------
    allowed = lp.col_upper > lp.col_lower
    rc = np.where(col_st == int(_BASIC.value), 0.0, raw.col_dual)
    rc = np.where(np.abs(rc) <= PRICE_TOL, 0.0, rc)
    rc = np.where(allowed, rc, np.nan)
    c_lo = np.array([_finite(v) for v in rng.col_cost_dn.value_[:n]])
    c_hi = np.array([_finite(v) for v in rng.col_cost_up.value_[:n]])
    c_lo[~allowed], c_hi[~allowed] = -np.inf, np.inf
    basic_col = col_st == int(_BASIC.value)
    ctol = PRICE_TOL * np.maximum(1.0, np.abs(lp.c))
    cost_degenerate = allowed & ((np.abs(c_lo - lp.c) <= ctol) | (np.abs(c_hi - lp.c) <= ctol))
    xs = np.where(np.abs(x) < HA_TOL, 0.0, x)
    cells = pd.DataFrame({
        "sector": np.asarray(lp.sectors, dtype=object)[lp.col_sector],
        "district": np.asarray(lp.districts, dtype=object)[lp.col_district],
        "allowed": allowed,
        "hectares": xs,
        "output_per_ha": lp.c,
        "basic": basic_col,
        "reduced_cost": rc,
        "cost_range_lower": c_lo,
        "cost_range_upper": c_hi,
        "degenerate": cost_degenerate,
    })
    cells["meaning"] = [_cell_meaning(a, xv, r, lo, hi, unit) for a, xv, r, lo, hi in
                        zip(allowed, xs, rc, c_lo, c_hi, strict=True)]
    cells = cells.sort_values(["allowed", "hectares", "reduced_cost"],
                              ascending=[False, False, False], kind="stable"
                              ).reset_index(drop=True)

    # --- degeneracy of the whole optimum ---------------------------------------------
    col_at_bound = basic_col & allowed & ((np.abs(x - lp.col_lower) <= HA_TOL)
                                          | (np.abs(x - lp.col_upper) <= HA_TOL))
    row_at_bound = np.array([s == "at bound (basic)" for s in side])
    duals_unique = not (col_at_bound.any() or row_at_bound.any())
    nonbasic_free = allowed & ~basic_col & (np.abs(raw.col_dual) <= PRICE_TOL)
    allocation_unique = not nonbasic_free.any()
    notes = []
    if not duals_unique:
        notes.append(
            f"degenerate optimum: {int(col_at_bound.sum() + row_at_bound.sum())} basic "
            "variables sit on a bound, so shadow prices are not unique. The price shown is "
            "one valid choice; 'one more ha' / 'one less ha' are measured by re-solving and "
            "are the values to quote (NaN: that move alone is infeasible).")
    if not allocation_unique:
        notes.append(
            f"other allocations give the same output: {int(nonbasic_free.sum())} unused cells "
            "have a zero reduced cost (ties in output per ha).")
    if rstatus != highspy.HighsStatus.kOk:
        notes.append("HiGHS could not compute ranging; ranges are missing")
    return SensitivityReport(raw.status.value, raw.objective, rows, cells, duals_unique,
                             allocation_unique, notes, unit)


def _cell_meaning(allowed: bool, x: float, rc: float, lo: float, hi: float, unit: str) -> str:
    if not allowed:
        return "not allowed by the plan"
    if x > 0:
        if np.isfinite(lo) or np.isfinite(hi):
            return f"this allocation stays optimal for output per ha in [{lo:.4f}, {hi:.4f}]"
        return "in the plan at any output per ha (its land is fixed by the rules)"
    if rc < 0:
        return f"forcing 1 ha here costs {-rc:.4f} {unit}; enters above {hi:.4f} per ha"
    return "unused, but one more ha here would cost nothing (a tie)"
