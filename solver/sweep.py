"""Parametric sweeps and tornado charts on a live HiGHS model, re-solved warm.

A sweep moves one or two instance numbers over a grid. When the numbers only move bounds or
costs (see landalloc.parameters), one HighsSession is built and each point changes those
entries and re-solves from the previous optimal basis. Otherwise the LP is rebuilt at each
point (the previous basis is still offered to HiGHS as a start).

Each point records the objective, its slope with respect to each parameter from the duals
(`marginal[...]`: one valid value where the optimum is degenerate), whether the optimal basis
changed since the previous point (a breakpoint of the piecewise-linear objective lies between
them, or a degenerate pivot), the hectares of each sector and the worst bound violation of
the answer, recomputed from A·x. An infeasible point is a row with status 'infeasible'.
"""

from __future__ import annotations

from collections.abc import Sequence

import highspy
import numpy as np
import pandas as pd
from landalloc.formulations import formulate
from landalloc.formulations.lp import LinearProgram
from landalloc.solver.base import RawSolution, SolverOptions, Status
from landalloc.solver.highs import HighsSession

_INF = highspy.kHighsInf
_LOWER = int(highspy.HighsBasisStatus.kLower.value)
_UPPER = int(highspy.HighsBasisStatus.kUpper.value)


def grid_points(axes: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """All points of a 1-D or 2-D grid, and a solve order that walks it like a snake
    (each point next to the one before, so the previous basis is a good start)."""
    if len(axes) == 1:
        pts = np.asarray(axes[0], float)[:, None]
        return pts, np.arange(len(pts))
    a, b = (np.asarray(v, float) for v in axes)
    pts = np.array([(u, v) for u in a for v in b])
    order = np.concatenate([np.arange(i * len(b), (i + 1) * len(b))[:: 1 if i % 2 == 0 else -1]
                            for i in range(len(a))])
    return pts, order


def _violation(lp: LinearProgram, arrays: dict[str, np.ndarray], x: np.ndarray) -> float:
    ax = lp.A @ x
    return float(max(np.max(arrays["row_lower"] - ax, initial=0.0),
                     np.max(ax - arrays["row_upper"], initial=0.0),
                     np.max(arrays["col_lower"] - x, initial=0.0),
                     np.max(x - arrays["col_upper"], initial=0.0)))


def _basis(h: highspy.Highs) -> tuple[np.ndarray, np.ndarray]:
    """Column and row basis statuses as small integers."""
    b = h.getBasis()
    return (np.fromiter((int(s.value) for s in b.col_status), np.int8, len(b.col_status)),
            np.fromiter((int(s.value) for s in b.row_status), np.int8, len(b.row_status)))


def _record(lp: LinearProgram, raw: RawSolution, values: np.ndarray, paths: list[str]
            ) -> dict:
    rec: dict = {p: float(v) for p, v in zip(paths, values, strict=True)}
    rec.update(status=raw.status.value, objective=raw.objective, iterations=raw.iterations,
               seconds=raw.solve_seconds)
    ns, nd = len(lp.sectors), len(lp.districts)
    per_sector = (raw.x.reshape(ns, nd).sum(axis=1) if raw.x is not None
                  else np.full(ns, np.nan))
    for s, v in zip(lp.sectors, per_sector, strict=True):
        rec[f"hectares[{s}]"] = float(v)
    return rec


def warm_sweep(lp: LinearProgram, maps: list, points: np.ndarray, order: np.ndarray,
               options: SolverOptions | None = None) -> pd.DataFrame:
    """Solve every point on one live model, changing only the entries the parameters move."""
    paths = [m.path for m in maps]
    rows = np.unique(np.concatenate([m.rows for m in maps])).astype(np.int32)
    cols = np.unique(np.concatenate([m.cols for m in maps])).astype(np.int32)
    base = {k: getattr(lp, k).astype(float) for k in
            ("row_lower", "row_upper", "col_lower", "col_upper", "c")}
    # per-parameter slopes laid over the union of touched entries
    slope = []
    for m in maps:
        s = {k: np.zeros(rows.size) for k in ("row_lower", "row_upper")}
        s.update({k: np.zeros(cols.size) for k in ("col_lower", "col_upper", "c")})
        ri, ci = np.searchsorted(rows, m.rows), np.searchsorted(cols, m.cols)
        s["row_lower"][ri], s["row_upper"][ri] = m.row_lower, m.row_upper
        s["col_lower"][ci], s["col_upper"][ci], s["c"][ci] = m.col_lower, m.col_upper, m.cost
        slope.append(s)

    session = HighsSession(lp, options)
    h = session.h
    records: list[dict | None] = [None] * len(points)
    prev_key: bytes | None = None
    arrays = {k: v.copy() for k, v in base.items()}
    for idx in order:
        vals = points[idx]
        for k, src in (("row_lower", rows), ("row_upper", rows)):
            arrays[k][src] = base[k][src] + sum(s[k] * (v - m.origin)
                                                for s, m, v in zip(slope, maps, vals, strict=True))
        for k in ("col_lower", "col_upper", "c"):
            arrays[k][cols] = base[k][cols] + sum(s[k] * (v - m.origin)
                                                  for s, m, v in zip(slope, maps, vals,
                                                                     strict=True))
        if rows.size:
            h.changeRowsBounds(rows.size, rows, np.clip(arrays["row_lower"][rows], -_INF, _INF),
                               np.clip(arrays["row_upper"][rows], -_INF, _INF))
        if cols.size:
            h.changeColsBounds(cols.size, cols, np.clip(arrays["col_lower"][cols], -_INF, _INF),
                               np.clip(arrays["col_upper"][cols], -_INF, _INF))
            h.changeColsCost(cols.size, cols, arrays["c"][cols])
        raw = session.run()
        rec = _record(lp, raw, vals, paths)
        if raw.status is Status.OPTIMAL:
            col_st, row_st = _basis(h)
            key = col_st.tobytes() + row_st.tobytes()
            rec["basis_changed"] = prev_key is not None and key != prev_key
            prev_key = key
            rec["max_violation"] = _violation(lp, arrays, raw.x)
            rst, cst = row_st[rows], col_st[cols]
            for s, p in zip(slope, paths, strict=True):
                # d objective / d parameter: dual of each moved bound that is active
                r_side = np.where(rst == _UPPER, s["row_upper"],
                                  np.where(rst == _LOWER, s["row_lower"], 0.0))
                c_side = np.where(cst == _UPPER, s["col_upper"],
                                  np.where(cst == _LOWER, s["col_lower"], 0.0))
                rec[f"marginal[{p}]"] = float(raw.row_dual[rows] @ r_side
                                              + raw.col_dual[cols] @ c_side
                                              + raw.x[cols] @ s["c"])
        else:
            rec["basis_changed"] = False
            rec["max_violation"] = np.nan
            for p in paths:
                rec[f"marginal[{p}]"] = np.nan
        records[idx] = rec
    return pd.DataFrame(records)


def rebuild_sweep(base, paths: list[str], points: np.ndarray, order: np.ndarray,
                  options: SolverOptions | None = None) -> pd.DataFrame:
    """Formulate and solve each point afresh (for parameters that change the matrix)."""
    from landalloc.errors import InputError
    from landalloc.parameters import instance_with

    records: list[dict | None] = [None] * len(points)
    prev_basis = None
    prev_key: bytes | None = None
    for idx in order:
        vals = points[idx]
        try:
            lp = formulate(instance_with(base, list(zip(paths, vals, strict=True))))
        except InputError as e:
            records[idx] = {**{p: float(v) for p, v in zip(paths, vals, strict=True)},
                            "status": "invalid", "message": str(e)}
            continue
        session = HighsSession(lp, options)
        if prev_basis is not None and len(prev_basis.col_status) == lp.num_col \
                and len(prev_basis.row_status) == lp.num_row:
            session.h.setBasis(prev_basis)
        raw = session.run()
        rec = _record(lp, raw, vals, paths)
        if raw.status is Status.OPTIMAL:
            prev_basis = session.h.getBasis()
            key = b"".join(a.tobytes() for a in _basis(session.h))
            rec["basis_changed"] = prev_key is not None and key != prev_key
            prev_key = key
            rec["max_violation"] = lp.max_violation(raw.x)
        else:
            rec["basis_changed"] = False
            rec["max_violation"] = np.nan
        for p in paths:
            rec[f"marginal[{p}]"] = np.nan
        records[idx] = rec
    return pd.DataFrame(records)


def tornado_lp(lp: LinearProgram, delta: float, relative: bool,
               options: SolverOptions | None = None) -> tuple[float | None, pd.DataFrame]:
    """Move each rule's finite bounds by -delta and +delta, one rule at a time, warm.

    `relative`: bounds are scaled by (1 ± delta); otherwise shifted by ± delta ha. A rule
    whose finite bounds are all 0 (a share written as `group - share * total >= 0`) does not
    move under scaling: it is returned with status 'not moved' for the caller to handle.
    """
    session = HighsSession(lp, options)
    base = session.run()
    if base.status is not Status.OPTIMAL:
        return None, pd.DataFrame()
    out = []
    for i in range(lp.num_row):
        lo, hi = float(lp.row_lower[i]), float(lp.row_upper[i])
        rec = {"row": i}
        finite = [v for v in (lo, hi) if np.isfinite(v)]
        if relative and all(v == 0 for v in finite):
            rec.update(status_low="not moved", status_high="not moved")
            out.append(rec)
            continue
        for tag, sign in (("low", -1.0), ("high", 1.0)):
            if relative:
                nlo, nhi = lo * (1 + sign * delta), hi * (1 + sign * delta)
            else:
                nlo, nhi = lo + sign * delta, hi + sign * delta
            nlo = lo if not np.isfinite(lo) else nlo
            nhi = hi if not np.isfinite(hi) else nhi
            session.set_row_bounds(i, nlo, nhi)
            raw = session.run()
            rec[f"lower_{tag}"] = nlo if np.isfinite(nlo) else np.nan
            rec[f"upper_{tag}"] = nhi if np.isfinite(nhi) else np.nan
            rec[f"status_{tag}"] = raw.status.value
            rec[f"objective_{tag}"] = raw.objective if raw.objective is not None else np.nan
        session.set_row_bounds(i, lo, hi)
        out.append(rec)
    return base.objective, pd.DataFrame(out)
