"""The one analysis of an optimum: prices and how sure they are, ranging, reduced costs, and
the allocation the second stage picks. Every screen, file, report and table reads it.

Sign convention (maximisation, as RawSolution): a rule's `shadow_price` is the change of
the objective per unit increase of its *active* bound — the cap for a binding cap, the
minimum for a binding minimum, the value of a fixed figure. A cell's `reduced_cost` is the
change per unit increase of its bound (for a cell at zero: the output lost per ha forced in).

How sure a price is. The Zhengzhou plan's caps add up exactly to its zone totals, so its
optimum is degenerate and has many dual solutions: the price HiGHS returns is one of them.
For every rule at its bound the value of one more and of one less unit of its figure is
measured by warm re-solves (an equality moves both bounds; NaN where the move alone is
infeasible). The price is `price_unique` when those two measures agree with it, or when its
bound lies strictly inside the HiGHS ranging interval (the basis stays optimal on both
sides). A price that is not unique is never a single number: its two measured values are.

Ranging comes from `Highs.getRanging()`. For a row at its bound the interval is that of
the bound over which the price holds. For a basic row HiGHS describes its activity, so the
interval is set here: a zero price holds while an upper bound stays at or above the
activity, a lower bound at or below it, and for an equality only at the activity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np
from landalloc.formulations.allocation import achieved_table
from landalloc.formulations.columns import Columns
from landalloc.formulations.lp import LinearProgram
from landalloc.formulations.rule_kinds import SHARES_OF_TOTAL, figure_path, kind_of, unit_text
from landalloc.solver.base import RawSolution, SolverOptions, Status, Tolerance, tolerance_of
from landalloc.solver.highs import HighsSession
from landalloc.solver.stages import SecondStage

from landalloc.plan.choices import DEFAULT_UNIT

_BASIC = int(highspy.HighsBasisStatus.kBasic.value)
_UPPER = int(highspy.HighsBasisStatus.kUpper.value)


@dataclass
class Analysis:
    """Rules and cells of one solved period, with prices, ranges and how sure each is."""

    status: str
    objective: float | None
    rule_columns: Columns  # `rules` as columns (what the solve screen and --json read)
    cell_columns: Columns
    duals_unique: bool = True  # False: several price vectors are optimal
    allocation_unique: bool = True  # False: other allocations give the same output
    notes: list[str] = field(default_factory=list)
    objective_unit: str = DEFAULT_UNIT
    record: dict = field(default_factory=dict)  # how the instance was made (inputs, overrides)
    measured: bool = True  # False: a light analysis (batch): no probes, no ranging
    solution: RawSolution | None = None  # the final answer (second stage), by position

    def __post_init__(self) -> None:
        self.rule_columns = Columns.of(self.rule_columns)
        self.cell_columns = Columns.of(self.cell_columns)

    @property
    def rules(self) -> Any:
        """One row per rule (a pandas DataFrame, made on first use)."""
        return self.rule_columns.frame

    @rules.setter
    def rules(self, table: Any) -> None:
        self.rule_columns = Columns.of(table)

    @property
    def cells(self) -> Any:
        """One row per (sector, district) cell (a pandas DataFrame, made on first use)."""
        return self.cell_columns.frame

    @cells.setter
    def cells(self, table: Any) -> None:
        self.cell_columns = Columns.of(table)

    def rule(self, name: str) -> Any:
        return self.rules.set_index("name").loc[name]

    def to_dict(self) -> dict:
        """The --json document (NaN and infinities become null)."""
        return {"record": self.record, "status": self.status, "objective": self.objective,
                "objective_unit": self.objective_unit,
                "duals_unique": self.duals_unique, "allocation_unique": self.allocation_unique,
                "notes": self.notes, "rules": records(self.rules),
                "cells": records(self.cells)}


#: Kept for callers of the old name.
SensitivityReport = Analysis


def records(df: Any) -> list[dict]:
    """Rows as JSON-safe dicts: NaN and infinities become None, numpy scalars Python ones."""
    out = df.astype(object).where(df.notna(), None).to_dict(orient="records")
    for rec in out:
        for k, v in rec.items():
            if isinstance(v, np.generic):
                v = rec[k] = v.item()
            if isinstance(v, float) and not np.isfinite(v):
                rec[k] = None
    return out


def _status_array(statuses) -> np.ndarray:
    return np.fromiter((int(s.value) for s in statuses), dtype=np.int8, count=len(statuses))


def _finite(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    big = np.abs(v) >= highspy.kHighsInf
    return np.where(big & (v > 0), np.inf, np.where(big & (v < 0), -np.inf, v))


def _sides(row_st: np.ndarray, lo: np.ndarray, hi: np.ndarray, act: np.ndarray,
           tol: Tolerance) -> np.ndarray:
    """Which bound is active: fixed, upper, lower, 'at bound (basic)' or slack."""
    at = tol.at(act, lo) | tol.at(act, hi)
    basic = row_st == _BASIC
    return np.where(basic, np.where(at, "at bound (basic)", "slack"),
                    np.where(lo == hi, "fixed", np.where(row_st == _UPPER, "upper", "lower")))


def _probe(session: HighsSession, i: int, side: str, lo: float, hi: float, bound: float,
           objective: float, step: float) -> tuple[float, float]:
    """(d obj per unit up, per unit down) of the active figure, by warm re-solves.

    An equality (a fixed figure) moves both bounds; otherwise the active bound moves."""
    out = []
    for sign in (1.0, -1.0):
        if lo == hi:
            nlo = nhi = lo + sign * step
        elif side == "lower" or (side == "at bound (basic)" and abs(lo - bound) <= abs(hi - bound)):
            nlo, nhi = lo + sign * step, hi
        else:
            nlo, nhi = lo, hi + sign * step
        session.set_row_bounds(i, nlo, nhi)
        raw = session.run()
        session.set_row_bounds(i, lo, hi)
        out.append(sign * (raw.objective - objective) / step
                   if raw.status is Status.OPTIMAL else np.nan)
    return out[0], out[1]


def _share_slack(share: float, lower: float, upper: float, slack: float) -> str:
    """A share rule with room: the share achieved against its bound, as a reader quotes it,
    and the hectares the row has to spare."""
    bounds = [(op, v) for op, v in (("≥", lower), ("≤", upper)) if np.isfinite(v)]
    # enough decimals that the share and a bound it is not at never read the same
    digits = next((d for d in (1, 2, 3) if all(f"{share:.{d}%}" != f"{v:.{d}%}"
                                               for _, v in bounds)), 4)
    bound = " and ".join(f"{op} {v:.{digits}%}" for op, v in bounds)
    return (f"not binding: a share of {share:.{digits}%} against {bound} ({slack:,.1f} ha to "
            "spare); "
            "a little more or less of the share is worth nothing")


def _meaning(kind: str, side: str, price: float, unique: bool, up: float, down: float,
             slack: float, unit: str, measured: bool) -> str:
    k = kind_of(kind)
    noun = k.noun
    per = "ha" if k.unit in ("ha", "share") else "unit"
    if side == "slack":
        return (f"not binding: {slack:,.1f} {per} to spare; one more {per} of {noun} is "
                "worth nothing")
    if not unique:
        if not measured:
            return ("price not unique (a degenerate optimum); run `landalloc sensitivity` "
                    "for the measured values")
        one_more = "infeasible alone" if np.isnan(up) else f"{up:+.4f} {unit}"
        one_less = "infeasible alone" if np.isnan(down) else f"{-down:+.4f} {unit}"
        return (f"price not unique (degenerate optimum): one more {per} of {noun} "
                f"{one_more}, one less {one_less} (measured by re-solving)")
    p = abs(price)
    if p == 0:
        return f"at its bound, but one more {per} of {noun} adds nothing at the margin"
    if kind in SHARES_OF_TOTAL:
        if price < 0:
            return (f"1 ha less required (below the share) adds {p:.4f} {unit}; "
                    f"1 ha more costs {p:.4f}")
        return f"1 ha more allowed above the share limit adds {p:.4f} {unit}"
    if price > 0:
        return f"one more {per} of {noun} here adds {p:.4f} {unit}"
    return f"one more {per} of {noun} here costs {p:.4f} {unit}; one less adds {p:.4f}"


def analyse(lp: LinearProgram, options: SolverOptions | None = None, probe: bool = True
            ) -> Analysis:
    """Solve `lp` (both stages) and analyse the optimum; `.solution` is the final answer.

    `probe=False` is the light analysis of a batch: no ranging or re-solves; a price is
    unique only where the whole optimum is non-degenerate.
    """
    session = HighsSession(lp, options)
    first = session.run()
    return analyse_session(session, lp, first, tolerance_of(options), probe)


def analyse_session(session: HighsSession, lp: LinearProgram, first: RawSolution,
                    tol: Tolerance, probe: bool = True) -> Analysis:
    """The analysis of a session just solved (`first`), then its second stage."""
    unit = lp.objective_unit
    if first.status is not Status.OPTIMAL:
        return Analysis(first.status.value, None, Columns({}), Columns({}),
                        notes=[f"not solved: {first.message}"], objective_unit=unit,
                        measured=probe, solution=first)
    h = session.h
    n, m = lp.num_col, lp.num_row
    basis = h.getBasis()
    row_st, col_st = _status_array(basis.row_status), _status_array(basis.col_status)
    ranging = h.getRanging() if probe else None
    x1 = first.x
    lo, hi = lp.row_lower, lp.row_upper
    # the allocation shown is the second stage's: a rule binds where that allocation holds it
    # at its bound (a bound with a price is held there on the optimal face; one without may
    # be left), so binding, slack and the activity shown agree
    final = SecondStage(lp, session.options).run(first, lp.c, lp.col_lower, lp.col_upper,
                                                 lo, hi)
    act = final.row_activity
    side = np.where(tol.at(act, lo) | tol.at(act, hi), _sides(row_st, lo, hi, act, tol),
                    "slack")
    binding = side != "slack"
    basic_row = row_st == _BASIC
    price = np.where(basic_row | ~binding | (np.abs(first.row_dual) <= tol.price), 0.0,
                     first.row_dual)
    upper_near = np.abs(hi - act) <= np.abs(act - lo)
    active = np.where(side == "lower", lo, np.where(np.isin(side, ("upper", "fixed")), hi,
                                                    np.where(upper_near, hi, lo)))
    slack = np.where(binding, 0.0, np.minimum(np.abs(act - lo), np.abs(hi - act)))

    # --- degeneracy of the whole optimum (from the basis) -----------------------------
    allowed = lp.col_upper > lp.col_lower
    basic_col = col_st == _BASIC
    col_at_bound = basic_col & allowed & (tol.at(x1, lp.col_lower) | tol.at(x1, lp.col_upper))
    row_at_bound = _sides(row_st, lo, hi, first.row_activity, tol) == "at bound (basic)"
    duals_unique = not (col_at_bound.any() or row_at_bound.any())

    # --- ranging and the measured one-sided values ------------------------------------
    r_lo, r_hi = np.full(m, np.nan), np.full(m, np.nan)
    up, down = np.full(m, np.nan), np.full(m, np.nan)
    c_lo, c_hi = np.full(n, np.nan), np.full(n, np.nan)
    ranging_ok = False
    if ranging is not None:
        rstatus, rng = ranging
        ranging_ok = rstatus == highspy.HighsStatus.kOk
        if ranging_ok:
            r_lo = _finite(rng.row_bound_dn.value_[:m])
            r_hi = _finite(rng.row_bound_up.value_[:m])
            c_lo = _finite(rng.col_cost_dn.value_[:n])
            c_hi = _finite(rng.col_cost_up.value_[:n])
        basic_side = np.isin(side, ("slack", "at bound (basic)"))
        eq = lo == hi
        r_lo = np.where(basic_side, np.where(eq | upper_near, act, -np.inf), r_lo)
        r_hi = np.where(basic_side, np.where(eq | ~upper_near, act, np.inf), r_hi)
        for i in np.flatnonzero(binding):
            step = 1e-3 * max(1.0, abs(active[i]))
            up[i], down[i] = _probe(session, i, side[i], lo[i], hi[i], active[i],
                                    first.objective, step)
        up[~binding] = down[~binding] = 0.0
    interior = ranging_ok & ~tol.at(r_lo, active) & ~tol.at(r_hi, active) \
        & (r_lo < active) & (active < r_hi)
    rel = 1e-6 * np.maximum(1.0, np.abs(price))
    agree = np.isfinite(up) & np.isfinite(down) & (np.abs(up - down) <= rel) \
        & (np.abs(up - price) <= rel)
    unique = ~binding | duals_unique | interior | agree

    # --- the allocation (second stage, above) --------------------------------------------
    x = np.where(np.abs(final.x) < tol.ha, 0.0, final.x)
    nonbasic_free = allowed & ~basic_col & (np.abs(first.col_dual) <= tol.price)
    allocation_unique = not nonbasic_free.any()

    info = lp.row_info
    kinds = info["kind"]
    achieved = achieved_table(lp.meta.get("measures") or {}, info["name"], x)
    meaning = [_meaning(k, s, p, u, a, b, sl, unit, probe) for k, s, p, u, a, b, sl in
               zip(kinds, side, price, unique, up, down, slack, strict=True)]
    for i in np.flatnonzero((achieved["achieved_unit"] == "share") & (side == "slack")):
        meaning[i] = _share_slack(achieved["achieved"][i], achieved["achieved_lower"][i],
                                  achieved["achieved_upper"][i], slack[i])
    rows = info.with_columns(
        lower=lo, upper=hi, activity=act, side=side, slack=slack,
        shadow_price=np.where(unique, price, np.nan),  # never one of several as "the"
        price_unique=unique,
        unit=[unit_text(k, unit) for k in kinds],
        range_lower=r_lo, range_upper=r_hi,
        value_one_more_ha=up, value_one_less_ha=-down,
        degenerate=binding & ~unique,
        set_path=[figure_path(k, mm, p) for k, mm, p in
                  zip(kinds, info["members"], info["part"], strict=True)],
        meaning=meaning, binding=binding, **achieved)
    order = np.lexsort((-np.abs(np.where(unique, price, 0.0)), ~unique, ~binding))
    rows = rows.take(order)

    rc = np.where(basic_col | (np.abs(first.col_dual) <= tol.price), 0.0, first.col_dual)
    rc = np.where(allowed, rc, np.nan)
    c_lo = np.where(allowed, c_lo, -np.inf)
    c_hi = np.where(allowed, c_hi, np.inf)
    ctol = tol.price * np.maximum(1.0, np.abs(lp.c))
    keys = [lp.cell_key(j) for j in range(n)]
    cells = Columns({
        "sector": np.array([k.members[0] for k in keys], dtype=object),
        "district": np.array([k.members[1] for k in keys], dtype=object),
        **({"period": np.array([k.period for k in keys], dtype=object)}
           if lp.meta.get("periods") else {}),
        "allowed": allowed,
        "hectares": x,
        "output_per_ha": lp.output_per_ha(),
        "cost": lp.c,
        "basic": basic_col,
        "reduced_cost": rc,
        "cost_range_lower": c_lo,
        "cost_range_upper": c_hi,
        "degenerate": allowed & ((np.abs(c_lo - lp.c) <= ctol) | (np.abs(c_hi - lp.c) <= ctol)),
        "meaning": [_cell_meaning(a, xv, r, cl, ch, unit, probe) for a, xv, r, cl, ch in
                    zip(allowed, x, rc, c_lo, c_hi, strict=True)],
    })
    # allowed first, then by hectares, then by reduced cost (not allowed: NaN, last)
    cells = cells.take(np.lexsort((np.where(np.isnan(rc), np.inf, -rc), -x, ~allowed)))
    notes = []
    if not duals_unique:
        notes.append(
            f"degenerate optimum: {int(col_at_bound.sum() + row_at_bound.sum())} basic "
            "variables sit on a bound, so shadow prices are not unique. A price that is not "
            "unique is shown as the measured value of one more and one less unit instead.")
    if not allocation_unique:
        notes.append(
            f"other allocations give the same output: {int(nonbasic_free.sum())} unused "
            "cells have a zero reduced cost. The allocation shown is the tie-break's: "
            "among the optimal allocations, the one with the largest fixed per-cell weight.")
    if probe and not ranging_ok:
        notes.append("HiGHS could not compute ranging; ranges are missing")
    return Analysis(first.status.value, final.objective, rows, cells, duals_unique,
                    allocation_unique, notes, unit, measured=probe, solution=final)


def _cell_meaning(allowed: bool, x: float, rc: float, lo: float, hi: float, unit: str,
                  measured: bool) -> str:
    if not allowed:
        return "not allowed by the plan"
    if x > 0:
        if not measured:
            return "in the allocation"
        if np.isfinite(lo) or np.isfinite(hi):
            return f"the optimal basis holds for output per ha in [{lo:.4f}, {hi:.4f}]"
        return "in the plan at any output per ha (its land is fixed by the rules)"
    if rc < 0:
        tail = f"; enters above {hi:.4f} per ha" if measured and np.isfinite(hi) else ""
        return f"forcing 1 ha here costs {-rc:.4f} {unit}{tail}"
    return "unused, but one more ha here would cost nothing (a tie)"
