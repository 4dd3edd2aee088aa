"""Why a cell moved between two solved scenarios: because of the scenario, or only among
allocations of equal output.

A cell whose hectares differ between the base and a variant moved *because of the
scenario* when the variant's optimal face cannot hold it at the base's value; it moved
*among equally good allocations* (a tie) when some allocation of the variant's optimal
output keeps it there — the tie-break chose another one. The face comes from the variant's
own first-stage duals (`solver.stages.face_lp`); its per-cell ranges from
`solver.alternatives.cell_ranges`.
"""

from __future__ import annotations

import numpy as np

from landalloc.results.result import Result
from landalloc.solver.alternatives import cell_ranges
from landalloc.solver.base import Status
from landalloc.solver.stages import face_lp

SCENARIO = "scenario"
TIE = "tie"


def move_reasons(base: Result, variant: Result, cells: list[tuple[str, str]]
                 ) -> dict[tuple[str, str], str]:
    """(sector, district) -> "scenario" or "tie" for each listed cell that moved."""
    if not (base.optimal and variant.optimal) or not cells or \
            variant.raw.col_dual is None or variant.raw.status is not Status.OPTIMAL:
        return {}
    lp, tol = variant.lp, variant.tolerance
    region = face_lp(lp, variant.raw, tol, costs=np.zeros(lp.num_col))
    js = np.array([lp.col_index(s, d) for s, d in cells], dtype=np.int64)
    rng = cell_ranges(region, js)
    bm = base.matrix()
    out = {}
    for (s, d), j in zip(cells, js, strict=True):
        v = float(bm.loc[s, d]) if s in bm.index and d in bm.columns else 0.0
        slack = tol.ha * max(1.0, abs(v))
        inside = rng.lower[j] - slack <= v <= rng.upper[j] + slack
        out[(s, d)] = TIE if inside else SCENARIO
    return out
