"""The Python API: one call from an instance or scenario to a labelled Result."""

from __future__ import annotations

from pathlib import Path

from landalloc.plan.loading import Loaded
from landalloc.plan.model import Instance
from landalloc.problem.build import Problem, build, load_problem
from landalloc.results.result import Result, label
from landalloc.solver import SolverOptions, get_backend
from landalloc.solver.sensitivity import analyse
from landalloc.solver.stages import tie_broken


def solve_problem(problem: Problem, analysis: bool = True) -> Result:
    """Both stages and the analysis of the optimum, labelled.

    HiGHS analyses its own solve; another backend solves both stages itself and HiGHS
    analyses the same LP (prices, ranging, measured values are properties of the LP).
    `analysis=False` gives the light analysis (no ranging, no re-solves)."""
    lp, opts = problem.lp, problem.options
    if problem.backend == "highs":
        an = analyse(lp, opts, probe=analysis)
        raw = an.solution
    else:
        raw = tie_broken(lp, get_backend(problem.backend), opts)
        an = analyse(lp, opts, probe=analysis) if raw.x is not None else None
    return label(problem.instance, lp, raw, problem.record(), an, opts.tolerance())


def plan_objective(result: Result, backend: str | None = None) -> float | None:
    """The output of the plan as written (its instance, no overrides) when `result` changed
    it, for "change against the plan"; None for the plan itself or when the plan does not
    solve. The base is context only: never the reason a run fails."""
    rec = result.record or {}
    if not rec.get("overrides") or not result.optimal or not rec.get("instance"):
        return None
    try:
        base = solve(rec["instance"], rec.get("period"), [], backend)
    except Exception:
        return None
    return base.objective if base.optimal else None


def solve_instance(instance: Instance, backend: str = "highs",
                   options: SolverOptions | None = None) -> Result:
    """Formulate, solve and label one Instance."""
    return solve_problem(build(instance, backend, options))


def solve_loaded(loaded: Loaded, backend: str | None = None,
                 options: SolverOptions | None = None) -> Result:
    """Solve what `load` returned: the scenario's objective and solver settings apply."""
    return solve_problem(build(loaded, backend, options))


def solve(ref: str | Path | Instance | None = None, period: str | None = None,
          sets: list[str] | None = None, backend: str | None = None,
          options: SolverOptions | None = None) -> Result:
    """Solve a bundled instance by name, an instance folder or a scenario file."""
    return solve_problem(load_problem(ref, period, sets, backend, options))


def diagnose_problem(problem: Problem, relax: list[str] | str | None = None,
                     weights: dict[str, float] | list[str] | None = None,
                     method: str = "auto", time_limit: float = 10.0):
    """Why a Problem is infeasible, and the cheapest repair (a Diagnosis)."""
    from landalloc.analysis.diagnosis import RelaxSpec, explain

    spec = RelaxSpec.parse(relax, weights, problem.lp)
    overrides = problem.loaded.overrides if problem.loaded is not None else None
    return explain(problem.lp, problem.instance, overrides, spec, method, time_limit)


def diagnose_instance(instance: Instance, relax: list[str] | str | None = None,
                      weights: dict[str, float] | None = None, method: str = "auto",
                      time_limit: float = 10.0, overrides: list | None = None):
    """Why one Instance is infeasible, and the cheapest repair (a Diagnosis)."""
    from landalloc.analysis.diagnosis import RelaxSpec, explain

    problem = build(instance)
    spec = RelaxSpec.parse(relax, weights, problem.lp)
    return explain(problem.lp, instance, overrides, spec, method, time_limit)


def diagnose(ref: str | Path | None = None, period: str | None = None,
             sets: list[str] | None = None, relax: list[str] | str | None = None,
             weights: dict[str, float] | None = None, method: str = "auto",
             time_limit: float = 10.0):
    """Diagnose a bundled instance, folder or scenario file with overrides.

    Returns a `landalloc.analysis.diagnosis.Diagnosis`: `feasible`, `iis` (rule names),
    `sentences`, `arithmetic`, `repair` (set path -> new value) and `repair_block()`.
    """
    problem = _one_or_linked(ref, period, sets)
    if getattr(problem, "horizon", None) is not None:
        from landalloc.analysis.diagnosis import explain_linked

        return explain_linked(problem, ref, ",".join(problem.periods), list(sets or []),
                              relax, weights, method, time_limit)
    return diagnose_problem(problem, relax, weights, method, time_limit)


