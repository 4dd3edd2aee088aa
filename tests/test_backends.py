"""The three backends (highspy, PuLP, Pyomo) are interchangeable: same status, same
optimum, same duals where the dual is unique, and every dual reads d(objective)/d(bound)."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import highspy
import numpy as np
import pandas as pd
import pulp
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from landalloc.formulations import formulate
from landalloc.formulations.lp import LinearProgram, row_table
from landalloc.solver import BACKENDS, SolverOptions, Status, get_backend
from landalloc.solver.highs import HighsSession

from landalloc.plan.loading import load_instance
from landalloc.problem.synthetic import random_instance, random_lp

NAMES = ["highs", "pulp", "pyomo"]
REL = 1e-6


def solve_all(lp: LinearProgram, options: SolverOptions | None = None) -> dict:
    return {name: get_backend(name).solve(lp, options) for name in NAMES}


def assert_same_optimum(sols: dict) -> None:
    ref = sols["highs"]
    for name, s in sols.items():
        assert s.status is ref.status, (name, s.status, ref.status)
        if ref.status is Status.OPTIMAL:
            assert s.objective == pytest.approx(ref.objective, rel=REL, abs=1e-9), name


def unique_dual(lp: LinearProgram, margin: float = 1e-7) -> bool:
    """True when HiGHS's optimal basis is primal nondegenerate (every basic variable and
    every basic row activity strictly inside its bounds): then the optimal dual is unique."""
    session = HighsSession(lp)
    raw = session.run()
    if raw.status is not Status.OPTIMAL:
        return False
    basis = session.h.getBasis()
    basic = highspy.HighsBasisStatus.kBasic
    col_basic = np.array([s == basic for s in basis.col_status])
    row_basic = np.array([s == basic for s in basis.row_status])

    def inside(v, lo, hi):
        tol = np.maximum(margin, 1e-7 * np.abs(v))
        return (v - lo > tol) & (hi - v > tol)

    return bool(inside(raw.x, lp.col_lower, lp.col_upper)[col_basic].all()
                and inside(raw.row_activity, lp.row_lower, lp.row_upper)[row_basic].all())


def assert_same_duals(sols: dict) -> None:
    ref = sols["highs"]
    for name, s in sols.items():
        np.testing.assert_allclose(s.row_dual, ref.row_dual, rtol=REL, atol=1e-7, err_msg=name)
        np.testing.assert_allclose(s.col_dual, ref.col_dual, rtol=REL, atol=1e-7, err_msg=name)


# --- registry and CLI ---------------------------------------------------------------

def test_registry_names_and_capabilities():
    assert set(NAMES) <= set(BACKENDS)
    for name in NAMES:
        b = get_backend(name)
        assert b.name == name and "duals" in b.capabilities
    assert "warm_start" in get_backend("highs").capabilities
    with pytest.raises(ValueError, match=r"unknown backend 'cplex' \(known: highs, pulp, pyomo"):
        get_backend("cplex")


def test_cli_unknown_backend_is_exit_2_listing_the_known_ones():
    r = subprocess.run([sys.executable, "-c", "from landalloc.cli.app import main; main()",
                        "solve", "--backend", "gurobi"], capture_output=True, text=True)
    assert r.returncode == 2
    assert "unknown backend 'gurobi'" in r.stderr and "highs, pulp, pyomo" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("backend", NAMES)
def test_cli_solves_with_each_backend(backend):
    r = subprocess.run([sys.executable, "-c", "from landalloc.cli.app import main; main()",
                        "solve", "--backend", backend, "--json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    import json

    want = get_backend("highs").solve(formulate(load_instance("zhengzhou"))).objective
    assert json.loads(r.stdout)["objective"] == pytest.approx(want, rel=1e-9)


# --- the flagship instance -------------------------------------------------------------

@pytest.mark.parametrize("period", ["2021-2025", "2026-2035"])
def test_zhengzhou_same_optimum_on_every_backend(period):
    lp = formulate(load_instance("zhengzhou", period))
    sols = solve_all(lp)
    assert_same_optimum(sols)
    for name, s in sols.items():
        assert s.backend == name
        assert lp.max_violation(s.x) < 1e-6, name
        assert s.row_activity == pytest.approx(lp.A @ s.x)
        # whatever dual each returns, it certifies the same optimum (strong duality):
        # objective = sum of dual x active bound over rows and columns
        assert dual_objective(lp, s) == pytest.approx(s.objective, rel=1e-9), name


def dual_objective(lp: LinearProgram, s) -> float:
    def part(dual, value, lower, upper):
        on = np.abs(dual) > 1e-12
        bound = np.where(np.abs(value - lower) <= np.abs(value - upper), lower, upper)
        return float(np.sum(dual[on] * bound[on]))

    return (part(s.row_dual, s.row_activity, lp.row_lower, lp.row_upper)
            + part(s.col_dual, s.x, lp.col_lower, lp.col_upper))


# --- random instances --------------------------------------------------------------------

sizes = st.tuples(st.integers(2, 6), st.integers(2, 6), st.integers(0, 10**6),
                  st.integers(1, 3), st.sampled_from([0.0, 0.5, 1.0]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes)
def test_random_feasible_instances_agree(args):
    S, D, seed, zones, exact = args
    lp = formulate(random_instance(S, D, seed, n_zones=zones, exact_share=exact))
    sols = solve_all(lp)
    assert sols["highs"].status is Status.OPTIMAL  # feasible by construction
    assert_same_optimum(sols)
    if unique_dual(lp):
        event("unique dual: duals compared")
        assert_same_duals(sols)


@settings(max_examples=40, deadline=None)
@given(sizes)
def test_random_infeasible_instances_are_infeasible_everywhere(args):
    S, D, seed, zones, exact = args
    lp = formulate(random_instance(S, D, seed, n_zones=zones, exact_share=exact,
                                   infeasible=True))
    for name, s in solve_all(lp).items():
        assert s.status is Status.INFEASIBLE, name
        assert s.x is None and s.objective is None


def test_duals_agree_where_unique():
    """Deterministic companion of the property test: enough nondegenerate cases compared."""
    compared = 0
    for seed in range(60):
        lp = random_lp(3 + seed % 4, 3 + seed % 5, seed, n_zones=1 + seed % 3)
        if not unique_dual(lp):
            continue
        sols = solve_all(lp)
        assert_same_optimum(sols)
        assert_same_duals(sols)
        assert np.abs(sols["highs"].row_dual).max() > 0  # something to compare
        compared += 1
    assert compared >= 15


def _nondegenerate_case() -> LinearProgram:
    for seed in range(100):
        lp = random_lp(5, 6, seed, exact_share=0.0)
        if unique_dual(lp, margin=1.0):
            return lp
    raise AssertionError("no nondegenerate instance among the seeds")


@pytest.mark.parametrize("backend", NAMES)
def test_dual_sign_by_finite_difference(backend):
    """row_dual[i] and col_dual[j] are d(objective)/d(bound) of the active bound."""
    lp = _nondegenerate_case()
    b = get_backend(backend)
    base = b.solve(lp)
    step = 0.01
    i = int(np.argmax(np.abs(base.row_dual)))
    moved = LinearProgram(**{**lp.__dict__, "row_lower": lp.row_lower.copy(),
                             "row_upper": lp.row_upper.copy()})
    at_upper = abs(base.row_activity[i] - lp.row_upper[i]) < 1e-6
    at_lower = abs(base.row_activity[i] - lp.row_lower[i]) < 1e-6
    assert at_upper or at_lower
    if at_upper:
        moved.row_upper[i] += step
    if at_lower:
        moved.row_lower[i] += step
    slope = (b.solve(moved).objective - base.objective) / step
    assert base.row_dual[i] != 0
    assert slope == pytest.approx(base.row_dual[i], rel=1e-6, abs=1e-9)

    # reduced cost: force a little land into an allowed cell the optimum leaves empty
    empty = np.flatnonzero((base.x < 1e-9) & np.isinf(lp.col_upper) & (base.col_dual < -1e-6))
    assert empty.size
    j = int(empty[0])
    forced = LinearProgram(**{**lp.__dict__, "col_lower": lp.col_lower.copy()})
    forced.col_lower[j] = step
    slope = (b.solve(forced).objective - base.objective) / step
    assert base.col_dual[j] < 0
    assert slope == pytest.approx(base.col_dual[j], rel=1e-6, abs=1e-9)


# --- statuses and options ------------------------------------------------------------------

def tiny(c, A, row_lower, row_upper, col_upper=None) -> LinearProgram:
    A = sp.csc_matrix(np.atleast_2d(np.asarray(A, float)))
    m, n = A.shape
    return LinearProgram(
        c=np.asarray(c, float), matrix=A, row_lower=np.asarray(row_lower, float),
        row_upper=np.asarray(row_upper, float), col_lower=np.zeros(n),
        col_upper=np.full(n, np.inf) if col_upper is None else np.asarray(col_upper, float),
        row_info=row_table([(f"r{i}", "rule", "", "", "", "") for i in range(m)]),
        sectors=["s"], districts=[f"d{j}" for j in range(n)],
        col_sector=np.zeros(n, int), col_district=np.arange(n))


def test_tiny_by_hand():
    # max 2a + b  st  a + b <= 5, 1 <= a <= 3 (row 1): a = 3, b = 2, objective 8;
    # one more unit of the first row's cap gives +1 (b), of a's row cap +1 (2 - 1)
    lp = tiny([2, 1], [[1, 1], [1, 0]], [-np.inf, 1], [5, 3])
    for name, s in solve_all(lp).items():
        assert s.objective == pytest.approx(8), name
        np.testing.assert_allclose(s.x, [3, 2], atol=1e-9, err_msg=name)
        np.testing.assert_allclose(s.row_dual, [1, 1], atol=1e-9, err_msg=name)
        np.testing.assert_allclose(s.col_dual, [0, 0], atol=1e-9, err_msg=name)


def test_unbounded_and_infeasible_statuses():
    unbounded = tiny([1, 1], [[1, -1]], [-np.inf], [1])
    infeasible = tiny([1, 1], [[1, 1]], [-np.inf], [-1])
    empty_row = tiny([1, 1], [[0, 0]], [2], [3])  # no cells, bound excludes 0
    for name in NAMES:
        b = get_backend(name)
        assert b.solve(unbounded).status is Status.UNBOUNDED, name
        assert b.solve(infeasible).status is Status.INFEASIBLE, name
        assert b.solve(empty_row).status is Status.INFEASIBLE, name


def test_time_limit_status():
    lp = random_lp(120, 120, 1)
    for name in NAMES:
        s = get_backend(name).solve(lp, SolverOptions(time_limit=1e-3))
        assert s.status is Status.TIME_LIMIT, name
        assert s.x is None


def test_status_maps_of_the_libraries():
    from landalloc.solver.pulp_backend import _status as pulp_status
    from landalloc.solver.pyomo_backend import _status as pyomo_status
    from pyomo.contrib.solver.common.results import SolutionStatus as SS
    from pyomo.contrib.solver.common.results import TerminationCondition as T

    def p(status, sol):
        return pulp_status(pulp, SimpleNamespace(status=status, sol_status=sol), None)

    assert p(pulp.LpStatusOptimal, pulp.LpSolutionOptimal) is Status.OPTIMAL
    assert p(pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible) is Status.TIME_LIMIT
    assert p(pulp.LpStatusInfeasible, pulp.LpSolutionInfeasible) is Status.INFEASIBLE
    assert p(pulp.LpStatusUnbounded, pulp.LpSolutionUnbounded) is Status.UNBOUNDED
    assert p(pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound) is Status.ERROR
    assert p(pulp.LpStatusUndefined, pulp.LpSolutionNoSolutionFound) is Status.ERROR

    def y(tc, ss=SS.noSolution):
        return pyomo_status(SimpleNamespace(termination_condition=tc, solution_status=ss))

    assert y(T.convergenceCriteriaSatisfied, SS.optimal) is Status.OPTIMAL
    assert y(T.provenInfeasible) is Status.INFEASIBLE
    assert y(T.infeasibleOrUnbounded) is Status.INFEASIBLE
    assert y(T.unbounded) is Status.UNBOUNDED
    assert y(T.maxTimeLimit, SS.feasible) is Status.TIME_LIMIT
    assert y(T.error) is Status.ERROR
    assert y(T.unknown) is Status.ERROR


@pytest.mark.parametrize("backend", NAMES)
def test_silent_by_default_and_log_file_when_asked(backend, tmp_path, capfd):
    lp = formulate(load_instance("zhengzhou", "2021-2025"))
    get_backend(backend).solve(lp)
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    log = tmp_path / "highs.log"
    s = get_backend(backend).solve(lp, SolverOptions(log_file=str(log)))
    assert s.status is Status.OPTIMAL
    out, err = capfd.readouterr()
    assert out == ""  # the log goes to the file, not the screen
    assert "HiGHS" in log.read_text()
    get_backend(backend).solve(lp, SolverOptions(verbose=True))
    out, _ = capfd.readouterr()
    assert "HiGHS" in out or "Objective" in out


@pytest.mark.parametrize("backend", NAMES)
def test_tolerance_and_thread_options_are_accepted(backend):
    lp = formulate(load_instance("zhengzhou", "2026-2035"))
    s = get_backend(backend).solve(lp, SolverOptions(primal_tolerance=1e-9, dual_tolerance=1e-9,
                                                     threads=1, time_limit=60))
    assert s.status is Status.OPTIMAL
    assert s.objective == pytest.approx(get_backend("highs").solve(lp).objective, rel=1e-9)


# --- the synthetic LP generator -------------------------------------------------------------

@pytest.mark.parametrize("args", [(5, 7, 1, {}), (30, 20, 3, {}), (12, 9, 4, {"infeasible": True}),
                                  (8, 8, 5, {"n_zones": 6, "exact_share": 0.0})])
def test_random_lp_is_formulate_of_random_instance(args):
    S, D, seed, kw = args
    a, b = formulate(random_instance(S, D, seed, **kw)), random_lp(S, D, seed, **kw)
    assert (a.A != b.A).nnz == 0 and a.A.shape == b.A.shape
    for f in ("c", "row_lower", "row_upper", "col_lower", "col_upper", "col_sector",
              "col_district"):
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f), err_msg=f)
    pd.testing.assert_frame_equal(a.rows, b.rows)
    assert (a.sectors, a.districts, a.name) == (b.sectors, b.districts, b.name)
