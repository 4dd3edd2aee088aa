"""The objective of a formulated LP. Pure: no solver import.

The formulation maximises projected output. A scenario may weight it by sector and district
(a policy preference, e.g. electronics counted at 1.2): each cell's cost is its output per
ha times its sector's and its district's weight (default 1). The objective's unit then says
it is weighted, and the projected output (unweighted) is kept beside it.
"""

from __future__ import annotations

import numpy as np

from landalloc.plan.model import MaxOutput


def weighted_costs(output: np.ndarray, sectors: list[str], districts: list[str],
                   col_sector: np.ndarray, col_district: np.ndarray,
                   objective: MaxOutput) -> np.ndarray:
    """Per-column costs: output per ha x sector weight x district weight."""
    if not objective.weighted:
        return output
    sw = np.array([objective.sector_weights.get(s, 1.0) for s in sectors], dtype=float)
    dw = np.array([objective.district_weights.get(d, 1.0) for d in districts], dtype=float)
    return output * sw[col_sector] * dw[col_district]
