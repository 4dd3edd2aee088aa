"""PuLP: the same LP built through PuLP's modelling API, solved by HiGHS (`pulp.HiGHS`).

Useful as an independent cross-check of the highspy path and for users who already work
in PuLP. No warm start: every solve builds the model from scratch. PuLP is imported on
first use (it is slow to import and most runs never need it).
"""

from __future__ import annotations

import time

import numpy as np
from landalloc.formulations.lp import LinearProgram
from landalloc.solver.base import RawSolution, SolverOptions, Status
from landalloc.solver.highs import highs_options, new_highs, use_threads
from landalloc.solver.modelling import col_bounds, empty_row_conflict, rows

#: PuLP reports pi and dj of a maximisation with the opposite sign to d(objective)/d(bound)
#: (it hands HiGHS the negated minimisation). The one place that sign is mapped.
MAX_SIGN = -1.0


def _status(pulp, prob, options: SolverOptions | None) -> Status:
    """PuLP's (status, sol_status) pair -> the shared Status set."""
    status, sol = prob.status, prob.sol_status
    if status == pulp.LpStatusOptimal:
        if sol == pulp.LpSolutionOptimal:
            return Status.OPTIMAL
        # pulp.HiGHS reports a time or iteration limit as "optimal, solution found".
        return Status.TIME_LIMIT
    if status == pulp.LpStatusInfeasible:
        return Status.INFEASIBLE
    if status == pulp.LpStatusUnbounded:
        return Status.UNBOUNDED
    if status == pulp.LpStatusNotSolved and options and options.time_limit is not None:
        # a limit hit before any feasible point is reported as "not solved"
        model = getattr(prob, "solverModel", None)
        if model is not None and "time limit" in model.modelStatusToString(
                model.getModelStatus()).lower():
            return Status.TIME_LIMIT
    return Status.ERROR


class PulpBackend:
    """PuLP's modelling API + its in-process HiGHS interface (highspy)."""

    name = "pulp"
    capabilities = frozenset({"duals"})

    def build(self, lp: LinearProgram):
        """The LP as a pulp.LpProblem; returns (problem, variables, {row: [constraints]})."""
        import pulp

        prob = pulp.LpProblem(lp.name.replace(" ", "_") or "landalloc", pulp.LpMaximize)
        # PuLP >= 3.3 owns variables through the problem (the PuLP 4 way); older, directly
        new_var = getattr(prob, "add_variable", None) or pulp.LpVariable
        xs = [new_var(f"x{j}", lowBound=lo, upBound=hi)
              for j, (lo, hi) in enumerate(col_bounds(lp))]
        # every column enters the objective (coefficient 0 too), so PuLP knows all of them
        prob.setObjective(pulp.LpAffineExpression(list(zip(xs, lp.c.tolist(), strict=True))))
        cons: dict[int, list] = {}
        for row in rows(lp):
            expr = pulp.LpAffineExpression(
                [(xs[j], v) for j, v in zip(row.cols.tolist(), row.coefs.tolist(), strict=True)])
            if row.lower is not None and row.lower == row.upper:
                parts = [(pulp.LpConstraintEQ, row.lower, "e")]
            else:  # a range is two PuLP constraints; at most one is active
                parts = [(sense, rhs, tag) for sense, rhs, tag in (
                    (pulp.LpConstraintGE, row.lower, "l"), (pulp.LpConstraintLE, row.upper, "u"))
                    if rhs is not None]
            cons[row.index] = []
            for sense, rhs, tag in parts:
                c = pulp.LpConstraint(expr, sense=sense, rhs=rhs)
                prob.addConstraint(c, name=f"r{row.index}{tag}")
                cons[row.index].append(c)
        return prob, xs, cons

    def solve(self, lp: LinearProgram, options: SolverOptions | None = None) -> RawSolution:
        import pulp

        if (bad := empty_row_conflict(lp)) is not None:
            return RawSolution(Status.INFEASIBLE, backend=self.name,
                               message=f"row {lp.row_names()[bad]} has no cells and excludes 0")
        t0 = time.perf_counter()
        prob, xs, cons = self.build(lp)
        t1 = time.perf_counter()
        new_highs()  # the first Highs of a process prints a banner: let ours swallow it
        use_threads(options.threads if options else None)
        verbose = bool(options and options.verbose)
        solver = pulp.HiGHS(msg=verbose, mip=False, **highs_options(options))
        prob.solve(solver)
        t2 = time.perf_counter()
        status = _status(pulp, prob, options)
        raw = RawSolution(status=status, backend=self.name,
                          solve_seconds=t2 - t1, extra={"build_seconds": t1 - t0},
                          message=f"{pulp.LpStatus[prob.status]} "
                                  f"({pulp.LpSolution[prob.sol_status]})")
        if status is Status.TIME_LIMIT:
            raw.message = f"time or iteration limit reached (PuLP: {raw.message})"
        if status is Status.OPTIMAL:
            raw.x = np.array([v.varValue or 0.0 for v in xs], dtype=float)
            raw.objective = float(pulp.value(prob.objective) or 0.0)
            raw.row_activity = lp.A @ raw.x
            raw.row_dual = np.zeros(lp.num_row)
            for i, cs in cons.items():
                raw.row_dual[i] = MAX_SIGN * sum(c.pi or 0.0 for c in cs) + 0.0
            raw.col_dual = MAX_SIGN * np.array([v.dj or 0.0 for v in xs], dtype=float) + 0.0
        return raw
