"""The tie-break preference: which of several allocations of equal output is the answer.

An LP with alternative optima (Zhengzhou 2021–2025 has them: cells of equal output per ha)
lets the solver's pivoting choose, so the same scenario could get different allocations from
a cold solve, a warm batch or another backend. landalloc therefore solves a second stage:
among the allocations with the optimal output, it takes the one that maximises Σ w·x.

`w` is fixed per cell and does not depend on the order of files, solvers or warm starts:
w[s, d] is a number in [0, 1) read from the SHA-256 of "sector|district". It is not a
planning preference — it only makes the answer reproducible; a generic w has a single
maximiser on the optimal face, so every path ends on the same vertex. A plan-role
preference, where an instance has one, is added on top with weights much larger than 1:
formulations.allocation sets `LinearProgram.tie_break` = plan-fit weight per role
(`plan_fit.weights`, e.g. core 8, cluster 4, node 2, zone_list 1, none 0) + this hash weight.
The hash weight (< 1 per ha) decides between allocations of equal plan fit; a single
exchange of land between two cells whose role weights differ (by >= 1) is always decided by
plan fit. An exchange over several cells at once can in principle trade a little plan fit for
more hash weight, so reports compute plan fit from the allocation (results/plan_fit.py), and
`landalloc tradeoff` maximises plan fit alone.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np

#: What the tie-break does, in one sentence for screens and JSON.
RULE = ("among allocations with the optimal output, the one of highest plan fit "
        "(Σ role weight · ha, plan_fit.weights), then the one maximising a fixed per-cell "
        "weight (SHA-256 of 'sector|district', in [0, 1))")


@lru_cache(maxsize=64)
def _weights(sectors: tuple[str, ...], districts: tuple[str, ...]) -> np.ndarray:
    out = np.empty(len(sectors) * len(districts))
    k = 0
    for s in sectors:
        for d in districts:
            digest = hashlib.sha256(f"{s}|{d}".encode()).digest()
            out[k] = int.from_bytes(digest[:6], "big") / float(1 << 48)
            k += 1
    out.setflags(write=False)
    return out


def cell_weights(sectors: list[str], districts: list[str]) -> np.ndarray:
    """w for every (sector, district) cell, sector-major like the LP's columns."""
    return _weights(tuple(sectors), tuple(districts))
