"""Plan fit of an allocation: the one place it is computed (JSON, screen, tradeoff).

plan fit = Σ_cells plan_fit.weights[role(cell)] · ha, the role from the instance's roles.csv
(`none` where the plan names no role). `by_role` adds the hectares per role; `unnamed` holds
those in cells without a role, so the parts sum to the allocated total.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from landalloc.plan.model import NO_ROLE, ROLE_ORDER, UNNAMED, Instance

#: Hectares below this count as zero (the default tolerance policy's).
_HA_TOL = 1e-6


def cell_role(inst: Instance, sector: str, district: str) -> str | None:
    r = inst.role(sector, district)
    return None if r is None else r.role


def plan_fit(inst: Instance, sectors: list[str], districts: list[str],
             x: np.ndarray) -> dict[str, Any]:
    """{score, weights, by_role: {core, cluster, node, zone_list, unnamed}} of x (sector-major
    over sectors x districts)."""
    by_role = dict.fromkeys((*ROLE_ORDER, UNNAMED), 0.0)
    score = 0.0
    weights = inst.plan_fit.full()
    k = 0
    for s in sectors:
        for d in districts:
            ha = float(x[k])
            k += 1
            if abs(ha) < _HA_TOL:
                continue
            role = cell_role(inst, s, d)
            by_role[role or UNNAMED] += ha
            score += weights[role or NO_ROLE] * ha
    return {"score": score, "weights": weights, "by_role": by_role,
            "unnamed_allowed_cells": [{"sector": s, "district": d}
                                      for s, d in inst.unnamed_cells()],
            "rule": "Σ weight[role] · ha; the role per cell from the instance's roles "
                    "(none: the plan names no role for the cell)",
            "plan_reading_cost": plan_reading_cost(inst, x)}


#: The one --set that turns the named-base reading off (the unconstrained optimum).
READING_OFF = "plan_fit.base_minimum.ha=0"


def plan_reading_cost(inst: Instance, x: np.ndarray) -> dict[str, Any] | None:
    """What the named-base minimums (plan_fit.base_minimum, an assumption) cost: the optimum
    without them less the objective of x, so a reader sees the price of following the plan's
    layout beside the allocation. None without roles or minimums."""
    from landalloc.formulations.allocation import formulate, named_base_rules
    from landalloc.solver import get_backend
    from landalloc.solver.base import Status

    bm = inst.plan_fit.base_minimum
    if not inst.roles or bm is None:
        return None
    got = float(formulate(inst).c @ x)
    free = inst.model_copy(update={"plan_fit": inst.plan_fit.model_copy(update={
        "base_minimum": bm.model_copy(update={"ha": 0.0})})})
    raw = get_backend("highs").solve(formulate(free))
    best = float(raw.objective) if raw.status is Status.OPTIMAL else None
    cost = None if best is None else max(best - got, 0.0)
    return {"cost": cost, "share": None if cost is None or not best else cost / abs(best),
            "unconstrained_objective": best, "objective": got, "unit": inst.objective_unit,
            "minimum_ha": bm.ha,
            "named_bases": len(named_base_rules(inst)), "unconstrained_set": READING_OFF,
            "assumption": bm.assumption or bm.source}

