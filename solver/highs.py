"""The embedded default: HiGHS in-process through highspy, arrays straight in."""

from __future__ import annotations

import os
import threading
import time

import highspy
import numpy as np
from landalloc.formulations.lp import LinearProgram
from landalloc.solver.base import RawSolution, SolverOptions, Status

_banner_lock = threading.Lock()
_banner_done = False


def new_highs() -> highspy.Highs:
    """A silent Highs. The first one of a process prints a banner to fd 1: swallow it."""
    global _banner_done
    with _banner_lock:
        if not _banner_done:
            saved = os.dup(1)
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, 1)
                h = highspy.Highs()
                h.setOptionValue("output_flag", False)
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(devnull)
            _banner_done = True
            return h
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


def highs_options(options: SolverOptions | None) -> dict[str, object]:
    """SolverOptions as HiGHS option names: one mapping for every backend that runs HiGHS."""
    if options is None:
        return {}
    out: dict[str, object] = {}
    if options.time_limit is not None:
        out["time_limit"] = float(options.time_limit)
    if options.threads is not None:
        out["threads"] = int(options.threads)
    if options.primal_tolerance is not None:
        out["primal_feasibility_tolerance"] = float(options.primal_tolerance)
    if options.dual_tolerance is not None:
        out["dual_feasibility_tolerance"] = float(options.dual_tolerance)
    if options.log_file:
        out.update(log_file=str(options.log_file), output_flag=True,
                   log_to_console=bool(options.verbose))
    elif options.verbose:
        out.update(output_flag=True, log_to_console=True)
    return out


_thread_state = threading.local()


def use_threads(threads: int | None) -> None:
    """Before a run in this OS thread: HiGHS fixes a thread's scheduler size at its first
    run, and a later run asking for another `threads` value fails ("Not Set"). When a run
    asks for a size this thread has not used last, reset this thread's scheduler first."""
    if threads is None or getattr(_thread_state, "threads", None) == threads:
        return
    highspy.Highs.resetThreadScheduler(True)
    _thread_state.threads = threads


def apply_options(h: highspy.Highs, options: SolverOptions | None) -> None:
    for key, value in highs_options(options).items():
        h.setOptionValue(key, value)


def to_highs_lp(lp: LinearProgram) -> highspy.HighsLp:
    """Fill a HighsLp from the CSC arrays (the flat passModel overload misreads them)."""
    inf = highspy.kHighsInf
    m = highspy.HighsLp()
    m.num_col_ = lp.num_col
    m.num_row_ = lp.num_row
    m.sense_ = highspy.ObjSense.kMaximize
    m.col_cost_ = lp.c.astype(float)
    m.col_lower_ = np.clip(lp.col_lower, -inf, inf)
    m.col_upper_ = np.clip(lp.col_upper, -inf, inf)
    m.row_lower_ = np.clip(lp.row_lower, -inf, inf)
    m.row_upper_ = np.clip(lp.row_upper, -inf, inf)
    A = lp.matrix
    m.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    m.a_matrix_.start_ = A.indptr.astype(np.int32)
    m.a_matrix_.index_ = A.indices.astype(np.int32)
    m.a_matrix_.value_ = A.data.astype(float)
    return m


#: The one map from HiGHS model statuses to the shared status set.
_STATUS = {
    highspy.HighsModelStatus.kOptimal: Status.OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: Status.INFEASIBLE,
    highspy.HighsModelStatus.kUnbounded: Status.UNBOUNDED,
    highspy.HighsModelStatus.kUnboundedOrInfeasible: Status.INFEASIBLE,
    highspy.HighsModelStatus.kTimeLimit: Status.TIME_LIMIT,
}


def status_of(model_status: highspy.HighsModelStatus) -> Status:
    """A HiGHS model status in the shared set (anything unlisted is an error)."""
    return _STATUS.get(model_status, Status.ERROR)


def run_highs(h: highspy.Highs, with_activity: bool = True) -> RawSolution:
    """Run a Highs and read what every caller needs: status, objective, x, duals."""
    t0 = time.perf_counter()
    h.run()
    elapsed = time.perf_counter() - t0
    model_status = h.getModelStatus()
    status = status_of(model_status)
    # two info values, not getInfo(): copying the whole info struct costs ~7 us, a
    # tenth of a warm re-solve of the Zhengzhou LP
    _, iterations = h.getInfoValue("simplex_iteration_count")
    raw = RawSolution(status=status, solve_seconds=elapsed, backend="highs",
                      iterations=int(iterations),
                      message=h.modelStatusToString(model_status))
    if status is Status.OPTIMAL:
        sol = h.getSolution()
        raw.objective = float(h.getObjectiveValue())
        raw.x = np.asarray(sol.col_value, dtype=float)
        if with_activity:
            raw.row_activity = np.asarray(sol.row_value, dtype=float)
        # HiGHS duals for a maximisation already read as d(objective)/d(bound).
        raw.row_dual = np.asarray(sol.row_dual, dtype=float)
        raw.col_dual = np.asarray(sol.col_dual, dtype=float)
    return raw


class HighsSession:
    """A live HiGHS model: solve, change bounds, costs or coefficients, re-solve warm."""

    def __init__(self, lp: LinearProgram, options: SolverOptions | None = None) -> None:
        self.lp = lp
        self.options = options
        self.threads = options.threads if options else None
        self.h = new_highs()
        apply_options(self.h, options)
        self.h.passModel(to_highs_lp(lp))

    def set_row_bounds(self, i: int, lower: float, upper: float) -> None:
        inf = highspy.kHighsInf
        self.h.changeRowBounds(int(i), max(lower, -inf), min(upper, inf))

    def set_col_bounds(self, j: int, lower: float, upper: float) -> None:
        inf = highspy.kHighsInf
        self.h.changeColBounds(int(j), max(lower, -inf), min(upper, inf))

    def set_cost(self, j: int, cost: float) -> None:
        self.h.changeColCost(int(j), float(cost))

    def set_coeff(self, i: int, j: int, value: float) -> None:
        """Matrix entry (row i, column j); HiGHS keeps the basis (a zero drops the entry)."""
        self.h.changeCoeff(int(i), int(j), float(value))

    def run(self) -> RawSolution:
        use_threads(self.threads)
        return run_highs(self.h)


class HighsBackend:
    """highspy in-process: the default and the fast path."""

    name = "highs"
    capabilities = frozenset({"duals", "warm_start", "ranging", "iis"})

    def solve(self, lp: LinearProgram, options: SolverOptions | None = None) -> RawSolution:
        t0 = time.perf_counter()
        session = HighsSession(lp, options)
        build = time.perf_counter() - t0
        raw = session.run()
        raw.extra["build_seconds"] = build
        return raw
