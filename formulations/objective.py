"""Objective variants on a formulated LP. Pure: no solver import.

The formulation maximises projected output. A scenario may weight it by sector and district
(a policy preference, e.g. electronics counted at 1.2): each cell's cost is multiplied by its
sector's and its district's weight (default 1). The unit then says it is weighted.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from landalloc.formulations.lp import LinearProgram


def weight_output(lp: LinearProgram, sector_weights: dict[str, float],
                  district_weights: dict[str, float]) -> LinearProgram:
    """A copy of `lp` whose costs are output x sector weight x district weight."""
    if not sector_weights and not district_weights:
        return lp
    sw = np.array([sector_weights.get(s, 1.0) for s in lp.sectors], dtype=float)
    dw = np.array([district_weights.get(d, 1.0) for d in lp.districts], dtype=float)
    c = lp.c * sw[lp.col_sector] * dw[lp.col_district]
    return dataclasses.replace(lp, c=c, objective_unit=f"{lp.objective_unit} (weighted)",
                               meta={**lp.meta, "output_c": lp.c})
