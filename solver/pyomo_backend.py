"""Pyomo: the same LP built as a Pyomo ConcreteModel, solved by HiGHS through Pyomo's
in-process interface (`pyomo.contrib.solver` 'highs', on highspy).

For users who extend the model in Pyomo, and as an independent cross-check of the
highspy path. Duals and reduced costs come back through Pyomo import Suffixes (`dual`,
`rc`). Pyomo is imported on first use (0.2-0.3 s). Pyomo's HiGHS interface sets HiGHS's
keyboard-interrupt handling, whose lock is shared by every HiGHS object in a process: do
not run Pyomo solves concurrently in threads (processes are fine).
"""

from __future__ import annotations

import sys
import time

import numpy as np
from landalloc.formulations.lp import LinearProgram
from landalloc.solver.base import RawSolution, SolverOptions, Status
from landalloc.solver.highs import highs_options, new_highs, use_threads
from landalloc.solver.modelling import col_bounds, empty_row_conflict, rows

#: Pyomo's `dual` and `rc` suffixes of a maximisation already read as d(objective)/d(bound)
#: (HiGHS's own convention). The one place that sign is mapped.
MAX_SIGN = 1.0


def _status(results) -> Status:
    """Pyomo's termination condition -> the shared Status set."""
    from pyomo.contrib.solver.common.results import SolutionStatus
    from pyomo.contrib.solver.common.results import TerminationCondition as T

    tc = results.termination_condition
    if tc == T.convergenceCriteriaSatisfied and results.solution_status == SolutionStatus.optimal:
        return Status.OPTIMAL
    if tc in (T.provenInfeasible, T.locallyInfeasible, T.infeasibleOrUnbounded):
        return Status.INFEASIBLE
    if tc == T.unbounded:
        return Status.UNBOUNDED
    if tc in (T.maxTimeLimit, T.iterationLimit, T.interrupted):
        return Status.TIME_LIMIT
    return Status.ERROR


class PyomoBackend:
    """Pyomo's modelling API + its in-process HiGHS interface."""

    name = "pyomo"
    capabilities = frozenset({"duals"})

    def build(self, lp: LinearProgram):
        """The LP as a Pyomo ConcreteModel with `dual` and `rc` import suffixes."""
        import pyomo.environ as pyo

        m = pyo.ConcreteModel(name=lp.name or "landalloc")
        bounds = col_bounds(lp)
        m.x = pyo.Var(range(lp.num_col), bounds=lambda _m, j: bounds[j])
        xs = [m.x[j] for j in range(lp.num_col)]
        m.output = pyo.Objective(
            expr=pyo.quicksum(c * v for c, v in zip(lp.c.tolist(), xs, strict=True)),
            sense=pyo.maximize)
        spec = {r.index: r for r in rows(lp)}

        def rule(_m, i):
            r = spec[i]
            expr = pyo.quicksum(v * xs[j] for j, v in zip(r.cols.tolist(), r.coefs.tolist(),
                                                           strict=True))
            if r.lower is not None and r.lower == r.upper:
                return expr == r.lower
            return (r.lower, expr, r.upper)

        m.rules = pyo.Constraint(list(spec), rule=rule)
        m.dual = pyo.Suffix(direction=pyo.Suffix.IMPORT)
        m.rc = pyo.Suffix(direction=pyo.Suffix.IMPORT)
        return m

    def solve(self, lp: LinearProgram, options: SolverOptions | None = None) -> RawSolution:
        import pyomo.environ as pyo
        from pyomo.contrib.solver.solvers.highs import Highs

        if (bad := empty_row_conflict(lp)) is not None:
            return RawSolution(Status.INFEASIBLE, backend=self.name,
                               message=f"row {lp.row_names()[bad]} has no cells and excludes 0")
        t0 = time.perf_counter()
        m = self.build(lp)
        t1 = time.perf_counter()
        new_highs()  # the first Highs of a process prints a banner: let ours swallow it
        use_threads(options.threads if options else None)
        verbose = bool(options and options.verbose)
        hopts = highs_options(options)
        if not verbose and "log_file" not in hopts:
            hopts["output_flag"] = False
        results = Highs().solve(m, load_solutions=False, raise_exception_on_nonoptimal_result=False,
                                tee=[sys.stdout] if verbose else False, solver_options=hopts)
        t2 = time.perf_counter()
        status = _status(results)
        raw = RawSolution(status=status, backend=self.name, solve_seconds=t2 - t1,
                          message=str(results.termination_condition.name),
                          extra={"build_seconds": t1 - t0})
        if status is Status.OPTIMAL:
            results.solution_loader.load_vars()
            results.solution_loader.load_import_suffixes()
            raw.x = np.array([m.x[j].value or 0.0 for j in range(lp.num_col)], dtype=float)
            raw.objective = float(pyo.value(m.output))
            raw.row_activity = lp.A @ raw.x
            raw.row_dual = np.zeros(lp.num_row)
            for i in m.rules:
                raw.row_dual[i] = MAX_SIGN * m.dual.get(m.rules[i], 0.0) + 0.0
            raw.col_dual = MAX_SIGN * np.array(
                [m.rc.get(m.x[j], 0.0) for j in range(lp.num_col)], dtype=float) + 0.0
        return raw
