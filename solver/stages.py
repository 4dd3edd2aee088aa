"""The second stage: among the allocations with the optimal output, the tie-break's one.

The optimal face is read off the first stage's duals (complementary slackness, exact for
any optimal dual): a cell whose reduced cost is not zero stays at its bound, a rule whose
price is not zero stays at its active bound. On that face the LP is solved again with the
tie-break weights (`LinearProgram.tie_weights`) as its costs; output is held at its optimum
by construction, with no tolerance on the objective. The first stage's duals are kept:
they price the output problem, and they are complementary to every point of the face.

`on_highs` runs the stage on a live Highs (a session, a sweep, a batch chunk) and puts the
model back; `tie_broken` runs it through any backend. Both use `face`.
"""

from __future__ import annotations

import dataclasses
import math

import highspy
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


def on_highs(h: highspy.Highs, c: np.ndarray, col_lower: np.ndarray, col_upper: np.ndarray,
             row_lower: np.ndarray, row_upper: np.ndarray, weights: np.ndarray,
             first: RawSolution, tol: Tolerance) -> RawSolution:
    """Second stage on a live Highs whose model is (c, bounds); the model is put back.

    The arrays are the model's current ones (a live LP's, after its changes)."""
    from landalloc.solver.highs import run_highs

    if first.status is not Status.OPTIMAL:
        return first
    inf = math.inf
    cl, cu, rl, ru = face(col_lower, col_upper, row_lower, row_upper, first, tol)
    n, m = c.size, row_lower.size
    basis = h.getBasis()  # the output LP's optimal basis: the next warm start
    first.extra["duals_unique"] = _nondegenerate(basis, first, col_lower, col_upper,
                                                 row_lower, row_upper, tol)
    cols = np.arange(n, dtype=np.int32)
    rows = np.arange(m, dtype=np.int32)
    h.changeColsCost(n, cols, weights.astype(float))
    h.changeColsBounds(n, cols, np.clip(cl, -inf, inf), np.clip(cu, -inf, inf))
    h.changeRowsBounds(m, rows, np.clip(rl, -inf, inf), np.clip(ru, -inf, inf))
    second = run_highs(h)
    h.changeColsCost(n, cols, c.astype(float))
    h.changeColsBounds(n, cols, np.clip(col_lower, -inf, inf), np.clip(col_upper, -inf, inf))
    h.changeRowsBounds(m, rows, np.clip(row_lower, -inf, inf), np.clip(row_upper, -inf, inf))
    h.setBasis(basis)
    return _merge(first, second, c)


def _nondegenerate(basis, raw: RawSolution, col_lower, col_upper, row_lower, row_upper,
                   tol: Tolerance) -> bool:
    """No basic variable sits on a bound: then the optimal duals are unique."""
    basic = int(highspy.HighsBasisStatus.kBasic.value)
    cb = np.fromiter((int(s.value) == basic for s in basis.col_status), bool, raw.x.size)
    rb = np.fromiter((int(s.value) == basic for s in basis.row_status), bool,
                     row_lower.size)
    act = raw.row_activity
    col_at = cb & (tol.at(raw.x, col_lower) | tol.at(raw.x, col_upper))
    row_at = rb & (tol.at(act, row_lower) | tol.at(act, row_upper)) if act is not None \
        else np.zeros(row_lower.size, bool)
    return not (col_at.any() or row_at.any())


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
        second.row_activity = lp.A @ second.x
    return _merge(first, second, lp.c)
