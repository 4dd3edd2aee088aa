"""KKT conditions of the project's LP, checked from the LP's own arrays (no solver).

    max c·x  s.t.  row_lower <= A x <= row_upper,  col_lower <= x <= col_upper

with the sign convention of `RawSolution` (solver/base.py): `row_dual[i]` is
d(objective)/d(bound) of row i's active bound and `col_dual[j]` likewise for column j.
So a dual is >= 0 when its upper bound is active, <= 0 when its lower bound is, 0 when the
row (column) is strictly between its bounds, of either sign on an equality. The optimality
conditions in that convention are

    primal feasibility   row_lower - tol <= A x <= row_upper + tol, same for x
    dual signs           y_i > 0 only at the upper bound, y_i < 0 only at the lower bound
    complementarity      y_i = 0 strictly between the bounds (same for z_j)
    stationarity         c = A^T y + z
    objective            reported objective = c·x = the dual objective
                         (sum of y_i and z_j times their active bounds)

`violations` returns one readable line per failed condition, naming the row
(`lp.rows['name']`) or the column (`x[sector,district]`).
"""

from __future__ import annotations

import numpy as np


def _side(value: float, lo: float, hi: float, tol: float) -> tuple[bool, bool]:
    at_lo = bool(np.isfinite(lo) and abs(value - lo) <= tol * max(1.0, abs(lo)))
    at_hi = bool(np.isfinite(hi) and abs(value - hi) <= tol * max(1.0, abs(hi)))
    return at_lo, at_hi


def _bounds_and_signs(kind: str, names: list[str], value: np.ndarray, lo: np.ndarray,
                      hi: np.ndarray, dual: np.ndarray, ptol: float, dtol: float
                      ) -> tuple[list[str], float | None]:
    """Feasibility, signs and complementarity of one block; and its part of the dual
    objective (None when a dual sits on an infinite bound)."""
    out: list[str] = []
    dual_obj = 0.0
    for i, name in enumerate(names):
        v, a, b, y = float(value[i]), float(lo[i]), float(hi[i]), float(dual[i])
        if v < a - ptol * max(1.0, abs(a)):
            out.append(f"primal: {kind} {name} = {v:.10g} is below its lower bound {a:g}")
        if v > b + ptol * max(1.0, abs(b)):
            out.append(f"primal: {kind} {name} = {v:.10g} is above its upper bound {b:g}")
        at_lo, at_hi = _side(v, a, b, ptol)
        if y > dtol and not at_hi:
            if at_lo:
                out.append(f"dual sign: {kind} {name} is at its lower bound {a:g} but its "
                           f"dual is {y:.10g} > 0 (must be <= 0)")
            else:
                out.append(f"complementarity: {kind} {name} = {v:.10g} is strictly inside "
                           f"[{a:g}, {b:g}] but its dual is {y:.10g} (must be 0)")
        elif y < -dtol and not at_lo:
            if at_hi:
                out.append(f"dual sign: {kind} {name} is at its upper bound {b:g} but its "
                           f"dual is {y:.10g} < 0 (must be >= 0)")
            else:
                out.append(f"complementarity: {kind} {name} = {v:.10g} is strictly inside "
                           f"[{a:g}, {b:g}] but its dual is {y:.10g} (must be 0)")
        if dual_obj is not None and abs(y) > dtol:
            bound = b if y > 0 else a
            dual_obj = dual_obj + y * bound if np.isfinite(bound) else None
    return out, dual_obj


def violations(lp, x, row_dual, col_dual, objective, row_activity=None,
               primal_tol: float = 1e-7, dual_tol: float = 1e-7) -> list[str]:
    """Every violated optimality condition of (x, row_dual, col_dual) for `lp`."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(row_dual, dtype=float)
    z = np.asarray(col_dual, dtype=float)
    rows, cols = lp.rows["name"].tolist(), lp.col_names()
    if x.shape != (lp.num_col,) or z.shape != (lp.num_col,) or y.shape != (lp.num_row,):
        return [f"shapes: x {x.shape}, row_dual {y.shape}, col_dual {z.shape} for "
                f"{lp.num_row} rows x {lp.num_col} columns"]
    out: list[str] = []
    ax = lp.A @ x
    if row_activity is not None:
        act = np.asarray(row_activity, dtype=float)
        for i in np.flatnonzero(np.abs(act - ax) > primal_tol * np.maximum(1.0, np.abs(ax))):
            out.append(f"activity: row {rows[i]} reported {act[i]:.10g}, A x = {ax[i]:.10g}")
    got, row_obj = _bounds_and_signs("row", rows, ax, lp.row_lower, lp.row_upper, y,
                                     primal_tol, dual_tol)
    out += got
    got, col_obj = _bounds_and_signs("column", cols, x, lp.col_lower, lp.col_upper, z,
                                     primal_tol, dual_tol)
    out += got
    aty = lp.A.T @ y
    resid = lp.c - aty - z
    scale = np.maximum.reduce([np.ones_like(resid), np.abs(lp.c), np.abs(z),
                               abs(lp.A).T @ np.abs(y)])
    for j in np.flatnonzero(np.abs(resid) > dual_tol * scale):
        out.append(f"stationarity: column {cols[j]}: c = {lp.c[j]:.10g} but A^T y + z = "
                   f"{aty[j] + z[j]:.10g} (residual {resid[j]:.3g})")
    cx = float(lp.c @ x)
    if objective is None or abs(objective - cx) > primal_tol * max(1.0, abs(cx)):
        out.append(f"objective: reported {objective!r} but c·x = {cx!r}")
    if row_obj is not None and col_obj is not None:
        dual = row_obj + col_obj
        scale = max(1.0, abs(cx), float(np.abs(lp.c) @ np.abs(x)))
        if abs(dual - cx) > max(primal_tol, dual_tol) * 10 * scale:
            out.append(f"duality gap: dual objective {dual!r} but c·x = {cx!r}")
    return out


def check(lp, raw, **tol) -> list[str]:
    """`violations` of a RawSolution; a solution that is not optimal is one violation."""
    if str(raw.status) != "optimal":
        return [f"status: {raw.status} ({raw.message}), expected optimal"]
    if raw.x is None or raw.row_dual is None or raw.col_dual is None:
        return ["missing: an optimal solution without x or duals"]
    return violations(lp, raw.x, raw.row_dual, raw.col_dual, raw.objective,
                      raw.row_activity, **tol)
