"""Parametric sweeps and tornado charts on a live HiGHS model, re-solved warm.

A sweep moves one or two instance numbers over a grid. When every LP number they move
(bounds, costs, matrix coefficients) moves affinely (see landalloc.problem.sweep_plan and
landalloc.problem.entry_maps), one live HiGHS model is built and each point changes those
numbers and re-solves from the previous optimal basis. Otherwise the LP is rebuilt at each
point (the previous basis is still offered to HiGHS as a start).

Each point records the objective, its slope with respect to each parameter from the duals
(`marginal[...]`: one valid value where the optimum is degenerate), whether the optimal basis
changed since the previous point (a breakpoint of the piecewise-linear objective lies between
them, or a degenerate pivot), the hectares of each sector and the worst bound violation of
the answer, recomputed from A·x. An infeasible point is a row with status 'infeasible'.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import highspy
import numpy as np
import pandas as pd
from landalloc.formulations.lp import LinearProgram
from landalloc.solver.base import RawSolution, SolverOptions, Status
from landalloc.solver.highs import HighsSession
from landalloc.solver.live import LiveLP
from landalloc.solver.stages import SecondStage


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


def _slopes(lp: LinearProgram, maps: list) -> list[list[tuple[str, np.ndarray, np.ndarray]]]:
    """Per parameter: (array, positions, slope) of each number it moves; for a matrix
    coefficient the positions are (row, column) pairs."""
    a_rows = lp.A.indices
    a_cols = np.repeat(np.arange(lp.num_col), np.diff(lp.A.indptr))
    out = []
    for m in maps:
        parts = []
        for e in m.entries:
            live = e.beta != 0
            idx = e.index[live]
            pos = (a_rows[idx], a_cols[idx]) if e.array == "A" else idx
            parts.append((e.array, pos, e.beta[live]))
        out.append(parts)
    return out


def _marginal(parts: list, raw: RawSolution) -> float:
    """d objective / d parameter from the duals: a positive row dual belongs to an upper
    bound and a negative one to a lower bound (maximisation); a coefficient a_ij moves the
    objective by -y_i x_j per unit; a cost by x_j."""
    y, z, x = raw.row_dual, raw.col_dual, raw.x
    g = 0.0
    for array, pos, beta in parts:
        if array == "row_upper":
            g += np.maximum(y[pos], 0) @ beta
        elif array == "row_lower":
            g += np.minimum(y[pos], 0) @ beta
        elif array == "col_upper":
            g += np.maximum(z[pos], 0) @ beta
        elif array == "col_lower":
            g += np.minimum(z[pos], 0) @ beta
        elif array == "c":
            g += x[pos] @ beta
        else:
            g -= (y[pos[0]] * x[pos[1]]) @ beta
    return float(g)


def warm_sweep(lp: LinearProgram, maps: list, points: np.ndarray, order: np.ndarray,
               options: SolverOptions | None = None) -> pd.DataFrame:
    """Solve every point on one live model, changing only the numbers the parameters move.

    `maps`: one `landalloc.problem.entry_maps.PathMap` per parameter (bounds, costs, coefficients).
    `basis_changed`: the re-solve needed simplex pivots (zero pivots means the previous
    optimal basis is still optimal, so the objective is on the same linear piece).
    `marginal[path]`: the slope of the objective in the parameter, from the duals.
    """
    paths = [m.path for m in maps]
    slopes = _slopes(lp, maps)
    live = LiveLP(lp, options)
    h = live.h
    records: list[dict | None] = [None] * len(points)
    first, lost_basis, last_basis = True, False, None
    for idx in order:
        vals = points[idx]
        live.set([(e, float(v)) for m, v in zip(maps, vals, strict=True) for e in m.entries])
        if lost_basis and last_basis is not None:
            h.setBasis(last_basis)  # HiGHS drops its basis on an infeasible point
        raw = live.solve()  # both stages: the allocation is the tie-break's
        raw.iterations -= raw.extra.get("tie_break_iterations", 0)
        rec = _record(lp, raw, vals, paths)
        lost_basis = raw.status is not Status.OPTIMAL
        if raw.status is Status.OPTIMAL:
            rec["basis_changed"] = not first and raw.iterations > 0
            if first or raw.iterations > 0:  # zero pivots: the kept basis is unchanged
                last_basis = h.getBasis()
            first = False
            rec["max_violation"] = live.violation(raw.x)
            for p, parts in zip(paths, slopes, strict=True):
                rec[f"marginal[{p}]"] = _marginal(parts, raw)
        else:
            _unsolved(rec, paths)
        records[idx] = rec
    return pd.DataFrame(records)


def rebuild_sweep(lp_at: Callable[[list[tuple[str, float]]], LinearProgram], paths: list[str],
                  points: np.ndarray, order: np.ndarray,
                  options: SolverOptions | None = None) -> pd.DataFrame:
    """Formulate and solve each point afresh (for parameters with no affine footprint).

    `lp_at([(path, value), ...])` formulates the scenario at one point (InputError when a
    value is not valid there)."""
    from landalloc.errors import InputError

    records: list[dict | None] = [None] * len(points)
    prev_basis = None
    prev_key: bytes | None = None
    for idx in order:
        vals = points[idx]
        try:
            lp = lp_at(list(zip(paths, vals.tolist(), strict=True)))
        except InputError as e:
            records[idx] = {**{p: float(v) for p, v in zip(paths, vals, strict=True)},
                            "status": "invalid", "message": str(e)}
            continue
        session = HighsSession(lp, options)
        if prev_basis is not None and len(prev_basis.col_status) == lp.num_col \
                and len(prev_basis.row_status) == lp.num_row:
            session.h.setBasis(prev_basis)
        raw = SecondStage(lp, options).run(session.run(), lp.c, lp.col_lower, lp.col_upper,
                                           lp.row_lower, lp.row_upper)
        rec = _record(lp, raw, vals, paths)
        if raw.status is Status.OPTIMAL:
            prev_basis = session.h.getBasis()
            key = b"".join(a.tobytes() for a in _basis(session.h))
            rec["basis_changed"] = prev_key is not None and key != prev_key
            prev_key = key
            rec["max_violation"] = lp.max_violation(raw.x)
        else:
            _unsolved(rec, paths)
        for p in paths:  # a rebuilt point has no warm basis to read a slope from
            rec[f"marginal[{p}]"] = np.nan
        records[idx] = rec
    return pd.DataFrame(records)


def _unsolved(rec: dict, paths: list[str]) -> None:
    """The columns of a point without an optimum: no basis, no violation, no slope."""
    rec["basis_changed"] = False
    rec["max_violation"] = np.nan
    for p in paths:
        rec[f"marginal[{p}]"] = np.nan


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
