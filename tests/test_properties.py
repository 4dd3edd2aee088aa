"""Properties on random feasible instances: the solution is feasible, uses only allowed
cells, and strong duality holds with the reported duals (objective = duals x active bounds)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from landalloc import solve_instance
from landalloc.problem.synthetic import random_instance


def _dual_objective(result) -> float:
    lp, raw = result.lp, result.raw
    total = 0.0
    for dual, lo, hi in zip(raw.row_dual, lp.row_lower, lp.row_upper, strict=True):
        if dual > 1e-9:
            total += dual * hi
        elif dual < -1e-9:
            total += dual * lo
    for dual, lo, hi in zip(raw.col_dual, lp.col_lower, lp.col_upper, strict=True):
        if dual > 1e-9:
            total += dual * hi
        elif dual < -1e-9:
            total += dual * lo
    return total


@settings(max_examples=60, deadline=None)
@given(s=st.integers(1, 8), d=st.integers(1, 10), seed=st.integers(0, 10_000))
def test_random_feasible_instances(s, d, seed):
    inst = random_instance(s, d, seed)
    r = solve_instance(inst)
    assert r.status == "optimal"
    assert r.max_violation < 1e-6
    m = r.matrix()
    for sector in m.index:
        for district in m.columns[m.loc[sector] > 0]:
            assert inst.is_allowed(sector, district)
    assert np.isclose(r.objective, _dual_objective(r), rtol=1e-7, atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(s=st.integers(1, 6), d=st.integers(1, 8), seed=st.integers(0, 10_000))
def test_random_infeasible_instances(s, d, seed):
    assert solve_instance(random_instance(s, d, seed, infeasible=True)).status == "infeasible"