# ------------------------------------------------------------------ alternative allocations
def check(table: str | Path, ref: str | Path | Instance | None = None,
          period: str | None = None, sets: list[str] | None = None):
    """What an allocation table (CSV long or wide, or the report workbook) breaks, its output
    against the optimum, and the nearest feasible / optimal allocation (a CheckReport)."""
    from landalloc.analysis.alternatives import check_problem

    return check_problem(_one_or_linked(ref, period, sets), table)


def ranges(ref: str | Path | Instance | None = None, period: str | None = None,
           sets: list[str] | None = None, slack: float = 0.0):
    """Min and max ha of every allowed cell over the allocations of output ≥ (1 - slack) ×
    optimum (a RangesReport; `.cells` is a DataFrame)."""
    from landalloc.analysis.alternatives import ranges_problem

    return ranges_problem(_one_or_linked(ref, period, sets), slack)


def _one_or_linked(ref, period: str | None, sets: list[str] | None):
    """A Problem, or a HorizonProblem for `all`, `p1,p2` or a scenario of linked periods."""
    from landalloc.problem.horizon import linked_spec, load_horizon

    spec = None if isinstance(ref, Instance) else linked_spec(ref, period)
    return load_problem(ref, period, sets) if spec is None else load_horizon(ref, spec, sets)


def alternatives(ref: str | Path | Instance | None = None, period: str | None = None,
                 sets: list[str] | None = None, slack: float = 0.02, n: int = 3,
                 seed: int = 0, directions: list[str] | None = None):
    """n allocations within the slack, as different as possible (an AlternativesReport)."""
    from landalloc.analysis.alternatives import alternatives_problem

    return alternatives_problem(load_problem(ref, period, sets), slack, n, seed, directions)


def explain(sector: str, district: str, ref: str | Path | Instance | None = None,
            period: str | None = None, sets: list[str] | None = None, slack: float = 0.0,
            target: float | None = None):
    """Why a cell gets what it gets: the reduced cost split over the rules' prices, the
    forcing curve, and the least change of rules for `target` ha (an ExplainReport)."""
    from landalloc.analysis.alternatives import explain_problem

    return explain_problem(load_problem(ref, period, sets), sector, district, slack, target)


def solve_horizon(ref=None, period: str | None = "all", sets: list[str] | None = None,
                  backend: str | None = None, options: SolverOptions | None = None,
                  mode: str = "joint"):
    """Solve linked periods (`period`: all, or p1,p2,...) as one LP (`mode="joint"`) or
    each in turn with the earlier ones fixed (`"sequential"`); both report the other's
    objective beside their own and the difference (the value of planning together)."""
    from landalloc.problem.horizon import load_horizon

    return solve_horizon_problem(load_horizon(ref, period, sets, backend, options), mode)


def solve_horizon_problem(problem, mode: str = "joint", analysis: bool = True):
    """A HorizonProblem -> HorizonResult. As for one period, HiGHS analyses its own solve;
    another backend solves both stages itself (and the sequential passes), and HiGHS
    analyses the same joint LP."""
    from landalloc.errors import InputError
    from landalloc.results.horizon import HorizonResult

    if mode not in ("joint", "sequential"):
        raise InputError.one(f"--mode is joint or sequential, not '{mode[:20]}'", file="--mode")
    h, opts = problem.horizon, problem.options
    if problem.backend == "highs":
        an = analyse(h.lp, opts, probe=analysis)
        joint = an.solution
    else:
        joint = tie_broken(h.lp, get_backend(problem.backend), opts)
        an = analyse(h.lp, opts, probe=analysis) if joint.x is not None else None
    seq = sequential(h, opts, problem.backend)
    if mode == "joint":
        raw = joint
    else:
        x = seq["x"]
        status = seq["status"]
        from landalloc.solver.base import RawSolution, Status

        raw = RawSolution(Status(status), seq["objective"], x,
                          None if x is None else h.lp.matrix @ x, backend=problem.backend,
                          message=seq.get("message", ""))
        an = None
    return HorizonResult(h, raw, an, mode, problem.record(), seq)


def sequential(h, opts, backend_name: str = "highs") -> dict:
    """Each period in turn, the earlier ones fixed at their answers (myopic planning)."""
    from landalloc.formulations.horizon import restricted
    from landalloc.solver.base import Status

    backend = get_backend(backend_name)
    x = None
    per: dict = {}
    for k, p in enumerate(h.periods):
        raw = tie_broken(restricted(h, k, x), backend, opts)
        if raw.status is not Status.OPTIMAL:
            return {"status": raw.status.value, "objective": None, "per_period": per,
                    "failed_at": p, "message": raw.message, "x": None}
        x = raw.x
        per[p] = float(h.blocks[k].c @ x[h.period_cols(k)])
    return {"status": "optimal", "objective": float(h.lp.c @ x), "per_period": per, "x": x}
