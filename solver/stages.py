"""The second stage: among the allocations with the optimal output, the tie-break's one.

The optimal face is read off the first stage's duals (complementary slackness, exact for
any optimal dual): a cell whose reduced cost is not zero stays at its bound, a rule whose
price is not zero stays at its active bound. On that face the LP is solved again with the
tie-break weights (`LinearProgram.tie_weights`) as its costs; output is held at its optimum
by construction, with no tolerance on the objective. The first stage's duals are kept:
they price the output problem, and they are complementary to every point of the face.

`SecondStage` runs it on a second live Highs beside the first (a solve, a sweep, a batch
chunk: warm from one scenario to the next); `tie_broken` runs it through any backend. Both
use `face`.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from landalloc.formulations.lp import LinearProgram
from landalloc.solver.base import RawSolution, SolverOptions, Status, Tolerance, tolerance_of


def face(col_lower: np.ndarray, col_upper: np.ndarray, row_lower: np.ndarray,
         row_upper: np.ndarray, raw: RawSolution, tol: Tolerance
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Bounds of the optimal face: every bound with a non-zero dual becomes an equality."""
    cl, cu, rl, ru = (a.astype(float).copy() for a in (col_lower, col_upper, row_lower,
                                                       row_upper))
    z, y = raw.col_dual, raw.row_dual
    up, dn = (z > tol.dual) & np.isfinite(cu), (z < -tol.dual) & np.isfinite(cl)
    cl[up], cu[dn] = cu[up], cl[dn]
    up, dn = (y > tol.dual) & np.isfinite(ru), (y < -tol.dual) & np.isfinite(rl)
    rl[up], ru[dn] = ru[up], rl[dn]
    return cl, cu, rl, ru


def _merge(first: RawSolution, second: RawSolution, c: np.ndarray) -> RawSolution:
    """The first stage's status and duals with the second stage's allocation."""
    if second.status is not Status.OPTIMAL:
        return dataclasses.replace(first, extra={**first.extra, "tie_break": (
            f"second stage {second.status.value}: the first stage's allocation is kept")})
    return dataclasses.replace(
        first, x=second.x, row_activity=second.row_activity,
        objective=float(c @ second.x), iterations=first.iterations + second.iterations,
        solve_seconds=first.solve_seconds + second.solve_seconds,
        extra={**first.extra, "tie_break_iterations": second.iterations})


class SecondStage:
    """A second live Highs that holds the LP with the tie-break weights as its costs.

    Each call puts it on the optimal face of a first stage (only the bounds that differ
    from the previous face are pushed) and re-solves warm from the previous second
    stage's basis; the first stage's own model is never touched, so its warm start stays.
    A caller that changes matrix coefficients of the first stage's model changes them
    here too (`set_coeff`).
    """

    def __init__(self, lp: LinearProgram, options: SolverOptions | None = None) -> None:
        from landalloc.solver.highs import HighsSession

        self.session = HighsSession(dataclasses.replace(lp, c=lp.tie_weights()), options)
        self.tol = tolerance_of(options)
        self._face: tuple[np.ndarray, ...] = (lp.col_lower, lp.col_upper, lp.row_lower,
                                               lp.row_upper)

    def set_coeff(self, i: int, j: int, value: float) -> None:
        self.session.set_coeff(i, j, value)

    def run(self, first: RawSolution, c: np.ndarray, col_lower: np.ndarray,
            col_upper: np.ndarray, row_lower: np.ndarray, row_upper: np.ndarray
            ) -> RawSolution:
        """The allocation on the face of `first`, whose model is (c, these bounds)."""
        if first.status is not Status.OPTIMAL:
            return first
        first.extra["duals_unique"] = _nondegenerate(first, col_lower, col_upper, row_lower,
                                                     row_upper, self.tol)
        new = face(col_lower, col_upper, row_lower, row_upper, first, self.tol)
        inf, h = math.inf, self.session.h
        cl, cu, rl, ru = new
        pl, pu, ql, qu = self._face
        jc = np.flatnonzero((cl != pl) | (cu != pu)).astype(np.int32)
        ir = np.flatnonzero((rl != ql) | (ru != qu)).astype(np.int32)
        if jc.size:
            h.changeColsBounds(jc.size, jc, np.clip(cl[jc], -inf, inf),
                               np.clip(cu[jc], -inf, inf))
        if ir.size:
            h.changeRowsBounds(ir.size, ir, np.clip(rl[ir], -inf, inf),
                               np.clip(ru[ir], -inf, inf))
        self._face = new
        return _merge(first, self.session.run(), c)


def _nondegenerate(raw: RawSolution, col_lower, col_upper, row_lower, row_upper,
                   tol: Tolerance) -> bool:
    """No basic variable sits on a bound (then the optimal duals are unique): a basic
    solution has as many basic variables as rows, and every variable strictly between its
    bounds is basic, so the optimum is non-degenerate exactly when there are that many."""
    x, act = raw.x, raw.row_activity
    free_cols = ~(tol.at(x, col_lower) | tol.at(x, col_upper))
    free_rows = ~(tol.at(act, row_lower) | tol.at(act, row_upper))
    return int(free_cols.sum() + free_rows.sum()) >= row_lower.size


def face_lp(lp: LinearProgram, first: RawSolution, tol: Tolerance,
            costs: np.ndarray | None = None) -> LinearProgram:
    """The LP restricted to the optimal face, with the tie-break weights (or `costs`)."""
    cl, cu, rl, ru = face(lp.col_lower, lp.col_upper, lp.row_lower, lp.row_upper, first, tol)
    return dataclasses.replace(lp, c=lp.tie_weights() if costs is None else costs,
                               col_lower=cl, col_upper=cu, row_lower=rl, row_upper=ru)


def tie_broken(lp: LinearProgram, backend, options: SolverOptions | None = None
               ) -> RawSolution:
    """Solve with any backend, then its second stage through the same backend."""
    first = backend.solve(lp, options)
    if first.status is not Status.OPTIMAL:
        return first
    second = backend.solve(face_lp(lp, first, tolerance_of(options)), options)
    if second.row_activity is None and second.x is not None:
        second.row_activity = lp.matrix @ second.x
    return _merge(first, second, lp.c)
